//! What each step does with the keys it gets, and moving between steps.

use crossterm::event::{KeyCode, KeyEvent};

use super::draft::{Choice, Step};
use super::messages::Request;
use super::sheet::{Paying, Sheet, Waiting, expired};
use super::{NewApp, fields};
use crate::api::{AttachmentKind, NewCustomer, Project};
use crate::domain::{Action, Phone, UserType};
use crate::i18n::{Lang, T};
use crate::tui::component::Ctx;
use crate::tui::files::Upload;
use crate::tui::text::Notice;
use crate::tui::widgets::path::{complete, expand_home};

impl NewApp {
    fn type_into(&mut self, key: KeyEvent) -> bool {
        let Some(sheet) = self.sheet_mut() else {
            return false;
        };
        let Some(field) = sheet.focused_key() else {
            return false;
        };
        let typed = sheet.inputs.entry(field.clone()).or_default().key(key);
        if typed {
            sheet.field_corrected(&field);
        }
        typed
    }

    /// Moves the draft shown to `step`, with what that step needs.
    pub(super) fn go(&mut self, ctx: &mut Ctx<Request>, step: Step) {
        if let Some(sheet) = self.sheet_mut() {
            sheet.draft.step = step;
            sheet.notice = None;
            sheet.choices = None;
        }
        self.enlarged = false;
        match step {
            Step::Realname => self.enter_realname(ctx),
            Step::Project => {
                self.product_sel = None;
                self.search_projects(ctx);
                self.reselect = true;
            }
            Step::Terms => {
                self.terms_scroll = 0;
                if self.terms.is_none() {
                    ctx.ask(Request::Terms);
                }
            }
            Step::Form => {
                if let Some(sheet) = self.sheet_mut() {
                    fields::prefill(&mut sheet.draft);
                    sheet.rebuild_inputs();
                    let specs = sheet.specs();
                    // The first field still to fill, wherever the cursor was: switched to an
                    // organisation, the company's fields come first and are empty, and a
                    // clerk typing at speed must not type the company's name into the
                    // street where the cursor was left. With nothing to fill, the cursor
                    // stays (else goes to the first field that can be edited).
                    let editable = || specs.iter().filter(|s| s.kind != fields::Kind::Locked);
                    let empty = editable().find(|s| {
                        s.kind != fields::Kind::Email && sheet.draft.field(s.key).trim().is_empty()
                    });
                    let kept = specs.iter().any(|s| s.key == sheet.draft.focus);
                    if let Some(first) = empty.or_else(|| (!kept).then(|| editable().next()).flatten()) {
                        sheet.draft.focus = first.key.to_owned();
                    }
                }
            }
            _ => {}
        }
    }

    pub(super) fn customer_key(&mut self, ctx: &mut Ctx<Request>, key: KeyEvent) -> bool {
        match key.code {
            KeyCode::Enter => {
                let Some(sheet) = self.sheet_mut() else {
                    return false;
                };
                if sheet.asking_name {
                    match crate::domain::person_name(&sheet.text("new_name")) {
                        Ok(name) => {
                            sheet.wait(Waiting::Step);
                            let request = Request::CreateCustomer {
                                draft: sheet.draft.id.clone(),
                                customer: NewCustomer {
                                    phone: sheet.text("phone"),
                                    name,
                                },
                            };
                            ctx.ask(request);
                        }
                        Err(e) => {
                            sheet.errors.insert("new_name".into(), e.into());
                        }
                    }
                    return true;
                }
                match Phone::parse(&sheet.text("phone")) {
                    Ok(phone) => {
                        sheet.wait(Waiting::Step);
                        sheet.set_text("phone", phone.as_str());
                        let request = Request::FindCustomer {
                            draft: sheet.draft.id.clone(),
                            phone: phone.into(),
                        };
                        ctx.ask(request);
                    }
                    Err(e) => {
                        sheet.errors.insert("phone".into(), e.into());
                    }
                }
                true
            }
            KeyCode::Up | KeyCode::BackTab if self.sheet().is_some_and(|s| s.asking_name) => {
                if let Some(sheet) = self.sheet_mut() {
                    sheet.asking_name = false;
                    sheet.draft.customer = None;
                    sheet.notice = None;
                }
                true
            }
            KeyCode::Char(c)
                if !key.modifiers.contains(crossterm::event::KeyModifiers::CONTROL)
                    && self.sheet().is_some_and(|s| !s.asking_name)
                    && !fields::phone_char(c) =>
            {
                // Only what a mobile number is written with: said at once, not on Enter.
                if let Some(sheet) = self.sheet_mut() {
                    sheet
                        .errors
                        .insert("phone".into(), T::NewPhoneDigitsOnly.into());
                }
                true
            }
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

    fn enter_realname(&mut self, ctx: &mut Ctx<Request>) {
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
            sheet.wait(Waiting::Step);
            ctx.ask(Request::StartRealname {
                draft: sheet.draft.id.clone(),
                customer_id: customer.id,
            });
        }
    }

    /// A fresh real-name code (the old one stops working).
    pub(super) fn fresh_code(&mut self, ctx: &mut Ctx<Request>) {
        let Some(sheet) = self.sheet_mut() else {
            return;
        };
        if sheet.draft.step != Step::Realname {
            return;
        }
        if let Some(customer) = sheet.draft.customer.clone().filter(|c| !c.verified) {
            sheet.wait(Waiting::Step);
            ctx.ask(Request::StartRealname {
                draft: sheet.draft.id.clone(),
                customer_id: customer.id,
            });
        }
    }

    pub(super) fn realname_key(&mut self, ctx: &mut Ctx<Request>, key: KeyEvent) -> bool {
        let Some(sheet) = self.sheet_mut() else {
            return false;
        };
        if sheet.renaming {
            if key.code != KeyCode::Enter {
                return self.type_into(key);
            }
            match crate::domain::person_name(&sheet.text("new_name")) {
                Ok(name) => {
                    sheet.wait(Waiting::Step);
                    let request = Request::RenameCustomer {
                        draft: sheet.draft.id.clone(),
                        customer_id: sheet
                            .draft
                            .customer
                            .as_ref()
                            .map(|c| c.id.clone())
                            .unwrap_or_default(),
                        name,
                    };
                    ctx.ask(request);
                }
                Err(e) => {
                    sheet.errors.insert("new_name".into(), e.into());
                }
            }
            return true;
        }
        let verified = sheet.draft.customer.as_ref().is_some_and(|c| c.verified);
        if key.code == KeyCode::Enter && verified {
            self.go(ctx, Step::Project);
            return true;
        }
        false
    }

    pub(super) fn search_projects(&mut self, ctx: &mut Ctx<Request>) {
        self.projects_seq += 1;
        let query = self
            .sheet()
            .map(|s| s.text("project_query"))
            .unwrap_or_default();
        ctx.ask(Request::Projects {
            seq: self.projects_seq,
            query: query.trim().to_owned(),
        });
    }

    /// Takes the latest project list: the cursor on the draft's choice when the step was
    /// just entered, else where it was (within the list).
    pub(super) fn projects_found(&mut self, projects: Vec<Project>) {
        self.projects = projects;
        self.projects_loading = false;
        self.project_sel = self.project_sel.min(self.projects.len().saturating_sub(1));
        if std::mem::take(&mut self.reselect) {
            self.select_choice();
        }
    }

    /// The cursor on the draft's chosen project, and on its product when it has several
    /// (the list opened on it), when the list holds it.
    pub(super) fn select_choice(&mut self) {
        let Some(choice) = self.sheet().and_then(|s| s.draft.choice.clone()) else {
            return;
        };
        let Some(at) = self.projects.iter().position(|p| p.id == choice.project_id) else {
            return;
        };
        self.project_sel = at;
        let products = &self.projects[at].products;
        if products.len() > 1 {
            self.product_sel = products.iter().position(|p| p.id == choice.product_id);
        }
    }

    /// The number of the latest project search (older answers are dropped).
    pub fn projects_seq(&self) -> u64 {
        self.projects_seq
    }

    fn choose(&mut self, ctx: &mut Ctx<Request>, project: Project, product: usize) {
        let Some(product) = project.products.get(product).cloned() else {
            return;
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
            same_product_asked(ctx, sheet);
        }
        self.go(ctx, Step::Terms);
    }

    pub(super) fn project_key(&mut self, ctx: &mut Ctx<Request>, key: KeyEvent) -> bool {
        match (key.code, self.product_sel) {
            (KeyCode::Up, None) => self.project_sel = self.project_sel.saturating_sub(1),
            (KeyCode::Down, None) => {
                self.project_sel = (self.project_sel + 1).min(self.projects.len().saturating_sub(1))
            }
            (KeyCode::Enter | KeyCode::Right, None) => {
                let Some(project) = self.projects.get(self.project_sel).cloned() else {
                    return false;
                };
                match project.products.len() {
                    0 => return false,
                    // A single product: nothing to choose, on to the terms.
                    1 => self.choose(ctx, project, 0),
                    _ => self.product_sel = Some(0),
                }
            }
            (KeyCode::Up, Some(i)) => self.product_sel = Some(i.saturating_sub(1)),
            (KeyCode::Down, Some(i)) => {
                let count = self
                    .projects
                    .get(self.project_sel)
                    .map(|p| p.products.len())
                    .unwrap_or(1);
                self.product_sel = Some((i + 1).min(count.saturating_sub(1)));
            }
            (KeyCode::Left, Some(_)) => self.product_sel = None,
            (KeyCode::Enter, Some(i)) => {
                let Some(project) = self.projects.get(self.project_sel).cloned() else {
                    return false;
                };
                self.choose(ctx, project, i);
            }
            (_, Some(_)) => return false,
            (_, None) => {
                if !self.type_into(key) {
                    return false;
                }
                self.project_sel = 0;
                self.search_projects(ctx);
                self.reselect = false;
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
    pub(super) fn toggle_user_type(&mut self, ctx: &mut Ctx<Request>) {
        let Some(choice) = self.sheet().and_then(|s| s.draft.choice.clone()) else {
            return;
        };
        let Some(project) = self.projects.iter().find(|p| p.id == choice.project_id).cloned()
        else {
            // Its products not in (another draft was just shown, a search failed): asked
            // for, and said — `t` again once they are in.
            self.search_projects(ctx);
            if let Some(sheet) = self.sheet_mut() {
                sheet.notice = Some(Notice::info(T::StillWaiting));
            }
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
            same_product_asked(ctx, sheet);
        }
    }

    pub(super) fn form_key(&mut self, ctx: &mut Ctx<Request>, key: KeyEvent) -> bool {
        // The CA's own credit code, refused as the applicant's as the platform refuses it.
        let seller = ctx.shared.seller_tax_number().to_owned();
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
        // Each field is checked as it is left, with the platform's own rules, and shown as
        // the platform will keep it (湖南 → 湖南省). Going back up, a field not filled in
        // yet is not called missing.
        let leave = |sheet: &mut Sheet, forward: bool| {
            if let Some(spec) = specs.iter().find(|s| s.key == sheet.draft.focus) {
                let value = sheet.text(spec.key);
                if !forward && value.trim().is_empty() {
                    return;
                }
                match fields::check_with_seller(spec.kind, &value, &seller) {
                    Some(error) => {
                        sheet.errors.insert(spec.key.to_owned(), error);
                    }
                    None => {
                        kept_as_printed(sheet, spec);
                        sheet.field_corrected(spec.key);
                    }
                }
                // The province and the postal code together, said on the postal code.
                if matches!(spec.key, "mailing.province" | "mailing.postal_code") {
                    address_together(sheet);
                }
            }
        };
        match key.code {
            KeyCode::Tab | KeyCode::Down => {
                leave(sheet, true);
                if let Some(next) = editable.get(at + 1) {
                    sheet.draft.focus = next.key.to_owned();
                }
            }
            KeyCode::BackTab | KeyCode::Up => {
                leave(sheet, false);
                if let Some(previous) = at.checked_sub(1).and_then(|i| editable.get(i)) {
                    sheet.draft.focus = previous.key.to_owned();
                }
            }
            KeyCode::Enter if at + 1 < editable.len() => {
                leave(sheet, true);
                sheet.draft.focus = editable[at + 1].key.to_owned();
            }
            KeyCode::Enter => {
                // The last field: left as any other, then everything checked, and every
                // field shown as it will print (one restored after a crash was never
                // left); go on only when all is well.
                leave(sheet, true);
                sheet.errors.clear();
                for spec in &specs {
                    let value = sheet.text(spec.key);
                    match fields::check_with_seller(spec.kind, &value, &seller) {
                        Some(error) => {
                            sheet.errors.insert(spec.key.to_owned(), error);
                        }
                        None => kept_as_printed(sheet, spec),
                    }
                }
                address_together(sheet);
                if !fields::locked_values_valid(&sheet.draft) {
                    sheet.notice = Some(Notice::error(T::NewIdentityMissing));
                    return true;
                }
                match editable.iter().find(|s| sheet.errors.contains_key(s.key)) {
                    Some(first) => sheet.draft.focus = first.key.to_owned(),
                    None => {
                        sheet.sync();
                        self.go(ctx, Step::Scan);
                    }
                }
            }
            // A number field takes only what a number is written with, said at once.
            KeyCode::Char(c)
                if !key.modifiers.contains(crossterm::event::KeyModifiers::CONTROL)
                    && let Some(said) = specs
                        .iter()
                        .find(|s| s.key == sheet.draft.focus)
                        .and_then(|s| fields::refused_char(s.kind, c)) =>
            {
                let focus = sheet.draft.focus.clone();
                sheet.errors.insert(focus, said.into());
            }
            _ => return self.type_into(key),
        }
        true
    }

    /// Tab in a path field: completes what is unambiguous, lists the choices under it.
    fn complete_path(&mut self, field: &str) {
        if let Some(sheet) = self.sheet_mut() {
            let done = complete(&sheet.text(field));
            sheet.set_text(field, &done.text);
            sheet.choices = (!done.choices.is_empty()).then(|| done.choices.join("  "));
        }
    }

    pub(super) fn scan_key(&mut self, ctx: &mut Ctx<Request>, key: KeyEvent) -> bool {
        match key.code {
            KeyCode::Tab => {
                self.complete_path("scan_path");
                true
            }
            KeyCode::Enter => {
                let limit = ctx.shared.upload_limit();
                let Some(sheet) = self.sheet_mut() else {
                    return false;
                };
                sheet.choices = None;
                let path = sheet.text("scan_path").trim().to_owned();
                if path.is_empty() {
                    sheet.errors.insert("scan_path".into(), T::NewScanNeeded.into());
                    return true;
                }
                if sheet.draft.scan.as_ref().is_some_and(|s| s.path == path) {
                    self.go(ctx, Step::Submit);
                    return true;
                }
                sheet.wait(Waiting::Step);
                ctx.ask(Request::CheckScan {
                    draft: sheet.draft.id.clone(),
                    path: expand_home(&path),
                    limit,
                    reference: sheet.draft.reference.clone(),
                });
                true
            }
            _ => {
                let typed = self.type_into(key);
                if typed && let Some(sheet) = self.sheet_mut() {
                    sheet.choices = None;
                    let path = sheet.text("scan_path");
                    if sheet.draft.scan.as_ref().is_some_and(|s| s.path != path.trim()) {
                        sheet.draft.scan = None;
                    }
                }
                typed
            }
        }
    }

    pub(super) fn submit_key(&mut self, ctx: &mut Ctx<Request>, key: KeyEvent) -> bool {
        if key.code != KeyCode::Enter {
            return false;
        }
        let Some(sheet) = self.sheet_mut() else {
            return false;
        };
        sheet.sync();
        // The application changed since its scan was checked (a new reference: the signed
        // paper says what it no longer does): the scan is checked again first.
        if sheet.draft.scan.is_none() {
            self.go(ctx, Step::Scan);
            if let Some(sheet) = self.sheet_mut() {
                sheet
                    .errors
                    .insert("scan_path".into(), T::NewScanCheckAgain.into());
            }
            return true;
        }
        sheet.wait(Waiting::Step);
        sheet.notice = None;
        ctx.ask(Request::Submit {
            draft: sheet.draft.id.clone(),
            order: Box::new(fields::new_order(&sheet.draft)),
            scan: expand_home(sheet.draft.scan_path.trim()),
        });
        true
    }

    pub(super) fn done_key(&mut self, ctx: &mut Ctx<Request>, key: KeyEvent, _lang: Lang) -> bool {
        let awaiting_voucher = self
            .sheet()
            .is_some_and(|s| s.focused_key().as_deref() == Some("voucher_path"));
        if !awaiting_voucher {
            if key.code == KeyCode::Enter {
                self.command_open(ctx);
            }
            return false;
        }
        match key.code {
            KeyCode::Tab => {
                self.complete_path("voucher_path");
                true
            }
            KeyCode::Enter => {
                let limit = ctx.shared.upload_limit();
                let Some(sheet) = self.sheet_mut() else {
                    return false;
                };
                sheet.choices = None;
                let path = sheet.text("voucher_path").trim().to_owned();
                if path.is_empty() {
                    sheet.errors.insert("voucher_path".into(), T::VoucherPathNeeded.into());
                    return true;
                }
                let Some((sheet, order_no)) = self.paying_at(Paying::Transfer) else {
                    return false;
                };
                let upload = Upload {
                    kind: AttachmentKind::Voucher,
                    path: expand_home(&path),
                    limit,
                };
                ctx.ask(sheet.act(order_no, Action::UploadVoucher, Some(upload)));
                true
            }
            _ => self.type_into(key),
        }
    }

    fn command_open(&mut self, ctx: &mut Ctx<Request>) {
        use crate::tui::component::Component;
        self.command(ctx, super::Cmd::OpenOrder);
    }
}

/// The address checked as a whole ([`fields::check_address`]): a postal code of another
/// province is said on the postal code; one that agrees drops that message (a format error
/// of the postal code itself is left to its own check).
fn address_together(sheet: &mut Sheet) {
    const POSTAL: &str = "mailing.postal_code";
    match fields::check_address(&sheet.text("mailing.province"), &sheet.text(POSTAL)) {
        Some(error) => {
            sheet.errors.insert(POSTAL.to_owned(), error);
        }
        None if fields::check(fields::Kind::PostalCode, &sheet.text(POSTAL)).is_none() => {
            sheet.field_corrected(POSTAL);
        }
        None => {}
    }
}

/// A customer with orders: one for the same product (as the draft now has it) still under
/// way is said before a second is made — a walk-in who came back to ask about the first.
/// What was said of the product chosen before goes. By the number typed (the one the
/// platform shows may be masked).
fn same_product_asked(ctx: &mut Ctx<Request>, sheet: &mut Sheet) {
    if sheet
        .notice
        .as_ref()
        .is_some_and(|n| n.text.msg.text == T::NewSameProductOpen)
    {
        sheet.notice = None;
    }
    if sheet.draft.customer.as_ref().is_some_and(|c| c.order_count > 0) {
        ctx.ask(Request::OpenOrders {
            draft: sheet.draft.id.clone(),
            phone: sheet.draft.phone.clone(),
        });
    }
}

/// A field the platform will keep otherwise, shown so (湖南 → 湖南省, ４１１１００ → 411100);
/// a whole address pasted into the street keeps the street alone (the province, city and
/// district its own fields hold went onto the paper twice).
fn kept_as_printed(sheet: &mut Sheet, spec: &fields::Spec) {
    if let Some(kept) = fields::kept(spec.kind, &sheet.text(spec.key)) {
        sheet.set_text(spec.key, &kept);
    }
    if spec.key == "mailing.street"
        && let Some(alone) = crate::domain::street_alone(
            &sheet.text(spec.key),
            &sheet.text("mailing.province"),
            &sheet.text("mailing.city"),
            &sheet.text("mailing.district"),
        )
    {
        sheet.set_text(spec.key, &alone);
    }
}
