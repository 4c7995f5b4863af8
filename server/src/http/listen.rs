//! Accepting connections and serving the router on them, HTTP/1.1 and HTTP/2 (hyper-util's
//! auto builder, as `axum::serve` does), with the limit `axum::serve` leaves out: a client
//! has `client_timeout` to send a request's head, and a kept-alive connection that sends
//! no next request within it is closed (hyper's header-read timer runs from the moment a
//! connection waits for a head). A half-sent header holds nothing for long. Stopping
//! closes the listener, lets open requests finish, then returns.

use axum::extract::{ConnectInfo, Request};
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::time::Duration;
use tokio::net::TcpListener;
use tower::ServiceExt;

/// Serves `app` on `listener` until `stop` resolves, then waits for open connections.
pub async fn serve(listener: TcpListener, app: Router, client_timeout: Duration, stop: impl Future<Output = ()>) {
    let mut builder = Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(client_timeout);
    builder.http2().timer(TokioTimer::new()).enable_connect_protocol();
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
        // Each request knows the address it came from (sign-in throttling, limits).
        let service = TowerToHyperService::new(app.clone().map_request(move |mut req: Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            req
        }));
        let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::trace!("a connection ended: {e}");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
}
