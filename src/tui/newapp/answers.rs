//! What the platform answered, applied to the drafts.

use std::path::PathBuf;

use super::draft::{CustomerInfo, PaymentInfo, RealnameInfo, Step};
use super::{NewApp, Sheet, mb};
use crate::api::{ClientError, Customer, RealnameSession, RealnameStatus};
use crate::i18n::{Lang, T};
use crate::tui::app::Notice;
use crate::tui::net::{
    ActFailure, Msg, PrintError, Printed, PrintedTo, Request, ScanProblem, SubmitError,
};

impl NewApp {
    /// An answer from the platform. Returns true when the screen changed.
    pub fn on_msg(
        &mut self,
        msg: Msg,
        lang: Lang,
        now_ms: i64,
        describe: &dyn Fn(&ClientError) -> String,
    ) -> bool {
        let touched = draft_of(&msg);
        match msg {
            Msg::Health(Ok(health)) => {
                if health.max_upload_bytes > 0 {
                    self.upload_limit = health.max_upload_bytes;
                }
                self.qr_payment = Some(health.qr_payment);
                // Codes saved before a restart point at where the platform is now (the
                // embedded platform's port changes between runs).
                if !health.public_base_url.is_empty() {
                    for sheet in &mut self.sheets {
                        if let Some(realname) = sheet.draft.realname.as_mut()
                            && let Some((_, token)) = realname.url.rsplit_once("/m/realname/")
                        {
                            realname.url = format!("{}/m/realname/{token}", health.public_base_url);
                        }
                        if let Some(payment) = sheet.draft.payment.as_mut()
                            && let Some((_, token)) = payment.url.rsplit_once("/m/pay/")
                        {
                            payment.url = format!("{}/m/pay/{token}", health.public_base_url);
                        }
                    }
                }
            }
            Msg::Terms(Ok(terms)) => self.terms = Some(terms),
            Msg::Projects { seq, result } if seq == self.projects_seq => match result {
                Ok(projects) => {
                    self.projects = projects;
                    self.project_sel = self.project_sel.min(self.projects.len().saturating_sub(1));
                }
                Err(e) => {
                    if let Some(sheet) = self.sheet_mut() {
                        sheet.notice = Some(Notice::Error(describe(&e)));
                    }
                }
            },
            Msg::CustomerFound { draft, result } => {
                let Some(sheet) = self.by_id(&draft) else {
                    return false;
                };
                sheet.busy = false;
                match result {
                    Ok(Some(customer)) => {
                        sheet.draft.customer = Some(customer_info(&customer));
                        sheet.asking_name = false;
                        self.focus_draft(&draft);
                        self.go(Step::Realname);
                    }
                    Ok(None) => {
                        sheet.asking_name = true;
                        sheet.notice = Some(Notice::Info(T::NewCustomerNew.get(lang).to_owned()));
                    }
                    Err(e) => sheet.notice = Some(Notice::Error(describe(&e))),
                }
            }
            Msg::CustomerSaved { draft, result } => {
                let Some(sheet) = self.by_id(&draft) else {
                    return false;
                };
                sheet.busy = false;
                match result {
                    Ok(customer) => {
                        let renamed = sheet.renaming;
                        sheet.draft.customer = Some(customer_info(&customer));
                        sheet.asking_name = false;
                        sheet.renaming = false;
                        self.focus_draft(&draft);
                        if renamed {
                            self.fresh_code();
                        } else {
                            self.go(Step::Realname);
                        }
                    }
                    Err(e) => {
                        let key = if sheet.renaming || sheet.asking_name {
                            "new_name"
                        } else {
                            "phone"
                        };
                        sheet.errors.insert(key.into(), describe(&e));
                    }
                }
            }
            Msg::RealnameSession { draft, result } => {
                let Some(sheet) = self.by_id(&draft) else {
                    return false;
                };
                sheet.busy = false;
                match result {
                    Ok(session) => apply_realname(sheet, &session),
                    Err(e) => sheet.notice = Some(Notice::Error(describe(&e))),
                }
            }
            Msg::Printed { draft, result } => {
                let Some(sheet) = self.by_id(&draft) else {
                    return false;
                };
                sheet.busy = false;
                sheet.notice = Some(printed_notice(result, lang, describe));
            }
            Msg::ScanChecked {
                draft,
                path,
                result,
            } => {
                let Some(sheet) = self.by_id(&draft) else {
                    return false;
                };
                sheet.busy = false;
                match result {
                    Ok(mut info) => {
                        info.path = sheet.text("scan_path").trim().to_owned();
                        sheet.draft.scan = Some(info);
                        sheet.errors.remove("scan_path");
                    }
                    Err(problem) => {
                        sheet.draft.scan = None;
                        sheet
                            .errors
                            .insert("scan_path".into(), file_problem(&problem, &path, lang));
                    }
                }
            }
            Msg::Submitted { draft, result } => {
                let Some(sheet) = self.by_id(&draft) else {
                    return false;
                };
                sheet.busy = false;
                match result {
                    Ok(order) => {
                        sheet.draft.order_no = Some(order.order_no);
                        sheet.draft.order_version = order.version;
                        sheet.draft.order_status = Some(order.status);
                        sheet.draft.step = Step::Done;
                        sheet.notice = None;
                    }
                    Err(SubmitError::Order(e)) => {
                        // Field errors go back to the form, next to their fields.
                        let fields: Vec<(String, String)> = e
                            .problem()
                            .map(|p| {
                                p.errors
                                    .iter()
                                    .map(|f| (f.field.clone(), f.message.clone()))
                                    .collect()
                            })
                            .unwrap_or_default();
                        let on_form: Vec<(String, String)> = fields
                            .into_iter()
                            .filter(|(f, _)| sheet.specs().iter().any(|s| s.key == f))
                            .collect();
                        if let Some((first, _)) = on_form.first() {
                            sheet.draft.focus = first.clone();
                            sheet.errors.extend(on_form.clone());
                            sheet.draft.step = Step::Form;
                        }
                        sheet.notice = Some(Notice::Error(describe(&e)));
                    }
                    Err(SubmitError::Scan(order_no, problem)) => {
                        let path = PathBuf::from(sheet.draft.scan_path.clone());
                        sheet.notice = Some(Notice::Error(
                            T::NewSubmittedNoScan
                                .fill(lang, &[&order_no, &file_problem(&problem, &path, lang)]),
                        ));
                    }
                    Err(SubmitError::Upload(order_no, e)) => {
                        sheet.notice = Some(Notice::Error(
                            T::NewSubmittedNoScan.fill(lang, &[&order_no, &describe(&e)]),
                        ));
                    }
                }
            }
            Msg::Bank(Ok(bank)) => self.bank = Some(bank),
            Msg::PaymentOpened { draft, result } => {
                let Some(sheet) = self.by_id(&draft) else {
                    return false;
                };
                sheet.busy = false;
                match result {
                    Ok(payment) => {
                        sheet.draft.payment = Some(PaymentInfo {
                            url: payment.pay_url,
                            amount_fen: payment.amount_fen,
                            expires_at: payment.expires_at,
                        });
                        sheet.notice = None;
                    }
                    Err(e) => {
                        if e.problem().is_some_and(|p| p.code == "qr_payment_off") {
                            self.qr_payment = Some(false);
                        }
                        let Some(sheet) = self.by_id(&draft) else {
                            return false;
                        };
                        conflict(sheet, &e);
                        sheet.notice = Some(Notice::Error(describe(&e)));
                    }
                }
            }
            Msg::DraftOrder { draft, result } => {
                let Ok(order) = result else {
                    return false;
                };
                let Some(sheet) = self.by_id(&draft) else {
                    return false;
                };
                if !sheet.order_moved(order.status, order.version) {
                    return false;
                }
            }
            Msg::DraftActed { draft, result } => {
                let Some(sheet) = self.by_id(&draft) else {
                    return false;
                };
                sheet.busy = false;
                match result {
                    Ok(order) => {
                        sheet.order_moved(order.status, order.version);
                        sheet.voucher_open = false;
                        sheet.errors.remove("voucher_path");
                        sheet.notice = None;
                    }
                    Err(ActFailure::File(path, problem)) => {
                        let problem = file_problem(&problem, &path, lang);
                        sheet.errors.insert("voucher_path".into(), problem);
                    }
                    Err(ActFailure::Api(e)) => {
                        conflict(sheet, &e);
                        let message = describe(&e);
                        if sheet.voucher_open {
                            sheet.errors.insert("voucher_path".into(), message);
                        } else {
                            sheet.notice = Some(Notice::Error(message));
                        }
                    }
                }
            }
            _ => return false,
        }
        match touched {
            Some(id) => self.save_id(&id, now_ms),
            None => self.save(now_ms),
        }
        true
    }

    /// A verification changed somewhere: the draft waiting on it asks where it stands.
    pub fn realname_event(&mut self, session_id: &str) {
        for sheet in &self.sheets {
            if sheet
                .draft
                .realname
                .as_ref()
                .is_some_and(|r| r.session_id == session_id)
            {
                self.outbox.push(Request::RealnameStatus {
                    draft: sheet.draft.id.clone(),
                    session_id: session_id.to_owned(),
                });
            }
        }
    }
}

fn customer_info(customer: &Customer) -> CustomerInfo {
    CustomerInfo {
        id: customer.id.clone(),
        name: customer.name.clone(),
        phone: customer.phone.clone(),
        verified: customer.realname_verified,
        order_count: customer.order_count,
    }
}

fn apply_realname(sheet: &mut Sheet, session: &RealnameSession) {
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
    });
    if session.status == RealnameStatus::Verified
        && let Some(customer) = sheet.draft.customer.as_mut()
    {
        customer.verified = true;
        if let Some(name) = &session.verified_name {
            customer.name = name.clone();
        }
    }
}

/// What is wrong with a file the clerk named, in words.
pub fn file_problem(problem: &ScanProblem, path: &std::path::Path, lang: Lang) -> String {
    let shown = path.display().to_string();
    match problem {
        ScanProblem::Io(std::io::ErrorKind::NotFound) => T::FileNotFound.fill(lang, &[&shown]),
        ScanProblem::Io(std::io::ErrorKind::PermissionDenied) => {
            T::FilePermission.fill(lang, &[&shown])
        }
        ScanProblem::Io(std::io::ErrorKind::IsADirectory) => {
            T::FileIsDirectory.fill(lang, &[&shown])
        }
        ScanProblem::Io(_) => T::FileUnreadable.fill(lang, &[&shown]),
        ScanProblem::NotAScan => T::ProblemUnsupportedTypeDetail.get(lang).to_owned(),
        ScanProblem::Empty => T::NewScanEmpty.fill(lang, &[&shown]),
        ScanProblem::TooLarge(size, limit) => {
            T::NewScanTooLarge.fill(lang, &[&mb(*size), &mb(*limit)])
        }
    }
}

/// What printing came to, in words.
pub fn printed_notice(
    result: Result<Printed, PrintError>,
    lang: Lang,
    describe: &dyn Fn(&ClientError) -> String,
) -> Notice {
    match result {
        Ok(printed) => {
            let done = match printed.to {
                PrintedTo::Printer(printer, path) => {
                    T::NewPrinted.fill(lang, &[&printer, &path.display().to_string()])
                }
                PrintedTo::Saved(path) => T::NewSaved.fill(lang, &[&path.display().to_string()]),
            };
            if printed.unprintable.is_empty() {
                Notice::Info(done)
            } else {
                let chars: Vec<String> = printed
                    .unprintable
                    .iter()
                    .map(|c| format!("{c}(U+{:04X})", *c as u32))
                    .collect();
                Notice::Error(T::PrintUnprintable.fill(lang, &[&chars.join(" "), &done]))
            }
        }
        Err(PrintError::Platform(e)) => Notice::Error(describe(&e)),
        Err(PrintError::Save(path, kind)) => Notice::Error(
            T::FileUnwritable.fill(lang, &[&path.display().to_string(), &format!("{kind}")]),
        ),
        Err(PrintError::Command(message)) => {
            Notice::Error(T::NewPrintFailed.fill(lang, &[&message]))
        }
    }
}

/// The draft an answer is about, if it is about one.
fn draft_of(msg: &Msg) -> Option<String> {
    match msg {
        Msg::CustomerFound { draft, .. }
        | Msg::CustomerSaved { draft, .. }
        | Msg::RealnameSession { draft, .. }
        | Msg::Printed { draft, .. }
        | Msg::ScanChecked { draft, .. }
        | Msg::Submitted { draft, .. }
        | Msg::PaymentOpened { draft, .. }
        | Msg::DraftOrder { draft, .. }
        | Msg::DraftActed { draft, .. } => Some(draft.clone()),
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
