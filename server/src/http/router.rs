//! The HTTP surface: server-rendered pages (with the caller's first page of tasks read
//! before rendering), the server functions under `/api/`, the live
//! event stream, result files, the built assets, and the middleware in front of them
//! (identity, API guard, body limit, compression of large JSON, hardening headers).

use super::assets::{self, Hashed};
use super::guard::{guard_api, Limits};
use super::headers::{harden, Policy};
use super::identity::{cookie_value, identify, Identify};
use super::results::{self, Results};
use super::stream::{self, Streams};
use super::zip::{self, Downloads};
use crate::accounts::cookies::Cookies;
use crate::accounts::Accounts;
use crate::config::Settings;
use crate::events::Events;
use crate::service::Service;
use app::api::{AccountBackend, Backend, Caller, FirstPage, Viewer, WorkspaceBackend};
use app::domain::{ListQuery, OwnerId, SignUpMode};
use app::i18n::Locale;
use app::{shell, App};
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request};
use axum::response::Response;
use axum::routing::get;
use axum::{middleware, Router};
use http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use http::HeaderValue;
use leptos::nonce::Nonce;
use leptos::prelude::provide_context;
use leptos::prelude::LeptosOptions;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tower_http::compression::predicate::{Predicate, SizeAbove};
use tower_http::compression::CompressionLayer;

pub fn build(
    settings: &Settings,
    addr: SocketAddr,
    service: Service,
    accounts: Accounts,
    events: Events,
    results: Results,
) -> Router {
    let options = settings.leptos_options(addr);
    let site_root = settings.site_root();
    let backend = Backend(Arc::new(service));
    let account_backend = AccountBackend(Arc::new(accounts.clone()));
    let workspace_backend = WorkspaceBackend(Arc::new(accounts.clone()));
    let identity = Identify { accounts, cookies: Cookies { secure: settings.secure_cookies }, guests: settings.guests };
    let routes = generate_route_list(App);
    let largest_body = settings.max_body_bytes.max(settings.max_submit_bytes);
    let body_limit = usize::try_from(largest_body).unwrap_or(usize::MAX);
    let policy = Policy::new(&settings.frame_ancestors);
    let limits = Limits {
        max_body_bytes: settings.max_body_bytes,
        max_submit_bytes: settings.max_submit_bytes,
        client_timeout: Duration::from_millis(settings.client_timeout_ms.max(1)),
    };
    let downloads = Downloads::new(results.clone(), Duration::from_millis(settings.download_stall_ms));
    let pages = Pages {
        backend: backend.clone(),
        workspaces: workspace_backend.clone(),
        guests: settings.guests,
        sign_up: settings.sign_up,
        options: options.clone(),
        policy: policy.clone(),
    };
    Router::new()
        // The server functions (no page routes here: `render` serves those).
        .leptos_routes_with_context(
            &options,
            Vec::new(),
            move || {
                provide_context(backend.clone());
                provide_context(account_backend.clone());
                provide_context(workspace_backend.clone());
            },
            {
                let options = options.clone();
                move || shell(options.clone())
            },
        )
        .leptos_routes_with_handler(routes, move |req: Request<Body>| {
            let pages = pages.clone();
            async move { pages.render(req).await }
        })
        .merge(
            Router::new()
                .route("/api/events", get(stream::events))
                .with_state(Streams::new(events, settings.streams_per_session)),
        )
        .merge(Router::new().route("/downloads/completed.zip", get(zip::completed)).with_state(downloads))
        .merge(Router::new().route("/content/{id}", get(results::serve)).with_state(results))
        .fallback(leptos_axum::file_and_error_handler(shell))
        .with_state(options)
        .layer(json_compression())
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(middleware::from_fn_with_state(limits, guard_api))
        .layer(middleware::from_fn_with_state(identity, identify))
        // Outside `identify`: the same for everyone, no cookie (see `assets.rs`).
        .merge(assets::routes(&site_root, &settings.site_pkg_dir, Hashed::read(&site_root, &settings.output_name)))
        .layer(middleware::from_fn_with_state(policy, harden))
}

/// Large JSON answers (a page of tasks, the board) compressed as the browser accepts;
/// small ones, files and the event stream as they are.
fn json_compression() -> CompressionLayer<impl Predicate> {
    let json = |_: http::StatusCode, _: http::Version, headers: &http::HeaderMap, _: &http::Extensions| {
        headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("application/json"))
    };
    CompressionLayer::new().compress_when(SizeAbove::new(1024).and(json))
}

/// What rendering a page takes.
#[derive(Clone)]
struct Pages {
    backend: Backend,
    workspaces: WorkspaceBackend,
    /// Whether guests may use the page.
    guests: bool,
    /// Who may create an account.
    sign_up: SignUpMode,
    options: LeptosOptions,
    policy: Policy,
}

impl Pages {
    /// Reads the caller's first page of tasks, then renders the page with it in context:
    /// the page waits on nothing while it streams (see `app::components::Queue::new`). Its
    /// inline scripts carry a fresh nonce, which its Content-Security-Policy names; it is
    /// personal, so never stored by a cache.
    async fn render(self, req: Request<Body>) -> Response {
        let first = match (req.extensions().get::<OwnerId>(), ListQuery::default().validate()) {
            (Some(owner), Ok(filter)) => self.backend.0.list(*owner, filter).await,
            (None, _) => Err(app::api::ApiError::Internal), // the owner middleware always sets it
            (_, Err(e)) => Err(e.into()),
        };
        let (name, workspaces) = match req.extensions().get::<Caller>() {
            Some(caller) if caller.session.is_some() => {
                (caller.name.clone(), self.workspaces.0.workspaces(caller).await.unwrap_or_default())
            }
            _ => (None, Vec::new()),
        };
        let locale = locale_of(&req);
        let Pages { backend, options, policy, guests, sign_up, .. } = self;
        let nonce = Nonce::new();
        let csp = policy.page(&nonce);
        let context = move || {
            provide_context(locale);
            provide_context(backend.clone());
            provide_context(FirstPage(first.clone()));
            provide_context(Viewer { name: name.clone(), workspaces: workspaces.clone(), guests, sign_up });
            provide_context(nonce.clone()); // after leptos_axum's own, so this one is used
        };
        let mut res =
            leptos_axum::render_app_to_stream_with_context(context, move || shell(options.clone()))(req).await;
        res.headers_mut().insert(CONTENT_SECURITY_POLICY, csp);
        res.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
        res
    }
}

/// The language the caller reads: the switcher's cookie, else `Accept-Language`.
fn locale_of(req: &Request<Body>) -> Locale {
    let chosen = cookie_value(req.headers(), Locale::COOKIE);
    let accept = req.headers().get(http::header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    Locale::negotiate(chosen.as_deref(), accept)
}
