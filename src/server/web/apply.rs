//! Applying from home (seed steps 2–7), one step a page: real name (on a phone, straight
//! to the verification; on a PC, a QR code for the phone), the project and the
//! certificate (which says individual or organisation), the terms, the form — checked by
//! the same rules as at the counter, each message beside its field —, the prefilled form
//! to print, the signed scan (camera or file, checked as at the counter, its QR code
//! against this application), and submitting, once. What is typed is kept on the platform
//! after every step: a customer who closes the browser comes back to where they were; a
//! second tab on the same application is told, not overwritten. Each step is a page at its
//! own address (`/apply?step=terms`), and a refused form is kept with the application and
//! shown at its step's address (post, redirect, get): the browser's Back goes to the step
//! before, and neither Back nor reload ever sends a form again.

use axum::extract::{Multipart, Query, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::{Deserialize, Serialize};

use super::page::{self, Ctx};
use super::session::{FormPost, SignedIn, forget_stash, restore, unavailable};
use crate::api::{Applicant, AttachmentKind, MailingAddress, NewOrder, Organization};
use crate::domain::{UserType, mask_id_number};
use crate::i18n::T;
use crate::server::AppState;
use crate::server::error::ApiError;
use crate::server::paper::{self, FormData};
use crate::server::pdf;
use crate::server::store::self_service::DraftRow;
use crate::server::store::self_service::ONLINE_OPERATOR_ID;
use crate::server::store::{CustomerRow, NewAttachment};

mod steps;

pub use steps::{
    Step, field_of, qr_data_uri, realname_code, realname_tries_spent, tries_spent_said,
};

/// What a customer has chosen and typed so far.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Draft {
    /// The reference printed on the form before an order exists (`SQ…`).
    pub reference: String,
    /// The chosen certificate.
    pub product_id: Option<String>,
    /// The terms were read and accepted — in force as [`Draft::read`] reads it: accepted
    /// in the version in force.
    pub terms_accepted: bool,
    /// The version of the terms accepted: the one the order records.
    pub terms_version: Option<String>,
    /// The form as typed.
    pub fields: Fields,
    /// The form passed its checks as it stands.
    pub form_done: bool,
    /// The step the customer is on.
    pub step: Step,
    /// References this application had before (the latest few): a scan of a form printed
    /// under one is this customer's own earlier printout, said so.
    pub superseded: Vec<String>,
    /// What the paper of each of those references said (the latest few): a change put
    /// back to what an earlier paper says brings that paper's reference back, so the
    /// paper already signed and stamped is this application's again.
    pub earlier: Vec<EarlierPaper>,
    /// A step's form the platform refused, as it was sent.
    pub refused: Option<Box<Refused>>,
    /// The form as last checked and found right: what a printed paper says.
    pub checked: Option<Box<Fields>>,
    /// The form began with what this earlier order (its number) said: said on the form's
    /// page, to be checked.
    pub filled_from: Option<String>,
    /// The fields as that order filled them: while nothing was typed over them, they
    /// follow the order (corrected after a return) until the form is sent.
    pub filled: Option<Box<Fields>>,
}

/// A step's form the platform refused, kept with the application so that the refusal is a
/// page at the step's own address (post, redirect, get): Back and reload there never send
/// a form again. Its messages are worked out again for the page, in the page's language.
/// (Other customer pages' refusals are kept as pages by `guard::after_post`; the
/// application keeps its own so that what was typed stays with the application and the
/// refusal sits at the step's address, which Back returns to once it is put right.)
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Refused {
    /// The step whose form was refused.
    pub step: Step,
    /// The form as typed (the form step's).
    pub fields: Fields,
    /// What was said where it cannot be worked out again (an upload: its file is not kept).
    pub said: Option<String>,
    /// The application's version once the refusal was kept: shown while nothing has
    /// changed since.
    pub at: i64,
}

/// How long an upload's refusal is said again at its step: long enough for a reload or
/// Back, not a day later, when a customer coming back would read of a photo they no longer
/// remember sending. (A refused form's fields are what was typed: kept for good.)
const UPLOAD_REFUSAL_SHOWN_MS: i64 = 30 * 60 * 1000;

impl Refused {
    /// Whether this refusal of an upload, kept with `row`, is too old to say again.
    fn stale(&self, row: &DraftRow) -> bool {
        self.said.is_some()
            && crate::server::store::now_ms().saturating_sub(row.updated_at)
                > UPLOAD_REFUSAL_SHOWN_MS
    }
}

/// A paper this application had before: its reference and what it said.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EarlierPaper {
    /// Its reference (`SQ…`).
    pub reference: String,
    /// The certificate it was for.
    pub product_id: Option<String>,
    /// The form it printed.
    pub fields: Fields,
    /// The price it showed, when known (fen).
    pub amount_fen: Option<i64>,
}

/// The form's fields as typed (names as in [`NewOrder`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Fields {
    /// Applicant's mobile number.
    pub phone: String,
    /// Applicant's e-mail.
    pub email: String,
    /// Organisation name.
    pub org_name: String,
    /// Credit code.
    pub org_uscc: String,
    /// Legal representative.
    pub org_legal: String,
    /// Mailing: recipient.
    pub recipient: String,
    /// Mailing: phone.
    pub recipient_phone: String,
    /// Mailing: province.
    pub province: String,
    /// Mailing: city.
    pub city: String,
    /// Mailing: district.
    pub district: String,
    /// Mailing: street.
    pub street: String,
    /// Mailing: postal code.
    pub postal_code: String,
}

impl Fields {
    /// Takes what an order says — its e-mail, organisation and mailing address, each when
    /// given — into the form's fields.
    pub(crate) fn take(
        &mut self,
        email: Option<String>,
        organization: Option<Organization>,
        mailing: Option<MailingAddress>,
    ) {
        if let Some(email) = email {
            self.email = email;
        }
        if let Some(o) = organization {
            self.org_name = o.name;
            self.org_uscc = o.uscc;
            self.org_legal = o.legal_representative;
        }
        if let Some(m) = mailing {
            self.recipient = m.recipient;
            self.recipient_phone = m.phone;
            self.province = m.province;
            self.city = m.city;
            self.district = m.district;
            self.street = m.street;
            self.postal_code = m.postal_code;
        }
    }
}

/// A new application reference: `SQ` and eight characters from an alphabet without look-alikes.
fn new_reference() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut rng = rand::rngs::OsRng;
    let tail: String = (0..8)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect();
    format!("SQ{tail}")
}

/// A form never filled in: the number signed in with, for the applicant and the parcel.
fn blank_fields(customer: &CustomerRow) -> Fields {
    Fields {
        phone: customer.phone.clone(),
        recipient_phone: customer.phone.clone(),
        ..Fields::default()
    }
}

impl Draft {
    /// A draft as kept (`json`), read against the terms in force: terms accepted in
    /// another version — they changed since — are not accepted any more, so the
    /// application goes back to them (and the order never records a version the customer
    /// did not accept). Unreadable: a fresh one.
    pub fn read(json: &str, terms_in_force: &str) -> Draft {
        let mut draft: Draft = serde_json::from_str(json).unwrap_or_default();
        match draft.terms_version.as_deref() {
            // Accepted before the version was kept (those drafts were submitted with the
            // version in force, as now): taken as accepted in it.
            None if draft.terms_accepted => {
                draft.terms_version = Some(terms_in_force.to_owned());
            }
            Some(accepted) if accepted != terms_in_force => draft.terms_accepted = false,
            _ => {}
        }
        draft
    }

    /// The terms were accepted in a version that is no longer in force.
    pub fn terms_changed(&self, terms_in_force: &str) -> bool {
        self.terms_version
            .as_deref()
            .is_some_and(|accepted| accepted != terms_in_force)
    }
}

/// The customer's draft, begun if there is none.
async fn draft_of(state: &AppState, customer: &CustomerRow) -> Result<(DraftRow, Draft), ApiError> {
    let blank = blank_fields(customer);
    if let Some(row) = state.store.draft_of(&customer.id).await? {
        let draft = Draft::read(&row.data_json, &state.config.terms_version);
        return Ok((row, draft));
    }
    let mut draft = Draft {
        reference: new_reference(),
        fields: blank.clone(),
        ..Draft::default()
    };
    // A customer who applied before starts from what their latest order said: the e-mail,
    // the organisation and where it was mailed (the form says so, to be checked).
    if let Some(fresh) = filled_from_last(state, customer, &blank).await? {
        draft.fields = fresh.fields.clone();
        draft.filled = Some(Box::new(fresh.fields));
        draft.filled_from = Some(fresh.order_no);
    }
    let json = serde_json::to_string(&draft).map_err(|e| ApiError::Internal(e.to_string()))?;
    state
        .store
        .save_draft(&customer.id, None, &json, false)
        .await?;
    let row = state
        .store
        .draft_of(&customer.id)
        .await?
        .ok_or_else(|| ApiError::Internal("draft vanished after saving".into()))?;
    Ok((row, draft))
}

/// The application as a page shows it: filled from an order (or begun blank before the
/// first), and nothing typed over it yet, it follows what the latest order says now (its
/// organisation corrected after a return, its address corrected by a clerk), not what it
/// said then. Only where a page is shown (`GET`): a form sent is taken as the page showed
/// it.
async fn followed(
    state: &AppState,
    customer: &CustomerRow,
    row: DraftRow,
    draft: Draft,
) -> Result<(DraftRow, Draft), ApiError> {
    let blank = blank_fields(customer);
    // Untouched: as filled from an order, or still blank (begun before the first order).
    let untouched = !draft.form_done
        && match draft.filled.as_deref() {
            Some(filled) => *filled == draft.fields,
            None => draft.fields == blank,
        };
    if untouched
        && let Some(fresh) = filled_from_last(state, customer, &blank).await?
        && draft.filled.as_deref() != Some(&fresh.fields)
    {
        let next = Draft {
            fields: fresh.fields.clone(),
            filled: Some(Box::new(fresh.fields)),
            filled_from: Some(fresh.order_no),
            ..draft.clone()
        };
        let json = serde_json::to_string(&next).map_err(|e| ApiError::Internal(e.to_string()))?;
        // Another tab moved it on meanwhile: that one stands.
        if state
            .store
            .save_draft(&customer.id, Some(row.version), &json, false)
            .await?
            .is_some()
            && let Some(row) = state.store.draft_of(&customer.id).await?
        {
            return Ok((row, next));
        }
    }
    Ok((row, draft))
}

/// The form's fields as the customer's latest order (not a cancelled one) fills them, over
/// `blank`, with that order's number.
struct Filled {
    fields: Fields,
    order_no: String,
}

async fn filled_from_last(
    state: &AppState,
    customer: &CustomerRow,
    blank: &Fields,
) -> Result<Option<Filled>, ApiError> {
    let Some(last) = state
        .store
        .last_details(&customer.id)
        .await?
        .and_then(|row| crate::server::present::last_order(&row))
    else {
        return Ok(None);
    };
    let mut fields = blank.clone();
    fields.take(
        Some(last.email.unwrap_or_default()),
        last.organization,
        Some(last.mailing),
    );
    Ok(Some(Filled {
        fields,
        order_no: last.order_no,
    }))
}

/// The customer's draft (stored row and contents) and their verified identity, if any.
async fn application(
    state: &AppState,
    customer: &CustomerRow,
) -> Result<(DraftRow, Draft, Option<(String, String)>), ApiError> {
    let (row, draft) = draft_of(state, customer).await?;
    let identity = verified(state, customer).await?;
    Ok((row, draft, identity))
}

/// The verified name and ID number of the customer, if they have passed real-name.
async fn verified(
    state: &AppState,
    customer: &CustomerRow,
) -> Result<Option<(String, String)>, ApiError> {
    if customer.realname_verified_at.is_none() {
        return Ok(None);
    }
    Ok(state
        .store
        .verified_identity(&customer.id)
        .await?
        .map(|(name, id_number, _)| (name, id_number)))
}

/// `?step=` to go back to an earlier step, `?q=` to search projects.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Look {
    step: Option<String>,
    q: Option<String>,
    /// Set after a post from a page the application had moved on from (another tab).
    moved: Option<String>,
    /// Every project listed, not only the first few.
    all: Option<String>,
    /// Back from the page refusing an upload over the platform's limit (refused before
    /// anything read it): said beside the upload, instead of what was refused before.
    too_large: Option<String>,
    /// "I finished on my phone" was pressed: the code's page says what became of it.
    asked: Option<String>,
    /// The application the address was given for (the review step's): Back to it once it
    /// has become an order leads to that order, not to a new, blank application.
    draft: Option<String>,
    /// Sent for review after the product's price changed since the form was printed: the
    /// print step says so, with the price now.
    repriced: Option<String>,
}

/// The cookie holding the bearer token of the verification whose code a PC shows (the
/// real-name step's own address shows it while it is good).
const REALNAME_COOKIE: &str = "cac_rn";

/// The review step's address, naming the application it is of (see [`Look::draft`]).
fn review_address(draft_id: &str) -> String {
    format!("{}&draft={draft_id}", Step::Review.address())
}

/// `GET /apply`: the step the customer is on (or an earlier one they went back to).
pub async fn page(
    State(state): State<AppState>,
    who: SignedIn,
    headers: HeaderMap,
    bare: RawQuery,
    Query(look): Query<Look>,
) -> Response {
    let ctx = &who.ctx;
    let (row, draft, identity) = match application(&state, &who.customer).await {
        Ok(loaded) => loaded,
        Err(e) => return failed(ctx, e),
    };
    let (row, draft) = match followed(&state, &who.customer, row, draft).await {
        Ok(followed) => followed,
        Err(e) => return failed(ctx, e),
    };
    let given = restore(&state, &headers, &who, "/apply").await;
    // `/apply` alone (a link from home, from the orders, from the phone's verification):
    // on to the step the application is at, at that step's own address, so that Back from
    // the next step comes back to this one rather than to whatever step is furthest then.
    if given.is_none() && bare.0.as_deref().is_none_or(str::is_empty) {
        let step = steps::current(&draft, identity.is_some(), row.scan_type.is_some(), None);
        return page::see_other(&if step == Step::Review {
            review_address(&row.id)
        } else {
            step.address()
        });
    }
    // An address given for an application that has since become an order: that order.
    if let Some(earlier) = look.draft.as_deref().filter(|d| *d != row.id) {
        match submitted_as(&state, &who.customer, Some(earlier)).await {
            Ok(Some(order_no)) => {
                return page::see_other(&format!("/orders/{order_no}?submitted=1"));
            }
            Ok(None) => {}
            Err(e) => return failed(ctx, e),
        }
    }
    // A form sent after the sign-in had ended, of this very application: filled back in.
    let stashed = given.as_ref().and_then(|posted| {
        let sent = |name: &str| super::form::sent(posted, name);
        (sent("action") == Some("form") && sent("draft").is_none_or(|d| d == row.id))
            .then(|| steps::typed(posted))
    });
    let asked = match stashed {
        Some(_) => Some(Step::Form),
        None => look.step.as_deref().and_then(Step::parse),
    };
    let step = steps::current(&draft, identity.is_some(), row.scan_type.is_some(), asked);
    // A step the application has not reached (Back, past an application submitted since,
    // into a new one): its own step's address, so that the address says what is shown.
    if given.is_none() && asked.is_some_and(|asked| asked != step) {
        return page::see_other(&if step == Step::Review {
            review_address(&row.id)
        } else {
            step.address()
        });
    }
    let stashed = stashed.filter(|_| step == Step::Form);
    let restored = stashed.is_some();
    // The step's form refused just now (nothing changed since): shown again as it was sent,
    // with its messages.
    let refused = draft
        .refused
        .clone()
        .filter(|r| r.step == step && r.at == row.version && !restored && !r.stale(&row));
    let typed = stashed.or_else(|| {
        refused
            .as_ref()
            .filter(|r| r.step == Step::Form)
            .map(|r| r.fields.clone())
    });
    let mut shown = draft.clone();
    if let Some(typed) = typed {
        shown.fields = typed;
    }
    // What the customer typed is put back: "filled in from your last order" is no longer
    // what the form shows (the two notes said the opposite of each other).
    if restored {
        shown.filled_from = None;
    }
    let view = steps::View {
        ctx,
        state: &state,
        customer: &who.customer,
        row: &row,
        draft: &shown,
        identity: identity.as_ref(),
        phone_browser: is_phone(&headers),
        all_projects: look.all.is_some(),
    };
    let errors = match &refused {
        _ if look.too_large.is_some() && step == Step::Scan => vec![(
            "scan".to_owned(),
            ctx.t(T::WebScanLabel).to_owned(),
            T::WebFileTooLargeField.fill(
                ctx.lang,
                &[&crate::server::error::human_bytes(
                    state.config.max_upload_bytes,
                )],
            ),
        )],
        Some(refused) => match steps::refusal(&view, refused).await {
            Ok(errors) => errors,
            Err(e) => return failed(ctx, e),
        },
        None => Vec::new(),
    };
    // On a PC, a code shown for the phone (its token in this browser's cookie).
    let code = match super::guard::cookie(&headers, REALNAME_COOKIE) {
        Some(token) if step == Step::Realname && identity.is_none() => {
            match steps::code_page(&view, &token, look.asked.is_some()).await {
                Ok(code) => code,
                Err(e) => return failed(ctx, e),
            }
        }
        _ => None,
    };
    let body = match code {
        Some(code) => code,
        None => match steps::body(&view, step, &look.q.unwrap_or_default(), &errors).await {
            Ok(body) => body,
            Err(e) => return failed(ctx, e),
        },
    };
    let body = if restored {
        html! { p.bad role="status" { (ctx.t(T::WebFormRestored)) } (body) }
    } else if look.moved.is_some() {
        html! { p.bad role="status" { (ctx.t(T::WebDraftMovedOn)) } (body) }
    } else if look.repriced.is_some() && step == Step::Print {
        let product = match draft.product_id.as_deref() {
            Some(id) => match state.store.product(id).await {
                Ok(product) => product,
                Err(e) => return failed(ctx, e.into()),
            },
            None => None,
        };
        let price = product
            .and_then(|p| crate::domain::Money::from_fen(p.price_fen))
            .map(|m| m.to_string())
            .unwrap_or_default();
        html! { p.bad role="status" { (ctx.fill(T::WebRepriced, &[&price])) } (body) }
    } else if step == Step::Print
        && !draft.superseded.is_empty()
        && row.printed_ref.as_deref() != Some(draft.reference.as_str())
    {
        // Printed before under another reference, not yet under this one: the paper (and
        // any scan of it) went with a change to what it says.
        html! { p.bad role="status" { (ctx.t(T::WebReprintAfterChange)) } (body) }
    } else {
        body
    };
    let response = page::page(
        &switching(ctx, step),
        StatusCode::OK,
        ctx.t(T::WebApplyTitle),
        body,
    );
    match given {
        Some(_) => forget_stash(&state, response),
        None => response,
    }
}

/// The page's context, with the language switch sending the form's typed values along
/// on the step with the form.
fn switching(ctx: &page::Ctx, step: Step) -> page::Ctx {
    let mut ctx = ctx.clone();
    if step == Step::Form {
        ctx.switch_form = Some(("apply-form", "/apply".into()));
    }
    // The terms' tick too (a plain link lost it).
    if step == Step::Terms {
        ctx.switch_form = Some(("terms-form", "/apply".into()));
    }
    ctx
}

/// Whether the browser is a phone's (a verification with the face needs one).
pub fn is_phone(headers: &HeaderMap) -> bool {
    headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ua| ua.contains("Mobi") || ua.contains("Android") || ua.contains("iPhone"))
}

pub use super::form::Posted;

/// `POST /apply`: saves what a step sent and goes on (or shows the step again with its
/// errors, everything typed kept).
pub async fn save(
    State(state): State<AppState>,
    headers: HeaderMap,
    FormPost { who, body }: FormPost,
) -> Response {
    let ctx = &who.ctx;
    let posted = super::form::posted(&body);
    let get = |name: &str| super::form::sent(&posted, name).unwrap_or_default();
    let seen: Option<i64> = get("version").parse().ok();
    let (row, draft, identity) = match application(&state, &who.customer).await {
        Ok(loaded) => loaded,
        Err(e) => return failed(ctx, e),
    };
    let view = steps::View {
        ctx,
        state: &state,
        customer: &who.customer,
        row: &row,
        draft: &draft,
        identity: identity.as_ref(),
        phone_browser: is_phone(&headers),
        all_projects: false,
    };
    if seen != Some(row.version) {
        // The application this page was of became an order meanwhile (in another tab):
        // that order, said to be submitted.
        match submitted_as(&state, &who.customer, Some(get("draft"))).await {
            Ok(Some(order_no)) => {
                return page::see_other(&format!("/orders/{order_no}?submitted=1"));
            }
            Ok(None) => {}
            Err(e) => return failed(ctx, e),
        }
    }
    // A product tapped is the customer's whole answer to its step, whatever the page it was
    // tapped on knew (Back to the list, another product): taken as tapped, as a fresh list
    // would take it — never the product the application had, on a page that looks as if
    // the tap went through.
    // "I finished on my phone" asks where the check stands: the phone's check moving the
    // application on is what it waits for.
    if seen != Some(row.version) && !matches!(get("action"), "product" | "realname_done") {
        // Another tab (or a back button) moved the application on: show where it is now,
        // and say so; nothing saved there is lost. A form sent from here is shown again as
        // it was typed (not saved: sending it again replaces what the other tab saved).
        let sent_form = get("action") == "form" && !matches!(get("keep"), "lang" | "product");
        let asked = sent_form.then_some(Step::Form);
        let step = steps::current(&draft, identity.is_some(), row.scan_type.is_some(), asked);
        let typed_kept = sent_form && step == Step::Form;
        let mut shown = draft.clone();
        if typed_kept {
            shown.fields = steps::typed(&posted);
        }
        let view = steps::View {
            draft: &shown,
            ..view
        };
        let said = if typed_kept {
            T::WebDraftMovedOnTyped
        } else {
            T::WebDraftMovedOn
        };
        let notice = html! { p.bad role="status" { (ctx.t(said)) } };
        return match steps::body(&view, step, "", &[]).await {
            Ok(body) => page::page(
                &switching(ctx, step),
                StatusCode::CONFLICT,
                ctx.t(T::WebApplyTitle),
                html! { (notice) (body) },
            ),
            Err(e) => failed(ctx, e),
        };
    }
    match steps::handle(&view, &posted).await {
        Ok(steps::Outcome::Saved(mut next, then)) => {
            next.refused = None;
            // What the printed form says has changed: the paper printed (and signed, and
            // scanned) before no longer matches the application. Print it again; a scan
            // of the old paper is dropped rather than sent to review as "matches".
            // (A product chosen anew goes back to the terms; the paper is stale all the same.)
            // Printed: downloaded to print (the customer may print and sign before saying
            // so), or past the print step.
            let printed = row.printed_ref.as_deref() == Some(draft.reference.as_str())
                || draft.step > Step::Print
                || row.scan_type.is_some();
            // Compared with the form as last checked — what the paper says —, not with
            // values typed since and kept unchecked (the language switch, "choose again"):
            // a change put back as it was is no change.
            let on_paper = draft.checked.as_deref().unwrap_or(&draft.fields);
            let checked_now = next.form_done && get("action") == "form" && get("keep").is_empty();
            let changed =
                (checked_now && next.fields != *on_paper) || next.product_id != draft.product_id;
            // What the form says now: as just checked, else as last checked (what is typed
            // and kept unchecked says nothing a paper does).
            let says: Fields = if checked_now {
                next.fields.clone()
            } else {
                next.checked.as_deref().unwrap_or(&next.fields).clone()
            };
            // Back to what an earlier paper (printed) says: that paper's reference returns.
            let back = changed
                .then(|| {
                    next.earlier.iter().position(|paper| {
                        paper.product_id == next.product_id && paper.fields == says
                    })
                })
                .flatten();
            let reprint = (printed && changed) || back.is_some();
            if checked_now {
                next.checked = Some(Box::new(next.fields.clone()));
            }
            let mut restored = None;
            if reprint {
                next.step = next.step.min(Step::Print);
                // A new reference for the new paper: the old printout's code names the old
                // one, so a scan of it is refused rather than taken as this one's (and said
                // to be the customer's own earlier printout). Unless the form is back to
                // what an earlier paper says: that paper's reference comes back with it
                // (a legal representative's signature and a seal are not asked for twice
                // over a change undone), printed as it was.
                let reference = match back {
                    Some(at) => {
                        let paper = next.earlier.remove(at);
                        restored = Some((paper.reference.clone(), paper.amount_fen));
                        paper.reference
                    }
                    None => new_reference(),
                };
                // The paper going, if it exists, is kept for a change back to it.
                if printed {
                    next.earlier.insert(
                        0,
                        EarlierPaper {
                            reference: next.reference.clone(),
                            product_id: draft.product_id.clone(),
                            fields: on_paper.clone(),
                            amount_fen: row.printed_price(&draft.reference),
                        },
                    );
                    next.earlier.truncate(5);
                }
                let old = std::mem::replace(&mut next.reference, reference);
                next.superseded.retain(|r| *r != next.reference);
                next.superseded.insert(0, old);
                next.superseded.truncate(5);
            }
            let json = match serde_json::to_string(&next) {
                Ok(json) => json,
                Err(e) => return failed(ctx, ApiError::Internal(e.to_string())),
            };
            match state
                .store
                .save_draft(&who.customer.id, Some(row.version), &json, reprint)
                .await
            {
                // The next step at an address of its own (the page asking for it shows the
                // furthest the application allows, if that is earlier; the print step says
                // when the paper must be printed again).
                Ok(Some(_)) => {
                    // The paper that came back was printed: the print step says nothing of
                    // printing again, and a change after this one asks for a new paper.
                    if let Some((reference, amount_fen)) = &restored
                        && let Err(e) = state
                            .store
                            .draft_printed(&who.customer.id, reference, *amount_fen)
                            .await
                    {
                        return failed(ctx, e.into());
                    }
                    page::see_other(&then.address())
                }
                Ok(None) => page::see_other("/apply?moved=1"),
                Err(e) => failed(ctx, e.into()),
            }
        }
        Ok(steps::Outcome::Again {
            step,
            errors,
            typed,
        }) => {
            // Kept, then shown at the step's address; shown from here only if keeping it
            // failed (another tab moved the application on meanwhile).
            let refused = Refused {
                step,
                fields: typed.clone(),
                said: None,
                at: row.version + 1,
            };
            if keep_refusal(&state, &who.customer.id, &row, &draft, refused).await {
                return page::see_other(&format!("{}{}", step.address(), super::form::TO_ERRORS));
            }
            let mut shown = draft.clone();
            shown.fields = typed;
            let view = steps::View {
                draft: &shown,
                ..view
            };
            match steps::body(&view, step, "", &errors).await {
                Ok(body) => page::page(
                    &switching(ctx, step),
                    StatusCode::UNPROCESSABLE_ENTITY,
                    ctx.t(T::WebApplyTitle),
                    body,
                ),
                Err(e) => failed(ctx, e),
            }
        }
        Ok(steps::Outcome::Go(to)) => page::see_other(&to),
        // The code for the phone, at the step's own address: its bearer token (kept only
        // hashed by the platform) stays in this browser's cookie, for that address alone.
        Ok(steps::Outcome::Code(token)) => {
            let mut response = page::see_other(&Step::Realname.address());
            // Kept a day (the code itself is good for its minutes): a page reloaded after
            // it ran out says so, rather than starting over as if none had been shown.
            let cookie = format!(
                "{REALNAME_COOKIE}={token}; Max-Age=86400; SameSite=Strict{}",
                super::guard::cookie_attributes(&state)
            );
            if let Ok(value) = axum::http::HeaderValue::from_str(&cookie) {
                response
                    .headers_mut()
                    .append(axum::http::header::SET_COOKIE, value);
            }
            response
        }
        Err(e) => failed(ctx, e),
    }
}

/// The order as it will be submitted, from the draft and the verified identity.
pub fn new_order(
    customer: &CustomerRow,
    draft: &Draft,
    identity: Option<&(String, String)>,
    user_type: UserType,
) -> NewOrder {
    let f = &draft.fields;
    let (name, id_number) = identity.cloned().unwrap_or_default();
    NewOrder {
        customer_id: customer.id.clone(),
        product_id: draft.product_id.clone().unwrap_or_default(),
        applicant: Applicant {
            name,
            id_number,
            // The number the customer signed in with, whatever a form said: the order's
            // texts (its invoice link among them) go to it.
            phone: customer.phone.clone(),
            email: Some(f.email.clone()).filter(|e| !e.trim().is_empty()),
        },
        organization: (user_type == UserType::Organization).then(|| Organization {
            name: f.org_name.clone(),
            uscc: f.org_uscc.clone(),
            legal_representative: f.org_legal.clone(),
        }),
        mailing: MailingAddress {
            recipient: f.recipient.clone(),
            phone: f.recipient_phone.clone(),
            province: f.province.clone(),
            city: f.city.clone(),
            district: f.district.clone(),
            street: f.street.clone(),
            postal_code: f.postal_code.clone(),
        },
        note: None,
        application_ref: Some(draft.reference.clone()),
        terms_version: None,
        // The price the printed form showed, when one was printed: set by the submission.
        amount_fen: None,
    }
}

/// `GET /apply/form.pdf`: the application form, filled in, to print and sign.
pub async fn form_pdf(State(state): State<AppState>, who: SignedIn) -> Response {
    let ctx = &who.ctx;
    let built = async {
        let (row, draft) = draft_of(&state, &who.customer).await?;
        let identity = verified(&state, &who.customer).await?;
        let product_id = draft.product_id.clone().unwrap_or_default();
        let product = state
            .store
            .product(&product_id)
            .await?
            .ok_or_else(|| ApiError::field("product_id", T::ProblemProductNotFound))?;
        let user_type = UserType::parse(&product.user_type).unwrap_or(UserType::Individual);
        let price_fen = product.price_fen;
        // Printed under this reference at another price: a new paper is a new reference
        // (the same reference at two prices, the signed one's scan would still match).
        if row
            .printed_price(&draft.reference)
            .is_some_and(|printed| printed != price_fen)
        {
            reprinted(&state, &who.customer.id, &row, &draft).await?;
            return Ok(None);
        }
        let order = new_order(&who.customer, &draft, identity.as_ref(), user_type);
        let valid = crate::server::validate::new_order(
            &order,
            true,
            Some(&product),
            &state.fonts,
            &state.config,
        )?;
        let mut data =
            // The paper is Chinese whatever the page's language, its taker's name too.
            FormData::unsubmitted(
                &valid,
                product,
                T::ChannelOnline.get(crate::i18n::Lang::ZhCn).to_owned(),
            )
                .ok_or_else(|| ApiError::Internal("normalised order does not read back".into()))?;
        data.application_ref = Some(draft.reference.clone());
        let document = paper::form(&state, &data);
        let fonts = state.fonts.clone();
        let printed = tokio::task::spawn_blocking(move || pdf::application_form(&fonts, &document))
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        if row.printed_price(&draft.reference) != Some(price_fen) {
            state
                .store
                .draft_printed(&who.customer.id, &draft.reference, Some(price_fen))
                .await?;
        }
        Ok::<_, ApiError>(Some((draft.reference, printed)))
    };
    match built.await {
        Ok(Some((reference, printed))) => {
            pdf_download(printed.bytes, &format!("{reference}-application-form"))
        }
        // Repriced: the print step says so, and prints under the new reference.
        Ok(None) => page::see_other("/apply?step=print&repriced=1"),
        // Repriced by another request at the same moment (another tab).
        Err(ApiError::Conflict { .. }) => page::see_other("/apply?moved=1"),
        Err(ApiError::Validation(_)) => page::see_other("/apply?step=form"),
        Err(e) => failed(ctx, e),
    }
}

/// A PDF to download and print.
pub fn pdf_download(bytes: Vec<u8>, name: &str) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("inline; filename=\"{name}.pdf\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// `POST /apply/scan` (multipart, `scan`): the signed form, from the camera or a file.
pub async fn upload_scan(
    State(state): State<AppState>,
    who: SignedIn,
    multipart: Multipart,
) -> Response {
    let ctx = &who.ctx;
    let received = match read_upload(&state, &who, multipart).await {
        Ok(received) => received,
        Err(message) => return again_with_scan_error(&state, &who, &message).await,
    };
    let handled = async {
        let (row, draft) = draft_of(&state, &who.customer).await?;
        if received.version != Some(row.version) {
            return Ok(Err(ctx.t(T::WebDraftMovedOn).to_owned()));
        }
        let (scanned, blank) = state
            .uploads
            .scan_picture(
                received.data.clone(),
                received.content_type,
                received.pdf_codes.clone(),
            )
            .await;
        // A white page is no form (the upload after the order would refuse it too).
        if blank {
            let pdf = received.content_type == "application/pdf";
            let said = crate::server::scan_match::Refused::BlankForm { pdf }.message("");
            return Ok(Err(said.render(ctx.lang)));
        }
        // The form printed for this application carries its reference: another's is refused.
        // (Its edition is the form's, as the reference is: a changed form gets a new one.)
        let check =
            match crate::server::scan_match::check(&scanned, "", Some(&draft.reference), None) {
                Ok(check) => check,
                Err(crate::server::scan_match::Refused::OtherOrder(found))
                    if draft
                        .superseded
                        .iter()
                        .any(|r| r.eq_ignore_ascii_case(&found)) =>
                {
                    return Ok(Err(ctx.fill(T::WebScanEarlierPrintout, &[found.as_str()])));
                }
                Err(crate::server::scan_match::Refused::OtherOrder(found)) => {
                    return Ok(Err(ctx.fill(
                        T::WebScanOtherApplication,
                        &[found.as_str(), &draft.reference],
                    )));
                }
                Err(other) => return Ok(Err(other.message(&draft.reference).render(ctx.lang))),
            };
        // The downloaded file itself, sent instead of a photo of the signed paper.
        if matches!(scanned, crate::domain::Scanned::Generated(_)) {
            let refused = crate::server::scan_match::Refused::Unsigned;
            return Ok(Err(refused.message(&draft.reference).render(ctx.lang)));
        }
        let check_json = serde_json::to_string(&check).ok();
        let saved = state
            .store
            .save_draft_scan(
                &who.customer.id,
                row.version,
                &received.data,
                received.content_type,
                &received.filename,
                check_json.as_deref(),
            )
            .await?;
        Ok::<_, ApiError>(match saved {
            Some(_) => Ok(row.id),
            None => Err(ctx.t(T::WebDraftMovedOn).to_owned()),
        })
    };
    match handled.await {
        Ok(Ok(draft_id)) => page::see_other(&review_address(&draft_id)),
        Ok(Err(message)) => again_with_scan_error(&state, &who, &message).await,
        Err(e) => failed(ctx, e),
    }
}

/// What an upload brought.
pub struct Upload {
    /// The page's draft version.
    pub version: Option<i64>,
    /// A returned order's page: the return it was made for (its time, `round`).
    pub round: Option<i64>,
    /// The file.
    pub data: Vec<u8>,
    /// `image/jpeg`, `image/png`, `application/pdf`.
    pub content_type: &'static str,
    /// Its name (display only).
    pub filename: String,
    /// A PDF's QR codes, read from its pages when they are pictures.
    pub pdf_codes: crate::upload_check::PdfCodes,
}

/// Reads a multipart upload (`version`, `scan`) and checks the file as the counter does;
/// `Err` is the message for the page.
pub async fn read_upload(
    state: &AppState,
    who: &SignedIn,
    mut multipart: Multipart,
) -> Result<Upload, String> {
    let lang = who.ctx.lang;
    let limit = state.config.max_upload_bytes;
    // A place of the customer's before the file is read (one person's flood is answered
    // at once, not held in memory).
    let Some(_place) = state.uploads.place(&who.customer.id) else {
        return Err(T::ErrChecksBusy.get(lang).to_owned());
    };
    let mut version = None;
    let mut round = None;
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            // A part whose headers do not read — a file name with a control character in
            // it, as some file managers let through — is not "no file chosen".
            Err(_) => return Err(T::WebUploadMalformed.get(lang).to_owned()),
        };
        match field.name() {
            Some("version") => version = field.text().await.ok().and_then(|v| v.parse().ok()),
            Some("round") => round = field.text().await.ok().and_then(|v| v.parse().ok()),
            Some("scan") => {
                let name = crate::domain::shown_file_name(field.file_name(), None, "scan");
                let mut data = Vec::new();
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) => {
                            if data.len() + chunk.len() > limit {
                                return Err(T::WebFileTooLargeField
                                    .fill(lang, &[&crate::server::error::human_bytes(limit)]));
                            }
                            data.extend_from_slice(&chunk);
                        }
                        Ok(None) => break,
                        Err(_) => return Err(T::WebUploadBroken.get(lang).to_owned()),
                    }
                }
                file = Some((name, data));
            }
            _ => {}
        }
    }
    let Some((filename, data)) = file.filter(|(_, d)| !d.is_empty()) else {
        return Err(T::WebScanMissing.get(lang).to_owned());
    };
    let (data, inspected, pdf_codes) = state.uploads.inspect(&who.customer.id, data).await;
    let inspected = inspected.map_err(|problem| match problem {
        // A phone's words: its camera, not a scanner (the counter's say a scanner's).
        crate::domain::FileProblem::NotAScan => T::WebNotAScan.get(lang).to_owned(),
        crate::domain::FileProblem::Unreadable(_) => T::WebScanUnreadable.get(lang).to_owned(),
        crate::domain::FileProblem::ActivePdf => T::ErrActivePdf.get(lang).to_owned(),
        crate::domain::FileProblem::CarriesPdf => T::ErrCarriesPdf.get(lang).to_owned(),
        crate::domain::FileProblem::LockedPdf => T::ErrLockedPdf.get(lang).to_owned(),
        crate::domain::FileProblem::UnusualPdf => T::ErrUnusualPdf.get(lang).to_owned(),
        crate::domain::FileProblem::CostlyPdf => T::ErrCostlyPdf.get(lang).to_owned(),
        crate::domain::FileProblem::ChecksBusy => T::ErrChecksBusy.get(lang).to_owned(),
        crate::domain::FileProblem::TooManyPixels(w, h) => {
            T::WebTooManyPixels.fill(lang, &[&w.to_string(), &h.to_string()])
        }
        crate::domain::FileProblem::TooDeepPixels(w, h) => {
            T::ErrTooDeepPixels.fill(lang, &[&w.to_string(), &h.to_string()])
        }
        crate::domain::FileProblem::TooFewPixels(w, h) => T::WebTooFewPixels.fill(
            lang,
            &[
                &w.to_string(),
                &h.to_string(),
                &crate::domain::MIN_SIDE.to_string(),
            ],
        ),
    })?;
    Ok(Upload {
        version,
        round,
        data,
        content_type: inspected.kind.mime(),
        filename: crate::domain::shown_file_name(Some(&filename), Some(inspected.kind), "scan"),
        pdf_codes,
    })
}

/// Keeps a refused step's form with the application, unless it changed meanwhile: whether
/// it was kept.
async fn keep_refusal(
    state: &AppState,
    customer_id: &str,
    row: &DraftRow,
    draft: &Draft,
    refused: Refused,
) -> bool {
    let kept = Draft {
        refused: Some(Box::new(refused)),
        ..draft.clone()
    };
    let Ok(json) = serde_json::to_string(&kept) else {
        return false;
    };
    matches!(
        state
            .store
            .save_draft(customer_id, Some(row.version), &json, false)
            .await,
        Ok(Some(_))
    )
}

/// The scan step with what was wrong with the upload, at the step's own address.
async fn again_with_scan_error(state: &AppState, who: &SignedIn, message: &str) -> Response {
    let ctx = &who.ctx;
    let (row, draft, identity) = match application(state, &who.customer).await {
        Ok(loaded) => loaded,
        Err(e) => return failed(ctx, e),
    };
    let refused = Refused {
        step: Step::Scan,
        fields: draft.fields.clone(),
        said: Some(message.to_owned()),
        at: row.version + 1,
    };
    if keep_refusal(state, &who.customer.id, &row, &draft, refused).await {
        return page::see_other(&format!(
            "{}{}",
            Step::Scan.address(),
            super::form::TO_ERRORS
        ));
    }
    let view = steps::View {
        ctx,
        state,
        customer: &who.customer,
        row: &row,
        draft: &draft,
        identity: identity.as_ref(),
        phone_browser: false,
        all_projects: false,
    };
    let errors = vec![(
        "scan".to_owned(),
        ctx.t(T::WebScanLabel).to_owned(),
        message.to_owned(),
    )];
    match steps::body(&view, Step::Scan, "", &errors).await {
        Ok(body) => page::page(
            ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            ctx.t(T::WebApplyTitle),
            body,
        ),
        Err(e) => failed(ctx, e),
    }
}

/// `POST /apply/submit`: the order, once however often it is pressed (the draft's id is
/// the idempotency key), with the signed scan attached; then the order's page.
pub async fn submit(
    State(state): State<AppState>,
    who: SignedIn,
    body: axum::body::Bytes,
) -> Response {
    let ctx = &who.ctx;
    let version: Option<i64> = form_urlencoded::parse(&body)
        .find(|(k, _)| k == "version")
        .and_then(|(_, v)| v.parse().ok());
    let posted_draft = form_urlencoded::parse(&body)
        .find(|(k, _)| k == "draft")
        .map(|(_, v)| v.into_owned());
    match submit_draft(&state, &who.customer, version).await {
        Ok(Submitted::Order(order_no)) => {
            page::see_other(&format!("/orders/{order_no}?done=submitted"))
        }
        // The terms changed since they were accepted: back to them, the change said there.
        Ok(Submitted::TermsChanged) => page::see_other("/apply?step=terms"),
        Ok(Submitted::Repriced) => page::see_other("/apply?step=print&repriced=1"),
        Err(ApiError::Validation(_)) => page::see_other("/apply?step=form"),
        Err(ApiError::Conflict { .. }) => {
            // A page from before this application became an order (the back button): the
            // order it became, not a blank application said to have "moved on".
            match submitted_as(&state, &who.customer, posted_draft.as_deref()).await {
                Ok(Some(order_no)) => page::see_other(&format!("/orders/{order_no}?submitted=1")),
                Ok(None) => page::see_other("/apply?moved=1"),
                Err(e) => failed(ctx, e),
            }
        }
        Err(e) => failed(ctx, e),
    }
}

/// The customer's order that a draft of theirs was submitted as, if it was (found by
/// the draft's idempotency key).
async fn submitted_as(
    state: &AppState,
    customer: &CustomerRow,
    draft_id: Option<&str>,
) -> Result<Option<String>, ApiError> {
    let Some(draft_id) = draft_id.filter(|id| !id.is_empty() && id.len() <= 64) else {
        return Ok(None);
    };
    let Some((_, answer)) = state
        .store
        .answered_idempotency_key(ONLINE_OPERATOR_ID, &format!("online-{draft_id}"))
        .await?
        .filter(|(_, answer)| answer.status == 201)
    else {
        return Ok(None);
    };
    let order = state.store.order_by_no(&answer.body).await?;
    Ok(order
        .filter(|order| order.customer_id == customer.id)
        .map(|order| order.order_no))
}

/// What sending an application for review came to.
enum Submitted {
    /// The order it became (its number).
    Order(String),
    /// Not sent: its terms are not accepted in the version in force (they changed since:
    /// see [`Draft::read`]).
    TermsChanged,
    /// Not sent: the product's price changed since the form was printed; the application
    /// is back at printing it.
    Repriced,
}

/// The product's price changed since the form was printed under the application's
/// reference: back to printing it, under a new reference — the old paper's scan dropped,
/// and refused if sent again as the customer's earlier printout. `Conflict` when the
/// application moved on meanwhile (another tab).
async fn reprinted(
    state: &AppState,
    customer_id: &str,
    row: &DraftRow,
    draft: &Draft,
) -> Result<(), ApiError> {
    let mut next = draft.clone();
    next.step = next.step.min(Step::Print);
    let old = std::mem::replace(&mut next.reference, new_reference());
    next.superseded.retain(|r| *r != next.reference);
    next.superseded.insert(0, old);
    next.superseded.truncate(5);
    let json = serde_json::to_string(&next).map_err(|e| ApiError::Internal(e.to_string()))?;
    match state
        .store
        .save_draft(customer_id, Some(row.version), &json, true)
        .await?
    {
        Some(_) => Ok(()),
        None => Err(ApiError::Conflict {
            code: "draft_moved_on",
            detail: crate::i18n::Msg::new(T::WebDraftMovedOn),
            status: None,
            version: None,
        }),
    }
}

/// Sends the customer's application for review as an order.
async fn submit_draft(
    state: &AppState,
    customer: &CustomerRow,
    version: Option<i64>,
) -> Result<Submitted, ApiError> {
    let (row, draft) = draft_of(state, customer).await?;
    if version != Some(row.version) {
        return Err(ApiError::Conflict {
            code: "draft_moved_on",
            detail: crate::i18n::Msg::new(T::WebDraftMovedOn),
            status: None,
            version: None,
        });
    }
    let identity = verified(state, customer).await?;
    let product_id = draft.product_id.clone().unwrap_or_default();
    let inputs = state.store.order_inputs(&customer.id, &product_id).await?;
    let product = inputs.product;
    let user_type = product
        .as_ref()
        .and_then(|p| UserType::parse(&p.user_type))
        .unwrap_or(UserType::Individual);
    // The price the signed form shows is the one charged: changed in the catalog since it
    // was printed, the application goes back to printing (under a new reference, so that
    // the old paper's scan, dropped, is not taken again), said there with the price now.
    let printed_at = row.printed_price(&draft.reference);
    if let (Some(printed), Some(product)) = (printed_at, product.as_ref())
        && printed != product.price_fen
    {
        return reprinted(state, &customer.id, &row, &draft)
            .await
            .map(|()| Submitted::Repriced);
    }
    let mut order = new_order(customer, &draft, identity.as_ref(), user_type);
    order.amount_fen = printed_at;
    let mut valid = crate::server::validate::new_order(
        &order,
        true,
        product.as_ref(),
        &state.fonts,
        &state.config,
    )?;
    valid.channel = crate::domain::Channel::Online;
    // The version the customer accepted (the one in force: see `Draft::read`).
    if !draft.terms_accepted {
        return Ok(Submitted::TermsChanged);
    }
    valid.terms_version = draft.terms_version.clone();
    let actor = super::orders::customer_actor(&customer.phone);
    let key = crate::server::store::IdempotencyKey {
        operator_id: ONLINE_OPERATOR_ID,
        key: &format!("online-{}", row.id),
        request_hash: &format!("{}:{}", row.id, row.version),
    };
    let answered = state
        .store
        .create_order(
            &valid,
            &actor,
            inputs.realname.as_deref(),
            None,
            &key,
            |inserted| {
                Ok::<_, ApiError>(crate::server::store::SavedResponse {
                    status: 201,
                    body: inserted.order_no.clone(),
                })
            },
        )
        .await?;
    // Sent before (the same draft, or since changed): the first order stands.
    let order_no = match answered {
        crate::server::store::Answered::Committed(answer)
        | crate::server::store::Answered::Taken { answer, .. } => answer.body,
    };
    // The signed scan goes with it (attaching is idempotent by content).
    if let (Some(scan), Some(content_type)) = (
        state.store.draft_scan(&customer.id).await?,
        row.scan_type.clone(),
    ) {
        let order_row = state
            .store
            .order_by_no(&order_no)
            .await?
            .ok_or_else(|| ApiError::Internal("order vanished after submitting".into()))?;
        let attachment = NewAttachment {
            order_id: order_row.id.clone(),
            kind: AttachmentKind::SignedForm.as_str().into(),
            content_type,
            filename: row.scan_name.clone().unwrap_or_else(|| "scan".into()),
            data: scan,
            uploaded_by: ONLINE_OPERATOR_ID.into(),
            scan_json: row.scan_json.clone(),
        };
        // The signed form is taken in any status: kept whatever happened to the order.
        state
            .store
            .attach(&order_row, attachment, &actor, None, None)
            .await?;
    }
    state.store.drop_draft(&customer.id, &row.id).await?;
    Ok(Submitted::Order(order_no))
}

/// The page for a failure: busy database, or a defect (logged, never shown).
pub fn failed(ctx: &Ctx, error: ApiError) -> Response {
    match error {
        ApiError::Unavailable | ApiError::StorageFull => unavailable(ctx),
        other => {
            tracing::error!(?other, "customer page failed");
            page::message(
                ctx,
                StatusCode::INTERNAL_SERVER_ERROR,
                ctx.t(T::ProblemInternalTitle),
                ctx.t(T::WebTryAgain),
            )
        }
    }
}

/// The masked identity line of a verified applicant.
pub fn identity_line(identity: &(String, String)) -> String {
    format!("{} {}", identity.0, mask_id_number(&identity.1))
}

/// Where the customer's application in progress stands, for a support agent (in `lang`):
/// its step as the customer's page shows it, the certificate chosen, and what the
/// platform last refused on that step while it still stands (an upload's message, the
/// terms unticked, a form with fields to correct).
pub async fn standing(
    state: &AppState,
    customer: &CustomerRow,
    draft_row: &DraftRow,
    lang: crate::i18n::Lang,
) -> Result<crate::api::OnlineApplication, ApiError> {
    let draft = Draft::read(&draft_row.data_json, &state.config.terms_version);
    let is_verified = customer.realname_verified_at.is_some();
    let step = steps::current(&draft, is_verified, draft_row.scan_type.is_some(), None);
    let product = match &draft.product_id {
        Some(id) => state
            .store
            .product(id)
            .await?
            .map(|p| format!("{} · {}", p.project_name, p.name)),
        None => None,
    };
    let refused = match draft
        .refused
        .as_ref()
        .filter(|r| r.step == step && r.at == draft_row.version && !r.stale(draft_row))
    {
        None => None,
        Some(r) => match r.step {
            Step::Terms => Some(T::WebMustAccept.get(lang).to_owned()),
            // Each field to correct, as the customer's page says it beside the field.
            Step::Form => {
                let identity = verified(state, customer).await?;
                let sent = Draft {
                    fields: r.fields.clone(),
                    ..draft.clone()
                };
                let problems =
                    steps::form_problems(state, customer, &sent, identity.as_ref(), lang)
                        .await?
                        .err()
                        .unwrap_or_default();
                let listed = problems
                    .iter()
                    .map(|(_, label, message)| T::SupportFieldProblem.fill(lang, &[label, message]))
                    .collect::<Vec<_>>()
                    .join(T::ClauseJoin.get(lang));
                Some(T::SupportFormRefused.fill(lang, &[&problems.len().to_string(), &listed]))
            }
            _ => r.said.clone(),
        },
    }
    .filter(|said| !said.is_empty());
    Ok(crate::api::OnlineApplication {
        step: step.code().to_owned(),
        step_label: step.label().get(lang).to_owned(),
        step_no: step.number(),
        product,
        refused,
        updated_at: crate::server::present::rfc3339(draft_row.updated_at),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft_updated(ago_ms: i64) -> DraftRow {
        DraftRow {
            id: "d".into(),
            version: 3,
            data_json: "{}".into(),
            scan_type: None,
            scan_name: None,
            scan_json: None,
            printed_ref: None,
            printed_amount_fen: None,
            updated_at: crate::server::store::now_ms() - ago_ms,
        }
    }

    /// An upload's refusal is said on reload and Back, not to a customer back a day later;
    /// a refused form keeps what was typed however long ago.
    #[test]
    fn an_upload_refused_long_ago_is_not_said_again() {
        let upload = Refused {
            step: Step::Scan,
            said: Some("图片太大".into()),
            at: 3,
            ..Refused::default()
        };
        assert!(!upload.stale(&draft_updated(60_000)));
        assert!(upload.stale(&draft_updated(24 * 3600 * 1000)));
        let form = Refused {
            step: Step::Form,
            at: 3,
            ..Refused::default()
        };
        assert!(!form.stale(&draft_updated(24 * 3600 * 1000)));
    }
}
