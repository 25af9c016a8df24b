//! The sandbox provider: a demo cashier page on the platform itself. Its QR code opens
//! `/m/pay/{token}`; paying there produces a notification signed with the sandbox's own key
//! pair (made on first start, kept in the database) that goes through the very same
//! verification as Alipay's.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use futures_util::future::BoxFuture;

use super::rsa2::{Signer, Verifier, notify_sign_string};
use super::{Charge, Provider, ProviderError, Trade, TradeStatus};

/// The app id and seller the sandbox signs as.
pub const SANDBOX_ID: &str = "sandbox";

/// The sandbox cashier.
pub struct Sandbox {
    public_base: String,
    signer: Signer,
    verifier: Verifier,
    trades: Mutex<HashMap<String, TradeStatus>>,
}

impl Sandbox {
    /// A sandbox whose cashier pages live under `public_base`.
    pub fn new(public_base: &str, signer: Signer) -> Sandbox {
        Sandbox {
            public_base: public_base.trim_end_matches('/').to_owned(),
            verifier: signer.verifier(),
            signer,
            trades: Mutex::new(HashMap::new()),
        }
    }

    fn set(&self, out_trade_no: &str, status: TradeStatus) {
        if let Ok(mut trades) = self.trades.lock() {
            trades.insert(out_trade_no.to_owned(), status);
        }
    }

    /// The notification Alipay would send for a paid trade, signed with the sandbox key.
    pub fn paid_notify(
        &self,
        out_trade_no: &str,
        total_amount: &str,
        subject: &str,
    ) -> BTreeMap<String, String> {
        self.set(out_trade_no, TradeStatus::Success);
        let china = time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC);
        let now = time::OffsetDateTime::now_utc().to_offset(china);
        let stamp = format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            now.year(),
            u8::from(now.month()),
            now.day(),
            now.hour(),
            now.minute(),
            now.second()
        );
        let mut params: BTreeMap<String, String> = [
            ("notify_time", stamp.as_str()),
            ("notify_type", "trade_status_sync"),
            ("notify_id", &uuid::Uuid::now_v7().simple().to_string()),
            ("app_id", SANDBOX_ID),
            ("charset", "utf-8"),
            ("version", "1.0"),
            ("sign_type", "RSA2"),
            (
                "trade_no",
                &format!("SANDBOX{}", uuid::Uuid::now_v7().simple()),
            ),
            ("out_trade_no", out_trade_no),
            ("total_amount", total_amount),
            ("seller_id", SANDBOX_ID),
            ("trade_status", "TRADE_SUCCESS"),
            ("subject", subject),
            ("gmt_payment", stamp.as_str()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let signature = self.signer.sign(&notify_sign_string(&params));
        params.insert("sign".into(), signature);
        params
    }
}

impl Provider for Sandbox {
    fn name(&self) -> &'static str {
        "sandbox"
    }

    fn app_id(&self) -> &str {
        SANDBOX_ID
    }

    fn seller_id(&self) -> Option<&str> {
        Some(SANDBOX_ID)
    }

    fn precreate<'a>(&'a self, charge: &'a Charge) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(async move {
            self.set(&charge.out_trade_no, TradeStatus::WaitBuyerPay);
            Ok(format!("{}/m/pay/{}", self.public_base, charge.token))
        })
    }

    fn wap_pay_url(&self, charge: &Charge, return_url: &str) -> String {
        // The demo cashier plays Alipay's mobile cashier: it links back when paid.
        self.set(&charge.out_trade_no, TradeStatus::WaitBuyerPay);
        let back: String = form_urlencoded::byte_serialize(return_url.as_bytes()).collect();
        format!("{}/m/pay/{}?return={back}", self.public_base, charge.token)
    }

    fn query<'a>(&'a self, out_trade_no: &'a str) -> BoxFuture<'a, Result<Trade, ProviderError>> {
        Box::pin(async move {
            let status = self
                .trades
                .lock()
                .ok()
                .and_then(|t| t.get(out_trade_no).copied())
                .unwrap_or(TradeStatus::NotFound);
            Ok(Trade {
                status,
                total_amount: None,
                trade_no: None,
            })
        })
    }

    fn close<'a>(&'a self, out_trade_no: &'a str) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            self.set(out_trade_no, TradeStatus::Closed);
            Ok(())
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
