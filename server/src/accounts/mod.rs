//! Accounts: the `AccountService` the app's account endpoints call. Signing up creates the
//! account and its personal workspace; signing up or in moves the guest's tasks, board and
//! queue into that workspace, opens a new session (a fresh token: a session id is never
//! carried over from before the sign-in) and forgets the guest cookie; signing out ends the
//! session at the server. Sign-ins are throttled per account and per address before the
//! password is checked. Passwords: `password.rs`; cookies and tokens: `cookies.rs`.

pub mod cookies;
mod password;
mod throttle;
mod workspaces;

use crate::events::Events;
use crate::store::{Member, NewSession, SignedIn, TaskStore, SESSION_LIFETIME};
use app::api::{AccountService, ApiError, Caller, Signed};
use app::domain::{AccountView, FieldError, SignIn, SignUp, TaskEvent, ValidationErrors};
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
}

impl Accounts {
    pub fn new(store: TaskStore, events: Events, cookies: Cookies, clock: Arc<dyn crate::clock::Clock>) -> Self {
        Self { store, events, cookies, throttle: Throttle::new(clock) }
    }

    /// The session a request's token opens, if it is valid.
    pub async fn session(&self, token: &str) -> Result<Option<SignedIn>, ApiError> {
        Ok(self.store.session(&token_hash(token)).await?)
    }

    /// The member an API token acts as, if it is valid.
    pub async fn api_token(&self, token: &str) -> Result<Option<Member>, ApiError> {
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
        let account_key = format!("login:{}", request.login);
        let address_key = caller.ip.map(|ip| format!("ip:{ip}"));
        let blocked = [(Some(&account_key), throttle::PER_ACCOUNT), (address_key.as_ref(), throttle::PER_ADDRESS)]
            .into_iter()
            .filter_map(|(key, limit)| self.throttle.blocked_for(key?, limit))
            .max();
        if let Some(wait) = blocked {
            let wait = wait.num_minutes().max(1);
            return Err(ApiError::TooManyRequests(format!(
                "Too many failed sign-ins; try again in {wait} minute{}.",
                if wait == 1 { "" } else { "s" }
            )));
        }
        let found = self.store.login(&request.login).await?;
        let (user, hash) = found.map_or((None, None), |(id, hash)| (Some(id), Some(hash)));
        let user = match (password::verify(request.password, hash).await, user) {
            (true, Some(user)) => user,
            _ => {
                self.throttle.failed(&account_key);
                if let Some(key) = &address_key {
                    self.throttle.failed(key);
                }
                return Err(ApiError::SignInFailed);
            }
        };
        self.throttle.succeeded(&account_key);
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
