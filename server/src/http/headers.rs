//! Browser hardening on every answer: `nosniff`, a `Referrer-Policy`, who may frame the
//! page (`frame-ancestors`, a setting), `Cache-Control: private, no-store` for whatever
//! says nothing itself (assets say their own: `assets.rs`), and a Content-Security-Policy.
//! A page gets one with the nonce its inline scripts carry (Leptos' hydration script and
//! the early theme script); any other answer gets one that allows nothing but being
//! framed as set.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS};
use http::HeaderValue;
use std::sync::Arc;

/// What the policies are made of.
#[derive(Clone)]
pub struct Policy {
    /// `frame-ancestors` sources, checked by the settings (`'none'` by default).
    frame_ancestors: Arc<str>,
}

impl Policy {
    pub fn new(frame_ancestors: &str) -> Self {
        Self { frame_ancestors: frame_ancestors.into() }
    }

    /// A page's policy: scripts only with `nonce` (and what they load), WebAssembly
    /// compiled, everything else from this origin; inline style attributes allowed (the
    /// board's transforms, the panel's width).
    pub fn page(&self, nonce: &str) -> HeaderValue {
        self.header(&format!(
            "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
             style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; \
             connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors {}",
            self.frame_ancestors
        ))
    }

    /// Any other answer: nothing runs or loads in it.
    fn other(&self) -> HeaderValue {
        self.header(&format!("default-src 'none'; frame-ancestors {}", self.frame_ancestors))
    }

    fn header(&self, policy: &str) -> HeaderValue {
        // The settings refuse frame-ancestors that would not make a header.
        HeaderValue::from_str(policy).unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'"))
    }
}

/// The middleware: sets what the answer did not set itself.
pub async fn harden(State(policy): State<Policy>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if &*policy.frame_ancestors == "'none'" {
        headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    if !headers.contains_key(CONTENT_SECURITY_POLICY) {
        headers.insert(CONTENT_SECURITY_POLICY, policy.other());
    }
    if !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    }
    res
}
