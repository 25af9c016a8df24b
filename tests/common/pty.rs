//! Drives the real `ca-counter` binary in a pseudo-terminal and reads its screen with a
//! terminal emulator (vt100), waiting for a stable screen instead of sleeping.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

/// A running TUI.
pub struct Tui {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    screen: Arc<Mutex<vt100::Parser>>,
    bytes: Arc<AtomicUsize>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Tui {
    /// Starts the binary at `cols`×`rows` with `env` (and nothing from the caller's
    /// configuration).
    pub fn start(cols: u16, rows: u16, args: &[&str], env: &[(&str, &str)], dir: &Path) -> Tui {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_ca-counter"));
        command.args(args);
        command.cwd(dir);
        command.env_clear();
        command.env("TERM", "xterm-256color");
        command.env("HOME", dir);
        command.env("XDG_CONFIG_HOME", dir.join("config"));
        command.env("PATH", std::env::var("PATH").unwrap_or_default());
        for (key, value) in env {
            command.env(key, value);
        }
        let child = pty.slave.spawn_command(command).expect("spawn ca-counter");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("reader");
        let writer = pty.master.take_writer().expect("writer");
        let screen = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let bytes = Arc::new(AtomicUsize::new(0));
        let (screen2, bytes2) = (screen.clone(), bytes.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        bytes2.fetch_add(n, Ordering::SeqCst);
                        if let Ok(mut parser) = screen2.lock() {
                            parser.process(&buf[..n]);
                        }
                    }
                }
            }
        });
        Tui {
            child,
            writer,
            screen,
            bytes,
            _master: pty.master,
        }
    }

    /// The screen as text, one line per row.
    pub fn screen(&self) -> String {
        self.screen
            .lock()
            .map(|p| p.screen().contents())
            .unwrap_or_default()
    }

    /// Bytes the program has written so far.
    pub fn bytes_written(&self) -> usize {
        self.bytes.load(Ordering::SeqCst)
    }

    /// Types keys (text, or escape sequences such as "\r" for Enter, "\x1b" for Esc).
    pub fn send(&mut self, keys: &str) {
        self.writer
            .write_all(keys.as_bytes())
            .expect("write to pty");
        self.writer.flush().expect("flush pty");
    }

    /// Waits until `check` holds for the screen, up to `timeout`; panics with the screen if
    /// it never does.
    pub fn wait_for(
        &self,
        what: &str,
        timeout: Duration,
        check: impl Fn(&str) -> bool,
    ) -> Duration {
        let started = Instant::now();
        loop {
            let screen = self.screen();
            if check(&screen) {
                return started.elapsed();
            }
            if started.elapsed() > timeout {
                panic!("waited {timeout:?} for {what}; the screen shows:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Waits until the screen contains `text`.
    pub fn wait_text(&self, text: &str, timeout: Duration) -> Duration {
        self.wait_for(&format!("{text:?} on screen"), timeout, |s| {
            s.contains(text)
        })
    }

    /// Waits until the output has been quiet for `quiet`.
    pub fn settle(&self, quiet: Duration) {
        let mut last = self.bytes_written();
        let mut since = Instant::now();
        let deadline = Instant::now() + Duration::from_secs(10);
        while since.elapsed() < quiet && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
            let now = self.bytes_written();
            if now != last {
                last = now;
                since = Instant::now();
            }
        }
    }

    /// Waits for the program to exit; its success.
    pub fn wait_exit(&mut self, timeout: Duration) -> bool {
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.success();
            }
            if started.elapsed() > timeout {
                let _ = self.child.kill();
                return false;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

impl Tui {
    /// The TUI at `cols`×`rows` connected to the platform at `base` as the operator whose
    /// token this is, in `lang`, with its data (drafts, prints, logs) in `dir`.
    pub fn connect(base: &str, token: &str, dir: &Path, lang: &str, cols: u16, rows: u16) -> Tui {
        let config = dir.join("config.toml");
        std::fs::write(
            &config,
            format!("[server]\nurl = \"{base}\"\n\n[ui]\nlang = \"{lang}\"\n"),
        )
        .expect("write the test config");
        let config = config.to_str().expect("utf-8 path").to_owned();
        let data = dir.to_str().expect("utf-8 path").to_owned();
        Tui::start(
            cols,
            rows,
            &[],
            &[
                ("CA_COUNTER_CONFIG", &config),
                ("CA_COUNTER_TOKEN", token),
                ("CA_COUNTER_DATA_DIR", &data),
            ],
            dir,
        )
    }

    /// Waits until a URL that starts with `prefix` and contains `path` is on screen in
    /// full (a frame can be caught half drawn), and returns it.
    pub fn wait_url(&self, prefix: &str, path: &str, timeout: Duration) -> String {
        let started = Instant::now();
        loop {
            let found = |urls: Vec<String>| urls.into_iter().find(|u| u.contains(path));
            if let Some(url) = found(self.urls_on_screen(prefix)) {
                // Read again after a moment: the rest of the line may still be arriving.
                std::thread::sleep(Duration::from_millis(50));
                if found(self.urls_on_screen(prefix)).as_deref() == Some(url.as_str()) {
                    return url;
                }
                continue;
            }
            if started.elapsed() > timeout {
                panic!(
                    "waited {timeout:?} for a URL with {path:?}; the screen shows:\n{}",
                    self.screen()
                );
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Every URL on screen starting with `prefix`, following each onto the next rows when
    /// it is wrapped in a column (as under the QR code).
    pub fn urls_on_screen(&self, prefix: &str) -> Vec<String> {
        let mut urls = Vec::new();
        let Ok(parser) = self.screen.lock() else {
            return urls;
        };
        let screen = parser.screen();
        let (rows, cols) = screen.size();
        for row in 0..rows {
            let text: String = screen
                .rows(0, cols)
                .nth(usize::from(row))
                .unwrap_or_default();
            if !text.contains(prefix) {
                continue;
            }
            // Find the column where the prefix starts.
            let start = (0..cols).find(|&col| {
                let here: String = (col..cols.min(col + prefix.len() as u16))
                    .filter_map(|c| screen.cell(row, c).map(|cell| cell.contents().to_string()))
                    .collect();
                here == prefix
            });
            let Some(start) = start else {
                continue;
            };
            let mut url = String::new();
            for r in row..rows {
                let piece: String = (start..cols)
                    .filter_map(|c| screen.cell(r, c).map(|cell| cell.contents().to_string()))
                    .collect();
                let piece = piece.trim_end();
                let token: String = piece
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || "-_:/.".contains(*c))
                    .collect();
                if token.is_empty() {
                    break;
                }
                url.push_str(&token);
                if token.len() < piece.len() || usize::from(cols - start) > token.len() {
                    break;
                }
            }
            urls.push(url);
        }
        urls
    }
}
