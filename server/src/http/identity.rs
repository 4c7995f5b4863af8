//! Who is asking, put into each request's extensions as a [`Caller`] (and its
//! [`OwnerId`], which every task call is scoped to): an `Authorization: Bearer` API token
//! makes the caller its member, in the token's workspace (an unknown or revoked token is
//! `401 bad_token`, never a guest); a valid session cookie makes the caller its account,
//! in the workspace the session shows, with the role it has there (read on every
//! request, so a changed role or a removal counts at once); otherwise the caller is a
//! guest, whose owner id is derived from its guest cookie's secret token (made on the
//! first visit): no id a request sends is ever taken as an identity.
//! A session cookie that no longer opens a session is cleared. With guests turned off
//! (`guests = false`), a caller without a session may load the page and sign up or in,
//! and nothing else: every other call is `401 signed_out`.

use crate::accounts::cookies::{guest_owner, is_token, new_token, Cookies, LEGACY_GUEST};
use crate::accounts::Accounts;
use crate::store::Member;
use app::api::{ApiError, Caller};
use app::domain::OwnerId;
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
            Ok(Some((token, member))) => Caller { token: Some(token), ..as_member(member, None, ip, user_agent) },
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
                let owner = guest(&identify, req.headers(), &mut set).await;
                Caller::guest(owner, ip, user_agent)
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

/// The guest a request without a session is: the one its guest token names (its owner id
/// derived from the token, never read from the request), or, for a browser with the
/// guest cookie of before, the listed guest that names, exchanged once for a token; else
/// a new guest, whose token is sent (only while guests are on: a guest that cannot act
/// needs no cookie).
async fn guest(identify: &Identify, headers: &http::HeaderMap, set: &mut Vec<String>) -> OwnerId {
    let cookies = identify.cookies;
    if let Some(token) = cookie_value(headers, cookies.guest_name()).filter(|t| is_token(t)) {
        return guest_owner(&token);
    }
    let token = new_token();
    let owner = guest_owner(&token);
    if let Some(old) = cookie_value(headers, LEGACY_GUEST) {
        set.push(cookies.clear_legacy_guest());
        let old = Uuid::parse_str(&old).ok().filter(|id| identify.guests && id.get_version_num() == 4);
        if let Some(old) = old {
            if let Err(e) = identify.accounts.exchange_legacy_guest(old, owner).await {
                tracing::error!("exchanging a guest cookie of before: {e}");
            }
        }
    }
    if identify.guests {
        set.push(cookies.guest(&token));
    }
    owner
}

/// A member acting in their workspace, through a session or (without one) an API token.
fn as_member(member: Member, session: Option<Uuid>, ip: Option<IpAddr>, user_agent: Option<String>) -> Caller {
    Caller {
        owner: member.workspace,
        role: member.role,
        user: Some(member.user),
        name: Some(member.name),
        session,
        token: None,
        ip,
        user_agent,
    }
}
