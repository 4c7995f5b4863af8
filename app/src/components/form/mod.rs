//! The generation form. State: `state.rs` (`FormState`: the fields as typed, and the
//! request they make, checked by the server's own rules), `handle.rs` (`FormHandle`: the
//! form's signals, shared with the queue so a refused submission comes back), `send.rs`
//! (a submission resent while the server cannot be reached). Views: `generate.rs` (the
//! form), `field.rs` (a labelled field with its message).

mod field;
mod generate;
pub mod handle;
mod send;
mod state;

pub use generate::GenerateForm;
