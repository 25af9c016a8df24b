//! What the platform answered, applied to the draft it is for (which may not be the one
//! shown: the clerk may have moved on).

use super::NewApp;
use super::draft::{CustomerInfo, EarlierCheck, PaymentInfo, RealnameInfo, Step};
use super::messages::{Answer, Request, SubmitError};
use super::sheet::{Sheet, Waiting};
use crate::api::{ClientError, Customer, RealnameSession, RealnameStatus};
use crate::domain::{DraftId, OrderStatus};
use crate::i18n::{Lang, T};
use crate::tui::component::Ctx;
use crate::tui::files::{ActFailure, FileProblem, problem_text};
use crate::tui::print::printed_notice;
use crate::tui::text::{Notice, Text, compose, describe};

impl NewApp {
    /// An answer from the platform.
    pub(super) fn on_answer(&mut self, ctx: &mut Ctx<Request>, answer: Answer) {
        let lang = ctx.lang;
        let touched = draft_of(&answer);
        match answer {
            Answer::OpenOrders { draft, result } => {
                let Some(sheet) = self.by_id(&draft) else {
                    return;
                };
                // Unknown (the platform out of reach): nothing said; the order goes on.
                let (Ok(open), Some(choice)) = (result, sheet.draft.choice.as_ref()) else {
                    return;
                };
                let same: Vec<String> = open
                    .iter()
                    .filter(|o| {
                        o.project_name == choice.project_name
                            && o.product_name == choice.product_name
                            && sheet.draft.order_no.as_deref() != Some(o.order_no.as_str())
                    })
                    .map(|o| match lang {
                        Lang::ZhCn => format!("{}（{}）", o.order_no, o.status.short_text().get(lang)),
                        Lang::En => format!("{} ({})", o.order_no, o.status.short_text().get(lang)),
                    })
                    .collect();
                if !same.is_empty() && sheet.draft.order_no.is_none() {
                    sheet.notice = Some(Notice::warning(Text::with(
                        T::NewSameProductOpen,
                        [same.join(T::ListJoin.get(lang))],
                    )));
                }
                return;
            }
            Answer::Terms(Ok(terms)) => self.terms = Some(terms),
            Answer::Bank(Ok(bank)) => self.bank = Some(bank),
            Answer::Terms(Err(_)) | Answer::Bank(Err(_)) | Answer::Written => return,
            Answer::Projects { seq, result } => {
                if seq != self.projects_seq() {
                    return;
                }
                match result {
                    Ok(projects) => self.projects_found(projects),
                    Err(e) => {
                        self.projects_loading = false;
                        if let Some(sheet) = self.sheet_mut() {
                            sheet.notice = Some(Notice::error(describe(&e, lang)));
                        }
                    }
                }
                return;
            }
            Answer::CustomerFound { draft, result } => {
                let Some(sheet) = self.by_id(&draft) else {
                    return;
                };
                sheet.done(Waiting::Step);
                match result {
                    Ok(Some((customer, identity, last_check))) => {
                        sheet.draft.customer = Some(CustomerInfo {
                            earlier_check: earlier_check(last_check),
                            ..customer_info(&customer)
                        });
                        sheet.asking_name = false;
                        sheet.notice = None;
                        let verified = customer.realname_verified;
                        if let Some(identity) = identity {
                            sheet.draft.last_order = identity.last_order;
                            sheet.draft.realname = Some(RealnameInfo {
                                status: RealnameStatus::Verified.as_str().to_owned(),
                                verified_name: Some(identity.name),
                                verified_id_number: Some(identity.id_number),
                                ..RealnameInfo::default()
                            });
                        }
                        self.focus_draft(&draft);
                        self.go(ctx, Step::Realname);
                        if verified {
                            self.verified(ctx);
                        }
                    }
                    Ok(None) => {
                        sheet.asking_name = true;
                        sheet.notice = Some(Notice::info(T::NewCustomerNew));
                    }
                    Err(e) => sheet.notice = Some(Notice::error(describe(&e, lang))),
                }
            }
            Answer::CustomerSaved { draft, result } => {
                let Some(sheet) = self.by_id(&draft) else {
                    return;
                };
                sheet.done(Waiting::Step);
                match result {
                    Ok(customer) => {
                        let renamed = sheet.renaming;
                        sheet.draft.customer = Some(customer_info(&customer));
                        sheet.asking_name = false;
                        sheet.renaming = false;
                        sheet.notice = None;
                        self.focus_draft(&draft);
                        if renamed {
                            self.fresh_code(ctx);
                        } else {
                            self.go(ctx, Step::Realname);
                        }
                    }
                    Err(e) => {
                        let (key, field) = if sheet.renaming || sheet.asking_name {
                            ("new_name", "name")
                        } else {
                            ("phone", "phone")
                        };
                        // The platform's words for that field, beside it (not the whole
                        // problem, its field's API name and all).
                        let said = e
                            .problem()
                            .and_then(|p| p.errors.iter().find(|f| f.field == field))
                            .map(|f| crate::tui::text::Text::platform(f.message.clone(), lang))
                            .unwrap_or_else(|| describe(&e, lang));
                        sheet.errors.insert(key.into(), said);
                    }
                }
            }
            Answer::Realname { draft, result } => {
                let Some(sheet) = self.by_id(&draft) else {
                    return;
                };
                sheet.done(Waiting::Step);
                match result {
                    Ok(session) => {
                        let newly = apply_realname(sheet, &session);
                        if newly && self.sheet().is_some_and(|s| s.draft.id == draft) {
                            self.verified(ctx);
                        }
                    }
                    Err(e) => sheet.notice = Some(Notice::error(describe(&e, lang))),
                }
            }
            Answer::Printed { draft, result } => {
                let Some(sheet) = self.by_id(&draft) else {
                    return;
                };
                sheet.done(Waiting::Print);
                // The form printed, or saved (to print, or where a print command failed):
                // the paper that may now exist says what the draft said when it was asked
                // for. Refused by the platform or not saved, there is none.
                let paper = matches!(
                    &result,
                    Ok(_) | Err(crate::tui::print::PrintError::Command(..))
                );
                if let Some((reference, says)) = sheet.form_printing.take()
                    && paper
                {
                    sheet.draft.printed_as(&reference, says);
                }
                // The product's price changed since it was chosen: chosen again first.
                if let Err(crate::tui::print::PrintError::Platform(e)) = &result
                    && matches!(sheet.draft.step, Step::Form | Step::Scan | Step::Submit)
                    && let Some(said) = price_changed(e, lang)
                {
                    self.choose_product_again(ctx, &draft, said);
                    return;
                }
                // The terms changed under the draft: read again (the form is kept). Not
                // for a draft submitted meanwhile (its order stands).
                if let Err(crate::tui::print::PrintError::Platform(e)) = &result
                    && matches!(sheet.draft.step, Step::Form | Step::Scan | Step::Submit)
                    && sheet.terms_changed(e, lang)
                {
                    self.terms = None;
                    self.terms_scroll = 0;
                    ctx.ask(Request::Terms);
                    return;
                }
                // The form refused for its fields (a character the form cannot print, found
                // only by the platform's fonts): back to the form, each message by its
                // field, as a submission refused for them is.
                let by_fields = match &result {
                    Err(crate::tui::print::PrintError::Platform(e))
                        if matches!(sheet.draft.step, Step::Form | Step::Scan | Step::Submit) =>
                    {
                        let notice = sheet.refused_fields(e, lang);
                        if notice.is_some() {
                            sheet.draft.step = Step::Form;
                        }
                        notice
                    }
                    _ => None,
                };
                sheet.notice = Some(by_fields.unwrap_or_else(|| printed_notice(&result, lang)));
                return;
            }
            Answer::ScanChecked {
                draft,
                path,
                result,
            } => {
                let Some(sheet) = self.by_id(&draft) else {
                    return;
                };
                sheet.done(Waiting::Step);
                match result {
                    Ok(mut info) => {
                        info.path = sheet.text("scan_path").trim().to_owned();
                        sheet.draft.scan = Some(info);
                        sheet.errors.remove("scan_path");
                    }
                    Err(problem) => {
                        sheet.draft.scan = None;
                        // This application's own paper, printed before it changed.
                        let said = match &problem {
                            FileProblem::OtherPaper(found, _)
                                if sheet.draft.printed_before(found) =>
                            {
                                Text::with(T::NewScanEarlierPrint, [found.clone()])
                            }
                            _ => problem_text(&problem, &path),
                        };
                        sheet.errors.insert("scan_path".into(), said);
                    }
                }
            }
            Answer::Submitted { draft, result } => {
                let Some(sheet) = self.by_id(&draft) else {
                    return;
                };
                sheet.done(Waiting::Step);
                // The product's price changed since it was chosen (and the form printed
                // with it): chosen again, the form printed again.
                if let Err(SubmitError::Order(e)) = &result
                    && let Some(said) = price_changed(e, lang)
                {
                    self.choose_product_again(ctx, &draft, said);
                    return;
                }
                // The terms changed on the platform since they were read: read again.
                let terms_changed =
                    matches!(&result, Err(SubmitError::Order(e)) if sheet.terms_changed(e, lang));
                if !terms_changed {
                    submitted(sheet, result, lang);
                }
                if terms_changed {
                    self.terms = None;
                    self.terms_scroll = 0;
                    ctx.ask(Request::Terms);
                }
            }
            Answer::PaymentOpened { draft, result } => {
                let Some(sheet) = self.by_id(&draft) else {
                    return;
                };
                sheet.done(Waiting::Step);
                match result {
                    Ok(payment) => {
                        sheet.draft.payment = Some(PaymentInfo {
                            demo: payment.method == "sandbox",
                            url: payment.pay_url,
                            amount_fen: payment.amount_fen,
                            expires_at: payment.expires_at,
                        });
                        sheet.notice = None;
                    }
                    Err(e) => {
                        conflict(sheet, &e);
                        sheet.notice = Some(Notice::error(describe(&e, lang)));
                    }
                }
            }
            Answer::Order { draft, result } => {
                let Ok(order) = result else {
                    return;
                };
                let Some(sheet) = self.by_id(&draft) else {
                    return;
                };
                if !sheet.order_moved(order.status, order.version) {
                    return;
                }
            }
            Answer::Acted { draft, result } => {
                let Some(sheet) = self.by_id(&draft) else {
                    return;
                };
                sheet.done(Waiting::Step);
                let online_asked = std::mem::take(&mut sheet.online_asked);
                match result {
                    Ok(order) => {
                        sheet.order_moved(order.status, order.version);
                        sheet.voucher_open = false;
                        sheet.errors.remove("voucher_path");
                        sheet.notice = None;
                        // A voucher already sent for another order: said now, with the
                        // customer still here (the order view and the review queue said
                        // it later, where the clerk scrolled).
                        let also_on = order.voucher_also_on();
                        if !also_on.is_empty() {
                            // Worded again on a language switch (order numbers read alike).
                            sheet.notice = Some(Notice::warning(Text::with(
                                T::VoucherAlsoOn,
                                [also_on.join(" ")],
                            )));
                        }
                        // Back from a transfer to paying online (`p`): the code at once, as
                        // the key says, not the choice of how to pay again — also when the
                        // order's event came before this answer.
                        if online_asked && order.status == OrderStatus::PendingPayment {
                            ctx.ask(Request::OpenPayment {
                                draft: draft.clone(),
                                order_no: order.order_no.to_string(),
                            });
                        }
                    }
                    Err(ActFailure::File(path, problem)) => {
                        sheet
                            .errors
                            .insert("voucher_path".into(), problem_text(&problem, &path));
                    }
                    Err(ActFailure::Api(e)) => {
                        conflict(sheet, &e);
                        let message = describe(&e, lang);
                        if sheet.voucher_open {
                            sheet.errors.insert("voucher_path".into(), message);
                        } else {
                            sheet.notice = Some(Notice::error(message));
                        }
                    }
                }
            }
        }
        match touched {
            Some(id) => self.save_id(ctx, &id),
            None => self.save(ctx),
        }
    }

    /// The customer shown was just verified: on to the project at once (no extra Enter),
    /// saying so.
    fn verified(&mut self, ctx: &mut Ctx<Request>) {
        if self.step() != Step::Realname {
            return;
        }
        let name = self
            .sheet()
            .and_then(|s| s.draft.customer.as_ref())
            .map(|c| c.name.clone())
            .unwrap_or_default();
        let others = self
            .sheet()
            .and_then(|s| s.draft.realname.as_ref())
            .map(|r| r.other_names.join("、"))
            .unwrap_or_default();
        self.go(ctx, Step::Project);
        if let Some(sheet) = self.sheet_mut() {
            // The same ID number under another name: the clerk must look at the ID card.
            sheet.notice = Some(if others.is_empty() {
                Notice::done(Text::with(T::VerifiedGoOn, [name]))
            } else {
                Notice::warning(Text::with(T::RealnameVerifiedOtherNames, [name, others]))
            });
        }
    }
}

/// Applies a submission's outcome to its draft.
fn submitted(sheet: &mut Sheet, result: Result<crate::api::Order, SubmitError>, lang: Lang) {
    match result {
        Ok(order) => {
            sheet.draft.order_no = Some(order.order_no.to_string());
            sheet.draft.order_version = order.version;
            sheet.draft.order_status = Some(order.status);
            sheet.draft.step = Step::Done;
            sheet.notice = None;
        }
        Err(SubmitError::Order(e)) => {
            // Field errors go back to the form, next to their fields.
            match sheet.refused_fields(&e, lang) {
                Some(notice) => {
                    sheet.draft.step = Step::Form;
                    sheet.notice = Some(notice);
                }
                None => sheet.notice = Some(Notice::error(describe(&e, lang))),
            }
        }
        Err(SubmitError::ScanChanged(problem)) => {
            // Back to the scan, its problem by its field (this application's own earlier
            // printout said so); nothing sent (an order made before stays as it was).
            let path = std::path::PathBuf::from(sheet.draft.scan_path.clone());
            sheet.draft.scan = None;
            sheet.draft.step = Step::Scan;
            let said = match &problem {
                FileProblem::OtherPaper(found, _) if sheet.draft.printed_before(found) => {
                    Text::with(T::NewScanEarlierPrint, [found.clone()])
                }
                _ => problem_text(&problem, &path),
            };
            sheet.errors.insert("scan_path".into(), said);
            // Another paper than the one checked: said so (a file that could not be read
            // or checked now says why by its field alone).
            sheet.notice = matches!(problem, FileProblem::OtherPaper(..)).then(|| {
                Notice::error(if sheet.draft.order_made.is_some() {
                    T::NewScanChangedOrderMade
                } else {
                    T::NewScanChangedSinceChecked
                })
            });
        }
        Err(SubmitError::Scan(order_no, problem)) => {
            sheet.draft.order_made = Some(order_no.clone());
            sheet.draft.scan = None;
            // Back to the scan: Enter there checks it again, then sends it.
            sheet.draft.step = Step::Scan;
            let path = std::path::PathBuf::from(sheet.draft.scan_path.clone());
            let why = problem_text(&problem, &path);
            sheet.notice = Some(Notice::error(compose(
                T::NewSubmittedNoScan,
                &[&Text::plain(order_no), &why],
                lang,
            )));
        }
        Err(SubmitError::Upload(order_no, e)) => {
            sheet.draft.order_made = Some(order_no.clone());
            // Not sent (refused by the platform, or it could not be reached): no "✓"
            // stays beside it, and Enter at the scan checks it again, then sends it.
            sheet.draft.scan = None;
            sheet.draft.step = Step::Scan;
            // The platform's word on the file alone (it names the field `file`).
            let why = crate::tui::text::field_message(&e, lang).unwrap_or_else(|| describe(&e, lang));
            sheet.notice = Some(Notice::error(compose(
                T::NewSubmittedNoScan,
                &[&Text::plain(order_no), &why],
                lang,
            )));
        }
    }
}

impl NewApp {
    /// Back to the product step of `draft`, saying `said` (the price changed): the draft
    /// shown goes there as the clerk would; another draft waits there.
    fn choose_product_again(&mut self, ctx: &mut Ctx<Request>, draft: &DraftId, said: Text) {
        if self.sheet().is_some_and(|s| s.draft.id == *draft) {
            self.go(ctx, Step::Project);
        } else if let Some(sheet) = self.by_id(draft) {
            sheet.draft.step = Step::Project;
        }
        if let Some(sheet) = self.by_id(draft) {
            sheet.notice = Some(Notice::error(said));
        }
    }
}

/// The platform's word that the product's price is not the one the draft (and its printed
/// form) says, if that is what `error` says.
fn price_changed(error: &ClientError, lang: Lang) -> Option<Text> {
    error
        .problem()?
        .errors
        .iter()
        .find(|f| f.field == "amount_fen")
        .map(|f| Text::platform(f.message.clone(), lang))
}

fn customer_info(customer: &Customer) -> CustomerInfo {
    CustomerInfo {
        id: customer.id.clone(),
        name: customer.name.clone(),
        phone: customer.phone.clone(),
        verified: customer.realname_verified,
        order_count: customer.order_count,
        earlier_check: None,
    }
}

/// How `last`, a customer's latest real-name check, failed — none when it did not (or has
/// not yet).
fn earlier_check(last: Option<RealnameSession>) -> Option<EarlierCheck> {
    let last = last?;
    // A check with no try spent (a mistyped ID number, the provider out of reach) says
    // nothing of the customer.
    if last.attempts == 0 {
        return None;
    }
    let text = last.reason_text.filter(|text| !text.trim().is_empty())?;
    (last.status != RealnameStatus::Verified).then(|| EarlierCheck {
        reason: last.reason,
        text,
        locked: last.status == RealnameStatus::Locked,
    })
}

/// Applies a verification's state; true when it just became verified. A reading of a code
/// since replaced (asked for before the new one came: a correction of the name opens a
/// new code) is not this draft's any more: it would show the new code as replaced.
fn apply_realname(sheet: &mut Sheet, session: &RealnameSession) -> bool {
    // Only a code just opened carries its address; a reading never does.
    let stale = session.url.is_none()
        && sheet
            .draft
            .realname
            .as_ref()
            .is_some_and(|current| current.session_id != session.id);
    if stale {
        return false;
    }
    let url = session
        .url
        .clone()
        .or_else(|| {
            sheet
                .draft
                .realname
                .as_ref()
                .filter(|r| r.session_id == session.id)
                .map(|r| r.url.clone())
        })
        .unwrap_or_default();
    sheet.draft.realname = Some(RealnameInfo {
        session_id: session.id.clone(),
        url,
        expires_at: session.expires_at.clone(),
        status: session.status.as_str().to_owned(),
        attempts: session.attempts,
        reason: session.reason_text.clone(),
        reason_code: session.reason.clone(),
        verified_name: session.verified_name.clone(),
        verified_id_number: session.verified_id_number.clone(),
        at_provider: session.at_provider,
        other_names: session.other_names.clone(),
    });
    // This visit has tried (or its check passed or locked): its own outcome stands now, the
    // check before this visit is not said again (not even on the fresh code after a
    // lock). A code that lapsed or was replaced unscanned tried nothing.
    let tried = session.attempts > 0
        || matches!(
            session.status,
            RealnameStatus::Verified | RealnameStatus::Locked
        );
    if tried && let Some(customer) = sheet.draft.customer.as_mut()
    {
        customer.earlier_check = None;
    }
    if session.status == RealnameStatus::Verified
        && let Some(customer) = sheet.draft.customer.as_mut()
    {
        let newly = !customer.verified;
        customer.verified = true;
        if let Some(name) = &session.verified_name {
            customer.name = name.clone();
        }
        return newly;
    }
    false
}

/// The draft an answer is about, if it is about one.
fn draft_of(answer: &Answer) -> Option<DraftId> {
    match answer {
        Answer::CustomerFound { draft, .. }
        | Answer::CustomerSaved { draft, .. }
        | Answer::Realname { draft, .. }
        | Answer::Printed { draft, .. }
        | Answer::ScanChecked { draft, .. }
        | Answer::Submitted { draft, .. }
        | Answer::PaymentOpened { draft, .. }
        | Answer::Order { draft, .. }
        | Answer::Acted { draft, .. } => Some(draft.clone()),
        _ => None,
    }
}

/// A refusal that says where the order stands now (someone else moved it): the draft
/// follows, so the next press sends the right version.
fn conflict(sheet: &mut Sheet, error: &ClientError) {
    if let Some(problem) = error.problem()
        && let (Some(status), Some(version)) = (problem.current_status, problem.current_version)
    {
        sheet.order_moved(status, version);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::RealnameStatus;

    fn session(id: &str, status: RealnameStatus, url: Option<&str>) -> RealnameSession {
        serde_json::from_value(serde_json::json!({
            "id": id,
            "customer_id": "c",
            "status": status.as_str(),
            "url": url,
            "masked_name": "*三",
            "expires_at": "2026-12-07T10:00:00Z",
            "attempts": 0,
            "attempts_left": 5,
        }))
        .expect("a session")
    }

    /// The name corrected twice: the first code's reading, asked before the second code
    /// came and answered after, leaves the second code shown (it showed "replaced").
    #[test]
    fn a_late_reading_of_a_replaced_code_leaves_the_new_code() {
        let mut sheet = Sheet::new(super::super::draft::Draft::new());
        apply_realname(&mut sheet, &session("old", RealnameStatus::Pending, Some("https://x/old")));
        apply_realname(&mut sheet, &session("new", RealnameStatus::Pending, Some("https://x/new")));
        apply_realname(&mut sheet, &session("old", RealnameStatus::Superseded, None));
        let shown = sheet.draft.realname.as_ref().expect("a code");
        assert_eq!(
            (shown.session_id.as_str(), shown.status.as_str(), shown.url.as_str()),
            ("new", "pending", "https://x/new")
        );
        // The current code's own reading is taken.
        apply_realname(&mut sheet, &session("new", RealnameStatus::Locked, None));
        let shown = sheet.draft.realname.as_ref().expect("a code");
        assert_eq!((shown.status.as_str(), shown.url.as_str()), ("locked", "https://x/new"));
    }
}
