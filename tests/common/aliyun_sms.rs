//! A local stand-in for Aliyun SMS `SendSms` that checks each request's V3 signature
//! (`ACS3-HMAC-SHA256`) the way Aliyun documents it, computed here on its own from what
//! arrived (method, path, query, the signed headers, the body's hash), and records every
//! request. It can fail the first tries of every message (`ServiceUnavailable`, as Aliyun
//! answers when busy) and refuses a number it calls illegal.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

pub const ACCESS_KEY_ID: &str = "LTAI5tStandInKey";
pub const SECRET: &str = "stand-in-secret-0123456789";
/// The number the stand-in refuses as illegal.
pub const ILLEGAL_NUMBER: &str = "13900000000";

/// One request as it arrived.
#[derive(Debug, Clone)]
pub struct Received {
    pub out_id: String,
    pub phone: String,
    pub sign_name: String,
    pub template: String,
    pub params: BTreeMap<String, String>,
    pub signature_ok: bool,
    /// What was answered: `OK`, `ServiceUnavailable`, …
    pub answered: String,
    pub biz_id: Option<String>,
}

#[derive(Clone)]
struct Inner {
    received: Arc<Mutex<Vec<Received>>>,
    fail_first: Arc<AtomicUsize>,
}

/// The running stand-in.
pub struct SmsGateway {
    pub url: String,
    inner: Inner,
}

impl SmsGateway {
    pub async fn start() -> SmsGateway {
        let inner = Inner {
            received: Arc::default(),
            fail_first: Arc::default(),
        };
        let app = Router::new()
            .route("/", post(send_sms))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        SmsGateway { url, inner }
    }

    /// The first `n` tries of every message are answered `ServiceUnavailable`.
    pub fn fail_first_tries(&self, n: usize) {
        self.inner.fail_first.store(n, Ordering::SeqCst);
    }

    pub fn received(&self) -> Vec<Received> {
        self.inner
            .received
            .lock()
            .map(|r| r.clone())
            .unwrap_or_default()
    }
}

fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Recomputes the request's signature from what arrived; true when it matches.
fn signature_matches(query: &str, headers: &HeaderMap, body: &[u8]) -> bool {
    let Some(authorization) = headers.get("authorization").and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let Some(rest) = authorization.strip_prefix("ACS3-HMAC-SHA256 ") else {
        return false;
    };
    let fields: BTreeMap<&str, &str> = rest
        .split(',')
        .filter_map(|part| part.trim().split_once('='))
        .collect();
    if fields.get("Credential") != Some(&ACCESS_KEY_ID) {
        return false;
    }
    let signed_headers = fields.get("SignedHeaders").copied().unwrap_or_default();
    let names: Vec<&str> = signed_headers.split(';').collect();
    for required in [
        "host",
        "x-acs-action",
        "x-acs-content-sha256",
        "x-acs-date",
        "x-acs-signature-nonce",
        "x-acs-version",
    ] {
        if !names.contains(&required) {
            return false;
        }
    }
    let hashed_body = hex::encode(Sha256::digest(body));
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .trim()
            .to_owned()
    };
    if header("x-acs-content-sha256") != hashed_body
        || header("x-acs-action") != "SendSms"
        || header("x-acs-version") != "2017-05-25"
    {
        return false;
    }
    let mut pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (encode(&k), encode(&v)))
        .collect();
    pairs.sort();
    let canonical_query = pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let canonical_headers: String = names
        .iter()
        .map(|name| format!("{name}:{}\n", header(name)))
        .collect();
    let canonical_request =
        format!("POST\n/\n{canonical_query}\n{canonical_headers}\n{signed_headers}\n{hashed_body}");
    let string_to_sign = format!(
        "ACS3-HMAC-SHA256\n{}",
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    );
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()) else {
        return false;
    };
    mac.update(string_to_sign.as_bytes());
    let expected = hex::encode(mac.finalize().into_bytes());
    fields.get("Signature") == Some(&expected.as_str())
}

async fn send_sms(
    State(inner): State<Inner>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let query = query.unwrap_or_default();
    let params: BTreeMap<String, String> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let text = |k: &str| params.get(k).cloned().unwrap_or_default();
    let signature_ok = signature_matches(&query, &headers, &body);
    let out_id = text("OutId");
    let tries_before = inner
        .received
        .lock()
        .map(|r| r.iter().filter(|x| x.out_id == out_id).count())
        .unwrap_or_default();
    let (status, code) = if !signature_ok {
        (StatusCode::BAD_REQUEST, "SignatureDoesNotMatch")
    } else if tries_before < inner.fail_first.load(Ordering::SeqCst) {
        (StatusCode::SERVICE_UNAVAILABLE, "ServiceUnavailable")
    } else if text("PhoneNumbers") == ILLEGAL_NUMBER {
        (StatusCode::OK, "isv.MOBILE_NUMBER_ILLEGAL")
    } else {
        (StatusCode::OK, "OK")
    };
    let biz_id = (code == "OK").then(|| format!("{}^{}", 900_000 + tries_before, out_id.len()));
    let template_params: BTreeMap<String, String> =
        serde_json::from_str(&text("TemplateParam")).unwrap_or_default();
    if let Ok(mut received) = inner.received.lock() {
        received.push(Received {
            out_id,
            phone: text("PhoneNumbers"),
            sign_name: text("SignName"),
            template: text("TemplateCode"),
            params: template_params,
            signature_ok,
            answered: code.to_owned(),
            biz_id: biz_id.clone(),
        });
    }
    let answer = serde_json::json!({
        "Code": code,
        "Message": if code == "OK" { "OK" } else { "stand-in refused" },
        "RequestId": uuid::Uuid::now_v7().to_string(),
        "BizId": biz_id,
    });
    (status, answer.to_string()).into_response()
}
