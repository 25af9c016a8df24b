//! Order creation through the HTTP API against the same rows written as bare SQLite
//! inserts, on this machine. `cargo bench --bench order_create` (set `BENCH_ORDERS` to
//! change the count, default 2000; `BENCH_SQLITE_SYNC=normal` to measure with SQLite's
//! `synchronous = NORMAL` instead of the default `FULL`, on both sides).

use std::time::{Duration, Instant};

use ca_counter::api::{Applicant, Client, MailingAddress, NewCustomer, NewOrder};
use ca_counter::config::PlatformConfig;
use ca_counter::config::SqliteSynchronous as Durability;
use ca_counter::domain::{RoleSet, UserType};
use ca_counter::i18n::Lang;
use ca_counter::server::Platform;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

/// The durability measured: `BENCH_SQLITE_SYNC=normal`, else the platform's default.
fn durability() -> Durability {
    match std::env::var("BENCH_SQLITE_SYNC").as_deref() {
        Ok("normal") => Durability::Normal,
        _ => Durability::Full,
    }
}

fn main() {
    let orders: usize = std::env::var("BENCH_ORDERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        let dir = tempfile::tempdir().expect("temp dir");
        println!(
            "order creation, {orders} orders, SQLite (WAL, synchronous = {}) in {}",
            durability().as_str(),
            dir.path().display()
        );
        let sequential = http(&dir.path().join("http1.db"), orders, 1).await;
        let concurrent = http(&dir.path().join("http8.db"), orders, 8).await;
        let bare = bare_inserts(&dir.path().join("bare.db"), orders).await;
        let report = |name: &str, d: Duration| {
            let rate = orders as f64 / d.as_secs_f64();
            println!(
                "{name:<46} {rate:>9.0} orders/s  ({:.3} ms each)",
                d.as_secs_f64() * 1000.0 / orders as f64
            );
            rate
        };
        let seq = report("HTTP POST /api/v1/orders, 1 client", sequential);
        let conc = report("HTTP POST /api/v1/orders, 8 concurrent clients", concurrent);
        let raw = report("bare INSERT INTO orders, 1 transaction each", bare);
        println!(
            "ratio bare / HTTP: {:.1}x (1 client), {:.1}x (8 clients)",
            raw / seq,
            raw / conc
        );
    });
}

async fn http(db: &std::path::Path, orders: usize, clients: usize) -> Duration {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("sqlite://{}", db.display());
    let config = PlatformConfig {
        sqlite_synchronous: durability(),
        ..PlatformConfig::default()
    };
    let platform = Platform::start(config, &url, listener)
        .await
        .expect("platform");
    let roles = RoleSet::parse("clerk").expect("roles");
    let (_, token) = platform
        .store()
        .add_operator("bench", &roles)
        .await
        .expect("operator");
    let client = Client::new(&platform.base_url(), &token, Lang::En).expect("client");
    let customer = client
        .create_customer(&NewCustomer {
            phone: "13800000000".into(),
            name: "压测".into(),
        })
        .await
        .expect("customer");
    let projects = client.projects("").await.expect("projects");
    let product = projects[0]
        .products
        .iter()
        .find(|p| p.user_type == UserType::Individual)
        .expect("product")
        .id
        .clone();
    let body = NewOrder {
        customer_id: customer.id,
        product_id: product,
        applicant: Applicant {
            name: "张三".into(),
            id_number: "11010519491231002X".into(),
            phone: "13800000000".into(),
            email: None,
        },
        organization: None,
        mailing: MailingAddress {
            recipient: "张三".into(),
            phone: "13800000000".into(),
            province: "湖南省".into(),
            city: "长沙市".into(),
            district: "岳麓区".into(),
            street: "麓山南路 932 号".into(),
            postal_code: "410083".into(),
        },
        note: None,
        application_ref: None,
        terms_version: None,
    };
    let started = Instant::now();
    let per_client = orders / clients;
    let mut tasks = Vec::new();
    for c in 0..clients {
        let client = client.clone();
        let body = body.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..per_client {
                client
                    .create_order(&format!("bench-{c}-{i}"), &body)
                    .await
                    .expect("create");
            }
        }));
    }
    for task in tasks {
        task.await.expect("join");
    }
    let elapsed = started.elapsed();
    platform.shutdown().await.expect("shutdown");
    elapsed
}

async fn bare_inserts(db: &std::path::Path, orders: usize) -> Duration {
    // Same schema (migrations via the store), then plain inserts of the same order row.
    let url = format!("sqlite://{}", db.display());
    let store = ca_counter::server::store::Store::open(&url, 2)
        .await
        .expect("store");
    store
        .import_catalog(&ca_counter::server::catalog::demo_catalog())
        .await
        .expect("db")
        .expect("catalog");
    let (operator, _) = store
        .add_operator("bench", &RoleSet::parse("clerk").expect("roles"))
        .await
        .expect("operator");
    let product: (String, String) = sqlx::query_as("SELECT id, project_id FROM products LIMIT 1")
        .fetch_one(store.pool())
        .await
        .expect("product");
    store.close().await;
    let options = SqliteConnectOptions::new()
        .filename(db)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(match durability() {
            Durability::Full => SqliteSynchronous::Full,
            Durability::Normal => SqliteSynchronous::Normal,
        });
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .expect("pool");
    sqlx::query("INSERT INTO customers (id, phone, name, created_at) VALUES ('c', '13800000000', '压测', 0)")
        .execute(&pool)
        .await
        .expect("customer");
    let applicant = r#"{"name":"张三","id_number":"11010519491231002X","phone":"13800000000"}"#;
    let mailing = r#"{"recipient":"张三","phone":"13800000000","province":"湖南省","city":"长沙市","district":"岳麓区","street":"麓山南路 932 号","postal_code":"410083"}"#;
    let started = Instant::now();
    for i in 0..orders {
        let mut tx = pool.begin().await.expect("begin");
        sqlx::query(
            "INSERT INTO orders (id, order_no, status, version, user_type, customer_id, product_id, project_id, \
             amount_fen, applicant_name, display_name, phone, id_number, applicant_json, mailing_json, submitted_by, \
             created_at, updated_at) VALUES ($1, $2, 'pending_payment', 1, 'individual', 'c', $3, $4, 20000, '张三', \
             '张三', '13800000000', '11010519491231002X', $5, $6, $7, 0, 0)",
        )
        .bind(uuid::Uuid::now_v7().to_string())
        .bind(format!("HN20261128{:06}", i + 1))
        .bind(&product.0)
        .bind(&product.1)
        .bind(applicant)
        .bind(mailing)
        .bind(&operator.id)
        .execute(&mut *tx)
        .await
        .expect("insert");
        tx.commit().await.expect("commit");
    }
    started.elapsed()
}
