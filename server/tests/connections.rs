//! Connections that never speak: 1,100 from one address, half sending nothing, half the
//! opening of prior-knowledge HTTP/2 and then nothing, cannot keep another address's
//! requests waiting, and every one of them is closed within the client timeout (those past
//! the per-address cap at once).

mod common;

use common::{TestApp, TestDb};
use serde_json::json;
use server::clock::SystemClock;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

on_both_databases!(silent_connections_are_closed_and_hold_no_one_up);

const H2_PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// A connection to `server` from the loopback address `from`.
async fn connect(from: Ipv4Addr, server: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::new(IpAddr::V4(from), 0)).unwrap();
    socket.connect(server).await.unwrap()
}

/// Waits until the server closes `stream` (end of stream or a reset), reading and
/// dropping whatever it answers first.
async fn closed(mut stream: TcpStream) {
    let mut buf = [0u8; 1024];
    while let Ok(n) = stream.read(&mut buf).await {
        if n == 0 {
            break;
        }
    }
}

async fn silent_connections_are_closed_and_hold_no_one_up(db: TestDb) {
    let timeout = Duration::from_millis(1_500);
    let app =
        TestApp::spawn_with(&db, Arc::new(SystemClock), |s| s.client_timeout_ms = timeout.as_millis() as u64).await;
    let server: SocketAddr = app.base.trim_start_matches("http://").parse().unwrap();
    let attacker = Ipv4Addr::new(127, 0, 0, 1);
    let mut silent = Vec::new();
    for i in 0..1_100 {
        let mut stream = connect(attacker, server).await;
        if i % 2 == 1 {
            stream.write_all(H2_PREFACE).await.unwrap();
        }
        silent.push(stream);
    }

    // Someone else, from another address, is served at once meanwhile.
    let other = reqwest::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)))
        .timeout(Duration::from_secs(1))
        .build()
        .unwrap();
    let (status, page) = app.call(&other, "list_tasks", json!({})).await;
    assert_eq!(status, 200, "another address is served while 1,100 connections say nothing: {page}");

    // Every silent connection is closed, none later than the timeout (and some slack for
    // a loaded machine): wait for them all at once.
    let all = futures_util::future::join_all(silent.into_iter().map(closed));
    tokio::time::timeout(timeout + Duration::from_secs(5), all).await.expect("every silent connection is closed");
    app.stop().await;
}
