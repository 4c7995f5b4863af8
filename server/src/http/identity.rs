//! Who is asking, put into each request's extensions as a [`Caller`] (and its
//! [`OwnerId`], which every task call is scoped to): an `Authorization: Bearer` API token
//! makes the caller its member, in the token's workspace (an unknown or revoked token is
//! `401 bad_token`, never a guest); a valid session cookie makes the caller its account,
//! in the workspace the session shows, with the role it has there (read on every
//! request, so a changed role or a removal counts at once); otherwise the caller is a
//! guest, whose owner id is its guest cookie's (a random v4 id, made on the first visit).
//! A session cookie that no longer opens a session is cleared. With guests turned off
//! (`guests = false`), a caller without a session may load the page and sign up or in,
//! and nothing else: every other call is `401 signed_out`.

use crate::accounts::cookies::{Cookies, GUEST};
use crate::accounts::Accounts;
use crate::store::Member;
use app::api::{ApiError, Caller};
use app::domain::{OwnerId, Role};
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use cookie::Cookie;
use http::header::{AUTHORIZATION, COOKIE, SET_COOKIE, USER_AGENT};
use http::HeaderValue;
use std::net::{IpAddr, SocketAddr};
use uuid::Uuid;

/// What the middleware needs.
#[derive(Clone)]
pub struct Identify {
    pub accounts: Accounts,
    pub cookies: Cookies,
    pub guests: bool,
}

/// What a caller without a session may still do when guests are off.
fn open_to_all(path: &str) -> bool {
    !(path.starts_with("/api/") || path.starts_with("/content/") || path.starts_with("/downloads/"))
        || matches!(path, "/api/sign_in" | "/api/sign_up" | "/api/sign_out")
}

/// The value of the request's cookie `name`, if it sent one.
pub fn cookie_value(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

pub async fn identify(State(identify): State<Identify>, mut req: Request, next: Next) -> Response {
    let cookies = identify.cookies;
    let ip = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let user_agent = req.headers().get(USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let bearer = req.headers().get(AUTHORIZATION).and_then(|v| v.to_str().ok()).map(|v| v.trim().to_owned());
    let mut set = Vec::new();
    let caller = if let Some(header) = bearer {
        let member = match header.strip_prefix("Bearer ").map(str::trim) {
            Some(token) if !token.is_empty() => identify.accounts.api_token(token).await,
            _ => Ok(None),
        };
        match member {
            Ok(Some(member)) => as_member(member, None, ip, user_agent),
            Ok(None) => return super::error_response(ApiError::BadToken),
            Err(e) => return super::error_response(e),
        }
    } else {
        let token = cookie_value(req.headers(), cookies.session_name()).filter(|t| !t.is_empty());
        let signed_in = match &token {
            Some(token) => identify.accounts.session(token).await.unwrap_or_else(|e| {
                tracing::error!("reading a session: {e}");
                None
            }),
            None => None,
        };
        match signed_in {
            Some(s) => as_member(s.member, Some(s.session), ip, user_agent),
            None if !identify.guests && !open_to_all(req.uri().path()) => {
                return super::error_response(ApiError::SignedOut);
            }
            None => {
                if token.is_some() {
                    set.push(cookies.clear_session());
                }
                // Only an id this server could have made: random (version 4), never the nil id.
                let existing = cookie_value(req.headers(), GUEST)
                    .and_then(|v| Uuid::parse_str(&v).ok())
                    .filter(|id| id.get_version_num() == 4);
                let owner = existing.unwrap_or_else(Uuid::new_v4);
                if existing.is_none() && identify.guests {
                    set.push(cookies.guest(&owner.to_string()));
                }
                let owner = OwnerId(owner);
                Caller { owner, role: Role::Owner, user: None, name: None, session: None, ip, user_agent }
            }
        }
    };
    req.extensions_mut().insert(caller.owner);
    req.extensions_mut().insert(caller);
    let mut res = next.run(req).await;
    // An answer that sets its own cookies (a sign-in) says who the browser is now.
    if !res.headers().contains_key(SET_COOKIE) {
        for value in set.iter().filter_map(|c| HeaderValue::from_str(c).ok()) {
            res.headers_mut().append(SET_COOKIE, value);
        }
    }
    res
}

/// A member acting in their workspace, through a session or (without one) an API token.
fn as_member(member: Member, session: Option<Uuid>, ip: Option<IpAddr>, user_agent: Option<String>) -> Caller {
    Caller {
        owner: member.workspace,
        role: member.role,
        user: Some(member.user),
        name: Some(member.name),
        session,
        ip,
        user_agent,
    }
}
