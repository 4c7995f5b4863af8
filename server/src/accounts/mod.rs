//! Accounts: the `AccountService` the app's account endpoints call. Signing up creates the
//! account and its personal workspace; signing up or in moves the guest's tasks, board and
//! queue into that workspace, opens a new session (a fresh token: a session id is never
//! carried over from before the sign-in) and forgets the guest cookie; signing out ends the
//! session at the server. Sign-ins are counted per account and address before the
//! password is checked, sign-ups per address, and a taken name is refused before any hash
//! (`throttle.rs`). Passwords: `password.rs`; cookies and tokens: `cookies.rs`.

pub mod cookies;
mod password;
mod throttle;
mod workspaces;

use crate::events::Events;
use crate::store::{Member, NewSession, SignedIn, TaskStore, SESSION_LIFETIME};
use app::api::{AccountService, ApiError, Caller, Signed};
use app::domain::{AccountView, FieldError, SignIn, SignUp, SignUpMode, TaskEvent, ValidationErrors};
use cookies::{new_token, token_hash, Cookies};
use std::sync::Arc;
use throttle::Throttle;
use uuid::Uuid;

#[derive(Clone)]
pub struct Accounts {
    store: TaskStore,
    events: Events,
    cookies: Cookies,
    throttle: Throttle,
    /// Who may create an account.
    sign_up: SignUpMode,
    /// Workspaces one account may make, its personal one included.
    workspaces_per_account: u32,
}

impl Accounts {
    pub fn new(store: TaskStore, events: Events, cookies: Cookies, clock: Arc<dyn crate::clock::Clock>) -> Self {
        let throttle = Throttle::new(clock);
        Self { store, events, cookies, throttle, sign_up: SignUpMode::Open, workspaces_per_account: u32::MAX }
    }

    /// The same accounts, taking sign-ups as `mode` says and letting an account make
    /// `workspaces` workspaces.
    pub fn with_rules(self, mode: SignUpMode, workspaces: u32) -> Self {
        Self { sign_up: mode, workspaces_per_account: workspaces, ..self }
    }

    /// `Forbidden` unless this server takes the sign-up: open, or invite-only with a valid
    /// invite link.
    async fn may_sign_up(&self, sign_up: &SignUp) -> Result<(), ApiError> {
        match self.sign_up {
            SignUpMode::Open => Ok(()),
            SignUpMode::Closed => {
                Err(ApiError::SignUpClosed("This server takes no new accounts; ask its administrator for one.".into()))
            }
            SignUpMode::InviteOnly => {
                let invited = match &sign_up.invite {
                    Some(token) => self.store.offer(&token_hash(token)).await?.is_some(),
                    None => false,
                };
                if invited {
                    return Ok(());
                }
                Err(ApiError::SignUpClosed(
                    "New accounts need an invite link on this server; ask a member of a workspace for one.".into(),
                ))
            }
        }
    }

    /// The session a request's token opens, if it is valid.
    pub async fn session(&self, token: &str) -> Result<Option<SignedIn>, ApiError> {
        Ok(self.store.session(&token_hash(token)).await?)
    }

    /// Moves a listed guest of before (`old`, from its bare-id cookie) to the token guest
    /// `new`, once; `false` for any other id.
    pub async fn exchange_legacy_guest(&self, old: Uuid, new: app::domain::OwnerId) -> Result<bool, ApiError> {
        Ok(self.store.exchange_legacy_guest(old, new).await?)
    }

    /// An API token's id and the member it acts as, if it is valid.
    pub async fn api_token(&self, token: &str) -> Result<Option<(Uuid, Member)>, ApiError> {
        Ok(self.store.token(&token_hash(token)).await?)
    }

    /// The cookies of a new session, the guest forgotten; each of the workspace's streams
    /// (and the guest's) reads the queue again, as things moved.
    fn signed(&self, caller: &Caller, token: &str, signed_in: &SignedIn) -> Vec<String> {
        if caller.is_guest() {
            self.events.publish(caller.owner, TaskEvent::Resync);
        }
        self.events.publish(signed_in.member.workspace, TaskEvent::Resync);
        vec![self.cookies.session(token, SESSION_LIFETIME.num_days()), self.cookies.clear_guest()]
    }

    fn new_session<'a>(caller: &'a Caller, token_hash: &'a str) -> NewSession<'a> {
        NewSession {
            token_hash,
            user_agent: caller.user_agent.as_deref(),
            guest: caller.is_guest().then_some(caller.owner),
            replaces: caller.session,
        }
    }
}

/// A `429` whose message says the wait (in minutes, or seconds under one) and whose
/// `Retry-After` carries it.
fn too_many(wait: chrono::TimeDelta, message: impl FnOnce(String) -> String) -> ApiError {
    let seconds = wait.num_seconds().max(1);
    let said = match seconds {
        1 => "1 second".to_owned(),
        2..60 => format!("{seconds} seconds"),
        _ => {
            let minutes = (seconds + 59) / 60;
            format!("{minutes} minute{}", if minutes == 1 { "" } else { "s" })
        }
    };
    ApiError::TooManyRequests { message: message(said), retry_after: seconds as u64 }
}

/// The password's hash, if it is not too guessable for this username.
async fn strong_hash(sign_up: &SignUp) -> Result<String, ApiError> {
    if let Some(why) = password::weakness(&sign_up.password, sign_up.username.as_str()) {
        return Err(ValidationErrors(vec![FieldError::new("password", "password_weak", why)]).into());
    }
    Ok(password::hash(sign_up.password.clone()).await)
}

/// Creates an account from the command line (`server user add`), with no session; the
/// first administrator is made this way.
pub async fn add_user(store: &TaskStore, sign_up: &SignUp, admin: bool) -> Result<Uuid, ApiError> {
    let hash = strong_hash(sign_up).await?;
    Ok(store.create_account(sign_up, &hash, admin, None).await?.0)
}

#[async_trait::async_trait]
impl AccountService for Accounts {
    async fn sign_up(&self, caller: &Caller, sign_up: SignUp) -> Result<Signed, ApiError> {
        self.throttle.sign_up(caller.ip).map_err(|wait| {
            too_many(wait, |wait| format!("Too many sign-ups from this address; try again in {wait}."))
        })?;
        self.may_sign_up(&sign_up).await?;
        // A taken name costs no hash.
        self.store.unclaimed(&sign_up).await?;
        let hash = strong_hash(&sign_up).await?;
        let token = new_token();
        let token_hash = token_hash(&token);
        let new = Self::new_session(caller, &token_hash);
        let (_, signed_in) = self.store.create_account(&sign_up, &hash, false, Some(new)).await?;
        let signed_in = signed_in.ok_or(ApiError::Internal)?;
        tracing::info!(user = %signed_in.member.user, "signed up");
        let cookies = self.signed(caller, &token, &signed_in);
        let account = self.store.account(signed_in.member.user, signed_in.session).await?;
        Ok(Signed { account: Some(account), cookies })
    }

    async fn sign_in(&self, caller: &Caller, request: SignIn) -> Result<Signed, ApiError> {
        let found = self.store.login(&request.login).await?;
        // One key per account, whichever of its names is typed; a login naming no account
        // is throttled as typed, so guessing names costs as much as guessing passwords.
        let account_key = match &found {
            Some((id, _)) => id.to_string(),
            None => format!("login:{}", request.login),
        };
        let attempt = self
            .throttle
            .attempt(&account_key, caller.ip)
            .map_err(|wait| too_many(wait, |wait| format!("Too many failed sign-ins; try again in {wait}.")))?;
        let (user, hash) = found.map_or((None, None), |(id, hash)| (Some(id), Some(hash)));
        // No account: checked against a hash nobody has, so that it takes as long.
        let right = password::verify(request.password, hash).await;
        let Some(user) = user.filter(|_| right) else { return Err(ApiError::SignInFailed) };
        attempt.succeeded();
        let token = new_token();
        let token_hash = token_hash(&token);
        let signed_in = self.store.sign_in(user, Self::new_session(caller, &token_hash)).await?;
        let cookies = self.signed(caller, &token, &signed_in);
        let account = self.store.account(signed_in.member.user, signed_in.session).await?;
        Ok(Signed { account: Some(account), cookies })
    }

    async fn sign_out(&self, caller: &Caller) -> Result<Signed, ApiError> {
        if let Some(session) = caller.session {
            self.store.end_session(session).await?;
            self.events.end_session(session);
        }
        Ok(Signed { account: None, cookies: vec![self.cookies.clear_session()] })
    }

    async fn account(&self, caller: &Caller) -> Result<AccountView, ApiError> {
        let (Some(user), Some(session)) = (caller.user, caller.session) else { return Err(ApiError::SignedOut) };
        Ok(self.store.account(user, session).await?)
    }

    async fn revoke_session(&self, caller: &Caller, id: Uuid) -> Result<AccountView, ApiError> {
        let (Some(user), Some(session)) = (caller.user, caller.session) else { return Err(ApiError::SignedOut) };
        self.store.revoke_session(user, id).await?;
        self.events.end_session(id);
        Ok(self.store.account(user, session).await?)
    }
}
