//! Atelier's shared crate: the domain types with their validation, the public
//! server-function API, and the Leptos components. Compiled twice: with `ssr` into the
//! server, with `hydrate` into the browser's WASM. Server-only code sits behind `ssr` and
//! never touches the database directly; the server provides it through context.

pub mod api;
#[cfg(feature = "hydrate")]
mod browser;
mod components;
pub mod domain;
pub mod i18n;
#[cfg(test)]
mod testing;

pub use components::{shell, App};
