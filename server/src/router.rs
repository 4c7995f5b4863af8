//! The HTTP surface: server-rendered pages, the server functions under `/api/`, the built
//! assets, and the middleware in front of them (owner cookie, API guard, body limit).

use crate::config::Settings;
use crate::guard::guard_api;
use crate::owner::assign_owner;
use crate::TaskStore;
use app::api::Backend;
use app::{shell, App};
use axum::extract::DefaultBodyLimit;
use axum::{middleware, Router};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::net::SocketAddr;
use std::sync::Arc;

pub fn build(settings: &Settings, addr: SocketAddr, store: TaskStore) -> Router {
    let options = settings.leptos_options(addr);
    let backend = Backend(Arc::new(store));
    let routes = generate_route_list(App);
    let body_limit = usize::try_from(settings.max_body_bytes).unwrap_or(usize::MAX);
    Router::new()
        .leptos_routes_with_context(&options, routes, move || provide_context(backend.clone()), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler(shell))
        .with_state(options)
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(middleware::from_fn_with_state(settings.max_body_bytes, guard_api))
        .layer(middleware::from_fn(assign_owner))
}
