//! The 开票 tab: orders in 待开票, those the customer asked for first. Finance opens one,
//! checks or fills the invoice request (individual or organisation buyer, 普票 or 专票,
//! buyer name, tax number, e-mail, and for 专票 address, phone, bank and account) with
//! every field checked here as on the platform, and issues it; or notes that the customer
//! wants no invoice. Either way the order is 已完成.

use std::cell::Cell;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use time::OffsetDateTime;

use crate::api::{ActionRequest, ClientError, InvoicingItem, IssueInvoice};
use crate::domain::{BuyerKind, InvoiceKind, InvoiceRequestInput, Money};
use crate::i18n::{Lang, T};
use crate::tui::app::Notice;
use crate::tui::net::{Msg, Request};
use crate::tui::widgets::input::Input;

/// How often the queue is fetched again while shown.
const REFRESH_SECONDS: i64 = 60;

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

/// Rows of the form: the two choices, then the text fields.
pub const ROWS: usize = 2 + FIELDS.len();

/// What finance can ask for in the 开票 tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvoiceCmd {
    /// Open the invoice form for the selected order.
    Open,
    /// The customer wants no invoice (asks for a note, then completes the order).
    Decline,
    /// Check and issue (asks to confirm).
    Issue,
    /// Back to the list.
    Back,
}

/// The invoice form for one order.
#[derive(Debug, Clone)]
pub struct InvoiceForm {
    /// The order.
    pub order_no: String,
    /// Its version.
    pub version: i64,
    /// Its amount in fen.
    pub amount_fen: i64,
    /// The customer.
    pub customer_name: String,
    /// Where the request came from (`phone`, `counter`), if one was made.
    pub via: Option<String>,
    /// Individual or organisation.
    pub buyer_kind: BuyerKind,
    /// 普票 or 专票.
    pub invoice_kind: InvoiceKind,
    /// The text fields, as [`FIELDS`].
    pub fields: Vec<Input>,
    /// The row with the caret.
    pub focus: usize,
    /// Errors by field name.
    pub errors: Vec<(String, String)>,
    /// Warnings by field name (accepted, worth a look).
    pub warnings: Vec<(String, String)>,
    /// Asking "issue?".
    pub confirming: bool,
    /// On its way.
    pub sending: bool,
}

impl InvoiceForm {
    fn new(item: &InvoicingItem) -> InvoiceForm {
        let input = item
            .request
            .as_ref()
            .map(|r| crate::domain::InvoiceRequestInput::from(&r.request))
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
            order_no: item.order.order_no.clone(),
            version: item.order.version,
            amount_fen: item.order.amount_fen,
            customer_name: item.order.customer_name.clone(),
            via: item.request.as_ref().map(|r| r.via.clone()),
            buyer_kind,
            invoice_kind,
            fields,
            focus: 2,
            errors: Vec::new(),
            warnings: Vec::new(),
            confirming: false,
            sending: false,
        }
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

    /// The error shown next to `field`.
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    /// The warning shown next to `field`.
    pub fn warning(&self, field: &str) -> Option<&str> {
        self.warnings
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    /// Checks every field as the platform will; true when it may be issued.
    fn check(&mut self, lang: Lang) -> bool {
        match crate::domain::validate_invoice_request(&self.input()) {
            Ok((_, warnings)) => {
                self.errors.clear();
                self.warnings = warnings
                    .into_iter()
                    .map(|(f, m)| (f.to_owned(), m.render(lang)))
                    .collect();
                true
            }
            Err(errors) => {
                self.errors = errors
                    .into_iter()
                    .map(|(f, m)| (f.to_owned(), m.render(lang)))
                    .collect();
                // The caret goes to the first bad field.
                if let Some(row) = self.errors.iter().find_map(|(f, _)| row_of(f)) {
                    self.focus = row;
                }
                false
            }
        }
    }
}

/// The form row of a field name.
fn row_of(field: &str) -> Option<usize> {
    match field {
        "buyer_kind" => Some(0),
        "invoice_kind" => Some(1),
        _ => FIELDS.iter().position(|(f, _)| *f == field).map(|i| i + 2),
    }
}

/// Declining: the note to keep.
#[derive(Debug, Clone)]
pub struct Decline {
    /// The order.
    pub order_no: String,
    /// Its version.
    pub version: i64,
    /// The note.
    pub input: Input,
    /// On its way.
    pub sending: bool,
    /// Why it failed.
    pub error: Option<String>,
}

/// The tab's state.
#[derive(Debug, Default)]
pub struct Finance {
    /// Orders waiting for their invoice.
    pub items: Vec<InvoicingItem>,
    /// The selected row.
    pub selected: usize,
    /// First row shown.
    pub offset: Cell<usize>,
    /// Rows that fit.
    pub viewport: Cell<usize>,
    /// Fetched at least once.
    pub loaded: bool,
    loading: bool,
    again: bool,
    fetched: Option<OffsetDateTime>,
    /// Why the queue could not be fetched.
    pub error: Option<String>,
    /// The last outcome.
    pub notice: Option<Notice>,
    /// The open form.
    pub form: Option<InvoiceForm>,
    /// The decline popup.
    pub decline: Option<Decline>,
    /// The operator may issue invoices.
    pub may_issue: bool,
    /// Requests for the network.
    pub outbox: Vec<Request>,
}

impl Finance {
    /// Asks for the queue (once at a time).
    pub fn refresh(&mut self, now: OffsetDateTime) {
        if self.loading {
            self.again = true;
            return;
        }
        self.loading = true;
        self.fetched = Some(now);
        self.outbox.push(Request::InvoicingQueue);
    }

    /// Every second while the tab is shown.
    pub fn tick(&mut self, now: OffsetDateTime) {
        if self
            .fetched
            .is_none_or(|t| (now - t).whole_seconds() >= REFRESH_SECONDS)
        {
            self.refresh(now);
        }
    }

    /// An order changed somewhere.
    pub fn order_event(&mut self, now: OffsetDateTime, shown: bool) {
        if shown {
            self.refresh(now);
        } else {
            self.fetched = None;
        }
    }

    /// A field or popup has the caret (letters type).
    pub fn typing(&self) -> bool {
        self.decline.is_some() || self.form.as_ref().is_some_and(|f| f.focus >= 2)
    }

    /// Moves the selection (list) or the caret (form).
    pub fn move_by(&mut self, delta: isize) {
        if let Some(form) = &mut self.form {
            form.focus =
                (form.focus as isize + delta.signum()).clamp(0, ROWS as isize - 1) as usize;
            form.confirming = false;
            return;
        }
        if self.items.is_empty() {
            return;
        }
        let last = self.items.len() as isize - 1;
        self.selected = (self.selected as isize)
            .saturating_add(delta)
            .clamp(0, last) as usize;
    }

    /// Carries out a command.
    pub fn command(&mut self, cmd: InvoiceCmd, lang: Lang) {
        self.notice = None;
        match cmd {
            InvoiceCmd::Open => {
                if self.may_issue
                    && let Some(item) = self.items.get(self.selected)
                {
                    self.form = Some(InvoiceForm::new(item));
                }
            }
            InvoiceCmd::Decline => {
                if !self.may_issue {
                    return;
                }
                let target = match &self.form {
                    Some(form) => Some((form.order_no.clone(), form.version)),
                    None => self
                        .items
                        .get(self.selected)
                        .map(|i| (i.order.order_no.clone(), i.order.version)),
                };
                if let Some((order_no, version)) = target {
                    self.decline = Some(Decline {
                        order_no,
                        version,
                        input: Input::new(T::InvoiceDeclinedNote.get(lang)),
                        sending: false,
                        error: None,
                    });
                }
            }
            InvoiceCmd::Issue => self.issue(lang),
            InvoiceCmd::Back => {
                if let Some(decline) = &self.decline {
                    // Its answer says where things stand.
                    if !decline.sending {
                        self.decline = None;
                    }
                    return;
                }
                if let Some(form) = &mut self.form {
                    if form.sending {
                        return;
                    }
                    if form.confirming {
                        form.confirming = false;
                        return;
                    }
                }
                self.form = None;
            }
        }
    }

    fn issue(&mut self, lang: Lang) {
        let Some(form) = &mut self.form else {
            return;
        };
        if form.sending {
            return;
        }
        if !form.check(lang) {
            form.confirming = false;
            return;
        }
        if !form.confirming {
            form.confirming = true;
            return;
        }
        form.sending = true;
        self.outbox.push(Request::IssueInvoice {
            order_no: form.order_no.clone(),
            body: IssueInvoice {
                version: Some(form.version),
                request: Some(form.input()),
            },
        });
    }

    /// A key the command table did not take: it types into the field with the caret, or
    /// moves between the choices.
    pub fn key(&mut self, key: KeyEvent, lang: Lang) {
        if let Some(decline) = &mut self.decline {
            match key.code {
                KeyCode::Esc if decline.sending => {}
                KeyCode::Esc => self.decline = None,
                KeyCode::Enter => {
                    if !decline.sending {
                        decline.sending = true;
                        decline.error = None;
                        self.outbox.push(Request::DeclineInvoice {
                            order_no: decline.order_no.clone(),
                            body: ActionRequest {
                                version: Some(decline.version),
                                reason: Some(decline.input.text()),
                                ..ActionRequest::default()
                            },
                        });
                    }
                }
                _ => {
                    decline.input.key(key);
                }
            }
            return;
        }
        let Some(form) = &mut self.form else {
            return;
        };
        if form.sending {
            return;
        }
        match key.code {
            KeyCode::Enter => {
                if form.focus + 1 < ROWS && !form.confirming {
                    form.focus += 1;
                } else {
                    self.issue(lang);
                }
            }
            KeyCode::Down => {
                form.focus = (form.focus + 1).min(ROWS - 1);
                form.confirming = false;
            }
            KeyCode::Up => {
                form.focus = form.focus.saturating_sub(1);
                form.confirming = false;
            }
            KeyCode::Tab => {
                form.focus = (form.focus + 1) % ROWS;
                form.confirming = false;
            }
            KeyCode::BackTab => {
                form.focus = (form.focus + ROWS - 1) % ROWS;
                form.confirming = false;
            }
            KeyCode::Left | KeyCode::Right | KeyCode::Char(' ') if form.focus < 2 => {
                if form.focus == 0 {
                    form.buyer_kind = match form.buyer_kind {
                        BuyerKind::Individual => BuyerKind::Organisation,
                        BuyerKind::Organisation => BuyerKind::Individual,
                    };
                } else {
                    form.invoice_kind = match form.invoice_kind {
                        InvoiceKind::Normal => InvoiceKind::Special,
                        InvoiceKind::Special => InvoiceKind::Normal,
                    };
                }
                form.confirming = false;
                form.errors
                    .retain(|(f, _)| f != "buyer_kind" && f != "invoice_kind");
            }
            _ if form.focus >= 2 => {
                let index = form.focus - 2;
                if key.modifiers.contains(KeyModifiers::CONTROL) && key.code != KeyCode::Char('u') {
                    return;
                }
                if let Some(input) = form.fields.get_mut(index)
                    && input.key(key)
                {
                    let name = FIELDS[index].0;
                    form.errors.retain(|(f, _)| f != name);
                    form.warnings.retain(|(f, _)| f != name);
                    form.confirming = false;
                }
            }
            _ => {}
        }
    }

    /// Pasted text goes into the field with the caret.
    pub fn paste(&mut self, text: &str) {
        if let Some(decline) = &mut self.decline {
            decline.input.paste(text);
        } else if let Some(form) = &mut self.form
            && form.focus >= 2
            && let Some(input) = form.fields.get_mut(form.focus - 2)
        {
            input.paste(text);
        }
    }

    /// Answers from the platform.
    pub fn on_msg(
        &mut self,
        msg: Msg,
        now: OffsetDateTime,
        lang: Lang,
        describe: &dyn Fn(&ClientError) -> String,
    ) {
        match msg {
            Msg::InvoicingQueue(result) => {
                self.loading = false;
                match result {
                    Ok(queue) => {
                        let selected = self
                            .items
                            .get(self.selected)
                            .map(|i| i.order.order_no.clone());
                        self.items = queue.items;
                        self.loaded = true;
                        self.error = None;
                        self.selected = selected
                            .and_then(|no| self.items.iter().position(|i| i.order.order_no == no))
                            .unwrap_or(self.selected)
                            .min(self.items.len().saturating_sub(1));
                    }
                    Err(e) => self.error = Some(describe(&e)),
                }
                if std::mem::take(&mut self.again) {
                    self.refresh(now);
                }
            }
            Msg::InvoiceIssued { order_no, result } => {
                let Some(form) = self.form.as_mut().filter(|f| f.order_no == order_no) else {
                    return;
                };
                form.sending = false;
                form.confirming = false;
                match result {
                    Ok(order) => {
                        let number = order
                            .invoice
                            .as_ref()
                            .map(|i| i.invoice_no.clone())
                            .or(order.invoice_no.clone())
                            .unwrap_or_default();
                        let invoice = order.invoice.as_ref();
                        let email = invoice.map(|i| i.email.clone()).unwrap_or_default();
                        self.form = None;
                        self.notice = Some(match invoice.and_then(|i| i.mail_status.as_deref()) {
                            Some("failed") => Notice::Error(
                                T::InvoiceMailFailed.fill(
                                    lang,
                                    &[
                                        &order_no,
                                        &number,
                                        invoice
                                            .and_then(|i| i.mail_detail.as_deref())
                                            .unwrap_or_default(),
                                    ],
                                ),
                            ),
                            Some("kept") => Notice::Info(
                                T::InvoiceKeptNotice.fill(lang, &[&order_no, &number, &email]),
                            ),
                            _ => Notice::Info(
                                T::InvoiceIssuedNotice.fill(lang, &[&order_no, &number, &email]),
                            ),
                        });
                    }
                    Err(ClientError::Problem(problem)) if !problem.errors.is_empty() => {
                        form.errors = problem
                            .errors
                            .iter()
                            .map(|e| (e.field.clone(), e.message.clone()))
                            .collect();
                        if let Some(row) = form.errors.iter().find_map(|(f, _)| row_of(f)) {
                            form.focus = row;
                        }
                    }
                    Err(e) => self.notice = Some(Notice::Error(describe(&e))),
                }
            }
            Msg::InvoiceDeclined { order_no, result } => {
                let Some(decline) = self.decline.as_mut().filter(|d| d.order_no == order_no) else {
                    return;
                };
                decline.sending = false;
                match result {
                    Ok(_) => {
                        self.decline = None;
                        if self.form.as_ref().is_some_and(|f| f.order_no == order_no) {
                            self.form = None;
                        }
                        self.notice = Some(Notice::Info(
                            T::InvoiceDeclinedNotice.fill(lang, &[&order_no]),
                        ));
                    }
                    Err(e) => decline.error = Some(describe(&e)),
                }
            }
            _ => {}
        }
    }

    /// The amount of the open form, as money.
    pub fn amount(form: &InvoiceForm) -> String {
        Money::from_fen(form.amount_fen)
            .unwrap_or_default()
            .to_string()
    }
}
