//! The cookies that say who a browser is: the guest's (a random owner id, as before
//! accounts) and the session's (a random token whose SHA-256 alone is stored). Both are
//! `HttpOnly`, `SameSite=Lax`, `Path=/`; over HTTPS (the `secure-cookies` setting) also
//! `Secure`, and the session's is named `__Host-…` so no subdomain can set it.

use cookie::{Cookie, SameSite};
use sha2::{Digest, Sha256};

/// The guest's cookie.
pub const GUEST: &str = "atelier_owner";

/// How cookies are made on this server.
#[derive(Debug, Clone, Copy)]
pub struct Cookies {
    pub secure: bool,
}

impl Cookies {
    /// The session cookie's name.
    pub fn session_name(self) -> &'static str {
        if self.secure {
            "__Host-atelier_session"
        } else {
            "atelier_session"
        }
    }

    /// `Set-Cookie` for a session token, kept for `days`.
    pub fn session(self, token: &str, days: i64) -> String {
        self.build(self.session_name(), token, cookie::time::Duration::days(days))
    }

    /// `Set-Cookie` that ends the session cookie in the browser.
    pub fn clear_session(self) -> String {
        self.build(self.session_name(), "", cookie::time::Duration::ZERO)
    }

    /// `Set-Cookie` for a guest's owner id (400 days: a guest's queue outlives a session).
    pub fn guest(self, owner: &str) -> String {
        self.build(GUEST, owner, cookie::time::Duration::days(400))
    }

    /// `Set-Cookie` that forgets the guest (its things moved into an account).
    pub fn clear_guest(self) -> String {
        self.build(GUEST, "", cookie::time::Duration::ZERO)
    }

    fn build(self, name: &'static str, value: &str, max_age: cookie::time::Duration) -> String {
        Cookie::build((name, value.to_owned()))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(self.secure)
            .max_age(max_age)
            .build()
            .to_string()
    }
}

/// A new session token: 256 bits from the OS's generator, as 64 hex digits.
pub fn new_token() -> String {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What is stored of a token: its SHA-256, in hex.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_cookies_carry_their_flags() {
        let plain = Cookies { secure: false }.session("abc", 30);
        for part in ["atelier_session=abc", "HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=2592000"] {
            assert!(plain.contains(part), "{plain}");
        }
        assert!(!plain.contains("Secure"), "{plain}");
        let https = Cookies { secure: true }.session("abc", 30);
        assert!(https.starts_with("__Host-atelier_session=abc") && https.contains("; Secure"), "{https}");
        assert!(Cookies { secure: true }.clear_session().contains("Max-Age=0"));
    }

    #[test]
    fn tokens_are_fresh_and_stored_only_as_their_hash() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_ne!(token_hash(&a), a);
        assert_eq!(token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
