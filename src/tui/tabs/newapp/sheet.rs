//! A draft as the screen holds it: the saved part, the text fields typed into, messages
//! next to fields, and what is on its way to the platform.

use std::collections::BTreeMap;

use super::draft::{Draft, Step};
use super::fields;
use crate::api::ClientError;
use crate::domain::{OrderStatus, UserType};
use crate::i18n::{Lang, T};
use crate::tui::text::{Notice, Text};
use crate::tui::widgets::input::Input;

/// What a draft waits for from the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiting {
    /// An answer that moves the draft on (a lookup, a code, a check, the submission, a
    /// payment): the step's keys wait for it.
    Step,
    /// A document being printed: only another print waits for it.
    Print,
}

/// A draft with what the screen needs besides what is saved.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    /// The saved part.
    pub draft: Draft,
    /// Text fields by key (form fields, `phone`, `new_name`, `project_query`, `scan_path`,
    /// `voucher_path`).
    pub inputs: BTreeMap<String, Input>,
    /// Messages next to fields, by key.
    pub errors: BTreeMap<String, Text>,
    /// What is on its way.
    pub waiting: Vec<Waiting>,
    /// The step's message.
    pub notice: Option<Notice>,
    /// The message only says that fields need correcting (each says why beside it): it
    /// goes when the last of them is corrected.
    pub notice_of_fields: bool,
    /// Path completion choices under the path field.
    pub choices: Option<String>,
    /// The customer was looked up and is new: ask for the name.
    pub asking_name: bool,
    /// Editing the registered name (real-name step).
    pub renaming: bool,
    /// Typing the path of a transfer voucher.
    pub voucher_open: bool,
    /// The application form asked to print: under which reference, saying what
    /// ([`super::draft::Draft::paper_says`]); the draft counts as printed once it is.
    pub form_printing: Option<(String, String)>,
    /// `p` pressed on a transfer: the payment code is opened when the platform answers
    /// (the order's own event may come first and say only that it awaits payment).
    pub online_asked: bool,
}

impl Sheet {
    /// A sheet for a saved draft.
    pub fn new(mut draft: Draft) -> Sheet {
        if draft.order_status == Some(OrderStatus::PendingVoucher) {
            draft.by_transfer = true;
        }
        let mut sheet = Sheet {
            draft,
            ..Sheet::default()
        };
        sheet.rebuild_inputs();
        sheet.asking_name = sheet.draft.customer.is_none() && !sheet.draft.new_name.is_empty();
        sheet
    }

    /// The platform refused the terms the customer accepted (they changed since): back to
    /// the terms, to be read and accepted again; the other fields it named keep their
    /// messages beside them, and the form its typing. True when it was so.
    pub fn terms_changed(&mut self, error: &ClientError, lang: Lang) -> bool {
        let Some(problem) = error
            .problem()
            .filter(|p| p.errors.iter().any(|f| f.field == "terms_version"))
        else {
            return false;
        };
        let specs = self.specs();
        for f in &problem.errors {
            if specs.iter().any(|s| s.key == f.field) {
                self.errors
                    .insert(f.field.clone(), Text::platform(f.message.clone(), lang));
            }
        }
        self.draft.terms_accepted = None;
        self.draft.step = Step::Terms;
        self.notice = Some(Notice::warning(T::NewTermsChanged));
        true
    }

    /// The platform refused the form naming its fields: each message goes beside its
    /// field, and the step's message only counts them. `None` when the refusal names
    /// something that is not on the form (said in full by the caller).
    pub fn refused_fields(&mut self, error: &ClientError, lang: Lang) -> Option<Notice> {
        let problem = error.problem()?;
        let specs = self.specs();
        if problem.errors.is_empty()
            || !problem
                .errors
                .iter()
                .all(|f| specs.iter().any(|s| s.key == f.field))
        {
            return None;
        }
        for f in &problem.errors {
            self.errors
                .insert(f.field.clone(), Text::platform(f.message.clone(), lang));
        }
        if let Some(first) = specs
            .iter()
            .find(|s| problem.errors.iter().any(|f| f.field == s.key))
        {
            self.draft.focus = first.key.to_owned();
        }
        self.notice_of_fields = true;
        Some(Notice::error(Text::with(
            T::NewFieldsToCorrect,
            [problem.errors.len().to_string()],
        )))
    }

    /// A field's message went: when none is left, neither is the message counting them.
    /// After a language switch: a field's message the platform worded in the other
    /// language is worded again by the counter's own check of the field when that finds
    /// the same field wrong, and goes otherwise (as the message line's does).
    pub fn reword(&mut self, lang: Lang) {
        let specs = self.specs();
        let stale: Vec<String> = self
            .errors
            .iter()
            .filter(|(_, text)| text.stale_in(lang))
            .map(|(key, _)| key.clone())
            .collect();
        for key in stale {
            let own = specs
                .iter()
                .find(|s| s.key == key)
                .and_then(|s| fields::check(s.kind, &self.text(s.key)));
            match own {
                Some(error) => {
                    self.errors.insert(key, error);
                }
                None => {
                    self.errors.remove(&key);
                }
            }
        }
    }

    pub fn field_corrected(&mut self, key: &str) {
        if self.errors.remove(key).is_none() || !self.notice_of_fields {
            return;
        }
        if self.errors.is_empty() {
            self.notice = None;
            self.notice_of_fields = false;
        } else {
            // The count follows the fields still to correct.
            self.notice = Some(Notice::error(Text::with(
                T::NewFieldsToCorrect,
                [self.errors.len().to_string()],
            )));
        }
    }

    /// The request that takes `action` on this draft's order at the version it knows.
    pub fn act(
        &self,
        order_no: String,
        action: crate::domain::Action,
        upload: Option<crate::tui::files::Upload>,
    ) -> super::messages::Request {
        super::messages::Request::Act {
            draft: self.draft.id.clone(),
            order_no,
            action,
            body: crate::api::ActionRequest {
                version: Some(self.draft.order_version),
                ..Default::default()
            },
            upload,
        }
    }

    /// True while a step's answer is awaited.
    pub fn busy(&self) -> bool {
        self.waiting.contains(&Waiting::Step)
    }

    /// True while a print is on its way.
    pub fn printing(&self) -> bool {
        self.waiting.contains(&Waiting::Print)
    }

    /// Starts waiting for `what` (a step's earlier message no longer applies).
    pub fn wait(&mut self, what: Waiting) {
        if what == Waiting::Step {
            self.notice = None;
        }
        self.waiting.push(what);
    }

    /// An answer for `what` arrived.
    pub fn done(&mut self, what: Waiting) {
        if let Some(i) = self.waiting.iter().position(|w| *w == what) {
            self.waiting.remove(i);
        }
    }

    /// Text inputs from the saved draft.
    pub fn rebuild_inputs(&mut self) {
        let d = &self.draft;
        let mut inputs = BTreeMap::new();
        inputs.insert("phone".to_owned(), Input::new(&d.phone));
        inputs.insert("new_name".to_owned(), Input::new(&d.new_name));
        inputs.insert("project_query".to_owned(), Input::new(&d.project_query));
        inputs.insert("scan_path".to_owned(), Input::new(&d.scan_path));
        inputs.insert("voucher_path".to_owned(), Input::new(&d.voucher_path));
        for (key, value) in &d.fields {
            inputs.insert(key.clone(), Input::new(value));
        }
        self.inputs = inputs;
    }

    /// The text of an input.
    pub fn text(&self, key: &str) -> String {
        self.inputs.get(key).map(Input::text).unwrap_or_default()
    }

    /// Replaces the text of an input.
    pub fn set_text(&mut self, key: &str, text: &str) {
        self.inputs.entry(key.to_owned()).or_default().set_text(text);
        self.sync();
    }

    /// Copies what is typed into the saved draft.
    pub fn sync(&mut self) {
        let text = |key: &str| self.inputs.get(key).map(Input::text).unwrap_or_default();
        let (phone, new_name, query, scan, voucher) = (
            text("phone"),
            text("new_name"),
            text("project_query"),
            text("scan_path"),
            text("voucher_path"),
        );
        let mut fields = BTreeMap::new();
        if let Some(user_type) = self.user_type() {
            for spec in fields::specs(user_type) {
                fields.insert(spec.key.to_owned(), text(spec.key));
            }
        }
        let d = &mut self.draft;
        d.phone = phone;
        d.new_name = new_name;
        d.project_query = query;
        d.scan_path = scan;
        d.voucher_path = voucher;
        if !fields.is_empty() {
            d.fields = fields;
        }
        d.follow_paper();
    }

    /// Individual or organisation, once a product is chosen.
    pub fn user_type(&self) -> Option<UserType> {
        self.draft.choice.as_ref().and_then(|c| c.user_type)
    }

    /// The form fields of this draft's user type.
    pub fn specs(&self) -> Vec<fields::Spec> {
        self.user_type().map(fields::specs).unwrap_or_default()
    }

    /// The input that has the caret, if the step has one.
    pub fn focused_key(&self) -> Option<String> {
        match self.draft.step {
            Step::Customer if self.asking_name => Some("new_name".into()),
            Step::Customer => Some("phone".into()),
            Step::Realname if self.renaming => Some("new_name".into()),
            Step::Project => Some("project_query".into()),
            Step::Form => Some(self.draft.focus.clone()),
            Step::Scan => Some("scan_path".into()),
            Step::Done if self.voucher_open && self.paying() == Some(Paying::Transfer) => {
                Some("voucher_path".into())
            }
            _ => None,
        }
    }

    /// The submitted order is now `status` at `version` (an event, an answer, a refetch).
    /// Older news is ignored. Returns true when the draft changed.
    pub fn order_moved(&mut self, status: OrderStatus, version: i64) -> bool {
        let draft = &mut self.draft;
        if version < draft.order_version
            || (version == draft.order_version && draft.order_status == Some(status))
        {
            return false;
        }
        draft.order_status = Some(status);
        draft.order_version = version;
        if status != OrderStatus::PendingPayment {
            // The code on screen can take no more money.
            draft.payment = None;
        }
        if status == OrderStatus::PendingVoucher {
            // Paid by transfer: what follows is a voucher, checked in review, not money
            // seen arriving.
            draft.by_transfer = true;
        } else {
            self.voucher_open = false;
        }
        if status == OrderStatus::PendingPayment {
            // Back to paying online (not transferred after all): what arrives is money.
            draft.by_transfer = false;
        }
        true
    }

    /// Where taking payment stands; `None` before submission.
    pub fn paying(&self) -> Option<Paying> {
        if self.draft.step != Step::Done {
            return None;
        }
        Some(match self.draft.order_status {
            Some(OrderStatus::PendingPayment) | None => {
                let live = self
                    .draft
                    .payment
                    .as_ref()
                    .is_some_and(|p| !expired(&p.expires_at));
                if live { Paying::Qr } else { Paying::Choose }
            }
            Some(OrderStatus::PendingVoucher) => Paying::Transfer,
            Some(_) => Paying::Settled,
        })
    }

    /// What the QR code on screen encodes, if one is shown: the real-name code, or the
    /// payment code.
    pub fn live_code(&self) -> Option<&str> {
        let draft = &self.draft;
        match draft.step {
            Step::Realname if draft.customer.as_ref().is_some_and(|c| !c.verified) => {
                let session = draft.realname.as_ref()?;
                (session.status == "pending" && !expired(&session.expires_at))
                    .then_some(session.url.as_str())
            }
            Step::Done if self.paying() == Some(Paying::Qr) => {
                draft.payment.as_ref().map(|p| p.url.as_str())
            }
            _ => None,
        }
    }
}

/// Where taking payment stands once the order is submitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paying {
    /// Unpaid: the clerk chooses how the customer pays.
    Choose,
    /// The Alipay code is on screen.
    Qr,
    /// Bank transfer: the account shown, the voucher awaited.
    Transfer,
    /// Paid, or moved on some other way: nothing to collect here.
    Settled,
}

/// True when an RFC 3339 time has passed.
pub fn expired(at: &str) -> bool {
    crate::tui::format::parse_time(at).is_some_and(|t| t <= time::OffsetDateTime::now_utc())
}
