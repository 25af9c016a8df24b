//! What live listeners cost the platform: a `ca-counter serve` child process, a clerk adding
//! notes one after another (each an order event), first with no event stream open, then with
//! `BENCH_LISTENERS` streams (default 200) reading every event (every 20 ms: they run on
//! the server's machine here, and should not take its cores as remote counters would not). Prints the server's CPU per
//! event, the CPU per event per listener, and the action's latency with and without the
//! listeners, as ratios. `cargo bench --bench events` (SQLite); set `BENCH_PG` to a
//! PostgreSQL server URL (`postgres://postgres@127.0.0.1:5432/postgres`) to measure on a fresh
//! database there too. `BENCH_EVENTS=N` changes the number of actions (default 1000);
//! `BENCH_EVENT_BATCH_MS=0` turns the streams' write batching off (`event_batch_ms`).
//! Last, orders created by 8 clients at once against 1 (`BENCH_CREATIONS`, default 400):
//! every order writes an event, so writers that queue for the events table show here.

mod common;

use std::time::{Duration, Instant};

use ca_counter::api::Client;
use ca_counter::domain::RoleSet;
use ca_counter::i18n::Lang;
use ca_counter::server::store::Store;
use common::{Server, cpu_of, env_number, order_body, pg_database};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn main() {
    let events = env_number("BENCH_EVENTS", 1000);
    let listeners = env_number("BENCH_LISTENERS", 200);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        let dir = tempfile::tempdir().expect("temp dir");
        let sqlite = format!("sqlite://{}", dir.path().join("events.db").display());
        run("SQLite", &sqlite, dir.path(), events, listeners).await;
        if let Ok(admin) = std::env::var("BENCH_PG") {
            let (url, drop) = pg_database(&admin, "events").await;
            run("PostgreSQL", &url, dir.path(), events, listeners).await;
            drop.await;
        }
    });
}

/// One database: the platform started, one order, the two phases, the report.
async fn run(label: &str, url: &str, dir: &std::path::Path, events: usize, listeners: usize) {
    let store = Store::open(url, 2).await.expect("open the database");
    let roles = RoleSet::parse("clerk,support").expect("roles");
    let (_, token) = store.add_operator("bench", &roles).await.expect("operator");
    store.close().await;
    // `BENCH_EVENT_BATCH_MS`: the streams' write batching (default: the platform's).
    let config = match std::env::var("BENCH_EVENT_BATCH_MS") {
        Ok(ms) => format!("[platform.http]\nevent_batch_ms = {ms}\n"),
        Err(_) => String::new(),
    };
    let mut server = Server::start(url, dir, &config, None).await;
    let (base, port) = (server.base.clone(), server.port);
    let client = Client::new(&base, &token, Lang::En).expect("client");
    let order_no = one_order(&client).await;

    println!("events, {label}: {events} notes added one after another, server in its own process");
    // Warm up: connections, prepared statements.
    act(&client, &order_no, 50).await;
    let quiet = phase(&client, &order_no, server.pid(), events, None).await;
    let streams = open_listeners(port, &token, listeners).await;
    let (tx, rx) = tokio::sync::oneshot::channel();
    let busy = phase(
        &client,
        &order_no,
        server.pid(),
        events,
        Some((streams, tx)),
    )
    .await;
    let reached = rx.await.unwrap_or(0);
    let busy_cpu = busy.cpu;
    let per_event = |cpu: Duration| cpu.as_secs_f64() * 1e6 / events as f64;
    let per_listener = (per_event(busy_cpu) - per_event(quiet.cpu)) / listeners.max(1) as f64;
    println!(
        "  no listener:   p50 {:>6.2} ms  p99 {:>6.2} ms  server CPU {:>7.1} µs per event",
        quiet.p50_ms(),
        quiet.p99_ms(),
        per_event(quiet.cpu)
    );
    println!(
        "  {listeners} listeners: p50 {:>6.2} ms  p99 {:>6.2} ms  server CPU {:>7.1} µs per event \
         ({} of {} events reached every listener)",
        busy.p50_ms(),
        busy.p99_ms(),
        per_event(busy_cpu),
        reached,
        events
    );
    println!(
        "  server CPU per event per listener: {per_listener:.2} µs; action latency with {listeners} \
         listeners / none: {:.2}x (p50), {:.2}x (p99)",
        busy.p50_ms() / quiet.p50_ms(),
        busy.p99_ms() / quiet.p99_ms()
    );
    let creations = env_number("BENCH_CREATIONS", 400);
    let one = creation_rate(&base, &token, 1, creations).await;
    let eight = creation_rate(&base, &token, 8, creations / 8).await;
    println!(
        "  order creation: {one:.0}/s with 1 client, {eight:.0}/s with 8 at once: {:.2}x",
        eight / one
    );
    server.stop();
}

/// Makes one order to add notes to.
async fn one_order(client: &Client) -> String {
    let body = order_body(client, "13900001234").await;
    client
        .create_order("bench-order", &body)
        .await
        .expect("order")
        .order_no
        .to_string()
}

/// Orders per second that `clients` clerks at once create, `per_client` each (every order
/// writes its event: on PostgreSQL the writers used to queue behind one table lock).
async fn creation_rate(base: &str, token: &str, clients: usize, per_client: usize) -> f64 {
    let mut bodies = Vec::with_capacity(clients);
    for c in 0..clients {
        let client = Client::new(base, token, Lang::En).expect("client");
        let body = order_body(&client, &format!("1380000{clients}{c:03}")).await;
        bodies.push((client, body));
    }
    let started = Instant::now();
    futures_util::future::join_all(bodies.into_iter().enumerate().map(
        |(c, (client, body))| async move {
            for i in 0..per_client {
                client
                    .create_order(&format!("bench-{clients}-{c}-{i}"), &body)
                    .await
                    .expect("order");
            }
        },
    ))
    .await;
    (clients * per_client) as f64 / started.elapsed().as_secs_f64()
}

/// `n` notes, one after another; the latency of each.
async fn act(client: &Client, order_no: &str, n: usize) -> Vec<Duration> {
    let mut latencies = Vec::with_capacity(n);
    for _ in 0..n {
        let started = Instant::now();
        client.add_note(order_no, "回访").await.expect("note");
        latencies.push(started.elapsed());
    }
    latencies
}

struct Phase {
    latencies: Vec<Duration>,
    cpu: Duration,
}

impl Phase {
    fn percentile_ms(&self, p: f64) -> f64 {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
        sorted
            .get(i)
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or(0.0)
    }
    fn p50_ms(&self) -> f64 {
        self.percentile_ms(0.5)
    }
    fn p99_ms(&self) -> f64 {
        self.percentile_ms(0.99)
    }
}

/// `n` actions; with listeners, the phase ends when every listener has read every event
/// (the server's CPU includes the whole fan-out), and how many every listener reached is
/// told on `reached`.
async fn phase(
    client: &Client,
    order_no: &str,
    pid: u32,
    n: usize,
    listeners: Option<(Vec<Listening>, tokio::sync::oneshot::Sender<usize>)>,
) -> Phase {
    let before = cpu_of(pid);
    let latencies = act(client, order_no, n).await;
    if let Some((listeners, reached)) = listeners {
        let _ = reached.send(finish_listeners(listeners, n).await);
    }
    Phase {
        latencies,
        cpu: cpu_of(pid).saturating_sub(before),
    }
}

/// A listener: a raw event stream that counts the order events it reads, and where to
/// tell it how many to wait for.
type Listening = (
    tokio::task::JoinHandle<usize>,
    tokio::sync::watch::Sender<usize>,
);

/// Opens `n` event streams and waits until each said hello.
async fn open_listeners(port: u16, token: &str, n: usize) -> Vec<Listening> {
    let mut listeners = Vec::with_capacity(n);
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel::<()>(n.max(1));
    for _ in 0..n {
        let mut socket = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .expect("connect a listener");
        let request = format!(
            "GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\
             Accept: text/event-stream\r\n\r\n"
        );
        socket
            .write_all(request.as_bytes())
            .await
            .expect("subscribe");
        let (target_tx, mut target_rx) = tokio::sync::watch::channel(usize::MAX);
        let ready = ready_tx.clone();
        let task = tokio::spawn(async move {
            let mut buffer = vec![0u8; 64 * 1024];
            let mut carry = Vec::new();
            let mut seen = 0usize;
            let mut said_hello = false;
            loop {
                if seen >= *target_rx.borrow_and_update() {
                    return seen;
                }
                let read = tokio::select! {
                    read = socket.read(&mut buffer) => read,
                    _ = target_rx.changed() => continue,
                };
                let n = match read {
                    Ok(0) | Err(_) => return seen,
                    Ok(n) => n,
                };
                // Read in batches: on a real deployment the listeners are other machines,
                // here they share the server's cores, and a read per event each would
                // measure the bench as much as the server.
                tokio::time::sleep(Duration::from_millis(20)).await;
                carry.extend_from_slice(&buffer[..n]);
                let text = String::from_utf8_lossy(&carry);
                if !said_hello && text.contains("event: hello") {
                    said_hello = true;
                    let _ = ready.send(()).await;
                }
                seen += text.matches("event: order\n").count();
                // Keep a tail that may hold the start of a split marker.
                let keep = carry.len().min(16);
                carry.drain(..carry.len() - keep);
                let tail = String::from_utf8_lossy(&carry);
                seen -= tail.matches("event: order\n").count();
            }
        });
        listeners.push((task, target_tx));
    }
    for _ in 0..n {
        ready_rx.recv().await;
    }
    listeners
}

/// Waits until every listener read `events` order events (or 30 s passed), then closes
/// them; returns the fewest any read.
async fn finish_listeners(listeners: Vec<Listening>, events: usize) -> usize {
    let mut min_events = usize::MAX;
    for (task, target) in listeners {
        let _ = target.send(events);
        let seen = tokio::time::timeout(Duration::from_secs(30), task)
            .await
            .ok()
            .and_then(Result::ok)
            .unwrap_or(0);
        min_events = min_events.min(seen);
    }
    if min_events == usize::MAX {
        0
    } else {
        min_events
    }
}
