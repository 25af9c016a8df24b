//! The counter TUI: connects to the configured platform (or starts the embedded one), then
//! runs one loop — terminal events and platform messages in, state changes, a frame out
//! only when something changed. See `ARCHITECTURE.md` for how the pieces fit.

pub mod app;
pub mod backend;
pub mod component;
pub mod counts;
mod embedded;
pub mod files;
pub mod format;
pub mod keys;
pub mod list;
pub mod net;
pub mod print;
pub mod tabs;
pub mod terminal;
pub mod text;
pub mod theme;
pub mod widgets;

use std::path::PathBuf;
use std::time::Duration;

use color_eyre::eyre::{Result, WrapErr, eyre};
use futures_util::StreamExt;
use time::OffsetDateTime;
use tokio::sync::mpsc;

use crate::api::Client;
use crate::config::{Config, config_dir, data_dir};
use app::{App, ServerLabel};
use widgets::picture::ColorMode;

/// Environment variable holding the operator's token for a remote platform.
pub const TOKEN_ENV: &str = "CA_COUNTER_TOKEN";

/// Where the TUI logs.
pub fn log_file() -> PathBuf {
    data_dir().join("logs").join("ca-counter.log")
}

/// The platform to talk to, decided before the terminal is taken over.
enum Target {
    Remote {
        url: String,
        token: String,
        /// Where the token was read from, when a file: read again while the counter runs.
        file: Option<PathBuf>,
    },
    Embedded,
}

fn target(config: &Config) -> Result<Target> {
    let Some(url) = config.server.url.clone().filter(|u| !u.trim().is_empty()) else {
        return Ok(Target::Embedded);
    };
    let mut file = None;
    let token = match std::env::var(TOKEN_ENV)
        .ok()
        .filter(|t| !t.trim().is_empty())
    {
        Some(token) => token,
        None => match (&config.server.token_file, &config.server.token) {
            (Some(path), _) => {
                file = Some(path.clone());
                std::fs::read_to_string(path)
                    .wrap_err_with(|| format!("cannot read the token file {}", path.display()))?
            }
            (None, Some(token)) => token.clone(),
            (None, None) => {
                return Err(eyre!(
                    "[server] url is {url} but no token is configured: set {TOKEN_ENV}, \
                     or token_file / token under [server]"
                ));
            }
        },
    };
    Ok(Target::Remote {
        url,
        token: token.trim().to_owned(),
        file,
    })
}

/// How often the token file is read again.
const TOKEN_FILE_CHECK: Duration = Duration::from_secs(3);

/// Reads the token file again every few seconds for as long as the counter runs: a token
/// the administrator replaced (or one revoked, then a new one issued), written into the
/// file, is sent from then on — the counter, told "signed out", is back within seconds
/// without a restart, the draft on screen kept. Only the same operator's
/// ([`adopt_token`]): another's would act under a name the screen does not show.
fn watch_token_file(client: Client, path: PathBuf) {
    tokio::spawn(async move {
        let mut operator = client.me().await.ok().map(|me| me.id);
        // A token tried and not used is not tried again until the file changes.
        let mut tried = String::new();
        loop {
            tokio::time::sleep(TOKEN_FILE_CHECK).await;
            let Ok(text) = tokio::fs::read_to_string(&path).await else {
                continue;
            };
            let token = text.trim();
            if token.is_empty() || token == client.token() || token == tried {
                continue;
            }
            match adopt_token(&client, token, &mut operator).await {
                Adopted::Yes => {
                    tracing::info!(file = %path.display(), "the token file changed: using its token");
                }
                Adopted::Another(name) => {
                    tried = token.to_owned();
                    tracing::warn!(
                        file = %path.display(),
                        operator = %name,
                        "the token file holds another operator's token: not used (restart the counter to work as them)"
                    );
                }
                Adopted::NotYet => tried = token.to_owned(),
                Adopted::Unknown => {
                    tracing::warn!(
                        "the token file changed, but who this counter works as is not known \
                         (its own token refused): restart the counter"
                    );
                    tried = token.to_owned();
                }
            }
        }
    });
}

/// What became of a token read from the token file.
#[derive(Debug, PartialEq, Eq)]
pub enum Adopted {
    /// Sent from now on.
    Yes,
    /// Another operator's (named): not used.
    Another(String),
    /// Not accepted by the platform (a file half written, a token mistyped).
    NotYet,
    /// Not used: who this counter works as is not known (its own token was refused before
    /// the platform said), so whose the new one is cannot be compared.
    Unknown,
}

/// Uses `token` on `client` if the platform takes it as the same operator `operator` is
/// (the one the counter has been working as; asked now with its own token if not known
/// yet — and none is used while it cannot be known).
pub async fn adopt_token(client: &Client, token: &str, operator: &mut Option<String>) -> Adopted {
    if operator.is_none() {
        *operator = client.me().await.ok().map(|me| me.id);
    }
    let Some(id) = operator.as_deref() else {
        return Adopted::Unknown;
    };
    match client.with_token(token).me().await {
        Ok(me) if me.id == id => {
            client.set_token(token);
            Adopted::Yes
        }
        Ok(me) => Adopted::Another(me.name),
        Err(_) => Adopted::NotYet,
    }
}

/// Runs the TUI until the operator leaves.
pub async fn run(config: Config) -> Result<()> {
    let target = target(&config)?;
    let no_color = theme::no_color_requested();
    let theme_dir = config_dir().map(|d| d.join("themes"));
    let theme = theme::load(&config.ui.theme, theme_dir.as_deref(), no_color)?;

    let log = log_file();
    let _log_guard = init_logging(&log)?;
    terminal::install_hooks(config.ui.mouse, &log)?;

    let (platform, base, token, token_file) = match target {
        Target::Remote { url, token, file } => (None, url, token, file),
        Target::Embedded => {
            let (platform, token) = embedded::start(&config).await?;
            let base = platform.base_url();
            (Some(platform), base, token, None)
        }
    };
    let label = match &platform {
        Some(p) => ServerLabel::Embedded(p.local_addr().to_string()),
        None => ServerLabel::Remote(base.clone()),
    };
    let client = Client::new(&base, &token, config.ui.lang)?;
    if let Some(path) = token_file {
        watch_token_file(client.clone(), path);
    }

    // Drafts are this platform's own: another platform's customers are not offered.
    let platform_key = if platform.is_some() {
        "embedded".to_owned()
    } else {
        base.clone()
    };
    // Drafts an older version kept for every platform move into this one's folder once
    // it has accepted this counter's token (not on a first start against a mistyped
    // address, or a platform that is down: they wait on disk for the next start).
    let me = tokio::time::timeout(Duration::from_secs(3), client.me())
        .await
        .ok()
        .and_then(Result::ok);
    let drafts = if me.is_some() {
        tabs::newapp::draft::settle(&data_dir(), &platform_key)
    } else {
        tabs::newapp::draft::dir(&data_dir(), &platform_key)
    };
    let init = tabs::Init {
        drafts: Some(drafts.clone()),
    };
    let mut app = App::new(
        config.ui.lang,
        theme,
        label,
        OffsetDateTime::now_utc(),
        tabs::all(&init),
    );
    app.theme_dir = theme_dir;
    app.no_color = no_color;
    // The operator, as the start-up learnt: the frame does not ask again.
    app.shared.me = me;
    app.shared.read_only = config.ui.read_only;
    app.shared.embedded = platform.is_some();
    app.shared.printer = config
        .print
        .printer
        .clone()
        .filter(|p| !p.trim().is_empty());
    app.colors = ColorMode::detect(no_color);
    app.ascii = config.ui.ascii_borders;
    let result = event_loop(&mut app, client, &config, drafts).await;
    if let Some(platform) = platform {
        let _ = tokio::time::timeout(Duration::from_secs(5), platform.shutdown()).await;
    }
    result
}

async fn event_loop(
    app: &mut App,
    client: Client,
    config: &Config,
    drafts: std::path::PathBuf,
) -> Result<()> {
    let (tx, mut rx) = mpsc::unbounded_channel();
    net::events::spawn(client.clone(), tx.clone(), net::events::QUIET);
    let mut net = net::Net::new(
        client,
        tx,
        data_dir(),
        config.print.clone(),
        config.platform.upload_check.clone(),
    );
    net.drafts = drafts;
    app.start();
    let mut terminal = terminal::Terminal::enter(config.ui.mouse)?;
    if let Ok((width, height)) = crossterm::terminal::size() {
        app.resize(width, height);
    }
    // Asked before the event stream reads the terminal: the answers come on stdin.
    app.graphics = graphics(&config.ui.images);
    let mut events = crossterm::event::EventStream::new();
    // Every second, for countdowns; the app redraws only when something shown changed.
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut lang = app.lang;
    let result: Result<()> = async {
        loop {
            if app.lang != lang {
                // The platform answers in the operator's language too.
                lang = app.lang;
                net.client.set_lang(lang);
            }
            if app.quit {
                // What was typed last reaches the disk before we go, and what is held (an
                // order under review) is given back so a colleague can take it now.
                let last = app.leave();
                net::finish(&net, last, Duration::from_secs(3)).await;
                net.flush().await;
                return Ok(());
            }
            if app.dirty {
                terminal.draw(|frame| app::draw(frame, app))?;
                app.dirty = false;
            }
            for job in app.take_jobs() {
                net::spawn(&net, job);
            }
            tokio::select! {
                event = events.next() => match event {
                    Some(Ok(event)) => {
                        if matches!(event, crossterm::event::Event::Resize(..)) {
                            terminal.clear()?;
                        }
                        app.now = OffsetDateTime::now_utc();
                        app.on_event(event);
                    }
                    Some(Err(e)) => return Err(e.into()),
                    None => return Ok(()),
                },
                Some(msg) = rx.recv() => {
                    app.now = OffsetDateTime::now_utc();
                    app.on_msg(msg);
                    // Take whatever else already arrived before drawing again.
                    while let Ok(msg) = rx.try_recv() {
                        app.on_msg(msg);
                    }
                }
                _ = tick.tick() => app.on_tick(OffsetDateTime::now_utc()),
            }
        }
    }
    .await;
    terminal.exit()?;
    result
}

/// A terminal graphics protocol for scans, when the setting and the terminal allow one;
/// `None`: half blocks. `auto` asks the terminal only when its environment suggests it can
/// draw images (asking a terminal that cannot costs a timeout at start).
fn graphics(setting: &str) -> Option<ratatui_image::picker::Picker> {
    use ratatui_image::picker::{Picker, ProtocolType};
    let forced = match setting {
        "kitty" => Some(ProtocolType::Kitty),
        "sixel" => Some(ProtocolType::Sixel),
        "iterm2" => Some(ProtocolType::Iterm2),
        "auto" => None,
        _ => return None,
    };
    if forced.is_none() {
        let var = |name: &str| std::env::var(name).unwrap_or_default();
        let term = var("TERM");
        let program = var("TERM_PROGRAM");
        let hinted = !var("KITTY_WINDOW_ID").is_empty()
            || ["kitty", "ghostty", "foot", "wezterm", "mlterm"]
                .iter()
                .any(|t| term.contains(t))
            || ["iTerm.app", "WezTerm", "ghostty"].contains(&program.as_str());
        if !hinted {
            return None;
        }
    }
    let mut picker = match Picker::from_query_stdio() {
        Ok(picker) => picker,
        Err(e) => {
            tracing::info!(error = %e, "the terminal did not say how it draws images");
            Picker::halfblocks()
        }
    };
    if let Some(protocol) = forced {
        picker.set_protocol_type(protocol);
    }
    tracing::info!(protocol = ?picker.protocol_type(), "scans are drawn with");
    (picker.protocol_type() != ProtocolType::Halfblocks).then_some(picker)
}

fn init_logging(path: &std::path::Path) -> Result<tracing_appender::non_blocking::WorkerGuard> {
    let dir = path.parent().unwrap_or(std::path::Path::new("."));
    std::fs::create_dir_all(dir)
        .wrap_err_with(|| format!("cannot create the log directory {}", dir.display()))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_owned())
        .unwrap_or_else(|| "ca-counter.log".into());
    let appender = tracing_appender::rolling::never(dir, file_name);
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = tracing_subscriber::EnvFilter::try_from_env("CA_COUNTER_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(writer)
        .try_init();
    Ok(guard)
}
