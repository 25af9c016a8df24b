//! Popups and prompts: the action forms, the `/` and `:` prompt, the `?` help.

use crossterm::event::{KeyCode, KeyEvent};

use crate::api::{ActionRequest, AttachmentKind, ClientError, Order};
use crate::domain::{Action, ActionNeeds, OrderNo, Phone};
use crate::i18n::{Lang, T};

use super::{App, Notice};
use crate::tui::keys::{self, Cmd, Tab};
use crate::tui::net::Request;
use crate::tui::theme;
use crate::tui::widgets::input::Input;
use crate::tui::widgets::path::expand_home;

/// What a form submits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    /// An order action.
    Act(Action),
    /// A note.
    Note,
    /// A tracking event typed by staff.
    TrackingStep,
}

/// One field of a popup form.
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
    /// The message next to the field.
    pub error: Option<String>,
    /// A hint under the field (completion choices).
    pub hint: Option<String>,
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
    /// A message that is not about one field.
    pub error: Option<String>,
}

/// What the one-line prompt is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    /// `/` search.
    Search,
    /// `:` command.
    Command,
}

/// Something drawn over the main area that takes the keyboard.
#[derive(Debug, Clone)]
pub enum Overlay {
    /// `?` help: filter text and selected row.
    Help {
        /// What is typed to find a command.
        filter: Input,
        /// Selected row of the matches.
        selected: usize,
    },
    /// `/` or `:`.
    Prompt {
        /// Which.
        kind: PromptKind,
        /// What is typed.
        input: Input,
    },
    /// An action or note form.
    Form(Form),
}

impl App {
    pub(super) fn open_form(&mut self, kind: FormKind) {
        let Some(order) = self.detail.as_ref().and_then(|d| d.order.as_ref()) else {
            return;
        };
        let field = |key: &'static str, label: T, required: bool| Field {
            key,
            label,
            input: Input::new(""),
            required,
            error: None,
            hint: None,
        };
        let fields = match kind {
            FormKind::Note => vec![field("text", T::FieldNote, true)],
            FormKind::TrackingStep => {
                use crate::domain::TrackingState;
                let mut state = field("state", T::FieldTrackingState, true);
                let names: Vec<&str> = TrackingState::ALL
                    .iter()
                    .filter(|s| **s != TrackingState::Unknown)
                    .map(|s| s.label().get(self.lang))
                    .collect();
                state.hint = Some(names.join(" "));
                vec![state, field("context", T::FieldTrackingContext, true)]
            }
            FormKind::Act(action) => match action.needs() {
                ActionNeeds::Nothing => vec![],
                ActionNeeds::Reason => vec![field("reason", T::FieldReason, true)],
                ActionNeeds::OptionalNote => vec![field("reason", T::FieldOptionalNote, false)],
                ActionNeeds::Reasons => vec![field("reasons", T::FieldReasons, true)],
                ActionNeeds::Voucher | ActionNeeds::Attachments => {
                    vec![field("file", T::FieldFilePath, true)]
                }
                ActionNeeds::Shipment => vec![
                    field("carrier", T::FieldCarrier, true),
                    field("tracking_no", T::FieldTrackingNo, true),
                ],
                ActionNeeds::Invoice => vec![field("invoice_no", T::FieldInvoiceNo, true)],
            },
        };
        self.overlay = Some(Overlay::Form(Form {
            order_no: order.order_no.clone(),
            version: order.version,
            kind,
            fields,
            focus: 0,
            submitting: false,
            error: None,
        }));
    }

    pub(super) fn help_key(&mut self, mut filter: Input, mut selected: usize, key: KeyEvent) {
        let matches = self.help_matches(&filter.text());
        match key.code {
            KeyCode::Esc => return,
            KeyCode::Enter => {
                if let Some((_, cmd, _)) = matches.get(selected) {
                    let cmd = *cmd;
                    self.run(cmd);
                }
                return;
            }
            KeyCode::Up => selected = selected.saturating_sub(1),
            KeyCode::Down => selected = (selected + 1).min(matches.len().saturating_sub(1)),
            _ => {
                filter.key(key);
                selected = 0;
            }
        }
        self.overlay = Some(Overlay::Help { filter, selected });
    }

    /// The commands the help offers for `filter`: (keys, command, label).
    pub fn help_matches(&self, filter: &str) -> Vec<(String, Cmd, String)> {
        let needle = filter.trim().to_lowercase();
        keys::bindings(&self.context())
            .into_iter()
            .filter(|b| b.cmd != Cmd::Help)
            .filter(|b| {
                let keys = b.keys.iter().any(|k| k.display().to_lowercase() == needle);
                let words = format!(
                    "{} {}",
                    b.cmd.label(self.lang),
                    b.cmd.short_label(self.lang)
                )
                .to_lowercase();
                needle.is_empty() || keys || words.contains(&needle)
            })
            .map(|b| {
                let keys: Vec<String> = b.keys.iter().map(|k| k.display()).collect();
                (keys.join(" "), b.cmd, b.cmd.label(self.lang))
            })
            .collect()
    }

    pub(super) fn prompt_key(&mut self, kind: PromptKind, mut input: Input, key: KeyEvent) {
        match key.code {
            KeyCode::Esc => {}
            KeyCode::Enter => match kind {
                PromptKind::Search => {
                    self.list.query = input.text().trim().to_owned();
                    self.detail = None;
                    self.reload_list();
                }
                PromptKind::Command => self.command(&input.text()),
            },
            _ => {
                input.key(key);
                self.overlay = Some(Overlay::Prompt { kind, input });
            }
        }
    }

    /// Runs a `:` command line.
    pub fn command(&mut self, line: &str) {
        let line = line.trim().trim_start_matches(':');
        let (name, arg) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let arg = arg.trim();
        match name {
            "q" | "quit" | "exit" => self.quit = true,
            "help" | "h" => self.run(Cmd::Help),
            "order" | "o" => match OrderNo::parse(arg) {
                Ok(no) => self.open(no.as_str()),
                Err(e) => self.notice = Some(Notice::Error(e.render(self.lang))),
            },
            "phone" | "p" => match Phone::parse(arg) {
                Ok(phone) => {
                    self.tab = Tab::Pending;
                    self.detail = None;
                    self.list.status = None;
                    self.list.query = phone.to_string();
                    self.reload_list();
                }
                Err(e) => self.notice = Some(Notice::Error(e.render(self.lang))),
            },
            "lang" => match Lang::parse(arg) {
                Some(lang) => self.lang = lang,
                None => {
                    self.notice = Some(Notice::Error(T::CmdLangUsage.get(self.lang).to_owned()))
                }
            },
            "theme" => match theme::load(arg, self.theme_dir.as_deref(), self.no_color) {
                Ok(theme) => {
                    self.theme = theme;
                    self.notice = Some(Notice::Info(T::ThemeChanged.fill(self.lang, &[arg])));
                }
                Err(e) => self.notice = Some(Notice::Error(e.to_string())),
            },
            "" => {}
            other => self.notice = Some(Notice::Error(T::CmdUnknown.fill(self.lang, &[other]))),
        }
    }

    pub(super) fn form_key(&mut self, mut form: Form, key: KeyEvent) {
        if form.submitting {
            // Waiting for the platform; only Esc (give up waiting) is taken.
            if key.code != KeyCode::Esc {
                self.overlay = Some(Overlay::Form(form));
            }
            return;
        }
        let last = form.fields.len().saturating_sub(1);
        let on_file = form.fields.get(form.focus).is_some_and(|f| f.key == "file");
        match key.code {
            KeyCode::Esc => return,
            KeyCode::Tab if on_file => {
                if let Some(field) = form.fields.get_mut(form.focus) {
                    let done = crate::tui::widgets::path::complete(&field.input.text());
                    field.input.set_text(&done.text);
                    field.hint = (!done.choices.is_empty()).then(|| done.choices.join("  "));
                    field.error = None;
                }
            }
            KeyCode::Tab | KeyCode::Down => form.focus = (form.focus + 1).min(last),
            KeyCode::BackTab | KeyCode::Up => form.focus = form.focus.saturating_sub(1),
            KeyCode::Enter if form.focus < last => form.focus += 1,
            KeyCode::Enter => {
                self.submit_form(form);
                return;
            }
            KeyCode::Char('y') if form.fields.is_empty() => {
                self.submit_form(form);
                return;
            }
            _ => {
                if let Some(field) = form.fields.get_mut(form.focus) {
                    field.input.key(key);
                    field.error = None;
                }
            }
        }
        self.overlay = Some(Overlay::Form(form));
    }

    pub(super) fn submit_form(&mut self, mut form: Form) {
        let mut complete = true;
        for field in &mut form.fields {
            field.error = None;
            if field.required && field.input.is_blank() {
                field.error = Some(T::ErrRequired.get(self.lang).to_owned());
                complete = false;
            }
        }
        if !complete {
            form.focus = form
                .fields
                .iter()
                .position(|f| f.error.is_some())
                .unwrap_or(0);
            self.overlay = Some(Overlay::Form(form));
            return;
        }
        let value = |key: &str| {
            form.fields
                .iter()
                .find(|f| f.key == key)
                .map(|f| f.input.text().trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let request = match form.kind {
            FormKind::Note => Request::Note {
                order_no: form.order_no.clone(),
                text: value("text").unwrap_or_default(),
            },
            FormKind::TrackingStep => {
                // The state as a clerk types it: its name in either language, or its code.
                use crate::domain::TrackingState;
                let typed = value("state").unwrap_or_default();
                let state = TrackingState::ALL
                    .into_iter()
                    .find(|s| {
                        s.as_str() == typed
                            || Lang::ALL
                                .iter()
                                .any(|lang| s.label().get(*lang).eq_ignore_ascii_case(&typed))
                    })
                    .map_or(typed, |s| s.as_str().to_owned());
                Request::TrackingStep {
                    order_no: form.order_no.clone(),
                    step: crate::api::NewTrackingStep {
                        state,
                        context: value("context").unwrap_or_default(),
                        at: None,
                    },
                }
            }
            FormKind::Act(action) => {
                let reasons = value("reasons")
                    .map(|all| {
                        all.split(['；', ';', '，', ','])
                            .map(str::trim)
                            .filter(|r| !r.is_empty())
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default();
                let upload = value("file").map(|path| {
                    let kind = if action == Action::UploadVoucher {
                        AttachmentKind::Voucher
                    } else {
                        AttachmentKind::Correction
                    };
                    crate::tui::net::Upload {
                        kind,
                        path: expand_home(&path),
                        limit: self.newapp.upload_limit,
                    }
                });
                Request::Act {
                    order_no: form.order_no.clone(),
                    action,
                    body: ActionRequest {
                        version: Some(form.version),
                        reason: value("reason"),
                        reasons,
                        carrier: value("carrier"),
                        tracking_no: value("tracking_no"),
                        invoice_no: value("invoice_no"),
                        ..Default::default()
                    },
                    upload,
                }
            }
        };
        form.submitting = true;
        form.error = None;
        self.outbox.push(request);
        self.overlay = Some(Overlay::Form(form));
    }

    pub(super) fn finish_form(
        &mut self,
        order_no: &str,
        result: Result<(Option<Order>, String), ClientError>,
    ) {
        let form = match self.overlay.take() {
            Some(Overlay::Form(form)) if form.order_no == order_no => Some(form),
            other => {
                self.overlay = other;
                None
            }
        };
        match result {
            Ok((order, done)) => {
                self.notice = Some(Notice::Info(
                    T::ActionDone.fill(self.lang, &[&done, order_no]),
                ));
                if let Some(detail) = self.detail.as_mut().filter(|d| d.order_no == order_no) {
                    if let Some(order) = order {
                        detail.order = Some(order);
                    }
                    self.outbox.push(Request::Detail {
                        order_no: order_no.to_owned(),
                        reveal: false,
                    });
                }
            }
            Err(e) => {
                let message = self.describe(&e);
                let Some(mut form) = form else {
                    self.notice = Some(Notice::Error(message));
                    return;
                };
                form.submitting = false;
                let mut placed = false;
                if let Some(problem) = e.problem() {
                    for error in &problem.errors {
                        let key = error.field.split(['[', '.']).next().unwrap_or_default();
                        let key = if key == "attachment_ids" { "file" } else { key };
                        if let Some(field) = form.fields.iter_mut().find(|f| f.key == key) {
                            field.error = Some(error.message.clone());
                            placed = true;
                        }
                    }
                }
                if !placed {
                    form.error = Some(message);
                }
                self.overlay = Some(Overlay::Form(form));
            }
        }
    }
}
