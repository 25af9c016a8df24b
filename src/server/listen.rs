//! Serving HTTP so that no client can starve the platform of connections: a connection
//! must send its request head within `header_timeout` (which on HTTP/1 also closes an idle
//! keep-alive connection), a request body that stops arriving is cut after
//! `body_idle_timeout`, and above `max_open_connections` a new connection is answered 503 at
//! once instead of waiting in the kernel's queue. Event streams are responses being written,
//! so none of these cut them; they end when the platform stops.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};

use crate::config::HttpConfig;

/// What a connection over the limit is told, whatever it asked.
fn busy() -> Vec<u8> {
    let body = r#"{"type":"https://ca-counter.invalid/problems/too-many-connections","title":"Service Unavailable","status":503,"code":"too_many_connections","detail":"The platform has as many connections as it serves; try again in a moment."}"#;
    format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/problem+json\r\n\
         retry-after: 1\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Serves `app` on `listener` until `shutdown` turns true; then stops accepting, lets the
/// requests in flight finish (the caller bounds how long), and returns.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    config: HttpConfig,
    mut shutdown: watch::Receiver<bool>,
) {
    let header_timeout = Duration::from_secs(config.header_timeout_seconds.max(1));
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Some(Duration::from_secs(20)))
        .keep_alive_timeout(Duration::from_secs(20));
    let builder = Arc::new(builder);
    let open = Arc::new(Semaphore::new(config.max_open_connections.max(1)));
    let graceful = GracefulShutdown::new();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown.wait_for(|stopping| *stopping) => break,
        };
        let (stream, _peer) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of file descriptors (or another passing trouble): wait a moment rather
                // than spin, and keep serving those already connected.
                tracing::warn!(error = %e, "cannot accept a connection");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let Ok(permit) = open.clone().try_acquire_owned() else {
            tokio::spawn(async move {
                let mut stream = stream;
                let _ =
                    tokio::time::timeout(Duration::from_secs(2), stream.write_all(&busy())).await;
                let _ = stream.shutdown().await;
            });
            continue;
        };
        let app = app.clone();
        let builder = builder.clone();
        let watcher = graceful.watcher();
        let mut stopping = shutdown.clone();
        tokio::spawn(async move {
            // Telling HTTP/1 from HTTP/2 waits for the first bytes with no timeout of its
            // own: a socket that sends nothing is closed here, after the header timeout.
            // It holds no request, so shutting down closes it at once rather than waiting
            // for it (clients open such sockets ahead of need and keep them pooled).
            let mut first = [0u8; 1];
            let peeked = tokio::select! {
                biased;
                peeked = tokio::time::timeout(header_timeout, stream.peek(&mut first)) => peeked,
                _ = stopping.wait_for(|stopping| *stopping) => {
                    drop(permit);
                    return;
                }
            };
            match peeked {
                Ok(Ok(n)) if n > 0 => {}
                // Nothing within the timeout, the client gone, or the socket broken.
                _ => {
                    drop(permit);
                    return;
                }
            }
            let service = TowerToHyperService::new(app);
            let connection = builder
                .serve_connection_with_upgrades(TokioIo::new(stream), service)
                .into_owned();
            if let Err(e) = watcher.watch(connection).await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// Raises this process's limit of open files to what the system allows, so connections
/// are limited by `max_open_connections` and not by a default of 1,024. Returns the limit
/// now in force.
pub fn raise_open_file_limit() -> Option<u64> {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => Some(limit),
        Err(e) => {
            tracing::warn!(error = %e, "cannot raise the open-file limit");
            None
        }
    }
}
