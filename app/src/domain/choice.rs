//! `choice!` declares a closed set of wire values (sizes, presets, resolutions, ...): each
//! variant's wire string, the list of all of them for the form, parsing with a field-specific
//! error, and serde through the wire string. What the interface calls them, in each
//! language, is `i18n`'s business (`i18n/labels.rs`), not the domain's.

/// `choice!(Name, "field", "what", default Variant, { Variant => "wire", ... })`
macro_rules! choice {
    ($name:ident, $field:literal, $what:literal, default $default:ident,
     { $($variant:ident => $wire:literal),+ $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(try_from = "String", into = "&'static str")]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in the order the form lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }

            pub fn parse(raw: &str) -> Result<Self, $crate::domain::FieldError> {
                let raw = raw.trim();
                Self::ALL.iter().copied().find(|v| v.as_str().eq_ignore_ascii_case(raw)).ok_or_else(|| {
                    let allowed: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                    $crate::domain::FieldError::new(
                        $field,
                        concat!("unknown_", $field),
                        format!("Unknown {} \"{}\"; choose one of {}.", $what, raw, allowed.join(", ")),
                    )
                })
            }
        }

        impl Default for $name {
            fn default() -> Self {
                $name::$default
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(raw: String) -> Result<Self, String> {
                Self::parse(&raw).map_err(|e| e.message)
            }
        }

        impl From<$name> for &'static str {
            fn from(v: $name) -> &'static str {
                v.as_str()
            }
        }
    };
}

pub(crate) use choice;
