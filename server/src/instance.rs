//! This server's name on the tasks it runs (their leases and attempts): the `instance`
//! setting, or else a name derived from what tells this server apart from every other one
//! running at the same time and stays the same when it starts again: the host's name, the
//! address it listens on (no two live servers on one host share one) and its content
//! folder, hashed, so the name, shown with a task's attempts, says nothing of the host. A
//! server started again so finds the tasks its previous process left running under its name
//! and takes them back at once, instead of waiting for their leases to run out.
//!
//! Two servers running at once must never share a name: each would take the other's tasks
//! back at its start. A derived name can only be shared by servers whose hosts have one
//! name (containers given the same host name) and that listen on one address with one
//! content folder path; those set `instance` each.

use sha2::{Digest, Sha256};
use std::net::SocketAddr;
use std::path::Path;

/// Longest name a lease or an attempt records.
pub const MAX_CHARS: usize = 64;

/// The name given in the settings, or else the one derived for this host, `listening`
/// address and content folder.
pub fn name(setting: &str, listening: SocketAddr, content_dir: &Path) -> String {
    if !setting.is_empty() {
        return setting.to_owned();
    }
    let host = nix::unistd::gethostname().map(|h| h.to_string_lossy().into_owned()).unwrap_or_default();
    derived(&host, listening, &std::path::absolute(content_dir).unwrap_or_else(|_| content_dir.to_owned()))
}

fn derived(host: &str, listening: SocketAddr, content_dir: &Path) -> String {
    let digest = Sha256::digest(format!("{host}\n{listening}\n{}", content_dir.display()));
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Whether `name` may be an `instance` setting: 1 to 64 letters, digits, `.`, `_` or `-`.
pub fn valid(name: &str) -> bool {
    (1..=MAX_CHARS).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_derived_name_stays_the_same_and_tells_servers_apart() {
        let (addr, other_addr) = ("127.0.0.1:3000".parse().unwrap(), "127.0.0.1:3001".parse().unwrap());
        let folder = Path::new("/srv/atelier/content");
        let name = derived("studio", addr, folder);
        assert_eq!(name, derived("studio", addr, folder), "the same on every start");
        assert_eq!(name.len(), 16);
        assert!(valid(&name) && !name.contains("studio"), "says nothing of the host: {name}");
        assert_ne!(name, derived("studio-2", addr, folder), "another host");
        assert_ne!(name, derived("studio", other_addr, folder), "another server on this host");
        assert_ne!(name, derived("studio", addr, Path::new("/srv/other/content")), "another folder");
    }

    #[test]
    fn the_setting_wins_and_must_be_a_plain_name() {
        let addr = "127.0.0.1:3000".parse().unwrap();
        assert_eq!(name("worker-1", addr, Path::new("data/content")), "worker-1");
        assert_eq!(name("", addr, Path::new("data/content")).len(), 16);
        for bad in ["", "two words", "a/b", "名前", &"x".repeat(65)] {
            assert!(!valid(bad), "{bad:?}");
        }
        assert!(valid("eu-west.worker_2"));
    }
}
