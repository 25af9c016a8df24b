//! The customer corrects their own order: where the certificate is mailed (until it is
//! mailed), and a returned organisation's details (then the form is printed again, signed
//! and uploaded with the corrections). Through the same door as the counter
//! (`routes::orders::correct`), so the same rule, checks, history and event.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::apply::failed;
use super::form::{self, Field};
use super::orders::{customer_actor, own_order};
use super::page::{self, Ctx};
use super::session::SignedIn;
use crate::api::{MailingAddress, OrderUpdate, Organization};
use crate::domain::{OrderPart, OrderStatus, UserType};
use crate::i18n::T;
use crate::server::AppState;
use crate::server::error::ApiError;
use crate::server::store::OrderRow;

/// What the correction form sends (its fields as the application form names them).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct EditForm {
    version: Option<i64>,
    /// `lang`: the language switch, pressed on the form (nothing is saved).
    keep: Option<String>,
    recipient: String,
    recipient_phone: String,
    province: String,
    city: String,
    district: String,
    street: String,
    postal_code: String,
    org_name: Option<String>,
    org_uscc: Option<String>,
    org_legal: Option<String>,
}

impl EditForm {
    /// The form as the order says now.
    fn of(row: &OrderRow) -> EditForm {
        let mailing: MailingAddress = serde_json::from_str(&row.mailing_json).unwrap_or_default();
        let org: Option<Organization> = row
            .organization_json
            .as_deref()
            .and_then(|j| serde_json::from_str(j).ok());
        EditForm {
            version: Some(row.version),
            keep: None,
            recipient: mailing.recipient,
            recipient_phone: mailing.phone,
            province: mailing.province,
            city: mailing.city,
            district: mailing.district,
            street: mailing.street,
            postal_code: mailing.postal_code,
            org_name: org.as_ref().map(|o| o.name.clone()),
            org_uscc: org.as_ref().map(|o| o.uscc.clone()),
            org_legal: org.map(|o| o.legal_representative),
        }
    }

    /// The correction it asks for, of the parts the order allows to change.
    fn update(&self, parts: &[OrderPart], version: i64) -> OrderUpdate {
        let mailing = parts.contains(&OrderPart::Mailing).then(|| MailingAddress {
            recipient: self.recipient.clone(),
            phone: self.recipient_phone.clone(),
            province: self.province.clone(),
            city: self.city.clone(),
            district: self.district.clone(),
            street: self.street.clone(),
            postal_code: self.postal_code.clone(),
        });
        // Only when the form had the organisation's fields (a page shown before the order
        // was returned has none: its address is saved, the organisation left alone).
        let organization = (parts.contains(&OrderPart::Organization) && self.org_name.is_some())
            .then(|| Organization {
                name: self.org_name.clone().unwrap_or_default(),
                uscc: self.org_uscc.clone().unwrap_or_default(),
                legal_representative: self.org_legal.clone().unwrap_or_default(),
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
    Path(order_no): Path<String>,
) -> Response {
    let row = match own_order(&state, &who, &order_no).await {
        Ok(row) => row,
        Err(page) => return page,
    };
    edit_page(&who, &row, &EditForm::of(&row), &[], None, StatusCode::OK)
}

/// `POST /orders/{order_no}/edit`: saved, to the order's page; else the form again with
/// what was typed and why.
pub async fn save(
    State(state): State<AppState>,
    who: SignedIn,
    Path(order_no): Path<String>,
    Form(typed): Form<EditForm>,
) -> Response {
    let ctx = &who.ctx;
    let row = match own_order(&state, &who, &order_no).await {
        Ok(row) => row,
        Err(page) => return page,
    };
    if typed.keep.as_deref() == Some("lang") {
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
        // what was typed is kept, beside what the order says now.
        Err(ApiError::Conflict { detail, .. }) => {
            let fresh = match state.store.order_by_no(&row.order_no).await {
                Ok(Some(fresh)) => fresh,
                Ok(None) => row.clone(),
                Err(e) => return failed(ctx, e.into()),
            };
            let mut kept = typed.clone();
            kept.version = Some(fresh.version);
            edit_page(
                &who,
                &fresh,
                &kept,
                &[],
                Some(detail.render(ctx.lang)),
                StatusCode::CONFLICT,
            )
        }
        Err(e) => failed(ctx, e),
    }
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
        let why = match row.status() {
            Ok(status) => ctx.fill(T::WebEditClosed, &[status.text().get(ctx.lang)]),
            Err(_) => ctx.fill(T::WebEditClosed, &[""]),
        };
        let body = html! {
            h1 { (title) }
            @if let Some(conflict) = &conflict { p.bad role="alert" { (conflict) } }
            p { (why) }
            (back)
        };
        return page::page(ctx, status, &title, body);
    }
    let e = |field: &str| {
        errors
            .iter()
            .find(|(f, _, _)| f == field)
            .map(|(_, _, m)| m.as_str())
    };
    let field = |name: &str,
                 label: T,
                 value: &str,
                 kind: &'static str,
                 auto: &'static str,
                 mode: &'static str,
                 max: usize| {
        form::field(&Field {
            name,
            label: ctx.t(label),
            value,
            error: e(name),
            kind,
            autocomplete: auto,
            inputmode: mode,
            max,
            ..Field::default()
        })
    };
    let t = typed;
    let shipped_soon = row.status().ok() == Some(OrderStatus::PendingShipment);
    let body = html! {
        h1 { (title) }
        @if let Some(conflict) = &conflict { p.bad role="alert" { (conflict) } }
        (form::summary(ctx, errors))
        p { (ctx.t(T::WebEditIntro)) }
        @if shipped_soon { p.hint { (ctx.t(T::WebEditBeforeMailing)) } }
        form #edit-form method="post" action=(action) novalidate {
            (form::token(ctx))
            input type="hidden" name="version" value=(t.version.unwrap_or(row.version));
            @if parts.contains(&OrderPart::Organization) {
                fieldset {
                    legend { (ctx.t(T::FieldOrganization)) }
                    p.hint { (ctx.t(T::WebEditOrgReprint)) }
                    (field("org_name", T::WebOrgName, t.org_name.as_deref().unwrap_or_default(), "text", "organization", "text", 100))
                    (field("org_uscc", T::WebOrgUscc, t.org_uscc.as_deref().unwrap_or_default(), "text", "off", "text", 18))
                    (field("org_legal", T::WebOrgLegal, t.org_legal.as_deref().unwrap_or_default(), "text", "off", "text", 50))
                }
            }
            fieldset {
                legend { (ctx.t(T::WebMailing)) }
                (field("recipient", T::WebRecipient, &t.recipient, "text", "shipping name", "text", 50))
                (field("recipient_phone", T::WebRecipientPhone, &t.recipient_phone, "tel", "shipping tel-national", "tel", 20))
                (field("province", T::WebProvince, &t.province, "text", "shipping address-level1", "text", 30))
                (field("city", T::WebCity, &t.city, "text", "shipping address-level2", "text", 30))
                (field("district", T::WebDistrict, &t.district, "text", "shipping address-level3", "text", 30))
                (field("street", T::WebStreet, &t.street, "text", "shipping street-address", "text", 200))
                (field("postal_code", T::WebPostalCode, &t.postal_code, "text", "shipping postal-code", "numeric", 6))
            }
            div.actions { button type="submit" { (ctx.t(T::WebEditSave)) } }
        }
        (back)
    };
    page::page(ctx, status, &title, body)
}
