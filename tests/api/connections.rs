//! Idle sockets cannot starve the platform: thousands of connections that send nothing do
//! not stop it answering, they are closed after the header timeout, a connection over the
//! limit is answered 503 at once, event streams outlive every timeout, and sockets that
//! never sent a request do not hold up a shutdown.

use std::time::{Duration, Instant};

use ca_counter::api::ServerEvent;
use ca_counter::config::{HttpConfig, PlatformConfig};
use futures_util::StreamExt;
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

use crate::common::{Db, TestApp};

fn config(max_open_connections: usize) -> PlatformConfig {
    PlatformConfig {
        http: HttpConfig {
            header_timeout_seconds: 2,
            body_idle_timeout_seconds: 2,
            max_open_connections,
            ..HttpConfig::default()
        },
        ..PlatformConfig::default()
    }
}

async fn connect_idle(app: &TestApp, n: usize) -> Vec<TcpStream> {
    let addr = app.base.trim_start_matches("http://").to_owned();
    let mut sockets = Vec::with_capacity(n);
    for _ in 0..n {
        sockets.push(TcpStream::connect(&addr).await.expect("connect"));
    }
    sockets
}

/// What one more connection is told, once those opened before are settled: read to its
/// end, within 2 s.
async fn one_more(app: &TestApp) -> String {
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut over = connect_idle(app, 1).await.remove(0);
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(2), over.read_to_end(&mut answer))
        .await
        .expect("answered at once")
        .expect("read");
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_idle_sockets_neither_stop_the_platform_nor_stay_open() {
    let app = TestApp::spawn_with(Db::Sqlite, config(4096)).await;
    let mut idle = connect_idle(&app, 2000).await;
    // A clerk's request is answered at once.
    let started = Instant::now();
    let health = reqwest::Client::new()
        .get(app.url("/api/v1/health"))
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .expect("health while 2,000 sockets sit idle");
    assert!(health.status().is_success());
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "answered in {:?}",
        started.elapsed()
    );
    // Every idle socket is closed by the platform once the header timeout passes.
    let deadline = Instant::now() + Duration::from_secs(8);
    let mut open = 0;
    for socket in &mut idle {
        let left = deadline.saturating_duration_since(Instant::now());
        let mut byte = [0u8; 1];
        match tokio::time::timeout(left, socket.read(&mut byte)).await {
            Ok(Ok(0)) | Ok(Err(_)) => {}
            Ok(Ok(_)) | Err(_) => open += 1,
        }
    }
    assert_eq!(open, 0, "idle sockets still open after the header timeout");
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_over_the_limit_is_told_503_at_once() {
    let app = TestApp::spawn_with(Db::Sqlite, config(20)).await;
    let _held = connect_idle(&app, 20).await;
    let answer = one_more(&app).await;
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("retry-after: 1"), "{answer}");
    assert!(answer.contains("too_many_connections"), "{answer}");
    // Before any request is read, so said in both languages; its length as written.
    assert!(
        answer.contains("平台的连接数已满") && answer.contains("try again"),
        "{answer}"
    );
    let (head, body) = answer.split_once("\r\n\r\n").expect("head and body");
    assert!(
        head.contains(&format!("content-length: {}", body.len())),
        "{answer}"
    );
    // A problem like every other: its request id, in the body and the header.
    let problem: serde_json::Value = serde_json::from_str(body).expect("problem JSON");
    let id = problem["request_id"].as_str().expect("request_id");
    assert!(head.contains(&format!("x-request-id: {id}")), "{answer}");
    app.finish().await;
}

/// One address holding its share of connections (half-sent requests, a script) is told
/// 503 for the next at once, while the platform keeps the rest for everyone else; its
/// connections closed, it is served again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_client_cannot_hold_every_connection() {
    let mut config = config(4096);
    config.http.max_connections_per_client = 5;
    // Loopback is this test's client, not a proxy.
    config.http.trusted_proxies = Vec::new();
    let app = TestApp::spawn_with(Db::Sqlite, config).await;
    let held = connect_idle(&app, 5).await;
    let answer = one_more(&app).await;
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("too_many_connections"), "{answer}");
    // Said as this client's share, not as the platform full (it is not).
    assert!(
        answer.contains("这个地址已占满") && !answer.contains("平台的连接数已满"),
        "{answer}"
    );
    drop(held);
    let started = Instant::now();
    loop {
        let health = reqwest::Client::new()
            .get(app.url("/api/v1/health"))
            .timeout(Duration::from_secs(2))
            .send()
            .await;
        if health.is_ok_and(|h| h.status().is_success()) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "not served again"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sockets_that_never_sent_a_request_do_not_hold_up_shutdown() {
    // The default header timeout (15 s) is longer than shutdown's grace for requests in
    // flight (10 s); clients keep such sockets pooled, opened ahead of need.
    let app = TestApp::spawn(Db::Sqlite).await;
    let _silent = connect_idle(&app, 3).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    app.finish().await;
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "shutdown took {:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_stream_outlives_the_timeouts() {
    let app = TestApp::spawn_with(Db::Sqlite, config(100)).await;
    let mut stream = app
        .client(&app.support)
        .events(None)
        .await
        .expect("subscribe");
    assert!(matches!(
        stream.next().await,
        Some(Ok(ServerEvent::Hello { .. }))
    ));
    // Longer than the header and body timeouts.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let order = app.submit("张三").await;
    match tokio::time::timeout(Duration::from_secs(5), stream.next()).await {
        Ok(Some(Ok(ServerEvent::Order(event)))) => assert_eq!(event.order_no, order.order_no),
        other => panic!("the stream was cut: {other:?}"),
    }
    app.finish().await;
}

/// A body must come at 1,000 bytes a second once its first 2 s are over.
fn paced() -> PlatformConfig {
    PlatformConfig {
        http: HttpConfig {
            body_idle_timeout_seconds: 2,
            body_min_bytes_per_second: 1000,
            ..HttpConfig::default()
        },
        ..PlatformConfig::default()
    }
}

/// A body trickled a few bytes at a time (each within the idle timeout) held its
/// connection for ever: 4,096 of them took every connection the platform had. Once its
/// first seconds are over, a body must keep a pace, or it is cut.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_trickled_a_byte_at_a_time_is_cut() {
    let app = TestApp::spawn_with(Db::Sqlite, paced()).await;
    let socket = connect_idle(&app, 1).await.remove(0);
    let (mut reader, mut writer) = socket.into_split();
    let trickle = tokio::spawn(async move {
        use tokio::io::AsyncWriteExt;
        let head = "POST /login HTTP/1.1\r\nHost: localhost\r\n\
                    Content-Type: application/x-www-form-urlencoded\r\n\
                    Content-Length: 100000\r\n\r\n";
        if writer.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        // One byte a second: never idle for the 2 s the idle timeout allows.
        for _ in 0..20 {
            if writer.write_all(b"a").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
    let started = Instant::now();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), reader.read_to_end(&mut answer)).await;
    assert!(
        read.is_ok(),
        "the trickled body still held its connection after 10 s"
    );
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
    trickle.abort();
    app.finish().await;
}

/// The same over HTTP/2 (cleartext, as the platform serves it), where a body need not say
/// its length: told by the body itself, it is paced too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_trickled_over_http2_without_a_length_is_cut() {
    let app = TestApp::spawn_with(Db::Sqlite, paced()).await;
    let client = reqwest::Client::builder()
        .http2_prior_knowledge()
        .build()
        .expect("client");
    // One byte a second, no length said.
    let trickle = futures_util::stream::unfold(0_u32, |sent| async move {
        if sent >= 20 {
            return None;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        Some((Ok::<_, std::io::Error>(vec![b'a']), sent + 1))
    });
    let started = Instant::now();
    let answer = tokio::time::timeout(
        Duration::from_secs(10),
        client
            .post(app.url("/api/v1/customers"))
            .bearer_auth(&app.clerk)
            .header("content-type", "application/json")
            .body(reqwest::Body::wrap_stream(trickle))
            .send(),
    )
    .await;
    assert!(
        answer.is_ok(),
        "the trickled body still held its stream after 10 s"
    );
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
    app.finish().await;
}
