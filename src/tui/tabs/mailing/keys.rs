//! The keys of the 邮寄 tab: the list (tick, carrier, start scanning, labels, the shared
//! list keys), and while scanning (stop, skip, labels).

use crossterm::event::KeyCode;

use super::Mailing;
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
    /// Tick or untick the selected order.
    Toggle,
    /// Tick every order, or none when all are ticked.
    ToggleAll,
    /// The next carrier.
    NextCarrier,
    /// Start scanning tracking numbers.
    Start,
    /// Stop scanning (back to the list).
    Stop,
    /// Skip the current order of the batch.
    Skip,
    /// The mailing list and labels of the batch, the ticked or the selected orders.
    Labels,
    /// A scan paused after a refusal: the numbers queued go from the parcel that is up on.
    UseQueued,
    /// Show the selected order (to whoever may not ship: support, read-only).
    View,
}

/// The bindings of the tab in its present state.
pub fn bindings(mailing: &Mailing, env: &Env) -> Vec<Binding<Cmd>> {
    let t = |t: T| t.get(env.lang).to_owned();
    if mailing.scan.is_some() {
        return vec![
            Binding::new(&[Key::code(KeyCode::Esc)], Cmd::Stop, t(T::CmdMailStop))
                .short(t(T::HintMailStop))
                .footer(),
            Binding::new(
                &[Key::ctrl('n'), Key::code(KeyCode::Down)],
                Cmd::Skip,
                t(T::CmdMailSkip),
            )
            .short(t(T::HintMailSkip))
            .footer(),
            Binding::new(&[Key::ctrl('p')], Cmd::Labels, t(T::CmdMailLabels))
                .short(t(T::HintMailLabels))
                .footer(),
        ]
        .into_iter()
        .chain(mailing.scan.as_ref().filter(|s| s.paused).map(|_| {
            Binding::new(&[Key::ctrl('s')], Cmd::UseQueued, t(T::CmdMailUseQueued))
                .short(t(T::HintMailUseQueued))
                .footer()
        }))
        .collect();
    }
    let mut out = Vec::new();
    if env.shared.permits(Permission::Act(Action::Ship)) && !mailing.queue.is_empty() {
        out.push(
            Binding::new(&[Key::code(KeyCode::Enter)], Cmd::Start, t(T::CmdMailStart))
                .short(t(T::HintMailStart))
                .footer(),
        );
        out.push(
            Binding::new(&[Key::ch(' '), Key::ch('x')], Cmd::Toggle, t(T::CmdMailToggle))
                .short(t(T::HintMailToggle))
                .footer(),
        );
        out.push(Binding::new(&[Key::ch('c')], Cmd::NextCarrier, t(T::CmdMailCarrier)).footer());
        out.push(
            Binding::new(&[Key::ch('p'), Key::ctrl('p')], Cmd::Labels, t(T::CmdMailLabels))
                .short(t(T::HintMailLabels))
                .footer(),
        );
        out.push(
            Binding::new(&[Key::ch('A')], Cmd::ToggleAll, t(T::CmdMailToggleAll))
                .short(t(T::HintMailToggleAll))
                .footer(),
        );
    } else if !mailing.queue.is_empty() {
        out.push(
            Binding::new(&[Key::code(KeyCode::Enter)], Cmd::View, t(T::CmdOpen))
                .short(t(T::HintOpen))
                .footer(),
        );
    }
    // Space ticks here for the mailroom; for those who only look it pages, as in lists.
    let ships = env.shared.permits(Permission::Act(Action::Ship));
    out.extend(motion_bindings(Cmd::Move, env.lang, !ships));
    out
}
