//! Validation failures: which field, a stable machine code and a sentence for people.

use serde::{Deserialize, Serialize};

/// One rejected field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The request field at fault, named as on the wire (`prompt`, `size`, ...).
    pub field: String,
    /// Stable machine code such as `prompt_empty`.
    pub code: String,
    /// A sentence a user can act on.
    pub message: String,
    /// In a text of several lines (a batch of prompts), the line at fault, from 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl FieldError {
    pub fn new(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self { field: field.into(), code: code.into(), message: message.into(), line: None }
    }

    /// The same error, found on line `line` (from 1).
    pub fn on_line(self, line: usize) -> Self {
        Self { line: Some(line), ..self }
    }
}

/// Every rejected field of one request, in the order the fields were checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    /// Records the error of `result`, if any, and passes its value on.
    pub fn take<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        result.map_err(|e| self.0.push(e)).ok()
    }

    /// Records every error of `result`, if any, and passes its value on.
    pub fn take_all<T>(&mut self, result: Result<T, Vec<FieldError>>) -> Option<T> {
        result.map_err(|e| self.0.extend(e)).ok()
    }

    /// The first error for `field`, for showing beside that input.
    pub fn for_field(&self, field: &str) -> Option<&FieldError> {
        self.0.iter().find(|e| e.field == field)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
