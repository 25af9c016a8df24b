//! Serving HTTP so that no client can starve the platform of connections: a connection
//! must send its request head within `header_timeout` (which on HTTP/1 also closes an idle
//! keep-alive connection), a request body that stops arriving is cut after
//! `body_idle_timeout`, and above `max_open_connections` a new connection is answered 503 at
//! once instead of waiting in the kernel's queue — as is one above
//! `max_connections_per_client` from one address (not a trusted proxy), so a single client
//! cannot hold every connection. Event streams are responses being written,
//! so none of these cut them; they end when the platform stops.

use std::net::IpAddr;
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

/// Which limit a connection was refused by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Over {
    /// `max_open_connections`: the platform holds as many as it serves.
    Platform,
    /// `max_connections_per_client`: this client address holds its share.
    Client,
}

/// What a connection over a limit is told, whatever it asked: which limit, and a request
/// id as every problem carries.
fn busy(over: Over, request_id: &str) -> Vec<u8> {
    use crate::i18n::{Lang, T};
    // Said before any request is read, so in both languages.
    let both = |t: T| format!("{} / {}", t.get(Lang::ZhCn), t.get(Lang::En));
    let detail = match over {
        Over::Platform => T::ProblemBusyDetail,
        Over::Client => T::ProblemBusyClientDetail,
    };
    let body = serde_json::json!({
        "type": "https://ca-counter.invalid/problems/too-many-connections",
        "title": both(T::ProblemBusyTitle),
        "status": 503,
        "code": "too_many_connections",
        "detail": both(detail),
        "request_id": request_id,
    })
    .to_string();
    format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/problem+json\r\n\
         retry-after: 1\r\nx-request-id: {request_id}\r\nconnection: close\r\n\
         content-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Refused connections, said in the log at most once every ten seconds (a client
/// hammering the limit must not fill the disk): how many since, and the last one's id.
struct Refusals {
    since_said: std::sync::atomic::AtomicU64,
    last_said: std::sync::Mutex<Option<std::time::Instant>>,
}

impl Refusals {
    fn note(&self, over: Over, peer: IpAddr, request_id: &str) {
        use std::sync::atomic::Ordering;
        let count = self.since_said.fetch_add(1, Ordering::Relaxed) + 1;
        let mut last = self
            .last_said
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if last.is_some_and(|at| at.elapsed() < Duration::from_secs(10)) {
            return;
        }
        *last = Some(std::time::Instant::now());
        self.since_said.store(0, Ordering::Relaxed);
        tracing::warn!(
            limit = match over {
                Over::Platform => "max_open_connections",
                Over::Client => "max_connections_per_client",
            },
            %peer,
            request_id,
            refused = count,
            "connections refused (503 too_many_connections) since the last such line"
        );
    }
}

/// The connections each client address holds now.
struct PerClient {
    limit: usize,
    open: std::sync::Mutex<std::collections::HashMap<IpAddr, usize>>,
}

impl PerClient {
    /// One more connection of `ip`, if it holds fewer than the limit; given back when the
    /// slot is dropped.
    fn take(self: &Arc<Self>, ip: IpAddr) -> Option<ClientSlot> {
        // A panic elsewhere while counting leaves the counts as they were: go on with them
        // (refusing every connection for ever would be worse).
        let mut open = self
            .open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let held = open.entry(ip).or_insert(0);
        if *held >= self.limit {
            return None;
        }
        *held += 1;
        Some(ClientSlot {
            of: self.clone(),
            ip,
        })
    }
}

/// A connection counted against its client address.
struct ClientSlot {
    of: Arc<PerClient>,
    ip: IpAddr,
}

impl Drop for ClientSlot {
    fn drop(&mut self) {
        let mut open = self
            .of
            .open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(held) = open.get_mut(&self.ip) {
            *held = held.saturating_sub(1);
            if *held == 0 {
                open.remove(&self.ip);
            }
        }
    }
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
    let trusted: Arc<[IpAddr]> = config.trusted_proxies.clone().into();
    let open = Arc::new(Semaphore::new(config.max_open_connections.max(1)));
    let per_client = Arc::new(PerClient {
        limit: config.max_connections_per_client.max(1),
        open: std::sync::Mutex::new(std::collections::HashMap::new()),
    });
    let refusals = Refusals {
        since_said: std::sync::atomic::AtomicU64::new(0),
        last_said: std::sync::Mutex::new(None),
    };
    let graceful = GracefulShutdown::new();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown.wait_for(|stopping| *stopping) => break,
        };
        let (stream, peer) = match accepted {
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
        let client_slot = if trusted.contains(&peer.ip()) {
            Some(None)
        } else {
            per_client.take(client_network(peer.ip())).map(Some)
        };
        let over = match (open.clone().try_acquire_owned(), client_slot) {
            (Ok(permit), Some(client_slot)) => Ok((permit, client_slot)),
            (_, None) => Err(Over::Client),
            (Err(_), Some(_)) => Err(Over::Platform),
        };
        let (permit, client_slot) = match over {
            Ok(taken) => taken,
            Err(over) => {
                let request_id = super::store::new_id();
                refusals.note(over, peer.ip(), &request_id);
                tokio::spawn(async move {
                    let mut stream = stream;
                    let answer = busy(over, &request_id);
                    let _ = tokio::time::timeout(Duration::from_secs(2), stream.write_all(&answer))
                        .await;
                    let _ = stream.shutdown().await;
                });
                continue;
            }
        };
        let app = app.clone();
        let trusted = trusted.clone();
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
            // Each request learns whom it is from (behind a trusted proxy, from the
            // proxy's `X-Forwarded-For`): the request log and the sign-in limits use it.
            let app = TowerToHyperService::new(app);
            let service = hyper::service::service_fn(
                move |mut request: hyper::Request<hyper::body::Incoming>| {
                    let client = client_addr(peer.ip(), request.headers(), &trusted);
                    request.extensions_mut().insert(ClientAddr(client));
                    hyper::service::Service::call(&app, request)
                },
            );
            let connection = builder
                .serve_connection_with_upgrades(TokioIo::new(stream), service)
                .into_owned();
            if let Err(e) = watcher.watch(connection).await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop(permit);
            drop(client_slot);
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

/// This machine's name, as the operator log and `restored` name where something ran:
/// `/etc/hostname`, else `$HOSTNAME`, else `localhost`.
pub fn host_name() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "localhost".into())
}

/// A write past this process's file-size limit (`ulimit -f`, systemd's `LimitFSIZE=`) is
/// refused (`EFBIG`) — which the database takes as a full disk, answered 507 — rather than
/// ending the process without a word, as the kernel's `SIGXFSZ` does by default; each is
/// said in the log with what to do. Once per process (needs a Tokio runtime).
pub fn survive_file_size_limit() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        #[cfg(all(
            any(target_os = "linux", target_os = "macos"),
            not(any(
                target_arch = "mips",
                target_arch = "mips64",
                target_arch = "mips32r6",
                target_arch = "mips64r6"
            ))
        ))]
        {
            // SIGXFSZ on Linux and macOS (MIPS numbers it otherwise).
            const SIGXFSZ: i32 = 25;
            use tokio::signal::unix::{SignalKind, signal};
            match signal(SignalKind::from_raw(SIGXFSZ)) {
                Ok(mut signal) => {
                    tokio::spawn(async move {
                        // Said at most once a minute: the log itself may be the file that
                        // reached the limit, and each line would raise the signal again.
                        let mut said: Option<std::time::Instant> = None;
                        while signal.recv().await.is_some() {
                            if said.is_some_and(|at| at.elapsed() < Duration::from_secs(60)) {
                                continue;
                            }
                            said = Some(std::time::Instant::now());
                            tracing::error!(
                                "a write went past this process's file-size limit and was \
                                 refused (ulimit -f; LimitFSIZE= for systemd): raise the limit"
                            );
                        }
                    });
                }
                Err(e) => tracing::warn!(
                    error = %e,
                    "a write past the file-size limit (ulimit -f) would stop this process"
                ),
            }
        }
    });
}

/// The address a request came from (a request extension).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// What a limit per client counts `ip` as: an IPv4 address itself, an IPv6 address by its
/// /64 — one subscriber's network, in which a client may take any of 2⁶⁴ addresses (and a
/// limit per address would count each apart). An IPv4 address written as IPv6 is IPv4.
pub fn client_network(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(std::net::Ipv6Addr::from(
                u128::from(v6) & !((1u128 << 64) - 1),
            )),
        },
    }
}

/// [`client_network`] as a limit's key: `203.0.113.7`, `2001:db8:9:9::/64`.
pub fn client_network_key(ip: IpAddr) -> String {
    match client_network(ip) {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("{v6}/64"),
    }
}

/// Whom a request on a connection from `peer` is from: `peer` itself, unless it is one of
/// `trusted` (the reverse proxies in front of the platform); then the address that proxy
/// says it had the request from, the last in `X-Forwarded-For` (each proxy appends its
/// own peer) that is not itself a trusted proxy. Anything before that was written by the
/// client and proves nothing; an entry that is not an address stops the walk at the proxy
/// that passed it on.
pub fn client_addr(peer: IpAddr, headers: &axum::http::HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut from = peer;
    for hop in hops.into_iter().rev() {
        let Some(addr) = parse_hop(hop) else {
            return from;
        };
        from = addr;
        if !trusted.contains(&addr) {
            return addr;
        }
    }
    from
}

/// One `X-Forwarded-For` entry: an address, perhaps with a port (`[::1]:443`, `1.2.3.4:80`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(addr) = hop.parse::<IpAddr>() {
        return Some(addr);
    }
    if let Ok(socket) = hop.parse::<std::net::SocketAddr>() {
        return Some(socket.ip());
    }
    hop.strip_prefix('[')
        .and_then(|rest| rest.split_once(']'))
        .and_then(|(addr, _)| addr.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderMap, HeaderValue};

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    #[test]
    fn an_ipv6_client_counts_by_its_network() {
        let key = |text: &str| client_network_key(ip(text));
        assert_eq!(key("2001:db8:9:9::100"), "2001:db8:9:9::/64");
        assert_eq!(key("2001:db8:9:9::100"), key("2001:db8:9:9:ffff:1:2:3"));
        assert_ne!(key("2001:db8:9:9::1"), key("2001:db8:9:a::1"));
        assert_eq!(key("203.0.113.7"), "203.0.113.7");
        assert_eq!(key("::ffff:203.0.113.7"), "203.0.113.7");
        assert_ne!(key("203.0.113.7"), key("203.0.113.8"));
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            if let Ok(value) = HeaderValue::from_str(value) {
                headers.append("x-forwarded-for", value);
            }
        }
        headers
    }

    #[test]
    fn a_client_is_its_peer_unless_the_peer_is_a_trusted_proxy() {
        let trusted = [ip("127.0.0.1"), ip("10.0.0.5")];
        // Straight from a client: what it writes in the header is ignored.
        let headers = forwarded(&["9.9.9.9"]);
        assert_eq!(
            client_addr(ip("203.0.113.7"), &headers, &trusted),
            ip("203.0.113.7")
        );
        // Through the proxy: the address it appended, not the one the client wrote first.
        let headers = forwarded(&["9.9.9.9, 203.0.113.7"]);
        assert_eq!(
            client_addr(ip("127.0.0.1"), &headers, &trusted),
            ip("203.0.113.7")
        );
        // Through two trusted proxies, in two headers.
        let headers = forwarded(&["9.9.9.9, 203.0.113.7", "10.0.0.5"]);
        assert_eq!(
            client_addr(ip("127.0.0.1"), &headers, &trusted),
            ip("203.0.113.7")
        );
        // Ports and brackets.
        let headers = forwarded(&["[2001:db8::1]:443"]);
        assert_eq!(
            client_addr(ip("127.0.0.1"), &headers, &trusted),
            ip("2001:db8::1")
        );
        let headers = forwarded(&["198.51.100.2:80"]);
        assert_eq!(
            client_addr(ip("127.0.0.1"), &headers, &trusted),
            ip("198.51.100.2")
        );
        // Garbage stops at the proxy that passed it on; no header is the proxy itself.
        let headers = forwarded(&["evil, 10.0.0.5"]);
        assert_eq!(
            client_addr(ip("127.0.0.1"), &headers, &trusted),
            ip("10.0.0.5")
        );
        assert_eq!(
            client_addr(ip("127.0.0.1"), &HeaderMap::new(), &trusted),
            ip("127.0.0.1")
        );
        // Nobody trusted: always the peer.
        let headers = forwarded(&["203.0.113.7"]);
        assert_eq!(client_addr(ip("127.0.0.1"), &headers, &[]), ip("127.0.0.1"));
    }
}
