//! Accepting connections and serving the router on them over HTTP/1.1, with the limits
//! `axum::serve` leaves out. A connection has `client_timeout` from its first moment to
//! send a request's head, and a kept-alive connection that sends no next request within
//! it is closed (hyper's header-read timer runs whenever a connection waits for a head,
//! the first one included), so a connection that never speaks, or speaks half a header,
//! holds nothing for long. An address has at most `per_address` connections open; the
//! next is closed at once. Stopping closes the listener, lets open requests finish, then
//! returns.
//!
//! HTTP/2 is not offered: browsers speak it only over TLS, which a proxy in front
//! terminates, and prior-knowledge h2c would be a second protocol whose idle connections
//! no header timer ends.

use super::limits::Gate;
use axum::extract::{ConnectInfo, Request};
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::time::Duration;
use tokio::net::TcpListener;
use tower::ServiceExt;

/// How connections are held to account.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// From a connection's start, or the end of its last answer, to a request's full head.
    pub client_timeout: Duration,
    /// Connections one address may have open at once.
    pub per_address: u32,
}

/// Serves `app` on `listener` until `stop` resolves, then waits for open connections.
pub async fn serve(listener: TcpListener, app: Router, limits: Limits, stop: impl Future<Output = ()>) {
    let mut builder = http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(limits.client_timeout);
    let open = Gate::new(limits.per_address);
    let graceful = GracefulShutdown::new();
    let mut stop = std::pin::pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait rather than spin.
                    tracing::warn!("accepting a connection: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let Some(held) = open.enter(peer.ip()) else {
            tracing::debug!(address = %peer.ip(), "too many connections from one address; closed");
            continue;
        };
        // Each request knows the address it came from (sign-in throttling, limits).
        let service = TowerToHyperService::new(app.clone().map_request(move |mut req: Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            req
        }));
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::trace!("a connection ended: {e}");
            }
            drop(held);
        });
    }
    drop(listener);
    graceful.shutdown().await;
}
