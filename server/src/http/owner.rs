//! Owner identity until accounts exist: each browser gets an anonymous, random owner id
//! in an HttpOnly, SameSite=Lax cookie. The middleware puts the [`OwnerId`] into the
//! request's extensions, where the server functions find it.

use app::domain::OwnerId;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use cookie::{Cookie, SameSite};
use http::header::{COOKIE, SET_COOKIE};
use http::HeaderValue;
use uuid::Uuid;

pub const COOKIE_NAME: &str = "atelier_owner";

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

pub async fn assign_owner(mut req: Request, next: Next) -> Response {
    // Only an id this server could have made: random (version 4), so never the nil id.
    let existing = cookie_value(req.headers(), COOKIE_NAME)
        .and_then(|v| Uuid::parse_str(&v).ok())
        .filter(|id| id.get_version_num() == 4);
    let owner = existing.unwrap_or_else(Uuid::new_v4);
    req.extensions_mut().insert(OwnerId(owner));
    let mut res = next.run(req).await;
    if existing.is_none() {
        let cookie = Cookie::build((COOKIE_NAME, owner.to_string()))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .max_age(cookie::time::Duration::days(400))
            .build();
        if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
            res.headers_mut().append(SET_COOKIE, value);
        }
    }
    res
}
