//! A WebDriver client just large enough for the phone tests: chromedriver on a free port
//! and a headless Chromium the size of a phone.

use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long a page may take to show what a test waits for. Three suites share the
/// machine's two cores in CI, where the page after a scan's upload (which the platform
/// scales and searches for its QR code) once took longer than ten seconds to come.
pub const PATIENCE: Duration = Duration::from_secs(30);

pub const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// chromedriver on a free port, stopped on drop.
pub struct Driver {
    child: Child,
    pub base: String,
    pub http: reqwest::Client,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // chromedriver and every browser it started are one process group: killing
        // chromedriver alone left its browsers running, orphaned, after each test. Asked
        // to end first (a browser that ends removes its files under /tmp), then killed.
        let group = format!("-{}", self.child.id());
        let signal = |name: &str| {
            let _ = Command::new("kill")
                .args([name, "--", &group])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        };
        signal("-TERM");
        let asked = Instant::now();
        while asked.elapsed() < Duration::from_secs(2) {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        std::thread::sleep(Duration::from_millis(200));
        signal("-KILL");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    pub async fn start() -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        // The machine may have no Chinese font: the browser also gets the one the product
        // ships for its documents, so screenshots read as the customer sees them.
        // Under the target directory, not /tmp: a directory per run would pile up there.
        let fonts = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("browser-fonts-{}", std::process::id()));
        std::fs::create_dir_all(&fonts).expect("fontconfig dir");
        let conf = fonts.join("fonts.conf");
        std::fs::write(
            &conf,
            format!(
                "<?xml version=\"1.0\"?><!DOCTYPE fontconfig SYSTEM \"fonts.dtd\"><fontconfig>\
                 <include ignore_missing=\"yes\">/etc/fonts/fonts.conf</include>\
                 <dir>{}/assets/fonts</dir><cachedir>{}</cachedir></fontconfig>",
                env!("CARGO_MANIFEST_DIR"),
                fonts.join("cache").display()
            ),
        )
        .expect("fontconfig file");
        let child = Command::new("chromedriver")
            .process_group(0)
            .env("FONTCONFIG_FILE", &conf)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect(
                "chromedriver must be installed (Debian: apt-get install chromium chromium-driver)",
            );
        let driver = Driver {
            child,
            base: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::new(),
        };
        let started = Instant::now();
        loop {
            let ready = driver
                .http
                .get(format!("{}/status", driver.base))
                .send()
                .await;
            if ready.is_ok_and(|r| r.status().is_success()) {
                return driver;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        match self.try_call(method, path, body).await {
            Ok(value) => value,
            Err(error) => panic!("webdriver {path}: {error}"),
        }
    }

    /// A WebDriver command; `Err` carries the driver's error (a page navigating away
    /// under a command is one).
    pub async fn try_call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, String> {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.map_err(|e| e.to_string())?;
        let value: Value = response.json().await.map_err(|e| e.to_string())?;
        match value["value"]["error"].as_str() {
            Some(error) => Err(format!("{error}: {}", value["value"]["message"])),
            None => Ok(value["value"].clone()),
        }
    }
}

pub struct Session<'a> {
    pub driver: &'a Driver,
    pub id: String,
    /// The browser profile, removed with the session.
    _profile: tempfile::TempDir,
}

impl<'a> Session<'a> {
    /// A headless Chromium the size of a phone (390×844 CSS pixels) whose browser asks
    /// for Chinese, as a customer's phone at a counter in China does.
    pub async fn phone(driver: &'a Driver) -> Session<'a> {
        Session::sized(driver, 390, 844, None, Some("zh-CN,zh")).await
    }

    /// A phone browser that says it is one (its user agent), `width`×`height` CSS pixels.
    pub async fn mobile(driver: &'a Driver, width: u32, height: u32) -> Session<'a> {
        Session::sized(
            driver,
            width,
            height,
            Some("Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36"),
            None,
        )
        .await
    }

    async fn sized(
        driver: &'a Driver,
        width: u32,
        height: u32,
        user_agent: Option<&str>,
        accept_language: Option<&str>,
    ) -> Session<'a> {
        let profile = tempfile::tempdir().expect("profile dir");
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--lang=zh-CN",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
                "prefs": match accept_language {
                    Some(languages) => json!({"intl.accept_languages": languages}),
                    None => json!({}),
                },
                "mobileEmulation": match user_agent {
                    Some(ua) => json!({"deviceMetrics": {"width": width, "height": height, "pixelRatio": 2.0}, "userAgent": ua}),
                    None => json!({"deviceMetrics": {"width": width, "height": height, "pixelRatio": 2.0}}),
                }
            }
        }}});
        let created = driver
            .call(reqwest::Method::POST, "/session", Some(capabilities))
            .await;
        Session {
            driver,
            id: created["sessionId"]
                .as_str()
                .expect("session id")
                .to_owned(),
            _profile: profile,
        }
    }

    pub async fn open(&self, url: &str) {
        self.driver
            .call(
                reqwest::Method::POST,
                &format!("/session/{}/url", self.id),
                Some(json!({"url": url})),
            )
            .await;
    }

    /// Waits until the page's heading contains `text`.
    pub async fn wait_heading(&self, text: &str) {
        let started = Instant::now();
        while !self.heading().await.is_some_and(|h| h.contains(text)) {
            assert!(
                started.elapsed() < PATIENCE,
                "the phone never showed {text:?} (heading {:?}; the page says {:?})",
                self.heading().await,
                self.main_text().await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn close(self) {
        let _ = self
            .driver
            .call(
                reqwest::Method::DELETE,
                &format!("/session/{}", self.id),
                None,
            )
            .await;
    }

    pub async fn element(&self, css: &str) -> String {
        let found = self
            .driver
            .call(
                reqwest::Method::POST,
                &format!("/session/{}/element", self.id),
                Some(json!({"using": "css selector", "value": css})),
            )
            .await;
        found[ELEMENT].as_str().expect("element id").to_owned()
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        let element = self.element(css).await;
        self.driver
            .call(
                reqwest::Method::POST,
                &format!("/session/{}/element/{element}/value", self.id),
                Some(json!({"text": text})),
            )
            .await;
    }

    pub async fn click(&self, css: &str) {
        let element = self.element(css).await;
        self.driver
            .call(
                reqwest::Method::POST,
                &format!("/session/{}/element/{element}/click", self.id),
                Some(json!({})),
            )
            .await;
    }

    /// Empties a text field, as a customer deleting what the page suggested.
    pub async fn clear(&self, css: &str) {
        let element = self.element(css).await;
        self.driver
            .call(
                reqwest::Method::POST,
                &format!("/session/{}/element/{element}/clear", self.id),
                Some(json!({})),
            )
            .await;
    }

    /// Runs `script` in the page and returns its value.
    pub async fn run(&self, script: &str, args: Value) -> Value {
        self.driver
            .call(
                reqwest::Method::POST,
                &format!("/session/{}/execute/sync", self.id),
                Some(json!({"script": script, "args": args})),
            )
            .await
    }

    /// Runs `script` in the page, waiting for it to call its last argument; returns what it
    /// passed.
    pub async fn run_async(&self, script: &str) -> Value {
        self.driver
            .call(
                reqwest::Method::POST,
                &format!("/session/{}/execute/async", self.id),
                Some(json!({"script": script, "args": []})),
            )
            .await
    }

    /// The browser's Back (or Forward), as the customer presses it; waits for the page.
    pub async fn history(&self, back: bool) {
        let to = if back { "back" } else { "forward" };
        self.driver
            .call(
                reqwest::Method::POST,
                &format!("/session/{}/{to}", self.id),
                Some(json!({})),
            )
            .await;
    }

    /// The page's address now.
    pub async fn url(&self) -> String {
        self.driver
            .call(
                reqwest::Method::GET,
                &format!("/session/{}/url", self.id),
                None,
            )
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// An element's current DOM property (`value`, `checked`…).
    pub async fn property(&self, css: &str, name: &str) -> Value {
        let element = self.element(css).await;
        self.driver
            .call(
                reqwest::Method::GET,
                &format!("/session/{}/element/{element}/property/{name}", self.id),
                None,
            )
            .await
    }

    /// Waits until an element matching `css` is on the page.
    pub async fn wait_for(&self, css: &str) {
        let started = Instant::now();
        loop {
            let found = self
                .driver
                .try_call(
                    reqwest::Method::POST,
                    &format!("/session/{}/element", self.id),
                    Some(json!({"using": "css selector", "value": css})),
                )
                .await;
            if found.is_ok() {
                return;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "the phone never showed {css:?} (heading {:?}; the page says {:?})",
                self.heading().await,
                self.main_text().await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn text(&self, css: &str) -> String {
        let element = self.element(css).await;
        let text = self
            .driver
            .call(
                reqwest::Method::GET,
                &format!("/session/{}/element/{element}/text", self.id),
                None,
            )
            .await;
        text.as_str().unwrap_or_default().to_owned()
    }

    /// The start of what the page's `main` says (for a failure's message).
    pub async fn main_text(&self) -> Option<String> {
        self.try_text(
            "const m = document.querySelector('main'); return m ? m.innerText.slice(0, 600) : null",
        )
        .await
    }

    /// The text of the page's first `h1`, or `None` while the page is changing.
    pub async fn heading(&self) -> Option<String> {
        self.try_text("const h = document.querySelector('h1'); return h ? h.textContent : null")
            .await
    }

    /// The string `script` returns, or `None` when it returns none or the page is
    /// changing (a script run mid-navigation fails; that is not a test failure).
    async fn try_text(&self, script: &str) -> Option<String> {
        let value = self
            .driver
            .try_call(
                reqwest::Method::POST,
                &format!("/session/{}/execute/sync", self.id),
                Some(json!({"script": script, "args": []})),
            )
            .await
            .ok()?;
        value.as_str().map(str::to_owned)
    }

    pub async fn screenshot(&self) -> Vec<u8> {
        use base64::Engine;
        let shot = self
            .driver
            .call(
                reqwest::Method::GET,
                &format!("/session/{}/screenshot", self.id),
                None,
            )
            .await;
        base64::engine::general_purpose::STANDARD
            .decode(shot.as_str().unwrap_or_default())
            .expect("png")
    }
}
