//! The `ca-counter` binary as an administrator uses it: operators, catalog import, serve,
//! configuration errors, clean stop.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_ca-counter");

struct Env {
    dir: tempfile::TempDir,
    url: String,
    /// What `serve` has written to stderr so far.
    said: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Env {
    fn new() -> Env {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("platform.db").display());
        Env {
            dir,
            url,
            said: Default::default(),
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(BIN);
        command
            .args(args)
            .env("CA_COUNTER_DATABASE_URL", &self.url)
            .env("CA_COUNTER_DATA_DIR", self.dir.path())
            .env_remove("CA_COUNTER_CONFIG")
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"));
        command
    }

    fn run(&self, args: &[&str]) -> (bool, String, String) {
        let output = self.command(args).output().expect("run ca-counter");
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    /// Starts `serve` on an ephemeral port; returns the process and its base URL.
    fn serve(&self, extra: &[&str]) -> (Child, String) {
        let mut args = vec!["serve", "--listen", "127.0.0.1:0"];
        args.extend_from_slice(extra);
        self.serve_with(self.command(&args))
    }

    /// [`Env::serve`] with the files it writes limited to `kib` KiB each (`ulimit -f`).
    fn serve_limited(&self, kib: u64) -> (Child, String) {
        let mut command = self.command(&[]);
        let mut limited = Command::new("sh");
        limited
            .args(["-c", &format!("ulimit -f {kib} && exec \"$0\" \"$@\"")])
            .args([BIN, "serve", "--listen", "127.0.0.1:0"])
            .envs(
                command
                    .get_envs()
                    .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.to_owned()))),
            );
        command.env_clear();
        self.serve_with(limited)
    }

    fn serve_with(&self, mut command: Command) -> (Child, String) {
        let mut child = command
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn serve");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = std::sync::mpsc::channel();
        let said = self.said.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Ok(mut said) = said.lock() {
                    said.push(line.clone());
                }
                if let Some(rest) = line.split(" on http://").nth(1) {
                    let address = rest
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_owned();
                    let _ = tx.send(format!("http://{address}"));
                }
            }
        });
        let Ok(base) = rx.recv_timeout(Duration::from_secs(30)) else {
            let said = self.said.lock().map(|s| s.join("\n")).unwrap_or_default();
            panic!("serve did not announce its address: {said}");
        };
        (child, base)
    }
}

fn get(url: &str, token: Option<&str>) -> (u16, String) {
    let mut command = Command::new("curl");
    command.args(["-s", "-o", "-", "-w", "\n%{http_code}", url]);
    if let Some(token) = token {
        command.args(["-H", &format!("Authorization: Bearer {token}")]);
    }
    let output = command.output().expect("curl");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let (body, code) = text.rsplit_once('\n').unwrap_or(("", "0"));
    (code.trim().parse().unwrap_or(0), body.to_owned())
}

fn stop(mut child: Child) -> std::process::ExitStatus {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("serve did not stop within 15 s of SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn operator_add_prints_the_token_alone_on_the_last_line_and_it_works_while_serving() {
    let env = Env::new();
    let (child, base) = env.serve(&[]);
    let (ok, stdout, stderr) = env.run(&[
        "operator",
        "add",
        "--name",
        "李柜员",
        "--role",
        "clerk,reviewer",
    ]);
    assert!(ok, "{stderr}");
    let token = stdout.lines().last().expect("a last line").to_owned();
    assert!(
        token.starts_with("cac_") && !token.contains(' '),
        "{stdout}"
    );
    assert!(token.len() >= 40, "at least 128 bits: {token}");

    let (status, body) = get(&format!("{base}/api/v1/me"), Some(&token));
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("李柜员") && body.contains("reviewer"),
        "{body}"
    );

    let (ok, stdout, _) = env.run(&["operator", "list"]);
    assert!(ok);
    assert!(
        stdout.contains("李柜员") && stdout.contains("clerk,reviewer") && stdout.contains("active")
    );
    assert!(!stdout.contains(&token), "tokens are never listed");
    // A Chinese name's row lines up with the header: its roles start in the same column.
    let column = |line: &str, word: &str| {
        line.find(word)
            .map(|at| unicode_width::UnicodeWidthStr::width(&line[..at]))
    };
    let header = stdout
        .lines()
        .find(|l| l.starts_with("NAME"))
        .expect("header");
    let row = stdout
        .lines()
        .find(|l| l.starts_with("李柜员"))
        .expect("row");
    assert_eq!(column(row, "clerk"), column(header, "ROLES"), "{stdout}");

    let (ok, _, stderr) = env.run(&["operator", "add", "--name", "李柜员", "--role", "clerk"]);
    assert!(!ok);
    assert!(stderr.contains("already exists"), "{stderr}");
    let (ok, _, stderr) = env.run(&["operator", "add", "--name", "x", "--role", "boss"]);
    assert!(!ok);
    assert!(stderr.contains("unknown role \"boss\""), "{stderr}");
    // Names a history could not tell apart are refused, naming the one already there.
    let (ok, _, _) = env.run(&["operator", "add", "--name", "Wang Fang", "--role", "clerk"]);
    assert!(ok);
    let (ok, _, stderr) = env.run(&["operator", "add", "--name", "wang fang", "--role", "clerk"]);
    assert!(!ok && stderr.contains("differing only in case"), "{stderr}");
    assert!(stderr.contains("\"Wang Fang\""), "{stderr}");

    let (ok, _, _) = env.run(&["operator", "revoke", "李柜员"]);
    assert!(ok);
    // The platform remembers valid tokens for a few seconds; it hears of a revocation by
    // another process when its event reader next looks at the database (every 2 s on
    // SQLite) and forgets the operator's tokens then, within 5 s in any case.
    let started = std::time::Instant::now();
    loop {
        let (status, body) = get(&format!("{base}/api/v1/me"), Some(&token));
        if status == 401 {
            break;
        }
        assert_eq!(status, 200, "{body}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(6),
            "the revoked token still works"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let (ok, _, stderr) = env.run(&["operator", "revoke", "李柜员"]);
    assert!(!ok && stderr.contains("no active operator"), "{stderr}");
    // A revoked operator is named as such, with the way back; restored, they get a new
    // token, and the old one stays revoked.
    let (ok, _, stderr) = env.run(&["operator", "token", "李柜员"]);
    assert!(!ok && stderr.contains("operator restore"), "{stderr}");
    let (ok, _, stderr) = env.run(&["operator", "add", "--name", "李柜员", "--role", "clerk"]);
    assert!(!ok && stderr.contains("operator restore"), "{stderr}");
    let (ok, stdout, stderr) = env.run(&["operator", "restore", "李柜员"]);
    assert!(ok, "{stderr}");
    let restored = stdout.lines().last().expect("token").to_owned();
    assert_eq!(get(&format!("{base}/api/v1/me"), Some(&restored)).0, 200);
    assert_eq!(get(&format!("{base}/api/v1/me"), Some(&token)).0, 401);
    // New roles, taken by the platform as soon as its event reader reads the change (every
    // 2 s on SQLite for another process's), not when its memory of the token runs out (5 s):
    // a demotion takes effect like a revocation.
    // (Run by someone who says they are someone else: the log names who they are.)
    let ok = env
        .command(&["operator", "roles", "李柜员", "--role", "support"])
        .env("USER", "mallory")
        .env("LOGNAME", "mallory")
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok);
    let started = std::time::Instant::now();
    loop {
        let (status, body) = get(&format!("{base}/api/v1/me"), Some(&restored));
        assert_eq!(status, 200, "{body}");
        if body.contains("\"support\"") && !body.contains("\"clerk\"") {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(4),
            "the new roles are not taken: {body}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    // A leaked token: every earlier one revoked, one new one issued.
    let (ok, stdout, stderr) = env.run(&["operator", "token", "李柜员", "--replace"]);
    assert!(ok, "{stderr}");
    let replaced = stdout.lines().last().expect("token").to_owned();
    let started = std::time::Instant::now();
    while get(&format!("{base}/api/v1/me"), Some(&restored)).0 != 401 {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(7),
            "the replaced token still works"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(get(&format!("{base}/api/v1/me"), Some(&replaced)).0, 200);
    assert!(stop(child).success());
    // Every change to 李柜员's access is in the operator log, newest first, with who ran
    // the command; a mistake (a second revoke) changed nothing and is not.
    let (ok, stdout, stderr) = env
        .command(&["operator", "log"])
        .env("USER", "zhang-admin")
        .output()
        .map(|o| {
            (
                o.status.success(),
                String::from_utf8_lossy(&o.stdout).into_owned(),
                String::from_utf8_lossy(&o.stderr).into_owned(),
            )
        })
        .expect("run");
    assert!(ok, "{stderr}");
    let actions: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains("李柜员"))
        .filter_map(|l| l.split_whitespace().nth(2))
        .collect();
    assert_eq!(
        actions,
        ["replace_tokens", "roles", "restore", "revoke", "add"],
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.contains("roles") && l.contains("support")),
        "{stdout}"
    );
    assert!(stdout.contains("(ca-counter operator)"), "{stdout}");
    let me = Command::new("id")
        .arg("-un")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .expect("id -un");
    let roles = stdout
        .lines()
        .find(|l| l.contains("李柜员") && l.contains("roles"))
        .unwrap_or_default();
    assert!(
        roles.contains(&format!("{me}@")) && !roles.contains("mallory"),
        "{stdout}"
    );
}

#[test]
fn serve_stops_cleanly_on_sigterm_even_with_an_event_stream_open() {
    let env = Env::new();
    let (_, stdout, _) = env.run(&["operator", "add", "--name", "watcher", "--role", "support"]);
    let token = stdout.lines().last().expect("token").to_owned();
    let (child, base) = env.serve(&[]);
    let mut stream = Command::new("curl")
        .args([
            "-s",
            "-N",
            "-H",
            &format!("Authorization: Bearer {token}"),
            &format!("{base}/api/v1/events"),
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("curl events");
    let mut first = String::new();
    BufReader::new(stream.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("first line");
    assert!(
        first.starts_with("event: hello") || first.starts_with("retry"),
        "{first}"
    );
    let started = Instant::now();
    let status = stop(child);
    assert!(status.success(), "{status:?}");
    assert!(started.elapsed() < Duration::from_secs(10));
    let _ = stream.kill();
    let _ = stream.wait();
}

#[test]
fn a_bad_config_file_is_refused_naming_file_line_and_key() {
    let env = Env::new();
    let path = env.dir.path().join("bad.toml");
    std::fs::write(
        &path,
        "[platform]\nlisten = \"127.0.0.1:0\"\nmax_uplod_bytes = 5\n",
    )
    .expect("write");
    let (ok, _, stderr) = env.run(&["serve", "--config", path.to_str().expect("utf-8 path")]);
    assert!(!ok);
    let expected = format!("{}:3:1", path.display());
    assert!(stderr.contains(&expected), "{stderr}");
    assert!(stderr.contains("max_uplod_bytes"), "{stderr}");
}

/// A listen address written as a host name is refused saying what is wanted, in the file
/// and on the command line.
#[test]
fn a_listen_address_by_host_name_says_what_is_wanted() {
    let env = Env::new();
    let path = env.dir.path().join("listen.toml");
    std::fs::write(&path, "[platform]\nlisten = \"localhost:18401\"\n").expect("write");
    let (ok, _, stderr) = env.run(&["serve", "--config", path.to_str().expect("utf-8 path")]);
    assert!(!ok);
    assert!(
        stderr.contains(":2:") && stderr.contains("127.0.0.1:8080"),
        "{stderr}"
    );
    let (ok, _, stderr) = env.run(&["serve", "--listen", "localhost:99"]);
    assert!(!ok);
    assert!(stderr.contains("is not an IP address and port"), "{stderr}");
}

/// What an operator gets wrong when setting a platform up is said once, in words, and
/// changes nothing: no password in a message, no tables made in a database the program then
/// refuses, no operator name that forges a row of `operator list`.
#[test]
fn an_operators_mistakes_are_said_plainly_and_change_nothing() {
    let env = Env::new();
    // A password with an `@` in it is not shown, in part or whole.
    let (ok, _, stderr) = env.run(&[
        "operator",
        "list",
        "--database-url",
        "mysql://root:S3c@ret@127.0.0.1/x",
    ]);
    assert!(!ok);
    assert!(
        !stderr.contains("S3c") && !stderr.contains("ret@"),
        "{stderr}"
    );
    assert!(
        stderr.contains("unsupported database \"mysql\""),
        "{stderr}"
    );
    // A platform refused for its configuration leaves the database untouched.
    let path = env.dir.path().join("alipay.toml");
    std::fs::write(&path, "[platform]\npayment_provider = \"alipay\"\n").expect("write");
    let (ok, _, stderr) = env.run(&["serve", "--config", path.to_str().expect("utf-8 path")]);
    assert!(!ok);
    assert!(stderr.contains("[platform.alipay]"), "{stderr}");
    assert!(
        !env.dir.path().join("platform.db").exists(),
        "no database made: {stderr}"
    );
    // With its port taken as well, the setting is what is said (the port hid it).
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("listener");
    let port = taken.local_addr().expect("address").port();
    std::fs::write(
        &path,
        format!("[platform]\nlisten = \"127.0.0.1:{port}\"\npayment_provider = \"alipay\"\n"),
    )
    .expect("write");
    let (ok, _, stderr) = env.run(&["serve", "--config", path.to_str().expect("utf-8 path")]);
    assert!(!ok);
    assert!(
        stderr.contains("[platform.alipay]") && !stderr.contains("cannot listen"),
        "{stderr}"
    );
    drop(taken);
    // A negative duration is refused before anything starts.
    std::fs::write(&path, "[platform]\nunpaid_close_hours = -5\n").expect("write");
    let (ok, _, stderr) = env.run(&["serve", "--config", path.to_str().expect("utf-8 path")]);
    assert!(!ok);
    assert!(
        stderr.contains(":2:1") && stderr.contains("must be at least 1, not -5"),
        "{stderr}"
    );
    // Terms that cannot be read stop the start (each application would fail at them).
    let missing = env.dir.path().join("no-such-terms.txt");
    std::fs::write(
        &path,
        format!("[platform]\nterms_file = \"{}\"\n", missing.display()),
    )
    .expect("write");
    let (ok, _, stderr) = env.run(&["serve", "--config", path.to_str().expect("utf-8 path")]);
    assert!(!ok);
    assert!(
        stderr.contains("terms_file") && stderr.contains("no-such-terms.txt"),
        "{stderr}"
    );
    // A URL naming another service's port (an HTTP server): said so, not the protocol's
    // bytes read as a length ("expected to read 1414811696 bytes").
    let http = std::net::TcpListener::bind("127.0.0.1:0").expect("listener");
    let port = http.local_addr().expect("address").port();
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for stream in http.incoming().take(4) {
            let Ok(mut stream) = stream else { continue };
            let mut buffer = [0u8; 512];
            let _ = stream.read(&mut buffer);
            let _ = stream.write_all(
                b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    let (ok, _, stderr) = env.run(&[
        "operator",
        "list",
        "--database-url",
        &format!("postgres://postgres:secret@127.0.0.1:{port}/x"),
    ]);
    assert!(!ok);
    assert!(
        stderr.contains(&format!("127.0.0.1:{port} does not answer as PostgreSQL")),
        "{stderr}"
    );
    assert!(!stderr.contains("secret"), "{stderr}");
    // Made-up orders are not written into a shared platform's database unless asked.
    let (ok, _, stderr) = env.run(&[
        "demo",
        "orders",
        "--count",
        "2",
        "--database-url",
        "postgres://postgres@127.0.0.1:1/production",
    ]);
    assert!(!ok);
    assert!(stderr.contains("--into-shared-database"), "{stderr}");
    // An operator command says which database it works on (here none yet: refused, and
    // none made).
    let (ok, _, stderr) = env.run(&["operator", "list"]);
    assert!(!ok);
    assert!(
        stderr.contains(&format!("database {}", env.url))
            && stderr.contains("there is no database at"),
        "{stderr}"
    );
    assert!(!env.dir.path().join("platform.db").exists(), "{stderr}");
    // A name with a line break would print as a second row.
    let (ok, _, stderr) = env.run(&[
        "operator",
        "add",
        "--name",
        "evil\nadmin    admin",
        "--role",
        "clerk",
    ]);
    assert!(!ok);
    assert!(stderr.contains("operator name"), "{stderr}");
    // A database a newer version has migrated is named as such, once.
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let store = ca_counter::server::store::Store::open(&env.url, 1)
            .await
            .expect("open");
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (999, 'from the future', TRUE, X'00', 0)",
        )
        .execute(store.pool())
        .await
        .expect("a migration from a newer version");
        store.close().await;
    });
    let (ok, _, stderr) = env.run(&["operator", "list"]);
    assert!(!ok);
    assert!(
        stderr.contains("upgraded by a newer ca-counter (migration 999"),
        "{stderr}"
    );
    assert_eq!(stderr.matches("migration 999").count(), 1, "{stderr}");
}

#[test]
fn catalog_import_loads_a_real_catalog_into_an_empty_platform() {
    let env = Env::new();
    let catalog = env.dir.path().join("catalog.toml");
    std::fs::write(
        &catalog,
        r#"
[[project]]
code = "xiangtan"
name = "湘潭市公共资源交易系统"
region = "湘潭市"
initials = "xtsggzyjyxt"

[[project.product]]
code = "xiangtan-personal-2y"
name = "个人证书（2年）"
user_type = "individual"
validity_years = 2
price = "380.00"
"#,
    )
    .expect("write");
    let (ok, stdout, stderr) =
        env.run(&["catalog", "import", catalog.to_str().expect("utf-8 path")]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("1 projects and 1 products"), "{stdout}");
    let (_, stdout, _) = env.run(&["operator", "add", "--name", "a", "--role", "clerk"]);
    let token = stdout.lines().last().expect("token").to_owned();
    let (child, base) = env.serve(&["--no-demo"]);
    let (status, body) = get(&format!("{base}/api/v1/projects"), Some(&token));
    assert_eq!(status, 200);
    let projects: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(projects.as_array().map(Vec::len), Some(1), "{body}");
    assert_eq!(projects[0]["products"][0]["price_fen"], 38000);
    assert!(stop(child).success());

    std::fs::write(&catalog, "[[project]]\ncode = 'x'\nname = 'X'\nregion = 'R'\n[[project.product]]\ncode = 'p'\nname = 'P'\nuser_type = 'robot'\nvalidity_years = 1\nprice = '1'\n")
        .expect("write");
    let (ok, _, stderr) = env.run(&["catalog", "import", catalog.to_str().expect("utf-8 path")]);
    assert!(!ok);
    assert!(stderr.contains("robot"), "{stderr}");
}

#[test]
fn serve_loads_the_demo_catalog_into_a_fresh_database() {
    let env = Env::new();
    let (_, stdout, _) = env.run(&["operator", "add", "--name", "a", "--role", "clerk"]);
    let token = stdout.lines().last().expect("token").to_owned();
    let (child, base) = env.serve(&[]);
    let (status, body) = get(
        &format!("{base}/api/v1/projects?q=%E6%B9%98%E6%BD%AD"),
        Some(&token),
    );
    assert_eq!(status, 200);
    assert!(body.contains("湘潭市公共资源交易系统"), "{body}");
    let (_, all) = get(&format!("{base}/api/v1/projects"), Some(&token));
    let projects: serde_json::Value = serde_json::from_str(&all).expect("json");
    assert!(projects.as_array().map(Vec::len).unwrap_or(0) >= 15);
    assert!(stop(child).success());
    // The start-up lines name the demo catalog in both languages, as the platform counts
    // its parts (a Chinese line once left it out).
    let said = env.said.lock().expect("lines").join("\n");
    let zh = said
        .lines()
        .find(|l| l.starts_with("演示部件"))
        .unwrap_or_else(|| panic!("a Chinese demo line: {said}"));
    assert!(zh.contains("演示目录"), "{said}");
    let en = said
        .lines()
        .find(|l| l.starts_with("demo parts"))
        .unwrap_or_else(|| panic!("an English demo line: {said}"));
    assert!(en.contains("demo catalog"), "{said}");
}

/// `demo orders` stopped half way (SIGTERM, Ctrl-C) disables its operators all the same:
/// left enabled with live tokens, `restored` gave them fresh ones.
#[test]
fn demo_orders_stopped_half_way_leave_no_demo_operator_enabled() {
    let env = Env::new();
    // The database made first, so the listing below never migrates beside the run.
    let (ok, _, stderr) = env.run(&["operator", "add", "--name", "admin", "--role", "admin"]);
    assert!(ok, "{stderr}");
    let mut child = env
        .command(&["demo", "orders", "--count", "200"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn demo orders");
    // Under way: its operators are made and enabled.
    let started = Instant::now();
    loop {
        let (_, list, _) = env.run(&["operator", "list"]);
        if list
            .lines()
            .any(|l| l.starts_with("demo-clerk") && l.contains("active"))
        {
            break;
        }
        if let Ok(Some(status)) = child.try_wait() {
            let mut said = String::new();
            if let Some(mut stderr) = child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut stderr, &mut said);
            }
            panic!("ended before it was under way ({status}): {said}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "never under way: {list}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let status = stop(child_as(&mut child));
    assert!(!status.success(), "a run stopped half way is no success");
    let (ok, list, _) = env.run(&["operator", "list"]);
    assert!(ok);
    for name in ["demo-clerk", "demo-reviewer"] {
        let line = list
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{name} listed: {list}"));
        assert!(line.contains("revoked"), "{list}");
    }
}

/// The child itself (stop takes it by value).
fn child_as(child: &mut Child) -> Child {
    std::mem::replace(
        child,
        Command::new("true").spawn().expect("a stand-in process"),
    )
}

#[test]
fn demo_orders_wait_to_be_mailed() {
    let env = Env::new();
    let (ok, stdout, stderr) = env.run(&["demo", "orders", "--count", "2"]);
    assert!(ok, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("2 demo orders are waiting to be mailed"),
        "{stdout}"
    );
    // Run again: the demo operators are reused, one more order — left for a reviewer to
    // practise on.
    let (ok, stdout, stderr) = env.run(&["demo", "orders", "--count", "1", "--for-review"]);
    assert!(ok, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("1 demo order is waiting to be reviewed"),
        "{stdout}"
    );
    let (ok, list, _) = env.run(&["operator", "list"]);
    assert!(ok);
    // Disabled after each run, their tokens revoked: nobody stays signed in as them.
    for name in ["demo-clerk", "demo-reviewer"] {
        let line = list
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{name} listed: {list}"));
        assert!(line.contains("revoked"), "{list}");
        assert!(line.split_whitespace().any(|w| w == "0"), "{list}");
    }
    // The operator log names who ran the command, as the command it was.
    let (ok, log, _) = env.run(&["operator", "log"]);
    assert!(ok);
    assert!(
        log.lines()
            .filter(|l| l.contains("demo-clerk"))
            .all(|l| l.contains("(ca-counter demo orders)")),
        "{log}"
    );
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let waiting = runtime.block_on(async {
        let store = ca_counter::server::store::Store::open(&env.url, 1)
            .await
            .expect("open");
        let n: (i64, i64, i64) = sqlx::query_as(
            "SELECT SUM(CASE WHEN status = 'pending_shipment' THEN 1 ELSE 0 END), \
             SUM(CASE WHEN status = 'pending_review' THEN 1 ELSE 0 END), \
             COUNT(DISTINCT id_number) FROM orders",
        )
        .fetch_one(store.pool())
        .await
        .expect("count");
        store.close().await;
        n
    });
    assert_eq!((waiting.0, waiting.1), (2, 1));
    // An operator of the demo's name that is someone's (other roles) is not taken over:
    // refused, left as it was.
    let other = Env::new();
    let (ok, _, stderr) = other.run(&[
        "operator",
        "add",
        "--name",
        "demo-clerk",
        "--role",
        "support",
    ]);
    assert!(ok, "{stderr}");
    let (ok, stdout, stderr) = other.run(&["demo", "orders", "--count", "1"]);
    assert!(!ok, "{stdout}");
    assert!(stderr.contains("is not a demo operator"), "{stderr}");
    let (_, list, _) = other.run(&["operator", "list"]);
    let line = list
        .lines()
        .find(|l| l.starts_with("demo-clerk"))
        .unwrap_or_else(|| panic!("{list}"));
    assert!(
        line.contains("support") && line.contains("active"),
        "{list}"
    );
    assert!(!list.contains("demo-reviewer"), "nothing made: {list}");
    // A demo operator an administrator enabled (in use by someone now) is not taken over
    // and disabled under them; one an administrator disabled is not enabled again.
    let (ok, _, stderr) = env.run(&["operator", "restore", "demo-clerk"]);
    assert!(ok, "{stderr}");
    let (ok, stdout, stderr) = env.run(&["demo", "orders", "--count", "1"]);
    assert!(!ok, "{stdout}");
    assert!(stderr.contains("is enabled"), "{stderr}");
    let (_, list, _) = env.run(&["operator", "list"]);
    assert!(
        list.lines()
            .find(|l| l.starts_with("demo-clerk"))
            .is_some_and(|l| l.contains("active")),
        "{list}"
    );
    let (ok, _, stderr) = env.run(&["operator", "revoke", "demo-clerk"]);
    assert!(ok, "{stderr}");
    let (ok, stdout, stderr) = env.run(&["demo", "orders", "--count", "1"]);
    assert!(!ok, "{stdout}");
    assert!(stderr.contains("disabled by an administrator"), "{stderr}");
    // Each demo customer with an ID number of their own: the review screen would see one
    // number given under every demo name.
    assert_eq!(waiting.2, 3, "distinct ID numbers");
}

/// What a request logs on its way carries its id, as the problem its client is shown does:
/// an operator finds the line by the id a clerk reads out (only the access line had it).
#[test]
fn a_request_logs_with_its_id() {
    use std::io::{Read, Write};
    let env = Env::new();
    let (child, base) = env.serve(&[]);
    let (ok, stdout, stderr) = env.run(&["operator", "add", "--name", "张柜员", "--role", "clerk"]);
    assert!(ok, "{stderr}");
    let token = stdout.lines().last().expect("a token").to_owned();
    // A body cut off on its way: the platform says it could not read it, and logs why.
    let address = base.trim_start_matches("http://").to_owned();
    let mut raw = std::net::TcpStream::connect(&address).expect("connect");
    write!(
        raw,
        "POST /api/v1/customers HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"phone\""
    )
    .expect("write");
    raw.shutdown(std::net::Shutdown::Write).expect("shutdown");
    let mut answer = String::new();
    let _ = raw.read_to_string(&mut answer);
    let id = answer
        .lines()
        .find_map(|l| l.strip_prefix("x-request-id: "))
        .map(|id| id.trim().to_owned())
        .unwrap_or_else(|| panic!("a request id in: {answer}"));
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let said = env.said.lock().map(|s| s.clone()).unwrap_or_default();
        if let Some(line) = said.iter().find(|l| l.contains("could not be read")) {
            assert!(line.contains(&id), "{line}");
            break;
        }
        assert!(Instant::now() < deadline, "no line: {said:#?}");
        std::thread::sleep(Duration::from_millis(50));
    }
    // Each request's line says whose it was, and a refusal's code and why: a token
    // revoked is told apart from one mistyped or none at all.
    let (ok, _, stderr) = env.run(&["operator", "token", "张柜员", "--replace"]);
    assert!(ok, "{stderr}");
    // Another process revoked it: the platform learns within seconds.
    let deadline = Instant::now() + Duration::from_secs(15);
    while get(&format!("{base}/api/v1/me"), Some(&token)).0 != 401 {
        assert!(Instant::now() < deadline, "the replaced token still works");
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(get(&format!("{base}/api/v1/me"), Some("cac_typo")).0, 401);
    assert_eq!(get(&format!("{base}/api/v1/me"), None).0, 401);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let said = env.said.lock().map(|s| s.clone()).unwrap_or_default();
        let refusals: Vec<&String> = said
            .iter()
            .filter(|l| l.contains("/api/v1/me") && l.contains("status=401"))
            .collect();
        if refusals.len() >= 3 {
            let refusals = &refusals[refusals.len() - 3..];
            assert!(
                refusals.iter().all(|l| l.contains("code=\"unauthorized\"")),
                "{refusals:#?}"
            );
            assert!(
                refusals[0].contains("a revoked token of 张柜员"),
                "{refusals:#?}"
            );
            assert!(refusals[1].contains("no such token"), "{refusals:#?}");
            assert!(refusals[2].contains("no token sent"), "{refusals:#?}");
            break;
        }
        assert!(Instant::now() < deadline, "no lines: {said:#?}");
        std::thread::sleep(Duration::from_millis(50));
    }
    let said = env.said.lock().map(|s| s.clone()).unwrap_or_default();
    assert!(
        said.iter()
            .any(|l| l.contains("path=/api/v1/customers") && l.contains("operator=\"张柜员")),
        "{said:#?}"
    );
    assert!(stop(child).success());
}

/// `restored` run by mistake against a platform that is serving — it would sign every
/// counter out mid-work — is refused, changing nothing; once the platform stops, it runs.
#[test]
fn restored_is_refused_while_a_platform_serves_the_database() {
    let env = Env::new();
    let (ok, stdout, stderr) = env.run(&["operator", "add", "--name", "王柜员", "--role", "clerk"]);
    assert!(ok, "{stderr}");
    let token = stdout.lines().last().expect("token").to_owned();
    let (child, base) = env.serve(&[]);
    let (ok, stdout, stderr) = env.run(&["restored"]);
    assert!(!ok, "{stdout}");
    assert!(
        stderr.contains("a platform is serving this database now")
            && stderr.contains("Nothing was changed"),
        "{stderr}"
    );
    assert_eq!(get(&format!("{base}/api/v1/me"), Some(&token)).0, 200);
    assert!(stop(child).success());
    let (ok, _, stderr) = env.run(&["restored"]);
    assert!(ok, "{stderr}");
}

/// A platform whose files may not grow past a size (`ulimit -f`, systemd's LimitFSIZE=):
/// a write past it is answered 507 storage_full, said in the log with what to do, and the
/// process goes on — the kernel's SIGXFSZ ended it without a word.
#[test]
fn a_write_past_the_file_size_limit_is_a_full_disk_not_the_end_of_the_platform() {
    let env = Env::new();
    let (ok, stdout, stderr) = env.run(&["operator", "add", "--name", "王柜员", "--role", "clerk"]);
    assert!(ok, "{stderr}");
    let token = stdout.lines().last().expect("token").to_owned();
    // Served once as usual (its catalog loaded), then with a little room above its files.
    let (child, _) = env.serve(&[]);
    assert!(stop(child).success());
    let size: u64 = std::fs::read_dir(env.dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("platform.db"))
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .max()
        .unwrap_or_default();
    let (mut child, base) = env.serve_limited(size / 1024 + 300);
    let mut answers = Vec::new();
    for i in 0..2000 {
        let output = Command::new("curl")
            .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST"])
            .args(["-H", &format!("Authorization: Bearer {token}")])
            .args(["-H", "Content-Type: application/json"])
            .args(["-d", &format!(r#"{{"phone":"139{i:08}","name":"张三"}}"#)])
            .arg(format!("{base}/api/v1/customers"))
            .output()
            .expect("curl");
        let code = String::from_utf8_lossy(&output.stdout).into_owned();
        answers.push(code.clone());
        if code != "201" {
            break;
        }
    }
    assert_eq!(
        answers.last().map(String::as_str),
        Some("507"),
        "{answers:?}"
    );
    assert!(
        child.try_wait().expect("wait").is_none(),
        "the platform ended"
    );
    assert_eq!(get(&format!("{base}/api/v1/me"), Some(&token)).0, 200);
    let said = env.said.lock().map(|s| s.join("\n")).unwrap_or_default();
    assert!(said.contains("file-size limit"), "{said}");
    assert!(stop(child).success());
}

/// `--help` names the database's variable, never its value (a URL may carry a password).
#[test]
fn help_does_not_print_the_database_password() {
    let output = Command::new(BIN)
        .args(["serve", "--help"])
        .env(
            "CA_COUNTER_DATABASE_URL",
            "postgres://postgres:S3cretPW@127.0.0.1/x",
        )
        .output()
        .expect("run");
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(help.contains("CA_COUNTER_DATABASE_URL"), "{help}");
    assert!(!help.contains("S3cretPW"), "{help}");
}

/// `restored` on a database nothing was restored into (a `pg_restore` forgotten or
/// failed) refuses, saying so, rather than revoking nothing and printing no token as done.
#[test]
fn restored_refuses_a_database_nothing_was_restored_into() {
    let env = Env::new();
    // A database file made and nothing restored into it: refused before anything is made
    // in it (tables made first would collide with a restore into it after).
    let file = env.dir.path().join("platform.db");
    std::fs::write(&file, b"").expect("an empty file");
    let (ok, stdout, stderr) = env.run(&["restored"]);
    assert!(!ok, "{stdout}");
    assert!(
        stderr.contains("holds no platform data") && stderr.contains("Nothing was changed"),
        "{stderr}"
    );
    assert_eq!(std::fs::metadata(&file).map(|m| m.len()).ok(), Some(0));
    // Tables made (an operator command makes them), no order and no operator's token:
    // said what to do.
    let (ok, _, stderr) = env.run(&["operator", "list"]);
    assert!(ok, "{stderr}");
    let (ok, stdout, stderr) = env.run(&["restored"]);
    assert!(!ok, "{stdout}");
    assert!(
        stderr.contains("holds no order and no operator's token")
            && stderr.contains("SQLite: copy the backup over it"),
        "{stderr}"
    );
}

/// After a backup is restored: `restored` moves today's order numbers past those given
/// since (customers hold receipts with them), revokes every token (one revoked since the
/// backup works again otherwise) and prints each operator's new one, which works.
#[test]
fn restored_moves_the_numbers_on_and_replaces_every_token() {
    let env = Env::new();
    let (ok, stdout, stderr) = env.run(&["operator", "add", "--name", "王柜员", "--role", "clerk"]);
    assert!(ok, "{stderr}");
    let old = stdout.lines().last().expect("token").to_owned();
    // The backup (the platform stopped: its files are the database).
    let backup = tempfile::tempdir().expect("backup dir");
    let database_files = |dir: &std::path::Path| -> Vec<std::path::PathBuf> {
        std::fs::read_dir(dir)
            .expect("dir")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("platform.db"))
            })
            .collect()
    };
    for file in database_files(env.dir.path()) {
        let name = file.file_name().expect("name");
        std::fs::copy(&file, backup.path().join(name)).expect("copy");
    }
    let (ok, stdout, stderr) = env.run(&["restored"]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("today's next order follows HN"), "{stdout}");
    let new = stdout
        .lines()
        .find_map(|l| l.strip_prefix("王柜员\t"))
        .expect("the operator's new token")
        .to_owned();
    assert!(new.starts_with("cac_") && new != old, "{stdout}");
    let (child, base) = env.serve(&[]);
    assert_eq!(get(&format!("{base}/api/v1/me"), Some(&old)).0, 401);
    assert_eq!(get(&format!("{base}/api/v1/me"), Some(&new)).0, 200);
    let _ = stop(child);
    // The next order of the day is numbered past the margin.
    let (ok, stdout, stderr) = env.run(&["demo", "orders", "--count", "1"]);
    assert!(ok, "{stderr}");
    let number = stdout
        .split_whitespace()
        .find(|w| w.starts_with("HN"))
        .expect("an order number");
    let seq: u32 = number[10..].parse().expect("its number of the day");
    assert!(seq > 10_000, "{number}");
    // The same backup restored again later the same day (it knows nothing of the numbers
    // the first restore led to): the next order is numbered past them, not given again.
    let first = number.to_owned();
    std::thread::sleep(Duration::from_millis(1100));
    for file in database_files(env.dir.path()) {
        std::fs::remove_file(file).expect("remove");
    }
    for file in database_files(backup.path()) {
        let name = file.file_name().expect("name");
        std::fs::copy(&file, env.dir.path().join(name)).expect("copy back");
    }
    let (ok, restored, stderr) = env.run(&["restored"]);
    assert!(ok, "{stderr}");
    // The number new orders follow, as it says (the first run's new order proved it
    // true; a platform started again here would only cost the suite seconds).
    let follows = restored
        .split_whitespace()
        .find(|w| w.starts_with("HN"))
        .expect("the number new orders follow");
    assert!(
        follows[..10] != first[..10] || follows >= first.as_str(),
        "follows {follows}, after {first} was given"
    );
}

/// A database path typed wrong is not taken for a new, empty platform: `operator list`
/// (or token, revoke…) there says no database is there and makes none; `operator add`
/// makes one, saying so (the first operator of a platform not yet started).
#[test]
fn an_operator_command_on_a_path_with_no_database_says_so() {
    let env = Env::new();
    let typo = env.dir.path().join("platfrom.db");
    let mut list = env.command(&["operator", "list"]);
    list.env(
        "CA_COUNTER_DATABASE_URL",
        format!("sqlite://{}", typo.display()),
    );
    let output = list.output().expect("run ca-counter");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains("there is no database at") && stderr.contains("platfrom.db"),
        "{stderr}"
    );
    assert!(!typo.exists(), "nothing made at the path typed wrong");

    let mut add = env.command(&["operator", "add", "--name", "admin", "--role", "admin"]);
    add.env(
        "CA_COUNTER_DATABASE_URL",
        format!("sqlite://{}", typo.display()),
    );
    let output = add.output().expect("run ca-counter");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("no database at") && stderr.contains("a new one was made"),
        "{stderr}"
    );
    assert!(typo.is_file());
    // Once there, nothing more is said.
    let mut again = env.command(&["operator", "list"]);
    again.env(
        "CA_COUNTER_DATABASE_URL",
        format!("sqlite://{}", typo.display()),
    );
    let output = again.output().expect("run ca-counter");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && !stderr.contains("no database"),
        "{stderr}"
    );
}
