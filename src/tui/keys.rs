//! Keys and what they do: a binding ties keys to a command with its label, and the same
//! list drives the key handler, the footer and the `?` help. Each component lists its own
//! bindings; the frame adds the ones every screen shares (tabs, help, language, quit).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::i18n::{Lang, T};

/// A key as the help and footer show it, and how to match it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// The key.
    pub code: KeyCode,
    /// With Ctrl (Shift is folded into the character).
    pub ctrl: bool,
}

impl Key {
    /// A character key.
    pub const fn ch(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            ctrl: false,
        }
    }

    /// A named key (Enter, Esc, F1…).
    pub const fn code(code: KeyCode) -> Key {
        Key { code, ctrl: false }
    }

    /// Ctrl and a character.
    pub const fn ctrl(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            ctrl: true,
        }
    }

    /// True when `event` is this key.
    pub fn matches(&self, event: &KeyEvent) -> bool {
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl != self.ctrl {
            return false;
        }
        match (self.code, event.code) {
            (KeyCode::Char(a), KeyCode::Char(b)) => a == b,
            (KeyCode::BackTab, KeyCode::BackTab) => true,
            (KeyCode::Tab, KeyCode::Tab) => !event.modifiers.contains(KeyModifiers::SHIFT),
            (a, b) => a == b,
        }
    }

    /// `Enter`, `Ctrl-R`, `F1`, `/`…
    pub fn display(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_owned(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        if self.ctrl {
            format!("Ctrl-{}", base.to_uppercase())
        } else {
            base
        }
    }
}

/// Keys bound to a command.
#[derive(Debug, Clone)]
pub struct Binding<C> {
    /// The keys; the first is the one shown.
    pub keys: Vec<Key>,
    /// What they do.
    pub cmd: C,
    /// What the help calls it.
    pub label: String,
    /// What the footer calls it (shorter).
    pub short: String,
    /// Shown in the footer.
    pub footer: bool,
}

impl<C> Binding<C> {
    /// `keys` do `cmd`, called `label` everywhere; not in the footer until [`Self::footer`].
    pub fn new(keys: &[Key], cmd: C, label: impl Into<String>) -> Binding<C> {
        let label = label.into();
        Binding {
            keys: keys.to_vec(),
            cmd,
            short: label.clone(),
            label,
            footer: false,
        }
    }

    /// Shown in the footer.
    pub fn footer(mut self) -> Binding<C> {
        self.footer = true;
        self
    }

    /// Shown in the footer when `on`.
    pub fn footer_if(mut self, on: bool) -> Binding<C> {
        self.footer = on;
        self
    }

    /// A shorter name for the footer.
    pub fn short(mut self, short: impl Into<String>) -> Binding<C> {
        self.short = short.into();
        self
    }

    /// The same binding for another command type.
    pub fn map<D>(self, f: impl FnOnce(C) -> D) -> Binding<D> {
        Binding {
            keys: self.keys,
            cmd: f(self.cmd),
            label: self.label,
            short: self.short,
            footer: self.footer,
        }
    }

    /// True when `event` is one of its keys.
    pub fn matches(&self, event: &KeyEvent) -> bool {
        self.keys.iter().any(|k| k.matches(event))
    }
}

/// The command bound to `event`, if any.
pub fn lookup<C: Clone>(bindings: &[Binding<C>], event: &KeyEvent) -> Option<C> {
    bindings
        .iter()
        .find(|b| b.matches(event))
        .map(|b| b.cmd.clone())
}

/// How much of the keyboard the shown component takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// Letters and digits are commands; the frame's single-key commands work too.
    Free,
    /// The component uses letters and digits itself (steps of a form): the frame takes
    /// only F-keys, Ctrl keys and `?`.
    Letters,
    /// A text field has the caret: the frame takes only F-keys and Ctrl keys.
    Field,
    /// A popup of the component takes every key but Ctrl-C.
    Modal,
}

/// What the frame does, whatever tab is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frame {
    /// Show the tab at this position.
    GoTab(usize),
    /// The next tab.
    NextTab,
    /// The previous tab.
    PrevTab,
    /// Searchable help.
    Help,
    /// The `:` command line (with this text typed, for help entries of a command).
    CommandLine(&'static str),
    /// Everything fetched again.
    Refresh,
    /// zh-CN ⇄ en.
    ToggleLang,
    /// Leave.
    Quit,
}

/// The frame's bindings for `focus`, with `tabs` titles in order.
pub fn frame_bindings(focus: Focus, tabs: &[T], lang: Lang) -> Vec<Binding<Frame>> {
    let t = |t: T| t.get(lang).to_owned();
    let mut out = Vec::new();
    if focus == Focus::Modal {
        // A popup keeps its keys; the language switches everywhere (a customer at the
        // counter may need the other one mid-dialog).
        out.push(Binding::new(
            &[Key::ctrl('l')],
            Frame::ToggleLang,
            t(T::CmdLang),
        ));
        out.push(Binding::new(&[Key::ctrl('c')], Frame::Quit, t(T::CmdQuit)));
        return out;
    }
    let free = focus == Focus::Free;
    if free {
        out.push(
            Binding::new(&[Key::code(KeyCode::Tab)], Frame::NextTab, t(T::CmdNextTab))
                .short(t(T::HintTabs))
                .footer(),
        );
        out.push(Binding::new(
            &[Key::code(KeyCode::BackTab)],
            Frame::PrevTab,
            t(T::CmdPrevTab),
        ));
    }
    for (i, title) in tabs.iter().enumerate() {
        let f = Key::code(KeyCode::F(i as u8 + 1));
        let mut keys = vec![f];
        if free && i < 9 {
            keys.insert(0, Key::ch(char::from(b'1' + i as u8)));
        }
        out.push(
            Binding::new(
                &keys,
                Frame::GoTab(i),
                T::CmdGoTab.fill(lang, &[title.get(lang)]),
            )
            .short(t(T::HintTabs))
            // Where letters type, the footer says how to leave (F1–F5).
            .footer_if(!free && i == 0),
        );
    }
    let mut help = vec![Key::code(KeyCode::F(12))];
    if matches!(focus, Focus::Free | Focus::Letters) {
        help.insert(0, Key::ch('?'));
    }
    out.push(
        Binding::new(&help, Frame::Help, t(T::CmdHelp))
            .short(t(T::HintHelp))
            .footer(),
    );
    if free {
        out.push(
            Binding::new(
                &[Key::ch(':')],
                Frame::CommandLine(""),
                t(T::CmdCommandLine),
            )
            .short(t(T::HintCommand))
            .footer(),
        );
    }
    out.push(Binding::new(
        &[Key::ctrl('r')],
        Frame::Refresh,
        t(T::CmdRefresh),
    ));
    out.push(Binding::new(
        &[Key::ctrl('l')],
        Frame::ToggleLang,
        t(T::CmdLang),
    ));
    let mut quit = vec![Key::ctrl('c')];
    if free {
        quit.insert(0, Key::ch('q'));
    }
    out.push(
        Binding::new(&quit, Frame::Quit, t(T::CmdQuit))
            .short(t(T::HintQuit))
            .footer_if(free),
    );
    out
}

/// Help entries for the command line's commands (run: the command line with the command
/// typed, waiting for its argument).
pub fn command_line_entries(lang: Lang) -> Vec<Binding<Frame>> {
    [
        (":order ", T::CmdLineOrder),
        (":phone ", T::CmdLinePhone),
        (":theme ", T::CmdLineTheme),
        (":lang ", T::CmdLineLang),
    ]
    .into_iter()
    .map(|(typed, label)| Binding::new(&[Key::ch(':')], Frame::CommandLine(typed), label.get(lang)))
    .collect()
}

/// The key of an order action in the order view (where other screens send a clerk for it).
pub fn action_key(action: crate::domain::Action) -> char {
    use crate::domain::Action;
    match action {
        Action::Pay => '$',
        Action::ChooseBankTransfer => 'b',
        Action::ChooseOnlinePayment => 'o',
        Action::UploadVoucher => 'u',
        Action::Approve => 'a',
        Action::Reject => 'x',
        Action::Resubmit => 's',
        Action::Ship => 'm',
        Action::IssueInvoice => 'i',
        Action::DeclineInvoice => 'd',
        Action::Cancel => 'c',
        Action::ReturnParcel => 'B',
        Action::ReverseInvoice => 'H',
    }
}

/// What a key does to a form asked once more before an action that cannot be undone (an
/// order cancelled, an invoice reversed or declined): `y` sends it — not `Enter`, which a
/// double tap or keys typed ahead send twice —, `Esc` goes back to the form, `Enter`
/// changes nothing, anything else is typing again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirm {
    /// `y`: send it.
    Send,
    /// `Enter`: nothing.
    Stay,
    /// `Esc`: back to the form, not asked any more.
    Back,
    /// Anything else: typing again (not asked any more); the key goes to the form.
    Typing,
}

/// [`Confirm`] of `key`.
pub fn confirm(key: KeyEvent) -> Confirm {
    match key.code {
        KeyCode::Char('y' | 'Y') if !key.modifiers.contains(KeyModifiers::CONTROL) => Confirm::Send,
        KeyCode::Enter => Confirm::Stay,
        KeyCode::Esc => Confirm::Back,
        _ => Confirm::Typing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_frame_binds_no_key_twice_in_any_focus() {
        let tabs = [T::TabNewApp, T::TabOrders, T::TabReview];
        for focus in [Focus::Free, Focus::Letters, Focus::Field, Focus::Modal] {
            let all = frame_bindings(focus, &tabs, Lang::ZhCn);
            let mut seen: Vec<Key> = Vec::new();
            for key in all.iter().flat_map(|b| b.keys.iter()) {
                assert!(!seen.contains(key), "{} bound twice", key.display());
                seen.push(*key);
            }
        }
    }

    #[test]
    fn typing_leaves_letters_alone() {
        let tabs = [T::TabNewApp, T::TabOrders];
        let key = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        let free = frame_bindings(Focus::Free, &tabs, Lang::En);
        assert_eq!(lookup(&free, &key('2')), Some(Frame::GoTab(1)));
        assert_eq!(lookup(&free, &key('q')), Some(Frame::Quit));
        let field = frame_bindings(Focus::Field, &tabs, Lang::En);
        assert_eq!(lookup(&field, &key('2')), None);
        assert_eq!(lookup(&field, &key('?')), None);
        assert_eq!(
            lookup(&field, &KeyEvent::new(KeyCode::F(2), KeyModifiers::NONE)),
            Some(Frame::GoTab(1))
        );
        let letters = frame_bindings(Focus::Letters, &tabs, Lang::En);
        assert_eq!(lookup(&letters, &key('?')), Some(Frame::Help));
        let modal = frame_bindings(Focus::Modal, &tabs, Lang::En);
        assert_eq!(modal.len(), 2);
        let ctrl_l = KeyEvent::new(KeyCode::Char('l'), KeyModifiers::CONTROL);
        assert_eq!(lookup(&modal, &ctrl_l), Some(Frame::ToggleLang));
    }
}
