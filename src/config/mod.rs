//! The configuration file (TOML): where it is, what it may say, and errors that name the
//! file, line and key. One file serves the platform (`[platform]`) and, later, the TUI.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

mod providers;

pub use providers::{
    AliyunSmsConfig, IdentityConfig, IdentityProvider, InvoiceProvider, LogisticsProvider,
    MailProvider, PaymentProvider, SmsConfig, SmsProvider, SmsTemplates,
};

/// Environment variable naming the configuration file.
pub const CONFIG_ENV: &str = "CA_COUNTER_CONFIG";
/// Environment variable overriding the data directory (database, tokens, logs).
pub const DATA_DIR_ENV: &str = "CA_COUNTER_DATA_DIR";

/// The whole configuration file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The platform the TUI connects to; without `url`, the TUI runs an embedded one.
    pub server: ServerConfig,
    /// The TUI's looks and manners.
    pub ui: UiConfig,
    /// Where the TUI prints.
    pub print: PrintConfig,
    /// The platform server (`ca-counter serve`, and the embedded platform).
    pub platform: PlatformConfig,
}

/// `[server]`: which platform the TUI talks to.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// The platform's base URL, e.g. `https://ca-platform.internal`; unset runs the
    /// embedded platform.
    pub url: Option<String>,
    /// The operator's token (prefer `token_file` or `CA_COUNTER_TOKEN`).
    pub token: Option<String>,
    /// A file holding the operator's token.
    pub token_file: Option<PathBuf>,
}

/// `[ui]`: the TUI's looks and manners.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UiConfig {
    /// `zh-CN` (default) or `en`.
    pub lang: crate::i18n::Lang,
    /// Theme name: `default`, `light`, `high-contrast`, `mono`, or one of your own in the
    /// config directory's `themes/`.
    pub theme: String,
    /// Capture the mouse (click tabs and rows, scroll). Off so text can be selected.
    pub mouse: bool,
    /// Draw borders with `+-|` for terminals that draw box characters double-width.
    pub ascii_borders: bool,
    /// Everything viewable, nothing changeable (also `--read-only`).
    pub read_only: bool,
    /// How scans are drawn: `auto` (kitty, sixel or iTerm2 graphics where the terminal
    /// says it has them, half blocks elsewhere), `halfblocks`, `kitty`, `sixel`, `iterm2`.
    pub images: String,
}

/// `[print]`: how the counter prints application forms and receipts.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PrintConfig {
    /// The printer (CUPS queue) name; unset: documents are saved and their path shown.
    pub printer: Option<String>,
    /// The print command, given `-d PRINTER FILE` (default `lp`).
    pub command: Option<String>,
}

impl Default for UiConfig {
    fn default() -> Self {
        UiConfig {
            lang: crate::i18n::Lang::ZhCn,
            theme: "default".into(),
            mouse: false,
            ascii_borders: false,
            read_only: false,
            images: "auto".into(),
        }
    }
}

/// `[platform]`: the server.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PlatformConfig {
    /// Address to listen on.
    #[serde(deserialize_with = "listen_address")]
    pub listen: SocketAddr,
    /// The address phones and browsers reach this platform at; used in QR codes.
    pub public_base_url: Option<String>,
    /// `sqlite:///path/to/file.db` or `postgres://user@host/db`; default: a SQLite file in
    /// the data directory.
    pub database_url: Option<String>,
    /// Database connections per instance.
    pub max_connections: u32,
    /// Largest accepted upload, in bytes.
    pub max_upload_bytes: usize,
    /// Load the demo catalog into an empty database on start.
    pub demo_catalog: bool,
    /// How long a payment QR code stays valid, in minutes.
    pub payment_qr_minutes: i64,
    /// `alipay` (face-to-face payment, configured under `[platform.alipay]`), `sandbox`
    /// (payments are simulated by a built-in cashier page, for demos and training) or
    /// `none` (no QR payment; bank transfer only).
    pub payment_provider: PaymentProvider,
    /// The Alipay application: face-to-face payment, and identity verification.
    pub alipay: Option<AlipayConfig>,
    /// The CA's account for bank transfers.
    pub bank: BankConfig,
    /// Unpaid orders (待支付, 待上传凭证) close by themselves after this many hours.
    pub unpaid_close_hours: i64,
    /// How often QR payments no notification has settled are asked about, in seconds.
    pub payment_check_seconds: u64,
    /// Who checks identities on the real-name page: `builtin` (a demo: ID number valid,
    /// name as registered at the counter) or `alipay` (Alipay identity verification, a face
    /// check in the Alipay app, with the application under `[platform.alipay]`).
    pub identity_provider: IdentityProvider,
    /// How an outside identity check runs.
    pub identity: IdentityConfig,
    /// How long a real-name QR code stays valid, in minutes.
    pub realname_minutes: i64,
    /// The CA's name on printed documents.
    pub ca_name: String,
    /// The service hotline printed on receipts.
    pub hotline: String,
    /// The CA's QQ number for support, under every customer page ("" for none).
    pub support_qq: String,
    /// Another telephone for support (an office line), under every customer page ("" for
    /// none).
    pub support_phone: String,
    /// A font asked first for characters the built-in font lacks (rare ideographs).
    pub pdf_font: Option<PathBuf>,
    /// A text file with the application terms to show at the counter (default: built in).
    pub terms_file: Option<PathBuf>,
    /// The version of those terms, recorded with each order.
    pub terms_version: String,
    /// The review promise, working hours and claims.
    pub review: ReviewConfig,
    /// How customers are told by SMS: `log` (a demo: messages are kept for an
    /// administrator to read at `GET /api/v1/sms`) or `aliyun` (`[platform.sms.aliyun]`).
    pub sms_provider: SmsProvider,
    /// The SMS outbox: retries, and the Aliyun gateway.
    pub sms: SmsConfig,
    /// Carriers, tracking and the customer's invoice link.
    pub mailing: MailingConfig,
    /// Invoices: the seller, the tax, who issues them and how they are e-mailed.
    pub invoice: InvoiceConfig,
    /// How long one database statement may run before it is cut (PostgreSQL), in seconds.
    pub statement_timeout_seconds: u64,
    /// How long a statement may wait for a lock (PostgreSQL) or for the write lock
    /// (SQLite) before it gives up, in seconds.
    pub lock_timeout_seconds: u64,
    /// How long a request waits for a database connection (the pool busy, or the
    /// database away) before it answers 503 with Retry-After, in seconds.
    pub connection_wait_seconds: u64,
    /// Database connections kept for order searches, apart from `max_connections`, so a
    /// broad search never makes a page or an action wait; default: the number of cores
    /// (at least 2, at most 16).
    pub search_connections: Option<u32>,
    /// How long one search may look before it answers with what it found, or, having
    /// found nothing, "too many orders match: type more", in milliseconds.
    pub search_budget_ms: u64,
    /// How many candidate orders one search may look at before it answers the same way.
    pub search_budget_rows: usize,
    /// Sign-in codes one client address (an IPv6 client: its /64) may have sent in an
    /// hour, to any numbers (each number has its own limits too); 0 for no limit.
    pub sign_in_codes_per_address_hour: u32,
    /// Connections and their timeouts.
    pub http: HttpConfig,
    /// How uploaded PDFs are checked: each in a process of its own, bounded.
    pub upload_check: UploadCheckConfig,
    /// How SQLite makes a commit durable: `full` (the default: an acknowledged order or
    /// payment survives a power cut — each commit waits for the disk) or `normal` (faster;
    /// a power cut may lose the last commits, a killed process loses nothing).
    pub sqlite_synchronous: SqliteSynchronous,
}

/// SQLite's `synchronous` setting in WAL mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SqliteSynchronous {
    /// Every commit is on the disk before it is acknowledged.
    Full,
    /// Commits reach the disk at checkpoints: a power cut can lose the last ones.
    Normal,
}

impl SqliteSynchronous {
    /// The pragma's value.
    pub fn as_str(self) -> &'static str {
        match self {
            SqliteSynchronous::Full => "FULL",
            SqliteSynchronous::Normal => "NORMAL",
        }
    }
}

/// `[platform.http]`: what keeps clients from holding the platform's connections.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpConfig {
    /// A client must send its request head within this many seconds; an HTTP/1 connection
    /// idle this long between requests is closed too.
    pub header_timeout_seconds: u64,
    /// A request body that sends nothing for this many seconds is cut.
    pub body_idle_timeout_seconds: u64,
    /// After `body_idle_timeout_seconds`, a request body must have come at least this fast
    /// on average (bytes a second), or it is cut: a body trickled a few bytes at a time
    /// cannot hold a connection (2 KiB/s, a weak rural uplink's, lets a 10 MB photo take
    /// eighty minutes).
    pub body_min_bytes_per_second: u64,
    /// Connections served at once; above this, new ones are answered 503 at once. Each
    /// counter holds about two (its event stream and its requests).
    pub max_open_connections: usize,
    /// Connections one client address (an IPv6 client: its /64) may hold at once (not a
    /// trusted proxy, whose
    /// clients are many): above this its new ones are answered 503, so one address cannot
    /// take every connection the platform has.
    pub max_connections_per_client: usize,
    /// How many events an event stream may fall behind the platform before it is ended
    /// (its client resumes where it was): a slow client never slows the others.
    pub event_backlog: usize,
    /// An event stream writes at most once per this many milliseconds: what is published
    /// meanwhile goes out together, in one write (an event after a quiet spell goes at
    /// once). 0 writes every event on its own.
    pub event_batch_ms: u64,
    /// The reverse proxies in front of the platform: a request through one of them is from
    /// the address it names in `X-Forwarded-For` (for the request log and the sign-in
    /// limits); any other peer is the client itself, whatever it writes there.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            header_timeout_seconds: 15,
            body_idle_timeout_seconds: 30,
            body_min_bytes_per_second: 2 * 1024,
            max_open_connections: 4096,
            max_connections_per_client: 256,
            event_backlog: 1024,
            event_batch_ms: 25,
            trusted_proxies: vec![
                std::net::IpAddr::from([127, 0, 0, 1]),
                std::net::IpAddr::from(std::net::Ipv6Addr::LOCALHOST),
            ],
        }
    }
}

impl Default for PlatformConfig {
    fn default() -> Self {
        PlatformConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_base_url: None,
            database_url: None,
            max_connections: 10,
            max_upload_bytes: 10 * 1024 * 1024,
            demo_catalog: true,
            payment_qr_minutes: 15,
            payment_provider: PaymentProvider::Sandbox,
            alipay: None,
            bank: BankConfig::default(),
            unpaid_close_hours: 72,
            payment_check_seconds: 20,
            identity_provider: IdentityProvider::Builtin,
            identity: IdentityConfig::default(),
            realname_minutes: 10,
            ca_name: "湖南CA".into(),
            hotline: "400-668-2666".into(),
            support_qq: "4006682666".into(),
            support_phone: "0731-85172903".into(),
            pdf_font: None,
            terms_file: None,
            terms_version: "2026-12".into(),
            review: ReviewConfig::default(),
            sms_provider: SmsProvider::Log,
            sms: SmsConfig::default(),
            mailing: MailingConfig::default(),
            invoice: InvoiceConfig::default(),
            statement_timeout_seconds: 30,
            lock_timeout_seconds: 10,
            connection_wait_seconds: 5,
            search_connections: None,
            search_budget_ms: 1000,
            search_budget_rows: 4000,
            sign_in_codes_per_address_hour: 20,
            http: HttpConfig::default(),
            upload_check: UploadCheckConfig::default(),
            sqlite_synchronous: SqliteSynchronous::Full,
        }
    }
}

/// `[platform.upload_check]`: an uploaded PDF is parsed in a process of its own, so a file
/// built to exhaust the parser (a page tree without end, a stream that unpacks to
/// gigabytes) costs one bounded process, never the platform's memory or a worker for
/// minutes. Pictures are only measured, in the platform itself.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UploadCheckConfig {
    /// How long one check may take, in seconds (a scanner's 10 MB PDF takes well under
    /// one).
    pub seconds: u64,
    /// The most memory one check may take, in MiB (at least three times
    /// `max_upload_bytes` and 32 MiB more).
    pub memory_mb: usize,
    /// Checks at once per instance; more wait for a turn.
    pub at_once: usize,
    /// How long an upload waits for a turn before it is answered "busy, send it again",
    /// in seconds.
    pub wait_seconds: u64,
    /// The program run for each check (`<program> check-upload`): the running
    /// `ca-counter` itself (serving, or the platform embedded in the counter); `None`
    /// checks in the platform's own process — only for a platform started by another
    /// program (tests, benches): `serve` refuses to start without one.
    #[serde(skip)]
    pub program: Option<PathBuf>,
}

impl Default for UploadCheckConfig {
    fn default() -> Self {
        UploadCheckConfig {
            seconds: 20,
            memory_mb: 512,
            at_once: 2,
            wait_seconds: 30,
            program: None,
        }
    }
}

/// `[platform.review]`: the promise to review and mail within working days of payment,
/// what counts as working time, and how long a reviewer's claim lasts.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReviewConfig {
    /// Working days from payment to mailing that the CA promises.
    pub promise_working_days: i64,
    /// Orders are marked this many working hours before the promise runs out.
    pub warn_hours: i64,
    /// When a working day starts (`"09:00"`, China Standard Time).
    pub workday_start: ClockTime,
    /// When it ends.
    pub workday_end: ClockTime,
    /// Public holidays falling on weekdays (`"2026-10-01"`).
    pub holidays: Vec<Day>,
    /// Weekend days worked instead (调休).
    pub extra_workdays: Vec<Day>,
    /// How long opening an order for review holds it, in minutes (renewed while the
    /// reviewer works on it).
    pub claim_minutes: i64,
    /// Calendar days a returned order has to be corrected, printed on the correction
    /// notice as a date. Nothing happens by itself when they pass: the order stays
    /// returned (已驳回) and is neither reviewed nor mailed.
    pub correction_days: i64,
}

impl Default for ReviewConfig {
    fn default() -> Self {
        ReviewConfig {
            promise_working_days: 2,
            warn_hours: 4,
            workday_start: ClockTime(time::Time::from_hms(9, 0, 0).unwrap_or(time::Time::MIDNIGHT)),
            workday_end: ClockTime(time::Time::from_hms(17, 30, 0).unwrap_or(time::Time::MIDNIGHT)),
            holidays: Vec::new(),
            extra_workdays: Vec::new(),
            claim_minutes: 15,
            correction_days: 15,
        }
    }
}

impl ReviewConfig {
    /// The working calendar these settings describe.
    pub fn calendar(&self) -> crate::domain::Calendar {
        let (start, end) = if self.workday_end.0 > self.workday_start.0 {
            (self.workday_start.0, self.workday_end.0)
        } else {
            let default = ReviewConfig::default();
            (default.workday_start.0, default.workday_end.0)
        };
        crate::domain::Calendar {
            day_start: start,
            day_end: end,
            holidays: self.holidays.iter().map(|d| d.0).collect(),
            extra_workdays: self.extra_workdays.iter().map(|d| d.0).collect(),
        }
    }
}

/// `[platform.mailing]`: the carriers the mailroom uses, where tracking comes from, and
/// how long the customer's invoice link works.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MailingConfig {
    /// The carriers offered when shipping, in this order.
    pub carriers: Vec<CarrierConfig>,
    /// Where parcel tracking comes from: `manual` (events typed by staff) or `kuaidi100`
    /// (the 快递100 query API, configured under `[platform.mailing.kuaidi100]`).
    pub logistics_provider: LogisticsProvider,
    /// The 快递100 query API.
    pub kuaidi100: Option<Kuaidi100Config>,
    /// One tracking number is asked about at most this often, in minutes (at least 30).
    pub tracking_refresh_minutes: i64,
    /// How long the invoice link in the shipping SMS works, in days.
    pub invoice_link_days: i64,
}

impl Default for MailingConfig {
    fn default() -> Self {
        use crate::domain::TrackingFormat as F;
        let carrier = |code: &str, name: &str, name_en: &str, format: F| CarrierConfig {
            code: code.into(),
            name: name.into(),
            name_en: name_en.into(),
            format,
        };
        MailingConfig {
            carriers: vec![
                carrier("ems", "EMS", "EMS", F::Ems),
                carrier("youzhengguonei", "中国邮政", "China Post", F::ChinaPost),
                carrier("shunfeng", "顺丰", "SF Express", F::SfExpress),
                carrier("jd", "京东", "JD Logistics", F::Jd),
                carrier("zhongtong", "中通", "ZTO", F::Zto),
                carrier("yuantong", "圆通", "YTO", F::Yto),
                carrier("yunda", "韵达", "Yunda", F::Yunda),
                carrier("shentong", "申通", "STO", F::Sto),
            ],
            logistics_provider: LogisticsProvider::Manual,
            kuaidi100: None,
            tracking_refresh_minutes: 30,
            invoice_link_days: 180,
        }
    }
}

impl MailingConfig {
    /// The carrier with this code.
    pub fn carrier(&self, code: &str) -> Option<&CarrierConfig> {
        self.carriers.iter().find(|c| c.code == code)
    }

    /// Minutes between two questions about one number: never under 30.
    pub fn refresh_minutes(&self) -> i64 {
        self.tracking_refresh_minutes.max(30)
    }
}

/// One carrier (`[[platform.mailing.carriers]]`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CarrierConfig {
    /// The carrier's code: stored on orders and sent to the tracking provider (快递100's
    /// company codes: `ems`, `youzhengguonei`, `shunfeng`, `jd`, `zhongtong`, …).
    pub code: String,
    /// The name shown and printed (Chinese).
    pub name: String,
    /// The name in English.
    #[serde(default)]
    pub name_en: String,
    /// How its tracking numbers are checked: `ems`, `china_post`, `sf_express`, `jd`,
    /// `zto`, `yto`, `yunda`, `sto`, or `any` (letters and digits only).
    #[serde(default = "any_format")]
    pub format: crate::domain::TrackingFormat,
}

fn any_format() -> crate::domain::TrackingFormat {
    crate::domain::TrackingFormat::Any
}

/// `[platform.mailing.kuaidi100]`: the 快递100 real-time query API.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kuaidi100Config {
    /// The customer id from 快递100's console.
    pub customer: String,
    /// A file holding the authorisation key.
    pub key_file: PathBuf,
    /// The query endpoint.
    #[serde(default = "kuaidi100_endpoint")]
    pub endpoint: String,
}

fn kuaidi100_endpoint() -> String {
    "https://poll.kuaidi100.com/poll/query.do".into()
}

/// `[platform.invoice]`: electronic invoices.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct InvoiceConfig {
    /// Who issues invoices: `builtin` (numbers from the platform's own sequence, the PDF
    /// drawn here); a real e-invoicing service plugs in beside it.
    pub provider: InvoiceProvider,
    /// The seller printed on the invoice.
    pub seller_name: String,
    /// The seller's tax number.
    pub seller_tax_number: String,
    /// The seller's address and phone.
    pub seller_address_phone: String,
    /// The seller's bank and account.
    pub seller_bank_account: String,
    /// The item line.
    pub item_name: String,
    /// VAT in percent; prices are tax-inclusive.
    pub tax_rate_percent: i64,
    /// The issuer (开票人) printed on invoices.
    pub issuer: String,
    /// The two-digit region code in built-in invoice numbers (43: Hunan).
    pub region_code: String,
    /// Issue requests made on the customer's phone at once, without finance (the CA's
    /// flow: once reviewed, the customer issues their own invoice); `false` leaves each
    /// to finance in the TUI.
    pub auto_issue: bool,
    /// How invoices are e-mailed: `outbox` (kept for an administrator to read at
    /// `GET /api/v1/mail`) or `smtp` (configured under `[platform.invoice.smtp]`).
    pub mail_provider: MailProvider,
    /// The outgoing mail server.
    pub smtp: Option<SmtpConfig>,
}

impl Default for InvoiceConfig {
    fn default() -> Self {
        InvoiceConfig {
            provider: InvoiceProvider::Builtin,
            seller_name: "湖南CA（示例销售方，非真实发票）".into(),
            seller_tax_number: "91430100MA4L00000F".into(),
            seller_address_phone: "长沙市岳麓区示例路 1 号 0731-00000000".into(),
            seller_bank_account: "示例银行长沙分行 6222000000000000000".into(),
            item_name: "*信息技术服务*数字证书服务费".into(),
            tax_rate_percent: 6,
            issuer: "系统".into(),
            region_code: "43".into(),
            auto_issue: true,
            mail_provider: MailProvider::Outbox,
            smtp: None,
        }
    }
}

/// `[platform.invoice.smtp]`: the outgoing mail server.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    /// Host name.
    pub host: String,
    /// Port (465 with `tls`, 587 with `starttls`, 25 with `none`).
    pub port: u16,
    /// `tls`, `starttls` or `none` (only for a relay on the same machine).
    #[serde(default = "starttls")]
    pub security: String,
    /// Login user, if the server needs one.
    pub username: Option<String>,
    /// A file holding the password.
    pub password_file: Option<PathBuf>,
    /// The sender, e.g. `湖南CA <invoice@ca.example.cn>`.
    pub from: String,
}

fn starttls() -> String {
    "starttls".into()
}

/// A time of day written `"HH:MM"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockTime(pub time::Time);

impl<'de> Deserialize<'de> for ClockTime {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let parsed = text.split_once(':').and_then(|(h, m)| {
            let (h, m) = (h.trim().parse::<u8>().ok()?, m.trim().parse::<u8>().ok()?);
            time::Time::from_hms(h, m, 0).ok()
        });
        parsed.map(ClockTime).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "expected a time of day like \"09:00\", got {text:?}"
            ))
        })
    }
}

/// A date written `"YYYY-MM-DD"` (or as a TOML date).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day(pub time::Date);

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Written {
            Text(String),
            Toml(toml::value::Datetime),
        }
        let text = match Written::deserialize(deserializer)? {
            Written::Text(text) => text,
            Written::Toml(datetime) => datetime.to_string(),
        };
        let format = time::macros::format_description!("[year]-[month]-[day]");
        time::Date::parse(text.trim(), &format)
            .map(Day)
            .map_err(|_| {
                serde::de::Error::custom(format!(
                    "expected a date like \"2026-10-01\", got {text:?}"
                ))
            })
    }
}

/// `[platform.alipay]`: the Alipay application, for face-to-face payment (当面付) and
/// identity verification (支付宝身份验证).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlipayConfig {
    /// `https://openapi.alipay.com/gateway.do` (production) or
    /// `https://openapi-sandbox.dl.alipaydev.com/gateway.do` (Alipay's sandbox).
    pub gateway: String,
    /// The application's id.
    pub app_id: String,
    /// The application's private key (PEM, or the bare base64 Alipay's tool writes).
    pub private_key_file: PathBuf,
    /// Alipay's public key for this application.
    pub alipay_public_key_file: PathBuf,
    /// The merchant's partner id (2088…); notifies for another seller are refused.
    #[serde(default)]
    pub seller_id: Option<String>,
    /// Where Alipay posts notifications; default: the public base URL +
    /// `/api/v1/payments/alipay/notify`.
    #[serde(default)]
    pub notify_url: Option<String>,
}

/// `[platform.bank]`: the CA's account customers transfer to.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BankConfig {
    /// Account name.
    pub account_name: String,
    /// Bank and branch.
    pub bank: String,
    /// Account number.
    pub account_no: String,
}

impl Default for BankConfig {
    fn default() -> Self {
        BankConfig {
            account_name: "湖南CA（示例账户，请勿转账）".into(),
            bank: "示例银行长沙分行".into(),
            account_no: "6222 0000 0000 0000 000".into(),
        }
    }
}

impl PlatformConfig {
    /// How long a real-name code is good for, in ms (`realname_minutes`, between a minute
    /// and a day): the counter's, the application's and a returned order's alike.
    pub fn realname_valid_ms(&self) -> i64 {
        self.realname_minutes.clamp(1, 24 * 60) * 60_000
    }

    /// The public base URL, without a trailing slash; `http://<listen>` when unset.
    pub fn public_base_url(&self, bound: SocketAddr) -> String {
        match &self.public_base_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{bound}"),
        }
    }
}

/// A configuration file that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read the configuration file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid for ca-counter.
    #[error("{path}:{line}:{column}: {message}\n    {snippet}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong, naming the key.
        message: String,
        /// The offending line.
        snippet: String,
    },
}

impl Config {
    /// Reads and checks `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        Config::parse(&text, path)
    }

    /// Checks configuration text; `path` is only used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let config = Config::read(text, path)?;
        match config.out_of_range().into_iter().next() {
            None => Ok(config),
            Some((section, key, message)) => {
                let (line, snippet) = locate(text, section, key);
                Err(ConfigError::Invalid {
                    path: path.to_owned(),
                    line,
                    column: 1,
                    message: format!("[{section}] {key}: {message}"),
                    snippet,
                })
            }
        }
    }

    /// Settings that parse but make no sense (a negative duration, an end before its start),
    /// as (section, key, why). A platform started with one would misbehave for everyone on
    /// it — `unpaid_close_hours = -5` would close every unpaid order at once — so the file
    /// is refused instead.
    fn out_of_range(&self) -> Vec<(&'static str, &'static str, String)> {
        let mut problems = Vec::new();
        let p = &self.platform;
        let mut at_least = |section: &'static str, key: &'static str, value: i128, min: i128| {
            if value < min {
                problems.push((section, key, format!("must be at least {min}, not {value}")));
            }
        };
        let platform = "platform";
        at_least(platform, "max_connections", p.max_connections.into(), 1);
        at_least(
            platform,
            "max_upload_bytes",
            p.max_upload_bytes as i128,
            1024,
        );
        at_least(
            platform,
            "payment_qr_minutes",
            p.payment_qr_minutes.into(),
            1,
        );
        at_least(
            platform,
            "unpaid_close_hours",
            p.unpaid_close_hours.into(),
            1,
        );
        at_least(
            platform,
            "payment_check_seconds",
            p.payment_check_seconds.into(),
            1,
        );
        at_least(platform, "realname_minutes", p.realname_minutes.into(), 1);
        at_least(
            platform,
            "statement_timeout_seconds",
            p.statement_timeout_seconds.into(),
            1,
        );
        at_least(
            platform,
            "lock_timeout_seconds",
            p.lock_timeout_seconds.into(),
            1,
        );
        at_least(
            platform,
            "connection_wait_seconds",
            p.connection_wait_seconds.into(),
            1,
        );
        if let Some(n) = p.search_connections {
            at_least(platform, "search_connections", n.into(), 1);
        }
        at_least(platform, "search_budget_ms", p.search_budget_ms.into(), 1);
        at_least(
            platform,
            "search_budget_rows",
            p.search_budget_rows as i128,
            1,
        );
        let http = "platform.http";
        at_least(
            http,
            "header_timeout_seconds",
            p.http.header_timeout_seconds.into(),
            1,
        );
        at_least(
            http,
            "body_idle_timeout_seconds",
            p.http.body_idle_timeout_seconds.into(),
            1,
        );
        at_least(
            http,
            "body_min_bytes_per_second",
            p.http.body_min_bytes_per_second.into(),
            1,
        );
        at_least(
            http,
            "max_open_connections",
            p.http.max_open_connections as i128,
            1,
        );
        at_least(
            http,
            "max_connections_per_client",
            p.http.max_connections_per_client as i128,
            1,
        );
        at_least(http, "event_backlog", p.http.event_backlog as i128, 1);
        let review = "platform.review";
        at_least(
            review,
            "promise_working_days",
            p.review.promise_working_days.into(),
            1,
        );
        at_least(review, "warn_hours", p.review.warn_hours.into(), 0);
        at_least(review, "claim_minutes", p.review.claim_minutes.into(), 1);
        at_least(
            review,
            "correction_days",
            p.review.correction_days.into(),
            1,
        );
        let mailing = "platform.mailing";
        at_least(
            mailing,
            "invoice_link_days",
            p.mailing.invoice_link_days.into(),
            1,
        );
        // 快递100 bills each query and blocks a number asked about too often.
        at_least(
            mailing,
            "tracking_refresh_minutes",
            p.mailing.tracking_refresh_minutes.into(),
            30,
        );
        let sms = "platform.sms";
        at_least(sms, "max_attempts", p.sms.max_attempts.into(), 1);
        at_least(sms, "poll_ms", p.sms.poll_ms.into(), 1);
        at_least(sms, "lease_seconds", p.sms.lease_seconds.into(), 1);
        at_least(
            "platform.identity",
            "check_ms",
            p.identity.check_ms.into(),
            100,
        );
        if p.review.workday_end.0 <= p.review.workday_start.0 {
            problems.push((
                review,
                "workday_end",
                "must be later than workday_start".to_owned(),
            ));
        }
        if !(0..=100).contains(&p.invoice.tax_rate_percent) {
            problems.push((
                "platform.invoice",
                "tax_rate_percent",
                format!("must be 0–100, not {}", p.invoice.tax_rate_percent),
            ));
        }
        for (key, value) in [("hotline", &p.hotline), ("ca_name", &p.ca_name)] {
            if value.trim().is_empty() {
                problems.push((platform, key, "must not be empty: it is printed".to_owned()));
            }
        }
        // The platform a TUI talks to: a URL with its scheme (`127.0.0.1:8080` alone was
        // taken, and the TUI said "cannot reach the platform" for ever).
        if let Some(url) = &self.server.url {
            let host = url
                .strip_prefix("https://")
                .or_else(|| url.strip_prefix("http://"))
                .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or_default());
            if matches!(host, None | Some("")) {
                problems.push((
                    "server",
                    "url",
                    format!(
                        "{url:?} is not the platform's address: write it whole, like https://ca-platform.internal or http://127.0.0.1:8080"
                    ),
                ));
            }
        }
        if let Some(url) = &p.public_base_url {
            let host = url
                .strip_prefix("https://")
                .or_else(|| url.strip_prefix("http://"))
                .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or_default());
            match host {
                None | Some("") => problems.push((
                    platform,
                    "public_base_url",
                    format!(
                        "{url:?} is not an address a phone can open: write it whole, like https://ca.example.cn"
                    ),
                )),
                Some(_) => {}
            }
        }
        problems
    }

    /// The file's text read into settings, without the range checks.
    fn read(text: &str, path: &Path) -> Result<Config, ConfigError> {
        toml::from_str(text).map_err(|e| {
            let offset = e.span().map(|s| s.start).unwrap_or(0).min(text.len());
            let before = &text[..offset];
            let line = before.matches('\n').count() + 1;
            let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
            let column = before[line_start..].chars().count() + 1;
            let snippet = text[line_start..].lines().next().unwrap_or("").to_owned();
            ConfigError::Invalid {
                path: path.to_owned(),
                line,
                column,
                message: e.message().trim().to_owned(),
                snippet,
            }
        })
    }

    /// Finds the configuration: `explicit` (from `--config`), else `CA_COUNTER_CONFIG`, else
    /// the standard path if that file exists, else the defaults.
    pub fn discover(explicit: Option<&Path>) -> Result<(Config, Option<PathBuf>), ConfigError> {
        let chosen = explicit
            .map(Path::to_owned)
            .or_else(|| std::env::var_os(CONFIG_ENV).map(PathBuf::from))
            .or_else(|| standard_config_path().filter(|p| p.exists()));
        match chosen {
            Some(path) => Ok((Config::load(&path)?, Some(path))),
            None => Ok((Config::default(), None)),
        }
    }
}

/// True for a host no phone can reach: loopback or "any address".
pub fn is_unreachable_host(host_and_port: &str) -> bool {
    let host = if let Some(bracketed) = host_and_port.strip_prefix('[') {
        bracketed.split(']').next().unwrap_or_default()
    } else {
        host_and_port.split(':').next().unwrap_or_default()
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback() || ip.is_unspecified())
}

/// The line of `key` in `[section]` of `text` (1-based) and its text; the section's header
/// when the key is not written there (a default), line 1 when neither is.
fn locate(text: &str, section: &str, key: &str) -> (usize, String) {
    let header = format!("[{section}]");
    let mut in_section = section.is_empty();
    let mut found = None;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_section = trimmed == header;
            if in_section && found.is_none() {
                found = Some((index + 1, line.to_owned()));
            }
            continue;
        }
        let named = trimmed
            .split('=')
            .next()
            .is_some_and(|name| name.trim() == key);
        if in_section && named {
            return (index + 1, line.to_owned());
        }
    }
    found.unwrap_or((1, text.lines().next().unwrap_or_default().to_owned()))
}

/// `~/.config/ca-counter/config.toml` (or the platform's equivalent).
pub fn standard_config_path() -> Option<PathBuf> {
    config_dir().map(|d| d.join("config.toml"))
}

/// `~/.config/ca-counter` (or the platform's equivalent); user themes live in its `themes/`.
pub fn config_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "ca-counter").map(|d| d.config_dir().to_owned())
}

/// Where the database, the local token and logs live: `CA_COUNTER_DATA_DIR`, else
/// `~/.local/share/ca-counter` (or the platform's equivalent).
pub fn data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV) {
        return PathBuf::from(dir);
    }
    directories::ProjectDirs::from("", "", "ca-counter")
        .map(|d| d.data_dir().to_owned())
        .unwrap_or_else(|| PathBuf::from(".ca-counter"))
}

/// The default database: a SQLite file in the data directory.
pub fn default_database_url() -> String {
    format!("sqlite://{}", data_dir().join("ca-counter.db").display())
}

/// An IP address and port to listen on, as `[platform] listen` and `serve --listen` take
/// it: a host name or a port out of range is refused saying what is wanted.
pub fn parse_listen(text: &str) -> Result<SocketAddr, String> {
    text.trim().parse().map_err(|_| {
        format!(
            "“{text}” is not an IP address and port: write e.g. 127.0.0.1:8080 (this machine \
             only) or 0.0.0.0:8080 (every interface); a host name such as localhost is not \
             taken, and a port is 1–65535"
        )
    })
}

fn listen_address<'de, D: serde::Deserializer<'de>>(d: D) -> Result<SocketAddr, D::Error> {
    let text = String::deserialize(d)?;
    parse_listen(&text).map_err(serde::de::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_means_the_defaults() {
        let config = Config::parse("", Path::new("c.toml"));
        assert!(config.is_ok_and(|c| c.platform.max_upload_bytes == 10 * 1024 * 1024));
    }

    #[test]
    fn the_example_file_documents_real_keys_with_their_defaults() {
        let example = Config::parse(
            include_str!("../../config.example.toml"),
            Path::new("config.example.toml"),
        );
        let example = example.unwrap_or_else(|e| panic!("{e}"));
        let defaults = PlatformConfig::default();
        assert_eq!(example.platform.listen, defaults.listen);
        assert_eq!(example.platform.max_upload_bytes, defaults.max_upload_bytes);
        assert_eq!(example.platform.max_connections, defaults.max_connections);
        assert_eq!(
            example.platform.sign_in_codes_per_address_hour,
            defaults.sign_in_codes_per_address_hour
        );
        assert_eq!(
            example.platform.http.trusted_proxies,
            defaults.http.trusted_proxies
        );
        assert_eq!(
            example.platform.payment_qr_minutes,
            defaults.payment_qr_minutes
        );
        assert_eq!(
            example.platform.review.calendar(),
            defaults.review.calendar()
        );
        assert_eq!(example.platform.review.claim_minutes, 15);
        assert_eq!(example.platform.sms_provider, SmsProvider::Log);
        assert_eq!(example.platform.identity.biz_code, "FACE");
        assert_eq!(example.platform.sms.max_attempts, 5);
        assert_eq!(example.platform.mailing.carriers, defaults.mailing.carriers);
        assert_eq!(
            example.platform.mailing.logistics_provider,
            LogisticsProvider::Manual
        );
        assert_eq!(example.platform.mailing.tracking_refresh_minutes, 30);
        assert_eq!(example.platform.invoice.tax_rate_percent, 6);
        assert_eq!(
            example.platform.invoice.seller_tax_number,
            defaults.invoice.seller_tax_number
        );
        assert!(example.platform.invoice.auto_issue);
    }

    #[test]
    fn holidays_are_dates_and_a_bad_one_is_named() {
        let config = Config::parse(
            "[platform.review]\nholidays = [\"2026-10-01\", 2026-10-02]\nworkday_start = \"8:30\"\n",
            Path::new("c.toml"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let calendar = config.platform.review.calendar();
        assert_eq!(calendar.holidays.len(), 2);
        assert_eq!(calendar.day_start, time::macros::time!(8:30));
        let error = Config::parse(
            "[platform.review]\nholidays = [\"2026-13-01\"]\n",
            Path::new("c.toml"),
        )
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        assert!(error.starts_with("c.toml:2:"), "{error}");
        assert!(error.contains("2026-13-01"), "{error}");
    }

    /// The TUI's `[server] url` without its scheme is refused at start, naming the key and
    /// how to write it (it was taken, and the TUI said "cannot reach the platform" for
    /// ever).
    #[test]
    fn a_server_url_without_its_scheme_is_refused() {
        let error = Config::parse("[server]\nurl = \"127.0.0.1:8080\"\n", Path::new("t.toml"))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.starts_with("t.toml:2:"), "{error}");
        assert!(
            error.contains("url") && error.contains("http://127.0.0.1:8080"),
            "{error}"
        );
        for fine in [
            "http://127.0.0.1:8080",
            "https://ca-platform.internal/counter",
        ] {
            let text = format!("[server]\nurl = \"{fine}\"\n");
            assert!(Config::parse(&text, Path::new("t.toml")).is_ok(), "{fine}");
        }
    }

    #[test]
    fn a_setting_out_of_its_range_is_refused_with_its_line() {
        // A negative hour count would close every unpaid order of every instance at once.
        let text = "[platform]\nhotline = \"400\"\nunpaid_close_hours = -5\n";
        let error = Config::parse(text, Path::new("/etc/c.toml"))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.starts_with("/etc/c.toml:3:1:"), "{error}");
        assert!(
            error.contains("unpaid_close_hours: must be at least 1, not -5"),
            "{error}"
        );
        for (text, key) in [
            (
                "[platform.review]\nworkday_start = \"18:00\"\nworkday_end = \"09:00\"\n",
                "workday_end",
            ),
            (
                "[platform.invoice]\ntax_rate_percent = 600\n",
                "tax_rate_percent",
            ),
            ("[platform]\npayment_qr_minutes = 0\n", "payment_qr_minutes"),
            ("[platform]\nhotline = \"\"\n", "hotline"),
            ("[platform.sms]\nmax_attempts = 0\n", "max_attempts"),
            (
                "[platform.mailing]\ntracking_refresh_minutes = 5\n",
                "tracking_refresh_minutes",
            ),
            ("[platform.http]\nevent_backlog = 0\n", "event_backlog"),
            (
                "[platform]\npublic_base_url = \"ca.example.cn\"\n",
                "public_base_url",
            ),
        ] {
            let error = Config::parse(text, Path::new("c.toml"))
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(error.contains(&format!("] {key}: ")), "{text}: {error}");
        }
        // An address a phone cannot reach is allowed (a demo on one machine); `serve` warns.
        assert!(
            Config::parse(
                "[platform]\npublic_base_url = \"http://127.0.0.1:8080\"\n",
                Path::new("c.toml")
            )
            .is_ok()
        );
        assert!(is_unreachable_host("127.0.0.1:8080"));
        assert!(is_unreachable_host("0.0.0.0:8080"));
        assert!(is_unreachable_host("[::1]:8080"));
        assert!(is_unreachable_host("localhost"));
        assert!(!is_unreachable_host("192.168.1.20:8080"));
        assert!(!is_unreachable_host("ca.example.cn"));
    }

    #[test]
    fn an_unknown_key_is_named_with_file_and_line() {
        let text = "[platform]\nlisten = \"127.0.0.1:9000\"\nlisen = 3\n";
        let error = Config::parse(text, Path::new("/etc/c.toml"))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.starts_with("/etc/c.toml:3:1:"), "{error}");
        assert!(error.contains("lisen"), "{error}");
    }

    #[test]
    fn a_bad_value_points_at_its_line() {
        let text = "[platform]\n\nmax_upload_bytes = \"ten\"\n";
        let error = Config::parse(text, Path::new("c.toml"))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.starts_with("c.toml:3:"), "{error}");
        assert!(error.contains("max_upload_bytes"), "{error}");
    }
}
