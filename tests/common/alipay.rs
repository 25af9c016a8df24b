//! A faithful local stand-in for Alipay's open-API gateway: it checks each request's RSA2
//! signature with the merchant's public key, keeps trades, answers precreate / query /
//! close signed with the gateway's key, and sends signed asynchronous notifications the
//! way Alipay does. For identity verification it answers
//! `alipay.user.certify.open.initialize` / `.query`, and plays the Alipay app at the signed
//! `alipay.user.certify.open.certify` URL: a page where the customer passes, fails or
//! abandons the face check (pass and fail go back to `return_url`, as Alipay does).
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Form, Router};
use ca_counter::server::payments::rsa2::{Signer, Verifier, notify_sign_string, sign_string};

pub const APP_ID: &str = "2021000000000001";
pub const SELLER_ID: &str = "2088000000000001";

/// Test key files (not secrets: made for these tests).
pub fn key_file(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/server/payments/testdata")
        .join(name)
}

#[derive(Debug, Clone, PartialEq)]
pub struct StandInTrade {
    pub total_amount: String,
    pub status: String,
    pub subject: String,
}

#[derive(Clone)]
struct Inner {
    signer: Signer,
    merchant: Verifier,
    trades: Arc<Mutex<HashMap<String, StandInTrade>>>,
    calls: Arc<Mutex<Vec<String>>>,
    /// How long each answer takes (the network and Alipay), in ms.
    latency_ms: Arc<AtomicU64>,
    /// Identity checks by certify_id.
    certifications: Arc<Mutex<HashMap<String, Certification>>>,
    /// Answers are changed after signing (a man in the middle).
    tamper: Arc<std::sync::atomic::AtomicBool>,
}

/// One identity check as the stand-in keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct Certification {
    pub outer_order_no: String,
    pub biz_code: String,
    pub cert_name: String,
    pub cert_no: String,
    pub return_url: String,
    /// `init`, `passed`, `failed`, `abandoned`.
    pub state: String,
}

/// The running stand-in.
pub struct Gateway {
    pub url: String,
    inner: Inner,
    http: reqwest::Client,
}

impl Gateway {
    pub async fn start() -> Gateway {
        ca_counter::api::install_tls_provider();
        let inner = Inner {
            signer: Signer::from_text(
                &std::fs::read_to_string(key_file("gateway_private.pem")).expect("key"),
            )
            .expect("gateway key"),
            merchant: Verifier::from_text(
                &std::fs::read_to_string(key_file("merchant_public.pem")).expect("key"),
            )
            .expect("merchant key"),
            trades: Arc::default(),
            calls: Arc::default(),
            latency_ms: Arc::default(),
            certifications: Arc::default(),
            tamper: Arc::default(),
        };
        let app = Router::new()
            .route("/gateway.do", post(gateway).get(certify_page))
            .route("/app/{certify_id}/{choice}", post(app_choice))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}/gateway.do", listener.local_addr().expect("addr"));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Gateway {
            url,
            inner,
            http: reqwest::Client::new(),
        }
    }

    /// Makes every answer take `ms` milliseconds.
    pub fn set_latency(&self, ms: u64) {
        self.inner.latency_ms.store(ms, Ordering::SeqCst);
    }

    /// The methods called so far, in order.
    pub fn calls(&self) -> Vec<String> {
        self.inner
            .calls
            .lock()
            .map(|c| c.clone())
            .unwrap_or_default()
    }

    /// Changes every answer after signing it from now on.
    pub fn tamper_answers(&self, on: bool) {
        self.inner.tamper.store(on, Ordering::SeqCst);
    }

    /// The identity checks opened so far.
    pub fn certifications(&self) -> Vec<Certification> {
        self.inner
            .certifications
            .lock()
            .map(|c| c.values().cloned().collect())
            .unwrap_or_default()
    }

    pub fn trade(&self, out_trade_no: &str) -> Option<StandInTrade> {
        self.inner.trades.lock().ok()?.get(out_trade_no).cloned()
    }

    /// The buyer pays with their phone (no notification yet).
    pub fn buyer_pays(&self, out_trade_no: &str) {
        if let Ok(mut trades) = self.inner.trades.lock()
            && let Some(trade) = trades.get_mut(out_trade_no)
        {
            trade.status = "TRADE_SUCCESS".into();
        }
    }

    /// The notification Alipay would send for a trade, signed with the gateway's key.
    pub fn notify_params(
        &self,
        out_trade_no: &str,
        change: impl FnOnce(&mut BTreeMap<String, String>),
    ) -> BTreeMap<String, String> {
        let trade = self.trade(out_trade_no).expect("a known trade");
        let mut params: BTreeMap<String, String> = [
            ("notify_time", "2026-11-28 16:40:00"),
            ("notify_type", "trade_status_sync"),
            ("notify_id", "ac05099524730693a8b330c5ecf72da9786"),
            ("app_id", APP_ID),
            ("charset", "utf-8"),
            ("version", "1.0"),
            ("sign_type", "RSA2"),
            ("trade_no", "2026112822001405340500012345"),
            ("out_trade_no", out_trade_no),
            ("buyer_logon_id", "159****5620"),
            ("seller_id", SELLER_ID),
            ("trade_status", trade.status.as_str()),
            ("total_amount", trade.total_amount.as_str()),
            ("receipt_amount", trade.total_amount.as_str()),
            ("subject", trade.subject.as_str()),
            ("gmt_payment", "2026-11-28 16:39:58"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        change(&mut params);
        let signature = self.inner.signer.sign(&notify_sign_string(&params));
        params.insert("sign".into(), signature);
        params
    }

    /// Posts a notification to `notify_url` as Alipay does; returns the body answered.
    pub async fn send_notify(&self, notify_url: &str, params: &BTreeMap<String, String>) -> String {
        self.http
            .post(notify_url)
            .form(params)
            .send()
            .await
            .expect("notify")
            .text()
            .await
            .expect("notify answer")
    }
}

async fn gateway(
    State(inner): State<Inner>,
    Form(params): Form<BTreeMap<String, String>>,
) -> String {
    let method = params.get("method").cloned().unwrap_or_default();
    if let Ok(mut calls) = inner.calls.lock() {
        calls.push(method.clone());
    }
    let member = format!("{}_response", method.replace('.', "_"));
    let signed = sign_string(&params, &["sign"]);
    if !params
        .get("sign")
        .is_some_and(|s| inner.merchant.verify(signed.as_bytes(), s))
    {
        let body = r#"{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-signature","sub_msg":"验签出错"}"#;
        return format!(
            r#"{{"{member}":{body},"sign":"{}"}}"#,
            inner.signer.sign(body)
        );
    }
    let biz: serde_json::Value = serde_json::from_str(
        params
            .get("biz_content")
            .map(String::as_str)
            .unwrap_or("{}"),
    )
    .unwrap_or_default();
    let out_trade_no = biz["out_trade_no"].as_str().unwrap_or_default().to_owned();
    let latency = inner.latency_ms.load(Ordering::SeqCst);
    if latency > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(latency)).await;
    }
    let body = match method.as_str() {
        "alipay.trade.precreate" => {
            if let Ok(mut trades) = inner.trades.lock() {
                trades.insert(
                    out_trade_no.clone(),
                    StandInTrade {
                        total_amount: biz["total_amount"].as_str().unwrap_or_default().to_owned(),
                        status: "WAIT_BUYER_PAY".into(),
                        subject: biz["subject"].as_str().unwrap_or_default().to_owned(),
                    },
                );
            }
            format!(
                r#"{{"code":"10000","msg":"Success","out_trade_no":"{out_trade_no}","qr_code":"https://qr.alipay.com/bax0{}"}}"#,
                out_trade_no.len()
            )
        }
        "alipay.trade.query" | "alipay.trade.close" => {
            let trade = inner.trades.lock().ok().and_then(|t| t.get(&out_trade_no).cloned());
            match trade {
                None => r#"{"code":"40004","msg":"Business Failed","sub_code":"ACQ.TRADE_NOT_EXIST","sub_msg":"交易不存在"}"#.to_owned(),
                Some(trade) if method == "alipay.trade.query" => format!(
                    r#"{{"code":"10000","msg":"Success","trade_no":"2026112822001405340500012345","out_trade_no":"{out_trade_no}","trade_status":"{}","total_amount":"{}"}}"#,
                    trade.status, trade.total_amount
                ),
                Some(_) => {
                    if let Ok(mut trades) = inner.trades.lock()
                        && let Some(t) = trades.get_mut(&out_trade_no)
                    {
                        t.status = "TRADE_CLOSED".into();
                    }
                    format!(r#"{{"code":"10000","msg":"Success","out_trade_no":"{out_trade_no}"}}"#)
                }
            }
        }
        "alipay.user.certify.open.initialize" => initialize(&inner, &biz),
        "alipay.user.certify.open.query" => {
            let certify_id = biz["certify_id"].as_str().unwrap_or_default();
            let state = inner
                .certifications
                .lock()
                .ok()
                .and_then(|c| c.get(certify_id).map(|c| c.state.clone()));
            match state.as_deref() {
                None => r#"{"code":"40004","msg":"Business Failed","sub_code":"OPEN_CERTIFY_BILL_NOT_EXIST","sub_msg":"无效的certify_id"}"#.to_owned(),
                Some("passed") => r#"{"code":"10000","msg":"Success","passed":"T","identity_info":"{}","material_info":"{\"face\":\"stand-in\"}"}"#.to_owned(),
                Some(_) => r#"{"code":"10000","msg":"Success","passed":"F"}"#.to_owned(),
            }
        }
        _ => r#"{"code":"40004","msg":"Business Failed","sub_code":"isv.invalid-method","sub_msg":"unknown"}"#.to_owned(),
    };
    let signature = inner.signer.sign(&body);
    let body = if inner.tamper.load(Ordering::SeqCst) {
        body.replace("\"passed\":\"F\"", "\"passed\":\"T\"")
            .replace("\"certify_id\":\"", "\"certify_id\":\"x")
    } else {
        body
    };
    format!(r#"{{"{member}":{body},"sign":"{signature}"}}"#)
}

/// `alipay.user.certify.open.initialize`: checks the documented fields, opens a check.
fn initialize(inner: &Inner, biz: &serde_json::Value) -> String {
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
    let identity = &biz["identity_param"];
    let outer = text(&biz["outer_order_no"]);
    let valid = !outer.is_empty()
        && outer.len() <= 32
        && outer.chars().all(|c| c.is_ascii_alphanumeric())
        && text(&identity["identity_type"]) == "CERT_INFO"
        && text(&identity["cert_type"]) == "IDENTITY_CARD"
        && !text(&identity["cert_name"]).is_empty()
        && !text(&identity["cert_no"]).is_empty()
        && !text(&biz["merchant_config"]["return_url"]).is_empty()
        && !text(&biz["biz_code"]).is_empty();
    if !valid {
        return r#"{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-parameter","sub_msg":"参数有误"}"#.to_owned();
    }
    let certify_id = format!("{:032x}", rand_u128());
    if let Ok(mut all) = inner.certifications.lock() {
        all.insert(
            certify_id.clone(),
            Certification {
                outer_order_no: outer,
                biz_code: text(&biz["biz_code"]),
                cert_name: text(&identity["cert_name"]),
                cert_no: text(&identity["cert_no"]),
                return_url: text(&biz["merchant_config"]["return_url"]),
                state: "init".into(),
            },
        );
    }
    format!(r#"{{"code":"10000","msg":"Success","certify_id":"{certify_id}"}}"#)
}

fn rand_u128() -> u128 {
    let uuid = uuid::Uuid::now_v7();
    uuid.as_u128()
}

/// The signed `alipay.user.certify.open.certify` URL, opened on the phone: the Alipay
/// app's face check, played by three buttons.
async fn certify_page(
    State(inner): State<Inner>,
    Query(params): Query<BTreeMap<String, String>>,
) -> Response {
    let signed = sign_string(&params, &["sign"]);
    let signed_ok = params
        .get("sign")
        .is_some_and(|s| inner.merchant.verify(signed.as_bytes(), s));
    if signed_ok && params.get("method").map(String::as_str) == Some("alipay.trade.wap.pay") {
        return wap_cashier(&inner, &params);
    }
    if !signed_ok
        || params.get("method").map(String::as_str) != Some("alipay.user.certify.open.certify")
    {
        return (axum::http::StatusCode::FORBIDDEN, "验签出错").into_response();
    }
    let biz: serde_json::Value = serde_json::from_str(
        params
            .get("biz_content")
            .map(String::as_str)
            .unwrap_or("{}"),
    )
    .unwrap_or_default();
    let certify_id = biz["certify_id"].as_str().unwrap_or_default().to_owned();
    let known = inner
        .certifications
        .lock()
        .ok()
        .and_then(|c| c.get(&certify_id).map(|c| c.cert_name.clone()));
    let Some(name) = known else {
        return (axum::http::StatusCode::NOT_FOUND, "无效的certify_id").into_response();
    };
    let button = |choice: &str, label: &str| {
        format!(
            "<form method=\"post\" action=\"/app/{certify_id}/{choice}\"><button id=\"{choice}\" type=\"submit\">{label}</button></form>"
        )
    };
    Html(format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>支付宝</title></head>\
         <body><h1>支付宝刷脸认证</h1><p class=\"who\">{name}</p>{}{}{}</body></html>",
        button("pass", "完成刷脸"),
        button("fail", "刷脸失败"),
        button("abandon", "退出"),
    ))
    .into_response()
}

/// The signed `alipay.trade.wap.pay` URL, opened on the phone: Alipay's mobile cashier. The
/// trade exists from here on (as at Alipay, where the page creates it); the test pays it
/// with [`Gateway::buyer_pays`] and sends the notification.
fn wap_cashier(inner: &Inner, params: &BTreeMap<String, String>) -> Response {
    if let Ok(mut calls) = inner.calls.lock() {
        calls.push("alipay.trade.wap.pay".into());
    }
    let biz: serde_json::Value = serde_json::from_str(
        params
            .get("biz_content")
            .map(String::as_str)
            .unwrap_or("{}"),
    )
    .unwrap_or_default();
    let complete = biz["product_code"] == "QUICK_WAP_WAY"
        && params.get("notify_url").is_some_and(|u| !u.is_empty())
        && params.get("return_url").is_some_and(|u| !u.is_empty())
        && params.get("app_id").map(String::as_str) == Some(APP_ID);
    if !complete {
        return (axum::http::StatusCode::BAD_REQUEST, "参数错误").into_response();
    }
    let out_trade_no = biz["out_trade_no"].as_str().unwrap_or_default().to_owned();
    let trade = StandInTrade {
        total_amount: biz["total_amount"].as_str().unwrap_or_default().to_owned(),
        status: "WAIT_BUYER_PAY".into(),
        subject: biz["subject"].as_str().unwrap_or_default().to_owned(),
    };
    if let Ok(mut trades) = inner.trades.lock() {
        trades.entry(out_trade_no.clone()).or_insert(trade);
    }
    Html(format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>支付宝</title></head>\
         <body><h1>支付宝 手机收银台</h1><p id=\"trade\">{out_trade_no}</p>\
         <a id=\"back\" href=\"{}\">返回商家</a></body></html>",
        params.get("return_url").map(String::as_str).unwrap_or_default()
    ))
    .into_response()
}

/// The customer's choice in the played Alipay app.
async fn app_choice(
    State(inner): State<Inner>,
    Path((certify_id, choice)): Path<(String, String)>,
) -> Response {
    let return_url = {
        let Ok(mut all) = inner.certifications.lock() else {
            return (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "").into_response();
        };
        let Some(certification) = all.get_mut(&certify_id) else {
            return (axum::http::StatusCode::NOT_FOUND, "无效的certify_id").into_response();
        };
        certification.state = match choice.as_str() {
            "pass" => "passed",
            "fail" => "failed",
            _ => "abandoned",
        }
        .into();
        certification.return_url.clone()
    };
    if choice == "abandon" {
        return Html("<!doctype html><html><body><h1>已退出</h1></body></html>").into_response();
    }
    Redirect::to(&return_url).into_response()
}
