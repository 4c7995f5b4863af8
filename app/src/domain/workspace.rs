//! Workspaces as the page and the API see them: a member's role and what it allows, a
//! workspace's name and a token's, checked on construction (one line, nothing invisible), and the views of a workspace (members,
//! pending invites, the caller's API tokens) and of the requests that manage them.

use super::text::refuse_invisible;
use super::FieldError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a member may do. A guest is the owner of its own queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// See tasks and the board, download results.
    Viewer,
    /// Also submit, and manage every task and the board.
    Editor,
    /// Also invite and remove members and change their roles.
    Owner,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Owner, Role::Editor, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Editor => "editor",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(raw: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == raw)
    }

    /// Submit tasks, manage them, pause the queue, change the board.
    pub fn can_edit(self) -> bool {
        self >= Role::Editor
    }

    /// Invite, remove and change members.
    pub fn can_manage(self) -> bool {
        self == Role::Owner
    }
}

/// 1 to 64 characters, trimmed, one line with no invisible formatting characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceName(String);

impl WorkspaceName {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let name = raw.trim();
        if name.is_empty() || name.chars().count() > 64 {
            return Err(FieldError::new("name", "workspace_name_length", "A workspace name is 1 to 64 characters."));
        }
        refuse_invisible("name", "The name", name)?;
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A name for an API token: 1 to 64 characters, as a workspace's name.
pub fn token_name(raw: &str) -> Result<String, FieldError> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 64 {
        return Err(FieldError::new("name", "token_name_length", "A token name is 1 to 64 characters."));
    }
    refuse_invisible("name", "The name", name)?;
    Ok(name.to_owned())
}

/// How long an invite link stays valid.
pub const INVITE_DAYS: i64 = 7;

/// One of the workspaces a user belongs to, for the switcher.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkspaceSummary {
    pub id: Uuid,
    pub name: String,
    pub role: Role,
    /// The account's own workspace (never shared).
    pub personal: bool,
    pub members: u32,
    /// The workspace the caller's session shows.
    pub current: bool,
}

/// A member as the workspace's members see them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberView {
    pub user_id: Uuid,
    pub username: String,
    pub role: Role,
    pub joined_at: DateTime<Utc>,
    /// The caller.
    pub you: bool,
}

/// An invite not yet used. `link` is given once, when it is made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InviteView {
    pub id: Uuid,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

/// What an invite link offers, shown before it is accepted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InviteOffer {
    pub workspace: String,
    pub role: Role,
    pub invited_by: String,
    pub expires_at: DateTime<Utc>,
}

/// One of the caller's API tokens for a workspace (the token itself is shown only once).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenView {
    pub id: Uuid,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A token just made: the secret, shown this once, and its view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewToken {
    pub token: String,
    pub view: TokenView,
}

/// The workspace the caller's session shows: its members, its pending invites (to its
/// owners) and the caller's API tokens for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkspaceView {
    pub id: Uuid,
    pub name: String,
    pub role: Role,
    pub personal: bool,
    pub members: Vec<MemberView>,
    pub invites: Vec<InviteView>,
    pub tokens: Vec<TokenView>,
    /// The budget its owners set for it (units a day for paid services, its members all
    /// together), if any.
    #[serde(default)]
    pub daily_budget: Option<u32>,
}

/// `POST /api/set_workspace_budget`: the workspace's own daily budget, or none.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetRequest {
    pub daily_budget: Option<i64>,
}

impl BudgetRequest {
    /// None, or 1 to 4,294,967,295 units.
    pub fn validate(&self) -> Result<Option<u32>, FieldError> {
        self.daily_budget
            .map(|units| {
                u32::try_from(units).ok().filter(|u| *u > 0).ok_or_else(|| {
                    FieldError::new(
                        "daily_budget",
                        "budget_invalid",
                        "A budget is a whole number of units, at least 1.",
                    )
                })
            })
            .transpose()
    }
}

/// `POST /api/create_workspace`, `POST /api/create_token`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NameRequest {
    pub name: String,
}

/// `POST /api/switch_workspace`, `revoke_invite`, `revoke_token`, `remove_member`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdRef {
    pub id: Uuid,
}

/// `POST /api/invite_member`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InviteRequest {
    pub role: Role,
}

/// `POST /api/show_invite`, `POST /api/accept_invite`: the token of an invite link.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InviteToken {
    pub token: String,
}

/// `POST /api/set_member_role`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberRole {
    pub user_id: Uuid,
    pub role: Role,
}

/// Who submitted a task: the user and their username.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub id: Uuid,
    pub name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_allow_in_order() {
        assert!(Role::Owner.can_manage() && Role::Owner.can_edit());
        assert!(!Role::Editor.can_manage() && Role::Editor.can_edit());
        assert!(!Role::Viewer.can_manage() && !Role::Viewer.can_edit());
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
            assert_eq!(serde_json::to_value(role).unwrap(), role.as_str());
        }
        assert_eq!(Role::parse("admin"), None);
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(WorkspaceName::parse("  Studio  ").unwrap().as_str(), "Studio");
        assert_eq!(WorkspaceName::parse(" ").unwrap_err().code, "workspace_name_length");
        assert_eq!(WorkspaceName::parse(&"x".repeat(65)).unwrap_err().code, "workspace_name_length");
        assert_eq!(WorkspaceName::parse("a\u{7}b").unwrap_err().code, "name_control_char");
        assert_eq!(token_name("nightly batch").unwrap(), "nightly batch");
        assert_eq!(token_name("").unwrap_err().code, "token_name_length");
    }

    #[test]
    fn names_refuse_direction_overrides_and_invisible_characters() {
        for raw in ["Studio\u{202E}oiduts", "Stu\u{200B}dio", "\u{FEFF}Studio", "Studio\u{2066}", "a\u{061C}b"] {
            let err = WorkspaceName::parse(raw).unwrap_err();
            assert_eq!((err.field.as_str(), err.code.as_str()), ("name", "name_invisible_char"), "{raw:?}");
            assert_eq!(token_name(raw).unwrap_err().code, "name_invisible_char", "{raw:?}");
        }
        assert!(WorkspaceName::parse("Stu\u{200B}dio").unwrap_err().message.contains("U+200B, zero width space"));
        for raw in ["line\nbreak", "tab\there"] {
            assert_eq!(WorkspaceName::parse(raw).unwrap_err().code, "name_control_char", "{raw:?}");
            assert_eq!(token_name(raw).unwrap_err().code, "name_control_char", "{raw:?}");
        }
        assert_eq!(WorkspaceName::parse("استوديو").unwrap().as_str(), "استوديو");
    }
}
