//! Alipay's open-API gateway (`gateway.do`), shared by the payment client and the identity
//! client: one request signer, one answer verifier, one notification verifier.
//!
//! - A request carries the public parameters (`app_id`, `method`, `format`, `charset`,
//!   `sign_type`, `timestamp`, `version`, and `notify_url` / `return_url` where a method
//!   takes them) and `biz_content` (JSON), signed RSA2 over them all sorted, empty values and
//!   `sign` left out ([`super::payments::rsa2::sign_string`]).
//! - An answer `{"<method>_response": {...}, "sign": "..."}` is verified over the exact bytes
//!   of its member, then its `code` must be `10000`.
//! - A page method (`alipay.user.certify.open.certify`) is not called but handed to the
//!   customer as a signed GET URL of the gateway, as the SDK's `pageExecute` does.
//! - A notification is verified over every parameter but `sign` and `sign_type`, empty
//!   values kept ([`super::payments::rsa2::notify_sign_string`]).

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::value::RawValue;

use super::payments::rsa2::{Signer, Verifier, notify_sign_string, sign_string};

/// Why a gateway call failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum GatewayError {
    /// The gateway could not be reached or answered nonsense.
    #[error("Alipay unreachable: {0}")]
    Unreachable(String),
    /// The answer's signature did not verify.
    #[error("Alipay's answer has a bad signature")]
    BadSignature,
    /// Alipay refused (`code`, `sub_code`, message).
    #[error("Alipay refused: {0} {1} {2}")]
    Refused(String, String, String),
}

/// One Alipay application talking to one gateway.
pub struct Gateway {
    http: reqwest::Client,
    url: String,
    app_id: String,
    signer: Signer,
    verifier: Verifier,
}

impl std::fmt::Debug for Gateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gateway")
            .field("url", &self.url)
            .field("app_id", &self.app_id)
            .finish()
    }
}

/// Alipay's clock: `yyyy-MM-dd HH:mm:ss`, China Standard Time.
pub fn timestamp_now() -> String {
    let china = time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC);
    let now = time::OffsetDateTime::now_utc().to_offset(china);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    )
}

impl Gateway {
    /// A client for the gateway at `url` as application `app_id`, signing with the
    /// application's key and verifying with Alipay's.
    pub fn new(
        url: &str,
        app_id: &str,
        signer: Signer,
        verifier: Verifier,
    ) -> Result<Gateway, GatewayError> {
        // Said at start, not at the first customer's payment.
        let parsed = reqwest::Url::parse(url)
            .map_err(|e| GatewayError::Unreachable(format!("gateway {url:?}: {e}")))?;
        if !matches!(parsed.scheme(), "https" | "http") || parsed.host_str().is_none() {
            return Err(GatewayError::Unreachable(format!(
                "gateway {url:?} is not an https address"
            )));
        }
        crate::api::install_tls_provider();
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(15))
            .build()
            .map_err(|e| GatewayError::Unreachable(e.to_string()))?;
        Ok(Gateway {
            http,
            url: url.to_owned(),
            app_id: app_id.to_owned(),
            signer,
            verifier,
        })
    }

    /// The application id.
    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    /// The gateway's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The signed parameters of a call: the public ones, `extra` (e.g. `notify_url`), and
    /// `biz_content`.
    pub fn signed_params(
        &self,
        method: &str,
        biz_content: &serde_json::Value,
        timestamp: &str,
        extra: &[(&str, &str)],
    ) -> BTreeMap<String, String> {
        let mut params: BTreeMap<String, String> = [
            ("app_id", self.app_id.as_str()),
            ("method", method),
            ("format", "JSON"),
            ("charset", "utf-8"),
            ("sign_type", "RSA2"),
            ("timestamp", timestamp),
            ("version", "1.0"),
        ]
        .into_iter()
        .chain(extra.iter().copied())
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        params.insert("biz_content".into(), biz_content.to_string());
        let signature = self.signer.sign(&sign_string(&params, &["sign"]));
        params.insert("sign".into(), signature);
        params
    }

    /// Calls `method` and returns its verified answer member.
    pub async fn call(
        &self,
        method: &str,
        biz_content: serde_json::Value,
        extra: &[(&str, &str)],
    ) -> Result<serde_json::Value, GatewayError> {
        let params = self.signed_params(method, &biz_content, &timestamp_now(), extra);
        let response = self
            .http
            .post(&self.url)
            .query(&[("charset", "utf-8")])
            .form(&params)
            .send()
            .await
            .map_err(|e| GatewayError::Unreachable(e.to_string()))?;
        let body = response
            .text()
            .await
            .map_err(|e| GatewayError::Unreachable(e.to_string()))?;
        let member = format!("{}_response", method.replace('.', "_"));
        self.verified_member(&body, &member)
    }

    /// The URL of a page method (`pageExecute` with GET): the gateway with the signed
    /// parameters in its query string, for the customer's browser or Alipay app to open.
    pub fn page_url(&self, method: &str, biz_content: &serde_json::Value) -> String {
        self.page_url_with(method, biz_content, &[])
    }

    /// [`Gateway::page_url`] with more public parameters signed in (`notify_url`,
    /// `return_url`).
    pub fn page_url_with(
        &self,
        method: &str,
        biz_content: &serde_json::Value,
        extra: &[(&str, &str)],
    ) -> String {
        let params = self.signed_params(method, biz_content, &timestamp_now(), extra);
        let query: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params.iter())
            .finish();
        let separator = if self.url.contains('?') { '&' } else { '?' };
        format!("{}{separator}{query}", self.url)
    }

    /// The `member` of an answer, after checking its signature over the member's exact
    /// bytes; an error unless its `code` is `10000`.
    pub fn verified_member(
        &self,
        body: &str,
        member: &str,
    ) -> Result<serde_json::Value, GatewayError> {
        let members: BTreeMap<&str, &RawValue> =
            serde_json::from_str(body).map_err(|e| GatewayError::Unreachable(e.to_string()))?;
        let raw = members
            .get(member)
            .or_else(|| members.get("error_response"))
            .ok_or_else(|| GatewayError::Unreachable(format!("no {member} in the answer")))?;
        let value: serde_json::Value = serde_json::from_str(raw.get())
            .map_err(|e| GatewayError::Unreachable(e.to_string()))?;
        let code = value["code"].as_str().unwrap_or_default().to_owned();
        let signature = members
            .get("sign")
            .and_then(|s| serde_json::from_str::<String>(s.get()).ok());
        match signature {
            Some(signature) if self.verifier.verify(raw.get().as_bytes(), &signature) => {}
            // Alipay leaves some gateway errors unsigned; they are errors either way.
            None if code != "10000" => {}
            _ => return Err(GatewayError::BadSignature),
        }
        if code != "10000" {
            let text = |k: &str| value[k].as_str().unwrap_or_default().to_owned();
            return Err(GatewayError::Refused(
                code,
                text("sub_code"),
                text("sub_msg"),
            ));
        }
        Ok(value)
    }

    /// True when a notification's signature is Alipay's.
    pub fn verify_notify(&self, params: &BTreeMap<String, String>) -> bool {
        let Some(signature) = params.get("sign") else {
            return false;
        };
        self.verifier
            .verify(notify_sign_string(params).as_bytes(), signature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A client as the platform holds it: the merchant's key, the gateway's public key.
    pub(crate) fn gateway() -> Gateway {
        let signer = Signer::from_text(include_str!("payments/testdata/merchant_private.pem"))
            .unwrap_or_else(|e| panic!("{e}"));
        let verifier = Verifier::from_text(include_str!("payments/testdata/gateway_public.pem"))
            .unwrap_or_else(|e| panic!("{e}"));
        Gateway::new(
            "http://127.0.0.1:1/gateway.do",
            "2021000000000001",
            signer,
            verifier,
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    /// A gateway that is no address is refused when the platform starts, not at the first
    /// customer's payment.
    #[test]
    fn a_gateway_that_is_no_address_is_refused() {
        for bad in ["htp:/openapi", "openapi.alipay.com/gateway.do", "ftp://x/y"] {
            let signer = Signer::from_text(include_str!("payments/testdata/merchant_private.pem"))
                .unwrap_or_else(|e| panic!("{e}"));
            let verifier =
                Verifier::from_text(include_str!("payments/testdata/gateway_public.pem"))
                    .unwrap_or_else(|e| panic!("{e}"));
            assert!(
                Gateway::new(bad, "2021000000000001", signer, verifier).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn requests_carry_every_public_parameter_and_a_signature_over_them() {
        let alipay = gateway();
        let biz = serde_json::json!({"out_trade_no": "HN1-1", "total_amount": "300.00"});
        let params = alipay.signed_params(
            "alipay.trade.precreate",
            &biz,
            "2026-11-28 16:32:05",
            &[("notify_url", "https://ca.example.cn/n")],
        );
        for key in [
            "app_id",
            "method",
            "format",
            "charset",
            "sign_type",
            "timestamp",
            "version",
            "notify_url",
            "biz_content",
            "sign",
        ] {
            assert!(params.contains_key(key), "{key}");
        }
        let merchant = Verifier::from_text(include_str!("payments/testdata/merchant_public.pem"))
            .unwrap_or_else(|e| panic!("{e}"));
        let signed = sign_string(&params, &["sign"]);
        assert!(
            signed.contains("sign_type=RSA2"),
            "requests keep sign_type in what is signed"
        );
        assert!(merchant.verify(signed.as_bytes(), &params["sign"]));
    }

    #[test]
    fn a_page_url_is_the_gateway_with_signed_parameters_a_browser_can_open() {
        let alipay = gateway();
        let url = alipay.page_url(
            "alipay.user.certify.open.certify",
            &serde_json::json!({"certify_id": "abc123"}),
        );
        let (base, query) = url.split_once('?').unwrap_or_default();
        assert_eq!(base, "http://127.0.0.1:1/gateway.do");
        let params: BTreeMap<String, String> = form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        assert_eq!(params["method"], "alipay.user.certify.open.certify");
        assert_eq!(params["biz_content"], r#"{"certify_id":"abc123"}"#);
        let merchant = Verifier::from_text(include_str!("payments/testdata/merchant_public.pem"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(merchant.verify(sign_string(&params, &["sign"]).as_bytes(), &params["sign"]));
    }

    #[test]
    fn answers_are_verified_over_the_exact_bytes_of_their_member() {
        let alipay = gateway();
        let gateway = Signer::from_text(include_str!("payments/testdata/gateway_private.pem"))
            .unwrap_or_else(|e| panic!("{e}"));
        // Spacing as the gateway sends it must be kept byte for byte.
        let member = r#"{"code":"10000","msg":"Success","out_trade_no":"HN1-1","qr_code":"https://qr.alipay.com/bax0"}"#;
        let body = format!(
            r#"{{"alipay_trade_precreate_response":{member},"sign":"{}"}}"#,
            gateway.sign(member)
        );
        let value = alipay.verified_member(&body, "alipay_trade_precreate_response");
        assert_eq!(
            value
                .ok()
                .and_then(|v| v["qr_code"].as_str().map(str::to_owned))
                .as_deref(),
            Some("https://qr.alipay.com/bax0")
        );
        let tampered = body.replace("bax0", "bax1");
        assert!(matches!(
            alipay.verified_member(&tampered, "alipay_trade_precreate_response"),
            Err(GatewayError::BadSignature)
        ));
        // Signed by someone else (the merchant's own key): refused too.
        let merchant = Signer::from_text(include_str!("payments/testdata/merchant_private.pem"))
            .unwrap_or_else(|e| panic!("{e}"));
        let forged = format!(
            r#"{{"alipay_trade_precreate_response":{member},"sign":"{}"}}"#,
            merchant.sign(member)
        );
        assert!(matches!(
            alipay.verified_member(&forged, "alipay_trade_precreate_response"),
            Err(GatewayError::BadSignature)
        ));
        let refused = r#"{"alipay_trade_query_response":{"code":"40004","msg":"Business Failed","sub_code":"ACQ.TRADE_NOT_EXIST","sub_msg":"交易不存在"}}"#;
        assert!(matches!(
            alipay.verified_member(refused, "alipay_trade_query_response"),
            Err(GatewayError::Refused(code, sub, _)) if code == "40004" && sub == "ACQ.TRADE_NOT_EXIST"
        ));
    }
}
