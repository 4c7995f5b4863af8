//! The HTTP surface: server-rendered pages, the server functions under `/api/`, the live
//! event stream, result files, the built assets, and the middleware in front of them
//! (owner cookie, API guard, body limit).

use crate::config::Settings;
use crate::events::Events;
use crate::files::{self, Files};
use crate::guard::guard_api;
use crate::live;
use crate::owner::assign_owner;
use crate::service::Service;
use app::api::Backend;
use app::{shell, App};
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use axum::{middleware, Router};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::net::SocketAddr;
use std::sync::Arc;

pub fn build(settings: &Settings, addr: SocketAddr, service: Service, events: Events, files: Files) -> Router {
    let options = settings.leptos_options(addr);
    let backend = Backend(Arc::new(service));
    let routes = generate_route_list(App);
    let body_limit = usize::try_from(settings.max_body_bytes).unwrap_or(usize::MAX);
    Router::new()
        .leptos_routes_with_context(&options, routes, move || provide_context(backend.clone()), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .merge(Router::new().route("/api/events", get(live::events)).with_state(events))
        .merge(Router::new().route("/content/{id}", get(files::serve)).with_state(files))
        .fallback(leptos_axum::file_and_error_handler(shell))
        .with_state(options)
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(middleware::from_fn_with_state(settings.max_body_bytes, guard_api))
        .layer(middleware::from_fn(assign_owner))
}
