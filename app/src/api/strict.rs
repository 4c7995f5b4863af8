//! `Strict<T>`: a server-function argument that refuses unknown JSON fields.
//! server_fn gathers arguments into a struct of its own, and `#[server(flatten)]` (used
//! for a flat request body) makes serde ignore `deny_unknown_fields` on the flattened
//! type. Reading the whole object first and then `T` from it restores the check, so a
//! misspelt field is a 400 instead of a silently dropped setting.

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, PartialEq)]
pub struct Strict<T>(pub T);

impl<T: Serialize> Serialize for Strict<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Strict<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let object = serde_json::Map::<String, serde_json::Value>::deserialize(deserializer)?;
        serde_json::from_value(serde_json::Value::Object(object)).map(Strict).map_err(D::Error::custom)
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
}
