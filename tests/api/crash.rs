//! `kill -9` in the middle of a rush: 24 counters create orders at once, each with its own
//! idempotency keys; the platform process is killed without warning, started again on the
//! same database, and every key that got no answer is sent again. Nothing acknowledged is
//! lost, nothing is created twice, and every order has its history and its event.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ca_counter::api::{Applicant, Client, MailingAddress, NewOrder};
use ca_counter::domain::{RoleSet, UserType};
use ca_counter::i18n::Lang;
use ca_counter::server::store::Store;

use crate::common::{Db, TestDb};
use crate::on_both_databases;

on_both_databases!(a_platform_killed_mid_rush_loses_and_doubles_nothing);

const BIN: &str = env!("CARGO_BIN_EXE_ca-counter");
const COUNTERS: usize = 24;
const KEYS_EACH: usize = 12;

/// `ca-counter serve` on `url`; the process and its base URL once it listens.
fn serve(url: &str, data: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("CA_COUNTER_DATABASE_URL", url)
        .env("CA_COUNTER_DATA_DIR", data)
        .env_remove("CA_COUNTER_CONFIG")
        .env("XDG_CONFIG_HOME", data.join("config"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn serve");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(rest) = line.split(" on http://").nth(1) {
                let address = rest.split_whitespace().next().unwrap_or_default();
                let _ = tx.send(format!("http://{address}"));
            }
        }
    });
    let base = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("serve says where it listens");
    (child, base)
}

fn body(customer_id: &str, product_id: &str, phone: &str, key: &str) -> NewOrder {
    NewOrder {
        customer_id: customer_id.into(),
        product_id: product_id.into(),
        applicant: Applicant {
            name: "张三".into(),
            id_number: "11010519491231002X".into(),
            phone: phone.into(),
            email: None,
        },
        organization: None,
        mailing: MailingAddress {
            recipient: "张三".into(),
            phone: phone.into(),
            province: "湖南省".into(),
            city: "长沙市".into(),
            district: "岳麓区".into(),
            street: "麓山南路 932 号".into(),
            postal_code: "410083".into(),
        },
        // The key travels in the order, so the database says which key made which order.
        note: Some(key.into()),
        application_ref: None,
        terms_version: None,
        amount_fen: None,
    }
}

async fn a_platform_killed_mid_rush_loses_and_doubles_nothing(db: Db) {
    ca_counter::api::install_tls_provider();
    let database = TestDb::create(db).await;
    let data = tempfile::tempdir().expect("data dir");
    // The catalog and an operator, as an administrator would set them up.
    let (child, base) = serve(&database.url, data.path());
    let store = Store::open(&database.url, 2).await.expect("store");
    let (_, token) = store
        .add_operator("crash-clerk", &RoleSet::parse("clerk").expect("roles"))
        .await
        .expect("operator");
    let client = Client::new(&base, &token, Lang::En).expect("client");
    let product = client
        .projects("")
        .await
        .expect("projects")
        .into_iter()
        .flat_map(|p| p.products)
        .find(|p| p.user_type == UserType::Individual)
        .expect("a product")
        .id;
    let mut customers = Vec::new();
    for i in 0..COUNTERS {
        let phone = format!("1370000{i:04}");
        let customer = client
            .create_customer(&ca_counter::api::NewCustomer {
                phone: phone.clone(),
                name: "张三".into(),
            })
            .await
            .expect("customer");
        customers.push((customer.id, phone));
    }
    let acknowledged: Arc<Mutex<HashMap<String, String>>> = Arc::default();
    let mut counters = Vec::new();
    for (i, (customer, phone)) in customers.iter().cloned().enumerate() {
        let (base, token, product) = (base.clone(), token.clone(), product.clone());
        let acknowledged = acknowledged.clone();
        counters.push(tokio::spawn(async move {
            let client = Client::new(&base, &token, Lang::En).expect("client");
            for k in 0..KEYS_EACH {
                let key = format!("crash-{i}-{k}");
                let order = body(&customer, &product, &phone, &key);
                match client.create_order(&key, &order).await {
                    Ok(made) => {
                        if let Ok(mut acked) = acknowledged.lock() {
                            acked.insert(key, made.order_no.to_string());
                        }
                    }
                    // The platform is gone: the rest of this counter's keys are unanswered.
                    Err(_) => return,
                }
            }
        }));
    }
    // Let the rush get going, then kill the platform without warning.
    let started = Instant::now();
    while acknowledged.lock().map(|a| a.len()).unwrap_or(0) < COUNTERS * KEYS_EACH / 4 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the rush never started"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let mut child = child;
    let _ = Command::new("kill")
        .args(["-9", &child.id().to_string()])
        .status();
    let _ = child.wait();
    for counter in counters {
        let _ = counter.await;
    }
    let acked = acknowledged.lock().map(|a| a.clone()).unwrap_or_default();
    assert!(
        acked.len() < COUNTERS * KEYS_EACH,
        "the kill came after every order; nothing was tested"
    );

    // Started again on the same database; every key is sent (again).
    let (mut child, base) = serve(&database.url, data.path());
    let client = Client::new(&base, &token, Lang::En).expect("client");
    for (i, (customer, phone)) in customers.iter().enumerate() {
        for k in 0..KEYS_EACH {
            let key = format!("crash-{i}-{k}");
            let made = client
                .create_order(&key, &body(customer, &product, phone, &key))
                .await
                .unwrap_or_else(|e| panic!("{key} after the restart: {e}"));
            if let Some(first) = acked.get(&key) {
                assert_eq!(
                    &made.order_no.to_string(),
                    first,
                    "{key} answered a new order"
                );
            }
        }
    }
    let _ = Command::new("kill")
        .args(["-9", &child.id().to_string()])
        .status();
    let _ = child.wait();

    // Count: one order per key, each with its submit row and its event.
    let notes: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "SELECT o.note, o.order_no, \
         (SELECT COUNT(*) FROM order_history h WHERE h.order_id = o.id AND h.action = 'submit'), \
         (SELECT COUNT(*) FROM events e WHERE e.subject_id = o.id AND e.kind = 'created') \
         FROM orders o WHERE o.note LIKE 'crash-%'",
    )
    .fetch_all(store.pool())
    .await
    .expect("orders");
    let mut seen = HashSet::new();
    let doubled: Vec<&String> = notes
        .iter()
        .filter(|n| !seen.insert(&n.0))
        .map(|n| &n.0)
        .collect();
    let lost: Vec<&String> = acked.keys().filter(|k| !seen.contains(k)).collect();
    let without_history: Vec<&String> = notes
        .iter()
        .filter(|(_, _, submits, events)| *submits != 1 || *events != 1)
        .map(|n| &n.1)
        .collect();
    assert!(doubled.is_empty(), "created twice: {doubled:?}");
    assert!(lost.is_empty(), "acknowledged and lost: {lost:?}");
    assert!(
        without_history.is_empty(),
        "without history or event: {without_history:?}"
    );
    assert_eq!(
        notes.len(),
        COUNTERS * KEYS_EACH,
        "every key made one order"
    );
    store.close().await;
    database.drop_database().await;
}
