//! The customer's own platform, driven as a browser drives it (cookies, form tokens, no
//! script): signing in with a code and its limits, forms refused from other sites, applying
//! from home to a submitted order that the counter sees as online, paying on a phone, bank
//! transfer with the voucher, and a returned order corrected from the phone.

use std::collections::BTreeMap;

use ca_counter::api::{ActionRequest, OrderQuery, PhonePage};
use ca_counter::domain::{Action, Channel, OrderStatus};
use reqwest::StatusCode;
use reqwest::header;

use crate::common::{Db, TestApp, scan_png, unique_phone, voucher_jpeg};
use crate::on_both_databases;

on_both_databases!(
    a_customer_applies_from_home_pays_on_the_phone_and_the_counter_sees_it_online,
    a_transfer_and_a_correction_are_done_from_the_phone,
);

const PHONE_UA: &str = "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36";

/// A browser: keeps its cookies, sends its page's form token, follows no redirect by
/// itself (so the tests see where each step leads).
struct Browser {
    http: reqwest::Client,
    base: String,
    cookies: BTreeMap<String, String>,
}

struct Answer {
    status: StatusCode,
    html: String,
    location: Option<String>,
    set_cookies: Vec<String>,
}

impl Browser {
    fn new(app: &TestApp) -> Browser {
        Browser {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .user_agent(PHONE_UA)
                .build()
                .expect("client"),
            base: app.base.clone(),
            cookies: BTreeMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn token(&self) -> String {
        self.cookies.get("cac_form").cloned().unwrap_or_default()
    }

    async fn read(&mut self, response: reqwest::Response) -> Answer {
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
        let html = response.text().await.expect("body");
        Answer {
            status,
            html,
            location,
            set_cookies,
        }
    }

    async fn get(&mut self, path: &str) -> Answer {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .header(header::COOKIE, self.cookie_header())
            .send()
            .await
            .expect("get");
        self.read(response).await
    }

    async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let token = self.token();
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("form_token", &token));
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header(header::COOKIE, self.cookie_header())
            .header("sec-fetch-site", "same-origin")
            .form(&form)
            .send()
            .await
            .expect("post");
        self.read(response).await
    }

    async fn upload(&mut self, path: &str, version: &str, data: Vec<u8>, mime: &str) -> Answer {
        let part = reqwest::multipart::Part::bytes(data)
            .file_name("photo")
            .mime_str(mime)
            .expect("mime");
        let form = reqwest::multipart::Form::new()
            .text("version", version.to_owned())
            .part("scan", part);
        let response = self
            .http
            .post(format!("{}{path}?form_token={}", self.base, self.token()))
            .header(header::COOKIE, self.cookie_header())
            .multipart(form)
            .send()
            .await
            .expect("upload");
        self.read(response).await
    }
}

/// The value of the first hidden `name` field on the page.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    html.split_once(&marker)
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(v, _)| v.to_owned())
        .unwrap_or_else(|| panic!("no hidden {name} in {html}"))
}

/// The value of the input `name` on the page (as the browser would send it).
fn input_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\"");
    html.split_once(&marker)
        .and_then(|(_, rest)| rest.split_once("value=\""))
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(v, _)| v.to_owned())
        .unwrap_or_else(|| panic!("no input {name} in {html}"))
}

/// Signs in with the demo code shown on the page (the `log` SMS provider sends nothing).
async fn sign_in(browser: &mut Browser, typed_phone: &str) {
    browser.get("/login").await;
    let sent = browser.post("/login", &[("phone", typed_phone)]).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.html);
    let code: String = sent
        .html
        .split_once("本次验证码为 ")
        .map(|(_, rest)| rest.chars().take(6).collect())
        .unwrap_or_else(|| panic!("no demo code in {}", sent.html));
    let phone = hidden(&sent.html, "phone");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let refused = browser
        .post("/login/code", &[("phone", &phone), ("code", wrong)])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.html.contains("还可尝试 4 次"), "{}", refused.html);
    assert!(
        refused.html.contains("aria-describedby"),
        "{}",
        refused.html
    );
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
    // The code is used: it does not sign in twice.
    let again = browser
        .post("/login/code", &[("phone", &phone), ("code", &code)])
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// Applies from home to a submitted order; returns its number.
async fn apply(app: &TestApp, browser: &mut Browser, name: &str, id_number: &str) -> String {
    let page = browser.get("/apply").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    let version = hidden(&page.html, "version");
    // On a phone, real-name goes straight to the verification page.
    let started = browser
        .post("/apply", &[("action", "realname"), ("version", &version)])
        .await;
    let realname = started.location.expect("to the verification");
    assert!(realname.starts_with("/m/realname/"), "{realname}");
    let verified = PhonePage::open(&app.http, &app.url(&realname))
        .await
        .expect("verification page")
        .submit(
            &app.http,
            &[("name", name), ("id_number", id_number), ("consent", "yes")],
        )
        .await
        .expect("verified")
        .text()
        .await
        .expect("html");
    assert!(verified.contains("href=\"/apply\""), "{verified}");

    // The project, by pinyin initials.
    let page = browser.get("/apply").await;
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
    assert_eq!(chosen.status, StatusCode::SEE_OTHER, "{}", chosen.html);

    // The terms: refused unticked, with the message by the box.
    let page = browser.get("/apply").await;
    let version = hidden(&page.html, "version");
    let unticked = browser
        .post("/apply", &[("action", "terms"), ("version", &version)])
        .await;
    assert_eq!(unticked.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unticked.html.contains("accept-error"), "{}", unticked.html);
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
    assert_eq!(ticked.status, StatusCode::SEE_OTHER, "{}", ticked.html);

    // The form: a wrong postcode is named beside its field, and what was typed stays.
    let page = browser.get("/apply").await;
    assert!(
        page.html.contains(name),
        "the verified name is on the form: {}",
        page.html
    );
    let version = hidden(&page.html, "version");
    let phone = input_value(&page.html, "phone");
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
        wrong.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        wrong.html
    );
    assert!(wrong.html.contains("postal_code-error"), "{}", wrong.html);
    assert!(wrong.html.contains("麓山南路 1 号"), "{}", wrong.html);
    fields.retain(|(k, _)| *k != "postal_code");
    fields.push(("postal_code", "410083"));
    let right = browser.post("/apply", &fields).await;
    assert_eq!(right.status, StatusCode::SEE_OTHER, "{}", right.html);

    // The prefilled form prints.
    let pdf = browser.get("/apply/form.pdf").await;
    assert_eq!(pdf.status, StatusCode::OK);
    let page = browser.get("/apply").await;
    let version = hidden(&page.html, "version");
    browser
        .post("/apply", &[("action", "printed"), ("version", &version)])
        .await;

    // The signed scan, from the camera.
    let page = browser.get("/apply").await;
    assert!(page.html.contains("capture="), "{}", page.html);
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
        garbage.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        garbage.html
    );
    let scanned = browser
        .upload("/apply/scan", &version, scan_png(1240, 1754), "image/png")
        .await;
    assert_eq!(scanned.status, StatusCode::SEE_OTHER, "{}", scanned.html);

    // Submit — twice, as an impatient thumb would: one order.
    let page = browser.get("/apply").await;
    let version = hidden(&page.html, "version");
    let first = browser
        .post("/apply/submit", &[("version", &version)])
        .await;
    let to = first.location.expect("to the order");
    assert!(to.starts_with("/orders/"), "{to}");
    let second = browser
        .post("/apply/submit", &[("version", &version)])
        .await;
    assert_ne!(second.status, StatusCode::INTERNAL_SERVER_ERROR);
    to.trim_start_matches("/orders/").to_owned()
}

async fn a_customer_applies_from_home_pays_on_the_phone_and_the_counter_sees_it_online(db: Db) {
    let app = TestApp::spawn(db).await;
    let mut browser = Browser::new(&app);
    let home = browser.get("/").await;
    assert!(home.html.contains("<main"), "{}", home.html);
    assert!(home.html.contains("href=\"/login\""), "{}", home.html);

    // A form from another site is refused, before anything happens.
    let foreign = browser
        .http
        .post(format!("{}/login", browser.base))
        .header("sec-fetch-site", "cross-site")
        .header(header::COOKIE, browser.cookie_header())
        .form(&[("phone", "13900001111"), ("form_token", &browser.token())])
        .send()
        .await
        .expect("post");
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
    let tokenless = browser
        .http
        .post(format!("{}/login", browser.base))
        .header(header::COOKIE, browser.cookie_header())
        .form(&[("phone", "13900001111")])
        .send()
        .await
        .expect("post");
    assert_eq!(tokenless.status(), StatusCode::FORBIDDEN);

    let phone = unique_phone();
    let spaced = format!("{} {} {}", &phone[..3], &phone[3..7], &phone[7..]);
    sign_in(&mut browser, &spaced).await;
    // One code a minute: asking again at once is told when, and nothing is sent.
    let again = browser.post("/login", &[("phone", &phone)]).await;
    assert!(again.html.contains("发送过于频繁"), "{}", again.html);
    assert!(!again.html.contains("本次验证码为"), "{}", again.html);
    // The outbox keeps the text masked: an administrator never reads the code.
    let admin = app.client(&app.admin);
    let messages = admin.sms_messages().await.expect("sms");
    let login = messages
        .iter()
        .find(|m| m.phone == phone)
        .expect("the login text");
    assert!(login.body.contains("••••••"), "{}", login.body);

    let order_no = apply(&app, &mut browser, "王小明", "11010519491231002X").await;

    // The counter sees it, marked online, with the customer's own number.
    let clerk = app.client(&app.clerk);
    let order = clerk.order(&order_no, false).await.expect("order");
    assert_eq!(order.channel, Channel::Online);
    assert_eq!(order.status, OrderStatus::PendingPayment);
    let online = clerk
        .orders(&OrderQuery {
            channel: Some("online".into()),
            ..Default::default()
        })
        .await
        .expect("list");
    assert!(online.items.iter().any(|o| o.order_no.as_str() == order_no));

    // My orders: the order, and its one next step.
    let mine = browser.get("/").await;
    assert!(mine.html.contains(&order_no), "{}", mine.html);
    let page = browser.get(&format!("/orders/{order_no}")).await;
    assert!(page.html.contains("请支付"), "{}", page.html);

    // Paying on a phone: into the (demo) mobile cashier, and back to the order.
    let pay = browser.post(&format!("/orders/{order_no}/pay"), &[]).await;
    assert_eq!(pay.status, StatusCode::SEE_OTHER, "{}", pay.html);
    let cashier = pay.location.expect("to the cashier");
    assert!(
        cashier.contains("/m/pay/") && cashier.contains("return="),
        "{cashier}"
    );
    let paid = PhonePage::open(&app.http, &cashier)
        .await
        .expect("cashier")
        .submit(&app.http, &[])
        .await
        .expect("paid")
        .text()
        .await
        .expect("html");
    assert!(paid.contains(&format!("/orders/{order_no}")), "{paid}");
    let page = browser.get(&format!("/orders/{order_no}")).await;
    assert!(page.html.contains("等待审核"), "{}", page.html);

    // Someone else's order is not found, and says where to go.
    let other = app.submit("赵六").await;
    let foreign = browser.get(&format!("/orders/{}", other.order_no)).await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);

    // Sessions are listed and end.
    let account = browser.get("/account").await;
    assert!(account.html.contains("当前设备"), "{}", account.html);
    browser.post("/logout", &[]).await;
    let after = browser.get("/orders").await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
    app.finish().await;
}

async fn a_transfer_and_a_correction_are_done_from_the_phone(db: Db) {
    let app = TestApp::spawn(db).await;
    // An order made at the counter for this number shows on the customer's platform.
    let counter = app.submit("孙七").await;
    let phone = app
        .client(&app.clerk)
        .order(&counter.order_no, true)
        .await
        .expect("order")
        .applicant
        .phone;
    let mut browser = Browser::new(&app);
    sign_in(&mut browser, &phone).await;
    let no = counter.order_no.as_str().to_owned();
    let mine = browser.get("/").await;
    assert!(mine.html.contains(&no), "{}", mine.html);

    // Bank transfer: the account and the reference, then the voucher.
    let page = browser.get(&format!("/orders/{no}")).await;
    let version = hidden(&page.html, "version");
    let chose = browser
        .post(&format!("/orders/{no}/transfer"), &[("version", &version)])
        .await;
    assert_eq!(chose.status, StatusCode::SEE_OTHER, "{}", chose.html);
    let page = browser.get(&format!("/orders/{no}")).await;
    assert!(page.html.contains("转账附言"), "{}", page.html);
    let version = hidden(&page.html, "version");
    let uploaded = browser
        .upload(
            &format!("/orders/{no}/voucher"),
            &version,
            voucher_jpeg(800, 600),
            "image/jpeg",
        )
        .await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.html);
    let order = app
        .client(&app.clerk)
        .order(&no, false)
        .await
        .expect("order");
    assert_eq!(order.status, OrderStatus::PendingReview);

    // Returned once: every reason on the phone, and the corrected scan from the phone.
    let reviewer = app.client(&app.reviewer);
    reviewer.claim(&no, false).await.expect("claim");
    let order = app
        .act(
            &app.reviewer,
            &order,
            Action::Reject,
            ActionRequest {
                reasons: vec!["签名不清晰".into(), "缺少身份证复印件".into()],
                ..Default::default()
            },
        )
        .await;
    assert_eq!(order.status, OrderStatus::Rejected);
    let page = browser.get(&format!("/orders/{no}")).await;
    assert!(
        page.html.contains("签名不清晰") && page.html.contains("缺少身份证复印件"),
        "{}",
        page.html
    );
    let version = hidden(&page.html, "version");
    let corrected = browser
        .upload(
            &format!("/orders/{no}/correction"),
            &version,
            scan_png(1240, 1754),
            "image/png",
        )
        .await;
    assert_eq!(
        corrected.status,
        StatusCode::SEE_OTHER,
        "{}",
        corrected.html
    );
    let order = app
        .client(&app.clerk)
        .order(&no, false)
        .await
        .expect("order");
    assert_eq!(order.status, OrderStatus::PendingReview);
    let history = app.client(&app.clerk).history(&no).await.expect("history");
    assert!(
        history.iter().any(|h| h.actor.name.contains("线上")),
        "the customer is named in the history: {history:?}"
    );
    app.finish().await;
}
