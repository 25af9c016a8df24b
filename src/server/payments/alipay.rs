//! Alipay face-to-face payment over its open API: `alipay.trade.precreate`, `.query`,
//! `.close`, each request signed RSA2 and each answer verified over the raw bytes of its
//! `…_response` member.

use std::collections::BTreeMap;
use std::time::Duration;

use futures_util::future::BoxFuture;
use serde_json::value::RawValue;

use super::rsa2::{Signer, Verifier, notify_sign_string, sign_string};
use super::{Charge, Provider, ProviderError, Trade, TradeStatus};

/// An Alipay application.
pub struct Alipay {
    http: reqwest::Client,
    gateway: String,
    app_id: String,
    signer: Signer,
    verifier: Verifier,
    seller_id: Option<String>,
    notify_url: String,
}

impl Alipay {
    /// A client for `gateway` as application `app_id`.
    pub fn new(
        gateway: &str,
        app_id: &str,
        signer: Signer,
        verifier: Verifier,
        seller_id: Option<String>,
        notify_url: String,
    ) -> Result<Alipay, ProviderError> {
        crate::api::install_tls_provider();
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(15))
            .build()
            .map_err(|e| ProviderError::Unreachable(e.to_string()))?;
        Ok(Alipay {
            http,
            gateway: gateway.to_owned(),
            app_id: app_id.to_owned(),
            signer,
            verifier,
            seller_id,
            notify_url,
        })
    }

    /// The signed parameters of a call.
    pub fn signed_params(
        &self,
        method: &str,
        biz_content: &serde_json::Value,
        timestamp: &str,
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
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        if method == "alipay.trade.precreate" {
            params.insert("notify_url".into(), self.notify_url.clone());
        }
        params.insert("biz_content".into(), biz_content.to_string());
        let signature = self.signer.sign(&sign_string(&params, &["sign"]));
        params.insert("sign".into(), signature);
        params
    }

    async fn call(
        &self,
        method: &str,
        biz_content: serde_json::Value,
    ) -> Result<serde_json::Value, ProviderError> {
        let china = time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC);
        let now = time::OffsetDateTime::now_utc().to_offset(china);
        let timestamp = format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            now.year(),
            u8::from(now.month()),
            now.day(),
            now.hour(),
            now.minute(),
            now.second()
        );
        let params = self.signed_params(method, &biz_content, &timestamp);
        let response = self
            .http
            .post(&self.gateway)
            .query(&[("charset", "utf-8")])
            .form(&params)
            .send()
            .await
            .map_err(|e| ProviderError::Unreachable(e.to_string()))?;
        let body = response
            .text()
            .await
            .map_err(|e| ProviderError::Unreachable(e.to_string()))?;
        let member = format!("{}_response", method.replace('.', "_"));
        self.verified_member(&body, &member)
    }

    /// The `member` of an answer, after checking its signature over the member's exact
    /// bytes; an error unless its `code` is `10000`.
    pub fn verified_member(
        &self,
        body: &str,
        member: &str,
    ) -> Result<serde_json::Value, ProviderError> {
        let members: BTreeMap<&str, &RawValue> =
            serde_json::from_str(body).map_err(|e| ProviderError::Unreachable(e.to_string()))?;
        let raw = members
            .get(member)
            .or_else(|| members.get("error_response"))
            .ok_or_else(|| ProviderError::Unreachable(format!("no {member} in the answer")))?;
        let value: serde_json::Value = serde_json::from_str(raw.get())
            .map_err(|e| ProviderError::Unreachable(e.to_string()))?;
        let code = value["code"].as_str().unwrap_or_default().to_owned();
        let signature = members
            .get("sign")
            .and_then(|s| serde_json::from_str::<String>(s.get()).ok());
        match signature {
            Some(signature) if self.verifier.verify(raw.get().as_bytes(), &signature) => {}
            // Alipay leaves some gateway errors unsigned; they are errors either way.
            None if code != "10000" => {}
            _ => return Err(ProviderError::BadSignature),
        }
        if code != "10000" {
            let text = |k: &str| value[k].as_str().unwrap_or_default().to_owned();
            return Err(ProviderError::Refused(
                code,
                text("sub_code"),
                text("sub_msg"),
            ));
        }
        Ok(value)
    }
}

impl Provider for Alipay {
    fn name(&self) -> &'static str {
        "alipay"
    }

    fn app_id(&self) -> &str {
        &self.app_id
    }

    fn seller_id(&self) -> Option<&str> {
        self.seller_id.as_deref()
    }

    fn precreate<'a>(&'a self, charge: &'a Charge) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(async move {
            let biz = serde_json::json!({
                "out_trade_no": charge.out_trade_no,
                "total_amount": charge.amount.yuan_string(),
                "subject": charge.subject,
                "timeout_express": format!("{}m", charge.minutes.max(1)),
            });
            let value = self.call("alipay.trade.precreate", biz).await?;
            value["qr_code"]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| ProviderError::Unreachable("no qr_code in the answer".into()))
        })
    }

    fn query<'a>(&'a self, out_trade_no: &'a str) -> BoxFuture<'a, Result<Trade, ProviderError>> {
        Box::pin(async move {
            match self
                .call(
                    "alipay.trade.query",
                    serde_json::json!({ "out_trade_no": out_trade_no }),
                )
                .await
            {
                Ok(value) => Ok(Trade {
                    status: value["trade_status"]
                        .as_str()
                        .and_then(TradeStatus::parse)
                        .unwrap_or(TradeStatus::WaitBuyerPay),
                    total_amount: value["total_amount"].as_str().map(str::to_owned),
                    trade_no: value["trade_no"].as_str().map(str::to_owned),
                }),
                Err(ProviderError::Refused(_, sub_code, _))
                    if sub_code == "ACQ.TRADE_NOT_EXIST" =>
                {
                    Ok(Trade {
                        status: TradeStatus::NotFound,
                        total_amount: None,
                        trade_no: None,
                    })
                }
                Err(e) => Err(e),
            }
        })
    }

    fn close<'a>(&'a self, out_trade_no: &'a str) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            match self
                .call(
                    "alipay.trade.close",
                    serde_json::json!({ "out_trade_no": out_trade_no }),
                )
                .await
            {
                Ok(_) => Ok(()),
                // Never scanned: there is nothing to close at Alipay.
                Err(ProviderError::Refused(_, sub_code, _))
                    if sub_code == "ACQ.TRADE_NOT_EXIST" =>
                {
                    Ok(())
                }
                Err(e) => Err(e),
            }
        })
    }

    fn verify_notify(&self, params: &BTreeMap<String, String>) -> bool {
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

    fn client() -> Alipay {
        let signer = Signer::from_text(include_str!("testdata/merchant_private.pem"))
            .unwrap_or_else(|e| panic!("{e}"));
        let verifier = Verifier::from_text(include_str!("testdata/gateway_public.pem"))
            .unwrap_or_else(|e| panic!("{e}"));
        Alipay::new(
            "http://127.0.0.1:1/gateway.do",
            "2021000000000001",
            signer,
            verifier,
            None,
            "https://ca.example.cn/n".into(),
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn requests_carry_every_public_parameter_and_a_signature_over_them() {
        let alipay = client();
        let biz = serde_json::json!({"out_trade_no": "HN1-1", "total_amount": "300.00"});
        let params = alipay.signed_params("alipay.trade.precreate", &biz, "2026-11-28 16:32:05");
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
        let merchant = Verifier::from_text(include_str!("testdata/merchant_public.pem"))
            .unwrap_or_else(|e| panic!("{e}"));
        let signed = sign_string(&params, &["sign"]);
        assert!(
            signed.contains("sign_type=RSA2"),
            "requests keep sign_type in what is signed"
        );
        assert!(merchant.verify(signed.as_bytes(), &params["sign"]));
        let query = alipay.signed_params("alipay.trade.query", &biz, "2026-11-28 16:32:05");
        assert!(!query.contains_key("notify_url"));
    }

    #[test]
    fn answers_are_verified_over_the_exact_bytes_of_their_member() {
        let alipay = client();
        let gateway = Signer::from_text(include_str!("testdata/gateway_private.pem"))
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
            Err(ProviderError::BadSignature)
        ));
        let refused = r#"{"alipay_trade_query_response":{"code":"40004","msg":"Business Failed","sub_code":"ACQ.TRADE_NOT_EXIST","sub_msg":"交易不存在"}}"#;
        assert!(matches!(
            alipay.verified_member(refused, "alipay_trade_query_response"),
            Err(ProviderError::Refused(code, sub, _)) if code == "40004" && sub == "ACQ.TRADE_NOT_EXIST"
        ));
    }
}
