//! The invoice form for one order: buyer kind and invoice kind (← →), buyer name, tax
//! number, e-mail, and for 专票 address, phone, bank and account — each field checked as
//! it is left, by the same rules the platform applies, its message under it.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::api::InvoicingItem;
use crate::domain::{BuyerKind, InvoiceKind, InvoiceRequestInput, Money, UserType};
use crate::i18n::{Lang, T};
use crate::tui::text::Text;
use crate::tui::widgets::input::Input;

/// The text fields of the form, in order, with their wire names and labels.
pub const FIELDS: [(&str, T); 7] = [
    ("buyer_name", T::FieldInvBuyerName),
    ("tax_number", T::FieldInvTaxNumber),
    ("email", T::FieldInvEmail),
    ("address", T::FieldInvAddress),
    ("phone", T::FieldInvPhone),
    ("bank", T::FieldInvBank),
    ("account", T::FieldInvAccount),
];

/// The text fields that belong to the buyer (indices into [`FIELDS`]): all but the
/// e-mail, which is whoever receives the invoice.
const BUYER_FIELDS: [usize; 6] = [0, 1, 3, 4, 5, 6];

/// Rows of the form: the two choices, then the text fields.
pub const ROWS: usize = 2 + FIELDS.len();

/// The invoice form for one order.
#[derive(Debug, Clone)]
pub struct InvoiceForm {
    /// The order.
    pub order_no: String,
    /// Its version.
    pub version: i64,
    /// Its amount in fen.
    pub amount_fen: i64,
    /// The customer (a company's name on an organisation's order).
    pub customer_name: String,
    /// The name a person's invoice starts with: the customer's on a person's order; none
    /// on an organisation's (its customer is the company, no person's name).
    pub person_name: String,
    /// How the order was paid (the demo cashier's and the example account's take no money).
    pub payment_method: Option<String>,
    /// Where the request came from (`phone`, `counter`), if one was made.
    pub via: Option<String>,
    /// The customer's request the form was filled from (as the platform sent it), or
    /// `None` when it was filled from the order: a request that arrives or changes
    /// meanwhile is noticed, never silently ignored.
    pub source: Option<String>,
    /// The invoice reversed (红冲) when the order came back for this new one, if it did.
    pub reversed: Option<crate::api::ReissueNote>,
    /// Individual or organisation.
    pub buyer_kind: BuyerKind,
    /// The buyer's fields for the other kind ([`BUYER_FIELDS`]: name, tax number,
    /// address, phone, bank, account), put aside when the kind was switched: switching
    /// back brings them back.
    pub other_buyer: Option<Vec<String>>,
    /// 普票 or 专票.
    pub invoice_kind: InvoiceKind,
    /// The company's 专票, set aside when the buyer was switched to a person: switching
    /// back brings it back.
    pub special_aside: bool,
    /// The text fields, as [`FIELDS`].
    pub fields: Vec<Input>,
    /// The row with the caret.
    pub focus: usize,
    /// Errors by field name.
    pub errors: Vec<(String, Text)>,
    /// Warnings by field name (accepted, worth a look).
    pub warnings: Vec<(String, Text)>,
    /// Asking "issue?".
    pub confirming: bool,
    /// On its way.
    pub sending: bool,
    /// Opened again as the operator left it (kept when they went back to the list): what
    /// it says is theirs, no longer what the order or the request prefilled.
    pub resumed: bool,
    /// The CA's own tax number (the platform's, once known): refused as the buyer's as
    /// the field is left, not only once issuing is confirmed.
    pub seller: String,
}

/// The customer's request of `item` as the platform sent it, to tell whether it changed.
pub fn source_of(item: &InvoicingItem) -> Option<String> {
    item.request
        .as_ref()
        .and_then(|r| serde_json::to_string(&r.request).ok())
}

/// Whether a form filled from `source` is still the customer's request of `item`: the same
/// request, compared as it prints (one kept as typed before its address was folded, sent
/// again unchanged, is not a new request).
pub fn same_source(source: Option<&str>, item: &InvoicingItem) -> bool {
    match (source, source_of(item).as_deref()) {
        (Some(a), Some(b)) => crate::domain::same_invoice_request(a, b),
        (None, None) => true,
        _ => false,
    }
}

impl InvoiceForm {
    /// The form for `item`: the customer's request, else what the order suggests.
    pub fn new(item: &InvoicingItem) -> InvoiceForm {
        let input = item
            .request
            .as_ref()
            .map(|r| InvoiceRequestInput::from(&r.request))
            .unwrap_or_else(|| item.suggested.clone());
        let buyer_kind = if input.buyer_kind.as_deref() == Some(BuyerKind::Organisation.as_str()) {
            BuyerKind::Organisation
        } else {
            BuyerKind::Individual
        };
        let invoice_kind = if input.invoice_kind.as_deref() == Some(InvoiceKind::Special.as_str()) {
            InvoiceKind::Special
        } else {
            InvoiceKind::Normal
        };
        let fields = [
            &input.buyer_name,
            &input.tax_number,
            &input.email,
            &input.address,
            &input.phone,
            &input.bank,
            &input.account,
        ]
        .into_iter()
        .map(|v| Input::new(v))
        .collect();
        InvoiceForm {
            order_no: item.order.order_no.to_string(),
            version: item.order.version,
            amount_fen: item.order.amount_fen,
            customer_name: item.order.customer_name.clone(),
            person_name: match item.user_type {
                UserType::Individual => item.order.customer_name.clone(),
                UserType::Organization => String::new(),
            },
            payment_method: item.order.payment_method.clone(),
            via: item.request.as_ref().map(|r| r.via.clone()),
            source: source_of(item),
            reversed: item.reversed.clone(),
            buyer_kind,
            other_buyer: None,
            invoice_kind,
            special_aside: false,
            fields,
            focus: 2,
            errors: Vec::new(),
            warnings: Vec::new(),
            confirming: false,
            sending: false,
            resumed: false,
            seller: String::new(),
        }
    }

    /// The form knowing the CA's own tax number (`seller`, from the platform).
    pub fn with_seller(mut self, seller: &str) -> InvoiceForm {
        self.seller = seller.to_owned();
        self
    }

    /// The buyer's tax number refused as the seller's own, as the platform refuses it.
    fn own_number(&self) -> Option<(String, Text)> {
        let typed = self.input().tax_number;
        crate::domain::is_seller_code(&self.seller, &typed)
            .then(|| ("tax_number".to_owned(), Text::from(T::ErrOwnTaxNumber)))
    }

    /// True when the order came back after its invoice was reversed and the form names
    /// the buyer that invoice did — the same tax number, or with none the same name (what
    /// was wrong is often just that).
    pub fn same_as_reversed(&self) -> bool {
        let Some(note) = &self.reversed else {
            return false;
        };
        let input = self.input();
        self.invoice_kind.as_str() == note.invoice_kind
            && crate::domain::same_buyer(
            (&input.buyer_name, Some(input.tax_number.as_str())),
            (&note.buyer_name, note.tax_number.as_deref()),
        )
    }

    /// A text field has the caret (letters type).
    pub fn typing(&self) -> bool {
        self.focus >= 2
    }

    /// The form as a request.
    pub fn input(&self) -> InvoiceRequestInput {
        let text = |i: usize| self.fields.get(i).map(Input::text).unwrap_or_default();
        InvoiceRequestInput {
            buyer_kind: Some(self.buyer_kind.as_str().into()),
            invoice_kind: Some(self.invoice_kind.as_str().into()),
            buyer_name: text(0),
            tax_number: text(1),
            email: text(2),
            address: text(3),
            phone: text(4),
            bank: text(5),
            account: text(6),
        }
    }

    /// The error shown under `field`.
    pub fn error(&self, field: &str) -> Option<&Text> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m)
    }

    /// The warning shown under `field`.
    pub fn warning(&self, field: &str) -> Option<&Text> {
        self.warnings.iter().find(|(f, _)| f == field).map(|(_, m)| m)
    }

    /// The amount, as money.
    pub fn amount(&self) -> String {
        Money::from_fen(self.amount_fen).unwrap_or_default().to_string()
    }

    /// The name of the field on `row` (none for the two choices).
    fn field_on(row: usize) -> Option<&'static str> {
        row.checked_sub(2).and_then(|i| FIELDS.get(i)).map(|(f, _)| *f)
    }

    /// Checks the field on the row the caret leaves, as the platform will: its message
    /// appears (or goes) at once, as in the application form.
    fn leave(&mut self) {
        let Some(field) = Self::field_on(self.focus) else {
            return;
        };
        let (errors, warnings) = match crate::domain::validate_invoice_request(&self.input()) {
            Ok((_, warnings)) => (Vec::new(), warnings),
            Err(errors) => (errors, Vec::new()),
        };
        self.errors.retain(|(f, _)| f != field);
        self.warnings.retain(|(f, _)| f != field);
        for (f, m) in errors.into_iter().filter(|(f, _)| *f == field) {
            self.errors.push((f.to_owned(), Text::from(m)));
        }
        if field == "tax_number" && !self.errors.iter().any(|(f, _)| f == field) {
            // Read back as printed (a lower-case or spaced code in capitals), as the
            // application form's credit code is.
            let typed = self.input().tax_number;
            if let Some(kept) = crate::domain::tax_number_kept(self.buyer_kind, &typed)
                && kept != typed
                && let Some(at) = FIELDS.iter().position(|(f, _)| *f == field)
                && let Some(input) = self.fields.get_mut(at)
            {
                input.set_text(&kept);
            }
            if let Some(own) = self.own_number() {
                self.errors.push(own);
            }
        }
        for (f, m) in warnings.into_iter().filter(|(f, _)| *f == field) {
            self.warnings.push((f.to_owned(), Text::from(m)));
        }
    }

    fn move_to(&mut self, row: usize) {
        if row != self.focus {
            self.leave();
            self.focus = row;
        }
        self.confirming = false;
    }

    /// Checks every field as the platform will; true when it may be issued.
    pub fn check(&mut self) -> bool {
        // The field the caret is on reads back as it will print, as if left.
        self.leave();
        let own = self.own_number();
        match crate::domain::validate_invoice_request(&self.input()) {
            Ok((_, warnings)) if own.is_none() => {
                self.errors.clear();
                self.warnings = warnings
                    .into_iter()
                    .map(|(f, m)| (f.to_owned(), Text::from(m)))
                    .collect();
                true
            }
            checked => {
                self.errors = checked
                    .err()
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(f, m)| (f.to_owned(), Text::from(m)))
                    .collect();
                if let Some(own) = own
                    && !self.errors.iter().any(|(f, _)| *f == own.0)
                {
                    self.errors.push(own);
                }
                // The caret goes to the first bad field.
                if let Some(row) = self.errors.iter().find_map(|(f, _)| row_of(f)) {
                    self.focus = row;
                }
                false
            }
        }
    }

    /// The platform's messages, each under its field.
    pub fn refused(&mut self, errors: Vec<(String, String)>, lang: Lang) {
        self.errors = errors
            .into_iter()
            .map(|(f, m)| (f, Text::platform(m, lang)))
            .collect();
        if let Some(row) = self.errors.iter().find_map(|(f, _)| row_of(f)) {
            self.focus = row;
        }
    }

    /// A key no binding took. Returns true when Enter on the last row asks to issue, or
    /// `y` answers the question asked then ([`crate::tui::keys::confirm`]: a second
    /// `Enter` changes nothing, any other key is typing again).
    pub fn key(&mut self, key: KeyEvent) -> bool {
        if self.sending {
            return false;
        }
        if self.confirming {
            use crate::tui::keys::Confirm;
            match crate::tui::keys::confirm(key) {
                Confirm::Send => return true,
                Confirm::Stay => return false,
                Confirm::Back => {
                    self.confirming = false;
                    return false;
                }
                Confirm::Typing => self.confirming = false,
            }
        }
        match key.code {
            KeyCode::Enter => {
                if self.focus + 1 < ROWS {
                    self.move_to(self.focus + 1);
                } else {
                    return true;
                }
            }
            KeyCode::Down => self.move_to((self.focus + 1).min(ROWS - 1)),
            KeyCode::Up => self.move_to(self.focus.saturating_sub(1)),
            KeyCode::Tab => self.move_to((self.focus + 1) % ROWS),
            KeyCode::BackTab => self.move_to((self.focus + ROWS - 1) % ROWS),
            KeyCode::Left | KeyCode::Right | KeyCode::Char(' ') if self.focus < 2 => {
                if self.focus == 0 {
                    self.switch_buyer_kind();
                } else {
                    self.invoice_kind = match self.invoice_kind {
                        InvoiceKind::Normal => InvoiceKind::Special,
                        InvoiceKind::Special => InvoiceKind::Normal,
                    };
                    // Chosen by hand: nothing set aside comes back over it.
                    self.special_aside = false;
                }
                self.confirming = false;
                self.errors
                    .retain(|(f, _)| f != "buyer_kind" && f != "invoice_kind");
            }
            _ if self.focus >= 2 => {
                let index = self.focus - 2;
                if key.modifiers.contains(KeyModifiers::CONTROL) && key.code != KeyCode::Char('u')
                {
                    return false;
                }
                if let Some(input) = self.fields.get_mut(index)
                    && input.key(key)
                {
                    let name = FIELDS[index].0;
                    self.errors.retain(|(f, _)| f != name);
                    self.warnings.retain(|(f, _)| f != name);
                    self.confirming = false;
                }
            }
            _ => {}
        }
        false
    }

    /// 个人 ⇄ 单位. A person's name is no company's, nor a company's details a person's:
    /// switching to 单位 from the customer's own name (or none) puts the buyer's fields
    /// ([`BUYER_FIELDS`]) aside and brings back the company's typed before, if any (else
    /// empty fields, to be typed); switching to 个人 from a company's — its name, credit
    /// code, address, phone, bank or account — puts them all aside and brings back the
    /// person's (at first the customer's name and nothing else — none on an organisation's
    /// order, whose customer is the company: a company's bank account printed on a
    /// person's invoice was a second wrong invoice). A name typed for the new
    /// kind before switching stays where it is.
    fn switch_buyer_kind(&mut self) {
        let text = |form: &Self, i: usize| form.fields[i].text().trim().to_owned();
        let name = text(self, 0);
        let customer = self.person_name.trim();
        let blank = || vec![String::new(); BUYER_FIELDS.len()];
        let (to, swap, default) = match self.buyer_kind {
            BuyerKind::Individual => (
                BuyerKind::Organisation,
                name.is_empty() || name == customer,
                blank(),
            ),
            // A company's name or any of its details: none is a person's.
            BuyerKind::Organisation => {
                let mut person = blank();
                person[0] = self.person_name.clone();
                (
                    BuyerKind::Individual,
                    name != customer || BUYER_FIELDS[1..].iter().any(|&i| !text(self, i).is_empty()),
                    person,
                )
            }
        };
        self.buyer_kind = to;
        // A special invoice is an organisation's alone: a person's is a general one, and
        // the company's 专票 comes back with the company (arrow keys bumped ← → must not
        // turn a company's 专票 into a 普票 unseen).
        if to == BuyerKind::Individual && self.invoice_kind == InvoiceKind::Special {
            self.invoice_kind = InvoiceKind::Normal;
            self.special_aside = true;
            self.errors.retain(|(f, _)| f != "invoice_kind");
        } else if to == BuyerKind::Organisation && std::mem::take(&mut self.special_aside) {
            self.invoice_kind = InvoiceKind::Special;
        }
        if !swap {
            return;
        }
        let mut back = self.other_buyer.take().unwrap_or(default);
        // A credit code typed on a person's invoice is what made the form say "switch to
        // 单位": it goes with the switch (into the company's empty field), not retyped.
        let typed_code = text(self, 1);
        if to == BuyerKind::Organisation
            && crate::domain::Uscc::parse(&typed_code).is_ok()
            && back[1].trim().is_empty()
        {
            back[1] = typed_code;
        }
        self.other_buyer = Some(BUYER_FIELDS.iter().map(|&i| self.fields[i].text()).collect());
        for (&i, value) in BUYER_FIELDS.iter().zip(back) {
            self.fields[i] = Input::new(&value);
            let name = FIELDS[i].0;
            self.errors.retain(|(f, _)| f != name);
            self.warnings.retain(|(f, _)| f != name);
        }
    }

    /// Pasted text goes into the field with the caret.
    pub fn paste(&mut self, text: &str) {
        if self.focus >= 2
            && let Some(input) = self.fields.get_mut(self.focus - 2)
        {
            input.paste(text);
        }
    }
}

/// The form row of a field name.
pub fn row_of(field: &str) -> Option<usize> {
    match field {
        "buyer_kind" => Some(0),
        "invoice_kind" => Some(1),
        _ => FIELDS.iter().position(|(f, _)| *f == field).map(|i| i + 2),
    }
}

/// The label of the form's row that holds `field`.
pub fn label_of(field: &str) -> Option<T> {
    match field {
        "buyer_kind" => Some(T::FieldInvBuyerKind),
        "invoice_kind" => Some(T::FieldInvKind),
        _ => FIELDS.iter().find(|(f, _)| *f == field).map(|(_, label)| *label),
    }
}

/// The label of an invoice kind.
pub fn kind_label(kind: InvoiceKind) -> T {
    match kind {
        InvoiceKind::Normal => T::OptInvoiceNormal,
        InvoiceKind::Special => T::OptInvoiceSpecial,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::OrderSummary;
    use crate::domain::OrderStatus;

    fn item() -> InvoicingItem {
        InvoicingItem {
            order: OrderSummary {
                order_no: crate::domain::OrderNo::parse("HN20261128000007")
                    .unwrap_or_else(|e| panic!("{e}")),
                status: OrderStatus::PendingInvoice,
                version: 4,
                customer_name: "李四".into(),
                phone: "138****5678".into(),
                project_name: "湘潭".into(),
                product_name: "个人证书".into(),
                amount_fen: 20_000,
                created_at: String::new(),
                updated_at: String::new(),
                channel: crate::domain::Channel::Counter,
                payment_method: None,
            },
            user_type: UserType::Individual,
            shipped_at: None,
            requested_via: None,
            request: None,
            reversed: None,
            suggested: InvoiceRequestInput {
                buyer_name: "李四".into(),
                email: "lisi@example.com".into(),
                ..Default::default()
            },
        }
    }

    #[test]
    fn a_field_is_checked_as_it_is_left() {
        let mut form = InvoiceForm::new(&item());
        form.focus = 4;
        form.key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        for c in "not-mail".chars() {
            form.key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
        assert!(form.error("email").is_none(), "not while typing");
        form.key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE));
        assert!(form.error("email").is_some(), "checked on leaving");
        assert!(form.error("address").is_none(), "only the field left");
    }

    /// The CA's own tax number as the buyer's is refused as the field is left (it was
    /// said only after issuing was confirmed), however it is spaced or cased.
    #[test]
    fn the_sellers_own_number_is_refused_as_the_field_is_left() {
        let mut form = InvoiceForm::new(&item()).with_seller("91430100MA4L00000F");
        form.buyer_kind = BuyerKind::Organisation;
        form.focus = row_of("tax_number").unwrap_or(3);
        form.key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        type_in(&mut form, "91430100 ma4l00000f");
        press(&mut form, KeyCode::Down);
        let said = form.error("tax_number").map(|t| t.get(Lang::ZhCn));
        assert_eq!(said.as_deref(), Some(T::ErrOwnTaxNumber.get(Lang::ZhCn)));
        // Read back as printed once left.
        assert_eq!(form.input().tax_number, "91430100MA4L00000F");
        assert!(!form.check(), "not issued");
        // Typed full-width, as a Chinese input method may, it is the same number.
        let wide: String = "91430100MA4L00000F"
            .chars()
            .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap_or(c))
            .collect();
        assert!(crate::domain::is_seller_code("91430100MA4L00000F", &wide));
    }

    fn press(form: &mut InvoiceForm, code: KeyCode) {
        form.key(KeyEvent::new(code, KeyModifiers::NONE));
    }

    fn type_in(form: &mut InvoiceForm, text: &str) {
        form.key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        for c in text.chars() {
            press(form, KeyCode::Char(c));
        }
    }

    #[test]
    fn switching_to_a_company_does_not_keep_the_persons_name_and_back_brings_it_back() {
        let mut form = InvoiceForm::new(&item());
        form.focus = 0;
        press(&mut form, KeyCode::Right);
        assert_eq!(form.buyer_kind, BuyerKind::Organisation);
        assert_eq!(form.fields[0].text(), "", "the person's name is not the company's");
        assert_eq!(form.fields[1].text(), "");
        form.focus = 2;
        type_in(&mut form, "湘潭某某科技有限公司");
        form.focus = 3;
        type_in(&mut form, "91430300MA4L000000");
        form.focus = 0;
        press(&mut form, KeyCode::Left);
        assert_eq!(form.buyer_kind, BuyerKind::Individual);
        assert_eq!(form.fields[0].text(), "李四");
        assert_eq!(form.fields[1].text(), "", "a company's code is no person's");
        press(&mut form, KeyCode::Right);
        assert_eq!(form.fields[0].text(), "湘潭某某科技有限公司", "what was typed comes back");
        assert_eq!(form.fields[1].text(), "91430300MA4L000000");
        // A company's special invoice: back to a person, it is a general one.
        form.focus = 1;
        press(&mut form, KeyCode::Right);
        assert_eq!(form.invoice_kind, InvoiceKind::Special);
        form.focus = 0;
        press(&mut form, KeyCode::Left);
        assert_eq!(form.buyer_kind, BuyerKind::Individual);
        assert_eq!(form.invoice_kind, InvoiceKind::Normal);
    }

    /// A credit code typed on a person's invoice (the form then says to switch to 单位)
    /// goes with the switch, not to be typed again.
    #[test]
    fn a_credit_code_typed_for_a_person_goes_with_the_switch_to_a_company() {
        let mut form = InvoiceForm::new(&item());
        form.focus = 3;
        type_in(&mut form, "91110000600037341L");
        form.focus = 0;
        press(&mut form, KeyCode::Right);
        assert_eq!(form.buyer_kind, BuyerKind::Organisation);
        assert_eq!(form.fields[1].text(), "91110000600037341L");
        assert_eq!(form.fields[0].text(), "", "the person's name stays the person's");
        // Something that is no credit code stays with the person.
        let mut form = InvoiceForm::new(&item());
        form.focus = 3;
        type_in(&mut form, "12345");
        form.focus = 0;
        press(&mut form, KeyCode::Right);
        assert_eq!(form.fields[1].text(), "");
    }

    /// An organisation's order switched to 个人: the person's name is not the company's
    /// (its customer), it is to be typed; back to 单位 the company comes back.
    #[test]
    fn an_organisations_order_switched_to_a_person_has_no_persons_name_yet() {
        let mut org = item();
        org.user_type = UserType::Organization;
        org.order.customer_name = "湘潭示例科技有限公司".into();
        org.suggested = InvoiceRequestInput {
            buyer_kind: Some(BuyerKind::Organisation.as_str().into()),
            buyer_name: "湘潭示例科技有限公司".into(),
            tax_number: "91430300MA4L000000".into(),
            email: "lisi@example.com".into(),
            ..Default::default()
        };
        let mut form = InvoiceForm::new(&org);
        assert_eq!(form.buyer_kind, BuyerKind::Organisation);
        form.focus = 0;
        press(&mut form, KeyCode::Left);
        assert_eq!(form.buyer_kind, BuyerKind::Individual);
        assert_eq!(form.fields[0].text(), "", "the company's name is no person's");
        assert_eq!(form.fields[1].text(), "");
        press(&mut form, KeyCode::Right);
        assert_eq!(form.fields[0].text(), "湘潭示例科技有限公司");
        assert_eq!(form.fields[1].text(), "91430300MA4L000000");
    }

    /// A 专票 reversed because the buyer was a person: switched to 个人, the company's
    /// address, phone, bank and account go aside with its name (they were printed on the
    /// person's invoice), and come back with it.
    #[test]
    fn a_companys_details_go_aside_with_its_name() {
        let mut form = InvoiceForm::new(&item());
        form.focus = 0;
        press(&mut form, KeyCode::Right);
        let company = [
            "湘潭示例科技有限公司",
            "91430300MA4L000000",
            "lisi@example.com",
            "湖南省湘潭市岳塘区示例路1号",
            "0731-5555666",
            "中国银行湘潭分行",
            "6222000011112222",
        ];
        for (i, text) in company.iter().enumerate() {
            form.focus = 2 + i;
            type_in(&mut form, text);
        }
        form.focus = 0;
        press(&mut form, KeyCode::Left);
        let person = form.input();
        assert_eq!(person.buyer_name, "李四");
        assert_eq!(person.email, "lisi@example.com", "the e-mail is whoever receives it");
        for field in [
            &person.tax_number,
            &person.address,
            &person.phone,
            &person.bank,
            &person.account,
        ] {
            assert_eq!(field, "", "{person:?}");
        }
        press(&mut form, KeyCode::Right);
        let back: Vec<String> = form.fields.iter().map(Input::text).collect();
        assert_eq!(back, company);
        // The company's 专票 goes aside with it and comes back with it.
        form.focus = 1;
        press(&mut form, KeyCode::Right);
        assert_eq!(form.invoice_kind, InvoiceKind::Special);
        form.focus = 0;
        press(&mut form, KeyCode::Left);
        assert_eq!(form.invoice_kind, InvoiceKind::Normal);
        press(&mut form, KeyCode::Right);
        assert_eq!(form.invoice_kind, InvoiceKind::Special);
    }

    #[test]
    fn a_company_typed_before_switching_stays() {
        let mut form = InvoiceForm::new(&item());
        form.focus = 2;
        type_in(&mut form, "湘潭某某科技有限公司");
        form.focus = 0;
        press(&mut form, KeyCode::Char(' '));
        assert_eq!(form.buyer_kind, BuyerKind::Organisation);
        assert_eq!(form.fields[0].text(), "湘潭某某科技有限公司");
    }
}
