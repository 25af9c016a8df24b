//! What the benches that run the platform as a `ca-counter serve` child share: a fresh
//! PostgreSQL database, the child process and its CPU time, and a customer's application.

#![allow(dead_code)]

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ca_counter::api::{Applicant, Client, MailingAddress, NewCustomer, NewOrder};
use ca_counter::domain::UserType;
use ca_counter::i18n::Lang;

/// The number in environment variable `name`, else `default`.
pub fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

/// A fresh PostgreSQL database on the server `admin` names, and how to drop it.
pub async fn pg_database(admin: &str, tag: &str) -> (String, impl Future<Output = ()>) {
    use sqlx::Connection;
    let name = format!("cacounter_bench_{tag}_{}", std::process::id());
    let mut conn = sqlx::PgConnection::connect(admin)
        .await
        .expect("connect to BENCH_PG");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("create the bench database");
    let (base, _) = admin.rsplit_once('/').expect("a database URL");
    let url = format!("{base}/{name}");
    let admin = admin.to_owned();
    let drop = async move {
        if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut conn)
                .await;
        }
    };
    (url, drop)
}

/// The `serve` child, stopped when dropped.
pub struct Server {
    child: Child,
    /// Where it answers, `http://127.0.0.1:port`.
    pub base: String,
    /// Its port.
    pub port: u16,
}

impl Server {
    /// Starts `ca-counter serve` on database `url` with the config file `config` (empty:
    /// the defaults) and waits until it answers. With `statements`, it logs every SQL
    /// statement it sends there.
    pub async fn start(
        url: &str,
        dir: &std::path::Path,
        config: &str,
        statements: Option<&std::path::Path>,
    ) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let config_file = dir.join("bench.toml");
        std::fs::write(&config_file, config).expect("config");
        let mut command = Command::new(env!("CARGO_BIN_EXE_ca-counter"));
        command
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .env("CA_COUNTER_DATABASE_URL", url)
            .env("CA_COUNTER_CONFIG", &config_file)
            .env("CA_COUNTER_DATA_DIR", dir)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(log) = statements {
            let file = std::fs::File::create(log).expect("statement log");
            command
                .env("RUST_LOG", "warn,sqlx::query=debug")
                .env("NO_COLOR", "1")
                .stderr(file);
        }
        let child = command.spawn().expect("start ca-counter serve");
        let server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            port,
        };
        let probe = Client::new(&server.base, "", Lang::En).expect("client");
        let started = Instant::now();
        while probe.health().await.is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the platform did not start"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        server
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// CPU time (user + system) the server has used so far.
    pub fn cpu(&self) -> Duration {
        cpu_of(self.pid())
    }

    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// CPU time (user + system) process `pid` has used, from `/proc`.
pub fn cpu_of(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces) end with `)`.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok());
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let total = ticks(11).unwrap_or(0) + ticks(12).unwrap_or(0);
    // Clock ticks are 1/100 s on Linux.
    Duration::from_millis(total * 10)
}

/// CPU time the whole machine has spent working (every core: user, system, interrupts,
/// and time the hypervisor took while a process ran, which a process's own CPU time
/// includes on a virtual machine; not idle, not waiting for the disk), from `/proc/stat`.
pub fn machine_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let ticks: Vec<u64> = stat
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .filter_map(|f| f.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal …
    let busy: u64 = [0, 1, 2, 5, 6, 7]
        .iter()
        .filter_map(|&i| ticks.get(i))
        .sum();
    Duration::from_millis(busy * 10)
}

/// How many cores the machine has.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// An application for a new customer with this phone, for the first individual product.
pub async fn order_body(client: &Client, phone: &str) -> NewOrder {
    let customer = client
        .create_customer(&NewCustomer {
            phone: phone.to_owned(),
            name: "张三".into(),
        })
        .await
        .expect("customer");
    let projects = client.projects("").await.expect("projects");
    let product_id = projects[0]
        .products
        .iter()
        .find(|p| p.user_type == UserType::Individual)
        .expect("a product")
        .id
        .clone();
    NewOrder {
        customer_id: customer.id,
        product_id,
        applicant: Applicant {
            name: "张三".into(),
            id_number: "11010519491231002X".into(),
            phone: phone.to_owned(),
            email: None,
        },
        organization: None,
        mailing: MailingAddress {
            recipient: "张三".into(),
            phone: phone.to_owned(),
            province: "湖南省".into(),
            city: "长沙市".into(),
            district: "岳麓区".into(),
            street: "麓山南路 932 号".into(),
            postal_code: "410083".into(),
        },
        note: None,
        application_ref: None,
        terms_version: None,
        amount_fen: None,
    }
}
