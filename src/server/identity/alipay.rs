//! Alipay identity verification (支付宝身份验证) over the open-API gateway, as Alipay
//! documents it:
//!
//! 1. `alipay.user.certify.open.initialize` — `biz_content`: `outer_order_no` (ours, at
//!    most 32 letters and digits), `biz_code` (`FACE` by default, from the configuration),
//!    `identity_param` `{identity_type: CERT_INFO, cert_type: IDENTITY_CARD, cert_name,
//!    cert_no}`, `merchant_config` `{return_url}` — answers `certify_id`.
//! 2. `alipay.user.certify.open.certify` — a page method: not called, but signed into a
//!    GET URL of the gateway (`biz_content` `{certify_id}`) that the customer's phone opens
//!    in Alipay, where the face check happens. Alipay then sends the customer to
//!    `return_url`, passed or not.
//! 3. `alipay.user.certify.open.query` — `biz_content` `{certify_id}` — answers `passed`
//!    (`T`, or `F` for "not passed or not finished"), `identity_info` and `material_info`.
//!
//! Every request is signed and every answer verified by the same gateway client as the
//! payments ([`crate::server::alipay_gateway::Gateway`]).

use futures_util::future::BoxFuture;
use sha2::{Digest, Sha256};

use super::{CheckRequest, Checked, Claim, IdentityProvider, Started, Unavailable};
use crate::domain::IdNumber;
use crate::server::alipay_gateway::{Gateway, GatewayError};

/// The Alipay app's "open this URL" link (`appId=20000067` is its web view): a phone
/// browser hands it to the Alipay app.
pub fn app_link(url: &str) -> String {
    let encoded: String = form_urlencoded::byte_serialize(url.as_bytes()).collect();
    format!("alipays://platformapi/startapp?appId=20000067&url={encoded}")
}

/// Alipay's identity verification for one application.
pub struct AlipayIdentity {
    gateway: Gateway,
    biz_code: String,
}

impl AlipayIdentity {
    /// Checks with `biz_code` (`FACE`, …) through `gateway`.
    pub fn new(gateway: Gateway, biz_code: &str) -> AlipayIdentity {
        AlipayIdentity {
            gateway,
            biz_code: biz_code.to_owned(),
        }
    }

    /// What `initialize` is asked, for a claim.
    pub fn initialize_content(
        &self,
        claim: &Claim,
        id_number: &IdNumber,
        request: &CheckRequest,
    ) -> serde_json::Value {
        serde_json::json!({
            "outer_order_no": request.outer_order_no,
            "biz_code": self.biz_code,
            "identity_param": {
                "identity_type": "CERT_INFO",
                "cert_type": "IDENTITY_CARD",
                "cert_name": claim.name.trim(),
                "cert_no": id_number.as_str(),
            },
            "merchant_config": { "return_url": request.return_url },
        })
    }
}

fn unavailable(e: GatewayError) -> Unavailable {
    Unavailable(e.to_string())
}

impl IdentityProvider for AlipayIdentity {
    fn name(&self) -> &'static str {
        "alipay"
    }

    fn start<'a>(
        &'a self,
        claim: &'a Claim,
        id_number: &'a IdNumber,
        request: &'a CheckRequest,
    ) -> BoxFuture<'a, Result<Started, Unavailable>> {
        Box::pin(async move {
            let content = self.initialize_content(claim, id_number, request);
            let answer = self
                .gateway
                .call("alipay.user.certify.open.initialize", content, &[])
                .await
                .map_err(unavailable)?;
            let certify_id = answer["certify_id"]
                .as_str()
                .filter(|id| !id.is_empty())
                .ok_or_else(|| Unavailable("no certify_id in the answer".into()))?
                .to_owned();
            let url = self.gateway.page_url(
                "alipay.user.certify.open.certify",
                &serde_json::json!({ "certify_id": certify_id }),
            );
            Ok(Started::Redirect {
                transaction_id: certify_id,
                url,
            })
        })
    }

    fn check<'a>(&'a self, transaction_id: &'a str) -> BoxFuture<'a, Result<Checked, Unavailable>> {
        Box::pin(async move {
            let answer = self
                .gateway
                .call(
                    "alipay.user.certify.open.query",
                    serde_json::json!({ "certify_id": transaction_id }),
                    &[],
                )
                .await
                .map_err(unavailable)?;
            Ok(interpret_query(&answer))
        })
    }
}

/// `passed` is `"T"` when the face check passed (some answers carry it as `["T"]`).
pub fn interpret_query(answer: &serde_json::Value) -> Checked {
    let passed = match &answer["passed"] {
        serde_json::Value::String(s) => s == "T",
        serde_json::Value::Array(items) => items.first().and_then(|v| v.as_str()) == Some("T"),
        _ => false,
    };
    if !passed {
        return Checked::NotPassed;
    }
    let material = answer["material_info"]
        .as_str()
        .filter(|m| !m.is_empty() && *m != "{}");
    Checked::Passed {
        material_sha256: material.map(|m| hex::encode(Sha256::digest(m.as_bytes()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::payments::rsa2::{Signer, Verifier};

    fn client() -> AlipayIdentity {
        let signer = Signer::from_text(include_str!("../payments/testdata/merchant_private.pem"))
            .unwrap_or_else(|e| panic!("{e}"));
        let verifier = Verifier::from_text(include_str!("../payments/testdata/gateway_public.pem"))
            .unwrap_or_else(|e| panic!("{e}"));
        let gateway = Gateway::new(
            "http://127.0.0.1:1/gateway.do",
            "2021000000000001",
            signer,
            verifier,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        AlipayIdentity::new(gateway, "FACE")
    }

    #[test]
    fn initialize_asks_for_the_documented_fields() {
        let claim = Claim {
            expected_name: "张三".into(),
            name: " 张三 ".into(),
            id_number: "11010519491231002x".into(),
        };
        let id = IdNumber::parse(&claim.id_number).unwrap_or_else(|e| panic!("{e:?}"));
        let content = client().initialize_content(
            &claim,
            &id,
            &CheckRequest {
                outer_order_no: "0193a1b2c3d47e8f9a0b1c2d3e4f5a6b".into(),
                return_url: "https://ca.example.cn/m/realname/t/return".into(),
            },
        );
        assert_eq!(
            content,
            serde_json::json!({
                "outer_order_no": "0193a1b2c3d47e8f9a0b1c2d3e4f5a6b",
                "biz_code": "FACE",
                "identity_param": {
                    "identity_type": "CERT_INFO",
                    "cert_type": "IDENTITY_CARD",
                    "cert_name": "张三",
                    "cert_no": "11010519491231002X",
                },
                "merchant_config": {"return_url": "https://ca.example.cn/m/realname/t/return"},
            })
        );
    }

    #[test]
    fn a_query_passes_only_on_t_and_keeps_only_a_digest_of_the_material() {
        assert_eq!(
            interpret_query(&serde_json::json!({"code": "10000", "passed": "F"})),
            Checked::NotPassed
        );
        assert_eq!(
            interpret_query(&serde_json::json!({"code": "10000"})),
            Checked::NotPassed
        );
        let passed = interpret_query(&serde_json::json!({
            "code": "10000", "passed": ["T"], "material_info": "{\"face\":\"...\"}"
        }));
        assert!(
            matches!(passed, Checked::Passed { material_sha256: Some(ref h) } if h.len() == 64)
        );
        assert!(
            app_link("https://x/gateway.do?a=1&b=2")
                .ends_with("url=https%3A%2F%2Fx%2Fgateway.do%3Fa%3D1%26b%3D2")
        );
    }
}
