//! The platform: the HTTP API the TUI calls (`/api/v1`), the phone pages QR codes open
//! (`/m/…`), and the database behind them.

pub mod alipay_gateway;
pub mod catalog;
pub mod demo;
pub mod error;
pub mod events;
mod extract;
pub mod identity;
pub mod invoicing;
pub mod listen;
pub mod logistics;
pub mod mail;
pub mod paper;
pub mod payments;
pub mod pdf;
mod phone;
mod present;
mod routes;
pub mod scan_match;
pub mod sms;
pub mod store;
pub mod tracking;
mod validate;
mod web;

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::PlatformConfig;
use store::{Backend, Store, StoreError};

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// The configuration.
    pub config: Arc<PlatformConfig>,
    /// Which parts are built-in stand-ins (decided once, from the configuration).
    pub demo: demo::DemoParts,
    /// Where phones reach this platform (no trailing slash).
    pub public_base: Arc<str>,
    /// Flips to `true` when the server is stopping; long-lived streams end then.
    pub shutdown: watch::Receiver<bool>,
    /// The events this instance's reader publishes to its event streams.
    pub feed: events::Feed,
    /// Checks identities on the real-name page.
    pub identity: Arc<dyn identity::IdentityProvider>,
    /// The fonts printed documents are drawn with.
    pub fonts: pdf::Fonts,
    /// The QR payment provider, when one is configured.
    pub payments: Option<payments::SharedProvider>,
    /// The sandbox cashier, when it is the provider.
    pub sandbox: Option<Arc<payments::sandbox::Sandbox>>,
    /// Text messages to customers.
    pub sms: Arc<dyn sms::SmsProvider>,
    /// Wakes this instance's outbox worker when a message was written.
    pub sms_wake: Arc<tokio::sync::Notify>,
    /// E-mail to customers (invoices).
    pub mail: Arc<dyn mail::MailProvider>,
    /// Issues invoice numbers.
    pub invoices: Arc<dyn invoicing::InvoiceProvider>,
    /// Parcel tracking from a provider; `None`: events typed by staff (`manual`).
    pub logistics: Option<Arc<dyn logistics::LogisticsProvider>>,
    /// Uploaded files' checks (a PDF's in a process of its own) and their turns.
    pub uploads: scan_match::UploadChecks,
}

/// Why the platform could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The database.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The listening socket.
    #[error("cannot listen: {0}")]
    Listen(#[from] std::io::Error),
    /// A setting that cannot work.
    #[error("configuration: {0}")]
    Config(String),
    /// Not now: `restored` runs on the database, or its listener cannot be reached.
    #[error("{0}")]
    NotNow(String),
    /// The demo catalog.
    #[error("demo catalog: {0}")]
    Catalog(#[from] catalog::CatalogError),
}

/// A running platform instance.
pub struct Platform {
    addr: SocketAddr,
    public_base: String,
    demo: demo::DemoParts,
    store: Store,
    shutdown: watch::Sender<bool>,
    server: JoinHandle<std::io::Result<()>>,
    listener: Option<JoinHandle<()>>,
    jobs: Vec<JoinHandle<()>>,
    /// On SQLite, the database file held as served (`restored` refuses meanwhile).
    _serving: Option<std::fs::File>,
    /// On PostgreSQL, this instance as it says it serves the database (`restored` refuses
    /// meanwhile, also while its listener reconnects).
    instance: Option<store::ServingInstance>,
}

/// The providers a platform is started with, made from its settings.
struct Providers {
    identity: Arc<dyn identity::IdentityProvider>,
    sms: Arc<dyn sms::SmsProvider>,
    mail: Arc<dyn mail::MailProvider>,
    logistics: Option<Arc<dyn logistics::LogisticsProvider>>,
}

/// `[platform.upload_check]` within what a check needs: a scanner's PDF takes well under
/// a second and tens of MiB; the largest upload is held twice and parsed.
fn check_upload_check(config: &PlatformConfig) -> Result<(), StartError> {
    let check = &config.upload_check;
    let wrong = |key: &str, what: &str| {
        Err(StartError::Config(format!(
            "[platform.upload_check] {key}: {what}"
        )))
    };
    if check.seconds == 0 {
        return wrong("seconds", "at least 1");
    }
    let least = (config.max_upload_bytes.saturating_mul(3) >> 20)
        .saturating_add(32)
        .max(64);
    if check.memory_mb < least {
        return wrong(
            "memory_mb",
            &format!(
                "at least {least} (the largest upload, max_upload_bytes, is held twice and parsed)"
            ),
        );
    }
    if check.at_once == 0 {
        return wrong("at_once", "at least 1");
    }
    Ok(())
}

/// Every provider the settings name, with what it needs (keys, sections), and the terms
/// file: what [`Platform::check_config`] asks before `serve` takes its port and
/// [`Platform::start`] before it opens the database.
fn providers(config: &PlatformConfig) -> Result<Providers, StartError> {
    let identity = identity_provider(config)?;
    if matches!(
        config.payment_provider,
        crate::config::PaymentProvider::Alipay
    ) {
        alipay_keys(config, "payment_provider")?;
    }
    let sms = sms::provider(config).map_err(StartError::Config)?;
    let mail = mail::provider(config.invoice.mail_provider, config.invoice.smtp.as_ref())
        .map_err(|e| StartError::Config(format!("[platform.invoice] {e}")))?;
    let logistics = logistics_provider(&config.mailing)?;
    check_terms(config)?;
    check_upload_check(config)?;
    Ok(Providers {
        identity,
        sms,
        mail,
        logistics,
    })
}

/// The terms are a step of every application: a file that cannot be read stops the start,
/// not each application later (it is read again for each request, so an edit needs no
/// restart).
fn check_terms(config: &PlatformConfig) -> Result<(), StartError> {
    let Some(path) = &config.terms_file else {
        return Ok(());
    };
    match std::fs::read_to_string(path) {
        Ok(text) if !text.trim().is_empty() => Ok(()),
        Ok(_) => Err(StartError::Config(format!(
            "[platform] terms_file: {} is empty",
            path.display()
        ))),
        Err(e) => Err(StartError::Config(format!(
            "[platform] terms_file: cannot read {} as UTF-8 text: {e}",
            path.display()
        ))),
    }
}

/// The configured QR payment provider (and the sandbox, when it is the one).
async fn payment_provider(
    config: &PlatformConfig,
    store: &Store,
    public_base: &str,
) -> Result<
    (
        Option<payments::SharedProvider>,
        Option<Arc<payments::sandbox::Sandbox>>,
    ),
    StartError,
> {
    use crate::config::PaymentProvider as Kind;
    use payments::rsa2::Signer;
    match config.payment_provider {
        Kind::Sandbox => {
            let pem = store
                .provider_key("sandbox", || {
                    Signer::generate().ok().and_then(|s| s.private_pem().ok())
                })
                .await?
                .ok_or_else(|| StartError::Config("cannot make the sandbox signing key".into()))?;
            let signer = Signer::from_text(&pem)
                .map_err(|e| StartError::Config(format!("sandbox key: {e}")))?;
            let sandbox = Arc::new(payments::sandbox::Sandbox::new(public_base, signer));
            Ok((Some(sandbox.clone()), Some(sandbox)))
        }
        Kind::Alipay => {
            let (alipay, signer, verifier) = alipay_keys(config, "payment_provider")?;
            let notify_url = alipay
                .notify_url
                .clone()
                .unwrap_or_else(|| format!("{public_base}/api/v1/payments/alipay/notify"));
            let client = payments::alipay::Alipay::new(
                &alipay.gateway,
                &alipay.app_id,
                signer,
                verifier,
                alipay.seller_id.clone(),
                notify_url,
            )
            .map_err(|e| StartError::Config(e.to_string()))?;
            Ok((Some(Arc::new(client)), None))
        }
        Kind::None => Ok((None, None)),
    }
}

/// The `[platform.alipay]` application and its keys; `who` names the setting that needs it.
fn alipay_keys<'a>(
    config: &'a PlatformConfig,
    who: &str,
) -> Result<
    (
        &'a crate::config::AlipayConfig,
        payments::rsa2::Signer,
        payments::rsa2::Verifier,
    ),
    StartError,
> {
    use payments::rsa2::{Signer, Verifier};
    let alipay = config.alipay.as_ref().ok_or_else(|| {
        StartError::Config(format!(
            "{who} = \"alipay\" needs a [platform.alipay] section"
        ))
    })?;
    let read = |path: &std::path::Path| {
        std::fs::read_to_string(path)
            .map_err(|e| StartError::Config(format!("cannot read {}: {e}", path.display())))
    };
    let signer = Signer::from_text(&read(&alipay.private_key_file)?)
        .map_err(|e| StartError::Config(format!("{}: {e}", alipay.private_key_file.display())))?;
    let verifier = Verifier::from_text(&read(&alipay.alipay_public_key_file)?).map_err(|e| {
        StartError::Config(format!("{}: {e}", alipay.alipay_public_key_file.display()))
    })?;
    Ok((alipay, signer, verifier))
}

/// The configured identity provider.
fn identity_provider(
    config: &PlatformConfig,
) -> Result<Arc<dyn identity::IdentityProvider>, StartError> {
    match config.identity_provider {
        crate::config::IdentityProvider::Builtin => Ok(Arc::new(identity::Builtin)),
        crate::config::IdentityProvider::Alipay => {
            let (alipay, signer, verifier) = alipay_keys(config, "identity_provider")?;
            let gateway =
                alipay_gateway::Gateway::new(&alipay.gateway, &alipay.app_id, signer, verifier)
                    .map_err(|e| StartError::Config(e.to_string()))?;
            Ok(Arc::new(identity::alipay::AlipayIdentity::new(
                gateway,
                &config.identity.biz_code,
            )))
        }
    }
}

/// The configured tracking provider; `None` for `manual`.
fn logistics_provider(
    config: &crate::config::MailingConfig,
) -> Result<Option<Arc<dyn logistics::LogisticsProvider>>, StartError> {
    use crate::config::LogisticsProvider as Kind;
    match config.logistics_provider {
        Kind::Manual => Ok(None),
        Kind::Kuaidi100 => {
            let settings = config.kuaidi100.as_ref().ok_or_else(|| {
                StartError::Config(
                    "logistics_provider = \"kuaidi100\" needs a [platform.mailing.kuaidi100] section"
                        .into(),
                )
            })?;
            let key = std::fs::read_to_string(&settings.key_file).map_err(|e| {
                StartError::Config(format!("cannot read {}: {e}", settings.key_file.display()))
            })?;
            let client = logistics::kuaidi100::Kuaidi100::new(
                &settings.endpoint,
                &settings.customer,
                key.trim(),
                std::time::Duration::from_secs(10),
            )
            .map_err(StartError::Config)?;
            Ok(Some(Arc::new(client)))
        }
    }
}

impl Platform {
    /// Opens the database (migrating it, loading the demo catalog into an empty one when
    /// configured) and serves on `listener` until [`Platform::shutdown`].
    /// Every setting [`Platform::start`] would refuse before it opens the database (the
    /// providers' settings and keys, the terms file), checked without starting anything:
    /// `serve` asks this before it takes its port, so that a wrong setting is said first and
    /// all at once, not after the port is found taken.
    pub fn check_config(config: &PlatformConfig) -> Result<(), StartError> {
        providers(config).map(|_| ())
    }

    pub async fn start(
        config: PlatformConfig,
        database_url: &str,
        listener: TcpListener,
    ) -> Result<Platform, StartError> {
        // Checked before the database is opened: a wrong setting changes nothing there.
        let Providers {
            identity,
            sms,
            mail,
            logistics,
        } = providers(&config)?;
        listen::survive_file_size_limit();
        if let Some(limit) = listen::raise_open_file_limit() {
            let wanted = config.http.max_open_connections as u64 + 256;
            if limit < wanted {
                tracing::warn!(
                    limit,
                    wanted,
                    "the open-file limit is below [platform.http] max_open_connections; \
                     raise it (ulimit -n, or LimitNOFILE= for systemd)"
                );
            }
        }
        let fonts = pdf::Fonts::load(config.pdf_font.as_deref())
            .map_err(|e| StartError::Config(format!("[platform] pdf_font: {e}")))?;
        let store = Store::open_with(
            database_url,
            store::PoolSettings {
                max_connections: config.max_connections,
                statement_timeout: std::time::Duration::from_secs(
                    config.statement_timeout_seconds.max(1),
                ),
                lock_timeout: std::time::Duration::from_secs(config.lock_timeout_seconds.max(1)),
                connection_wait: std::time::Duration::from_secs(
                    config.connection_wait_seconds.max(1),
                ),
                sqlite_synchronous: config.sqlite_synchronous,
                search_connections: config.search_connections.unwrap_or_else(|| {
                    std::thread::available_parallelism()
                        .map_or(2, |n| n.get() as u32)
                        .clamp(2, 16)
                }),
                search_budget: store::search::Budget {
                    rows: config.search_budget_rows.max(1),
                    time: std::time::Duration::from_millis(config.search_budget_ms.max(1)),
                },
            },
        )
        .await?;
        let serving = store.hold_serving().map_err(StartError::NotNow)?;
        // Orders written behind the platform's back are counted before anyone is served;
        // their search terms follow beside the clerks (`index_job`).
        store.notice_unindexed_orders().await?;
        let invoices =
            invoicing::provider(config.invoice.provider, &store, &config.invoice.region_code)
                .map_err(|e| StartError::Config(format!("[platform.invoice] {e}")))?;
        if config.demo_catalog && store.catalog_is_empty().await? {
            store
                .import_catalog(&catalog::demo_catalog(), false)
                .await??;
            tracing::info!("loaded the demo catalog");
        }
        let addr = listener.local_addr()?;
        let public_base = config.public_base_url(addr);
        let (shutdown, shutdown_rx) = watch::channel(false);
        let feed = events::Feed::new(config.http.event_backlog, store.last_event_id().await?);
        // On PostgreSQL the listener holds this instance's serving mark: taken before
        // anything is served, refused while `restored` runs.
        let pg_listener = match store.backend() {
            Backend::Postgres => {
                let first = events::first_listener(store.url())
                    .await
                    .map_err(StartError::NotNow)?;
                Some(tokio::spawn(events::listen_postgres(
                    store.url().to_owned(),
                    store.hub().clone(),
                    shutdown_rx.clone(),
                    first,
                )))
            }
            Backend::Sqlite => None,
        };
        // Said alive every few seconds as well: the mark drops while the listener
        // reconnects, and `restored` must not run then either.
        let instance = match store.backend() {
            Backend::Postgres => {
                let me = store::ServingInstance::this(&addr.to_string());
                store.forget_silent_instances().await?;
                store.serving_beat(&me).await?;
                Some(me)
            }
            Backend::Sqlite => None,
        };
        let (payments, sandbox) = payment_provider(&config, &store, &public_base).await?;
        let mut jobs = vec![tokio::spawn(events::reader(
            store.clone(),
            feed.clone(),
            shutdown_rx.clone(),
        ))];
        jobs.push(tokio::spawn(payments::jobs::run(
            store.clone(),
            payments.clone(),
            config.unpaid_close_hours,
            std::time::Duration::from_secs(config.payment_check_seconds.max(1)),
            shutdown_rx.clone(),
        )));
        let sms_wake = Arc::new(tokio::sync::Notify::new());
        jobs.push(tokio::spawn(sms::outbox::run(
            store.clone(),
            sms.clone(),
            config.sms.clone(),
            sms_wake.clone(),
            shutdown_rx.clone(),
        )));
        jobs.push(tokio::spawn(identity::checks::run(
            store.clone(),
            identity.clone(),
            std::time::Duration::from_millis(config.identity.check_ms.max(50)),
            shutdown_rx.clone(),
        )));
        jobs.push(tokio::spawn(store::search::index_job(
            store.clone(),
            shutdown_rx.clone(),
        )));
        let demo =
            demo::DemoParts::of(&config).with_catalog(store.demo_products_on_sale().await? > 0);
        if let Some(line) = demo.line(crate::i18n::Lang::En) {
            tracing::warn!("{line}");
        }
        let uploads = scan_match::UploadChecks::new(&config.upload_check);
        let state = AppState {
            store: store.clone(),
            demo,
            config: Arc::new(config),
            public_base: public_base.clone().into(),
            shutdown: shutdown_rx.clone(),
            feed,
            identity,
            fonts,
            payments,
            sandbox,
            sms,
            sms_wake,
            mail,
            invoices,
            logistics,
            uploads,
        };
        jobs.push(tokio::spawn(invoicing::upkeep_job(
            state.clone(),
            shutdown_rx.clone(),
        )));
        if let Some(me) = &instance {
            jobs.push(tokio::spawn(serving_beats(
                store.clone(),
                me.clone(),
                shutdown_rx.clone(),
            )));
        }
        let http = state.config.http.clone();
        let app = routes::router(state);
        let server = tokio::spawn(async move {
            listen::serve(listener, app, http, shutdown_rx).await;
            Ok(())
        });
        tracing::info!(
            %addr,
            database = store.backend().as_str(),
            at = %store::location(database_url),
            "platform listening"
        );
        Ok(Platform {
            addr,
            public_base,
            demo,
            store,
            shutdown,
            server,
            listener: pg_listener,
            jobs,
            _serving: serving,
            instance,
        })
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://<address>`, for clients on this machine.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The public base URL used in QR codes.
    pub fn public_base_url(&self) -> &str {
        &self.public_base
    }

    /// The built-in stand-ins it runs with (the demo catalog's products counted as at
    /// start).
    pub fn demo(&self) -> demo::DemoParts {
        self.demo
    }

    /// The database.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Stops accepting connections, lets in-flight requests finish, ends event streams, and
    /// closes the database.
    pub async fn shutdown(self) -> std::io::Result<()> {
        let _ = self.shutdown.send(true);
        // Requests in flight get ten seconds; a client that stopped reading does not get
        // to hold the process open.
        let mut server = self.server;
        let result =
            match tokio::time::timeout(std::time::Duration::from_secs(10), &mut server).await {
                Ok(Ok(result)) => result,
                Ok(Err(e)) => Err(std::io::Error::other(e)),
                Err(_) => {
                    tracing::warn!("requests still running after 10 s; stopping anyway");
                    server.abort();
                    Ok(())
                }
            };
        if let Some(listener) = self.listener {
            let _ = listener.await;
        }
        for job in self.jobs {
            let _ = job.await;
        }
        // Nothing is served any more: `restored` need not wait for the word to age.
        if let Some(me) = &self.instance
            && let Err(e) = self.store.serving_gone(me).await
        {
            tracing::warn!(error = %e, "could not say this instance stopped serving");
        }
        self.store.close().await;
        result
    }
}

/// Says `me` serves the database every [`store::SERVING_BEAT`] until `shutdown`.
async fn serving_beats(
    store: Store,
    me: store::ServingInstance,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(store::SERVING_BEAT) => {}
            _ = shutdown.changed() => return,
        }
        if let Err(e) = store.serving_beat(&me).await {
            tracing::debug!(error = %e, "saying this instance serves the database");
        }
    }
}
