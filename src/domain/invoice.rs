//! Invoice requests (开票信息): who the invoice is for, which kind, and the buyer's
//! details, checked all at once so a form can show every problem together.

use serde::{Deserialize, Serialize};

use super::{Email, IdNumber, InvalidValue, Uscc, text::normalize_width};
use crate::i18n::{Msg, T};

/// Who the invoice is made out to (发票抬头类型).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BuyerKind {
    /// 个人
    Individual,
    /// 单位: a company, public body or other organisation.
    #[serde(alias = "organization")]
    Organisation,
}

impl BuyerKind {
    /// Every kind.
    pub const ALL: [BuyerKind; 2] = [BuyerKind::Individual, BuyerKind::Organisation];

    /// The stable wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            BuyerKind::Individual => "individual",
            BuyerKind::Organisation => "organisation",
        }
    }

    /// Parses the wire name; the American `organization` (used by `UserType`) too.
    pub fn parse(name: &str) -> Option<BuyerKind> {
        match name.trim().to_ascii_lowercase().as_str() {
            "individual" => Some(BuyerKind::Individual),
            "organisation" | "organization" => Some(BuyerKind::Organisation),
            _ => None,
        }
    }

    /// The label people see.
    pub fn label(self) -> T {
        match self {
            BuyerKind::Individual => T::BuyerIndividual,
            BuyerKind::Organisation => T::BuyerOrganisation,
        }
    }
}

/// Which invoice: 普通发票 or 增值税专用发票 (the buyer may deduct its VAT).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceKind {
    /// 普通发票
    Normal,
    /// 增值税专用发票, for organisations only.
    Special,
}

impl InvoiceKind {
    /// Every kind.
    pub const ALL: [InvoiceKind; 2] = [InvoiceKind::Normal, InvoiceKind::Special];

    /// The stable wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceKind::Normal => "normal",
            InvoiceKind::Special => "special",
        }
    }

    /// Parses the wire name.
    pub fn parse(name: &str) -> Option<InvoiceKind> {
        match name.trim().to_ascii_lowercase().as_str() {
            "normal" => Some(InvoiceKind::Normal),
            "special" => Some(InvoiceKind::Special),
            _ => None,
        }
    }

    /// The label people see.
    pub fn label(self) -> T {
        match self {
            InvoiceKind::Normal => T::InvoiceNormal,
            InvoiceKind::Special => T::InvoiceSpecial,
        }
    }
}

/// An invoice request as typed into a form; [`validate`] turns it into an
/// [`InvoiceRequest`]. A tax number is required for organisations; address, phone, bank
/// and account for special invoices (422 names each one missing).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct InvoiceRequestInput {
    /// `individual` or `organisation` (`organization`, as an order's `user_type` spells
    /// it, is taken too; answers say `organisation`).
    #[schema(required = true, pattern = "^(individual|organisation|organization)$", value_type = String)]
    pub buyer_kind: Option<String>,
    /// `normal` or `special`.
    #[schema(required = true, pattern = "^(normal|special)$", value_type = String)]
    pub invoice_kind: Option<String>,
    /// The buyer's name as printed on the invoice (发票抬头).
    #[schema(required = true, schema_with = crate::api::schemas::long_name)]
    pub buyer_name: String,
    /// Credit code or legacy tax number; an individual may give an ID number.
    #[schema(pattern = "^$|^[0-9A-Za-z]{15,20}$")]
    pub tax_number: String,
    /// Where the e-invoice is sent.
    #[schema(required = true, schema_with = crate::api::schemas::email)]
    pub email: String,
    /// Registered address (special invoices).
    #[schema(schema_with = crate::api::schemas::optional_line)]
    pub address: String,
    /// Registered phone (special invoices).
    #[schema(pattern = "^$|^[0-9 ()+-]{5,30}$")]
    pub phone: String,
    /// Bank of the account (special invoices).
    #[schema(schema_with = crate::api::schemas::optional_line)]
    pub bank: String,
    /// Bank account number (special invoices).
    #[schema(pattern = "^$|^[0-9 -]{6,40}$")]
    pub account: String,
}

/// A checked invoice request: everything the invoicing service needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceRequest {
    /// Who the invoice is for.
    pub buyer_kind: BuyerKind,
    /// Which invoice.
    pub invoice_kind: InvoiceKind,
    /// The buyer's name, trimmed.
    pub buyer_name: String,
    /// Upper case without spaces: a credit code, a legacy tax number or an ID number.
    pub tax_number: Option<String>,
    /// Where the e-invoice is sent.
    pub email: Email,
    /// Registered address; always present on a special invoice.
    pub address: Option<String>,
    /// Registered phone as typed (width-folded, trimmed); always present on a special
    /// invoice.
    pub phone: Option<String>,
    /// Bank; always present on a special invoice.
    pub bank: Option<String>,
    /// Account number, digits only; always present on a special invoice.
    pub account: Option<String>,
}

impl From<&InvoiceRequest> for InvoiceRequestInput {
    /// A checked request as the fields of a form (to show it, or to change it).
    fn from(request: &InvoiceRequest) -> InvoiceRequestInput {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        InvoiceRequestInput {
            buyer_kind: Some(request.buyer_kind.as_str().into()),
            invoice_kind: Some(request.invoice_kind.as_str().into()),
            buyer_name: request.buyer_name.clone(),
            tax_number: text(&request.tax_number),
            email: request.email.as_str().to_owned(),
            address: text(&request.address),
            phone: text(&request.phone),
            bank: text(&request.bank),
            account: text(&request.account),
        }
    }
}

/// Messages about fields, named as in [`InvoiceRequestInput`] (`"tax_number"`…).
pub type FieldMessages = Vec<(&'static str, Msg)>;

/// Whether `code` is the CA's own tax number / credit code (`seller`, as configured), read
/// as either is written: blanks anywhere, any case. The one comparison an invoice's buyer
/// and an application's organisation are refused by (on the platform, and by the
/// counter's forms as a field is left).
pub fn is_seller_code(seller: &str, code: &str) -> bool {
    // Full-width as a Chinese input method types it (９１４３…) read as the code it is.
    let squeeze = |s: &str| -> String {
        super::normalize_width(s)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase()
    };
    let seller = squeeze(seller);
    !seller.is_empty() && squeeze(code) == seller
}

/// Checks a request: the request and the warnings worth a second look, or every bad field
/// at once.
pub fn validate(
    input: &InvoiceRequestInput,
) -> Result<(InvoiceRequest, FieldMessages), FieldMessages> {
    let mut report = Report::default();
    let buyer_kind = input.buyer_kind.as_deref().and_then(BuyerKind::parse);
    if buyer_kind.is_none() {
        report.errors.push(("buyer_kind", T::ErrBuyerKind.into()));
    }
    let invoice_kind = input.invoice_kind.as_deref().and_then(InvoiceKind::parse);
    if invoice_kind.is_none() {
        report
            .errors
            .push(("invoice_kind", T::ErrInvoiceKind.into()));
    }
    let special = invoice_kind == Some(InvoiceKind::Special);
    let refused = special && buyer_kind == Some(BuyerKind::Individual);
    if refused {
        report
            .errors
            .push(("invoice_kind", T::ErrSpecialInvoiceIndividual.into()));
    }
    let buyer_name = report.check(
        "buyer_name",
        // Printed on a tax invoice as the buyer's registered name: without what a paste
        // carries unseen inside it (`湘潭\u{200B}示例…` was printed as `湘潭[U+200B]示例…`).
        crate::domain::text::organisation_name::<100>(&input.buyer_name),
    );
    let tax_number = match tax_number(buyer_kind, &input.tax_number) {
        Ok((value, warning)) => {
            report
                .warnings
                .extend(warning.map(|message| ("tax_number", message)));
            Some(value)
        }
        Err(e) => {
            report.errors.push(("tax_number", e.0));
            None
        }
    };
    let email = report.check(
        "email",
        if input.email.trim().is_empty() {
            Err(T::ErrRequired.into())
        } else {
            Email::parse(&input.email)
        },
    );
    // When 专票 is refused the buyer will switch to 普票: asking for a bank account
    // would only mislead.
    let required = special && !refused;
    let address = report.check("address", optional(&input.address, required, text));
    let phone = report.check("phone", optional(&input.phone, required, phone));
    let bank = report.check("bank", optional(&input.bank, required, text));
    let account = report.check("account", optional(&input.account, required, account));
    let (
        Some(buyer_kind),
        Some(invoice_kind),
        Some(buyer_name),
        Some(tax_number),
        Some(email),
        Some(address),
        Some(phone),
        Some(bank),
        Some(account),
    ) = (
        buyer_kind,
        invoice_kind,
        buyer_name,
        tax_number,
        email,
        address,
        phone,
        bank,
        account,
    )
    else {
        return Err(report.errors);
    };
    if !report.errors.is_empty() {
        return Err(report.errors);
    }
    let request = InvoiceRequest {
        buyer_kind,
        invoice_kind,
        buyer_name,
        tax_number,
        email,
        address,
        phone,
        bank,
        account,
    };
    Ok((request.as_printed(), report.warnings))
}

#[derive(Default)]
struct Report {
    errors: FieldMessages,
    warnings: FieldMessages,
}

impl Report {
    /// The value, or `None` with the error noted against `field`.
    fn check<V>(&mut self, field: &'static str, result: Result<V, InvalidValue>) -> Option<V> {
        result.map_err(|e| self.errors.push((field, e.0))).ok()
    }
}

/// A field that may be left blank unless `required`; when given, it is checked by `parse`.
fn optional(
    input: &str,
    required: bool,
    parse: fn(&str) -> Result<String, InvalidValue>,
) -> Result<Option<String>, InvalidValue> {
    if input.trim().is_empty() {
        return if required {
            Err(T::ErrRequired.into())
        } else {
            Ok(None)
        };
    }
    parse(input).map(Some)
}

/// The longest registered address or bank name an invoice request takes (what the tax
/// platform's own fields hold); `openapi.json` says the same.
pub const INVOICE_LINE_MAX: usize = 100;

fn text(input: &str) -> Result<String, InvalidValue> {
    crate::domain::text::printed_line::<INVOICE_LINE_MAX>(input)
}

impl InvoiceRequest {
    /// The request as it prints: its address and bank as an office writes them, whatever
    /// a phone keyboard typed (`芙蓉路１２号　３栋` → `芙蓉路12号 3栋`, the street's rule,
    /// [`crate::domain::text::folded_line`]). [`validate`] answers a request so; one kept
    /// before the rule (as typed) reads through it as one checked now — the one place
    /// that says which fields fold.
    #[must_use]
    pub fn as_printed(&self) -> InvoiceRequest {
        let fold = |line: &Option<String>| line.as_deref().map(crate::domain::text::folded_line);
        InvoiceRequest {
            address: fold(&self.address),
            bank: fold(&self.bank),
            ..self.clone()
        }
    }
}

/// Whether two kept requests (their JSON) ask for the same invoice: compared as they print
/// ([`InvoiceRequest::as_printed`]), so that a request kept as typed before the rule equals
/// itself checked again now — a reversed invoice's request sent again unchanged is still
/// the same buyer, a retry is still the same invoice. Text that is no request compares as
/// text.
pub fn same_request(a: &str, b: &str) -> bool {
    match (
        serde_json::from_str::<InvoiceRequest>(a),
        serde_json::from_str::<InvoiceRequest>(b),
    ) {
        (Ok(a), Ok(b)) => a.as_printed() == b.as_printed(),
        _ => a == b,
    }
}

/// A landline or mobile number: `0731-85172903`, `(0731) 8517 2903`, `+86 138…`.
fn phone(input: &str) -> Result<String, InvalidValue> {
    let folded = normalize_width(input);
    let trimmed = folded.trim();
    let body = trimmed.strip_prefix('+').unwrap_or(trimmed);
    let shape_ok = body
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')'));
    let digits: String = body.chars().filter(char::is_ascii_digit).collect();
    // A mobile, or a landline with its area code and 7–8 digits (an extension after `-`),
    // by the rule a recipient's phone is read with; from abroad, +86 and the area code
    // without its 0; a 400/800 service number; or the 7–8 digits alone, as a company in
    // the same city writes them.
    let number_ok = crate::domain::RecipientPhone::parse(body).is_ok()
        || digits.strip_prefix("86").is_some_and(|rest| {
            trimmed.starts_with('+')
                && crate::domain::RecipientPhone::parse(&format!("0{rest}")).is_ok()
        })
        || (digits.len() == 10 && (digits.starts_with("400") || digits.starts_with("800")))
        || (!digits.starts_with(['0', '1']) && (7..=8).contains(&digits.len()));
    if shape_ok && number_ok {
        Ok(trimmed.to_owned())
    } else {
        Err(T::ErrInvoicePhone.into())
    }
}

/// A bank account number: 8–30 digits, kept without the spaces people group them with.
fn account(input: &str) -> Result<String, InvalidValue> {
    let digits: String = normalize_width(input)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if (8..=30).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(digits)
    } else {
        Err(T::ErrBankAccount.into())
    }
}

/// The tax number and a warning, if any. Required of an organisation. 18 characters must
/// be a credit code (or, for an individual, an ID number); 15 or 20 are legacy numbers,
/// kept but flagged, since they can no longer be checked.
/// Whether a field of an invoice request (by its wire name) must be filled for this buyer
/// and kind of invoice: what [`validate`] refuses blank, for a form to
/// mark.
pub fn required_field(field: &str, buyer: BuyerKind, kind: InvoiceKind) -> bool {
    match field {
        "buyer_name" | "email" => true,
        "tax_number" => buyer == BuyerKind::Organisation,
        // 专票 is for organisations only: an individual is told that, not asked for these.
        "address" | "phone" | "bank" | "account" => {
            kind == InvoiceKind::Special && buyer == BuyerKind::Organisation
        }
        _ => false,
    }
}

/// A buyer's tax number as the invoice keeps and prints it (blanks out, full-width and
/// lower case read as the code: `91430300ma4t1234xe` → `91430300MA4T1234XE`); `None` when
/// it is not one for `buyer`.
pub fn tax_number_kept(buyer: BuyerKind, input: &str) -> Option<String> {
    tax_number(Some(buyer), input)
        .ok()
        .and_then(|(kept, _)| kept)
}

fn tax_number(
    buyer: Option<BuyerKind>,
    input: &str,
) -> Result<(Option<String>, Option<Msg>), InvalidValue> {
    let cleaned: String = normalize_width(input)
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if cleaned.is_empty() {
        return if buyer == Some(BuyerKind::Organisation) {
            Err(T::ErrRequired.into())
        } else {
            Ok((None, None))
        };
    }
    match cleaned.chars().count() {
        18 => {
            // A person's ID number first: one in about 31 also passes a credit code's
            // check character.
            if buyer == Some(BuyerKind::Individual)
                && let Ok(id) = IdNumber::parse(&cleaned)
            {
                return Ok((Some(id.as_str().to_owned()), None));
            }
            let uscc = Uscc::parse(&cleaned);
            if uscc.is_err() && buyer != Some(BuyerKind::Organisation) {
                match IdNumber::parse(&cleaned) {
                    Ok(id) => return Ok((Some(id.as_str().to_owned()), None)),
                    // Digits (and a final X) look like an ID number: its error helps more.
                    Err(e) if looks_like_id_number(&cleaned) => return Err(e),
                    Err(_) => {}
                }
            }
            // A company's credit code on a person's invoice (left from switching the buyer
            // to a person): said, not printed. A sole trader's (个体工商户, `92…`) may be.
            if uscc.is_ok() && buyer == Some(BuyerKind::Individual) && !cleaned.starts_with("92") {
                return Err(T::ErrUsccForIndividual.into());
            }
            uscc.map(|code| (Some(code.as_str().to_owned()), None))
        }
        15 | 20 if cleaned.bytes().all(|b| b.is_ascii_alphanumeric()) => {
            Ok((Some(cleaned), Some(T::WarnTaxNumberLegacy.into())))
        }
        15 | 20 => Err(T::ErrTaxNumberChars.into()),
        length => Err(Msg::with(T::ErrTaxNumberLength, [length.to_string()]).into()),
    }
}

/// Whether two buyers, `(name, tax number)`, are named alike on a tax invoice: the same
/// name and the same tax number (or none), spaces, width and case aside.
pub fn same_buyer(a: (&str, Option<&str>), b: (&str, Option<&str>)) -> bool {
    let squeeze = |s: &str| -> String {
        normalize_width(s)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase()
    };
    squeeze(a.0) == squeeze(b.0)
        && squeeze(a.1.unwrap_or_default()) == squeeze(b.1.unwrap_or_default())
}

fn looks_like_id_number(cleaned: &str) -> bool {
    let b = cleaned.as_bytes();
    b.len() == 18
        && b[..17].iter().all(u8::is_ascii_digit)
        && (b[17].is_ascii_digit() || b[17] == b'X')
}

#[cfg(test)]
mod same_buyer_tests {
    use super::same_buyer;

    #[test]
    fn the_same_buyer_is_the_same_tax_number_or_with_none_the_same_name() {
        assert!(same_buyer(
            ("湖南某某公司", Some("91110000600037341L")),
            ("湖南 某某 公司", Some("91110000600037341l"))
        ));
        // A name corrected under the same number is another title; another number too.
        assert!(!same_buyer(
            ("湖南某某有限公司", Some("91110000600037341L")),
            ("湖南某某公司", Some("91110000600037341L"))
        ));
        assert!(!same_buyer(
            ("湖南某某公司", Some("91110000600037341L")),
            ("湖南某某公司", None)
        ));
        assert!(same_buyer(("张伟", None), ("张 伟", Some(""))));
        assert!(!same_buyer(("张伟", None), ("张炜", None)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    const USCC: &str = "91110000600037341L";
    const ID_NUMBER: &str = "11010519491231002X";

    fn company_special() -> InvoiceRequestInput {
        InvoiceRequestInput {
            buyer_kind: Some("organisation".into()),
            invoice_kind: Some("special".into()),
            buyer_name: "湖南某某科技有限公司".into(),
            tax_number: USCC.into(),
            email: "finance@example.com".into(),
            address: "长沙市岳麓区麓谷大道 1 号".into(),
            phone: "0731-85172903".into(),
            bank: "中国银行长沙麓谷支行".into(),
            account: "6013 8200 0123 4567 89".into(),
        }
    }

    fn person_normal() -> InvoiceRequestInput {
        InvoiceRequestInput {
            buyer_kind: Some("individual".into()),
            invoice_kind: Some("normal".into()),
            buyer_name: " 张三 ".into(),
            email: "zhangsan@example.com".into(),
            ..Default::default()
        }
    }

    /// The bad fields, in English.
    fn errors(input: &InvoiceRequestInput) -> Vec<(&'static str, String)> {
        match validate(input) {
            Ok(_) => Vec::new(),
            Err(errors) => errors
                .into_iter()
                .map(|(field, msg)| (field, msg.render(Lang::En)))
                .collect(),
        }
    }

    fn fields(input: &InvoiceRequestInput) -> Vec<&'static str> {
        errors(input).into_iter().map(|(field, _)| field).collect()
    }

    /// What a paste carries unseen inside a buyer's name, address or bank is not printed
    /// on the invoice; spaces inside a Chinese name fold as the order's organisation's do.
    #[test]
    fn a_buyer_name_pasted_with_invisible_characters_is_printed_as_it_shows() {
        let mut input = person_normal();
        input.buyer_name = "湘潭\u{200B}示例科技有限公司".into();
        let Ok((request, _)) = validate(&input) else {
            panic!("refused");
        };
        assert_eq!(request.buyer_name, "湘潭示例科技有限公司");
        let mut input = company_special();
        input.buyer_name = "湖南某某　科技有限公司".into();
        input.bank = "中国银行\u{2060}长沙麓谷支行".into();
        input.address = "长沙市岳麓区\u{FEFF}麓谷大道 1 号".into();
        let Ok((request, _)) = validate(&input) else {
            panic!("refused");
        };
        assert_eq!(request.buyer_name, "湖南某某科技有限公司");
        assert_eq!(request.bank.as_deref(), Some("中国银行长沙麓谷支行"));
        assert_eq!(
            request.address.as_deref(),
            Some("长沙市岳麓区麓谷大道 1 号")
        );
    }

    #[test]
    fn a_person_gets_a_general_invoice_with_just_name_and_email() {
        let checked = validate(&person_normal());
        let Ok((request, warnings)) = checked else {
            panic!("refused: {checked:?}");
        };
        assert!(warnings.is_empty());
        assert_eq!(request.buyer_kind, BuyerKind::Individual);
        assert_eq!(request.invoice_kind, InvoiceKind::Normal);
        assert_eq!(request.buyer_name, "张三");
        assert_eq!(request.email.as_str(), "zhangsan@example.com");
        assert_eq!(request.tax_number, None);
        assert_eq!(
            (
                request.address,
                request.phone,
                request.bank,
                request.account
            ),
            (None, None, None, None)
        );
    }

    #[test]
    fn a_special_invoice_for_a_person_is_refused() {
        let input = InvoiceRequestInput {
            invoice_kind: Some("special".into()),
            ..person_normal()
        };
        assert_eq!(
            errors(&input),
            [(
                "invoice_kind",
                "a special VAT invoice is for organisations only; choose a general invoice \
                 for an individual"
                    .to_owned()
            )]
        );
    }

    /// A credit code left in the form after switching the buyer to a person: said, not
    /// printed on a person's invoice.
    #[test]
    fn a_person_does_not_carry_an_organisations_credit_code() {
        let input = InvoiceRequestInput {
            tax_number: "91110000600037341L".into(),
            ..person_normal()
        };
        let refused = errors(&input);
        assert_eq!(refused.len(), 1, "{refused:?}");
        assert_eq!(refused[0].0, "tax_number");
        assert!(refused[0].1.contains("organisation"), "{refused:?}");
    }

    #[test]
    fn a_company_gets_a_special_invoice_with_every_detail() {
        let checked = validate(&company_special());
        let Ok((request, warnings)) = checked else {
            panic!("refused: {checked:?}");
        };
        assert!(warnings.is_empty());
        assert_eq!(request.tax_number.as_deref(), Some(USCC));
        assert_eq!(request.account.as_deref(), Some("601382000123456789"));
        assert_eq!(request.phone.as_deref(), Some("0731-85172903"));
        assert_eq!(request.bank.as_deref(), Some("中国银行长沙麓谷支行"));
    }

    #[test]
    fn an_address_and_a_bank_print_as_an_office_writes_them() {
        let input = InvoiceRequestInput {
            address: "湖南省湘潭市岳塘区芙蓉路１２号　３栋".into(),
            bank: "中国建设银行　　湘潭分行".into(),
            ..company_special()
        };
        let checked = validate(&input);
        let Ok((request, _)) = checked else {
            panic!("refused: {checked:?}");
        };
        assert_eq!(
            request.address.as_deref(),
            Some("湖南省湘潭市岳塘区芙蓉路12号 3栋")
        );
        assert_eq!(request.bank.as_deref(), Some("中国建设银行 湘潭分行"));
    }

    #[test]
    fn a_request_kept_as_typed_is_the_same_request_checked_again() {
        let typed = InvoiceRequestInput {
            address: "湖南省湘潭市岳塘区芙蓉路１２号　３栋".into(),
            bank: "中国建设银行　　湘潭分行".into(),
            ..company_special()
        };
        let Ok((now, _)) = validate(&typed) else {
            panic!("refused");
        };
        // As a request was kept before the rule: its address and bank as typed.
        let before = InvoiceRequest {
            address: Some(typed.address.clone()),
            bank: Some(typed.bank.clone()),
            ..now.clone()
        };
        let json = |r: &InvoiceRequest| serde_json::to_string(r).unwrap_or_default();
        assert_ne!(json(&before), json(&now));
        assert!(same_request(&json(&before), &json(&now)));
        assert_eq!(before.as_printed(), now);
        // Another bank is another request, however it is written.
        let other = InvoiceRequest {
            bank: Some("中国银行湘潭分行".into()),
            ..now.clone()
        };
        assert!(!same_request(&json(&before), &json(&other)));
        // Text that is no request compares as text.
        assert!(same_request("x", "x") && !same_request("x", &json(&now)));
    }

    #[test]
    fn a_special_invoice_without_bank_and_account_names_both() {
        let input = InvoiceRequestInput {
            bank: " ".into(),
            account: String::new(),
            ..company_special()
        };
        assert_eq!(
            errors(&input),
            [
                ("bank", "required".to_owned()),
                ("account", "required".to_owned())
            ]
        );
        let bare = InvoiceRequestInput {
            address: String::new(),
            phone: String::new(),
            bank: String::new(),
            account: String::new(),
            ..company_special()
        };
        assert_eq!(fields(&bare), ["address", "phone", "bank", "account"]);
    }

    #[test]
    fn a_credit_code_with_a_wrong_check_character_is_refused() {
        let input = InvoiceRequestInput {
            tax_number: "91110000600037341M".into(),
            ..company_special()
        };
        let found = errors(&input);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "tax_number");
        assert!(found[0].1.contains("does not add up"), "{found:?}");
    }

    #[test]
    fn a_legacy_tax_number_is_kept_with_a_warning() {
        for legacy in ["430104123456789", "43010412345678901234", "43010412345678x"] {
            let input = InvoiceRequestInput {
                tax_number: legacy.into(),
                ..company_special()
            };
            let checked = validate(&input);
            let Ok((request, warnings)) = checked else {
                panic!("refused {legacy}: {checked:?}");
            };
            assert_eq!(
                request.tax_number,
                Some(legacy.to_ascii_uppercase()),
                "{legacy}"
            );
            assert_eq!(warnings.len(), 1);
            assert_eq!(warnings[0].0, "tax_number");
            assert_eq!(
                warnings[0].1.render(Lang::ZhCn),
                "旧版税号（15/20 位），请核对"
            );
        }
    }

    #[test]
    fn tax_numbers_of_other_lengths_or_characters_are_refused() {
        let with = |tax_number: &str| InvoiceRequestInput {
            tax_number: tax_number.into(),
            ..company_special()
        };
        assert_eq!(
            errors(&with("9111000060003734")),
            [(
                "tax_number",
                "a tax number is the 18-character unified social credit code (15 or 20 \
                 characters for old ones); this one has 16"
                    .to_owned()
            )]
        );
        assert_eq!(
            errors(&with("4301041234567/9")),
            [(
                "tax_number",
                "a tax number has only letters and digits".to_owned()
            )]
        );
        assert_eq!(errors(&with("")), [("tax_number", "required".to_owned())]);
    }

    #[test]
    fn a_company_may_not_give_an_id_number_but_a_person_may() {
        let company = InvoiceRequestInput {
            tax_number: ID_NUMBER.into(),
            ..company_special()
        };
        assert_eq!(fields(&company), ["tax_number"]);
        let person = InvoiceRequestInput {
            tax_number: "11010519491231002x".into(),
            ..person_normal()
        };
        assert_eq!(
            validate(&person).map(|(r, _)| r.tax_number).ok(),
            Some(Some(ID_NUMBER.to_owned()))
        );
        // A sole trader's credit code (个体工商户, 92…) on a person's invoice: theirs.
        let sole_trader = InvoiceRequestInput {
            tax_number: "９２４３０１００ＭＡ４Ｌ１２３４５７".into(),
            ..person_normal()
        };
        assert_eq!(
            validate(&sole_trader).map(|(r, _)| r.tax_number).ok(),
            Some(Some("92430100MA4L123457".to_owned()))
        );
    }

    #[test]
    fn a_person_with_a_mistyped_id_number_is_told_about_the_id_number() {
        let input = InvoiceRequestInput {
            tax_number: "110105194912310021".into(),
            ..person_normal()
        };
        let found = errors(&input);
        assert_eq!(found.len(), 1);
        assert!(found[0].1.contains("ID number"), "{found:?}");
        let letters = InvoiceRequestInput {
            tax_number: "91110000600037341M".into(),
            ..person_normal()
        };
        assert!(errors(&letters)[0].1.contains("credit code"));
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let input = InvoiceRequestInput {
            buyer_kind: Some("company".into()),
            invoice_kind: None,
            buyer_name: "   ".into(),
            tax_number: "123".into(),
            email: "not-an-address".into(),
            address: "长".repeat(101),
            phone: "call me".into(),
            bank: "银".repeat(101),
            account: "12-34".into(),
        };
        assert_eq!(
            fields(&input),
            [
                "buyer_kind",
                "invoice_kind",
                "buyer_name",
                "tax_number",
                "email",
                "address",
                "phone",
                "bank",
                "account"
            ]
        );
        let found = errors(&input);
        assert!(found.contains(&("address", "must be at most 100 characters".to_owned())));
        assert!(found.contains(&("email", T::ErrEmail.get(Lang::En).to_owned())));
    }

    #[test]
    fn a_general_invoice_keeps_optional_details_when_given() {
        let input = InvoiceRequestInput {
            invoice_kind: Some("normal".into()),
            address: " 长沙市 ".into(),
            phone: "（0731）8517 2903".into(),
            bank: String::new(),
            account: "６０１３８２００".into(),
            ..company_special()
        };
        let checked = validate(&input).map(|(r, _)| r);
        let Ok(request) = checked else {
            panic!("refused: {checked:?}");
        };
        assert_eq!(request.address.as_deref(), Some("长沙市"));
        assert_eq!(request.phone.as_deref(), Some("(0731)8517 2903"));
        assert_eq!(request.bank, None);
        assert_eq!(request.account.as_deref(), Some("60138200"));
        let long_bank = InvoiceRequestInput {
            bank: "银".repeat(101),
            ..input
        };
        assert_eq!(fields(&long_bank), ["bank"]);
    }

    #[test]
    fn phones_are_landlines_or_mobiles() {
        for good in [
            "0731-85172903",
            "(0731) 8517 2903",
            "+86 138 1234 5678",
            "13812345678",
            "8517290",
            "010-12345678",
            "0731-85172903-801",
            "400-880-8888",
            "+86 731 8517 2903",
        ] {
            assert!(phone(good).is_ok(), "{good}");
        }
        for bad in [
            "851729",
            // An area code and too few digits after it; a mobile's impossible second digit.
            "0731-8888",
            "010-123456",
            "1381234567",
            "12345678901",
            "0731-85172903 转 8001",
            "1-2-3",
            "+",
            "++8613812345678",
        ] {
            assert!(phone(bad).is_err(), "{bad}");
        }
        assert!(phone(&"1".repeat(21)).is_err());
    }

    #[test]
    fn accounts_are_8_to_30_digits() {
        assert_eq!(
            account("6222 0212 3456 7890 123").ok().as_deref(),
            Some("6222021234567890123")
        );
        assert!(account("1234567").is_err());
        assert!(account(&"1".repeat(31)).is_err());
        assert!(account("1234567A").is_err());
    }

    #[test]
    fn email_is_required() {
        let input = InvoiceRequestInput {
            email: " ".into(),
            ..person_normal()
        };
        assert_eq!(errors(&input), [("email", "required".to_owned())]);
    }

    #[test]
    fn kinds_have_wire_names_and_labels() {
        for kind in BuyerKind::ALL {
            assert_eq!(BuyerKind::parse(kind.as_str()), Some(kind));
            assert_eq!(
                serde_json::to_value(kind).ok(),
                Some(serde_json::Value::from(kind.as_str()))
            );
        }
        for kind in InvoiceKind::ALL {
            assert_eq!(InvoiceKind::parse(kind.as_str()), Some(kind));
            assert_eq!(
                serde_json::to_value(kind).ok(),
                Some(serde_json::Value::from(kind.as_str()))
            );
        }
        assert_eq!(
            BuyerKind::parse(" Organization "),
            Some(BuyerKind::Organisation)
        );
        assert_eq!(
            serde_json::from_str::<BuyerKind>("\"organization\"").ok(),
            Some(BuyerKind::Organisation)
        );
        assert_eq!(BuyerKind::Organisation.label().get(Lang::ZhCn), "单位");
        assert_eq!(
            InvoiceKind::Special.label().get(Lang::ZhCn),
            "增值税专用发票"
        );
        assert_eq!(
            InvoiceKind::Normal.label().get(Lang::En),
            "general VAT invoice"
        );
    }

    #[test]
    fn requests_round_trip_through_json() {
        let input: InvoiceRequestInput =
            serde_json::from_str(r#"{"buyer_kind":"individual","buyer_name":"张三"}"#)
                .unwrap_or_default();
        assert_eq!(input.buyer_name, "张三");
        assert_eq!(input.invoice_kind, None);
        let request = validate(&company_special()).map(|(r, _)| r).ok();
        let json = request.as_ref().and_then(|r| serde_json::to_string(r).ok());
        let back: Option<InvoiceRequest> = json.and_then(|j| serde_json::from_str(&j).ok());
        assert_eq!(back, request);
        assert!(back.is_some());
    }
}
