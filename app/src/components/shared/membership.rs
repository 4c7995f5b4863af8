//! Who the page is for, read from the server-rendered page: the signed-in name (none for a
//! guest), the account's workspaces with the one shown, whether guests may use the page
//! and who may create an account. Every feature asks it what the caller's role allows (a
//! viewer's page offers no change it would refuse) and whether a row names its author.
//! The server checks the role again on every call. The workspaces (their member counts)
//! are read again when a `members` event says the shown one's members changed; the
//! caller's own role never changes under the page: a member whose role changes has their
//! streams ended, and the page loads again as what they are now.

use crate::domain::{Role, SignUpMode, WorkspaceSummary};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Default, Serialize, Deserialize)]
struct Shown {
    name: Option<String>,
    workspaces: Vec<WorkspaceSummary>,
    guests: bool,
    sign_up: SignUpMode,
}

/// The page's [`Shown`], and the workspaces as last read (tracked: the switcher and the
/// members dialog follow them).
#[derive(Clone, Copy)]
pub struct Membership(StoredValue<Shown>, RwSignal<Vec<WorkspaceSummary>>);

impl Membership {
    pub fn new() -> Self {
        let mut shown = SharedValue::new(from_server).into_inner();
        let workspaces = RwSignal::new(std::mem::take(&mut shown.workspaces)); // kept once, there
        Self(StoredValue::new(shown), workspaces)
    }

    /// Reads the caller's workspaces again (their members changed).
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))] // only the browser follows events
    pub fn refresh(&self) {
        let workspaces = self.1;
        leptos::task::spawn_local(async move {
            match crate::api::list_workspaces(crate::api::Strict(crate::api::Empty {})).await {
                Ok(now) => workspaces.set(now),
                Err(e) => leptos::logging::warn!("reading the workspaces again: {e}"),
            }
        });
    }

    /// The signed-in username; `None` for a guest.
    pub fn name(&self) -> Option<String> {
        self.0.with_value(|s| s.name.clone())
    }

    /// Whether guests may use the page.
    pub fn guests(&self) -> bool {
        self.0.with_value(|s| s.guests)
    }

    /// Who may create an account on this server.
    pub fn sign_up(&self) -> SignUpMode {
        self.0.with_value(|s| s.sign_up)
    }

    /// Whether the page may read tasks and the board at all: not when it only asks to
    /// sign in (guests off, nobody signed in).
    pub fn may_read(&self) -> bool {
        self.name().is_some() || self.guests()
    }

    /// The caller's workspaces as last read (tracked).
    pub fn workspaces(&self) -> Vec<WorkspaceSummary> {
        self.1.get()
    }

    /// The workspace shown (none for a guest), as last read (tracked).
    pub fn current(&self) -> Option<WorkspaceSummary> {
        self.1.with(|all| all.iter().find(|w| w.current).cloned())
    }

    /// The caller's role; a guest owns its queue. Fixed for the page's life (see above).
    pub fn role(&self) -> Role {
        self.1.with_untracked(|all| all.iter().find(|w| w.current).map_or(Role::Owner, |w| w.role))
    }

    /// Whether the caller may submit and change tasks and the board.
    pub fn can_edit(&self) -> bool {
        self.role().can_edit()
    }

    /// Whether a row names its author: in a workspace with other members, and whenever
    /// someone else submitted it (a member who joined after the page was loaded).
    pub fn names(&self, author: &str) -> bool {
        let shared = self.1.with_untracked(|all| all.iter().any(|w| w.current && w.members > 1));
        shared || self.name().as_deref() != Some(author)
    }
}

fn from_server() -> Shown {
    #[cfg(feature = "ssr")]
    return use_context::<crate::api::Viewer>()
        .map(|v| Shown { name: v.name, workspaces: v.workspaces, guests: v.guests, sign_up: v.sign_up })
        .unwrap_or(Shown { guests: true, ..Shown::default() });
    #[cfg(not(feature = "ssr"))]
    Shown::default()
}
