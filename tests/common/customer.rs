//! The customer's browser on their own platform, for the tests that play a customer: it
//! keeps its cookies, sends each page's form token, and follows no redirect by itself (so a
//! test sees where each step leads). With it, signing in with the demo code and applying
//! from home to a submitted order.
#![allow(dead_code)]

use std::collections::BTreeMap;

use ca_counter::api::PhonePage;
use reqwest::StatusCode;
use reqwest::header;

use super::TestApp;

pub const PHONE_UA: &str = "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36";

/// A browser: keeps its cookies, sends its page's form token, follows no redirect by
/// itself (so the tests see where each step leads).
pub struct Browser {
    pub http: reqwest::Client,
    pub base: String,
    cookies: BTreeMap<String, String>,
}

pub struct Answer {
    pub status: StatusCode,
    pub html: String,
    pub location: Option<String>,
    pub set_cookies: Vec<String>,
    /// The address a refused form's page was shown at, after the post's redirect.
    pub refusal_address: Option<String>,
}

impl Browser {
    pub fn new(app: &TestApp) -> Browser {
        Browser::with_agent(app, PHONE_UA)
    }

    /// A browser that says it is `agent` (a PC's, to see what a PC is shown).
    pub fn with_agent(app: &TestApp, agent: &str) -> Browser {
        Browser {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .user_agent(agent.to_owned())
                .build()
                .expect("client"),
            base: app.base.clone(),
            cookies: BTreeMap::new(),
        }
    }

    /// Takes the session cookie away (the browser as one not signed in), to be put back.
    pub fn take_session(&mut self) -> Option<String> {
        self.cookies.remove("cac_session")
    }

    /// Puts back a session cookie taken by [`Browser::take_session`].
    pub fn put_session(&mut self, session: Option<String>) {
        if let Some(session) = session {
            self.cookies.insert("cac_session".into(), session);
        }
    }

    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn token(&self) -> String {
        self.cookies.get("cac_form").cloned().unwrap_or_default()
    }

    pub async fn read(&mut self, response: reqwest::Response) -> Answer {
        let status = response.status();
        let location = response
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let set_cookies: Vec<String> = response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::to_owned)
            .collect();
        for cookie in &set_cookies {
            if let Some((name, value)) = cookie.split(';').next().and_then(|p| p.split_once('=')) {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let is_page = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        let html = response.text().await.expect("body");
        // Pages for a cheap phone on a slow link: every one under 30 KB.
        if is_page {
            assert!(
                html.len() < 30 * 1024,
                "a page of {} bytes: {html}",
                html.len()
            );
        }
        Answer {
            status,
            html,
            location,
            set_cookies,
            refusal_address: None,
        }
    }

    /// A page as a browser opens it, as far as the application goes: a `303 See Other` to
    /// one of its steps is followed (`/apply` leads on to its step's own address); other
    /// redirects are the answer, for the test to read.
    pub async fn get(&mut self, path: &str) -> Answer {
        let mut answer = self.get_once(path).await;
        for _ in 0..5 {
            match (&answer.status, &answer.location) {
                (&StatusCode::SEE_OTHER, Some(to)) if to.starts_with("/apply") => {
                    let to = to.clone();
                    answer = self.get_once(&to).await;
                }
                _ => break,
            }
        }
        answer
    }

    /// One `GET`, its answer as it came (a redirect not followed).
    pub async fn get_once(&mut self, path: &str) -> Answer {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .header(header::COOKIE, self.cookie_header())
            .send()
            .await
            .expect("get");
        self.read(response).await
    }

    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        self.post_with(path, fields, &[]).await
    }

    /// [`Browser::post`], then the page its `303 See Other` leads to, as a browser follows
    /// it (the sign-in's code page is an address of its own).
    pub async fn post_follow(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let answer = self.post(path, fields).await;
        self.followed(answer).await
    }

    /// The page a `303 See Other` leads to, as a browser follows it (any other answer as
    /// it is).
    pub async fn followed(&mut self, answer: Answer) -> Answer {
        match (&answer.status, &answer.location) {
            (&StatusCode::SEE_OTHER, Some(to)) => {
                let to = to.clone();
                self.get(&to).await
            }
            _ => answer,
        }
    }

    /// [`Browser::post`] with `headers` besides (as a proxy on the way adds them).
    pub async fn post_with(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Answer {
        let token = self.token();
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("form_token", &token));
        let mut request = self
            .http
            .post(format!("{}{path}", self.base))
            .header(header::COOKIE, self.cookie_header())
            .header("sec-fetch-site", "same-origin")
            .form(&form);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("post");
        let answer = self.read(response).await;
        self.refusal_shown(answer).await
    }

    /// A refused form's page, which the platform shows at an address of its own (post,
    /// redirect, get), as a browser follows it there: the page, with the status it had.
    async fn refusal_shown(&mut self, answer: Answer) -> Answer {
        match (&answer.status, &answer.location) {
            (&StatusCode::SEE_OTHER, Some(to)) if to.contains("?answer=") => {
                let to = to.clone();
                let mut shown = self.get_once(&to).await;
                shown.refusal_address = Some(to);
                shown
            }
            _ => answer,
        }
    }

    /// An upload whose part names its file `name` as raw bytes, as a browser sends it (a
    /// client library would escape what a file manager lets through).
    pub async fn upload_named(
        &mut self,
        path: &str,
        version: &str,
        data: &[u8],
        mime: &str,
        name: &[u8],
    ) -> Answer {
        let boundary = "----raw-upload-boundary";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"version\"\r\n\r\n{version}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"scan\"; filename=\""
        )
        .into_bytes();
        body.extend_from_slice(name);
        body.extend(format!("\"\r\nContent-Type: {mime}\r\n\r\n").bytes());
        body.extend_from_slice(data);
        body.extend(format!("\r\n--{boundary}--\r\n").bytes());
        let response = self
            .http
            .post(format!("{}{path}?form_token={}", self.base, self.token()))
            .header(header::COOKIE, self.cookie_header())
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .expect("upload");
        let answer = self.read(response).await;
        self.refusal_shown(answer).await
    }

    pub async fn upload(&mut self, path: &str, version: &str, data: Vec<u8>, mime: &str) -> Answer {
        self.upload_with(path, &[("version", version)], data, mime)
            .await
    }

    /// An upload sending `fields` (the page's hidden ones) with the file.
    pub async fn upload_with(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        data: Vec<u8>,
        mime: &str,
    ) -> Answer {
        let part = reqwest::multipart::Part::bytes(data)
            .file_name("photo")
            .mime_str(mime)
            .expect("mime");
        let mut form = reqwest::multipart::Form::new();
        for (name, value) in fields {
            form = form.text((*name).to_owned(), (*value).to_owned());
        }
        let form = form.part("scan", part);
        let response = self
            .http
            .post(format!("{}{path}?form_token={}", self.base, self.token()))
            .header(header::COOKIE, self.cookie_header())
            .multipart(form)
            .send()
            .await
            .expect("upload");
        let answer = self.read(response).await;
        self.refusal_shown(answer).await
    }
}

/// The value of the first hidden `name` field on the page.
pub fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    html.split_once(&marker)
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(v, _)| v.to_owned())
        .unwrap_or_else(|| panic!("no hidden {name} in {html}"))
}

/// The value of the input `name` on the page (as the browser would send it).
pub fn input_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\"");
    html.split_once(&marker)
        .and_then(|(_, rest)| rest.split_once("value=\""))
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(v, _)| v.to_owned())
        .unwrap_or_else(|| panic!("no input {name} in {html}"))
}

/// The mobile number of the customer who owns order `order_no` (its applicant's), as the
/// counter sees it revealed.
pub async fn owner_phone(app: &TestApp, order_no: &str) -> String {
    app.client(&app.clerk)
        .order(order_no, true)
        .await
        .expect("order")
        .applicant
        .phone
}

/// The mobile number of `order_no`'s applicant, and a phone's browser signed in with it.
pub async fn signed_in_owner(app: &TestApp, order_no: &str) -> (String, Browser) {
    let phone = owner_phone(app, order_no).await;
    let mut browser = Browser::new(app);
    sign_in(&mut browser, &phone).await;
    (phone, browser)
}

/// Lets the customer with `phone` ask for a new sign-in code at once (one goes a minute).
pub async fn a_code_may_go_again(app: &TestApp, phone: &str) {
    sqlx::query("UPDATE login_codes SET sent_at = sent_at - 61000 WHERE phone = $1")
        .bind(phone)
        .execute(app.store().pool())
        .await
        .expect("the clock");
}

/// Signs in with the demo code shown on the page (the `log` SMS provider sends nothing).
pub async fn sign_in(browser: &mut Browser, typed_phone: &str) {
    browser.get("/login").await;
    let sent = browser.post("/login", &[("phone", typed_phone)]).await;
    // The code page is an address of its own: Back and reload show it again.
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.html);
    let to = sent.location.clone().unwrap_or_default();
    assert!(to.starts_with("/login/code?"), "{to}");
    let sent = browser.get(&to).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.html);
    let code: String = sent
        .html
        .split_once("本次验证码为 ")
        .map(|(_, rest)| rest.chars().take(6).collect())
        .unwrap_or_else(|| panic!("no demo code in {}", sent.html));
    let phone = hidden(&sent.html, "phone");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let demo = hidden(&sent.html, "demo");
    assert!(
        demo.starts_with(&format!("{code}.")),
        "the demo's code goes along with the form, signed: {demo}"
    );
    let refused = browser
        .post(
            "/login/code",
            &[("phone", &phone), ("code", wrong), ("demo", &demo)],
        )
        .await;
    // A try spent is answered at the code page's own address: reloading it sends nothing.
    assert_eq!(refused.status, StatusCode::SEE_OTHER, "{}", refused.html);
    let to = refused.location.clone().unwrap_or_default();
    // Opened at the message, beside the field.
    assert!(to.ends_with("#error-summary-title"), "{to}");
    let refused = browser.get(&to).await;
    assert!(refused.html.contains("还可尝试 4 次"), "{}", refused.html);
    let reloaded = browser.get(&to).await;
    assert!(reloaded.html.contains("还可尝试 4 次"), "{}", reloaded.html);
    // Mistyped, the demo's code is still there to read (it reaches no phone).
    assert!(
        refused.html.contains(&format!("本次验证码为 {code}")),
        "{}",
        refused.html
    );
    assert!(
        refused.html.contains("aria-describedby"),
        "{}",
        refused.html
    );
    // "Send again" within the minute is refused as too soon; the code shown still works
    // and is still shown.
    let again = browser
        .post_follow(
            "/login",
            &[("phone", &phone), ("demo", &hidden(&refused.html, "demo"))],
        )
        .await;
    assert!(
        again.html.contains(&format!("本次验证码为 {code}")),
        "{}",
        again.html
    );
    // The language switch on the code page keeps the number and the code: the same page
    // in English, nothing checked or sent.
    let switched = browser
        .post(
            "/login/code?lang=en",
            &[
                ("phone", &phone),
                ("code", ""),
                ("demo", &demo),
                ("keep", "lang"),
            ],
        )
        .await;
    assert_eq!(switched.status, StatusCode::OK, "{}", switched.html);
    assert!(
        switched.html.contains("lang=\"en\"")
            && switched.html.contains(&code)
            && switched.html.contains("action=\"/login/code\"")
            && !switched.html.contains("还可尝试"),
        "{}",
        switched.html
    );
    // Back to no choice of language (the switch remembered English).
    browser.cookies.retain(|name, _| name != "cac_lang");
    let signed = browser
        .post("/login/code", &[("phone", &phone), ("code", &code)])
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.html);
    let session = signed
        .set_cookies
        .iter()
        .find(|c| c.starts_with("cac_session="))
        .expect("a session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax"),
        "{session}"
    );
    // Back to the code page, signed in: on to where the customer was going, not a code
    // form whose code is spent.
    let back = browser.get_once(&to).await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);
    assert_eq!(back.location.as_deref(), Some("/"));
    // The code is used: it does not sign in twice (a browser without the session).
    let session = browser.take_session();
    let again = browser
        .post_follow("/login/code", &[("phone", &phone), ("code", &code)])
        .await;
    assert!(
        again.html.contains("验证码已过期或已使用"),
        "{}",
        again.html
    );
    browser.put_session(session);
}

/// Applies from home to a submitted order; returns its number.
/// On the print step (its form to download), marks it printed; the scan is asked for.
/// The version to upload with.
pub async fn printed_again(browser: &mut Browser) -> String {
    let page = browser.get("/apply").await;
    assert!(
        page.html.contains("/apply/form.pdf"),
        "the print step: {}",
        page.html
    );
    let version = hidden(&page.html, "version");
    browser
        .post("/apply", &[("action", "printed"), ("version", &version)])
        .await;
    let page = browser.get("/apply").await;
    assert!(
        page.html.contains("id=\"scan\""),
        "the scan is asked for again"
    );
    hidden(&page.html, "version")
}

/// The form as printed now, scanned and uploaded: taken.
pub async fn scan_the_print(browser: &mut Browser, version: &str) {
    let paper = printed_form(browser).await;
    let scanned = browser
        .upload("/apply/scan", version, paper, "image/png")
        .await;
    scan_taken(&scanned);
}

/// The signed scan taken: on to the review step, at its address naming the application.
fn scan_taken(scanned: &Answer) {
    assert!(
        scanned
            .location
            .as_deref()
            .is_some_and(|l| l.starts_with("/apply?step=review&draft=")),
        "{:?} {}",
        scanned.location,
        scanned.html
    );
}

/// The application form as `/apply/form.pdf` gives it now, printed and scanned at 120 dpi
/// (pdftoppm), as a PNG.
pub async fn printed_form(browser: &Browser) -> Vec<u8> {
    super::scanned(&form_pdf(browser).await)
}

/// The application form's PDF file as `/apply/form.pdf` gives it now.
async fn form_pdf(browser: &Browser) -> Vec<u8> {
    let response = browser
        .http
        .get(format!("{}/apply/form.pdf", browser.base))
        .header(header::COOKIE, browser.cookie_header())
        .send()
        .await
        .expect("form");
    // Named as what it is among a phone's downloads, not by its reference alone.
    let named = response
        .headers()
        .get(header::CONTENT_DISPOSITION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(named.contains("-application-form.pdf"), "{named}");
    response.bytes().await.expect("pdf").to_vec()
}

pub async fn apply(app: &TestApp, browser: &mut Browser, name: &str, id_number: &str) -> String {
    apply_to_review(app, browser, name, id_number).await;
    submit_twice(browser).await
}

/// An application made on the phone, from the real-name check to its signed scan, every
/// step's refusals tried on the way: at the review step, to send.
pub async fn apply_to_review(app: &TestApp, browser: &mut Browser, name: &str, id_number: &str) {
    let page = browser.get("/apply").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    let version = hidden(&page.html, "version");
    // On a phone, real-name goes straight to the verification page.
    let started = browser
        .post("/apply", &[("action", "realname"), ("version", &version)])
        .await;
    let realname = started.location.expect("to the verification");
    assert!(realname.starts_with("/m/realname/"), "{realname}");
    // Started from home: the page does not say the customer is at a counter.
    let intro = app
        .http
        .get(app.url(&realname))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        intro.contains("网上办理") && !intro.contains("柜台"),
        "{intro}"
    );
    let verified = verify_on_phone(app, &app.url(&realname), name, id_number).await;
    assert!(verified.contains("href=\"/apply\""), "{verified}");

    // The project, by pinyin initials. The search's example is one of the catalog's own:
    // both its words find a project.
    let page = browser.get("/apply").await;
    let hint = page
        .html
        .split("例如：")
        .nth(1)
        .and_then(|rest| rest.split('（').next())
        .expect("the search's example")
        .to_owned();
    for word in hint.split(" 或 ") {
        let query: String = form_urlencoded::byte_serialize(word.as_bytes()).collect();
        let found = browser.get(&format!("/apply?step=project&q={query}")).await;
        assert!(
            found.html.contains("name=\"product_id\""),
            "{word}: {}",
            found.html
        );
    }
    // A few are listed, with the way to see every one of the catalog's projects.
    let listed = |html: &str| html.matches("<h3>").count();
    assert!(
        page.html.contains("href=\"/apply?step=project&amp;all=1\""),
        "{}",
        page.html
    );
    let all = browser.get("/apply?step=project&all=1").await;
    let catalog = app.client(&app.clerk).projects("").await.expect("projects");
    assert_eq!(listed(&all.html), catalog.len(), "{}", all.html);
    assert!(listed(&page.html) < catalog.len());
    // Each leads to its own products.
    let first = all
        .html
        .split("href=\"/apply?step=project&amp;q=")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a project's link")
        .replace("&amp;", "&");
    let products = browser.get(&format!("/apply?step=project&q={first}")).await;
    assert!(
        products.html.contains("name=\"product_id\""),
        "{}",
        products.html
    );
    let product = app.product(ca_counter::domain::UserType::Individual).await;
    let version = hidden(&page.html, "version");
    let chosen = browser
        .post(
            "/apply",
            &[
                ("action", "product"),
                ("product_id", &product),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(
        chosen.location.as_deref(),
        Some("/apply?step=terms"),
        "{}",
        chosen.html
    );

    // The terms: refused unticked, with the message by the box.
    let page = browser.get("/apply").await;
    let version = hidden(&page.html, "version");
    // (A refusal is a page at the step's own address: Back and reload there send nothing.)
    let unticked = browser
        .post("/apply", &[("action", "terms"), ("version", &version)])
        .await;
    // At the errors: on a small phone the terms fill the screen above them.
    assert_eq!(
        unticked.location.as_deref(),
        Some("/apply?step=terms#error-summary-title")
    );
    let unticked = browser.followed(unticked).await;
    assert!(unticked.html.contains("accept-error"), "{}", unticked.html);
    // Ticked, then the language switch: the terms in the other language, still ticked
    // (a plain link lost the tick), and back.
    for lang in ["en", "zh-CN"] {
        let page = browser.get("/apply?step=terms").await;
        assert!(
            page.html.contains("form=\"terms-form\"") && page.html.contains("id=\"terms-form\""),
            "{}",
            page.html
        );
        let version = hidden(&page.html, "version");
        let switched = browser
            .post(
                &format!("/apply?lang={lang}"),
                &[
                    ("action", "terms"),
                    ("accept", "yes"),
                    ("keep", "lang"),
                    ("version", &version),
                ],
            )
            .await;
        assert_eq!(
            switched.location.as_deref(),
            Some("/apply?step=terms"),
            "{}",
            switched.html
        );
        let page = browser.get("/apply?step=terms").await;
        assert!(
            page.html.contains(&format!("lang=\"{lang}\""))
                && page.html.contains("name=\"accept\" value=\"yes\" checked"),
            "{}",
            page.html
        );
    }
    let unticked = browser.get("/apply?step=terms").await;
    let version = hidden(&unticked.html, "version");
    let ticked = browser
        .post(
            "/apply",
            &[
                ("action", "terms"),
                ("accept", "yes"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(
        ticked.location.as_deref(),
        Some("/apply?step=form"),
        "{}",
        ticked.html
    );

    // The form: a wrong postcode is named beside its field, and what was typed stays.
    let page = browser.get("/apply").await;
    assert!(
        page.html.contains(name),
        "the verified name is on the form: {}",
        page.html
    );
    let version = hidden(&page.html, "version");
    // The number signed in with, read-only: another typed over it is not taken.
    assert!(
        page.html.contains("id=\"phone\"") && page.html.contains("readonly"),
        "{}",
        page.html
    );
    let phone = "13800001111".to_owned();
    assert_eq!(
        input_value(&page.html, "recipient"),
        name,
        "the parcel goes to the applicant"
    );
    let mut fields = vec![
        ("action", "form"),
        ("version", version.as_str()),
        ("phone", phone.as_str()),
        ("email", ""),
        ("recipient", name),
        ("recipient_phone", "13900001111"),
        ("province", "湖南省"),
        ("city", "长沙市"),
        ("district", "岳麓区"),
        ("street", "麓山南路 1 号"),
        ("postal_code", "4100"),
    ];
    let wrong = browser.post("/apply", &fields).await;
    assert_eq!(
        wrong.location.as_deref(),
        Some("/apply?step=form#error-summary-title")
    );
    let wrong = browser.followed(wrong).await;
    assert!(wrong.html.contains("postal_code-error"), "{}", wrong.html);
    assert!(wrong.html.contains("麓山南路 1 号"), "{}", wrong.html);
    // The language switch on the form sends what was typed along: English, then back,
    // and nothing typed is lost (nor checked before the customer goes on).
    assert!(
        wrong.html.contains("form=\"apply-form\"") && wrong.html.contains("id=\"apply-form\""),
        "{}",
        wrong.html
    );
    // Enter in a field submits the form with its first submit button: that must be the
    // form's own (hidden, first in the page), never the language switch.
    let first = wrong
        .html
        .split("<button")
        .nth(1)
        .expect("a button")
        .split('>')
        .next()
        .unwrap_or_default()
        .to_owned();
    assert!(
        first.contains("type=\"submit\"") && first.contains("hidden") && !first.contains("keep"),
        "{first}"
    );
    // And it stays unseen: the stylesheet's buttons do not outrank `hidden`.
    let css = browser.get("/m/site.css").await;
    assert!(
        css.html.contains("[hidden]{display:none!important}"),
        "{}",
        css.html
    );
    // A read-only field (the number signed in with) looks it: grey, outranking the rule
    // that makes every text field white.
    assert!(
        css.html
            .contains("input[readonly]:not([type=checkbox]):not([type=radio]){background:#f1f1f1"),
        "{}",
        css.html
    );
    for lang in ["en", "zh-CN"] {
        let page = browser.get("/apply?step=form").await;
        let version = hidden(&page.html, "version");
        let mut typed = fields.clone();
        typed.retain(|(k, _)| *k != "version");
        typed.push(("version", &version));
        typed.push(("keep", "lang"));
        let switched = browser.post(&format!("/apply?lang={lang}"), &typed).await;
        assert_eq!(
            switched.location.as_deref(),
            Some("/apply?step=form"),
            "{}",
            switched.html
        );
        let page = browser.get("/apply?step=form").await;
        assert!(
            page.html.contains(&format!("lang=\"{lang}\"")),
            "{}",
            page.html
        );
        assert_eq!(input_value(&page.html, "street"), "麓山南路 1 号");
        assert_eq!(input_value(&page.html, "postal_code"), "4100");
    }
    let page = browser.get("/apply?step=form").await;
    let version = hidden(&page.html, "version");
    fields.retain(|(k, _)| *k != "version");
    fields.push(("version", &version));
    fields.retain(|(k, _)| *k != "postal_code");
    fields.push(("postal_code", "410083"));
    let right = browser.post("/apply", &fields).await;
    assert_eq!(
        right.location.as_deref(),
        Some("/apply?step=print"),
        "{}",
        right.html
    );

    // The prefilled form prints.
    let pdf = browser.get("/apply/form.pdf").await;
    assert_eq!(pdf.status, StatusCode::OK);
    // A mistake seen on the paper before saying it is printed: the print step leads back
    // to the form, and the change asks to print again — under a new reference, so the
    // paper printed first is not taken as this one.
    let page = browser.get("/apply").await;
    assert!(
        page.html.contains("href=\"/apply?step=form\""),
        "{}",
        page.html
    );
    let reference = |html: &str| {
        html.split("SQ")
            .nth(1)
            .map(|rest| rest.chars().take(8).collect::<String>())
            .unwrap_or_else(|| panic!("no reference in {html}"))
    };
    let first = reference(&page.html);
    let form = browser.get("/apply?step=form").await;
    let version = hidden(&form.html, "version");
    let mut typo: Vec<(&str, &str)> = fields
        .iter()
        .filter(|(k, _)| !matches!(*k, "version" | "email"))
        .copied()
        .collect();
    typo.push(("version", &version));
    typo.push(("email", "seen-on-paper@example.com"));
    let again = browser.post("/apply", &typo).await;
    assert_eq!(again.location.as_deref(), Some("/apply?step=print"));
    let page = browser.get("/apply").await;
    assert_ne!(reference(&page.html), first);
    let pdf = browser.get("/apply/form.pdf").await;
    assert_eq!(pdf.status, StatusCode::OK);
    let page = browser.get("/apply").await;
    let version = hidden(&page.html, "version");
    browser
        .post("/apply", &[("action", "printed"), ("version", &version)])
        .await;

    // The signed scan (a photo or a file), its largest size said beside the field.
    let page = browser.get("/apply").await;
    assert!(page.html.contains("id=\"scan\""), "{}", page.html);
    assert!(
        page.html.contains(" MB（手机照片太大时可截图后上传）"),
        "{}",
        page.html
    );
    let version = hidden(&page.html, "version");
    let garbage = browser
        .upload(
            "/apply/scan",
            &version,
            b"not a picture".to_vec(),
            "image/jpeg",
        )
        .await;
    assert_eq!(
        garbage.location.as_deref(),
        Some("/apply?step=scan#error-summary-title")
    );
    let garbage = browser.followed(garbage).await;
    assert!(garbage.html.contains("scan-error"), "{}", garbage.html);
    // The downloaded file itself, sent instead of a photo of the signed paper: refused.
    let file = form_pdf(browser).await;
    let version = hidden(&garbage.html, "version");
    let unsigned = browser
        .upload("/apply/scan", &version, file, "application/pdf")
        .await;
    let unsigned = browser.followed(unsigned).await;
    assert!(unsigned.html.contains("没有签字"), "{}", unsigned.html);
    let version = hidden(&unsigned.html, "version");
    // The form as printed, scanned (its code names the application).
    let old_paper = printed_form(browser).await;
    let scanned = browser
        .upload("/apply/scan", &version, old_paper.clone(), "image/png")
        .await;
    scan_taken(&scanned);

    // The street changed after the signed form went up: the paper no longer says what
    // the application says, so it is printed again and the old scan is dropped.
    let page = browser.get("/apply?step=form").await;
    let version = hidden(&page.html, "version");
    let mut changed = fields.clone();
    changed.retain(|(k, _)| !matches!(*k, "street" | "version" | "email"));
    changed.push(("street", "麓山南路 2 号"));
    changed.push(("email", "wang@example.com"));
    changed.push(("version", &version));
    let saved = browser.post("/apply", &changed).await;
    assert_eq!(
        saved.location.as_deref(),
        Some("/apply?step=print"),
        "{}",
        saved.html
    );
    let page = browser.get("/apply?step=print").await;
    assert!(page.html.contains("请重新打印"), "{}", page.html);
    // Where else the paper comes from, for a customer with no printer.
    assert!(page.html.contains("家里没有打印机"), "{}", page.html);
    let version = printed_again(browser).await;
    // The old paper, scanned again, is refused, as the customer's own earlier printout.
    let stale = browser
        .upload("/apply/scan", &version, old_paper, "image/png")
        .await;
    let stale = browser.followed(stale).await;
    assert!(
        stale.html.contains("本申请之前打印的申请表（"),
        "{}",
        stale.html
    );
    let version = hidden(&stale.html, "version");
    scan_the_print(browser, &version).await;
    // What the refusal said goes once a scan is taken: Back to the scan step says nothing
    // of the earlier printout.
    let back = browser.get("/apply?step=scan").await;
    assert!(
        back.html.contains("id=\"scan\"")
            && back.html.contains("已上传签字的申请表")
            && !back.html.contains("本申请之前打印的申请表（"),
        "{}",
        back.html
    );
    // Its code named the application (there is no order yet).
    let page = browser.get("/apply").await;
    assert!(page.html.contains("二维码相符：申请 SQ"), "{}", page.html);

    // Another certificate chosen after all: the paper names the old one, so its scan goes
    // too, and the terms, the form and the print come again.
    let projects = app.client(&app.clerk).projects("").await.expect("projects");
    let other = projects[1]
        .products
        .iter()
        .find(|p| p.user_type == ca_counter::domain::UserType::Individual)
        .expect("another individual certificate")
        .id
        .clone();
    let version = hidden(&page.html, "version");
    let chosen = browser
        .post(
            "/apply",
            &[
                ("action", "product"),
                ("product_id", &other),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(
        chosen.location.as_deref(),
        Some("/apply?step=terms"),
        "{}",
        chosen.html
    );
    let page = browser.get("/apply").await;
    let version = hidden(&page.html, "version");
    browser
        .post(
            "/apply",
            &[
                ("action", "terms"),
                ("accept", "yes"),
                ("version", &version),
            ],
        )
        .await;
    let page = browser.get("/apply").await;
    let version = hidden(&page.html, "version");
    let mut again = changed.clone();
    again.retain(|(k, _)| *k != "version");
    again.push(("version", &version));
    let saved = browser.post("/apply", &again).await;
    assert_eq!(
        saved.location.as_deref(),
        Some("/apply?step=print"),
        "{}",
        saved.html
    );
    let version = printed_again(browser).await;
    scan_the_print(browser, &version).await;
}

/// Sends the application at its review step — twice, as an impatient thumb would: one
/// order, its number.
async fn submit_twice(browser: &mut Browser) -> String {
    // What is submitted is shown first: the e-mail, the recipient, the address and the
    // postal code each readable.
    let page = browser.get("/apply").await;
    assert!(
        page.html.contains("<dd>wang@example.com</dd>")
            && page.html.contains("麓山南路 2 号<br>")
            && page.html.contains("邮政编码 4100"),
        "{}",
        page.html
    );
    let version = hidden(&page.html, "version");
    let draft = hidden(&page.html, "draft");
    let first = browser
        .post("/apply/submit", &[("version", &version), ("draft", &draft)])
        .await;
    let went = first.location.expect("to the order");
    // Said on the order's page: submitted, and what comes next.
    let to = went
        .strip_suffix("?done=submitted")
        .unwrap_or_else(|| panic!("{went}"))
        .to_owned();
    assert!(to.starts_with("/orders/"), "{to}");
    let landed = browser.get(&went).await;
    assert!(landed.html.contains("申请已提交"), "{}", landed.html);
    // The page from before, sent again (the back button): the order it became.
    let second = browser
        .post("/apply/submit", &[("version", &version), ("draft", &draft)])
        .await;
    assert_eq!(
        second.location.as_deref(),
        Some(format!("{to}?submitted=1").as_str())
    );
    let again = browser.get(&format!("{to}?submitted=1")).await;
    assert!(again.html.contains("已提交为本订单"), "{}", again.html);
    // Back from the order to the review step (its address names the application): the
    // order it became, not a new, blank application.
    let back = browser
        .get_once(&format!("/apply?step=review&draft={draft}"))
        .await;
    assert_eq!(
        back.location.as_deref(),
        Some(format!("{to}?submitted=1").as_str())
    );
    // A step of the same application left open in another tab, sent now: the order it
    // became, not a blank application said to have moved on.
    let stale_step = browser
        .post(
            "/apply",
            &[
                ("action", "printed"),
                ("version", &version),
                ("draft", &draft),
            ],
        )
        .await;
    assert_eq!(
        stale_step.location.as_deref(),
        Some(format!("{to}?submitted=1").as_str()),
        "{}",
        stale_step.html
    );
    to.trim_start_matches("/orders/").to_owned()
}

/// The real-name page at `url` (the code's address), filled and sent as the customer's
/// phone would: the page it answers.
pub async fn verify_on_phone(app: &TestApp, url: &str, name: &str, id_number: &str) -> String {
    PhonePage::open(&app.http, url)
        .await
        .expect("verification page")
        .submit(
            &app.http,
            &[("name", name), ("id_number", id_number), ("consent", "yes")],
        )
        .await
        .expect("a try")
        .text()
        .await
        .expect("html")
}

/// `order`'s mailing address corrected by `clerk` (`edit` changes it), as the counter
/// would with the customer on the phone: the order as it is then.
pub async fn correct_mailing(
    clerk: &ca_counter::api::Client,
    order: &ca_counter::api::Order,
    edit: impl FnOnce(&mut ca_counter::api::MailingAddress),
) -> ca_counter::api::Order {
    let mut mailing = order.mailing.clone();
    edit(&mut mailing);
    clerk
        .update_order(
            order.order_no.as_str(),
            &ca_counter::api::OrderUpdate {
                version: Some(order.version),
                mailing: Some(mailing),
                ..Default::default()
            },
        )
        .await
        .expect("the counter's correction")
}
