//! A province on one platform: the searches and pages a counter asks for, at scale, through
//! HTTP, next to bare SQL on the same database in the same run.
//!
//! `cargo bench --bench province` loads `BENCH_ORDERS` demo orders (default 100000; the
//! README's figures are at 1000000) with the platform's own loader (`ca-counter demo orders
//! --fast`), keeps the database for the next run (SQLite: `target/bench-data/`,
//! PostgreSQL: a database `ca_counter_bench_<n>`), starts the platform on it and prints one
//! line per measurement: p50 and p99 over `BENCH_RUNS` (default 200) requests. The
//! PostgreSQL half runs when `BENCH_PG` (or `CA_COUNTER_TEST_PG`) names a server;
//! `BENCH_DB=sqlite|postgres` runs one only. `BENCH_IMPORT=1` first strips the orders of
//! their search terms, ID hashes and counts, as a bulk import written behind the platform's
//! back leaves them, and prints how long the platform took to start on them and until a
//! search could find them all, and the first page and a clerk's note meanwhile.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ca_counter::config::PlatformConfig;
use ca_counter::domain::RoleSet;
use ca_counter::server::Platform;
use ca_counter::server::store::Store;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|n| n.replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn main() {
    let orders = env_number("BENCH_ORDERS", 100_000);
    let runs = env_number("BENCH_RUNS", 200);
    let which = std::env::var("BENCH_DB").unwrap_or_default();
    let pg = std::env::var("BENCH_PG")
        .or_else(|_| std::env::var("CA_COUNTER_TEST_PG"))
        .ok();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        ca_counter::api::install_tls_provider();
        if which.is_empty() || which == "sqlite" {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
            std::fs::create_dir_all(&dir).expect("bench data directory");
            let url = format!("sqlite://{}/province-{orders}.db", dir.display());
            run("SQLite", &url, orders, runs).await;
        }
        if which.is_empty() || which == "postgres" {
            match pg {
                Some(admin) => {
                    let name = format!("ca_counter_bench_{orders}");
                    let url = ensure_pg_database(&admin, &name).await;
                    run("PostgreSQL", &url, orders, runs).await;
                }
                None => println!("PostgreSQL: skipped (set BENCH_PG=postgres://…)"),
            }
        }
    });
}

async fn ensure_pg_database(admin: &str, name: &str) -> String {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(admin)
        .await
        .expect("connect to PostgreSQL");
    let exists: Option<i32> = sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
        .bind(name)
        .fetch_optional(&mut conn)
        .await
        .expect("look for the bench database");
    if exists.is_none() {
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .expect("create the bench database");
    }
    match admin.rfind('/') {
        Some(slash) if admin[..slash].ends_with(|c: char| c != '/') => {
            format!("{}/{name}", &admin[..slash])
        }
        _ => format!("{admin}/{name}"),
    }
}

async fn run(label: &str, url: &str, orders: usize, runs: usize) {
    let store = Store::open(url, 4).await.expect("open the bench database");
    let have: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders")
        .fetch_one(store.pool())
        .await
        .expect("count orders");
    if (have as usize) < orders {
        if store.catalog_is_empty().await.expect("catalog") {
            store
                .import_catalog(&ca_counter::server::catalog::demo_catalog(), false)
                .await
                .expect("db")
                .expect("catalog");
        }
        let started = Instant::now();
        store
            .load_demo_orders((orders - have as usize) as u64, 1, |done| {
                if done % 100_000 == 0 {
                    eprintln!("  {label}: {done} orders loaded");
                }
            })
            .await
            .expect("load demo orders");
        println!(
            "{label}: loaded {} orders in {:.0} s",
            orders - have as usize,
            started.elapsed().as_secs_f64()
        );
    }
    let token = store
        .add_operator(
            &format!("bench-{}", uuid::Uuid::now_v7()),
            &RoleSet::parse("admin").expect("role"),
        )
        .await
        .expect("operator")
        .1;
    let pool = store.pool().clone();
    let common: String = "张伟".into();
    let rare: String = sqlx::query_scalar(
        "SELECT applicant_name FROM orders WHERE LENGTH(applicant_name) = 3 \
         GROUP BY applicant_name HAVING COUNT(*) BETWEEN 4 AND 6 ORDER BY applicant_name LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .expect("a rare name");
    let rare_count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE applicant_name = $1")
            .bind(&rare)
            .fetch_one(&pool)
            .await
            .expect("count");
    let common_count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE applicant_name LIKE $1")
            .bind(format!("%{common}%"))
            .fetch_one(&pool)
            .await
            .expect("count");
    let phone: String =
        sqlx::query_scalar("SELECT phone FROM orders ORDER BY order_no DESC LIMIT 1")
            .fetch_one(&pool)
            .await
            .expect("a phone");
    let tail = phone[phone.len() - 4..].to_owned();
    let order_no: String =
        sqlx::query_scalar("SELECT order_no FROM orders ORDER BY order_no LIMIT 1 OFFSET 1000")
            .fetch_one(&pool)
            .await
            .expect("an order");
    let imported = std::env::var("BENCH_IMPORT").is_ok_and(|v| v == "1");
    if imported {
        // As a bulk import from an earlier system leaves the orders: no search terms, no
        // ID hashes, no counts.
        let started = Instant::now();
        let mut conn = pool.acquire().await.expect("a connection");
        if url.starts_with("postgres") {
            // Longer than the platform lets a statement run.
            sqlx::query("SET statement_timeout = 0")
                .execute(&mut *conn)
                .await
                .expect("no statement timeout");
        }
        for sql in [
            "UPDATE orders SET id_hash = NULL",
            "DELETE FROM order_terms",
            "DELETE FROM order_counts",
        ] {
            sqlx::query(sql).execute(&mut *conn).await.expect(sql);
        }
        drop(conn);
        println!(
            "{label}: the orders made as if imported (terms, hashes and counts deleted) in {:.0} s",
            started.elapsed().as_secs_f64()
        );
    }
    store.close().await;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let starting = Instant::now();
    let platform = Platform::start(PlatformConfig::default(), url, listener)
        .await
        .expect("platform starts");
    let start_time = starting.elapsed();
    let base = format!("{}/api/v1", platform.base_url());
    let http = reqwest::Client::new();
    let get = {
        let http = http.clone();
        let token = token.clone();
        let base = base.clone();
        move |path: String| {
            let http = http.clone();
            let token = token.clone();
            let url = format!("{base}{path}");
            async move {
                let started = Instant::now();
                let response = http
                    .get(&url)
                    .bearer_auth(&token)
                    .send()
                    .await
                    .expect("request");
                let status = response.status();
                let _ = response.bytes().await;
                (started.elapsed(), status.as_u16())
            }
        }
    };
    let q = |text: &str| format!("/orders?q={}", urlencode(text));
    if imported {
        // Serving at once; the first page while the orders are indexed behind it, until a
        // search answers without `search_indexing`.
        println!(
            "{label}: the platform started on them in {:.0} ms",
            start_time.as_secs_f64() * 1e3
        );
        let (mut pages, mut notes, mut refused) = (Vec::new(), Vec::new(), 0);
        loop {
            let (t, _) = get("/orders".into()).await;
            pages.push(t);
            // A clerk's write beside the indexing (on SQLite both take the write lock).
            let started = Instant::now();
            let noted = http
                .post(format!("{base}/orders/{order_no}/notes"))
                .bearer_auth(&token)
                .json(&serde_json::json!({ "text": "客户来电询问进度" }))
                .send()
                .await
                .expect("note");
            if !noted.status().is_success() {
                refused += 1;
            }
            let _ = noted.bytes().await;
            notes.push(started.elapsed());
            let answer = http
                .get(format!("{base}{}", q(&rare)))
                .bearer_auth(&token)
                .send()
                .await
                .expect("search");
            let page: serde_json::Value = answer.json().await.unwrap_or_default();
            if page.get("search_indexing").is_none() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        println!(
            "{label}: searchable {:.0} s after the start",
            starting.elapsed().as_secs_f64()
        );
        println!("| measured | p50 | p99 |\n|---|---|---|");
        row("`GET /orders` first page while they were indexed", &pages);
        row(
            &format!("a clerk's note (a write) meanwhile ({refused} refused)"),
            &notes,
        );
    }

    println!();
    println!("{label}, {orders} orders ({runs} requests each; p50 / p99)");
    println!("| measured | p50 | p99 |");
    println!("|---|---|---|");
    let bare = bare_lookup(url, &order_no, runs).await;
    row("bare SQL: one order by number (the floor)", &bare);
    let mut statuses = Vec::new();
    let measure = |name: String, path: String| {
        let get = get.clone();
        async move {
            let mut times = Vec::with_capacity(runs);
            let mut last_status = 0;
            for _ in 0..runs / 10 {
                get(path.clone()).await;
            }
            for _ in 0..runs {
                let (t, status) = get(path.clone()).await;
                last_status = status;
                times.push(t);
            }
            row(&name, &times);
            (name, last_status)
        }
    };
    statuses.push(measure("`GET /orders` first page".into(), "/orders".into()).await);
    statuses.push(
        measure(
            format!("`GET /orders/{order_no}`"),
            format!("/orders/{order_no}"),
        )
        .await,
    );
    statuses.push(
        measure(
            format!("`?q={common}` (name, {common_count} orders)"),
            q(&common),
        )
        .await,
    );
    statuses.push(measure(format!("`?q={rare}` (name, {rare_count} orders)"), q(&rare)).await);
    statuses.push(measure(format!("`?q={tail}` (phone tail)"), q(&tail)).await);
    statuses.push(measure("`GET /orders/counts`".into(), "/orders/counts".into()).await);

    // Mixed searches on the same long-lived connections: common and rare, short and long.
    let mixed = [
        common.clone(),
        rare.clone(),
        "张".into(),
        "伟".into(),
        tail.clone(),
        "长沙".into(),
        "有限公司".into(),
        rare.chars().take(2).collect(),
    ];
    let mut times = Vec::new();
    let mut cut = 0;
    for i in 0..runs * 2 {
        let (t, status) = get(q(&mixed[i % mixed.len()])).await;
        if status == 422 {
            cut += 1;
        }
        times.push(t);
    }
    row(
        &format!(
            "mixed searches ({} kinds, {cut} answered \"type more\")",
            mixed.len()
        ),
        &times,
    );

    // A clerk paging while twenty others search.
    let stop = Arc::new(AtomicBool::new(false));
    let mut searchers = Vec::new();
    for i in 0..20 {
        let get = get.clone();
        let stop = stop.clone();
        let texts = mixed.clone();
        searchers.push(tokio::spawn(async move {
            let mut n = i;
            let mut done = 0_u64;
            while !stop.load(Ordering::Relaxed) {
                get(format!("/orders?q={}", urlencode(&texts[n % texts.len()]))).await;
                n += 1;
                done += 1;
            }
            done
        }));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut times = Vec::new();
    let started = Instant::now();
    for _ in 0..runs {
        times.push(get("/orders".into()).await.0);
    }
    let window = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let mut searched = 0;
    for s in searchers {
        searched += s.await.unwrap_or(0);
    }
    row(
        &format!(
            "first page while 20 clients search ({:.0} searches/s meanwhile)",
            searched as f64 / window.as_secs_f64()
        ),
        &times,
    );
    for (name, status) in statuses {
        if status != 200 {
            println!("  note: {name} answered {status}");
        }
    }
    platform.shutdown().await.expect("shutdown");
}

/// The same order fetched by number with bare sqlx on its own connection.
async fn bare_lookup(url: &str, order_no: &str, runs: usize) -> Vec<Duration> {
    let pool = sqlx::AnyPool::connect(url).await.expect("bare connection");
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let _: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT order_no, applicant_name, status FROM orders WHERE order_no = $1",
        )
        .bind(order_no)
        .fetch_all(&pool)
        .await
        .expect("bare lookup");
        times.push(started.elapsed());
    }
    pool.close().await;
    times
}

fn row(name: &str, times: &[Duration]) {
    let mut sorted = times.to_vec();
    sorted.sort();
    let at = |p: f64| {
        sorted
            .get(((sorted.len() as f64 - 1.0) * p).round() as usize)
            .copied()
            .unwrap_or_default()
    };
    println!(
        "| {name} | {:.2} ms | {:.2} ms |",
        at(0.5).as_secs_f64() * 1000.0,
        at(0.99).as_secs_f64() * 1000.0
    );
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
