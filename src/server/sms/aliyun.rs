//! Aliyun SMS (短信服务) `SendSms`, API version `2017-05-25`, signed with Alibaba Cloud's
//! current request signature, V3 (`ACS3-HMAC-SHA256`):
//!
//! ```text
//! CanonicalRequest = "POST" \n "/" \n CanonicalQueryString \n CanonicalHeaders \n
//!                    SignedHeaders \n HexEncode(SHA256(body))
//! StringToSign     = "ACS3-HMAC-SHA256" \n HexEncode(SHA256(CanonicalRequest))
//! Signature        = HexEncode(HMAC-SHA256(AccessKeySecret, StringToSign))
//! Authorization: ACS3-HMAC-SHA256 Credential=<AccessKeyId>,SignedHeaders=<…>,Signature=<…>
//! ```
//!
//! The parameters (`PhoneNumbers`, `SignName`, `TemplateCode`, `TemplateParam`, `OutId`)
//! travel in the query string, sorted by name and percent-encoded per RFC 3986 (`%20` for a
//! space, `~` kept); the body is empty. The signed headers are `host`, `x-acs-action`,
//! `x-acs-content-sha256`, `x-acs-date` (UTC, `yyyy-MM-ddTHH:mm:ssZ`),
//! `x-acs-signature-nonce` (new for every request) and `x-acs-version`, lower-case, sorted,
//! each `name:value` on its own line. The answer is `{"Code":"OK","BizId":…,"RequestId":…}`.

use std::time::Duration;

use futures_util::future::BoxFuture;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::{Delivered, NotSent, Outgoing, SmsKind, SmsProvider};
use crate::config::{AliyunSmsConfig, SmsTemplates};

/// The action and API version of `SendSms`.
pub const ACTION: &str = "SendSms";
/// The API version.
pub const VERSION: &str = "2017-05-25";
/// The signature algorithm.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// Percent-encodes per RFC 3986 as the V3 signature wants: letters, digits, `-_.~` kept.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The canonical query string: parameters sorted by name, names and values encoded.
pub fn canonical_query(params: &[(&str, &str)]) -> String {
    let mut pairs: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| (percent_encode(k), percent_encode(v)))
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// A signed request: its query string and headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    /// The canonical query string (also the request's query string).
    pub query: String,
    /// The headers to send, `Authorization` last.
    pub headers: Vec<(String, String)>,
}

/// Signs a `POST /` with `params` in the query and an empty body.
pub fn sign(
    access_key_id: &str,
    secret: &str,
    host: &str,
    params: &[(&str, &str)],
    date: &str,
    nonce: &str,
) -> Signed {
    let query = canonical_query(params);
    let hashed_body = hex::encode(Sha256::digest(b""));
    let mut headers: Vec<(String, String)> = [
        ("host", host),
        ("x-acs-action", ACTION),
        ("x-acs-content-sha256", hashed_body.as_str()),
        ("x-acs-date", date),
        ("x-acs-signature-nonce", nonce),
        ("x-acs-version", VERSION),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.trim().to_owned()))
    .collect();
    headers.sort();
    let canonical_headers: String = headers.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
    let signed_headers = headers
        .iter()
        .map(|(k, _)| k.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let canonical_request =
        format!("POST\n/\n{query}\n{canonical_headers}\n{signed_headers}\n{hashed_body}");
    let string_to_sign = format!(
        "{ALGORITHM}\n{}",
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    );
    let signature = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(string_to_sign.as_bytes());
            hex::encode(mac.finalize().into_bytes())
        }
        // HMAC takes a key of any length; this cannot happen.
        Err(_) => String::new(),
    };
    headers.push((
        "authorization".into(),
        format!("{ALGORITHM} Credential={access_key_id},SignedHeaders={signed_headers},Signature={signature}"),
    ));
    Signed { query, headers }
}

/// Aliyun's `SendSms` for one account, sign name and set of templates.
pub struct AliyunSms {
    http: reqwest::Client,
    endpoint: String,
    host: String,
    access_key_id: String,
    secret: String,
    sign_name: String,
    templates: SmsTemplates,
}

impl AliyunSms {
    /// A client from `[platform.sms.aliyun]` (reads the secret's file).
    pub fn new(config: &AliyunSmsConfig) -> Result<AliyunSms, String> {
        // Every kind of message the platform texts has its template: one without would
        // fail for every customer it is for (the address-changed warning among them).
        let t = &config.templates;
        let missing: Vec<&str> = [
            ("returned", &t.returned),
            ("shipped", &t.shipped),
            ("login_code", &t.login_code),
            ("payment_link", &t.payment_link),
            ("address_changed", &t.address_changed),
        ]
        .into_iter()
        .filter(|(_, code)| code.trim().is_empty())
        .map(|(name, _)| name)
        .collect();
        if !missing.is_empty() {
            return Err(format!(
                "[platform.sms.aliyun] templates has no template code for {} (each kind of \
                 message needs its own, approved in the Aliyun console; see \
                 config.example.toml for their variables)",
                missing.join(", ")
            ));
        }
        let secret = std::fs::read_to_string(&config.access_key_secret_file)
            .map_err(|e| {
                format!(
                    "[platform.sms.aliyun] access_key_secret_file: cannot read {}: {e}",
                    config.access_key_secret_file.display()
                )
            })?
            .trim()
            .to_owned();
        // An empty file (made and never filled) signs nothing Aliyun accepts: every text
        // would fail, and the platform would start as if it sent them.
        if secret.is_empty() {
            return Err(format!(
                "[platform.sms.aliyun] access_key_secret_file: {} is empty",
                config.access_key_secret_file.display()
            ));
        }
        let endpoint = config.endpoint.trim_end_matches('/').to_owned();
        let url = reqwest::Url::parse(&endpoint)
            .map_err(|e| format!("[platform.sms.aliyun] endpoint {endpoint:?}: {e}"))?;
        let host = match (url.host_str(), url.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            _ => {
                return Err(format!(
                    "[platform.sms.aliyun] endpoint {endpoint:?} has no host"
                ));
            }
        };
        crate::api::install_tls_provider();
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(15))
            .build()
            .map_err(|e| e.to_string())?;
        if t.parcel_returned.trim().is_empty() {
            tracing::warn!(
                "[platform.sms.aliyun] templates has no parcel_returned: customers are not \
                 texted when their parcel comes back (see config.example.toml)"
            );
        }
        Ok(AliyunSms {
            http,
            endpoint,
            host,
            access_key_id: config.access_key_id.clone(),
            secret,
            sign_name: config.sign_name.clone(),
            templates: config.templates.clone(),
        })
    }

    fn template(&self, kind: SmsKind) -> &str {
        match kind {
            SmsKind::Returned => &self.templates.returned,
            SmsKind::Shipped => &self.templates.shipped,
            SmsKind::LoginCode => &self.templates.login_code,
            SmsKind::PaymentLink => &self.templates.payment_link,
            SmsKind::AddressChanged => &self.templates.address_changed,
            SmsKind::ParcelReturned => &self.templates.parcel_returned,
        }
    }
}

/// Aliyun's codes for "busy, try again": throttling, a service hiccup, the per-number limit.
fn worth_retrying(code: &str) -> bool {
    code.starts_with("Throttling")
        || matches!(
            code,
            "ServiceUnavailable"
                | "InternalError"
                | "isp.SYSTEM_ERROR"
                | "isv.BUSINESS_LIMIT_CONTROL"
        )
}

impl SmsProvider for AliyunSms {
    fn name(&self) -> &'static str {
        "aliyun"
    }

    fn sends(&self, kind: SmsKind) -> bool {
        !self.template(kind).trim().is_empty()
    }

    fn send<'a>(&'a self, message: &'a Outgoing) -> BoxFuture<'a, Result<Delivered, NotSent>> {
        Box::pin(async move {
            let template_param = serde_json::to_string(&message.params).unwrap_or_default();
            let params = [
                ("PhoneNumbers", message.phone.as_str()),
                ("SignName", self.sign_name.as_str()),
                ("TemplateCode", self.template(message.kind)),
                ("TemplateParam", template_param.as_str()),
                ("OutId", message.id.as_str()),
            ];
            let date = time::OffsetDateTime::now_utc()
                .replace_nanosecond(0)
                .ok()
                .and_then(|t| {
                    t.format(&time::format_description::well_known::Rfc3339)
                        .ok()
                })
                .unwrap_or_default();
            let nonce = uuid::Uuid::now_v7().simple().to_string();
            let signed = sign(
                &self.access_key_id,
                &self.secret,
                &self.host,
                &params,
                &date,
                &nonce,
            );
            let mut request = self
                .http
                .post(format!("{}/?{}", self.endpoint, signed.query));
            for (name, value) in &signed.headers {
                if name != "host" {
                    request = request.header(name, value);
                }
            }
            let response = match request.send().await {
                Ok(response) => response,
                // No connection: nothing reached Aliyun. Said without the address: its
                // query holds the number and the template's variables (a login code).
                Err(e) if e.is_connect() => {
                    return Err(NotSent::Retry(
                        "connect".into(),
                        e.without_url().to_string(),
                    ));
                }
                Err(e) => return Err(NotSent::Unknown(e.without_url().to_string())),
            };
            let status = response.status();
            let body = response
                .text()
                .await
                .map_err(|e| NotSent::Unknown(e.without_url().to_string()))?;
            let answer: serde_json::Value = serde_json::from_str(&body).map_err(|_| {
                if status.is_server_error() {
                    NotSent::Retry(status.as_u16().to_string(), body.clone())
                } else {
                    NotSent::Unknown(format!("HTTP {status}: {body}"))
                }
            })?;
            let text = |k: &str| answer[k].as_str().unwrap_or_default().to_owned();
            let code = text("Code");
            if code == "OK" {
                return Ok(Delivered::Sent {
                    biz_id: text("BizId"),
                    code,
                });
            }
            let message = text("Message");
            if worth_retrying(&code) {
                Err(NotSent::Retry(code, message))
            } else {
                Err(NotSent::Refused(code, message))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_encoded_as_rfc_3986_and_sorted() {
        assert_eq!(percent_encode("a b*~+/中"), "a%20b%2A~%2B%2F%E4%B8%AD");
        assert_eq!(
            canonical_query(&[("SignName", "湖南CA"), ("PhoneNumbers", "13812345678")]),
            "PhoneNumbers=13812345678&SignName=%E6%B9%96%E5%8D%97CA"
        );
    }

    /// A template left out is named at start, not found by the first customer it fails.
    #[test]
    fn every_kind_of_message_needs_its_template() {
        let config = AliyunSmsConfig {
            endpoint: "http://127.0.0.1:9".into(),
            access_key_id: "LTAI".into(),
            access_key_secret_file: "/nonexistent".into(),
            sign_name: "湖南CA".into(),
            templates: crate::config::SmsTemplates {
                returned: "SMS_1".into(),
                shipped: "SMS_2".into(),
                login_code: "SMS_3".into(),
                payment_link: String::new(),
                address_changed: " ".into(),
                parcel_returned: String::new(),
            },
        };
        let refused = AliyunSms::new(&config).err().unwrap_or_default();
        assert!(
            refused.contains("payment_link, address_changed")
                && !refused.contains("login_code")
                && !refused.contains("parcel_returned"),
            "{refused}"
        );
    }

    /// A gateway's settings with every required template, its secret in `secret_file`, and
    /// `parcel_returned` as given.
    fn configured(secret_file: std::path::PathBuf, parcel_returned: &str) -> AliyunSmsConfig {
        AliyunSmsConfig {
            endpoint: "http://127.0.0.1:9".into(),
            access_key_id: "LTAI".into(),
            access_key_secret_file: secret_file,
            sign_name: "湖南CA".into(),
            templates: crate::config::SmsTemplates {
                returned: "SMS_1".into(),
                shipped: "SMS_2".into(),
                login_code: "SMS_3".into(),
                payment_link: "SMS_4".into(),
                address_changed: "SMS_5".into(),
                parcel_returned: parcel_returned.into(),
            },
        }
    }

    /// The text of a returned parcel came after the others: a gateway without its template
    /// starts, and does not send that kind (it is not written, rather than failing).
    #[test]
    fn a_gateway_without_the_returned_parcels_template_sends_every_other_kind() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let secret = dir.path().join("secret");
        std::fs::write(&secret, "s3cret\n").unwrap_or_else(|e| panic!("{e}"));
        let config = configured(secret, "");
        let gateway = AliyunSms::new(&config).unwrap_or_else(|e| panic!("{e}"));
        assert!(!gateway.sends(SmsKind::ParcelReturned));
        assert!(gateway.sends(SmsKind::Shipped) && gateway.sends(SmsKind::AddressChanged));
    }

    /// A secret file made and never filled is named at start.
    #[test]
    fn an_empty_secret_is_refused_at_start() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let secret = dir.path().join("secret");
        std::fs::write(&secret, "   \n").unwrap_or_else(|e| panic!("{e}"));
        let config = configured(secret, "SMS_6");
        let refused = AliyunSms::new(&config).err().unwrap_or_default();
        assert!(refused.contains("is empty"), "{refused}");
    }

    /// The expected signature was computed apart from this code (Python's `hmac` and
    /// `hashlib`, following the documented steps).
    #[test]
    fn a_request_is_signed_as_the_v3_documentation_says() {
        let signed = sign(
            "LTAI5tTestKeyId",
            "TestSecret123",
            "dysmsapi.aliyuncs.com",
            &[
                ("PhoneNumbers", "13812345678"),
                ("SignName", "湖南CA"),
                ("TemplateCode", "SMS_123456789"),
                ("TemplateParam", r#"{"code":"123456"}"#),
            ],
            "2026-12-03T02:21:00Z",
            "3f2a9c0e5b7d4e1f8a6c2b9d0e4f7a13",
        );
        let authorization = &signed.headers.last().expect("authorization").1;
        assert_eq!(
            authorization,
            &format!(
                "ACS3-HMAC-SHA256 Credential=LTAI5tTestKeyId,SignedHeaders=host;x-acs-action;\
                 x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature={}",
                include_str!("testdata/v3_signature.txt").trim()
            )
        );
    }
}
