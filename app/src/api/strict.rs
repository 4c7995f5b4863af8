//! `Strict<T>`: a server-function argument that refuses unknown JSON fields.
//! server_fn gathers arguments into a struct of its own, and `#[server(flatten)]` (used
//! for a flat request body) makes serde ignore `deny_unknown_fields` on the flattened
//! type. Reading the whole object first and then `T` from it restores the check, so a
//! misspelt field is a 400 instead of a silently dropped setting. A field given twice is
//! refused too (serde_json would keep the last one), so the request means one thing.

use serde::de::{DeserializeOwned, Error as _, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub struct Strict<T>(pub T);

/// The body of an endpoint that takes nothing: `{}`, with any field refused as anywhere else.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Empty {}

impl<T: Serialize> Serialize for Strict<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Strict<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let object = deserializer.deserialize_map(UniqueKeys)?;
        serde_json::from_value(Value::Object(object)).map(Strict).map_err(D::Error::custom)
    }
}

/// A JSON object whose keys are each given once.
struct UniqueKeys;

impl<'de> Visitor<'de> for UniqueKeys {
    type Value = Map<String, Value>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut object = Map::new();
        while let Some((key, value)) = access.next_entry::<String, Value>()? {
            if object.contains_key(&key) {
                return Err(A::Error::custom(format!("duplicate field `{key}`")));
            }
            object.insert(key, value);
        }
        Ok(object)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::SubmitRequest;

    #[derive(Deserialize)]
    struct Flattened {
        #[serde(flatten)]
        inner: Strict<SubmitRequest>,
    }

    #[test]
    fn unknown_fields_are_refused_even_when_flattened() {
        let err = serde_json::from_str::<Flattened>(r#"{"kind":"image","prompt":"x","colour":"red"}"#).err().unwrap();
        assert!(err.to_string().contains("colour"), "{err}");
        let ok = serde_json::from_str::<Flattened>(r#"{"kind":"image","prompt":"x"}"#).unwrap();
        assert_eq!(ok.inner.0.prompt, "x");
    }

    #[test]
    fn a_field_given_twice_is_refused() {
        let twice = r#"{"kind":"image","prompt":"cat","prompt":"dog"}"#;
        let err = serde_json::from_str::<Flattened>(twice).err().unwrap();
        assert!(err.to_string().contains("duplicate field `prompt`"), "{err}");
        assert!(serde_json::from_str::<Strict<SubmitRequest>>(twice).is_err(), "unflattened too");
    }
}
