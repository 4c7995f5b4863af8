//! `choice!` declares a closed set of wire values (sizes, presets, resolutions, ...): each
//! variant's wire string, the list of all of them for the form, parsing with a field-specific
//! error, and serde through the wire string.

/// `choice!(Name, "field", "what", default Variant, { Variant => "wire" ("Label", "标签"), ... })`
macro_rules! choice {
    ($name:ident, $field:literal, $what:literal, default $default:ident,
     { $($variant:ident => $wire:literal ($label:literal, $zh:literal)),+ $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(try_from = "String", into = "&'static str")]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in the order the form lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }

            /// What the interface shows for this value, in `locale`.
            pub fn label(self, locale: $crate::i18n::Locale) -> &'static str {
                match locale {
                    $crate::i18n::Locale::En => match self { $($name::$variant => $label),+ },
                    $crate::i18n::Locale::ZhCn => match self { $($name::$variant => $zh),+ },
                }
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
