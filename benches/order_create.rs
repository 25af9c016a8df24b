//! What an order costs the platform: `POST /api/v1/orders` to a `ca-counter serve` child
//! process, against bare SQL writing the same rows on the same database (the idempotency
//! key with its answer, the day's counter, the order, its search terms, the status count,
//! the history row, the event), one transaction per order — each with 1 client and with 8
//! at once. Prints orders per second, the server's CPU per order, the statements the
//! server sends per order (with as many clients sending as the phase had: a statement
//! shared by several orders, such as the event sequencer's, counts once), and the ratios
//! the issue asks for.
//!
//! `cargo bench --bench order_create` (SQLite); set `BENCH_PG` to a PostgreSQL server URL
//! (`postgres://postgres@127.0.0.1:5432/postgres`) to measure on a fresh database there
//! too (`BENCH_DB=postgres`: there only). `BENCH_ORDERS` changes the orders per phase
//! (default 2000), `BENCH_REPEAT` the rounds of the four phases (default 3: the figures are
//! the median round's, and each round's ratios are printed too: a shared machine's speed
//! drifts from minute to minute);
//! `BENCH_SQLITE_SYNC=normal` measures SQLite with `synchronous = NORMAL` on both sides
//! instead of the platform's default `FULL`. `BENCH_KEEP_STATEMENTS=DIR` keeps the server's
//! statement logs there (`statements-1.log`, `statements-8.log`) to see what it sends.
//!
//! A profile of one phase: `BENCH_PERF_PHASE` (`http1`, `http8`, `bare1` or `bare8`) and
//! `BENCH_PERF_CTL` (the control FIFO of a `perf record --control fifo:… -D -1` started
//! beforehand, recording disabled) enable the recording for that phase only, e.g.
//!
//! ```text
//! mkfifo /tmp/perf.ctl
//! perf record -a -g -D -1 --control fifo:/tmp/perf.ctl -o /tmp/http8.data &
//! BENCH_PERF_PHASE=http8 BENCH_PERF_CTL=/tmp/perf.ctl BENCH_DB=postgres BENCH_PG=… \
//!     cargo bench --bench order_create
//! ```

mod common;

use std::time::{Duration, Instant};

use ca_counter::api::{Client, NewOrder};
use ca_counter::domain::RoleSet;
use ca_counter::i18n::Lang;
use ca_counter::server::store::Store;
use common::{Server, cores, cpu_of, env_number, machine_cpu, order_body, pg_database};
use sqlx::AnyPool;
use sqlx::any::AnyPoolOptions;

/// `synchronous = NORMAL` for SQLite (`BENCH_SQLITE_SYNC=normal`), else the default FULL.
fn sqlite_normal() -> bool {
    std::env::var("BENCH_SQLITE_SYNC").as_deref() == Ok("normal")
}

fn main() {
    let orders = env_number("BENCH_ORDERS", 2000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        let dir = tempfile::tempdir().expect("temp dir");
        let sqlite = |name: &str| format!("sqlite://{}?mode=rwc", dir.path().join(name).display());
        // `BENCH_DB=postgres`: PostgreSQL only.
        if std::env::var("BENCH_DB").as_deref() != Ok("postgres") {
            run(
                "SQLite",
                &sqlite("http.db"),
                &sqlite("bare.db"),
                dir.path(),
                orders,
            )
            .await;
        }
        if let Ok(admin) = std::env::var("BENCH_PG") {
            let (http, drop_http) = pg_database(&admin, "http").await;
            let (bare, drop_bare) = pg_database(&admin, "bare").await;
            run("PostgreSQL", &http, &bare, dir.path(), orders).await;
            drop_http.await;
            drop_bare.await;
        }
    });
}

/// One database: HTTP and bare, 1 client and 8.
async fn run(label: &str, http_url: &str, bare_url: &str, dir: &std::path::Path, orders: usize) {
    let sync = match (label, sqlite_normal()) {
        ("SQLite", true) => " (synchronous = NORMAL)",
        ("SQLite", false) => " (synchronous = FULL)",
        _ => "",
    };
    let repeat = env_number("BENCH_REPEAT", 3).max(1);
    println!(
        "order creation, {label}{sync}, {orders} orders a phase, server in its own process; \
         {repeat} rounds of the four phases, each figure the median round's"
    );
    let bare = Bare::prepare(bare_url).await;
    let (mut http1, mut http8, mut bare1, mut bare8) = (vec![], vec![], vec![], vec![]);
    for round in 0..repeat {
        http1.push(http(http_url, dir, orders, 1, round).await);
        http8.push(http(http_url, dir, orders, 8, round).await);
        bare1.push(bare.run(orders, 1, round).await);
        bare8.push(bare.run(orders, 8, round).await);
    }
    bare.pool.close().await;
    let rate = |d: Duration| orders as f64 / d.as_secs_f64();
    let rounds = |a: &[Phase], b: &[Phase]| {
        a.iter()
            .zip(b)
            .map(|(a, b)| format!("{:.2}", rate(a.elapsed) / rate(b.elapsed)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let each_round = format!(
        "  each round: HTTP / bare {} (1 client), {} (8 clients); 8 clients / 1 {} (HTTP)",
        rounds(&http1, &bare1),
        rounds(&http8, &bare8),
        rounds(&http8, &http1)
    );
    let statements = [http1[0].statements, http8[0].statements].map(|s| s.unwrap_or(0.0));
    let (http1, http8, bare1, bare8) = (median(http1), median(http8), median(bare1), median(bare8));
    let per_order = |cpu: Duration| cpu.as_secs_f64() * 1e6 / orders as f64;
    for ((name, phase), statements) in [("HTTP, 1 client", &http1), ("HTTP, 8 clients", &http8)]
        .into_iter()
        .zip(statements)
    {
        println!(
            "  {name:<16} {:>7.0} orders/s  server CPU {:>6.0} µs per order  {:.1} statements per order",
            rate(phase.elapsed),
            per_order(phase.cpu),
            statements
        );
        let rest = phase
            .machine
            .saturating_sub(phase.cpu)
            .saturating_sub(phase.clients_cpu);
        println!(
            "  {:<16} machine CPU {:>6.0} µs per order: server {:.0}, bench clients {:.0}, \
             the rest (the database, the kernel) {:.0}; cores busy {:.0} %",
            "",
            per_order(phase.machine),
            per_order(phase.cpu),
            per_order(phase.clients_cpu),
            per_order(rest),
            phase.machine.as_secs_f64() * 100.0 / (phase.elapsed.as_secs_f64() * cores() as f64)
        );
    }
    for (name, phase) in [("bare, 1 client", &bare1), ("bare, 8 clients", &bare8)] {
        println!(
            "  {name:<16} {:>7.0} orders/s  its CPU    {:>6.0} µs per order  9 statements per order",
            rate(phase.elapsed),
            per_order(phase.cpu),
        );
        println!(
            "  {:<16} machine CPU {:>6.0} µs per order: the rest (the database, the kernel) \
             {:.0}; cores busy {:.0} %",
            "",
            per_order(phase.machine),
            per_order(phase.machine.saturating_sub(phase.cpu)),
            phase.machine.as_secs_f64() * 100.0 / (phase.elapsed.as_secs_f64() * cores() as f64)
        );
    }
    println!(
        "  HTTP / bare: {:.2} (1 client), {:.2} (8 clients); 8 clients / 1: {:.2} (HTTP), {:.2} (bare)",
        rate(http1.elapsed) / rate(bare1.elapsed),
        rate(http8.elapsed) / rate(bare8.elapsed),
        rate(http8.elapsed) / rate(http1.elapsed),
        rate(bare8.elapsed) / rate(bare1.elapsed),
    );
    println!("{each_round}");
}

/// The phase of the median rate (the middle one by time taken).
fn median(mut phases: Vec<Phase>) -> Phase {
    phases.sort_by_key(|p| p.elapsed);
    let middle = phases.len() / 2;
    phases.swap_remove(middle)
}

/// Recording by `perf` for the phase `BENCH_PERF_PHASE` names (see the module's doc):
/// enabled when made for that phase, disabled when dropped.
struct Profiled(Option<std::fs::File>);

impl Profiled {
    fn phase(name: &str) -> Profiled {
        let wanted = std::env::var("BENCH_PERF_PHASE").is_ok_and(|p| p == name);
        let ctl = std::env::var("BENCH_PERF_CTL").ok().filter(|_| wanted);
        Profiled(ctl.map(|path| {
            use std::io::Write;
            let mut fifo = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .expect("perf's control FIFO");
            fifo.write_all(b"enable\n").expect("enable perf");
            fifo
        }))
    }
}

impl Drop for Profiled {
    fn drop(&mut self) {
        use std::io::Write;
        if let Some(fifo) = &mut self.0 {
            let _ = fifo.write_all(b"disable\n");
        }
    }
}

struct Phase {
    elapsed: Duration,
    cpu: Duration,
    /// Statements the server sends per order (counted in the first round only).
    statements: Option<f64>,
    /// The whole machine's CPU over the phase.
    machine: Duration,
    /// The bench's own (its HTTP clients').
    clients_cpu: Duration,
}

/// `orders` orders through a fresh server on `url`, by `clients` clients at once; then, in
/// round 0, the statements per order, counted from the server's own statement log over 20
/// more from each client, all at once.
async fn http(
    url: &str,
    dir: &std::path::Path,
    orders: usize,
    clients: usize,
    round: usize,
) -> Phase {
    let store = Store::open(url, 2).await.expect("open the database");
    // Each client is a clerk at a counter, signed in as themselves.
    let roles = RoleSet::parse("clerk").expect("roles");
    let mut tokens = Vec::new();
    for c in 0..clients {
        let (_, token) = store
            .add_operator(&format!("bench-{clients}-{round}-{c}"), &roles)
            .await
            .expect("operator");
        tokens.push(token);
    }
    store.close().await;
    let config = if sqlite_normal() {
        "[platform]\nsqlite_synchronous = \"normal\"\n"
    } else {
        ""
    };
    let server = Server::start(url, dir, config, None).await;
    let mut bodies = Vec::new();
    for (c, token) in tokens.iter().enumerate() {
        let client = Client::new(&server.base, token, Lang::En).expect("client");
        let body = order_body(&client, &format!("13{}{clients}{c:07}", round % 10)).await;
        // Warm up: connections, prepared statements.
        create(&client, &body, &format!("warm-{c}"), 20).await;
        bodies.push((client, body));
    }
    let before = server.cpu();
    let (machine_before, own_before) = (machine_cpu(), cpu_of(std::process::id()));
    let profiled = Profiled::phase(&format!("http{clients}"));
    let started = Instant::now();
    let per_client = orders / clients;
    futures_util::future::join_all(bodies.iter().enumerate().map(
        |(c, (client, body))| async move {
            create(client, body, &format!("bench-{c}"), per_client).await;
        },
    ))
    .await;
    let elapsed = started.elapsed();
    drop(profiled);
    let cpu = server.cpu().saturating_sub(before);
    let machine = machine_cpu().saturating_sub(machine_before);
    let clients_cpu = cpu_of(std::process::id()).saturating_sub(own_before);
    drop(server);
    let mut phase = Phase {
        elapsed,
        cpu,
        statements: None,
        machine,
        clients_cpu,
    };
    if round > 0 {
        return phase;
    }

    // The statements: the same server, logging every statement it sends.
    let log = dir.join(format!("statements-{clients}.log"));
    let server = Server::start(url, dir, config, Some(&log)).await;
    let mut logged = Vec::new();
    for (token, (_, body)) in tokens.iter().zip(&bodies) {
        let client = Client::new(&server.base, token, Lang::En).expect("client");
        create(&client, body, "logged-warm", 5).await;
        logged.push((client, body));
    }
    let before = count_statements(&log);
    // As many clients at once as the phase had: statements shared by orders that arrive
    // together are counted once.
    futures_util::future::join_all(
        logged
            .iter()
            .map(|(client, body)| create(client, body, "logged", 20)),
    )
    .await;
    let statements = (count_statements(&log) - before) as f64 / (20 * clients) as f64;
    if let Ok(keep) = std::env::var("BENCH_KEEP_STATEMENTS") {
        let _ = std::fs::copy(
            &log,
            std::path::Path::new(&keep).join(format!("statements-{clients}.log")),
        );
    }
    phase.statements = Some(statements);
    phase
}

async fn create(client: &Client, body: &NewOrder, prefix: &str, n: usize) {
    for i in 0..n {
        client
            .create_order(&format!("{prefix}-{i}"), body)
            .await
            .expect("order");
    }
}

/// The statements in the server's log so far (sqlx logs each one it runs, on target
/// `sqlx::query`).
fn count_statements(log: &std::path::Path) -> usize {
    // The log is written as the statements run; give the last lines a moment.
    std::thread::sleep(Duration::from_millis(200));
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter(|line| line.contains("sqlx::query"))
        .count()
}

/// Bare SQL on a database the platform made (its tables and catalog), writing the rows an
/// order writes.
struct Bare {
    pool: AnyPool,
    sqlite: bool,
    /// One operator per client, as the HTTP phases have.
    operators: Vec<String>,
    product: (String, String),
    applicant: String,
    mailing: String,
    answer: String,
}

impl Bare {
    async fn prepare(url: &str) -> Bare {
        let store = Store::open(url, 2).await.expect("open the database");
        store
            .import_catalog(&ca_counter::server::catalog::demo_catalog(), false)
            .await
            .expect("db")
            .expect("catalog");
        let mut operators = Vec::new();
        for c in 0..8 {
            let (operator, _) = store
                .add_operator(
                    &format!("bare-{c}"),
                    &RoleSet::parse("clerk").expect("roles"),
                )
                .await
                .expect("operator");
            operators.push(operator.id);
        }
        let product: (String, String) =
            sqlx::query_as("SELECT id, project_id FROM products LIMIT 1")
                .fetch_one(store.pool())
                .await
                .expect("product");
        // Connected as the platform connects (on PostgreSQL at a loopback address: no TLS).
        let url = store.url().to_owned();
        store.close().await;
        let normal = url.starts_with("sqlite:") && sqlite_normal();
        let pool = AnyPoolOptions::new()
            .max_connections(8)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if normal {
                        sqlx::query("PRAGMA synchronous = NORMAL")
                            .execute(conn)
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await
            .expect("pool");
        sqlx::query(
            "INSERT INTO customers (id, phone, name, created_at) VALUES ('c', '13800000000', '张三', 0)",
        )
        .execute(&pool)
        .await
        .expect("customer");
        let applicant =
            r#"{"name":"张三","id_number":"11010519491231002X","phone":"13800000000"}"#.to_owned();
        let mailing = r#"{"recipient":"张三","phone":"13800000000","province":"湖南省","city":"长沙市","district":"岳麓区","street":"麓山南路 932 号","postal_code":"410083"}"#.to_owned();
        // An answer of the size the platform saves (the order as JSON).
        let answer = format!(
            "{{\"applicant\":{applicant},\"mailing\":{mailing},\"pad\":\"{}\"}}",
            "x".repeat(900)
        );
        Bare {
            sqlite: url.starts_with("sqlite:"),
            pool,
            operators,
            product,
            applicant,
            mailing,
            answer,
        }
    }

    /// `orders` orders by `clients` connections at once: the time, and the CPU this
    /// process spent (the bench does nothing else meanwhile; on SQLite that includes
    /// SQLite's own work, as the server's does).
    async fn run(&self, orders: usize, clients: usize, round: usize) -> Phase {
        let cpu = cpu_of(std::process::id());
        let machine = machine_cpu();
        let profiled = Profiled::phase(&format!("bare{clients}"));
        let started = Instant::now();
        let per_client = orders / clients;
        futures_util::future::join_all((0..clients).map(|c| async move {
            for i in 0..per_client {
                self.one(
                    &format!("bare-{round}-{clients}-{c}-{i}"),
                    &self.operators[c],
                )
                .await;
            }
        }))
        .await;
        drop(profiled);
        let cpu = cpu_of(std::process::id()).saturating_sub(cpu);
        Phase {
            elapsed: started.elapsed(),
            cpu,
            statements: Some(9.0),
            machine: machine_cpu().saturating_sub(machine),
            // Its own CPU is the clients'.
            clients_cpu: cpu,
        }
    }

    async fn one(&self, key: &str, operator: &str) {
        let mut tx = if self.sqlite {
            self.pool.begin_with("BEGIN IMMEDIATE").await
        } else {
            self.pool.begin().await
        }
        .expect("begin");
        let now = 0_i64;
        sqlx::query(
            "INSERT INTO idempotency_keys (operator_id, key, request_hash, response_status, response_body, created_at) \
             VALUES ($1, $2, 'hash', 201, $3, $4)",
        )
        .bind(operator)
        .bind(key)
        .bind(&self.answer)
        .bind(now)
        .execute(&mut *tx)
        .await
        .expect("key");
        let last: i64 = sqlx::query_scalar(
            "INSERT INTO order_counters (day, last) VALUES ('20261128', 1) \
             ON CONFLICT (day) DO UPDATE SET last = order_counters.last + 1 RETURNING last",
        )
        .fetch_one(&mut *tx)
        .await
        .expect("counter");
        let order_no = format!("HN20261128{last:06}");
        let id = uuid::Uuid::now_v7().to_string();
        sqlx::query(
            "INSERT INTO orders (id, order_no, status, version, user_type, customer_id, product_id, project_id, \
             amount_fen, applicant_name, display_name, phone, id_number, applicant_json, mailing_json, submitted_by, \
             created_at, updated_at, channel, id_hash) VALUES ($1, $2, 'pending_payment', 1, 'individual', 'c', $3, $4, \
             20000, '张三', '张三', '13800000000', '11010519491231002X', $5, $6, $7, $8, $8, 'counter', $9)",
        )
        .bind(&id)
        .bind(&order_no)
        .bind(&self.product.0)
        .bind(&self.product.1)
        .bind(&self.applicant)
        .bind(&self.mailing)
        .bind(operator)
        .bind(now)
        .bind("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
        .execute(&mut *tx)
        .await
        .expect("order");
        sqlx::query(
            "INSERT INTO order_terms (term, order_no) VALUES ('n张', $1), ('n三', $1), ('n张三', $1), ('p0000', $1)",
        )
        .bind(&order_no)
        .execute(&mut *tx)
        .await
        .expect("terms");
        sqlx::query(
            "INSERT INTO order_counts (status, shard, n) VALUES ('pending_payment', $1, 1) \
             ON CONFLICT (status, shard) DO UPDATE SET n = order_counts.n + excluded.n",
        )
        .bind(i64::from(rand::random::<u8>() % 32))
        .execute(&mut *tx)
        .await
        .expect("count");
        sqlx::query(
            "INSERT INTO order_history (order_id, at, actor_id, actor_name, action, to_status, request_id) \
             VALUES ($1, $2, $3, 'bare', 'submit', 'pending_payment', $4)",
        )
        .bind(&id)
        .bind(now)
        .bind(operator)
        .bind(key)
        .execute(&mut *tx)
        .await
        .expect("history");
        let seq = if self.sqlite {
            "(SELECT COALESCE(MAX(seq), 0) + 1 FROM events)"
        } else {
            "NULL"
        };
        sqlx::query(&format!(
            "INSERT INTO events (seq, topic, subject_id, subject_no, kind, status, version, at) \
             VALUES ({seq}, 'order', $1, $2, 'created', 'pending_payment', 1, $3)"
        ))
        .bind(&id)
        .bind(&order_no)
        .bind(now)
        .execute(&mut *tx)
        .await
        .expect("event");
        tx.commit().await.expect("commit");
    }
}
