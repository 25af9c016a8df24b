//! `ca-counter`: the counter TUI (default), the platform server (`serve`), and the
//! administration commands (`operator`, `catalog`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use color_eyre::eyre::{Result, WrapErr, eyre};

use ca_counter::config::{self, Config};
use ca_counter::domain::RoleSet;
use ca_counter::server::Platform;
use ca_counter::server::catalog::Catalog;
use ca_counter::server::store::Store;

#[derive(Debug, Parser)]
#[command(
    name = "ca-counter",
    version,
    about = "Counter terminal and platform of a certificate authority"
)]
struct Cli {
    /// Configuration file (TOML); default: $CA_COUNTER_CONFIG, then the standard config path.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Open the TUI read-only: everything viewable, nothing changeable (support agents).
    #[arg(long)]
    read_only: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Args)]
struct DatabaseArgs {
    /// Database URL: sqlite:///path/file.db or postgres://user@host/db (overrides the config).
    #[arg(
        long,
        env = "CA_COUNTER_DATABASE_URL",
        // The URL may carry a password: `--help` names the variable, never its value.
        hide_env_values = true,
        value_name = "URL",
        global = true
    )]
    database_url: Option<String>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the platform server.
    Serve {
        /// Address to listen on, e.g. 0.0.0.0:8080 (overrides the config).
        #[arg(long, value_name = "ADDR", value_parser = config::parse_listen)]
        listen: Option<SocketAddr>,
        #[command(flatten)]
        database: DatabaseArgs,
        /// Do not load the demo catalog into an empty database.
        #[arg(long)]
        no_demo: bool,
    },
    /// Manage operators and their access tokens.
    Operator {
        #[command(subcommand)]
        command: OperatorCommand,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Demo data for training and trying the product.
    Demo {
        #[command(subcommand)]
        command: DemoCommand,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// After restoring a backup, before any instance serves it (all stopped): moves today's
    /// order numbers and this year's invoice numbers past any given since the backup, and
    /// replaces every operator's tokens (those revoked since would work again), printing
    /// each active operator's new token.
    Restored {
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Manage the catalog of projects and products.
    Catalog {
        #[command(subcommand)]
        command: CatalogCommand,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// The platform's own: checks one uploaded file read from standard input, within a
    /// bound on memory, and answers on one line.
    #[command(hide = true, name = "check-upload")]
    CheckUpload {
        /// The most memory the check may take, in MiB.
        #[arg(long, value_name = "MIB")]
        memory_mb: usize,
        /// Reads a PDF's pages for our QR codes too (a scanner's pictures).
        #[arg(long)]
        codes: bool,
        /// Answers a PDF's page (from 1) as the picture it is, for a preview.
        #[arg(long, value_name = "PAGE", conflicts_with = "codes")]
        picture: Option<usize>,
    },
}

#[derive(Debug, Subcommand)]
enum OperatorCommand {
    /// Add an operator; the new token is printed once, alone on the last line.
    Add {
        /// Unique name.
        #[arg(long)]
        name: String,
        /// Roles: clerk, support, reviewer, mailroom, finance, admin (comma-separated).
        #[arg(long = "role", value_name = "ROLE[,ROLE…]")]
        roles: String,
    },
    /// List operators.
    List,
    /// Disable an operator and revoke all their tokens.
    Revoke {
        /// The operator's name.
        name: String,
    },
    /// Issue another token for an operator (printed once, alone on the last line).
    Token {
        /// The operator's name.
        name: String,
        /// Revoke every token the operator has first (one leaked, a device lost).
        #[arg(long)]
        replace: bool,
    },
    /// Enable a revoked operator again, with a new token (the old ones stay revoked).
    Restore {
        /// The operator's name.
        name: String,
    },
    /// Who changed which operator's access, and when (newest first).
    Log {
        /// How many lines at most.
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Change an operator's roles.
    Roles {
        /// The operator's name.
        name: String,
        /// The new roles: clerk, support, reviewer, mailroom, finance, admin (comma-separated).
        #[arg(long = "role", value_name = "ROLE[,ROLE…]")]
        roles: String,
    },
}

#[derive(Debug, Subcommand)]
enum DemoCommand {
    /// Walk-in orders taken through the real API to 待邮寄 (submitted by `demo-clerk`, paid
    /// at the sandbox cashier, approved by `demo-reviewer`), for the 邮寄 and 开票 tabs (with
    /// `--for-review`, left in the 审核队列 before approval); with
    /// `--fast`, a province's worth written straight into the tables (three years of made-up
    /// orders in every status, a customer for every five), for trying the platform at scale.
    Orders {
        /// How many (at most 500 without `--fast`).
        #[arg(long, default_value_t = 20)]
        count: usize,
        /// Write the orders straight into the database, thousands per transaction.
        #[arg(long)]
        fast: bool,
        /// With `--fast`: the seed the orders are drawn from (the same seed, the same orders).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Write them into a PostgreSQL database too: there a platform is shared by
        /// counters, and made-up orders would wait in real queues among real ones.
        #[arg(long)]
        into_shared_database: bool,
        /// Leave them waiting in the 审核队列 (paid, their scan uploaded, not approved), for
        /// a reviewer to practise on.
        #[arg(long, conflicts_with = "fast")]
        for_review: bool,
    },
}

#[derive(Debug, Subcommand)]
enum CatalogCommand {
    /// Add or update projects and products from a TOML file: [[project]] code, name, region,
    /// initials; [[project.product]] code, name, user_type, validity_years, price (README,
    /// "Configuration and data").
    Import {
        /// The catalog file.
        file: PathBuf,
        /// Withdraw from sale every project and product not in the file (the demo
        /// catalog an empty database started with, say); orders that name them keep them.
        #[arg(long)]
        replace: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Command::CheckUpload {
        memory_mb,
        codes,
        picture,
    }) = cli.command
    {
        // A child of the platform: bounded before it reads anything, no runtime, no log,
        // and no core dump when it ends past its memory (each would be as large).
        let _ = rlimit::setrlimit(rlimit::Resource::CORE, 0, 0);
        capped::limit(memory_mb.saturating_mul(1 << 20));
        return ca_counter::upload_check::check_from_stdin(codes, picture);
    }
    if cli.command.is_some() {
        // The TUI installs its own hooks, which give the terminal back first.
        let _ = color_eyre::install();
    }
    if matches!(cli.command, Some(Command::Serve { .. })) {
        // A request that panics ends alone and the platform goes on: its log says so in one
        // line, in the request's span (its id), not a coloured backtrace without either.
        std::panic::set_hook(Box::new(|info| {
            let place = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_default();
            let what = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_default();
            // Before the log is set up (or if it never is), said on stderr all the same.
            if tracing::dispatcher::has_been_set() {
                tracing::error!(%place, panic = %what, "a task panicked");
            } else {
                eprintln!("ca-counter: panicked at {place}: {what}");
            }
        }));
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("ca-counter: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(run(cli));
    // Work still running off the async workers (a crafted upload being checked) does not
    // keep a stopped platform alive: a moment for it, then the process ends.
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ca-counter: {}", causes(&e));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes on one line, each said once: a database error's text repeats
/// its source's ("database: error returned from database: X", then "X").
fn causes(error: &color_eyre::eyre::Report) -> String {
    let mut said = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if said.contains(text.trim()) {
            continue;
        }
        if !said.is_empty() {
            said.push_str(": ");
        }
        said.push_str(&text);
    }
    said
}

async fn run(cli: Cli) -> Result<()> {
    // A command writing the database (a million demo orders, `restored`) past a file-size
    // limit stops with the database's error, not killed without a word.
    if cli.command.is_some() {
        ca_counter::server::listen::survive_file_size_limit();
    }
    let (mut config, config_path) = Config::discover(cli.config.as_deref())?;
    config.ui.read_only |= cli.read_only;
    // Uploaded PDFs are checked by this very program, each in a process of its own (the
    // platform served, or embedded in the counter): on Linux the running image itself,
    // whatever was installed over its file since (an upgrade, a release directory pruned).
    let running = std::path::Path::new("/proc/self/exe");
    config.platform.upload_check.program = if running.exists() {
        Some(running.to_path_buf())
    } else {
        std::env::current_exe().ok()
    };
    match cli.command {
        None => ca_counter::tui::run(config).await,
        Some(Command::Serve {
            listen,
            database,
            no_demo,
        }) => serve(config, config_path, listen, database, no_demo).await,
        Some(Command::CheckUpload { .. }) => Ok(()),
        Some(Command::Restored { database }) => {
            eprintln!("database {}", redact(&database_url(&config, &database)));
            // Revoking every token under serving instances would sign every counter out
            // mid-work (and run twice, move the numbers on twice): only with all stopped —
            // checked before the database is opened (and migrated), and held meanwhile.
            let url = database_url(&config, &database);
            let _restoring = ca_counter::server::store::Store::restoring(&url)
                .await
                .map_err(|e| eyre!(e))?;
            let store = open_store(&config, &database).await?;
            let store = store.acting_as(&command_runner("restored"));
            // A database with nothing in it was not restored into: revoking nothing and
            // printing no token would read as done.
            if !store.holds_anything().await? {
                return Err(eyre!(
                    "{} holds no order and no operator's token: nothing was restored into it. \
                     Restore the backup as README, Backups says (PostgreSQL: drop it and \
                     create it again first — it has the platform's tables, which a restore \
                     into it would collide with; SQLite: copy the backup over it), then run \
                     `restored` on it.",
                    redact(&url)
                ));
            }
            let restored = store.after_restore().await.map_err(|e| {
                eyre!("restored could not finish: {e}. Nothing was changed; run it again.")
            })?;
            println!(
                "today's next order follows {} (at least {} past the backup's, and ten a \
                 second since midnight: a second restore of the same backup today does not \
                 give its numbers again while fewer than ten orders a second were made), \
                 this year's next invoice number follows sequence {} (at least {} past); \
                 every earlier token is revoked. Each operator's new token (hand each to its \
                 owner only):",
                restored.orders_after,
                ca_counter::server::store::RESTORE_ORDER_MARGIN,
                restored.invoices_after,
                ca_counter::server::store::RESTORE_INVOICE_MARGIN
            );
            if restored.orders_capped {
                eprintln!(
                    "WARNING: today's order numbers could not move on by the whole {} (an \
                     order number has six digits for the day's): new orders follow {}. Was \
                     `restored` run several times today? Orders given numbers after the \
                     backup may share them with new ones until midnight.",
                    ca_counter::server::store::RESTORE_ORDER_MARGIN,
                    restored.orders_after
                );
            }
            for (name, token) in restored.tokens {
                println!("{name}\t{token}");
            }
            Ok(())
        }
        Some(Command::Operator { command, database }) => {
            // Said first: a token made in another database than the platform's is no use.
            let url = database_url(&config, &database);
            eprintln!("database {}", redact(&url));
            // A path typed wrong would otherwise be a new, empty database: an operator
            // added there signs in nowhere, and the others are "not found".
            let made_here = ca_counter::server::store::missing_sqlite_file(&url);
            if let Some(path) = &made_here
                && !matches!(command, OperatorCommand::Add { .. })
            {
                return Err(eyre!(
                    "there is no database at {}: is the path right (--database-url, \
                     CA_COUNTER_DATABASE_URL, [platform] database_url in the config)? \
                     Nothing was made there.",
                    path.display()
                ));
            }
            let done = async {
                let store = open_store(&config, &database).await?;
                // The operator log names who ran the command.
                let store = store.acting_as(&command_runner("operator"));
                let done = operator(&store, command).await;
                store.close().await;
                done
            }
            .await;
            // (Nothing is removed when it was refused: another process may have made the
            // database there meanwhile — a platform's first start.)
            if let Some(path) = &made_here
                && done.is_ok()
            {
                eprintln!(
                    "note: there was no database at {} yet; a new one was made there for this \
                     operator. If the platform's database is elsewhere, this token will not \
                     sign in to it: check the path (--database-url, CA_COUNTER_DATABASE_URL).",
                    path.display()
                );
            }
            done
        }
        Some(Command::Demo {
            command:
                DemoCommand::Orders {
                    into_shared_database: false,
                    ..
                },
            database,
        }) if database_url(&config, &database).starts_with("postgres") => Err(eyre!(
            "demo orders are made-up work: in {} (PostgreSQL, a platform shared by counters) \
             they would wait in the real queues among real orders, with no way to tell them \
             apart. Use a database of its own (--database-url), or pass \
             --into-shared-database if this one is a demo",
            redact(&database_url(&config, &database))
        )),
        Some(Command::Demo {
            command:
                DemoCommand::Orders {
                    count,
                    fast: true,
                    seed,
                    ..
                },
            database,
        }) => {
            // The operator log names who ran it (the loader's operator is made disabled).
            let store = open_store(&config, &database)
                .await?
                .acting_as(&command_runner("demo orders --fast"));
            if store.catalog_is_empty().await? {
                store
                    .import_catalog(&ca_counter::server::catalog::demo_catalog(), false)
                    .await??;
            }
            let started = std::time::Instant::now();
            // On a terminal the progress rewrites one line; into a log, a line each.
            let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
            let loaded = store
                .load_demo_orders(count as u64, seed, |done| {
                    if terminal {
                        eprint!("\r{done} / {count} orders");
                    } else {
                        eprintln!("{done} / {count} orders");
                    }
                })
                .await
                .wrap_err("loading demo orders")?;
            if terminal {
                eprintln!();
            }
            println!(
                "{} demo orders for {} customers written in {:.1} s",
                loaded.orders,
                loaded.customers,
                started.elapsed().as_secs_f64()
            );
            store.close().await;
            Ok(())
        }
        Some(Command::Demo {
            command: DemoCommand::Orders {
                count, for_review, ..
            },
            database,
        }) => {
            let url = database_url(&config, &database);
            let made = ca_counter::demo::orders(
                &config.platform,
                &url,
                count.min(500),
                for_review,
                &command_runner(ca_counter::demo::DEMO_COMMAND),
            )
            .await
            .wrap_err_with(|| format!("demo orders in {}", redact(&url)))?;
            let waiting = if for_review {
                "to be reviewed (待审核)"
            } else {
                "to be mailed (待邮寄)"
            };
            match made.as_slice() {
                [] => println!("no demo orders were made"),
                [one] => println!("1 demo order is waiting {waiting}, {one}"),
                [first, .., last] => println!(
                    "{} demo orders are waiting {waiting}, {first} … {last}",
                    made.len()
                ),
            }
            Ok(())
        }
        Some(Command::Catalog {
            command: CatalogCommand::Import { file, replace },
            database,
        }) => {
            let catalog = Catalog::load(&file)?;
            let store = open_store(&config, &database).await?;
            let counts = store.import_catalog(&catalog, replace).await??;
            println!(
                "imported {} projects and {} products from {}{}",
                counts.projects,
                counts.products,
                file.display(),
                if replace {
                    "; every other project and product is withdrawn from sale"
                } else {
                    ""
                }
            );
            let demo = store.demo_products_on_sale().await?;
            if demo > 0 {
                eprintln!(
                    "warning: {demo} products of the demo catalog (example projects and \
                     prices) are still on sale; `catalog import --replace {}` withdraws them",
                    file.display()
                );
            }
            Ok(())
        }
    }
}

fn database_url(config: &Config, args: &DatabaseArgs) -> String {
    args.database_url
        .clone()
        .or_else(|| config.platform.database_url.clone())
        .unwrap_or_else(config::default_database_url)
}

async fn open_store(config: &Config, args: &DatabaseArgs) -> Result<Store> {
    let url = database_url(config, args);
    Store::open(&url, 2)
        .await
        .wrap_err_with(|| format!("cannot open the database {}", redact(&url)))
}

/// The URL without a password (in its credentials or as a `password=` parameter), for
/// messages.
fn redact(url: &str) -> String {
    let Some(scheme) = url.find("://") else {
        return url.to_owned();
    };
    let rest = &url[scheme + 3..];
    // The credentials end at the last `@` before the path: a password may hold `@`.
    let authority = rest.find(['/', '?']).map_or(rest, |end| &rest[..end]);
    let without = match authority.rfind('@') {
        Some(at) => match authority[..at].split_once(':') {
            Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &rest[at..]),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    };
    match without.split_once('?') {
        Some((base, query)) => {
            let query: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
                    _ => pair.to_owned(),
                })
                .collect();
            format!("{base}?{}", query.join("&"))
        }
        None => without,
    }
}

async fn serve(
    mut config: Config,
    config_path: Option<PathBuf>,
    listen: Option<SocketAddr>,
    database: DatabaseArgs,
    no_demo: bool,
) -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal, not in a log file or a journal.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    if let Some(listen) = listen {
        config.platform.listen = listen;
    }
    if no_demo {
        config.platform.demo_catalog = false;
    }
    if config.platform.upload_check.program.is_none() {
        return Err(eyre!(
            "cannot find this program's own file, which checks each uploaded PDF in a process of its own"
        ));
    }
    let url = database_url(&config, &database);
    // A wrong setting is said before the port is taken (a port in use would hide it).
    // (It names the section and key; the file it is in, when there is one.)
    Platform::check_config(&config.platform).wrap_err_with(|| match &config_path {
        Some(path) => format!("in {}", path.display()),
        None => "with no configuration file".to_owned(),
    })?;
    let listener = tokio::net::TcpListener::bind(config.platform.listen)
        .await
        .wrap_err_with(|| format!("cannot listen on {}", config.platform.listen))?;
    let platform = Platform::start(config.platform.clone(), &url, listener)
        .await
        .wrap_err_with(|| format!("cannot start the platform on {}", redact(&url)))?;
    eprintln!(
        "ca-counter platform {} on {} (database {}, config {})",
        env!("CARGO_PKG_VERSION"),
        platform.base_url(),
        redact(&url),
        config_path
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "defaults".into()),
    );
    eprintln!(
        "phones are sent to {}; stop with Ctrl-C",
        platform.public_base_url()
    );
    let public = platform.public_base_url();
    let host = public
        .split_once("://")
        .map_or(public, |(_, rest)| rest)
        .split('/')
        .next()
        .unwrap_or_default();
    if config::is_unreachable_host(host) {
        // 0.0.0.0 (or ::) listens on every interface, but is no address to open.
        let what = if host.starts_with("0.0.0.0") || host.starts_with("[::]") {
            "means every interface of this machine, not an address a phone can open"
        } else {
            "is this machine only"
        };
        // Set already (to this machine's own address): said as what is wrong with it.
        let fix = if config.platform.public_base_url.is_some() {
            "change [platform] public_base_url, which names it, to the address phones reach"
        } else {
            "set [platform] public_base_url to the address phones reach"
        };
        eprintln!(
            "warning: {host} {what} — QR codes and text messages will send phones to an \
             address they cannot open; {fix} (every instance the same)"
        );
    }
    // Every built-in stand-in says it is one, on the first screen an operator reads.
    // As the platform counted them at start (the demo catalog's products included), the
    // same in both languages.
    let demo = platform.demo();
    if let Some(line) = demo.line(ca_counter::i18n::Lang::ZhCn) {
        eprintln!("{line}");
        eprintln!(
            "{}",
            demo.line(ca_counter::i18n::Lang::En).unwrap_or_default()
        );
    }
    stop_signal().await;

    eprintln!("stopping: finishing requests in flight…");
    platform
        .shutdown()
        .await
        .wrap_err("the server stopped with an error")?;
    Ok(())
}

/// Ctrl-C, or SIGTERM on Unix.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

async fn operator(store: &Store, command: OperatorCommand) -> Result<()> {
    match command {
        OperatorCommand::Add { name, roles } => {
            let name = name.trim();
            if name.is_empty() {
                return Err(eyre!("the operator name must not be empty"));
            }
            // A name is shown in lists, histories and the status line: one line of text, by
            // the rule for all human text (no control or direction characters).
            let name = &ca_counter::domain::human_text(name, ca_counter::domain::Lines::One, 50)
                .map_err(|e| eyre!("operator name: {}", e.render(ca_counter::i18n::Lang::En)))?;
            let roles = parse_roles(&roles)?;
            // Histories, lists and the status line name operators; two names a reader
            // cannot tell apart ("Li" and "li") would make them say the wrong person.
            let lower = name.to_lowercase();
            if let Some(like) = store
                .list_operators()
                .await?
                .into_iter()
                .find(|o| o.operator.name != *name && o.operator.name.to_lowercase() == lower)
            {
                return Err(eyre!(
                    "an operator named {:?} already exists; a name differing only in case \
                     would be confused with it in histories: choose another",
                    like.operator.name
                ));
            }
            let (operator, token) = match store.add_operator(name, &roles).await {
                Ok(added) => added,
                Err(e) if e.is_unique_violation() => {
                    return Err(match no_active_operator(store, name).await.to_string() {
                        revoked if revoked.contains("restore") => eyre!(
                            "an operator named {name:?} already exists and is revoked: \
                             `ca-counter operator restore {name}` enables them again"
                        ),
                        _ => eyre!("an operator named {name:?} already exists"),
                    });
                }
                Err(e) => return Err(e.into()),
            };
            println!(
                "added operator {} with roles {}; their token (shown only now):",
                operator.name,
                roles.to_list()
            );
            println!("{token}");
        }
        OperatorCommand::List => {
            let operators = store.list_operators().await?;
            if operators.is_empty() {
                println!(
                    "no operators yet: add one with `ca-counter operator add --name NAME --role ROLE`"
                );
            }
            println!(
                "{:<20} {:<36} {:<8} {:>6}  CREATED (UTC+8)",
                "NAME", "ROLES", "STATUS", "TOKENS"
            );
            for o in operators {
                let created = ca_counter_time(o.created_at);
                let status = if o.disabled_at.is_some() {
                    "revoked"
                } else {
                    "active"
                };
                println!(
                    "{} {:<36} {:<8} {:>6}  {created}",
                    pad_columns(&o.operator.name, 20),
                    o.operator.roles.to_list(),
                    status,
                    o.active_tokens
                );
            }
        }
        OperatorCommand::Revoke { name } => {
            if store.revoke_operator(&name).await? {
                println!("revoked operator {name} and all their tokens");
            } else {
                return Err(eyre!("there is no active operator named {name:?}"));
            }
        }
        OperatorCommand::Token { name, replace } => {
            let issued = if replace {
                store.replace_tokens(&name).await?
            } else {
                store.issue_token(&name).await?
            };
            match issued {
                Some(token) => {
                    if replace {
                        println!("revoked every earlier token of {name}");
                    }
                    println!("new token for {name} (shown only now):");
                    println!("{token}");
                }
                None => return Err(no_active_operator(store, &name).await),
            }
        }
        OperatorCommand::Restore { name } => match store.restore_operator(&name).await? {
            Some(token) => {
                println!("restored operator {name}; their new token (shown only now):");
                println!("{token}");
            }
            None => return Err(eyre!("there is no revoked operator named {name:?}")),
        },
        OperatorCommand::Log { limit } => {
            let lines = store.operator_log(limit.max(1)).await?;
            if lines.is_empty() {
                println!("no changes to operators yet");
                return Ok(());
            }
            println!(
                "{:<17} {:<15} {} {:<28} BY",
                "AT (UTC+8)",
                "ACTION",
                pad_columns("OPERATOR", 20),
                "ROLES"
            );
            for line in lines {
                println!(
                    "{:<17} {:<15} {} {:<28} {}",
                    ca_counter_time(line.at),
                    line.action,
                    pad_columns(&line.operator_name, 20),
                    line.detail.unwrap_or_default(),
                    line.by_whom
                );
            }
        }
        OperatorCommand::Roles { name, roles } => {
            let roles = parse_roles(&roles)?;
            if store.set_roles(&name, &roles).await? {
                println!(
                    "{name} now has roles {} (every instance takes them at once; open screens reconnect)",
                    roles.to_list()
                );
            } else {
                return Err(no_active_operator(store, &name).await);
            }
        }
    }
    Ok(())
}

/// The roles of `--role`, or why not.
fn parse_roles(list: &str) -> Result<RoleSet> {
    let roles = RoleSet::parse(list).map_err(|bad| {
        eyre!("unknown role {bad:?}: use clerk, support, reviewer, mailroom, finance, admin")
    })?;
    if roles.is_empty() {
        return Err(eyre!("give at least one role with --role"));
    }
    Ok(roles)
}

/// Why a command for the active operator `name` found none: a revoked one is named as such,
/// with the way back.
async fn no_active_operator(store: &Store, name: &str) -> color_eyre::eyre::Report {
    let revoked = store
        .list_operators()
        .await
        .map(|all| {
            all.iter()
                .any(|o| o.operator.name == name.trim() && o.disabled_at.is_some())
        })
        .unwrap_or(false);
    if revoked {
        eyre!(
            "operator {name:?} is revoked: `ca-counter operator restore {name}` enables them again"
        )
    } else {
        eyre!("there is no active operator named {name:?}")
    }
}

/// Who runs this command, as the operator log names them: the system user and host, and
/// the `command` (`operator`, `demo orders`). The user is the process's own (its uid,
/// named from `/etc/passwd`), not `$USER`, which the caller sets as they like (and
/// systemd and containers leave unset).
fn command_runner(command: &str) -> String {
    let user = system_user().unwrap_or_else(|| "unknown".into());
    let host = ca_counter::server::listen::host_name();
    format!("{user}@{host} (ca-counter {command})")
}

/// The name (and uid) of the user this process runs as.
fn system_user() -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // `/proc/self` belongs to the process's user.
        let uid = std::fs::metadata("/proc/self").ok()?.uid();
        let name = std::fs::read_to_string("/etc/passwd")
            .ok()
            .and_then(|passwd| {
                passwd.lines().find_map(|line| {
                    let mut fields = line.split(':');
                    let name = fields.next()?;
                    let id = fields.nth(1)?;
                    (id.parse::<u32>().ok() == Some(uid)).then(|| name.to_owned())
                })
            });
        Some(match name {
            Some(name) => name,
            None => format!("uid {uid}"),
        })
    }
    #[cfg(not(unix))]
    {
        std::env::var("USERNAME").ok()
    }
}

fn ca_counter_time(ms: i64) -> String {
    let china = time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC);
    time::OffsetDateTime::from_unix_timestamp(ms / 1000)
        .map(|t| t.to_offset(china))
        .ok()
        .and_then(|t| {
            t.format(time::macros::format_description!(
                "[year]-[month]-[day] [hour]:[minute]"
            ))
            .ok()
        })
        .unwrap_or_default()
}

/// `text` followed by spaces to fill `columns` terminal columns: a Chinese name takes two
/// columns a character, which `{:<20}` counts as one, and the table's columns would drift.
fn pad_columns(text: &str, columns: usize) -> String {
    let width = unicode_width::UnicodeWidthStr::width(text);
    format!("{text}{}", " ".repeat(columns.saturating_sub(width)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_password_is_never_shown() {
        assert_eq!(
            redact("postgres://app:s3cr@t@db.example/ca?sslmode=require"),
            "postgres://app:***@db.example/ca?sslmode=require"
        );
        assert_eq!(
            redact("postgres://app@127.0.0.1:5432/ca?password=S3cretQ&sslmode=disable"),
            "postgres://app@127.0.0.1:5432/ca?password=***&sslmode=disable"
        );
        assert_eq!(redact("sqlite:///var/lib/x.db"), "sqlite:///var/lib/x.db");
    }
}

/// The allocator, bounded on request: a child checking an upload
/// (`ca-counter check-upload`) may take only so much memory — an allocation past the bound
/// fails, and the process ends without an answer, which refuses the file. Until a bound is
/// set (the platform, the TUI) nothing is counted.
mod capped {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering};

    /// The bound in bytes; `usize::MAX` for none.
    static LIMIT: AtomicUsize = AtomicUsize::new(usize::MAX);
    /// Bytes taken since the bound was set (what was freed of earlier allocations makes it
    /// go below zero, never past the bound).
    static TAKEN: AtomicIsize = AtomicIsize::new(0);

    /// Bounds what the process may allocate from now on.
    pub fn limit(bytes: usize) {
        TAKEN.store(0, Ordering::SeqCst);
        LIMIT.store(bytes, Ordering::SeqCst);
    }

    fn take(size: usize) -> bool {
        let limit = LIMIT.load(Ordering::Relaxed);
        if limit == usize::MAX {
            return true;
        }
        let size = isize::try_from(size).unwrap_or(isize::MAX);
        let before = TAKEN.fetch_add(size, Ordering::Relaxed);
        let after = before.saturating_add(size);
        if usize::try_from(after).is_ok_and(|after| after > limit) {
            TAKEN.fetch_sub(size, Ordering::Relaxed);
            return false;
        }
        true
    }

    fn give(size: usize) {
        if LIMIT.load(Ordering::Relaxed) != usize::MAX {
            TAKEN.fetch_sub(
                isize::try_from(size).unwrap_or(isize::MAX),
                Ordering::Relaxed,
            );
        }
    }

    struct Capped;

    // SAFETY: every call goes to the system allocator with the caller's own arguments; an
    // allocation past the bound is answered as the system allocator answers one it cannot
    // make (a null pointer), which callers must handle.
    unsafe impl GlobalAlloc for Capped {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            if !take(layout.size()) {
                return std::ptr::null_mut();
            }
            // SAFETY: the caller's layout, as the contract asks.
            let p = unsafe { System.alloc(layout) };
            if p.is_null() {
                give(layout.size());
            }
            p
        }

        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            if !take(layout.size()) {
                return std::ptr::null_mut();
            }
            // SAFETY: the caller's layout, as the contract asks.
            let p = unsafe { System.alloc_zeroed(layout) };
            if p.is_null() {
                give(layout.size());
            }
            p
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            // SAFETY: a block this allocator gave, with its layout, as the contract asks.
            unsafe { System.dealloc(ptr, layout) };
            give(layout.size());
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            let old = layout.size();
            if new_size > old && !take(new_size - old) {
                return std::ptr::null_mut();
            }
            // SAFETY: a block this allocator gave, its layout and a valid new size, as
            // the contract asks.
            let p = unsafe { System.realloc(ptr, layout, new_size) };
            if p.is_null() {
                if new_size > old {
                    give(new_size - old);
                }
            } else if new_size < old {
                give(old - new_size);
            }
            p
        }
    }

    #[global_allocator]
    static ALLOCATOR: Capped = Capped;
}
