//! The customer corrects their own order: where the certificate is mailed (until it is
//! mailed), and a returned organisation's details (then the form is printed again, signed
//! and uploaded with the corrections). Through the same door as the counter
//! (`routes::orders::correct`), so the same rule, checks, history and event.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::{Markup, html};

use super::apply::failed;
use super::form;
use super::orders::{customer_actor, own_order};
use super::page::{self, Ctx};
use super::session::{FormPost, SignedIn, forget_stash, restore};
use crate::api::{MailingAddress, OrderUpdate, Organization};
use crate::domain::{OrderPart, OrderStatus, UserType};
use crate::i18n::T;
use crate::server::AppState;
use crate::server::error::ApiError;
use crate::server::store::OrderRow;

/// What the correction form holds: each field as typed, and as the order said when the
/// form was made (`orig_<field>`, hidden), so a form sent after the order changed takes
/// the change in the fields the customer left alone instead of undoing it.
#[derive(Debug, Clone, Default)]
pub struct EditForm {
    version: Option<i64>,
    /// The language switch, pressed on the form (nothing is saved).
    keep_lang: bool,
    values: std::collections::BTreeMap<&'static str, String>,
    orig: std::collections::BTreeMap<&'static str, String>,
}

impl EditForm {
    /// The form as posted.
    fn from_posted(posted: &[(String, String)]) -> EditForm {
        let get = |name: &str| form::sent(posted, name).map(str::to_owned);
        let mut form = EditForm {
            version: get("version").and_then(|v| v.trim().parse().ok()),
            keep_lang: get("keep").as_deref() == Some("lang"),
            ..EditForm::default()
        };
        for name in form::ORGANISATION
            .iter()
            .chain(&form::MAILING)
            .map(|s| s.name)
        {
            if let Some(value) = get(name) {
                form.values.insert(name, value);
            }
            if let Some(value) = get(&format!("orig_{name}")) {
                form.orig.insert(name, value);
            }
        }
        form
    }
}

/// What the order says in each of the form's fields.
fn order_values(row: &OrderRow) -> std::collections::BTreeMap<&'static str, String> {
    let m: MailingAddress = serde_json::from_str(&row.mailing_json).unwrap_or_default();
    let mut values = std::collections::BTreeMap::from([
        ("recipient", m.recipient),
        ("recipient_phone", m.phone),
        ("province", m.province),
        ("city", m.city),
        ("district", m.district),
        ("street", m.street),
        ("postal_code", m.postal_code),
    ]);
    let org: Option<Organization> = row
        .organization_json
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok());
    if let Some(o) = org {
        values.extend([
            ("org_name", o.name),
            ("org_uscc", o.uscc),
            ("org_legal", o.legal_representative),
        ]);
    }
    values
}

/// What bringing a form up to date found.
#[derive(Debug, Default)]
struct Rebased {
    /// The fields the order changed since the form was made.
    changed: Vec<&'static str>,
    /// Those of them the customer had typed in too: the order's new value.
    both: Vec<(&'static str, String)>,
}

impl EditForm {
    /// The form as the order says now.
    fn of(row: &OrderRow) -> EditForm {
        let values = order_values(row);
        EditForm {
            version: Some(row.version),
            keep_lang: false,
            orig: values.clone(),
            values,
        }
    }

    fn value(&self, name: &str) -> String {
        self.values.get(name).cloned().unwrap_or_default()
    }

    /// The form against `row` as it is now, after it changed since the form was made: the
    /// fields the customer left alone take the order's new values, those they changed keep
    /// what was typed, and each field the order changed under a typed one is named with
    /// its new value. Returns the fields the order changed, and those changes.
    fn rebase(&mut self, row: &OrderRow) -> Rebased {
        let now = order_values(row);
        let mut rebased = Rebased::default();
        for (name, value) in &now {
            let was = self.orig.get(name).cloned().unwrap_or_default();
            if *value == was {
                continue;
            }
            rebased.changed.push(name);
            let typed = self.values.get(name).cloned().unwrap_or_default();
            if typed.trim() == was.trim() {
                self.values.insert(name, value.clone());
            } else if typed.trim() != value.trim() {
                rebased.both.push((*name, value.clone()));
            }
        }
        self.orig = now;
        self.version = Some(row.version);
        rebased
    }

    /// The correction it asks for, of the parts the order allows to change.
    fn update(&self, parts: &[OrderPart], version: i64) -> OrderUpdate {
        let v = |name: &str| self.value(name);
        let mailing = parts.contains(&OrderPart::Mailing).then(|| MailingAddress {
            recipient: v("recipient"),
            phone: v("recipient_phone"),
            province: v("province"),
            city: v("city"),
            district: v("district"),
            street: v("street"),
            postal_code: v("postal_code"),
        });
        // Only when the form had the organisation's fields (a page shown before the order
        // was returned has none: its address is saved, the organisation left alone).
        let organization = (parts.contains(&OrderPart::Organization)
            && self.values.contains_key("org_name"))
        .then(|| Organization {
            name: v("org_name"),
            uscc: v("org_uscc"),
            legal_representative: v("org_legal"),
        });
        OrderUpdate {
            version: Some(version),
            mailing,
            organization,
            ..OrderUpdate::default()
        }
    }
}

/// The parts of the customer's order they may correct now.
fn parts_of(row: &OrderRow) -> Vec<OrderPart> {
    match (row.status(), UserType::parse(&row.user_type)) {
        (Ok(status), Some(user_type)) => OrderPart::editable(status, user_type),
        _ => Vec::new(),
    }
}

/// The link on the order's page to its correction form, when there is anything to correct.
pub fn link(ctx: &Ctx, row: &OrderRow) -> Markup {
    let parts = parts_of(row);
    html! {
        @if !parts.is_empty() {
            p { a href=(format!("/orders/{}/edit", row.order_no)) {
                (ctx.t(if parts.contains(&OrderPart::Organization) { T::WebEditOrderAll } else { T::WebEditMailing }))
            } }
        }
    }
}

/// `GET /orders/{order_no}/edit`
pub async fn page(
    State(state): State<AppState>,
    who: SignedIn,
    headers: HeaderMap,
    Path(order_no): Path<String>,
) -> Response {
    let row = match own_order(&state, &who, &order_no).await {
        Ok(row) => row,
        Err(page) => return page,
    };
    let path = format!("/orders/{}/edit", row.order_no);
    match restore(&state, &headers, &who, &path).await {
        // A form sent after the sign-in had ended: filled back in, brought up to what the
        // order says now if it changed since, and not sent.
        Some(posted) => {
            let mut typed = EditForm::from_posted(&posted);
            typed.keep_lang = false;
            let ctx = &who.ctx;
            let mut errors = Vec::new();
            let mut notice = ctx.t(T::WebFormRestored).to_owned();
            if typed.version != Some(row.version) {
                let rebased = typed.rebase(&row);
                errors = changed_too(ctx, &rebased);
                if !rebased.changed.is_empty() {
                    notice = format!("{notice} {}", rebased_message(ctx, &rebased));
                }
            }
            let shown = edit_page(&who, &row, &typed, &errors, Some(notice), StatusCode::OK);
            forget_stash(&state, shown)
        }
        None => edit_page(&who, &row, &EditForm::of(&row), &[], None, StatusCode::OK),
    }
}

/// The errors beside the fields the order changed under what the customer typed.
fn changed_too(ctx: &Ctx, rebased: &Rebased) -> Vec<(String, String, String)> {
    rebased
        .both
        .iter()
        .map(|(name, now)| {
            (
                (*name).to_owned(),
                ctx.t(label_of(name)).to_owned(),
                ctx.fill(T::WebEditChangedToo, &[now]),
            )
        })
        .collect()
}

/// What the form says of the fields the order changed since it was made.
fn rebased_message(ctx: &Ctx, rebased: &Rebased) -> String {
    let named: Vec<&str> = rebased.changed.iter().map(|n| ctx.t(label_of(n))).collect();
    ctx.fill(T::WebEditRebased, &[&named.join(ctx.t(T::ListJoin))])
}

/// `POST /orders/{order_no}/edit`: saved, to the order's page; else the form again with
/// what was typed and why.
pub async fn save(
    State(state): State<AppState>,
    Path(order_no): Path<String>,
    FormPost { who, body }: FormPost,
) -> Response {
    let ctx = &who.ctx;
    let typed = EditForm::from_posted(&form::posted(&body));
    let row = match own_order(&state, &who, &order_no).await {
        Ok(row) => row,
        Err(page) => return page,
    };
    if typed.keep_lang {
        return edit_page(&who, &row, &typed, &[], None, StatusCode::OK);
    }
    let parts = parts_of(&row);
    if parts.is_empty() {
        // Mailed (or cancelled) since the form was shown: the page says so.
        return edit_page(&who, &row, &typed, &[], None, StatusCode::CONFLICT);
    }
    // A form without the version it was made from cannot say it saw the order as it is.
    let Some(version) = typed.version else {
        let mut kept = typed.clone();
        kept.version = Some(row.version);
        let moved = ctx.t(T::WebOrderMovedOn).to_owned();
        return edit_page(&who, &row, &kept, &[], Some(moved), StatusCode::CONFLICT);
    };
    let update = typed.update(&parts, version);
    let actor = customer_actor(&who.customer.phone);
    match crate::server::routes::orders::correct(&state, &row, &update, actor, None).await {
        Ok(edited) => {
            let to = match edited
                .changed
                .iter()
                .any(|f| f.starts_with("organization."))
            {
                true => "reprint",
                false if edited.changed.is_empty() => "unchanged",
                false => "saved",
            };
            page::see_other(&format!("/orders/{}?edited={to}", row.order_no))
        }
        Err(ApiError::Validation(problems)) => {
            let errors: Vec<(String, String, String)> = problems
                .iter()
                .map(|(path, message)| {
                    let (field, label) = super::apply::field_of(path);
                    (
                        field.to_owned(),
                        ctx.t(label).to_owned(),
                        message.render(ctx.lang),
                    )
                })
                .collect();
            edit_page(
                &who,
                &row,
                &typed,
                &errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        // Changed meanwhile (at the counter, in another tab) or no longer open to change:
        // the form is brought up to what the order says now, keeping what was typed, and
        // says what changed; nothing the other side did is undone by sending it again.
        Err(ApiError::Conflict { code, detail, .. }) => {
            let fresh = match state.store.order_by_no(&row.order_no).await {
                Ok(Some(fresh)) => fresh,
                Ok(None) => row.clone(),
                Err(e) => return failed(ctx, e.into()),
            };
            let mut kept = typed.clone();
            let rebased = kept.rebase(&fresh);
            let errors = changed_too(ctx, &rebased);
            let message = if code == "version_conflict" {
                rebased_message(ctx, &rebased)
            } else {
                detail.render(ctx.lang)
            };
            edit_page(
                &who,
                &fresh,
                &kept,
                &errors,
                Some(message),
                StatusCode::CONFLICT,
            )
        }
        Err(e) => failed(ctx, e),
    }
}

/// The label of a form field, by its name.
fn label_of(name: &str) -> T {
    form::ORGANISATION
        .iter()
        .chain(&form::MAILING)
        .find(|s| s.name == name)
        .map_or(T::WebPostalCode, |s| s.label)
}

fn edit_page(
    who: &SignedIn,
    row: &OrderRow,
    typed: &EditForm,
    errors: &[(String, String, String)],
    conflict: Option<String>,
    status: StatusCode,
) -> Response {
    let mut ctx = who.ctx.clone();
    let action = format!("/orders/{}/edit", row.order_no);
    ctx.switch_form = Some(("edit-form", action.clone()));
    let ctx = &ctx;
    let parts = parts_of(row);
    let title = ctx.fill(T::WebEditTitle, &[&row.order_no]);
    let back =
        html! { p { a href=(format!("/orders/{}", row.order_no)) { (ctx.t(T::WebBackToOrder)) } } };
    if parts.is_empty() {
        let why = match (&row.tracking_no, row.status()) {
            // Mailed (perhaps while the form was open): said with the parcel's number.
            (Some(number), _) => ctx.fill(T::WebEditShipped, &[number]),
            (None, Ok(status)) => ctx.fill(T::WebEditClosed, &[status.text().get(ctx.lang)]),
            (None, Err(_)) => ctx.fill(T::WebEditClosed, &[""]),
        };
        let body = html! {
            h1 { (title) }
            @if let Some(conflict) = &conflict { p.bad role="alert" { (conflict) } }
            p { (why) }
            (back)
        };
        return page::page(ctx, status, &title, body);
    }
    let t = typed;
    let v = |name: &str| t.value(name);
    let shipped_soon = row.status().ok() == Some(OrderStatus::PendingShipment);
    let body = html! {
        h1 { (title) }
        @if let Some(conflict) = &conflict { p.bad role="alert" { (conflict) } }
        (form::summary(ctx, errors))
        // Whose name was verified: the applicant's, or an organisation's handler's.
        p { (ctx.t(if UserType::parse(&row.user_type) == Some(UserType::Organization) {
            T::WebEditIntroHandler
        } else {
            T::WebEditIntro
        })) }
        @if shipped_soon { p.hint { (ctx.t(T::WebEditBeforeMailing)) } }
        form #edit-form method="post" action=(action) novalidate {
            (form::token(ctx))
            input type="hidden" name="version" value=(t.version.unwrap_or(row.version));
            @for (name, was) in &t.orig {
                input type="hidden" name=(format!("orig_{name}")) value=(was);
            }
            @if parts.contains(&OrderPart::Organization) {
                fieldset {
                    legend { (ctx.t(T::WebOrganisationLegend)) }
                    p.hint { (ctx.t(T::WebEditOrgReprint)) }
                    (form::fields(ctx, &form::ORGANISATION, v, errors))
                }
            }
            fieldset {
                legend { (ctx.t(T::WebMailing)) }
                (form::fields(ctx, &form::MAILING, v, errors))
            }
            div.actions { button type="submit" { (ctx.t(T::WebEditSave)) } }
        }
        (back)
    };
    page::page(ctx, status, &title, body)
}
