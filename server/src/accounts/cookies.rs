//! The cookies that say who a browser is: the guest's and the session's, each a random
//! 256-bit token that only its holder knows. A session token's SHA-256 is stored; a guest
//! token's owner id is derived from its SHA-256 ([`guest_owner`]), so a guest is nothing
//! anyone could read off a page or an answer. Both cookies are `HttpOnly`,
//! `SameSite=Lax`, `Path=/`; over HTTPS (the `secure-cookies` setting) also `Secure`, and
//! named `__Host-…` so no subdomain can set them. `atelier_owner`, the guest cookie of
//! before (a bare owner id), is only read to be exchanged once, then cleared.

use app::domain::OwnerId;
use cookie::{Cookie, SameSite};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The guest cookie of before tokens: a bare owner id, exchanged once for a token.
pub const LEGACY_GUEST: &str = "atelier_owner";

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

    /// The guest cookie's name.
    pub fn guest_name(self) -> &'static str {
        if self.secure {
            "__Host-atelier_guest"
        } else {
            "atelier_guest"
        }
    }

    /// `Set-Cookie` for a guest's token (400 days: a guest's queue outlives a session).
    pub fn guest(self, token: &str) -> String {
        self.build(self.guest_name(), token, cookie::time::Duration::days(400))
    }

    /// `Set-Cookie` that forgets the guest (its things moved into an account).
    pub fn clear_guest(self) -> String {
        self.build(self.guest_name(), "", cookie::time::Duration::ZERO)
    }

    /// `Set-Cookie` that forgets the guest cookie of before.
    pub fn clear_legacy_guest(self) -> String {
        self.build(LEGACY_GUEST, "", cookie::time::Duration::ZERO)
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

/// Whether `value` has the shape of a token this server makes (64 lower-case hex digits).
pub fn is_token(value: &str) -> bool {
    value.len() == 64 && value.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The owner id of the guest holding `token`: 122 bits of the token's SHA-256 (domain
/// separated from other tokens' hashes), as a version-8 UUID. No v4 id (a workspace's,
/// a user's, a guest's of before) can be one, and no one who lacks the token can name it
/// as an identity: identities are only ever derived, never read from a request.
pub fn guest_owner(token: &str) -> OwnerId {
    let digest = Sha256::new().chain_update(b"atelier guest\0").chain_update(token.as_bytes()).finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    OwnerId(Uuid::new_v8(bytes))
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
    fn a_guest_is_derived_from_its_token_alone() {
        let token = new_token();
        assert!(is_token(&token));
        let owner = guest_owner(&token);
        assert_eq!(owner, guest_owner(&token), "the same token, the same guest");
        assert_ne!(owner, guest_owner(&new_token()));
        assert_eq!(owner.0.get_version_num(), 8, "never a v4 id: no workspace is a guest");
        // Presenting the owner id itself as a token names someone else (or no one).
        assert_ne!(guest_owner(&owner.0.to_string()), owner);
        for bad in ["", "abc", &token.to_uppercase(), &format!("{token}0"), "00000000-0000-0000-0000-000000000000"] {
            assert!(!is_token(bad), "{bad}");
        }
        let guest = Cookies { secure: true }.guest(&token);
        assert!(guest.starts_with("__Host-atelier_guest=") && guest.contains("; Secure"), "{guest}");
        assert!(Cookies { secure: false }.guest(&token).starts_with("atelier_guest="));
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
