//! The keys of the 开票 tab: the list (open the form, no invoice, the shared list keys),
//! the form (issue, no invoice, back), the "no invoice" popup.

use crossterm::event::KeyCode;

use super::Invoicing;
use crate::domain::{Action, Permission};
use crate::i18n::T;
use crate::tui::component::Env;
use crate::tui::keys::{Binding, Key};
use crate::tui::list::{Motion, motion_bindings};

/// What the keys of the tab ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmd {
    /// Move the selection.
    Move(Motion),
    /// Open the invoice form for the selected order.
    Open,
    /// Show the selected order (to whoever may not issue: support, read-only).
    View,
    /// The customer wants no invoice (asks for a note, then completes the order).
    Decline,
    /// Check and issue (asks to confirm).
    Issue,
    /// Issue, the question answered (`y`).
    ConfirmIssue,
    /// Back (from the confirmation, the form or the popup).
    Back,
}

/// The bindings of the tab in its present state.
pub fn bindings(invoicing: &Invoicing, env: &Env) -> Vec<Binding<Cmd>> {
    let t = |t: T| t.get(env.lang).to_owned();
    if invoicing.decline.is_some() {
        // The popup takes the keys itself.
        return Vec::new();
    }
    if let Some(form) = &invoicing.form {
        // Asked once more: the footer says the answer the question asks for (it said
        // Ctrl-S, while `y` issues).
        if form.confirming && !form.sending {
            return vec![
                Binding::new(&[Key::ch('y')], Cmd::ConfirmIssue, t(T::CmdInvoiceConfirm))
                    .footer(),
                Binding::new(&[Key::code(KeyCode::Esc)], Cmd::Back, t(T::CmdBack))
                    .short(t(T::HintBack))
                    .footer(),
                // A second Ctrl-S (a double tap) asks still; it does not issue.
                Binding::new(&[Key::ctrl('s')], Cmd::Issue, t(T::CmdInvoiceIssue)),
            ];
        }
        let mut out = vec![
            Binding::new(&[Key::code(KeyCode::Esc)], Cmd::Back, t(T::CmdBack))
                .short(t(T::HintBack))
                .footer(),
            Binding::new(&[Key::ctrl('s')], Cmd::Issue, t(T::CmdInvoiceIssue)).footer(),
            Binding::new(&[Key::ctrl('d')], Cmd::Decline, t(T::CmdInvoiceDecline)).footer(),
        ];
        if !form.typing() {
            out.push(Binding::new(&[Key::ch('d')], Cmd::Decline, t(T::CmdInvoiceDecline)));
        }
        return out;
    }
    let mut out = Vec::new();
    if env.shared.permits(Permission::Act(Action::IssueInvoice)) && !invoicing.queue.is_empty() {
        out.push(Binding::new(&[Key::code(KeyCode::Enter)], Cmd::Open, t(T::CmdInvoiceOpen)).footer());
        out.push(Binding::new(&[Key::ch('d')], Cmd::Decline, t(T::CmdInvoiceDecline)).footer());
    } else if !invoicing.queue.is_empty() {
        out.push(
            Binding::new(&[Key::code(KeyCode::Enter)], Cmd::View, t(T::CmdOpen))
                .short(t(T::HintOpen))
                .footer(),
        );
    }
    out.extend(motion_bindings(Cmd::Move, env.lang, true));
    out
}
