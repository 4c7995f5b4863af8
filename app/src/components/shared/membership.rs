//! Who the page is for, read once from the server-rendered page: the signed-in name (none
//! for a guest), the account's workspaces with the one shown, whether guests may use the
//! page and who may create an account. Every feature asks it what the caller's role allows (a viewer's page offers
//! no change it would refuse) and whether a row names its author. The server checks the
//! role again on every call.

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

#[derive(Clone, Copy)]
pub struct Membership(StoredValue<Shown>);

impl Membership {
    pub fn new() -> Self {
        Self(StoredValue::new(SharedValue::new(from_server).into_inner()))
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

    pub fn workspaces(&self) -> Vec<WorkspaceSummary> {
        self.0.with_value(|s| s.workspaces.clone())
    }

    /// The workspace shown (none for a guest).
    pub fn current(&self) -> Option<WorkspaceSummary> {
        self.0.with_value(|s| s.workspaces.iter().find(|w| w.current).cloned())
    }

    /// The caller's role; a guest owns its queue.
    pub fn role(&self) -> Role {
        self.current().map_or(Role::Owner, |w| w.role)
    }

    /// Whether the caller may submit and change tasks and the board.
    pub fn can_edit(&self) -> bool {
        self.role().can_edit()
    }

    /// Whether a row names its author: in a workspace with other members, and whenever
    /// someone else submitted it (a member who joined after the page was loaded).
    pub fn names(&self, author: &str) -> bool {
        self.current().is_some_and(|w| w.members > 1) || self.name().as_deref() != Some(author)
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
