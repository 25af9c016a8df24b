//! Which parts of this platform are built-in stand-ins rather than the real thing, decided
//! once from the configuration at start. Everything that must say "demo" asks here: the
//! documents (a 样例/演示 mark), the start-up message (log and stderr), `Health::demo_parts`
//! (the TUI's 演示 mark and the list in its help), and the banner on every phone page.

use crate::api::DemoPart;
use crate::config::{
    BankConfig, IdentityProvider, InvoiceConfig, InvoiceProvider, MailProvider, PaymentProvider,
    PlatformConfig, SmsProvider,
};
use crate::i18n::{Lang, T};

/// The built-in stand-ins in use; each `true` part is a demo.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DemoParts {
    /// Identities checked by checksum and name only (`identity_provider = "builtin"`).
    pub identity: bool,
    /// Payments simulated by the sandbox cashier (`payment_provider = "sandbox"`).
    pub cashier: bool,
    /// Invoice numbers from the platform's own sequence (`[platform.invoice] provider =
    /// "builtin"`): no tax authority has seen them.
    pub invoices: bool,
    /// Text messages only written to a log (`sms_provider = "log"`).
    pub sms: bool,
    /// E-mail only kept in the outbox (`mail_provider = "outbox"`).
    pub mail: bool,
    /// The seller on invoices is the example config's placeholder.
    pub seller: bool,
    /// The bank account for transfers is the example config's placeholder.
    pub bank: bool,
    /// Payments or identity checks go to Alipay's sandbox gateway (test money, test faces).
    pub alipay_sandbox: bool,
    /// Products of the demo catalog are on sale: example projects and prices (learnt from
    /// the database at start, [`DemoParts::with_catalog`]).
    pub catalog: bool,
}

impl DemoParts {
    /// What `config` runs with. A seller or bank account is a placeholder when its name or
    /// number is still the one the program ships in its defaults and `config.example.toml`.
    pub fn of(config: &PlatformConfig) -> DemoParts {
        let bank = BankConfig::default();
        let invoice = InvoiceConfig::default();
        DemoParts {
            identity: config.identity_provider == IdentityProvider::Builtin,
            cashier: config.payment_provider == PaymentProvider::Sandbox,
            invoices: config.invoice.provider == InvoiceProvider::Builtin,
            sms: config.sms_provider == SmsProvider::Log,
            mail: config.invoice.mail_provider == MailProvider::Outbox,
            seller: config.invoice.seller_name == invoice.seller_name
                || config.invoice.seller_tax_number == invoice.seller_tax_number,
            bank: config.bank.account_name == bank.account_name
                || config.bank.account_no == bank.account_no,
            alipay_sandbox: (config.payment_provider == PaymentProvider::Alipay
                || config.identity_provider == IdentityProvider::Alipay)
                && config
                    .alipay
                    .as_ref()
                    .is_some_and(|a| is_sandbox_gateway(&a.gateway)),
            catalog: false,
        }
    }

    /// These parts, with the demo catalog's products on sale or not.
    pub fn with_catalog(self, demo_products_on_sale: bool) -> DemoParts {
        DemoParts {
            catalog: demo_products_on_sale,
            ..self
        }
    }

    /// True when any part is a stand-in.
    pub fn any(&self) -> bool {
        !self.list().is_empty()
    }

    /// The stand-ins in use, as clients are told (`Health::demo_parts`).
    pub fn list(&self) -> Vec<DemoPart> {
        [
            (self.identity, DemoPart::Identity),
            (self.cashier, DemoPart::Cashier),
            (self.invoices, DemoPart::Invoices),
            (self.sms, DemoPart::Sms),
            (self.mail, DemoPart::Mail),
            (self.seller, DemoPart::Seller),
            (self.bank, DemoPart::Bank),
            (self.alipay_sandbox, DemoPart::AlipaySandbox),
            (self.catalog, DemoPart::Catalog),
        ]
        .into_iter()
        .filter(|(on, _)| *on)
        .map(|(_, part)| part)
        .collect()
    }

    /// The stand-ins in use, each named in `lang`, for a start-up message or a help list.
    pub fn names(&self, lang: Lang) -> impl Iterator<Item = &'static str> {
        self.list().into_iter().map(move |part| part.label(lang))
    }

    /// The stand-ins in use, each named in `lang` as a customer's page names them.
    pub fn customer_names(&self, lang: Lang) -> impl Iterator<Item = &'static str> {
        self.list()
            .into_iter()
            .map(move |part| part.customer_label(lang))
    }

    /// One line naming every stand-in (`演示部件（不是真实服务）：…`), or none.
    pub fn line(&self, lang: Lang) -> Option<String> {
        let sep = if lang == Lang::ZhCn { "；" } else { "; " };
        self.any().then(|| {
            T::DemoStartLine.fill(lang, &[&self.names(lang).collect::<Vec<_>>().join(sep)])
        })
    }

    /// The mark an invoice carries, if it must carry one: from the built-in numbering or
    /// with the placeholder seller, it must never pass for a tax invoice.
    pub fn invoice_mark(&self) -> Option<String> {
        (self.invoices || self.seller).then(|| T::DemoMarkInvoice.get(Lang::ZhCn).to_owned())
    }

    /// The mark a transfer slip carries when it shows the placeholder bank account.
    pub fn slip_mark(&self) -> Option<String> {
        self.bank
            .then(|| T::DemoMarkDocument.get(Lang::ZhCn).to_owned())
    }

    /// The mark a document of an order carries when a stand-in had a hand in the order:
    /// paid through the sandbox cashier (`payment_method` of the order), the applicant
    /// verified by the built-in check or Alipay's sandbox, or its project and price from the
    /// demo catalog. The application form is printed, signed and kept before payment: it
    /// must not pass for a real application then either.
    pub fn order_mark(&self, payment_method: Option<&str>) -> Option<String> {
        let sandbox_paid = payment_method == Some(crate::server::payments::sandbox::SANDBOX_ID);
        (sandbox_paid || self.identity || self.alipay_sandbox || self.catalog)
            .then(|| T::DemoMarkDocument.get(Lang::ZhCn).to_owned())
    }
}

/// Whether `gateway` is Alipay's sandbox (openapi-sandbox.dl.alipaydev.com and the like):
/// its money and faces are test ones.
pub fn is_sandbox_gateway(gateway: &str) -> bool {
    let host = gateway
        .split_once("://")
        .map_or(gateway, |(_, rest)| rest)
        .split(['/', ':', '?'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    host.contains("sandbox") || host.ends_with("alipaydev.com")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_config_is_a_demo_in_every_part() {
        let parts = DemoParts::of(&PlatformConfig::default());
        assert!(parts.identity && parts.cashier && parts.invoices && parts.sms && parts.mail);
        assert!(parts.seller && parts.bank);
        assert_eq!(parts.names(Lang::ZhCn).count(), 7);
        assert!(
            parts
                .invoice_mark()
                .is_some_and(|m| m.contains("非税务发票"))
        );
    }

    #[test]
    fn a_real_seller_and_account_are_not_placeholders() {
        let mut config = PlatformConfig::default();
        config.invoice.seller_name = "湖南省数字认证服务中心有限公司".into();
        config.invoice.seller_tax_number = "91430100MA4L123456".into();
        config.bank.account_name = "湖南省数字认证服务中心有限公司".into();
        config.bank.account_no = "43050178360800000123".into();
        // The built-in identity check alone marks every paper of an order.
        assert!(DemoParts::of(&config).order_mark(None).is_some());
        config.identity_provider = IdentityProvider::Alipay;
        let parts = DemoParts::of(&config);
        assert!(!parts.seller && !parts.bank && !parts.alipay_sandbox);
        assert!(parts.order_mark(None).is_none());
        assert!(parts.with_catalog(true).order_mark(None).is_some());
        assert!(parts.slip_mark().is_none());
        // The built-in numbering alone still marks the invoice.
        assert!(parts.invoice_mark().is_some());
        assert!(parts.order_mark(Some("alipay")).is_none());
        assert!(parts.order_mark(Some("sandbox")).is_some());
    }

    #[test]
    fn alipays_sandbox_gateway_is_a_demo_part() {
        assert!(is_sandbox_gateway(
            "https://openapi-sandbox.dl.alipaydev.com/gateway.do"
        ));
        assert!(is_sandbox_gateway(
            "https://openapi.alipaydev.com/gateway.do"
        ));
        assert!(!is_sandbox_gateway("https://openapi.alipay.com/gateway.do"));
        assert!(!is_sandbox_gateway(
            "https://openapi.alipay.com/gateway.do?x=sandbox"
        ));
    }
}
