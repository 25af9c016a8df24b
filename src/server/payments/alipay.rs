//! Alipay face-to-face payment over its open API: `alipay.trade.precreate`, `.query`,
//! `.close`, each request signed RSA2 and each answer verified over the raw bytes of its
//! `…_response` member.

use std::collections::BTreeMap;

use futures_util::future::BoxFuture;

use super::rsa2::{Signer, Verifier};
use super::{Charge, Provider, ProviderError, Trade, TradeStatus};
use crate::server::alipay_gateway::{Gateway, GatewayError};

impl From<GatewayError> for ProviderError {
    fn from(e: GatewayError) -> Self {
        match e {
            GatewayError::Unreachable(why) => ProviderError::Unreachable(why),
            GatewayError::BadSignature => ProviderError::BadSignature,
            GatewayError::Refused(code, sub, msg) => ProviderError::Refused(code, sub, msg),
        }
    }
}

/// An Alipay application taking face-to-face payments.
pub struct Alipay {
    gateway: Gateway,
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
        Ok(Alipay {
            gateway: Gateway::new(gateway, app_id, signer, verifier)?,
            seller_id,
            notify_url,
        })
    }

    async fn call(
        &self,
        method: &str,
        biz_content: serde_json::Value,
    ) -> Result<serde_json::Value, ProviderError> {
        let notify = [("notify_url", self.notify_url.as_str())];
        // Only the trade's creation names where its notifications go.
        let extra: &[(&str, &str)] = if method == "alipay.trade.precreate" {
            &notify
        } else {
            &[]
        };
        Ok(self.gateway.call(method, biz_content, extra).await?)
    }
}

impl Provider for Alipay {
    fn name(&self) -> &'static str {
        "alipay"
    }

    fn app_id(&self) -> &str {
        self.gateway.app_id()
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

    fn wap_pay_url(&self, charge: &Charge, return_url: &str) -> String {
        let biz = serde_json::json!({
            "out_trade_no": charge.out_trade_no,
            "total_amount": charge.amount.yuan_string(),
            "subject": charge.subject,
            "product_code": "QUICK_WAP_WAY",
            "timeout_express": format!("{}m", charge.minutes.max(1)),
            "quit_url": return_url,
        });
        self.gateway.page_url_with(
            "alipay.trade.wap.pay",
            &biz,
            &[
                ("notify_url", self.notify_url.as_str()),
                ("return_url", return_url),
            ],
        )
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
        self.gateway.verify_notify(params)
    }
}
