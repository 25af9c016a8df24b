//! The steps of an application: which one a customer is on, what each shows, and what
//! each does with what it is sent.

use base64::Engine;
use maud::{Markup, html};
use serde::{Deserialize, Serialize};

use super::super::form::{self, Field};
use super::super::page::Ctx;
use super::{Draft, Fields, Posted, Refused, identity_line, new_order};
use crate::api::RealnameStatus;
use crate::domain::{Money, UserType};
use crate::i18n::{Lang, T};
use crate::server::AppState;
use crate::server::error::ApiError;
use crate::server::store::self_service::DraftRow;
use crate::server::store::self_service::ONLINE_OPERATOR_ID;
use crate::server::store::{CustomerRow, DayTries, MAX_ATTEMPTS};

/// A step of the application, in order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Prove who you are.
    #[default]
    Realname,
    /// Choose the project and the certificate.
    Project,
    /// Read and accept the terms.
    Terms,
    /// Fill in the form.
    Form,
    /// Print and sign it.
    Print,
    /// Upload the signed scan.
    Scan,
    /// Check and submit.
    Review,
}

impl Step {
    const ALL: [Step; 7] = [
        Step::Realname,
        Step::Project,
        Step::Terms,
        Step::Form,
        Step::Print,
        Step::Scan,
        Step::Review,
    ];

    /// The step's own address: each step a page of its own, so that the browser's Back
    /// goes to the step before, as on any site of several pages.
    pub fn address(self) -> String {
        format!("/apply?step={}", self.name())
    }

    fn name(self) -> &'static str {
        match self {
            Step::Realname => "realname",
            Step::Project => "project",
            Step::Terms => "terms",
            Step::Form => "form",
            Step::Print => "print",
            Step::Scan => "scan",
            Step::Review => "review",
        }
    }

    /// Parses `?step=`.
    pub fn parse(name: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The step's number, 1 to 7.
    pub fn number(self) -> i64 {
        Step::ALL
            .iter()
            .position(|s| *s == self)
            .map_or(1, |i| i as i64 + 1)
    }

    /// Its name in addresses and in the API (`realname`…).
    pub fn code(self) -> &'static str {
        self.name()
    }

    pub(crate) fn label(self) -> T {
        match self {
            Step::Realname => T::WebStepRealname,
            Step::Project => T::WebStepProject,
            Step::Terms => T::WebStepTerms,
            Step::Form => T::WebStepForm,
            Step::Print => T::WebStepPrint,
            Step::Scan => T::WebStepScan,
            Step::Review => T::WebStepReview,
        }
    }
}

/// The furthest step the draft has reached, or an earlier one asked for.
pub fn current(draft: &Draft, verified: bool, has_scan: bool, asked: Option<Step>) -> Step {
    let furthest = if !verified {
        Step::Realname
    } else if draft.product_id.is_none() {
        Step::Project
    } else if !draft.terms_accepted {
        Step::Terms
    } else if !draft.form_done {
        Step::Form
    } else if draft.step < Step::Scan && !has_scan {
        Step::Print
    } else if !has_scan {
        Step::Scan
    } else {
        Step::Review
    };
    match asked {
        Some(step) if step <= furthest && (verified || step == Step::Realname) => step,
        _ => furthest,
    }
}

/// Everything a step's page is drawn from.
pub struct View<'a> {
    pub ctx: &'a Ctx,
    pub state: &'a AppState,
    pub customer: &'a CustomerRow,
    pub row: &'a DraftRow,
    pub draft: &'a Draft,
    pub identity: Option<&'a (String, String)>,
    pub phone_browser: bool,
    /// Every project listed on the project step (`?all=1`), not only the first few.
    pub all_projects: bool,
}

/// What handling a step's form came to.
pub enum Outcome {
    /// Keep this draft, then show this step (the one after the step sent, or the furthest
    /// the draft allows if that is earlier).
    Saved(Draft, Step),
    /// Show `step` again with `errors` (field, label, message) and what was typed.
    Again {
        step: Step,
        errors: Vec<FieldError>,
        typed: Fields,
    },
    /// Go to this address.
    Go(String),
    /// A verification begun on a PC: its code is shown at the real-name step's own address
    /// (this bearer token kept in the browser's cookie, never in an address), so that
    /// reload and Back there show it again rather than send a form.
    Code(String),
}

/// The steps so far, the current one marked.
fn progress(ctx: &Ctx, step: Step) -> Markup {
    html! {
        ol.steps aria-label=(ctx.t(T::WebStepsLabel)) {
            @for s in Step::ALL {
                @if s == step {
                    li.now aria-current="step" { (ctx.t(s.label())) }
                } @else {
                    li { (ctx.t(s.label())) }
                }
            }
        }
    }
}

fn version(view: &View<'_>) -> Markup {
    html! {
        (form::token(view.ctx))
        input type="hidden" name="version" value=(view.row.version);
        // Which application this page is of: a tab left open after it became an order is
        // led to that order rather than to a new, blank application.
        input type="hidden" name="draft" value=(view.row.id);
    }
}

/// Projects listed at once on the project step (the search finds the others).
const PROJECTS_SHOWN: usize = 5;

/// The page of `step`.
pub async fn body(
    view: &View<'_>,
    step: Step,
    q: &str,
    errors: &[(String, String, String)],
) -> Result<Markup, ApiError> {
    let ctx = view.ctx;
    let error_of = |field: &str| {
        errors
            .iter()
            .find(|(f, _, _)| f == field)
            .map(|(_, _, m)| m.as_str())
    };
    let inner = match step {
        // Back to this step once the identity is confirmed: said so, and the way on.
        Step::Realname if view.identity.is_some() => {
            let who = view.identity.map(identity_line).unwrap_or_default();
            html! {
                h2 { (ctx.t(T::WebStepRealname)) }
                p role="status" { (ctx.fill(T::WebRealnameAlready, &[who.as_str()])) }
                p { a.button href=(Step::Project.address()) { (ctx.t(T::PageRealnameBackToApply)) } }
            }
        }
        Step::Realname => {
            let spent = realname_tries_spent(ctx, view.state, &view.customer.id).await?;
            html! {
                h2 { (ctx.t(T::WebStepRealname)) }
                // A face check only where the provider does one (Alipay's); the built-in
                // demo check reads the name and ID number alone.
                p { (ctx.t(if view.state.identity.name() == "alipay" { T::WebRealnameIntro } else { T::WebRealnameIntroNoFace })) }
                @if let Some(said) = spent {
                    p.bad role="status" { (said) }
                } @else {
                    form method="post" action="/apply" {
                        (version(view))
                        input type="hidden" name="action" value="realname";
                        div.actions { button type="submit" {
                            @if view.phone_browser { (ctx.t(T::WebRealnameStart)) } @else { (ctx.t(T::WebRealnameShowCode)) }
                        } }
                    }
                }
            }
        }
        Step::Project => {
            // The most used first; a phone page lists a few, and the search finds the rest.
            let mut projects = view.state.store.search_projects(q.trim()).await?;
            let shown = if view.all_projects {
                projects.len()
            } else {
                PROJECTS_SHOWN
            };
            let more = projects.len().saturating_sub(shown);
            projects.truncate(shown);
            // The example is one of this catalog's own projects, so that typing it finds
            // something: its region and the start of its pinyin initials.
            let hint = projects.first().map(|p| {
                let initials: String = p.initials.chars().take(2).collect();
                let place = if p.region.trim().is_empty() {
                    &p.name
                } else {
                    &p.region
                };
                ctx.fill(T::WebProjectSearchHint, &[place, &initials])
            });
            html! {
                h2 { (ctx.t(T::WebStepProject)) }
                // A new application after an earlier one (Back from the one just sent, or
                // a year later): where that one is, so it is not taken as lost.
                @if let Some(order_no) = view.draft.filled_from.as_ref().filter(|_| view.draft.product_id.is_none()) {
                    p.hint {
                        (ctx.fill(T::WebEarlierOrder, &[order_no])) " "
                        a href=(format!("/orders/{order_no}")) { (ctx.t(T::WebSeeEarlierOrder)) }
                    }
                }
                form method="get" action="/apply" role="search" {
                    input type="hidden" name="step" value="project";
                    (form::field(&Field {
                        name: "q",
                        label: ctx.t(T::WebProjectSearch),
                        value: q,
                        hint: hint.as_deref(),
                        autocomplete: "off",
                        max: 100,
                        ..Field::default()
                    }))
                    div.actions { button.secondary type="submit" { (ctx.t(T::WebSearch)) } }
                }
                // Nothing found: the way on is every project, not a dead end.
                @if projects.is_empty() {
                    p { (ctx.t(T::WebNoProjects)) " " a href="/apply?step=project&all=1" { (ctx.t(T::WebAllProjects)) } }
                }
                // Every project, by name only (a page of every product's form would be too
                // heavy for a cheap phone): each leads to its own products.
                @if view.all_projects {
                    ul.orders {
                        @for project in &projects {
                            li { h3 { a href=(format!("/apply?step=project&q={}", form_urlencoded::byte_serialize(project.name.as_bytes()).collect::<String>())) { (project.name) } } }
                        }
                    }
                } @else {
                @if more > 0 {
                    p.hint {
                        (ctx.fill(T::WebMoreProjects, &[&more.to_string()])) " "
                        a href="/apply?step=project&all=1" { (ctx.t(T::WebAllProjects)) }
                    }
                }
                ul.orders {
                    @for project in &projects {
                        li {
                            h3 { (project.name) }
                            div.actions {
                                @for product in &project.products {
                                    // Whom it is for in the page's words, unless the catalog's
                                    // name says so already (个人证书…): an English reader
                                    // tells a person's from an organisation's.
                                    @let whom = ctx.t(match product.user_type { UserType::Organization => T::WebForOrganisation, UserType::Individual => T::WebForIndividual });
                                    @let name = if product.name.contains(whom) { product.name.clone() } else { format!("{} · {whom}", product.name) };
                                    form method="post" action="/apply" {
                                        (version(view))
                                        input type="hidden" name="action" value="product";
                                        input type="hidden" name="product_id" value=(product.id);
                                        button type="submit" aria-label=(format!("{} {} {}", project.name, name, Money::from_fen(product.price_fen).unwrap_or_default())) {
                                            (name) " · " (Money::from_fen(product.price_fen).unwrap_or_default().to_string())
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                }
            }
        }
        Step::Terms => {
            let text = match &view.state.config.terms_file {
                Some(path) => tokio::fs::read_to_string(path)
                    .await
                    .map_err(|e| ApiError::Internal(e.to_string()))?,
                None => match ctx.lang {
                    crate::i18n::Lang::ZhCn => include_str!("../../terms/zh.txt").to_owned(),
                    crate::i18n::Lang::En => include_str!("../../terms/en.txt").to_owned(),
                },
            };
            let product = match &view.draft.product_id {
                Some(id) => view.state.store.product(id).await?,
                None => None,
            };
            html! {
                h2 { (ctx.t(T::WebStepTerms)) }
                @if let Some(product) = &product {
                    // Whom it is for, unless the product's name says so already (个人证书…).
                    @let whom = ctx.t(match UserType::parse(&product.user_type) { Some(UserType::Organization) => T::WebForOrganisation, _ => T::WebForIndividual });
                    p { (product.project_name) " · " (product.name)
                        @if !product.name.contains(whom) { " · " (whom) } }
                    p { a href="/apply?step=project" { (ctx.t(T::WebChangeProduct)) } }
                }
                (same_product_open(view).await?)
                // Accepted before, in a version since replaced: said, above the new text.
                @if view.draft.terms_changed(&view.state.config.terms_version) {
                    p.bad role="status" { (ctx.t(T::WebTermsChanged)) }
                }
                div.terms tabindex="0" role="region" aria-label=(ctx.t(T::WebStepTerms)) { (text) }
                (form::summary(ctx, errors))
                form #terms-form method="post" action="/apply" {
                    (version(view))
                    input type="hidden" name="action" value="terms";
                    (form::checkbox("accept", ctx.t(T::WebAcceptTerms), view.draft.terms_accepted, error_of("accept")))
                    div.actions { button type="submit" { (ctx.t(T::WebNext)) } }
                }
            }
        }
        Step::Form => form_step(view, errors).await?,
        Step::Print => {
            // A stamp is an organisation's; an individual only signs.
            let organisation = match &view.draft.product_id {
                Some(id) => view.state.store.product(id).await?,
                None => None,
            }
            .and_then(|p| UserType::parse(&p.user_type))
                == Some(UserType::Organization);
            let intro = if organisation {
                T::WebPrintIntro
            } else {
                T::WebPrintIntroIndividual
            };
            html! {
            h2 { (ctx.t(T::WebStepPrint)) }
            p { (ctx.t(intro)) }
            p { a.button href="/apply/form.pdf" { (ctx.t(T::WebDownloadForm)) } }
            p.small { (ctx.fill(T::WebReference, &[&view.draft.reference])) }
            // Not everyone has a printer: where else the paper comes from.
            p.small { (ctx.fill(T::WebNoPrinter, &[&ctx.hotline])) }
            form method="post" action="/apply" {
                (version(view))
                input type="hidden" name="action" value="printed";
                div.actions { button type="submit" { (ctx.t(T::WebPrinted)) } }
            }
            // A mistake seen on the paper: back to the form (a change then asks to print
            // again, under a new reference).
            p { a href="/apply?step=form" { (ctx.t(T::WebChangeForm)) } }
            }
        }
        Step::Scan => {
            let action = format!(
                "/apply/scan?{}={}",
                super::super::FORM_FIELD,
                ctx.form_token
            );
            html! {
                h2 { (ctx.t(T::WebStepScan)) }
                p { (ctx.t(T::WebScanIntro)) }
                // Back at this step with a scan already taken: said, so that it is not
                // sent again for nothing.
                @if let Some(name) = view.row.scan_name.as_deref().filter(|_| view.row.scan_type.is_some()) {
                    p role="status" { "✓ " (ctx.fill(T::WebScanAlready, &[name])) }
                }
                (form::summary(ctx, errors))
                form method="post" action=(action) enctype="multipart/form-data" {
                    input type="hidden" name="version" value=(view.row.version);
                    div.field.invalid[error_of("scan").is_some()] {
                        label for="scan" { (ctx.t(T::WebScanLabel)) }
                        p.hint id="scan-hint" { (ctx.fill(T::WebScanHint, &[&ctx.upload_mb.to_string()])) }
                        @if let Some(error) = error_of("scan") { p.field-error id="scan-error" { (error) } }
                        // No `capture`: on a phone it opens the camera alone, and a scan
                        // kept as a file (a PDF from a scanner) could not be chosen.
                        input type="file" id="scan" name="scan" accept="image/*,application/pdf"
                            aria-describedby=(if error_of("scan").is_some() { "scan-hint scan-error" } else { "scan-hint" });
                    }
                    div.actions { button type="submit" { (ctx.t(T::WebUpload)) } }
                }
                p { a href="/apply?step=print" { (ctx.t(T::WebBackToPrint)) } }
            }
        }
        Step::Review => review(view).await?,
    };
    Ok(html! {
        h1 { (ctx.t(T::WebApplyTitle)) }
        (progress(ctx, step))
        (inner)
    })
}

async fn form_step(
    view: &View<'_>,
    errors: &[(String, String, String)],
) -> Result<Markup, ApiError> {
    let ctx = view.ctx;
    // A form never filled starts from what is known: the number signed in with, and the
    // verified name and that number for the parcel.
    let mut prefilled = view.draft.fields.clone();
    if errors.is_empty() && !view.draft.form_done {
        if prefilled.phone.is_empty() {
            prefilled.phone = view.customer.phone.clone();
        }
        if prefilled.recipient_phone.is_empty() {
            prefilled.recipient_phone = view.customer.phone.clone();
        }
        if prefilled.recipient.is_empty()
            && let Some((name, _)) = view.identity
        {
            prefilled.recipient = name.clone();
        }
    }
    let f = &prefilled;
    let product = match &view.draft.product_id {
        Some(id) => view.state.store.product(id).await?,
        None => None,
    };
    let organisation = product.as_ref().and_then(|p| UserType::parse(&p.user_type))
        == Some(UserType::Organization);
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
    let value = |name: &str| {
        match name {
            "org_name" => &f.org_name,
            "org_uscc" => &f.org_uscc,
            "org_legal" => &f.org_legal,
            "recipient" => &f.recipient,
            "recipient_phone" => &f.recipient_phone,
            "province" => &f.province,
            "city" => &f.city,
            "district" => &f.district,
            "street" => &f.street,
            "postal_code" => &f.postal_code,
            _ => "",
        }
        .to_owned()
    };
    Ok(html! {
        h2 { (ctx.t(T::WebStepForm)) }
        // What this form applies for, and the way back to choose again (coming back the
        // next day, the customer sees what they chose).
        @if let Some(product) = &product {
            p {
                (product.project_name) " · " (product.name) " · "
                (Money::from_fen(product.price_fen).unwrap_or_default().to_string()) " "
                // A button of the form, so what was typed is kept before choosing again.
                button.switch type="submit" form="apply-form" formnovalidate name="keep" value="product" {
                    (ctx.t(T::WebChangeProduct))
                }
            }
        }
        @if let Some(order_no) = view.draft.filled_from.as_ref().filter(|_| !view.draft.form_done) {
            p.hint { (ctx.fill(T::WebFilledFromLast, &[order_no])) }
        }
        (form::summary(ctx, errors))
        form #apply-form method="post" action="/apply" novalidate {
            (version(view))
            input type="hidden" name="action" value="form";
            fieldset {
                legend { (ctx.t(if organisation { T::WebHandler } else { T::WebApplicant })) }
                @if let Some(identity) = view.identity {
                    p { (identity_line(identity)) " " span.ok { "✓ " (ctx.t(T::WebVerified)) } }
                }
                // The number signed in with: the order's texts go to it, so it is not
                // another typed here.
                (form::field(&Field {
                    name: "phone",
                    label: ctx.t(T::FieldPhone),
                    value: &view.customer.phone,
                    hint: Some(ctx.t(T::WebPhoneIsAccount)),
                    kind: "tel",
                    autocomplete: "tel-national",
                    inputmode: "tel",
                    max: 20,
                    readonly: true,
                    ..Field::default()
                }))
                (field("email", T::WebEmailOptional, &f.email, "email", "email", "email", 254))
            }
            @if organisation {
                fieldset {
                    legend { (ctx.t(T::FieldOrganization)) }
                    (form::fields(ctx, &form::ORGANISATION, value, errors))
                }
            }
            fieldset {
                legend { (ctx.t(T::WebMailing)) }
                // On the English pages: the courier reads Chinese (an address in pinyin was
                // returned by the reviewer, a round trip lost).
                @if ctx.lang == crate::i18n::Lang::En { p.hint { (ctx.t(T::WebMailingInChinese)) } }
                (form::fields(ctx, &form::MAILING, value, errors))
            }
            div.actions { button type="submit" { (ctx.t(T::WebNext)) } }
        }
    })
}

async fn review(view: &View<'_>) -> Result<Markup, ApiError> {
    let ctx = view.ctx;
    let product = match &view.draft.product_id {
        Some(id) => view.state.store.product(id).await?,
        None => None,
    };
    let check: Option<crate::api::ScanCheck> = view
        .row
        .scan_json
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok());
    let f = &view.draft.fields;
    let organisation = product.as_ref().and_then(|p| UserType::parse(&p.user_type))
        == Some(UserType::Organization);
    Ok(html! {
        h2 { (ctx.t(T::WebStepReview)) }
        (same_product_open(view).await?)
        dl {
            @if let Some(product) = &product {
                dt { (ctx.t(T::FieldProject)) } dd { (product.project_name) }
                dt { (ctx.t(T::DocProduct)) } dd { (product.name) " · " (Money::from_fen(product.price_fen).unwrap_or_default().to_string()) }
            }
            // An organisation's certificate names it: checked here before it is paid for.
            @if organisation {
                dt { (ctx.t(T::WebOrgName)) } dd { (f.org_name) }
                dt { (ctx.t(T::WebOrgUscc)) } dd { (f.org_uscc) }
                dt { (ctx.t(T::WebOrgLegal)) } dd { (f.org_legal) }
            }
            // The person, under the name the form gives them (an organisation's handler).
            @if let Some(identity) = view.identity {
                dt { (ctx.t(if organisation { T::WebHandler } else { T::FieldApplicant })) } dd { (identity_line(identity)) }
            }
            // Where the invoice and notices go, when given.
            @if !f.email.trim().is_empty() {
                dt { (ctx.t(T::FieldEmail)) } dd { (f.email) }
            }
            // Who receives it, then where: lines of their own, as on a parcel.
            dt { (ctx.t(T::WebMailing)) }
            dd {
                (f.recipient) " " (f.recipient_phone) br;
                (crate::domain::address(&f.province, &f.city, &f.district, &f.street)) br;
                (ctx.t(T::FormPostalCode)) " " (f.postal_code)
            }
            dt { (ctx.t(T::WebStepScan)) }
            dd {
                (view.row.scan_name.clone().unwrap_or_default())
                @if let Some(check) = &check {
                    br;
                    // The customer is told what to do, not what a reviewer checks.
                    @if check.outcome == crate::api::ScanOutcome::NoCode {
                        span { (ctx.t(T::WebScanNoCode)) }
                    } @else if check.outcome == crate::api::ScanOutcome::NotChecked {
                        span { (ctx.t(T::WebScanPdfNotChecked)) }
                    } @else {
                        span.ok[check.is_ok()] { (check.describe(&view.draft.reference, ctx.lang)) }
                    }
                }
            }
        }
        p { a href="/apply?step=form" { (ctx.t(T::WebChangeForm)) } " · " a href="/apply?step=scan" { (ctx.t(T::WebChangeScan)) } }
        form method="post" action="/apply/submit" {
            (form::token(ctx))
            input type="hidden" name="version" value=(view.row.version);
            input type="hidden" name="draft" value=(view.row.id);
            div.actions { button type="submit" { (ctx.t(T::WebSubmit)) } }
        }
    })
}

/// The customer's orders of the product this application is for that are still under
/// way, said with a link to each: the same certificate applied for twice is paid for twice
/// (the counter warns its clerk the same way). Nothing when there are none.
async fn same_product_open(view: &View<'_>) -> Result<Markup, ApiError> {
    let Some(product) = view.draft.product_id.as_deref() else {
        return Ok(html! {});
    };
    let ctx = view.ctx;
    let open: Vec<_> = view
        .state
        .store
        .orders_of_customer(&view.customer.id, 50)
        .await?
        .into_iter()
        .filter(|o| o.product_id == product && o.status().is_ok_and(|s| !s.is_final()))
        .collect();
    if open.is_empty() {
        return Ok(html! {});
    }
    let list = html! {
        @for (i, order) in open.iter().enumerate() {
            @if i > 0 { (ctx.t(T::ListJoin)) }
            a href=(format!("/orders/{}", order.order_no)) { (order.order_no) }
            @if let Ok(status) = order.status() {
                (ctx.fill(T::WebParenthesised, &[status.customer_label(ctx.lang)]))
            }
        }
    };
    let text = ctx.t(T::WebSameProductOpen);
    let (before, after) = text.split_once("{0}").unwrap_or((text, ""));
    Ok(html! { p.bad role="status" { "⚠ " (before) (list) (after) } })
}

/// `fields` as the checks that passed (`valid`) keep them.
fn normalised(fields: Fields, valid: &crate::server::store::ValidOrder) -> Fields {
    let applicant: Option<crate::api::Applicant> = serde_json::from_str(&valid.applicant_json).ok();
    let organization: Option<crate::api::Organization> = valid
        .organization_json
        .as_deref()
        .and_then(|json| serde_json::from_str(json).ok());
    let mailing: Option<crate::api::MailingAddress> =
        serde_json::from_str(&valid.mailing_json).ok();
    let mut out = fields;
    let email = applicant.map(|a| {
        out.phone = a.phone;
        a.email.unwrap_or_default()
    });
    out.take(email, organization, mailing);
    out
}

/// The application's form as this customer posted it: the mobile number the one signed in
/// with, and — a person's form having none — the organisation's fields as the application
/// held them (its last order's company waits for an organisation's certificate chosen
/// later).
fn typed_over(posted: &Posted, view: &View<'_>) -> Fields {
    let mut fields = typed(posted);
    fields.phone = view.customer.phone.clone();
    if form::sent(posted, "org_name").is_none() {
        let held = &view.draft.fields;
        fields.org_name = held.org_name.clone();
        fields.org_uscc = held.org_uscc.clone();
        fields.org_legal = held.org_legal.clone();
    }
    fields
}

/// The form's fields from what was posted.
pub(super) fn typed(posted: &Posted) -> Fields {
    let get = |name: &str| form::sent(posted, name).unwrap_or_default().to_owned();
    Fields {
        phone: get("phone"),
        email: get("email"),
        org_name: get("org_name"),
        org_uscc: get("org_uscc"),
        org_legal: get("org_legal"),
        recipient: get("recipient"),
        recipient_phone: get("recipient_phone"),
        province: get("province"),
        city: get("city"),
        district: get("district"),
        street: get("street"),
        postal_code: get("postal_code"),
    }
}

/// The form field a problem of the order's checks belongs to, with its label (the
/// application form's names, which the correction form shares).
pub fn field_of(path: &str) -> (&'static str, T) {
    match path {
        "applicant.phone" => ("phone", T::FieldPhone),
        "applicant.email" => ("email", T::WebEmailOptional),
        "organization.name" | "organization" => ("org_name", T::WebOrgName),
        "organization.uscc" => ("org_uscc", T::WebOrgUscc),
        "organization.legal_representative" => ("org_legal", T::WebOrgLegal),
        "mailing.recipient" => ("recipient", T::WebRecipient),
        "mailing.phone" => ("recipient_phone", T::WebRecipientPhone),
        "mailing.province" => ("province", T::WebProvince),
        "mailing.city" => ("city", T::WebCity),
        "mailing.district" => ("district", T::WebDistrict),
        "mailing.street" => ("street", T::WebStreet),
        "mailing.postal_code" => ("postal_code", T::WebPostalCode),
        _ => ("phone", T::WebStepRealname),
    }
}

/// An error beside a field: the field's name, its label, the message.
pub type FieldError = (String, String, String);

/// The terms' box left unticked.
fn terms_unticked(ctx: &Ctx) -> FieldError {
    (
        "accept".into(),
        ctx.t(T::WebAcceptTerms).into(),
        ctx.t(T::WebMustAccept).into(),
    )
}

/// The draft's form checked by the rules the order will be checked by: its values as the
/// order will keep them (湖南 → 湖南省, a phone's spaces gone, so that the confirm step
/// and the printed form read the same), or the errors beside their fields.
async fn check_form(
    view: &View<'_>,
    draft: &Draft,
) -> Result<Result<Fields, Vec<FieldError>>, ApiError> {
    form_problems(
        view.state,
        view.customer,
        draft,
        view.identity,
        view.ctx.lang,
    )
    .await
}

/// The application form of `draft` checked as the platform checks an order: its fields
/// normalised, or each field's problem (field, label, message) in `lang`. The customer's
/// page and the support agent's caller card tell the same.
pub async fn form_problems(
    state: &AppState,
    customer: &CustomerRow,
    draft: &Draft,
    identity: Option<&(String, String)>,
    lang: Lang,
) -> Result<Result<Fields, Vec<FieldError>>, ApiError> {
    let product = match &draft.product_id {
        Some(id) => state.store.product(id).await?,
        None => None,
    };
    let user_type = product
        .as_ref()
        .and_then(|p| UserType::parse(&p.user_type))
        .unwrap_or(UserType::Individual);
    let order = new_order(customer, draft, identity, user_type);
    match crate::server::validate::new_order(
        &order,
        true,
        product.as_ref(),
        &state.fonts,
        &state.config,
    ) {
        Ok(valid) => Ok(Ok(normalised(draft.fields.clone(), &valid))),
        Err(ApiError::Validation(problems)) => Ok(Err(problems
            .iter()
            .map(|(path, message)| {
                let (field, label) = field_of(path);
                (
                    field.to_owned(),
                    label.get(lang).to_owned(),
                    message.render(lang),
                )
            })
            .collect())),
        Err(other) => Err(other),
    }
}

/// The real-name step on a PC with a code shown (its bearer `token`, from the browser's
/// cookie): the code while it is good — with, when `asked` ("I finished on my phone"),
/// what became of the tries so far —, or why it is gone and the way to a new one. `None`:
/// the token is not this customer's (the step as usual then).
pub async fn code_page(
    view: &View<'_>,
    token: &str,
    asked: bool,
) -> Result<Option<Markup>, ApiError> {
    let ctx = view.ctx;
    let Some(session) = view
        .state
        .store
        .realname_by_token(token)
        .await?
        .filter(|s| s.customer_id == view.customer.id)
    else {
        return Ok(None);
    };
    let now = crate::server::store::now_ms();
    let status = session.status_at(now);
    // The tries for the day spent: said in place of the code and of any way to a new one.
    let spent = realname_tries_spent(ctx, view.state, &view.customer.id).await?;
    let inner = if let Some(said) = spent {
        html! {
            h2 { (ctx.t(T::WebStepRealname)) }
            p.bad role="status" { (said) }
        }
    } else if status == RealnameStatus::Pending {
        let said = match (asked, session.attempts) {
            (false, _) => None,
            (true, 0) => Some(ctx.t(T::WebRealnameNotYet).to_owned()),
            (true, tries) => {
                let why = crate::server::identity::reason_text(session.last_error.as_deref());
                Some(ctx.fill(
                    T::WebRealnameTriedNotYet,
                    &[
                        &tries.to_string(),
                        ctx.t(why),
                        &(MAX_ATTEMPTS - tries).max(0).to_string(),
                    ],
                ))
            }
        };
        let url = format!("{}/m/realname/{token}", view.state.public_base);
        let minutes = crate::server::web::page::minutes_left(session.expires_at - now);
        html! {
            h2 { (ctx.t(T::WebStepRealname)) }
            @if let Some(said) = said { p.bad role="status" { (said) } }
            (realname_code(ctx, &url))
            p.hint { (ctx.fill(T::WebRealnameCodeValid, &[&minutes])) }
            form method="post" action="/apply" {
                (version(view))
                input type="hidden" name="action" value="realname_done";
                div.actions { button type="submit" { (ctx.t(T::WebRealnameDone)) } }
            }
            // A code that will not scan (a glare, a cracked screen): a new one.
            form method="post" action="/apply" {
                (version(view))
                input type="hidden" name="action" value="realname";
                div.actions { button.secondary type="submit" { (ctx.t(T::WebRealnameNewCode)) } }
            }
        }
    } else {
        let said = match status {
            RealnameStatus::Locked => T::WebRealnameCodeLocked,
            _ => T::WebRealnameCodeGone,
        };
        // Locked over a name that is not the registered one: which name is, and where it
        // is corrected when the ID card says otherwise.
        let over_name = session.locked_over_the_name(&view.customer.name);
        html! {
            h2 { (ctx.t(T::WebStepRealname)) }
            p.bad role="status" { (ctx.t(said)) }
            @if over_name {
                p.bad { (ctx.fill(T::PageRealnameLockedName, &[&crate::domain::mask_name(&session.expected_name)])) }
                (crate::server::phone::hotline_link(ctx))
            }
            form method="post" action="/apply" {
                (version(view))
                input type="hidden" name="action" value="realname";
                div.actions { button type="submit" { (ctx.t(T::WebRealnameShowCode)) } }
            }
        }
    };
    Ok(Some(html! {
        h1 { (ctx.t(T::WebApplyTitle)) }
        (progress(ctx, Step::Realname))
        (inner)
    }))
}

/// What a refused step's form was told, worked out again for its page (in the page's
/// language; the form's fields are those the view shows, as they were sent).
pub async fn refusal(view: &View<'_>, refused: &Refused) -> Result<Vec<FieldError>, ApiError> {
    let ctx = view.ctx;
    Ok(match refused.step {
        Step::Terms => vec![terms_unticked(ctx)],
        Step::Form => check_form(view, view.draft)
            .await?
            .err()
            .unwrap_or_default(),
        _ => refused
            .said
            .iter()
            .map(|said| {
                (
                    "scan".to_owned(),
                    ctx.t(T::WebScanLabel).to_owned(),
                    said.clone(),
                )
            })
            .collect(),
    })
}

/// Handles what a step's form sent.
pub async fn handle(view: &View<'_>, posted: &Posted) -> Result<Outcome, ApiError> {
    let ctx = view.ctx;
    let get = |name: &str| form::sent(posted, name).unwrap_or_default();
    let mut next = view.draft.clone();
    match get("action") {
        // Verified already (on another phone, or at the counter): nothing to verify, and
        // the verified name and ID number stand; the application goes on from its step.
        "realname" if view.customer.realname_verified_at.is_some() => {
            Ok(Outcome::Go("/apply".into()))
        }
        "realname" => {
            // Spent: the step says so, in place of the way to a new code.
            if realname_tries_spent(ctx, view.state, &view.customer.id)
                .await?
                .is_some()
            {
                return Ok(Outcome::Go(Step::Realname.address()));
            }
            // An order returned for the check waits for its applicant: this code takes
            // them only, as the order's own does (it replaces that one).
            let waiting =
                crate::server::web::orders::returned_for_the_check(view.state, view.customer)
                    .await?;
            let (expected_name, expected_id) = match &waiting {
                Some(row) if view.customer.name.trim().is_empty() => {
                    (row.applicant_name.as_str(), Some(row.id_number.as_str()))
                }
                Some(row) => (view.customer.name.as_str(), Some(row.id_number.as_str())),
                None => (view.customer.name.as_str(), None),
            };
            let valid_ms = view.state.config.realname_valid_ms();
            let (_, token) = view
                .state
                .store
                .create_realname_session(
                    &view.customer.id,
                    expected_name,
                    expected_id,
                    ONLINE_OPERATOR_ID,
                    valid_ms,
                )
                .await?;
            if view.phone_browser {
                return Ok(Outcome::Go(format!("/m/realname/{token}")));
            }
            Ok(Outcome::Code(token))
        }
        // "I finished on my phone": on once the check passed; else the code's page again,
        // saying what became of the try (`asked`).
        "realname_done" => Ok(Outcome::Go(if view.identity.is_some() {
            Step::Project.address()
        } else {
            format!("{}&asked=1", Step::Realname.address())
        })),
        "product" => {
            let product = view.state.store.product(get("product_id")).await?;
            match product {
                Some(product) => {
                    if next.product_id.as_deref() != Some(product.id.as_str()) {
                        next.terms_accepted = false;
                        next.form_done = false;
                    }
                    next.product_id = Some(product.id);
                    next.step = next.step.max(Step::Terms);
                    Ok(Outcome::Saved(next, Step::Terms))
                }
                None => Ok(Outcome::Go("/apply?step=project".into())),
            }
        }
        // The language switch pressed on the terms: the tick is kept (the customer ticked
        // it: consent given), the terms shown again in the other language.
        "terms" if get("keep") == "lang" => {
            if get("accept") == "yes" {
                next.terms_accepted = true;
                next.terms_version = Some(view.state.config.terms_version.clone());
            }
            Ok(Outcome::Saved(next, Step::Terms))
        }
        "terms" => {
            if get("accept") != "yes" {
                return Ok(Outcome::Again {
                    step: Step::Terms,
                    errors: vec![terms_unticked(ctx)],
                    typed: next.fields,
                });
            }
            next.terms_accepted = true;
            next.terms_version = Some(view.state.config.terms_version.clone());
            next.step = next.step.max(Step::Form);
            Ok(Outcome::Saved(next, Step::Form))
        }
        // The language switch, or "choose again", pressed on the form: what was typed is
        // kept as it is (checked when the customer goes on); then the form is shown again,
        // or the projects.
        "form" if matches!(get("keep"), "lang" | "product") => {
            let fields = typed_over(posted, view);
            next.form_done = next.form_done && fields == view.draft.fields;
            next.fields = fields;
            let then = if get("keep") == "product" {
                Step::Project
            } else {
                Step::Form
            };
            Ok(Outcome::Saved(next, then))
        }
        "form" => {
            next.fields = typed_over(posted, view);
            match check_form(view, &next).await? {
                Ok(fields) => {
                    next.fields = fields;
                    next.form_done = true;
                    next.step = next.step.max(Step::Print);
                    Ok(Outcome::Saved(next, Step::Print))
                }
                Err(errors) => Ok(Outcome::Again {
                    step: Step::Form,
                    errors,
                    typed: next.fields,
                }),
            }
        }
        "printed" => {
            next.step = next.step.max(Step::Scan);
            Ok(Outcome::Saved(next, Step::Scan))
        }
        _ => Ok(Outcome::Go("/apply".into())),
    }
}

/// What the customer is told when the tries they may make on their own are spent
/// ([`ONLINE_TRIES_A_DAY`](crate::server::store::ONLINE_TRIES_A_DAY)): no new code is opened for them, here or from a returned order.
pub async fn realname_tries_spent(
    ctx: &Ctx,
    state: &AppState,
    customer_id: &str,
) -> Result<Option<String>, ApiError> {
    Ok(tries_spent_said(
        ctx,
        state.store.online_realname_tries(customer_id).await?,
    ))
}

/// What is said of `day` when its tries are spent.
pub fn tries_spent_said(ctx: &Ctx, day: DayTries) -> Option<String> {
    day.spent()
        .then(|| ctx.fill(T::WebRealnameTriesSpent, &[&day.tries.to_string()]))
}

/// A real-name code for a phone, shown on a computer: what to do, the code, its address,
/// and the address to follow for whoever is on a phone already (a phone that shows the
/// computer's pages, a narrow window: the code cannot be scanned). The application's
/// check and a returned order's show the same.
pub fn realname_code(ctx: &Ctx, url: &str) -> maud::Markup {
    html! {
        p { (ctx.t(T::WebRealnameScan)) }
        img.qr src=(qr_data_uri(url)) alt=(ctx.t(T::WebRealnameQrAlt));
        p.small { (url) }
        p { a href=(url) { (ctx.t(T::WebRealnameOpenHere)) } }
    }
}

/// A QR code as an SVG data URI (dark modules on white, with its quiet zone), for an
/// `<img>`: no script, no extra request.
pub fn qr_data_uri(text: &str) -> String {
    let Ok(code) = qrcode::QrCode::new(text.as_bytes()) else {
        return String::new();
    };
    let width = code.width();
    let quiet = 4;
    let size = width + 2 * quiet;
    let mut path = String::new();
    for (i, color) in code.to_colors().iter().enumerate() {
        if *color == qrcode::Color::Dark {
            let (x, y) = (i % width + quiet, i / width + quiet);
            path.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" shape-rendering=\"crispEdges\">\
         <rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
    );
    format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(svg)
    )
}
