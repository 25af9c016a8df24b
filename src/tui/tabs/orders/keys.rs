//! The keys of the 待办订单 tab: the list (search, status filters, sort, the shared
//! list keys) and an open order (its actions, each on its key; scrolling).

use crossterm::event::KeyCode;

use super::Orders;
use crate::domain::{Action, OrderStatus, Permission};
use crate::i18n::T;
use crate::tui::component::Env;
use crate::tui::keys::{Binding, Key};
use crate::tui::list::{Motion, motion_bindings};

/// What the keys of the tab ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmd {
    /// Move the selection (list) or scroll (order).
    Move(Motion),
    /// Open the selected order.
    Open,
    /// Back to the list.
    Back,
    /// Search orders.
    Search,
    /// Clear search and filter.
    ClearSearch,
    /// Only one status (or all).
    Filter(Option<OrderStatus>),
    /// Newest first / oldest first.
    ToggleSort,
    /// Only orders submitted online / every order.
    ToggleOnline,
    /// Personal data in full (audited).
    Reveal,
    /// An order action.
    Act(Action),
    /// A note.
    Note,
    /// Correct the order's address (or a returned organisation's details).
    Edit,
    /// Take payment at the counter (QR code or bank transfer).
    CollectPayment,
    /// Print the returned order's one-time correction notice.
    PrintNotice,
    /// Print the order's application form as it stands (to sign again).
    PrintForm,
    /// Print (and keep) the order's issued e-invoice.
    PrintInvoice,
    /// Print the order's acceptance receipt as it stands (paid since, a copy for the
    /// customer).
    PrintReceipt,
    /// Ask again where the parcel is.
    Tracking,
    /// Type a tracking event (no tracking provider).
    TrackingStep,
    /// Text the customer the link to pay on their own platform.
    SendPaymentLink,
    /// Text the customer a fresh login code for their own platform.
    SendLoginCode,
    /// Text a login code to the customer a number search found with no order.
    CallerLoginCode,
}

/// The status-filter keys of the list.
pub const FILTER_KEYS: [(char, Option<OrderStatus>); 9] = [
    ('a', None),
    ('p', Some(OrderStatus::PendingPayment)),
    ('v', Some(OrderStatus::PendingVoucher)),
    ('w', Some(OrderStatus::PendingReview)),
    ('x', Some(OrderStatus::Rejected)),
    ('m', Some(OrderStatus::PendingShipment)),
    ('i', Some(OrderStatus::PendingInvoice)),
    ('d', Some(OrderStatus::Completed)),
    ('z', Some(OrderStatus::Cancelled)),
];

pub use crate::tui::keys::action_key;

/// What the operator can do on the open order now, each with its key and label: the
/// actions the platform allows (never in read-only mode), taking payment, printing the
/// correction notice. The view lists exactly these.
pub fn order_actions(orders: &Orders, env: &Env) -> Vec<(char, Cmd, String)> {
    let lang = env.lang;
    let Some(order) = orders.detail.as_ref().and_then(|d| d.order.as_ref()) else {
        return Vec::new();
    };
    if env.shared.read_only {
        return Vec::new();
    }
    let mut out = Vec::new();
    // What the platform allows this operator now, not a guess from the status.
    let collectible = order
        .allowed_actions
        .iter()
        .any(|a| matches!(a, Action::ChooseBankTransfer | Action::UploadVoucher))
        && env.shared.permits(Permission::CreateOrders);
    if collectible {
        out.push(('p', Cmd::CollectPayment, T::ActionCollect.get(lang).to_owned()));
    }
    if order.status == OrderStatus::Rejected {
        out.push(('p', Cmd::PrintNotice, T::ActionPrintNotice.get(lang).to_owned()));
    }
    for action in &order.allowed_actions {
        // Invoices are issued from the 开票 tab, with their form.
        if *action != Action::IssueInvoice {
            out.push((action_key(*action), Cmd::Act(*action), action.label(lang).to_owned()));
        }
    }
    // What the platform lets this operator correct now (the address until mailed). Never
    // beside `e` for a tracking event: that is offered only once the order is mailed.
    if !order.editable.is_empty() {
        out.push(('e', Cmd::Edit, T::CmdEditOrder.get(lang).to_owned()));
    }
    // The form as the order says now (after a correction, to sign again): it shows the
    // ID number, so for those who may see it.
    if env.shared.permits(Permission::RevealPersonalData) && !order.status.is_final() {
        out.push(('f', Cmd::PrintForm, T::ActionPrintForm.get(lang).to_owned()));
    }
    // The receipt as the order stands (paid since the first one was printed, lost): for
    // those who take customers' applications, as the counter prints it after submitting,
    // and for support, to whom a caller says they lost it (printed masked, as the platform
    // makes it for them).
    if (env.shared.permits(Permission::CreateOrders) || env.shared.permits(Permission::TextCustomers))
        && order.status != OrderStatus::Cancelled
    {
        out.push(('r', Cmd::PrintReceipt, T::ActionPrintReceipt.get(lang).to_owned()));
    }
    // The e-invoice issued for it, again (a customer who lost the e-mail, finance's file):
    // for those the platform lets read it (finance, and who may see personal data).
    if order
        .attachments
        .iter()
        .any(|a| a.kind == crate::api::AttachmentKind::Invoice)
        && (env.shared.permits(Permission::Act(Action::IssueInvoice))
            || env.shared.permits(Permission::RevealPersonalData))
    {
        // Reversed and not issued anew: what prints is the red-letter invoice, said so.
        let label = if order.invoice.is_none() && !order.reversed_invoices.is_empty() {
            T::ActionPrintRedInvoice
        } else {
            T::ActionPrintInvoice
        };
        out.push(('i', Cmd::PrintInvoice, label.get(lang).to_owned()));
    }
    // Where its parcel is, asked again; and a step of a parcel whose tracking the mailroom
    // types in (nothing outside to ask) — listed, so the mailroom finds it (it was only in
    // the footer, which an English one had no room for).
    if order.shipment.is_some() {
        out.push(('t', Cmd::Tracking, T::CmdTracking.get(lang).to_owned()));
    }
    let manual = orders
        .detail
        .as_ref()
        .is_some_and(super::Detail::tracking_is_manual);
    if manual && order.editable.is_empty() && env.shared.permits(Permission::Act(Action::Ship))
    {
        out.push(('e', Cmd::TrackingStep, T::CmdTrackingStep.get(lang).to_owned()));
    }
    // A note, on any order (what the caller said, why it waits): listed with the rest, so
    // an order with nothing else to do does not read as one nothing can be added to. `N`,
    // not `n`: `n` is "next" a screen away (the next customer, the next order to review),
    // and a note kept on one Enter is on the order for good (a next customer's mobile
    // number was saved as the last one's note).
    if env.shared.permits(Permission::AddNotes) {
        out.push(('N', Cmd::Note, T::CmdNote.get(lang).to_owned()));
    }
    // A caller on the phone: the link to pay, or a fresh login code (both texted and
    // recorded; the code is never shown here) — listed with the rest, so the agent sees
    // what a key sends before pressing it.
    if env.shared.permits(Permission::TextCustomers) {
        if order.status == OrderStatus::PendingPayment {
            out.push(('L', Cmd::SendPaymentLink, T::CmdSendPaymentLink.get(lang).to_owned()));
        }
        out.push(('K', Cmd::SendLoginCode, T::CmdSendLoginCode.get(lang).to_owned()));
    }
    out
}

/// The bindings of the tab in its present state.
pub fn bindings(orders: &Orders, env: &Env) -> Vec<Binding<Cmd>> {
    let lang = env.lang;
    let t = |t: T| t.get(lang).to_owned();
    let mut out = Vec::new();
    if orders.form.is_some() || orders.search.is_some() {
        // The popup takes the keys itself.
        return out;
    }
    if let Some(detail) = &orders.detail {
        out.push(
            Binding::new(
                &[Key::code(KeyCode::Esc), Key::code(KeyCode::Backspace)],
                Cmd::Back,
                t(T::CmdBack),
            )
            .short(t(T::HintBack))
            .footer(),
        );
        for (key, cmd, label) in order_actions(orders, env) {
            let mut binding = Binding::new(&[Key::ch(key)], cmd, label);
            if cmd == Cmd::Edit {
                binding = binding.short(t(T::HintEditOrder));
            }
            if cmd == Cmd::Note {
                binding = binding.short(t(T::HintNote));
            }
            // Texts are for a caller on the phone: listed on the order, not in the footer
            // the counter's everyday keys need.
            // Nor is printing the form again, now and then.
            out.push(if matches!(
                cmd,
                Cmd::SendLoginCode
                    | Cmd::SendPaymentLink
                    | Cmd::PrintForm
                    | Cmd::PrintInvoice
                    | Cmd::PrintReceipt
            ) {
                binding
            } else {
                binding.footer()
            });
        }
        let order = detail.order.as_ref();
        let may_reveal = env.shared.me.as_ref().is_some_and(|m| m.may_reveal)
            && order.is_some_and(|o| !o.revealed);
        if may_reveal {
            out.push(
                Binding::new(&[Key::ch('R')], Cmd::Reveal, t(T::CmdReveal))
                    .short(t(T::HintReveal))
                    .footer(),
            );
        }
        // Where the parcel is: a read, for a read-only session too (the order's actions,
        // where it is listed, are none there).
        if env.shared.read_only && order.is_some_and(|o| o.shipment.is_some()) {
            out.push(Binding::new(&[Key::ch('t')], Cmd::Tracking, t(T::CmdTracking)).footer());
        }
        // Looking for another order from this one: back to the list, searching (a key
        // typed for the search must not land on the order's own keys: `H` of `HN…`).
        out.push(Binding::new(&[Key::ch('/')], Cmd::Search, t(search_label(env))));
        out.extend(motion_bindings(Cmd::Move, lang, true));
        return out;
    }
    // Nothing listed (a caller's card shown instead): no opening or sorting in the footer,
    // so that what the card offers fits beside the search (`K`, in English too).
    let listed = !orders.rows.is_empty();
    out.push(
        Binding::new(&[Key::code(KeyCode::Enter)], Cmd::Open, t(T::CmdOpen))
            .short(t(T::HintOpen))
            .footer_if(listed),
    );
    out.push(
        Binding::new(&[Key::ch('/')], Cmd::Search, t(search_label(env)))
            .short(t(T::HintSearch))
            .footer(),
    );
    for (key, status) in FILTER_KEYS {
        let label = match status {
            None => t(T::CmdFilterAll),
            Some(s) => T::CmdFilterStatus.fill(lang, &[s.short_text().get(lang)]),
        };
        // The footer offers the way back to every status while one is picked (the keys
        // that pick one are in the help).
        out.push(
            Binding::new(&[Key::ch(key)], Cmd::Filter(status), label)
                .short(t(T::HintFilterAll))
                .footer_if(key == 'a' && orders.status.is_some()),
        );
    }
    out.push(
        Binding::new(&[Key::ch('o')], Cmd::ToggleSort, t(T::CmdSort))
            .short(t(T::HintSort))
            .footer_if(listed),
    );
    out.push(Binding::new(&[Key::ch('l')], Cmd::ToggleOnline, t(T::CmdOnlineOnly)));
    if !orders.query.is_empty() || orders.status.is_some() || orders.online_only {
        out.push(
            Binding::new(&[Key::code(KeyCode::Esc)], Cmd::ClearSearch, t(T::CmdClearSearch))
                .footer(),
        );
    }
    if let Some(caller) = orders.caller.as_ref()
        && env.shared.permits(Permission::TextCustomers)
    {
        // A number with no customer yet takes no code from the counter: `K` says how the
        // customer gets one (a key that did nothing left the agent guessing). Beside a
        // caller's orders it is in the footer while their sign-in is locked (the line
        // under the list says `K` lifts it).
        let offered = orders.rows.is_empty() || caller.sign_in.locked_until.is_some();
        out.push(
            Binding::new(&[Key::ch('K')], Cmd::CallerLoginCode, t(T::CmdSendLoginCode))
                .footer_if(caller.customer.is_some() && offered),
        );
    }
    out.extend(motion_bindings(Cmd::Move, lang, true));
    out
}

/// What `/` finds, as said to this operator: by ID number only for those who may see
/// ID numbers (the platform refuses the search to anyone else).
fn search_label(env: &Env) -> T {
    if env.shared.permits(Permission::RevealPersonalData) {
        T::CmdSearch
    } else {
        T::CmdSearchNoId
    }
}
