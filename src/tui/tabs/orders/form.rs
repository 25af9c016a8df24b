//! The popup that asks for what an order action needs (a reason, a file, a carrier and
//! number…), a note, or a tracking event; errors come back next to their fields.

use crossterm::event::{KeyCode, KeyEvent};

use super::messages::Request;
use crate::api::{
    ActionRequest, AttachmentKind, Carrier, ClientError, MailingAddress, NewTrackingStep, Order,
    OrderUpdate, Organization,
};
use crate::domain::{Action, ActionNeeds, OrderPart, TrackingState};
use crate::i18n::{Arg, Lang, T};
use crate::tui::component::Env;
use crate::tui::files::{ActFailure, Upload, problem_text};
use crate::tui::text::{Text, describe};
use crate::tui::widgets::input::Input;
use crate::tui::widgets::path::{complete, expand_home};

/// What a form submits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    /// An order action.
    Act(Action),
    /// A note.
    Note,
    /// A tracking event typed by staff.
    TrackingStep,
    /// A correction of the order's mailing address (and a returned organisation's details).
    Edit,
}

/// One field of a form.
#[derive(Debug, Clone)]
pub struct Field {
    /// The API field it fills (errors come back under this name).
    pub key: &'static str,
    /// Its label.
    pub label: T,
    /// What is typed.
    pub input: Input,
    /// Must not be blank.
    pub required: bool,
    /// The message under the field.
    pub error: Option<Text>,
    /// A hint under the field (completion choices, the names it takes).
    pub hint: Option<Text>,
    /// What the order said when the form was filled from it (a correction form): a field
    /// still holding it was not changed by the operator.
    pub initial: String,
}

/// A popup that asks for what an action needs.
#[derive(Debug, Clone)]
pub struct Form {
    /// The order.
    pub order_no: String,
    /// The version the operator saw.
    pub version: i64,
    /// What it does.
    pub kind: FormKind,
    /// Its fields (none: a confirmation).
    pub fields: Vec<Field>,
    /// The focused field.
    pub focus: usize,
    /// Sent, waiting for the answer.
    pub submitting: bool,
    /// Filled in for an action that cannot be undone, waiting for a second `Enter`.
    pub confirming: bool,
    /// A message about no one field.
    pub error: Option<Text>,
}

impl Form {
    /// A file's path kept from before (the form brought back) is marked, so a new path
    /// typed or pasted replaces it rather than being glued to it; words typed (a reason,
    /// a note) are kept to go on typing.
    pub fn mark_kept_path(&mut self) {
        if let Some(field) = self.fields.iter_mut().find(|f| f.key == "file") {
            field.input.select_all();
        }
    }

    /// True when anything was typed into it: a field differs from what it started with
    /// (blank, or what the order says on a correction form).
    pub fn has_typing(&self) -> bool {
        self.fields
            .iter()
            .any(|f| f.input.text().trim() != f.initial.trim())
    }

    /// The form for `kind` on order `order_no` at `version`; `carriers`, the platform's, are
    /// offered by name for a shipment.
    pub fn new(
        kind: FormKind,
        order_no: &str,
        version: i64,
        lang: Lang,
        carriers: &[Carrier],
    ) -> Form {
        let field = |key: &'static str, label: T, required: bool| Field {
            key,
            label,
            input: Input::new(""),
            required,
            error: None,
            hint: None,
            initial: String::new(),
        };
        let fields = match kind {
            // Made from the order by `Form::edit`; as a blank form only the reason.
            FormKind::Edit => vec![field("reason", T::FieldOptionalNote, false)],
            FormKind::Note => vec![field("text", T::FieldNote, true)],
            FormKind::TrackingStep => {
                let mut state = field("state", T::FieldTrackingState, true);
                let names: Vec<&str> = TrackingState::ALL
                    .iter()
                    .filter(|s| **s != TrackingState::Unknown)
                    .map(|s| s.label().get(lang))
                    .collect();
                // Each choice apart (run together with spaces, the English ones read as
                // one sentence).
                state.hint = Some(Text::plain(names.join(match lang {
                    crate::i18n::Lang::ZhCn => "、",
                    crate::i18n::Lang::En => " / ",
                })));
                vec![state, field("context", T::FieldTrackingContext, true)]
            }
            FormKind::Act(action) => match action.needs() {
                ActionNeeds::Nothing => vec![],
                ActionNeeds::Reason => {
                    let mut reason = field("reason", T::FieldReason, true);
                    // What follows, where it is not only the order's status moving.
                    reason.hint = match action {
                        Action::ReverseInvoice => Some(T::HintReverseInvoice.into()),
                        Action::ReturnParcel => Some(T::HintReturnParcel.into()),
                        _ => None,
                    };
                    vec![reason]
                }
                ActionNeeds::OptionalNote => vec![field("reason", T::FieldOptionalNote, false)],
                ActionNeeds::Reasons => vec![field("reasons", T::FieldReasons, true)],
                ActionNeeds::Voucher => vec![field("file", T::FieldFilePath, true)],
                // None when the order's details were corrected since the return: the
                // platform says when a file is needed.
                ActionNeeds::Attachments => vec![field("file", T::FieldFilePath, false)],
                ActionNeeds::Shipment => {
                    let mut carrier = field("carrier", T::FieldCarrier, true);
                    let names: Vec<String> =
                        carriers.iter().map(|c| carrier_label(c, lang)).collect();
                    carrier.hint = (!names.is_empty()).then(|| Text::plain(names.join("  ")));
                    vec![carrier, field("tracking_no", T::FieldTrackingNo, true)]
                }
                ActionNeeds::Invoice => vec![field("invoice_no", T::FieldInvoiceNo, true)],
            },
        };
        Form {
            order_no: order_no.to_owned(),
            version,
            kind,
            fields,
            focus: 0,
            submitting: false,
            confirming: false,
            error: None,
        }
    }

    /// The correction form of `order` (shown in full: its address is the starting point),
    /// with a field for each part the platform lets this operator change now, filled with
    /// what the order says, and a reason for the audit trail.
    pub fn edit(order: &Order) -> Form {
        let field = |key: &'static str, label: T, value: &str, required: bool| Field {
            key,
            label,
            input: Input::new(value),
            required,
            error: None,
            hint: None,
            initial: value.to_owned(),
        };
        let mut fields = Vec::new();
        if order.editable.contains(&OrderPart::Organization)
            && let Some(o) = &order.organization
        {
            fields.extend([
                field("organization.name", T::FormOrgName, &o.name, true),
                field("organization.uscc", T::FormUscc, &o.uscc, true),
                field(
                    "organization.legal_representative",
                    T::FormLegalRep,
                    &o.legal_representative,
                    true,
                ),
            ]);
        }
        if order.editable.contains(&OrderPart::Mailing) {
            let m = &order.mailing;
            fields.extend([
                field("mailing.recipient", T::FormRecipient, &m.recipient, true),
                field("mailing.phone", T::FormRecipientPhone, &m.phone, true),
                field("mailing.province", T::FormProvince, &m.province, true),
                field("mailing.city", T::FormCity, &m.city, true),
                field("mailing.district", T::FormDistrict, &m.district, true),
                field("mailing.street", T::FormStreet, &m.street, true),
                field("mailing.postal_code", T::FormPostalCode, &m.postal_code, true),
            ]);
        }
        fields.push(field("reason", T::FieldEditReason, "", false));
        Form {
            order_no: order.order_no.to_string(),
            version: order.version,
            kind: FormKind::Edit,
            fields,
            focus: 0,
            submitting: false,
            confirming: false,
            error: None,
        }
    }

    /// Puts back what the order said in every field (a correction form), dropping what
    /// was typed.
    pub fn reset(&mut self) {
        for field in &mut self.fields {
            field.input.set_text(&field.initial);
            field.error = None;
        }
        self.error = None;
        self.focus = 0;
    }

    /// The correction form against `order` as it is now, after someone else changed it:
    /// the fields the operator left alone take the order's new values, those they changed
    /// keep what was typed (marked when the order changed them too), and the form is at
    /// the order's new version. Returns the fields the order changed.
    fn rebase(&mut self, order: &Order) -> Vec<&'static str> {
        let mut changed = Vec::new();
        for field in &mut self.fields {
            let Some(now) = order_value(order, field.key) else {
                continue;
            };
            let typed = field.input.text();
            let untouched = typed.trim() == field.initial.trim();
            if now != field.initial {
                changed.push(field.key);
                if untouched {
                    field.input.set_text(&now);
                } else if typed.trim() != now {
                    field.error = Some(Text::with(T::EditChangedToo, [now.clone()]));
                }
            }
            field.initial = now;
        }
        self.version = order.version;
        self.submitting = false;
        changed
    }

    /// [`Form::rebase`], said on the form: which fields the order changed.
    pub fn rebase_and_say(&mut self, order: &Order, lang: Lang) {
        let changed: Vec<&str> = self
            .rebase(order)
            .into_iter()
            .map(|f| crate::tui::format::order_field(f).map_or(f, |t| t.get(lang)))
            .collect();
        // Moved on (mailed, say) to where a part of this form can no longer change: said
        // so, rather than "changed by someone else" with nothing named.
        let shut = [
            (OrderPart::Mailing, self.has("mailing.")),
            (OrderPart::Organization, self.has("organization.")),
        ]
        .into_iter()
        .find(|(part, asked)| *asked && !order.editable.contains(part));
        self.error = Some(match shut {
            Some((part, _)) => Text::with(
                T::ProblemNotEditable,
                [
                    Arg::Plain(order.order_no.to_string()),
                    Arg::Text(order.status.text()),
                    Arg::Text(part.text()),
                ],
            ),
            None if changed.is_empty() => {
                Text::with(T::EditStatusMoved, [Arg::Text(order.status.text())])
            }
            None => Text::with(T::EditRebased, [changed.join(T::ListJoin.get(lang))]),
        });
    }

    /// The correction the form asks for: the parts it has fields for.
    fn update(&self) -> OrderUpdate {
        let text = |key: &str| self.value(key).unwrap_or_default();
        OrderUpdate {
            version: Some(self.version),
            applicant: None,
            mailing: self.has("mailing.").then(|| MailingAddress {
                recipient: text("mailing.recipient"),
                phone: text("mailing.phone"),
                province: text("mailing.province"),
                city: text("mailing.city"),
                district: text("mailing.district"),
                street: text("mailing.street"),
                postal_code: text("mailing.postal_code"),
            }),
            organization: self.has("organization.").then(|| Organization {
                name: text("organization.name"),
                uscc: text("organization.uscc"),
                legal_representative: text("organization.legal_representative"),
            }),
            reason: self.value("reason"),
        }
    }

    /// The form's title.
    pub fn title(&self, lang: Lang, dot: &str) -> String {
        let what = match self.kind {
            FormKind::Act(action) => action.label(lang),
            FormKind::Note => T::CmdNote.get(lang),
            FormKind::TrackingStep => T::CmdTrackingStep.get(lang),
            FormKind::Edit => T::CmdEditOrder.get(lang),
        };
        format!("{what}{dot}{}", self.order_no)
    }

    /// Whether the form has fields under `prefix` (`mailing.`): the parts it corrects.
    fn has(&self, prefix: &str) -> bool {
        self.fields.iter().any(|f| f.key.starts_with(prefix))
    }

    /// Whether the form sends a file with its action (its path typed).
    pub(super) fn sends_a_file(&self) -> bool {
        self.value("file").is_some()
    }

    fn value(&self, key: &str) -> Option<String> {
        self.fields
            .iter()
            .find(|f| f.key == key)
            .map(|f| f.input.text().trim().to_owned())
            .filter(|v| !v.is_empty())
    }
}

/// What `order` says in the correction form's field `key` (`mailing.street`).
fn order_value(order: &Order, key: &str) -> Option<String> {
    let m = &order.mailing;
    let o = order.organization.as_ref();
    Some(match key {
        "mailing.recipient" => m.recipient.clone(),
        "mailing.phone" => m.phone.clone(),
        "mailing.province" => m.province.clone(),
        "mailing.city" => m.city.clone(),
        "mailing.district" => m.district.clone(),
        "mailing.street" => m.street.clone(),
        "mailing.postal_code" => m.postal_code.clone(),
        "organization.name" => o?.name.clone(),
        "organization.uscc" => o?.uscc.clone(),
        "organization.legal_representative" => o?.legal_representative.clone(),
        _ => return None,
    })
}

/// A carrier as the form offers it: its name in `lang`.
fn carrier_label(carrier: &Carrier, lang: Lang) -> String {
    match lang {
        Lang::En if !carrier.name_en.is_empty() => carrier.name_en.clone(),
        _ => carrier.name.clone(),
    }
}

/// The carrier a clerk typed, as its code: its code, or its name in either language, or the
/// start of one name only (顺丰 for 顺丰速运); anything else as typed, for the platform to
/// refuse next to the field.
fn carrier_code(carriers: &[Carrier], typed: String) -> String {
    let names = |c: &Carrier| [c.code.to_lowercase(), c.name.clone(), c.name_en.to_lowercase()];
    let wanted = typed.to_lowercase();
    let exact = carriers.iter().find(|c| names(c).contains(&wanted));
    let starting: Vec<&Carrier> = carriers
        .iter()
        .filter(|c| names(c).iter().any(|n| !n.is_empty() && n.starts_with(&wanted)))
        .collect();
    match (exact, starting.as_slice()) {
        (Some(carrier), _) | (None, &[carrier]) => carrier.code.clone(),
        _ => typed,
    }
}

/// What a key did to the form.
pub enum Outcome {
    /// Still open.
    Open(Box<Form>),
    /// Closed (Esc), with what was typed in it.
    Closed(Box<Form>),
    /// Sent.
    Sent(Box<Form>, Box<Request>),
}

/// A key in the form.
pub fn key(mut form: Form, key: KeyEvent, env: &Env) -> Outcome {
    if form.submitting {
        // Waiting for the platform; Esc gives up waiting (the answer still arrives).
        return if key.code == KeyCode::Esc {
            Outcome::Closed(Box::new(form))
        } else {
            Outcome::Open(Box::new(form))
        };
    }
    let ctrl = key
        .modifiers
        .contains(crossterm::event::KeyModifiers::CONTROL);
    // An action that cannot be undone, asked once more ([`crate::tui::keys::confirm`]).
    if form.confirming {
        use crate::tui::keys::Confirm;
        match crate::tui::keys::confirm(key) {
            Confirm::Send => return submit(form, env),
            Confirm::Stay => return Outcome::Open(Box::new(form)),
            Confirm::Back => {
                form.confirming = false;
                return Outcome::Open(Box::new(form));
            }
            Confirm::Typing => form.confirming = false,
        }
    }
    let last = form.fields.len().saturating_sub(1);
    let on_file = form.fields.get(form.focus).is_some_and(|f| f.key == "file");
    match key.code {
        KeyCode::Esc => return Outcome::Closed(Box::new(form)),
        KeyCode::Char('r') if ctrl && form.kind == FormKind::Edit => form.reset(),
        KeyCode::Tab if on_file => {
            if let Some(field) = form.fields.get_mut(form.focus) {
                let done = complete(&field.input.text());
                field.input.set_text(&done.text);
                field.hint = (!done.choices.is_empty())
                    .then(|| Text::with(T::PathChoices, [done.choices.join("  ")]));
                field.error = None;
            }
        }
        KeyCode::Tab | KeyCode::Down => {
            let to = (form.focus + 1).min(last);
            form.focus = left(&mut form, to);
        }
        KeyCode::BackTab | KeyCode::Up => {
            let to = form.focus.saturating_sub(1);
            form.focus = left(&mut form, to);
        }
        KeyCode::Enter if form.focus < last => {
            let to = form.focus + 1;
            form.focus = left(&mut form, to);
        }
        KeyCode::Enter => return submit(form, env),
        KeyCode::Char('y') if form.fields.is_empty() => return submit(form, env),
        _ => {
            if let Some(field) = form.fields.get_mut(form.focus) {
                field.input.key(key);
                field.error = None;
            }
        }
    }
    Outcome::Open(Box::new(form))
}

/// The focused field is left for `to`: a correction's field changed there is checked by
/// its rule at once (a postal code of four digits is said by the field, not after the
/// whole address was typed and `Enter` pressed); another form's required field passed over
/// blank going on says it is required. Returns `to`.
fn left(form: &mut Form, to: usize) -> usize {
    let edit = form.kind == FormKind::Edit;
    let region = |key: &str| {
        form.fields
            .iter()
            .find(|f| f.key == key)
            .map(|f| f.input.text())
            .unwrap_or_default()
    };
    let (province, city, district) = (
        region("mailing.province"),
        region("mailing.city"),
        region("mailing.district"),
    );
    if to != form.focus
        && let Some(field) = form.fields.get_mut(form.focus)
    {
        if edit && field.input.text().trim() != field.initial.trim() {
            field.error = own_check(field.key, &field.input.text());
            // A whole address pasted into the street keeps only the street, as in the
            // new application's form (the paper printed the region twice).
            if field.error.is_none() && field.key == "mailing.street" {
                let typed = field.input.text();
                let alone = crate::domain::street_alone(&typed, &province, &city, &district)
                    .unwrap_or_else(|| typed.clone());
                // And as it prints (full-width digits in ASCII), as in the new application.
                let kept = crate::domain::street(&alone).unwrap_or(alone);
                if kept != typed {
                    field.input.set_text(&kept);
                }
            }
        } else if !edit && to > form.focus && field.required && field.input.is_blank() {
            // Passed over going on, a field that must be filled says so there (the
            // tracking event's state went by with Enter and "必填" came only on sending).
            field.error = Some(T::ErrRequired.into());
        }
    }
    to
}

/// Pasted text into the focused field.
pub fn paste(form: &mut Form, text: &str) {
    if let Some(field) = form.fields.get_mut(form.focus) {
        field.input.paste(text);
        field.error = None;
    }
}

/// The tracking state a clerk typed: its name in either language, or its code.
fn typed_state(typed: &str) -> Option<TrackingState> {
    let typed = typed.trim();
    TrackingState::ALL.into_iter().find(|s| {
        *s != TrackingState::Unknown
            && (s.as_str() == typed
                || Lang::ALL
                    .iter()
                    .any(|lang| s.label().get(*lang).eq_ignore_ascii_case(typed)))
    })
}

fn submit(mut form: Form, env: &Env) -> Outcome {
    let mut complete = true;
    // A correction is checked whole by the platform, every problem named at once (blank
    // ones among them), rather than the blanks here first and the rest on a second try.
    let check_blanks = form.kind != FormKind::Edit;
    for field in &mut form.fields {
        field.error = None;
        if check_blanks && field.required && field.input.is_blank() {
            field.error = Some(T::ErrRequired.into());
            complete = false;
        }
    }
    // A state not among the choices is named here, with the choices in the clerk's words
    // (the platform would list its codes).
    if form.kind == FormKind::TrackingStep
        && let Some(field) = form.fields.iter_mut().find(|f| f.key == "state")
        && field.error.is_none()
        && typed_state(&field.input.text()).is_none()
    {
        let names: Vec<&str> = TrackingState::ALL
            .iter()
            .filter(|s| **s != TrackingState::Unknown)
            .map(|s| s.label().get(env.lang))
            .collect();
        field.error = Some(Text::with(
            T::ErrOneOf,
            [names.join(T::ListJoin.get(env.lang))],
        ));
        complete = false;
    }
    if !complete {
        form.focus = form
            .fields
            .iter()
            .position(|f| f.error.is_some())
            .unwrap_or(0);
        return Outcome::Open(Box::new(form));
    }
    if let FormKind::Act(action) = form.kind
        && action.is_irreversible()
        && !std::mem::replace(&mut form.confirming, true)
    {
        return Outcome::Open(Box::new(form));
    }
    form.confirming = false;
    let order_no = form.order_no.clone();
    let request = match form.kind {
        FormKind::Edit => Request::Update {
            order_no,
            update: form.update(),
        },
        FormKind::Note => Request::Note {
            order_no,
            text: form.value("text").unwrap_or_default(),
        },
        FormKind::TrackingStep => {
            // The state as a clerk types it: its name in either language, or its code.
            let typed = form.value("state").unwrap_or_default();
            let state = typed_state(&typed).map_or(typed, |s| s.as_str().to_owned());
            Request::TrackingStep {
                order_no,
                step: NewTrackingStep {
                    state,
                    context: form.value("context").unwrap_or_default(),
                    at: None,
                },
            }
        }
        FormKind::Act(action) => {
            let reasons = form
                .value("reasons")
                .map(|all| {
                    all.split(['；', ';', '，', ','])
                        .map(str::trim)
                        .filter(|r| !r.is_empty())
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            let upload = form.value("file").map(|path| Upload {
                kind: if action == Action::UploadVoucher {
                    AttachmentKind::Voucher
                } else {
                    AttachmentKind::Correction
                },
                path: expand_home(&path),
                limit: env.shared.upload_limit(),
            });
            Request::Act {
                order_no,
                action,
                body: ActionRequest {
                    version: Some(form.version),
                    reason: form.value("reason"),
                    reasons,
                    carrier: form
                        .value("carrier")
                        .map(|typed| carrier_code(&env.shared.carriers, typed)),
                    tracking_no: form.value("tracking_no"),
                    invoice_no: form.value("invoice_no"),
                    ..Default::default()
                },
                upload,
            }
        }
    };
    form.submitting = true;
    form.error = None;
    Outcome::Sent(Box::new(form), Box::new(request))
}

/// The platform refused: its messages go next to their fields (or under the form).
pub fn refused(form: &mut Form, failure: &ActFailure, lang: Lang) {
    form.submitting = false;
    match failure {
        ActFailure::File(path, problem) => {
            let message = problem_text(problem, path);
            match form.fields.iter_mut().find(|f| f.key == "file") {
                Some(field) => field.error = Some(message),
                None => form.error = Some(message),
            }
        }
        ActFailure::Api(e) => refused_by_platform(form, e, lang),
    }
}

/// The rule of a correction's field, as the platform checks it
/// ([`crate::domain::check_order_field`]): the message in the counter's own words when
/// `value` breaks it (for a field whose platform message is stale after a language
/// switch), `None` when it passes or has no rule.
pub fn own_check(key: &str, value: &str) -> Option<Text> {
    crate::domain::check_order_field(key, value)
        .err()
        .map(Text::from)
}

/// The platform refused with `error`.
pub fn refused_by_platform(form: &mut Form, error: &ClientError, lang: Lang) {
    form.submitting = false;
    let mut placed = false;
    if let Some(problem) = error.problem() {
        for e in &problem.errors {
            // A field named whole (`mailing.street`), else by its first part (`reasons[2]`).
            let key = if form.fields.iter().any(|f| f.key == e.field) {
                e.field.as_str()
            } else {
                e.field.split(['[', '.']).next().unwrap_or_default()
            };
            let key = if key == "attachment_ids" { "file" } else { key };
            if let Some(field) = form.fields.iter_mut().find(|f| f.key == key) {
                field.error = Some(Text::platform(e.message.clone(), lang));
                placed = true;
            }
        }
    }
    if placed {
        // To the first field refused, as when a required one is left blank.
        if let Some(at) = form.fields.iter().position(|f| f.error.is_some()) {
            form.focus = at;
        }
    } else {
        form.error = Some(describe(error, lang));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_correction_field_is_checked_again_in_the_counters_own_words() {
        let said = |key: &str, value: &str| own_check(key, value).map(|t| t.get(Lang::En));
        assert!(said("organization.uscc", "12345").is_some_and(|m| m.contains("18")));
        assert!(said("mailing.phone", "85172903").is_some_and(|m| m.contains("area code")));
        assert!(said("mailing.recipient", "0731-8517").is_some());
        assert_eq!(said("mailing.postal_code", "410083"), None);
        assert_eq!(said("mailing.phone", "0731-85172903"), None);
        assert_eq!(said("reason", "anything"), None);
    }
    use crate::domain::TrackingFormat;

    fn carriers() -> Vec<Carrier> {
        [
            ("ems", "EMS", "EMS"),
            ("youzhengguonei", "中国邮政", "China Post"),
            ("shunfeng", "顺丰速运", "SF Express"),
            ("zhongtong", "中通快递", "ZTO Express"),
        ]
        .into_iter()
        .map(|(code, name, name_en)| Carrier {
            code: code.into(),
            name: name.into(),
            name_en: name_en.into(),
            format: TrackingFormat::Any,
        })
        .collect()
    }

    #[test]
    fn a_carrier_is_taken_by_its_name_in_either_language_or_its_code() {
        let carriers = carriers();
        for (typed, code) in [
            ("顺丰速运", "shunfeng"),
            ("顺丰", "shunfeng"),
            ("SF Express", "shunfeng"),
            ("sf", "shunfeng"),
            ("shunfeng", "shunfeng"),
            ("EMS", "ems"),
            ("ems", "ems"),
            ("中国邮政", "youzhengguonei"),
            ("China", "youzhengguonei"),
            ("中通", "zhongtong"),
        ] {
            assert_eq!(carrier_code(&carriers, typed.into()), code, "{typed}");
        }
        // Unknown, or the start of two names: as typed, for the platform to refuse.
        assert_eq!(carrier_code(&carriers, "圆通".into()), "圆通");
        assert_eq!(carrier_code(&carriers, "中".into()), "中");
    }

    #[test]
    fn the_shipping_form_offers_the_carriers_by_name() {
        let form = Form::new(
            FormKind::Act(Action::Ship),
            "HN20261201000002",
            3,
            Lang::ZhCn,
            &carriers(),
        );
        let hint = form.fields[0].hint.as_ref().map(|h| h.get(Lang::ZhCn));
        assert_eq!(
            hint.as_deref(),
            Some("EMS  中国邮政  顺丰速运  中通快递")
        );
        let form = Form::new(FormKind::Act(Action::Ship), "HN1", 3, Lang::En, &carriers());
        let hint = form.fields[0].hint.as_ref().map(|h| h.get(Lang::En));
        assert_eq!(
            hint.as_deref(),
            Some("EMS  China Post  SF Express  ZTO Express")
        );
    }
}
