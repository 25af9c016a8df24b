//! Shared test helpers: a real platform on an ephemeral port with a fresh database
//! (a SQLite temp file, or a new PostgreSQL database on the server `CA_COUNTER_TEST_PG`
//! names), operators for every role, and shortcuts for common steps.
#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};

use ca_counter::api::{
    ActionRequest, Applicant, AttachmentKind, Client, Customer, MailingAddress, NewCustomer,
    NewOrder, Order, Organization,
};
use ca_counter::config::PlatformConfig;
use ca_counter::domain::{Action, RoleSet, UserType};
use ca_counter::i18n::Lang;
use ca_counter::server::Platform;
use ca_counter::server::store::Store;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// A fresh database for one test.
pub struct TestDb {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    pub async fn create(db: Db) -> TestDb {
        match db {
            Db::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                TestDb {
                    url,
                    cleanup: Cleanup::File(dir),
                }
            }
            Db::Postgres => {
                // A schema of its own in the server's database, named first on the
                // search path of every connection the test makes: a database per test
                // made the server create and delete some 300 files each time, a third
                // of the suite's time.
                let admin_url = std::env::var("CA_COUNTER_TEST_PG")
                    .expect("CA_COUNTER_TEST_PG must name a PostgreSQL server for this test");
                let name = format!("cacounter_test_{}", uuid::Uuid::now_v7().simple());
                let mut conn = sqlx_pg_connect(&admin_url).await;
                sqlx::query(&format!("CREATE SCHEMA {name}"))
                    .execute(&mut conn)
                    .await
                    .expect("create test schema");
                let separator = if admin_url.contains('?') { '&' } else { '?' };
                TestDb {
                    url: format!("{admin_url}{separator}options[search_path]={name}"),
                    cleanup: Cleanup::Postgres { admin_url, name },
                }
            }
        }
    }

    pub async fn drop_database(self) {
        if let Cleanup::Postgres { admin_url, name } = self.cleanup {
            let mut conn = sqlx_pg_connect(&admin_url).await;
            // A connection a killed platform left holding a lock must not hang the suite:
            // a schema left behind is dropped by the next `.ci/run`.
            let _ = sqlx::query("SET lock_timeout = '10s'")
                .execute(&mut conn)
                .await;
            let _ = sqlx::query(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"))
                .execute(&mut conn)
                .await;
        }
    }
}

async fn sqlx_pg_connect(url: &str) -> sqlx::PgConnection {
    use sqlx::Connection;
    sqlx::PgConnection::connect(url)
        .await
        .expect("connect to CA_COUNTER_TEST_PG")
}

/// A running platform with one operator per role.
pub struct TestApp {
    pub platform: Option<Platform>,
    pub db: Option<TestDb>,
    pub base: String,
    pub admin: String,
    pub clerk: String,
    pub clerk2: String,
    pub reviewer: String,
    pub reviewer2: String,
    pub clerk_reviewer: String,
    pub support: String,
    pub mailroom: String,
    pub finance: String,
    pub http: reqwest::Client,
}

static PHONE: AtomicU32 = AtomicU32::new(0);

/// A mobile number no other test of this process uses.
pub fn unique_phone() -> String {
    let n = PHONE.fetch_add(1, Ordering::Relaxed) + std::process::id() % 1000 * 10_000;
    format!("139{:08}", n % 100_000_000)
}

impl TestApp {
    pub async fn spawn(db: Db) -> TestApp {
        Self::spawn_with(db, PlatformConfig::default()).await
    }

    pub async fn spawn_with(db: Db, config: PlatformConfig) -> TestApp {
        ca_counter::api::install_tls_provider();
        // `CA_COUNTER_TEST_LOG=info` (an env filter): what the platforms log, with each
        // test's output, to see why a test failed.
        if let Ok(filter) = std::env::var("CA_COUNTER_TEST_LOG") {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
                .with_test_writer()
                .try_init();
        }
        let db = TestDb::create(db).await;
        seed_sandbox_key(&db.url).await;
        let platform = start(&db.url, config).await;
        let store = platform.store().clone();
        let add = |name: &'static str, roles: &'static str| {
            let store = store.clone();
            async move {
                let roles = RoleSet::parse(roles).expect("roles");
                store
                    .add_operator(name, &roles)
                    .await
                    .expect("add operator")
                    .1
            }
        };
        TestApp {
            base: platform.base_url(),
            admin: add("admin", "admin").await,
            clerk: add("clerk-li", "clerk").await,
            clerk2: add("clerk-wang", "clerk").await,
            reviewer: add("reviewer-zhao", "reviewer").await,
            reviewer2: add("reviewer-qian", "reviewer").await,
            clerk_reviewer: add("clerk-reviewer-sun", "clerk,reviewer").await,
            support: add("support-zhou", "support").await,
            mailroom: add("mailroom-wu", "mailroom").await,
            finance: add("finance-zheng", "finance").await,
            platform: Some(platform),
            db: Some(db),
            http: reqwest::Client::new(),
        }
    }

    pub fn store(&self) -> &Store {
        self.platform.as_ref().expect("running").store()
    }

    pub fn client(&self, token: &str) -> Client {
        // One pool per platform: a client of its own would read the system's root
        // certificates again (a twentieth of the suite's CPU) and open new connections.
        Client::with_http(self.http.clone(), &self.base, token, Lang::En)
    }

    /// The page at `url` (a full address, as a text message gives it), as a phone with no
    /// session reads it.
    pub async fn html(&self, url: &str) -> String {
        self.http
            .get(url)
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("html")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Stops the platform and drops the database.
    pub async fn finish(mut self) {
        if let Some(platform) = self.platform.take() {
            platform.shutdown().await.expect("clean shutdown");
        }
        if let Some(db) = self.db.take() {
            db.drop_database().await;
        }
    }

    /// A customer with a fresh phone number, created by a clerk.
    pub async fn customer(&self, name: &str) -> Customer {
        self.client(&self.clerk)
            .create_customer(&NewCustomer {
                phone: unique_phone(),
                name: name.into(),
            })
            .await
            .expect("create customer")
    }

    /// The first product of the first project for `user_type`.
    pub async fn product(&self, user_type: UserType) -> String {
        let projects = self
            .client(&self.clerk)
            .projects("")
            .await
            .expect("projects");
        projects[0]
            .products
            .iter()
            .find(|p| p.user_type == user_type)
            .expect("a product")
            .id
            .clone()
    }

    /// A valid individual application for a new customer.
    pub async fn new_order_body(&self, name: &str) -> NewOrder {
        let customer = self.customer(name).await;
        let product_id = self.product(UserType::Individual).await;
        let phone = self
            .store()
            .customer(&customer.id)
            .await
            .expect("db")
            .expect("customer")
            .phone;
        NewOrder {
            customer_id: customer.id,
            product_id,
            applicant: Applicant {
                name: name.into(),
                id_number: "11010519491231002X".into(),
                phone: phone.clone(),
                email: Some("zhangsan@example.com".into()),
            },
            organization: None,
            mailing: MailingAddress {
                recipient: name.into(),
                phone,
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

    /// An organisation application body for a new customer.
    pub async fn new_org_order_body(&self, name: &str) -> NewOrder {
        let mut body = self.new_order_body(name).await;
        body.product_id = self.product(UserType::Organization).await;
        body.organization = Some(Organization {
            name: "湖南某某建设有限公司".into(),
            uscc: "91110000600037341L".into(),
            legal_representative: "李四".into(),
        });
        body
    }

    /// Submits an order as `token` (a clerk by default).
    pub async fn submit_as(&self, token: &str, name: &str) -> Order {
        let body = self.new_order_body(name).await;
        self.client(token)
            .create_order(&uuid::Uuid::now_v7().to_string(), &body)
            .await
            .expect("create order")
    }

    pub async fn submit(&self, name: &str) -> Order {
        self.submit_as(&self.clerk, name).await
    }

    /// Sends a transfer's voucher (`bytes`, a JPEG) for an order waiting for one, as the
    /// clerk does: the file, then `upload_voucher` with it. The order, now in review.
    pub async fn send_voucher(&self, order: &Order, bytes: Vec<u8>) -> Order {
        let file = self
            .client(&self.clerk)
            .upload_attachment(
                &order.order_no,
                ca_counter::api::AttachmentKind::Voucher,
                "voucher.jpg",
                bytes,
            )
            .await
            .expect("voucher upload");
        let with_voucher = ca_counter::api::ActionRequest {
            attachment_ids: vec![file.id],
            ..Default::default()
        };
        self.act(
            &self.clerk,
            order,
            ca_counter::domain::Action::UploadVoucher,
            with_voucher,
        )
        .await
    }

    /// `order` put to bank transfer by the counter: it waits for the transfer's voucher.
    pub async fn by_transfer(&self, order: &Order) -> Order {
        self.client(&self.clerk)
            .act(
                &order.order_no,
                Action::ChooseBankTransfer,
                &ActionRequest {
                    version: Some(order.version),
                    ..Default::default()
                },
            )
            .await
            .expect("by transfer")
    }

    /// `order` returned by the reviewer for `reasons` (claimed first).
    pub async fn returned(&self, order: &Order, reasons: &[&str]) -> Order {
        self.act(
            &self.reviewer,
            order,
            Action::Reject,
            ca_counter::api::ActionRequest {
                reasons: reasons.iter().map(|r| (*r).to_owned()).collect(),
                ..Default::default()
            },
        )
        .await
    }

    /// Sends a returned order back to review as the counter does: a rescanned form as its
    /// correction, then `resubmit`.
    pub async fn resubmitted(&self, order: &Order) -> Order {
        let clerk = self.client(&self.clerk);
        let correction = clerk
            .upload_attachment(
                &order.order_no,
                ca_counter::api::AttachmentKind::Correction,
                "rescanned.png",
                scan_png(620, 880),
            )
            .await
            .expect("a correction");
        clerk
            .act(
                &order.order_no,
                Action::Resubmit,
                &ca_counter::api::ActionRequest {
                    version: Some(order.version),
                    attachment_ids: vec![correction.id],
                    ..Default::default()
                },
            )
            .await
            .expect("back to review")
    }

    /// Pays an order through the sandbox cashier, as the customer's phone would.
    pub async fn pay(&self, order: &Order) -> Order {
        let payment = self
            .client(&self.clerk)
            .create_payment(&order.order_no, "sandbox")
            .await
            .expect("create payment");
        let page = ca_counter::api::PhonePage::open(&self.http, &payment.pay_url)
            .await
            .expect("cashier page");
        assert_eq!(page.status, 200);
        let paid = page.submit(&self.http, &[]).await.expect("pay");
        assert_eq!(
            paid.status(),
            200,
            "{}",
            paid.text().await.unwrap_or_default()
        );
        self.client(&self.clerk)
            .order(&order.order_no, false)
            .await
            .expect("order")
    }

    /// Performs `action` as `token` with the order's current version (claiming the order
    /// first for a review decision, as a reviewer opening it does).
    pub async fn act(
        &self,
        token: &str,
        order: &Order,
        action: Action,
        request: ActionRequest,
    ) -> Order {
        let mut version = order.version;
        if action == Action::Approve && self.ready_for_approval(order).await {
            version = self
                .client(&self.admin)
                .order(&order.order_no, false)
                .await
                .expect("order")
                .version;
        }
        let request = ActionRequest {
            version: Some(version),
            ..request
        };
        if matches!(action, Action::Approve | Action::Reject) {
            self.client(token)
                .claim(&order.order_no, false)
                .await
                .unwrap_or_else(|e| panic!("claim {}: {e}", order.order_no));
        }
        self.client(token)
            .act(&order.order_no, action, &request)
            .await
            .unwrap_or_else(|e| panic!("{action} on {}: {e}", order.order_no))
    }
}

impl TestApp {
    /// Verifies `customer_id` as the counter does: a real-name code, answered on the
    /// customer's phone page as `name` with `id_number`.
    pub async fn verify_customer(&self, customer_id: &str, name: &str, id_number: &str) {
        let session = self
            .client(&self.clerk)
            .create_realname_session(customer_id)
            .await
            .expect("real-name session");
        let url = session.url.expect("url");
        let form = [("name", name), ("id_number", id_number), ("consent", "yes")];
        let page = ca_counter::api::submit_phone_form(&self.http, &url, &form)
            .await
            .expect("post")
            .text()
            .await
            .expect("page");
        assert!(page.contains("实名认证成功"), "{page}");
    }

    /// Gives `order` what an approval needs, as the counter would have: the customer
    /// verified as its applicant on the phone page (unless verified already, perhaps as
    /// someone else, which the test then means), and a scan of the signed form. True when
    /// it had to add something.
    pub async fn ready_for_approval(&self, order: &Order) -> bool {
        let admin = self.client(&self.admin);
        let full = admin.order(&order.order_no, true).await.expect("order");
        let customer = self
            .store()
            .customer(&full.customer_id)
            .await
            .expect("db")
            .expect("customer");
        let mut added = false;
        if customer.realname_verified_at.is_none() {
            added = true;
            self.verify_customer(
                &full.customer_id,
                &full.applicant.name,
                &full.applicant.id_number,
            )
            .await;
        }
        let signed = full.attachments.iter().any(|a| {
            matches!(
                a.kind,
                AttachmentKind::SignedForm | AttachmentKind::Correction
            )
        });
        if !signed {
            self.client(&self.clerk)
                .upload_attachment(
                    &order.order_no,
                    AttachmentKind::SignedForm,
                    "signed.png",
                    scan_png(300, 390),
                )
                .await
                .expect("the signed form");
            added = true;
        }
        added
    }
}

/// Gives a fresh database the sandbox cashier's signing key before its first platform
/// starts. Making a 2048-bit RSA key costs a tenth of a second of CPU or more, and
/// every test starts a platform: one key per test process is made the platform's way
/// (`Signer::generate`) and shared. Platforms started without [`TestApp`] still make
/// their own.
async fn seed_sandbox_key(url: &str) {
    static PEM: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let pem = PEM.get_or_init(|| {
        ca_counter::server::payments::rsa2::Signer::generate()
            .and_then(|signer| signer.private_pem())
            .expect("sandbox key")
    });
    let store = Store::open(url, 2).await.expect("open the test database");
    store
        .provider_key("sandbox", || Some(pem.clone()))
        .await
        .expect("store the sandbox key");
    store.close().await;
}

async fn start(url: &str, config: PlatformConfig) -> Platform {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    Platform::start(config, url, listener)
        .await
        .expect("platform starts")
}

/// A second platform instance on the same database (for multi-instance tests).
pub async fn second_instance(url: &str) -> Platform {
    start(url, PlatformConfig::default()).await
}

/// A second platform instance on the same database with its own configuration.
pub async fn second_instance_with(url: &str, config: PlatformConfig) -> Platform {
    start(url, config).await
}

/// Runs each named scenario `async fn name(db: Db)` on SQLite and on PostgreSQL. Without
/// `CA_COUNTER_TEST_PG` the PostgreSQL variants are reported as ignored, with the reason.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    super::$name($crate::common::Db::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                #[cfg_attr(not(pg_tests), ignore = "PostgreSQL suite NOT RUN: set CA_COUNTER_TEST_PG=postgres://postgres@127.0.0.1:5432/postgres")]
                async fn $name() {
                    super::$name($crate::common::Db::Postgres).await
                }
            )*
        }
    };
}
pub mod alipay;
pub mod aliyun_sms;
pub mod customer;
pub mod kuaidi100;

/// A real PNG scan, `width`×`height`: white paper with a dark band where the signature is.
/// The first page of `pdf`, printed and scanned at 120 dpi (pdftoppm), as a PNG.
pub fn scanned(pdf: &[u8]) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("paper.pdf");
    std::fs::write(&path, pdf).expect("write pdf");
    let out = dir.path().join("page");
    let status = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "120", "-singlefile"])
        .arg(&path)
        .arg(&out)
        .status()
        .expect("pdftoppm (poppler-utils) must be installed");
    assert!(status.success());
    std::fs::read(out.with_extension("png")).expect("png")
}

pub fn scan_png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |_, y| {
        if y > height * 3 / 4 && y < height * 4 / 5 {
            image::Rgb([30, 30, 40])
        } else {
            image::Rgb([250, 250, 245])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("encode png");
    out.into_inner()
}

/// A real JPEG photo of a voucher, `width`×`height`.
pub fn voucher_jpeg(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 180])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("encode jpeg");
    out.into_inner()
}

/// A real PDF of `pages` empty A4 pages, objects and cross-reference table written out;
/// `padding` bytes of comment make it as large as a test needs.
pub fn scan_pdf(pages: usize, padding: usize) -> Vec<u8> {
    pdf_with_catalog("<< /Type /Catalog /Pages 2 0 R >>", pages, padding)
}

/// A one-page PDF that runs a script when opened (as an attacker would upload one).
pub fn scripted_pdf() -> Vec<u8> {
    pdf_with_catalog(
        "<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>",
        1,
        0,
    )
}

fn pdf_with_catalog(catalog: &str, pages: usize, padding: usize) -> Vec<u8> {
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", i + 3)).collect();
    let mut objects = vec![
        catalog.to_owned(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            kids.join(" ")
        ),
    ];
    objects.extend(
        (0..pages).map(|_| "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>".to_owned()),
    );
    let mut pdf = b"%PDF-1.7\n".to_vec();
    for _ in 0..padding / 64 {
        pdf.extend_from_slice(&[b'%'; 63]);
        pdf.push(b'\n');
    }
    let objects: Vec<Vec<u8>> = objects.into_iter().map(String::into_bytes).collect();
    pdf_objects(pdf, &objects)
}

/// `pdf` (its header written) with `objects` numbered from 1 after it, the first the
/// catalog, then the cross-reference table and the trailer.
pub fn pdf_objects(mut pdf: Vec<u8>, objects: &[Vec<u8>]) -> Vec<u8> {
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend(format!("{} 0 obj\n", i + 1).bytes());
        pdf.extend_from_slice(body);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    let xref = pdf.len();
    pdf.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
    for offset in offsets {
        pdf.extend(format!("{offset:010} 00000 n \n").bytes());
    }
    pdf.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .bytes(),
    );
    pdf
}

/// `n` in Chinese numerals, digit by digit (`12` → `一二`), for names told apart by a
/// number: a person's name holds letters, not digits.
pub fn han(n: impl std::fmt::Display) -> String {
    n.to_string()
        .chars()
        .map(|c| {
            c.to_digit(10)
                .and_then(|d| "〇一二三四五六七八九".chars().nth(d as usize))
                .unwrap_or(c)
        })
        .collect()
}
