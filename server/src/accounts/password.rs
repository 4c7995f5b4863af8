//! Passwords: hashed with argon2id (the `argon2` crate's defaults: 19 MiB, 2 passes, a
//! random salt per hash, all in the PHC string stored), checked in constant time, and
//! refused at sign-up when they are on the list of common passwords shipped with the
//! server (`common-passwords.txt`), are only spaces, or hold the username, forwards or
//! backwards, in any case. Hashing takes tens of milliseconds of CPU and 19 MiB on
//! purpose, so it runs on the blocking pool, and only on half the machine's cores at once
//! (at least one): more would only wait for a core while holding their memory (256 at once
//! once took the process to 6.9 GB), and the other half keeps answering everyone else.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use std::collections::HashSet;
use std::sync::LazyLock;
use tokio::sync::Semaphore;

/// Turns to hash or verify: one per two cores, at least one.
static HASHING: LazyLock<Semaphore> =
    LazyLock::new(|| Semaphore::new(std::thread::available_parallelism().map_or(1, |n| n.get().div_ceil(2))));

/// Runs `work` on the blocking pool in a hashing turn; `None` if it panicked.
async fn in_turn<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let _turn = HASHING.acquire().await.ok()?;
    tokio::task::spawn_blocking(work).await.ok()
}

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("common-passwords.txt").lines().filter(|l| !l.starts_with('#') && !l.is_empty()).collect()
});

/// A hash of a password nobody has, checked when a login names no account, so that a
/// wrong username costs the same time as a wrong password.
static NOBODY: LazyLock<String> = LazyLock::new(|| hash_now("no account has this password"));

/// Why a password that is long enough is still refused.
pub fn weakness(password: &str, username: &str) -> Option<&'static str> {
    let folded = password.to_lowercase();
    let username = username.to_lowercase();
    if password.chars().all(char::is_whitespace) {
        return Some("A password of only spaces is too easy to guess; use words or other characters.");
    }
    if COMMON.contains(folded.as_str()) {
        return Some("This password is one of the most common ones; choose one that is not.");
    }
    if folded.contains(&username) {
        return Some("The password must not contain the username.");
    }
    if folded.contains(&username.chars().rev().collect::<String>()) {
        return Some("The password must not contain the username backwards.");
    }
    None
}

/// The PHC string of `password` (argon2id, a fresh salt).
pub async fn hash(password: String) -> String {
    in_turn(move || hash_now(&password)).await.expect("hashing does not panic")
}

fn hash_now(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).expect("argon2 takes any password").to_string()
}

/// Whether `password` matches `hash` (the stored PHC string; `None`: no such account,
/// checked against a hash nobody matches so that it takes as long).
pub async fn verify(password: String, hash: Option<String>) -> bool {
    in_turn(move || {
        let (hash, real) = match hash {
            Some(hash) => (hash, true),
            None => (NOBODY.clone(), false),
        };
        let parsed = match PasswordHash::new(&hash) {
            Ok(parsed) => parsed,
            Err(e) => {
                tracing::error!("an unreadable password hash: {e}");
                return false;
            }
        };
        Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok() && real
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let stored = hash("correct horse battery".into()).await;
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        assert!(verify("correct horse battery".into(), Some(stored.clone())).await);
        assert!(!verify("correct horse batterY".into(), Some(stored.clone())).await);
        assert_ne!(hash("correct horse battery".into()).await, stored, "a fresh salt each time");
        assert!(!verify("no account has this password".into(), None).await, "no account, no match");
    }

    #[test]
    fn common_passwords_and_the_username_are_refused() {
        assert!(COMMON.len() >= 20_000, "the list is shipped whole: {}", COMMON.len());
        for common in ["password", "Password", "12345678", "football", "qwertyuiop"] {
            assert!(weakness(common, "ada").is_some(), "{common}");
        }
        assert!(weakness("ada-lovelace-42", "ada-lovelace").is_some());
        assert_eq!(weakness("violet kettle drum", "ada"), None);
    }

    #[test]
    fn only_spaces_and_the_username_backwards_are_refused() {
        for blank in [" ".repeat(8), "\t".repeat(8), " \t \n \u{3000}  \u{A0}".to_owned()] {
            assert_eq!(
                weakness(&blank, "ada"),
                Some("A password of only spaces is too easy to guess; use words or other characters."),
                "{blank:?}"
            );
        }
        let backwards = Some("The password must not contain the username backwards.");
        for reversed in ["ecalevol-ada", "ECALEVOL-ADA", "my ecaleVol-Ada pass"] {
            assert_eq!(weakness(reversed, "ada-lovelace"), backwards, "{reversed:?}");
        }
        assert_eq!(weakness("ecalevol-ada!", "Ada-Lovelace"), backwards, "the username in any case");
        assert_eq!(
            weakness("MY ADA-LOVELACE PASS", "Ada-Lovelace"),
            Some("The password must not contain the username.")
        );
        assert_eq!(weakness("  violet kettle drum  ", "ada-lovelace"), None, "spaces around words are fine");
    }
}
