//! Which outside service does each job, by name in the configuration: an enum per job, so
//! a misspelt name is refused when the file is read (naming file, line and key), never
//! discovered when the platform starts or, worse, when the first customer needs it. Also
//! the settings of the providers added here: Alipay's identity verification and Aliyun SMS.

use std::path::PathBuf;

use serde::Deserialize;

macro_rules! provider_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $text:literal),+ $(,)? } default $default:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            /// The name as written in the configuration.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl Default for $name {
            fn default() -> Self {
                $name::$default
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

provider_enum!(
    /// `[platform] payment_provider`: how customers pay by QR code.
    PaymentProvider {
        /// Alipay face-to-face payment (`[platform.alipay]`).
        Alipay => "alipay",
        /// The built-in demo cashier.
        Sandbox => "sandbox",
        /// No QR payment: bank transfer only.
        None => "none",
    } default Sandbox
);

provider_enum!(
    /// `[platform] identity_provider`: who checks a customer's identity on the real-name page.
    IdentityProvider {
        /// The built-in demo check: a valid ID number and the name registered at the counter.
        Builtin => "builtin",
        /// Alipay identity verification (支付宝身份验证, a face check in the Alipay app).
        Alipay => "alipay",
    } default Builtin
);

provider_enum!(
    /// `[platform] sms_provider`: how customers are texted.
    SmsProvider {
        /// The built-in stand-in: messages are kept for an administrator, never sent.
        Log => "log",
        /// Aliyun SMS (`SendSms`, `[platform.sms.aliyun]`).
        Aliyun => "aliyun",
    } default Log
);

provider_enum!(
    /// `[platform.invoice] mail_provider`: how invoices are e-mailed.
    MailProvider {
        /// The built-in stand-in: messages are kept in an outbox, never sent.
        Outbox => "outbox",
        /// An SMTP server (`[platform.invoice.smtp]`).
        Smtp => "smtp",
    } default Outbox
);

provider_enum!(
    /// `[platform.mailing] logistics_provider`: where parcel tracking comes from.
    LogisticsProvider {
        /// Events typed by staff.
        Manual => "manual",
        /// 快递100's query API (`[platform.mailing.kuaidi100]`).
        Kuaidi100 => "kuaidi100",
    } default Manual
);

provider_enum!(
    /// `[platform.invoice] provider`: who numbers invoices.
    InvoiceProvider {
        /// The built-in numbering: no tax authority has seen these numbers.
        Builtin => "builtin",
    } default Builtin
);

/// `[platform.identity]`: how an outside identity check runs.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IdentityConfig {
    /// Alipay's scene code (`biz_code`): `FACE` (multi-factor face check), `CERT_PHOTO`,
    /// `CERT_PHOTO_FACE` or `SMART_FACE`, as the CA's contract with Alipay allows.
    pub biz_code: String,
    /// How often a check the customer has not come back from is asked about
    /// (`alipay.user.certify.open.query`), in milliseconds, until its code expires; expired
    /// codes are ended (and the counter told) as often.
    pub check_ms: u64,
}

impl Default for IdentityConfig {
    fn default() -> Self {
        IdentityConfig {
            biz_code: "FACE".into(),
            check_ms: 5_000,
        }
    }
}

/// `[platform.sms]`: the outbox every text message goes through.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SmsConfig {
    /// Tries before a message is given up as failed.
    pub max_attempts: i64,
    /// The wait before the second try, in milliseconds; it doubles with each try after.
    pub retry_ms: u64,
    /// How often each instance looks for messages to send, in milliseconds (a message
    /// written on the same instance is sent at once).
    pub poll_ms: u64,
    /// How long an instance holds a message it is sending, in seconds; longer than the
    /// gateway's timeout. A message whose holder vanished mid-send is never sent again by
    /// itself: it is marked `unknown` for an administrator.
    pub lease_seconds: u64,
    /// Aliyun SMS, when `sms_provider = "aliyun"`.
    pub aliyun: Option<AliyunSmsConfig>,
}

impl Default for SmsConfig {
    fn default() -> Self {
        SmsConfig {
            max_attempts: 5,
            retry_ms: 30_000,
            poll_ms: 2_000,
            lease_seconds: 60,
            aliyun: None,
        }
    }
}

/// `[platform.sms.aliyun]`: Aliyun SMS (短信服务) `SendSms`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AliyunSmsConfig {
    /// The endpoint (default `https://dysmsapi.aliyuncs.com`).
    #[serde(default = "aliyun_endpoint")]
    pub endpoint: String,
    /// The RAM user's AccessKey ID.
    pub access_key_id: String,
    /// A file holding its AccessKey secret.
    pub access_key_secret_file: PathBuf,
    /// The approved signature (签名), e.g. `湖南CA`.
    pub sign_name: String,
    /// The approved template of each kind of message.
    pub templates: SmsTemplates,
}

fn aliyun_endpoint() -> String {
    "https://dysmsapi.aliyuncs.com".into()
}

/// The template code (`SMS_…`) of each kind of message; each template uses the variables
/// named in `config.example.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsTemplates {
    /// Returned for correction: `${order_no}`, `${reasons}`, `${link}`.
    pub returned: String,
    /// Mailed, with the invoice link: `${order_no}`, `${carrier}`, `${tracking_no}`,
    /// `${link}`.
    pub shipped: String,
    /// The customer's login code: `${code}`.
    pub login_code: String,
    /// A reminder to pay, sent by a support agent: `${order_no}`, `${amount}`, `${link}`.
    /// Required like the others: the platform does not start without it (it reads as
    /// empty when left out, to be named with any other missing).
    #[serde(default)]
    pub payment_link: String,
    /// The order's mailing address was changed, to the applicant: `${order_no}`,
    /// `${address}`. Required: the warning that a certificate's address was changed.
    #[serde(default)]
    pub address_changed: String,
    /// The parcel came back (the mailroom recorded its return), to the customer:
    /// `${order_no}`, `${reason}`, `${link}`. Optional (added after the others): without
    /// it the platform says at start that customers are not texted about a return.
    #[serde(default)]
    pub parcel_returned: String,
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::Config;
    use super::*;

    #[test]
    fn every_provider_name_is_checked_when_the_file_is_read() {
        let cases = [
            (
                "[platform]\npayment_provider = \"alipy\"\n",
                2,
                "payment_provider",
            ),
            (
                "[platform]\nidentity_provider = \"face\"\n",
                2,
                "identity_provider",
            ),
            (
                "[platform]\n\nsms_provider = \"aliyn\"\n",
                3,
                "sms_provider",
            ),
            (
                "[platform.invoice]\nmail_provider = \"sendmail\"\n",
                2,
                "mail_provider",
            ),
            (
                "[platform.mailing]\nlogistics_provider = \"sf\"\n",
                2,
                "logistics_provider",
            ),
            ("[platform.invoice]\nprovider = \"nuonuo\"\n", 2, "provider"),
        ];
        for (text, line, key) in cases {
            let error = Config::parse(text, Path::new("/etc/ca.toml"))
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(
                error.starts_with(&format!("/etc/ca.toml:{line}:")),
                "{text}: {error}"
            );
            assert!(error.contains(key), "{text}: {error}");
            assert!(error.contains("unknown variant"), "{text}: {error}");
        }
        let good = Config::parse(
            "[platform]\npayment_provider = \"none\"\nidentity_provider = \"alipay\"\nsms_provider = \"aliyun\"\n",
            Path::new("c.toml"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(good.platform.payment_provider, PaymentProvider::None);
        assert_eq!(good.platform.identity_provider, IdentityProvider::Alipay);
        assert_eq!(good.platform.sms_provider, SmsProvider::Aliyun);
    }
}
