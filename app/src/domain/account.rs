//! Accounts as the page and the API see them: a sign-up (username, optional email,
//! password) and a sign-in (a login of one line, no longer than the longest address),
//! checked on construction, before anything reads the database; an account and its
//! sessions as shown. The list of common passwords is the server's (too large for the
//! page): it checks that too.

use super::choice::choice;
use super::text::{refuse_control, refuse_control_in_line, refuse_invisible};
use super::{FieldError, ValidationErrors};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// 3 to 32 characters: lower-case letters, digits, `_`, `.`, `-`; compared lower-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

/// An address with one `@`, something on each side and a dot in the domain; compared
/// lower-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

/// Shortest and longest password, in characters.
pub const PASSWORD_CHARS: (usize, usize) = (8, 256);

/// The longest login, in characters: an email address's longest (a username is shorter).
pub const LOGIN_CHARS: usize = 254;

impl Username {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let name = raw.trim().to_lowercase();
        // Said apart from the rule below: the user cannot see these.
        refuse_invisible("username", "The username", &name)?;
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-');
        if !(3..=32).contains(&name.chars().count()) || !name.chars().all(allowed) {
            return Err(FieldError::new(
                "username",
                "username_invalid",
                "A username is 3 to 32 letters, digits, '_', '.' or '-'.",
            ));
        }
        Ok(Self(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Email {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let email = raw.trim().to_lowercase();
        let invalid = || FieldError::new("email", "email_invalid", "Enter an email address like name@example.com.");
        let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
        let plain =
            |s: &str| !s.is_empty() && !s.contains('@') && !s.chars().any(|c| c.is_whitespace() || c.is_control());
        if email.len() > 254 || !plain(local) || !plain(domain) || !domain.contains('.') || domain.ends_with('.') {
            return Err(invalid());
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Checks a password's length and characters; what makes it guessable beyond that (a
/// common password, the username itself) the server checks.
pub fn check_password(password: &str) -> Result<(), FieldError> {
    let (shortest, longest) = PASSWORD_CHARS;
    let chars = password.chars().count();
    if chars < shortest || chars > longest {
        return Err(FieldError::new(
            "password",
            "password_length",
            format!("A password is {shortest} to {longest} characters; this one has {chars}."),
        ));
    }
    refuse_control("password", "The password", password)
}

choice!(SignUpMode, "sign_up", "sign-up mode", default Open, {
    // Anyone may create an account.
    Open => "open",
    // Only with an invite link into a workspace.
    InviteOnly => "invite-only",
    // No one: an operator adds accounts (`server user add`).
    Closed => "closed",
});

/// `POST /api/sign_up`; `invite` is the token of the invite link the person came with
/// (needed where sign-up is invite-only).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignUpRequest {
    pub username: String,
    #[serde(default)]
    pub email: Option<String>,
    pub password: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invite: Option<String>,
}

/// A sign-up whose fields hold.
#[derive(Debug, Clone, PartialEq)]
pub struct SignUp {
    pub username: Username,
    pub email: Option<Email>,
    pub password: String,
    pub invite: Option<String>,
}

impl SignUpRequest {
    pub fn validate(&self) -> Result<SignUp, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let username = errors.take(Username::parse(&self.username));
        let email = errors.take(self.email.as_deref().filter(|e| !e.trim().is_empty()).map(Email::parse).transpose());
        let password = errors.take(check_password(&self.password));
        match (username, email, password) {
            (Some(username), Some(email), Some(())) => {
                let invite = self.invite.clone().filter(|t| !t.is_empty());
                Ok(SignUp { username, email, password: self.password.clone(), invite })
            }
            _ => Err(errors),
        }
    }
}

/// `POST /api/sign_in`: `login` is a username or an email address.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    pub login: String,
    pub password: String,
}

/// A sign-in whose login may be looked up: trimmed, lower-cased (as usernames and
/// addresses are stored), one line, at most [`LOGIN_CHARS`].
#[derive(Debug, Clone, PartialEq)]
pub struct SignIn {
    pub login: String,
    pub password: String,
}

impl SignInRequest {
    /// Refuses a login no account can have: a control character (a NUL made PostgreSQL
    /// fail the look-up) or more than [`LOGIN_CHARS`] characters. Anything else is looked
    /// up; a login that names nobody fails as a wrong password does.
    pub fn validate(&self) -> Result<SignIn, ValidationErrors> {
        let login = self.login.trim().to_lowercase();
        let chars = login.chars().count();
        let checked = if chars > LOGIN_CHARS {
            Err(FieldError::new(
                "login",
                "login_too_long",
                format!("A username or email address is at most {LOGIN_CHARS} characters; this one has {chars}."),
            ))
        } else {
            refuse_control_in_line("login", "The username or email", &login)
        };
        match checked {
            Ok(()) => Ok(SignIn { login, password: self.password.clone() }),
            Err(e) => Err(ValidationErrors(vec![e])),
        }
    }
}

/// `POST /api/revoke_session`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionRef {
    pub id: Uuid,
}

/// One signed-in browser of an account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionView {
    pub id: Uuid,
    pub user_agent: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// The session this request came with.
    pub current: bool,
}

/// The signed-in account, as its owner sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountView {
    pub id: Uuid,
    pub username: String,
    pub email: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sessions: Vec<SessionView>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(req: &SignUpRequest) -> Vec<String> {
        req.validate().err().map(|e| e.0.into_iter().map(|f| f.code).collect()).unwrap_or_default()
    }

    #[test]
    fn usernames_are_plain_and_lower_cased() {
        assert_eq!(Username::parse("  Ada.Lovelace_1 ").unwrap().as_str(), "ada.lovelace_1");
        for bad in ["ab", &"a".repeat(33), "ada lovelace", "ada@home", "адa"] {
            assert_eq!(Username::parse(bad).unwrap_err().code, "username_invalid", "{bad:?}");
        }
    }

    #[test]
    fn a_username_names_the_invisible_character_it_holds() {
        assert_eq!(Username::parse("a\0b").unwrap_err().code, "username_control_char");
        for bad in ["ada\u{202E}", "a\u{200B}da", "\u{FEFF}ada", "ada\u{2069}", "ad\u{200D}a"] {
            let err = Username::parse(bad).unwrap_err();
            assert_eq!((err.field.as_str(), err.code.as_str()), ("username", "username_invisible_char"), "{bad:?}");
        }
        assert!(Username::parse("ada\u{202E}").unwrap_err().message.contains("U+202E, right-to-left override"));
    }

    #[test]
    fn a_sign_in_login_is_one_line_and_no_longer_than_an_address() {
        let request = |login: &str| SignInRequest { login: login.into(), password: "anything".into() };
        let fine = request("  Ada@Example.org ").validate().unwrap();
        assert_eq!((fine.login.as_str(), fine.password.as_str()), ("ada@example.org", "anything"));
        assert_eq!(request(&"a".repeat(LOGIN_CHARS)).validate().unwrap().login.len(), LOGIN_CHARS);
        let field = |login: &str| {
            let errors = request(login).validate().unwrap_err();
            assert_eq!(errors.0.len(), 1, "{login:?}");
            (errors.0[0].field.clone(), errors.0[0].code.clone())
        };
        for bad in ["ada\0", "\0", "a\nb", "a\tb", "ada\u{1b}[2J", "a\u{7f}", "a\u{85}b"] {
            assert_eq!(field(bad), ("login".to_owned(), "login_control_char".to_owned()), "{bad:?}");
        }
        assert_eq!(field(&"a".repeat(LOGIN_CHARS + 1)), ("login".to_owned(), "login_too_long".to_owned()));
        assert_eq!(field(&"猫".repeat(LOGIN_CHARS + 1)).1, "login_too_long", "characters, not bytes");
    }

    #[test]
    fn emails_have_a_local_part_and_a_dotted_domain() {
        assert_eq!(Email::parse(" Ada@Example.ORG ").unwrap().as_str(), "ada@example.org");
        for bad in
            ["ada", "@example.org", "ada@", "ada@example", "ada@@example.org", "a da@example.org", "ada@example."]
        {
            assert_eq!(Email::parse(bad).unwrap_err().code, "email_invalid", "{bad:?}");
        }
    }

    #[test]
    fn a_sign_up_names_every_problem_and_a_blank_email_is_none() {
        let ok = SignUpRequest {
            username: "ada".into(),
            email: Some(" ".into()),
            password: "correct horse".into(),
            invite: None,
        };
        assert_eq!(ok.validate().unwrap().email, None);
        let bad =
            SignUpRequest { username: "a".into(), email: Some("nope".into()), password: "short".into(), invite: None };
        assert_eq!(codes(&bad), ["username_invalid", "email_invalid", "password_length"]);
        let control = SignUpRequest { password: "pass\u{0}word!".into(), ..ok.clone() };
        assert_eq!(codes(&control), ["password_control_char"]);
        let long = SignUpRequest { password: "x".repeat(257), ..ok };
        assert_eq!(codes(&long), ["password_length"]);
    }
}
