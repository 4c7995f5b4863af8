//! The account endpoints: sign up, sign in, sign out, the account with its sessions, and
//! ending a session. Each validates, finds the caller and the account service in context,
//! calls it, and sends the session cookie it answers with.

#[cfg(feature = "ssr")]
use super::backend;
use super::{ApiError, Empty, Strict};
use crate::domain::{AccountView, SessionRef, SignInRequest, SignUpRequest};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// `POST /api/sign_up`: a new account (the guest's tasks and board move into it), signed in.
#[server(prefix = "/api", endpoint = "sign_up", input = Json)]
pub async fn sign_up(#[server(flatten)] request: Strict<SignUpRequest>) -> Result<AccountView, ApiError> {
    let sign_up = request.0.validate()?;
    let (accounts, caller) = backend::caller()?;
    let signed = accounts.sign_up(&caller, sign_up).await?;
    backend::set_cookies(&signed.cookies);
    signed.account.ok_or(ApiError::Internal)
}

/// `POST /api/sign_in`: a new session for the account `login` names (username or email).
#[server(prefix = "/api", endpoint = "sign_in", input = Json)]
pub async fn sign_in(#[server(flatten)] request: Strict<SignInRequest>) -> Result<AccountView, ApiError> {
    let sign_in = request.0.validate()?;
    let (accounts, caller) = backend::caller()?;
    let signed = accounts.sign_in(&caller, sign_in).await?;
    backend::set_cookies(&signed.cookies);
    signed.account.ok_or(ApiError::Internal)
}

/// `POST /api/sign_out`: ends this session at the server; the browser is a new guest.
#[server(prefix = "/api", endpoint = "sign_out", input = Json)]
pub async fn sign_out(#[server(flatten)] _body: Strict<Empty>) -> Result<(), ApiError> {
    let (accounts, caller) = backend::caller()?;
    let signed = accounts.sign_out(&caller).await?;
    backend::set_cookies(&signed.cookies);
    Ok(())
}

/// `POST /api/account`: the signed-in account and its sessions (`401 signed_out` for a guest).
#[server(prefix = "/api", endpoint = "account", input = Json)]
pub async fn account(#[server(flatten)] _body: Strict<Empty>) -> Result<AccountView, ApiError> {
    let (accounts, caller) = backend::caller()?;
    accounts.account(&caller).await
}

/// `POST /api/revoke_session`: ends one of the account's sessions; another account's is 404.
#[server(prefix = "/api", endpoint = "revoke_session", input = Json)]
pub async fn revoke_session(#[server(flatten)] session: Strict<SessionRef>) -> Result<AccountView, ApiError> {
    let (accounts, caller) = backend::caller()?;
    accounts.revoke_session(&caller, session.0.id).await
}
