//! What each step does with the keys it gets.

use crossterm::event::{KeyCode, KeyEvent};

use super::draft::{Choice, Step};
use super::{NewApp, NewCmd, Sheet, expired, fields};
use crate::api::NewCustomer;
use crate::domain::{Phone, RequiredText, UserType};
use crate::i18n::{Lang, T};
use crate::tui::app::Notice;
use crate::tui::net::{Request, Upload};
use crate::tui::widgets::path::expand_home;

impl NewApp {
    pub(super) fn customer_key(&mut self, key: KeyEvent, lang: Lang) -> bool {
        match key.code {
            KeyCode::Enter => {
                let Some(sheet) = self.sheet_mut() else {
                    return false;
                };
                if sheet.asking_name {
                    let name = sheet.text("new_name");
                    match RequiredText::<50>::parse(&name) {
                        Ok(name) => {
                            sheet.busy = true;
                            let request = Request::CreateCustomer {
                                draft: sheet.draft.id.clone(),
                                customer: NewCustomer {
                                    phone: sheet.text("phone"),
                                    name: name.into_inner(),
                                },
                            };
                            self.outbox.push(request);
                        }
                        Err(e) => {
                            sheet.errors.insert("new_name".into(), e.render(lang));
                        }
                    }
                    return true;
                }
                match Phone::parse(&sheet.text("phone")) {
                    Ok(phone) => {
                        sheet.busy = true;
                        sheet.set_text("phone", phone.as_str());
                        let request = Request::FindCustomer {
                            draft: sheet.draft.id.clone(),
                            phone: phone.into(),
                        };
                        self.outbox.push(request);
                    }
                    Err(e) => {
                        sheet.errors.insert("phone".into(), e.render(lang));
                    }
                }
                true
            }
            KeyCode::Up | KeyCode::BackTab if self.sheet().is_some_and(|s| s.asking_name) => {
                if let Some(sheet) = self.sheet_mut() {
                    sheet.asking_name = false;
                    sheet.draft.customer = None;
                }
                true
            }
            KeyCode::Esc => false,
            _ => {
                // A changed number starts over.
                let before = self.sheet().map(|s| s.text("phone"));
                let typed = self.type_into(key);
                if let Some(sheet) = self.sheet_mut()
                    && !sheet.asking_name
                    && before.as_deref() != Some(sheet.text("phone").as_str())
                {
                    sheet.draft.customer = None;
                    sheet.draft.realname = None;
                }
                typed
            }
        }
    }

    pub(super) fn enter_realname(&mut self) {
        let Some(sheet) = self.sheet_mut() else {
            return;
        };
        let Some(customer) = sheet.draft.customer.clone() else {
            return;
        };
        if customer.verified {
            return;
        }
        let live = sheet
            .draft
            .realname
            .as_ref()
            .is_some_and(|r| r.status == "pending" && !expired(&r.expires_at));
        if !live {
            sheet.busy = true;
            let request = Request::StartRealname {
                draft: sheet.draft.id.clone(),
                customer_id: customer.id,
            };
            self.outbox.push(request);
        }
    }

    /// A fresh real-name code (the old one stops working).
    pub fn fresh_code(&mut self) {
        let Some(sheet) = self.sheet_mut() else {
            return;
        };
        if sheet.draft.step != Step::Realname {
            return;
        }
        if let Some(customer) = sheet.draft.customer.clone().filter(|c| !c.verified) {
            sheet.busy = true;
            let request = Request::StartRealname {
                draft: sheet.draft.id.clone(),
                customer_id: customer.id,
            };
            self.outbox.push(request);
        }
    }

    pub(super) fn realname_key(&mut self, key: KeyEvent, lang: Lang) -> bool {
        let renaming = self.sheet().is_some_and(|s| s.renaming);
        if renaming {
            if key.code == KeyCode::Enter {
                let Some(sheet) = self.sheet_mut() else {
                    return false;
                };
                match RequiredText::<50>::parse(&sheet.text("new_name")) {
                    Ok(name) => {
                        sheet.busy = true;
                        let request = Request::RenameCustomer {
                            draft: sheet.draft.id.clone(),
                            customer_id: sheet
                                .draft
                                .customer
                                .as_ref()
                                .map(|c| c.id.clone())
                                .unwrap_or_default(),
                            name: name.into_inner(),
                        };
                        self.outbox.push(request);
                    }
                    Err(e) => {
                        sheet.errors.insert("new_name".into(), e.render(lang));
                    }
                }
                return true;
            }
            return self.type_into(key);
        }
        let verified = self
            .sheet()
            .is_some_and(|s| s.draft.customer.as_ref().is_some_and(|c| c.verified));
        if key.code == KeyCode::Enter && verified {
            self.go(Step::Project);
            return true;
        }
        false
    }

    pub(super) fn search_projects(&mut self) {
        self.projects_seq += 1;
        let query = self
            .sheet()
            .map(|s| s.text("project_query"))
            .unwrap_or_default();
        self.outbox.push(Request::Projects {
            seq: self.projects_seq,
            query: query.trim().to_owned(),
        });
    }

    pub(super) fn project_key(&mut self, key: KeyEvent, lang: Lang) -> bool {
        let _ = lang;
        match (key.code, self.product_sel) {
            (KeyCode::Up, None) => self.project_sel = self.project_sel.saturating_sub(1),
            (KeyCode::Down, None) => {
                self.project_sel = (self.project_sel + 1).min(self.projects.len().saturating_sub(1))
            }
            (KeyCode::Enter | KeyCode::Right, None) => {
                if self
                    .projects
                    .get(self.project_sel)
                    .is_some_and(|p| !p.products.is_empty())
                {
                    self.product_sel = Some(0);
                }
            }
            (KeyCode::Up, Some(i)) => self.product_sel = Some(i.saturating_sub(1)),
            (KeyCode::Down, Some(i)) => {
                let last = self
                    .projects
                    .get(self.project_sel)
                    .map(|p| p.products.len())
                    .unwrap_or(1)
                    - 1;
                self.product_sel = Some((i + 1).min(last));
            }
            (KeyCode::Left, Some(_)) => self.product_sel = None,
            (KeyCode::Enter, Some(i)) => {
                let Some(project) = self.projects.get(self.project_sel).cloned() else {
                    return false;
                };
                let Some(product) = project.products.get(i).cloned() else {
                    return false;
                };
                if let Some(sheet) = self.sheet_mut() {
                    sheet.draft.choice = Some(Choice {
                        project_id: project.id,
                        project_name: project.name,
                        product_id: product.id,
                        product_name: product.name,
                        user_type: Some(product.user_type),
                        validity_years: product.validity_years,
                        price_fen: product.price_fen,
                    });
                }
                self.go(Step::Terms);
            }
            (_, Some(_)) => return false,
            (_, None) => {
                if !self.type_into(key) {
                    return false;
                }
                self.project_sel = 0;
                self.search_projects();
            }
        }
        true
    }

    pub(super) fn terms_key(&mut self, key: KeyEvent) -> bool {
        match key.code {
            KeyCode::Up => self.terms_scroll = self.terms_scroll.saturating_sub(1),
            KeyCode::Down => self.terms_scroll = self.terms_scroll.saturating_add(1),
            KeyCode::PageUp => self.terms_scroll = self.terms_scroll.saturating_sub(10),
            KeyCode::PageDown | KeyCode::Char(' ') => {
                self.terms_scroll = self.terms_scroll.saturating_add(10)
            }
            _ => return false,
        }
        true
    }

    /// Switches individual ⇄ organisation: the product of the other kind with the same
    /// validity in the same project (or the nearest).
    pub fn toggle_user_type(&mut self) {
        let Some(choice) = self.sheet().and_then(|s| s.draft.choice.clone()) else {
            return;
        };
        let Some(project) = self
            .projects
            .iter()
            .find(|p| p.id == choice.project_id)
            .cloned()
        else {
            return;
        };
        let other = match choice.user_type {
            Some(UserType::Individual) => UserType::Organization,
            _ => UserType::Individual,
        };
        let best = project
            .products
            .iter()
            .filter(|p| p.user_type == other)
            .min_by_key(|p| (p.validity_years - choice.validity_years).abs());
        if let (Some(product), Some(sheet)) = (best.cloned(), self.sheet_mut()) {
            sheet.draft.choice = Some(Choice {
                product_id: product.id,
                product_name: product.name,
                user_type: Some(product.user_type),
                validity_years: product.validity_years,
                price_fen: product.price_fen,
                ..choice
            });
        }
    }

    pub(super) fn form_key(&mut self, key: KeyEvent, lang: Lang) -> bool {
        let Some(sheet) = self.sheet_mut() else {
            return false;
        };
        let specs = sheet.specs();
        let editable: Vec<&fields::Spec> = specs
            .iter()
            .filter(|s| s.kind != fields::Kind::Locked)
            .collect();
        let at = editable
            .iter()
            .position(|s| s.key == sheet.draft.focus)
            .unwrap_or(0);
        let leave = |sheet: &mut Sheet, lang: Lang| {
            if let Some(spec) = specs.iter().find(|s| s.key == sheet.draft.focus) {
                match fields::check(spec.kind, &sheet.text(spec.key), lang) {
                    Some(error) => sheet.errors.insert(spec.key.to_owned(), error),
                    None => sheet.errors.remove(spec.key),
                };
            }
        };
        match key.code {
            KeyCode::Tab | KeyCode::Down => {
                leave(sheet, lang);
                if let Some(next) = editable.get(at + 1) {
                    sheet.draft.focus = next.key.to_owned();
                }
            }
            KeyCode::BackTab | KeyCode::Up => {
                leave(sheet, lang);
                if let Some(previous) = at.checked_sub(1).and_then(|i| editable.get(i)) {
                    sheet.draft.focus = previous.key.to_owned();
                }
            }
            KeyCode::Enter if at + 1 < editable.len() => {
                leave(sheet, lang);
                sheet.draft.focus = editable[at + 1].key.to_owned();
            }
            KeyCode::Enter => {
                // The last field: check everything, go on only when all is well.
                sheet.errors.clear();
                for spec in &specs {
                    if let Some(error) = fields::check(spec.kind, &sheet.text(spec.key), lang) {
                        sheet.errors.insert(spec.key.to_owned(), error);
                    }
                }
                if !fields::locked_values_valid(&sheet.draft) {
                    sheet.notice = Some(Notice::Error(T::NewIdentityMissing.get(lang).to_owned()));
                    return true;
                }
                match editable.iter().find(|s| sheet.errors.contains_key(s.key)) {
                    Some(first) => sheet.draft.focus = first.key.to_owned(),
                    None => {
                        sheet.sync();
                        self.go(Step::Scan);
                    }
                }
            }
            _ => return self.type_into(key),
        }
        true
    }

    /// Prints (or saves) the application form as typed.
    pub fn print_form(&mut self) {
        let Some(sheet) = self.sheet_mut() else {
            return;
        };
        if sheet.draft.step == Step::Done {
            // After submission: the transfer slip when paying by transfer, else the
            // acceptance receipt.
            let Some(order_no) = sheet.draft.order_no.clone() else {
                return;
            };
            sheet.busy = true;
            let draft = sheet.draft.id.clone();
            let request = if sheet.paying() == Some(super::Paying::Transfer) {
                Request::PrintSlip { draft, order_no }
            } else {
                Request::PrintReceipt { draft, order_no }
            };
            self.outbox.push(request);
            return;
        }
        if !matches!(sheet.draft.step, Step::Scan | Step::Submit | Step::Form) {
            return;
        }
        sheet.sync();
        sheet.busy = true;
        let request = Request::PrintForm {
            draft: sheet.draft.id.clone(),
            order: Box::new(fields::new_order(&sheet.draft)),
            reference: sheet.draft.reference.clone(),
        };
        self.outbox.push(request);
    }

    pub(super) fn scan_key(&mut self, key: KeyEvent, lang: Lang) -> bool {
        match key.code {
            KeyCode::Tab => {
                let Some(sheet) = self.sheet_mut() else {
                    return false;
                };
                let done = crate::tui::widgets::path::complete(&sheet.text("scan_path"));
                sheet.set_text("scan_path", &done.text);
                sheet.notice =
                    (!done.choices.is_empty()).then(|| Notice::Info(done.choices.join("  ")));
                true
            }
            KeyCode::Enter => {
                let limit = self.upload_limit;
                let Some(sheet) = self.sheet_mut() else {
                    return false;
                };
                let path = sheet.text("scan_path").trim().to_owned();
                if path.is_empty() {
                    sheet
                        .errors
                        .insert("scan_path".into(), T::NewScanNeeded.get(lang).to_owned());
                    return true;
                }
                if sheet.draft.scan.as_ref().is_some_and(|s| s.path == path) {
                    self.go(Step::Submit);
                    return true;
                }
                sheet.busy = true;
                let request = Request::CheckScan {
                    draft: sheet.draft.id.clone(),
                    path: expand_home(&path),
                    limit,
                };
                self.outbox.push(request);
                true
            }
            _ => {
                let typed = self.type_into(key);
                if typed && let Some(sheet) = self.sheet_mut() {
                    let path = sheet.text("scan_path");
                    if sheet
                        .draft
                        .scan
                        .as_ref()
                        .is_some_and(|s| s.path != path.trim())
                    {
                        sheet.draft.scan = None;
                    }
                }
                typed
            }
        }
    }

    pub(super) fn submit_key(&mut self, key: KeyEvent) -> bool {
        if key.code != KeyCode::Enter {
            return false;
        }
        let Some(sheet) = self.sheet_mut() else {
            return false;
        };
        sheet.sync();
        sheet.busy = true;
        sheet.notice = None;
        let request = Request::Submit {
            draft: sheet.draft.id.clone(),
            order: Box::new(fields::new_order(&sheet.draft)),
            scan: expand_home(sheet.draft.scan_path.trim()),
        };
        self.outbox.push(request);
        true
    }

    pub(super) fn done_key(&mut self, key: KeyEvent, lang: Lang, now_ms: i64) -> bool {
        let awaiting_voucher = self
            .sheet()
            .is_some_and(|s| s.focused_key().as_deref() == Some("voucher_path"));
        if !awaiting_voucher {
            return key.code == KeyCode::Enter && self.command(NewCmd::OpenOrder, now_ms);
        }
        let Some(sheet) = self.sheet_mut() else {
            return false;
        };
        match key.code {
            KeyCode::Tab => {
                let done = crate::tui::widgets::path::complete(&sheet.text("voucher_path"));
                sheet.set_text("voucher_path", &done.text);
                sheet.notice =
                    (!done.choices.is_empty()).then(|| Notice::Info(done.choices.join("  ")));
                true
            }
            KeyCode::Enter => {
                let path = sheet.text("voucher_path").trim().to_owned();
                if path.is_empty() {
                    let needed = T::VoucherPathNeeded.get(lang).to_owned();
                    sheet.errors.insert("voucher_path".into(), needed);
                    return true;
                }
                let limit = self.upload_limit;
                let Some(sheet) = self.sheet_mut() else {
                    return false;
                };
                let Some(order_no) = sheet.draft.order_no.clone() else {
                    return false;
                };
                sheet.busy = true;
                let request = Request::DraftAct {
                    draft: sheet.draft.id.clone(),
                    order_no,
                    action: crate::domain::Action::UploadVoucher,
                    body: crate::api::ActionRequest {
                        version: Some(sheet.draft.order_version),
                        ..Default::default()
                    },
                    upload: Some(Upload {
                        kind: crate::api::AttachmentKind::Voucher,
                        path: expand_home(&path),
                        limit,
                    }),
                };
                self.outbox.push(request);
                true
            }
            _ => self.type_into(key),
        }
    }
}
