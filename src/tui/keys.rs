//! What a key does: every command of the TUI, and the one table of key bindings that the
//! key handler, the footer and the `?` help all read.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::domain::{Action, OrderStatus};
use crate::i18n::{Lang, T};
use crate::tui::finance::InvoiceCmd;
use crate::tui::mailroom::MailCmd;
use crate::tui::newapp::draft::Step;
use crate::tui::newapp::{NewCmd, Paying};
use crate::tui::review::ReviewCmd;

/// The tabs, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tab {
    /// 新申请
    New,
    /// 待办订单
    Pending,
    /// 审核队列
    Review,
    /// 邮寄
    Mail,
    /// 开票
    Invoice,
}

impl Tab {
    /// All tabs, left to right.
    pub const ALL: [Tab; 5] = [Tab::New, Tab::Pending, Tab::Review, Tab::Mail, Tab::Invoice];

    /// The tab's title.
    pub fn title(self) -> T {
        match self {
            Tab::New => T::TabNew,
            Tab::Pending => T::TabPending,
            Tab::Review => T::TabReview,
            Tab::Mail => T::TabMail,
            Tab::Invoice => T::TabInvoice,
        }
    }

    /// Position, 0-based.
    pub fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }
}

/// Something the user can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmd {
    /// Go to a tab.
    Tab(Tab),
    /// Next tab.
    NextTab,
    /// Previous tab.
    PrevTab,
    /// Selection or scroll up.
    Up,
    /// Selection or scroll down.
    Down,
    /// A page up.
    PageUp,
    /// A page down.
    PageDown,
    /// First row.
    Top,
    /// Last row.
    Bottom,
    /// Open the selected order.
    Open,
    /// Close the order, back to the list.
    Back,
    /// Search orders.
    Search,
    /// Clear search and filter.
    ClearSearch,
    /// The `:` command line.
    CommandLine,
    /// Searchable help.
    Help,
    /// Show only one status (or all).
    Filter(Option<OrderStatus>),
    /// Newest first / oldest first.
    ToggleSort,
    /// Load everything again.
    Refresh,
    /// Show personal data in full (audited).
    Reveal,
    /// An order action.
    Act(Action),
    /// Add a note to the order.
    Note,
    /// Take payment for the open order (QR code or bank transfer).
    CollectPayment,
    /// Print the returned order's one-time correction notice.
    PrintNotice,
    /// Switch zh-CN / en.
    ToggleLang,
    /// Something in the 审核队列 tab.
    Review(ReviewCmd),
    /// Something in the 新申请 tab.
    New(NewCmd),
    /// Something in the 邮寄 tab.
    Mail(MailCmd),
    /// Something in the 开票 tab.
    Invoice(InvoiceCmd),
    /// Ask again where the open order's parcel is.
    Tracking,
    /// Type a tracking event for the open order (no tracking provider).
    TrackingStep,
    /// Leave.
    Quit,
}

impl Cmd {
    /// What the command is called in the footer and the help.
    pub fn label(self, lang: Lang) -> String {
        let t = |t: T| t.get(lang).to_owned();
        match self {
            Cmd::Tab(tab) => T::CmdGoTab.fill(lang, &[tab.title().get(lang)]),
            Cmd::NextTab => t(T::CmdNextTab),
            Cmd::PrevTab => t(T::CmdPrevTab),
            Cmd::Up => t(T::CmdUp),
            Cmd::Down => t(T::CmdDown),
            Cmd::PageUp => t(T::CmdPageUp),
            Cmd::PageDown => t(T::CmdPageDown),
            Cmd::Top => t(T::CmdTop),
            Cmd::Bottom => t(T::CmdBottom),
            Cmd::Open => t(T::CmdOpen),
            Cmd::Back => t(T::CmdBack),
            Cmd::Search => t(T::CmdSearch),
            Cmd::ClearSearch => t(T::CmdClearSearch),
            Cmd::CommandLine => t(T::CmdCommandLine),
            Cmd::Help => t(T::CmdHelp),
            Cmd::Filter(None) => t(T::CmdFilterAll),
            Cmd::Filter(Some(status)) => T::CmdFilterStatus.fill(lang, &[status.label(lang)]),
            Cmd::ToggleSort => t(T::CmdSort),
            Cmd::Refresh => t(T::CmdRefresh),
            Cmd::Reveal => t(T::CmdReveal),
            Cmd::Act(action) => action.label(lang).to_owned(),
            Cmd::Note => t(T::CmdNote),
            Cmd::CollectPayment => t(T::CmdCollectPayment),
            Cmd::PrintNotice => t(T::CmdPrintNotice),
            Cmd::ToggleLang => t(T::CmdLang),
            Cmd::New(cmd) => t(match cmd {
                NewCmd::Back => T::CmdPrevStep,
                NewCmd::NewDraft => T::CmdNewDraft,
                NewCmd::NextDraft => T::CmdNextDraft,
                NewCmd::Discard => T::CmdDiscardDraft,
                NewCmd::Print => T::CmdPrintForm,
                NewCmd::FreshCode => T::CmdFreshCode,
                NewCmd::Enlarge => T::CmdEnlarge,
                NewCmd::EditName => T::CmdEditName,
                NewCmd::AcceptTerms => T::CmdAcceptTerms,
                NewCmd::ToggleUserType => T::CmdToggleUserType,
                NewCmd::Receipt => T::CmdReceipt,
                NewCmd::OpenOrder => T::CmdOpenSubmitted,
                NewCmd::BlankForm => T::CmdBlankForm,
                NewCmd::PayQr => T::CmdPayQr,
                NewCmd::BankTransfer => T::CmdBankTransfer,
                NewCmd::UploadVoucher => T::CmdUploadVoucher,
            }),
            Cmd::Review(cmd) => t(match cmd {
                ReviewCmd::Open => T::CmdReviewOpen,
                ReviewCmd::Back => T::CmdReviewBack,
                ReviewCmd::Approve => T::CmdReviewApprove,
                ReviewCmd::Return => T::CmdReviewReturn,
                ReviewCmd::Next => T::CmdReviewNext,
                ReviewCmd::NextAttachment => T::CmdNextAttachment,
                ReviewCmd::PrevAttachment => T::CmdPrevAttachment,
                ReviewCmd::ZoomIn => T::CmdZoomIn,
                ReviewCmd::ZoomOut => T::CmdZoomOut,
                ReviewCmd::ZoomFit => T::CmdZoomFit,
                ReviewCmd::PanLeft
                | ReviewCmd::PanRight
                | ReviewCmd::PanUp
                | ReviewCmd::PanDown => T::CmdPan,
                ReviewCmd::Save => T::CmdSaveAttachment,
                ReviewCmd::TakeOver => T::CmdTakeOver,
            }),
            Cmd::Mail(cmd) => t(match cmd {
                MailCmd::Toggle => T::CmdMailToggle,
                MailCmd::ToggleAll => T::CmdMailToggleAll,
                MailCmd::NextCarrier => T::CmdMailCarrier,
                MailCmd::Start => T::CmdMailStart,
                MailCmd::Stop => T::CmdMailStop,
                MailCmd::Skip => T::CmdMailSkip,
                MailCmd::Labels => T::CmdMailLabels,
            }),
            Cmd::Invoice(cmd) => t(match cmd {
                InvoiceCmd::Open => T::CmdInvoiceOpen,
                InvoiceCmd::Decline => T::CmdInvoiceDecline,
                InvoiceCmd::Issue => T::CmdInvoiceIssue,
                InvoiceCmd::Back => T::HintBack,
            }),
            Cmd::Tracking => t(T::CmdTracking),
            Cmd::TrackingStep => t(T::CmdTrackingStep),
            Cmd::Quit => t(T::CmdQuit),
        }
    }

    /// A shorter label for the footer.
    pub fn short_label(self, lang: Lang) -> String {
        let t = |t: T| t.get(lang).to_owned();
        match self {
            Cmd::NextTab | Cmd::PrevTab | Cmd::Tab(_) => t(T::HintTabs),
            Cmd::Up | Cmd::Down => t(T::HintMove),
            Cmd::Search => t(T::HintSearch),
            Cmd::Filter(_) => t(T::HintFilter),
            Cmd::Help => t(T::HintHelp),
            Cmd::CommandLine => t(T::HintCommand),
            Cmd::Open => t(T::HintOpen),
            Cmd::Back => t(T::HintBack),
            Cmd::ToggleSort => t(T::HintSort),
            Cmd::Quit => t(T::HintQuit),
            Cmd::Reveal => t(T::HintReveal),
            Cmd::Note => t(T::HintNote),
            Cmd::New(NewCmd::Back) => t(T::HintPrevStep),
            Cmd::Review(ReviewCmd::Back) => t(T::HintBack),
            Cmd::Review(ReviewCmd::Open) => t(T::HintOpen),
            Cmd::New(NewCmd::NewDraft) => t(T::HintNewDraft),
            Cmd::New(NewCmd::NextDraft) => t(T::HintNextDraft),
            Cmd::New(NewCmd::Discard) => t(T::HintDiscard),
            Cmd::New(NewCmd::Print) => t(T::HintPrint),
            other => other.label(lang),
        }
    }
}

/// A key as the help and footer show it, and how to match it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// The key.
    pub code: KeyCode,
    /// Ctrl / Alt (Shift is folded into the character).
    pub ctrl: bool,
}

impl Key {
    const fn ch(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            ctrl: false,
        }
    }

    const fn code(code: KeyCode) -> Key {
        Key { code, ctrl: false }
    }

    const fn ctrl(c: char) -> Key {
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

/// One line of the binding table.
#[derive(Debug, Clone)]
pub struct Binding {
    /// The keys (the first is the one shown).
    pub keys: Vec<Key>,
    /// What they do.
    pub cmd: Cmd,
    /// Shown in the footer.
    pub footer: bool,
}

fn bind(keys: &[Key], cmd: Cmd, footer: bool) -> Binding {
    Binding {
        keys: keys.to_vec(),
        cmd,
        footer,
    }
}

/// The status-filter keys of the order list.
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

/// The key of an order action in the order view.
pub fn action_key(action: Action) -> char {
    match action {
        Action::Pay => '$',
        Action::ChooseBankTransfer => 'b',
        Action::UploadVoucher => 'u',
        Action::Approve => 'a',
        Action::Reject => 'x',
        Action::Resubmit => 's',
        Action::Ship => 'm',
        Action::IssueInvoice => 'i',
        Action::DeclineInvoice => 'd',
        Action::Cancel => 'c',
    }
}

/// Where the keyboard is.
#[derive(Debug, Clone, PartialEq)]
pub struct Context {
    /// The tab shown.
    pub tab: Tab,
    /// An order is open.
    pub detail: bool,
    /// The actions offered on the open order.
    pub actions: Vec<Action>,
    /// The operator may reveal personal data.
    pub may_reveal: bool,
    /// The operator may add notes.
    pub may_note: bool,
    /// A search or filter is active.
    pub filtered: bool,
    /// The 新申请 step shown, when that tab is.
    pub new_step: Option<Step>,
    /// A text field has the caret (letters type).
    pub typing: bool,
    /// The 新申请 customer is verified.
    pub verified: bool,
    /// The open order can take payment now and the operator may take it.
    pub collectible: bool,
    /// Once submitted: where taking payment stands.
    pub paying: Option<Paying>,
    /// The platform takes QR payment.
    pub qr_payment: bool,
    /// The open order was returned for correction (its notice can be printed).
    pub returned: bool,
    /// The 审核队列 tab, when shown.
    pub review: Option<ReviewContext>,
    /// The 邮寄 tab, when shown.
    pub mail: Option<MailContext>,
    /// The 开票 tab, when shown.
    pub invoice: Option<InvoiceContext>,
    /// The open order was mailed (its parcel can be tracked).
    pub shipped: bool,
    /// Tracking events for the open order are typed by staff, and this operator may.
    pub track_manually: bool,
}

/// Where the 邮寄 tab stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MailContext {
    /// The operator may ship.
    pub may_ship: bool,
    /// Scanning numbers (letters and digits type).
    pub scanning: bool,
    /// Orders are waiting.
    pub any: bool,
}

/// Where the 开票 tab stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InvoiceContext {
    /// The operator may issue invoices.
    pub may_issue: bool,
    /// A form is open.
    pub form: bool,
    /// A field or popup has the caret.
    pub typing: bool,
    /// The "no invoice" popup is open.
    pub declining: bool,
    /// Orders are waiting.
    pub any: bool,
}

/// Where the 审核队列 tab stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReviewContext {
    /// An order is open.
    pub screen: bool,
    /// This operator holds it and may approve it now.
    pub may_approve: bool,
    /// … and may return it.
    pub may_return: bool,
    /// The open order has more than one attachment.
    pub attachments: bool,
    /// The picture is zoomed in (so it can be moved).
    pub zoomed: bool,
    /// Someone else holds the open order and this operator may take it over.
    pub take_over: bool,
}

/// Every binding that applies in `context`, most useful first.
pub fn bindings(context: &Context) -> Vec<Binding> {
    if context.tab == Tab::New {
        return new_bindings(context);
    }
    if let Some(mail) = context.mail.filter(|m| m.scanning) {
        return typing_bindings(mail_bindings(mail));
    }
    if let Some(invoice) = context.invoice.filter(|i| i.form || i.typing) {
        return typing_bindings(invoice_bindings(invoice));
    }
    let mut out = Vec::new();
    if let Some(mail) = context.mail {
        out.extend(mail_bindings(mail));
        // Space ticks here; it does not page.
        out.extend(scrolling().into_iter().map(|mut b| {
            b.keys.retain(|k| k.code != KeyCode::Char(' '));
            b
        }));
    }
    if let Some(invoice) = context.invoice {
        out.extend(invoice_bindings(invoice));
        out.extend(scrolling());
    }
    if let Some(review) = context.review {
        out.extend(review_bindings(review));
    }
    if context.detail {
        out.push(bind(
            &[Key::code(KeyCode::Esc), Key::code(KeyCode::Backspace)],
            Cmd::Back,
            true,
        ));
        for action in &context.actions {
            out.push(bind(
                &[Key::ch(action_key(*action))],
                Cmd::Act(*action),
                true,
            ));
        }
        if context.collectible {
            out.push(bind(&[Key::ch('p')], Cmd::CollectPayment, true));
        }
        if context.returned {
            out.push(bind(&[Key::ch('p')], Cmd::PrintNotice, true));
        }
        if context.may_note {
            out.push(bind(&[Key::ch('n')], Cmd::Note, true));
        }
        if context.may_reveal {
            out.push(bind(&[Key::ch('R')], Cmd::Reveal, true));
        }
        if context.shipped {
            out.push(bind(&[Key::ch('t')], Cmd::Tracking, true));
        }
        if context.track_manually {
            out.push(bind(&[Key::ch('e')], Cmd::TrackingStep, true));
        }
        out.extend(scrolling());
    } else if context.tab == Tab::Pending {
        out.push(bind(&[Key::code(KeyCode::Enter)], Cmd::Open, true));
        out.push(bind(&[Key::ch('/')], Cmd::Search, true));
        for (key, status) in FILTER_KEYS {
            out.push(bind(&[Key::ch(key)], Cmd::Filter(status), key == 'a'));
        }
        out.push(bind(&[Key::ch('o')], Cmd::ToggleSort, true));
        if context.filtered {
            out.push(bind(&[Key::code(KeyCode::Esc)], Cmd::ClearSearch, true));
        }
        out.extend(scrolling());
        out.push(bind(
            &[Key::code(KeyCode::Home), Key::ch('g')],
            Cmd::Top,
            false,
        ));
        out.push(bind(
            &[Key::code(KeyCode::End), Key::ch('G')],
            Cmd::Bottom,
            false,
        ));
    }
    out.push(bind(
        &[Key::code(KeyCode::Tab)],
        Cmd::NextTab,
        !context.detail,
    ));
    out.push(bind(&[Key::code(KeyCode::BackTab)], Cmd::PrevTab, false));
    for (i, tab) in Tab::ALL.into_iter().enumerate() {
        let digit = char::from(b'1' + i as u8);
        out.push(bind(
            &[Key::ch(digit), Key::code(KeyCode::F(i as u8 + 1))],
            Cmd::Tab(tab),
            false,
        ));
    }
    out.push(bind(
        &[Key::ch('?'), Key::code(KeyCode::F(12))],
        Cmd::Help,
        true,
    ));
    out.push(bind(&[Key::ch(':')], Cmd::CommandLine, true));
    out.push(bind(&[Key::ctrl('r')], Cmd::Refresh, false));
    out.push(bind(&[Key::ctrl('l')], Cmd::ToggleLang, false));
    out.push(bind(&[Key::ch('q'), Key::ctrl('c')], Cmd::Quit, true));
    out
}

/// The 邮寄 tab: the list, or scanning numbers.
fn mail_bindings(mail: MailContext) -> Vec<Binding> {
    let m = Cmd::Mail;
    if mail.scanning {
        return vec![
            bind(&[Key::code(KeyCode::Esc)], m(MailCmd::Stop), true),
            bind(&[Key::ctrl('n')], m(MailCmd::Skip), true),
            bind(&[Key::ctrl('p')], m(MailCmd::Labels), true),
        ];
    }
    let mut out = Vec::new();
    if mail.may_ship && mail.any {
        out.push(bind(&[Key::code(KeyCode::Enter)], m(MailCmd::Start), true));
        out.push(bind(
            &[Key::ch(' '), Key::ch('x')],
            m(MailCmd::Toggle),
            true,
        ));
        out.push(bind(&[Key::ch('A')], m(MailCmd::ToggleAll), false));
        out.push(bind(&[Key::ch('c')], m(MailCmd::NextCarrier), true));
        out.push(bind(
            &[Key::ch('p'), Key::ctrl('p')],
            m(MailCmd::Labels),
            true,
        ));
    }
    out
}

/// The 开票 tab: the list, or one order's invoice form.
fn invoice_bindings(invoice: InvoiceContext) -> Vec<Binding> {
    let i = Cmd::Invoice;
    if invoice.declining {
        return vec![bind(&[Key::code(KeyCode::Esc)], i(InvoiceCmd::Back), true)];
    }
    if invoice.form || invoice.typing {
        let mut out = vec![bind(&[Key::code(KeyCode::Esc)], i(InvoiceCmd::Back), true)];
        if invoice.form && !invoice.typing {
            out.push(bind(&[Key::ch('d')], i(InvoiceCmd::Decline), true));
        }
        if invoice.form {
            out.push(bind(&[Key::ctrl('s')], i(InvoiceCmd::Issue), true));
            out.push(bind(&[Key::ctrl('d')], i(InvoiceCmd::Decline), false));
        }
        return out;
    }
    let mut out = Vec::new();
    if invoice.may_issue && invoice.any {
        out.push(bind(
            &[Key::code(KeyCode::Enter)],
            i(InvoiceCmd::Open),
            true,
        ));
        out.push(bind(&[Key::ch('d')], i(InvoiceCmd::Decline), true));
    }
    out
}

/// While a field has the caret: the given bindings, then only F-keys and Ctrl keys (letters
/// and digits type).
fn typing_bindings(mut out: Vec<Binding>) -> Vec<Binding> {
    for (i, tab) in Tab::ALL.into_iter().enumerate() {
        out.push(bind(
            &[Key::code(KeyCode::F(i as u8 + 1))],
            Cmd::Tab(tab),
            false,
        ));
    }
    out.push(bind(&[Key::code(KeyCode::F(12))], Cmd::Help, true));
    out.push(bind(&[Key::ctrl('r')], Cmd::Refresh, false));
    out.push(bind(&[Key::ctrl('l')], Cmd::ToggleLang, false));
    out.push(bind(&[Key::ctrl('c')], Cmd::Quit, false));
    out
}

/// The 审核队列 tab: the queue, or one order open for review.
fn review_bindings(review: ReviewContext) -> Vec<Binding> {
    let r = Cmd::Review;
    if !review.screen {
        let mut out = vec![bind(&[Key::code(KeyCode::Enter)], r(ReviewCmd::Open), true)];
        out.extend(scrolling());
        return out;
    }
    let mut out = vec![bind(
        &[Key::code(KeyCode::Esc), Key::code(KeyCode::Backspace)],
        r(ReviewCmd::Back),
        true,
    )];
    if review.may_approve {
        out.push(bind(&[Key::ch('a')], r(ReviewCmd::Approve), true));
    }
    if review.may_return {
        out.push(bind(&[Key::ch('r')], r(ReviewCmd::Return), true));
    }
    if review.take_over {
        out.push(bind(&[Key::ch('T')], r(ReviewCmd::TakeOver), true));
    }
    out.push(bind(&[Key::ch('n')], r(ReviewCmd::Next), true));
    if review.attachments {
        out.push(bind(
            &[Key::ch(']'), Key::ch('.')],
            r(ReviewCmd::NextAttachment),
            true,
        ));
        out.push(bind(
            &[Key::ch('['), Key::ch(',')],
            r(ReviewCmd::PrevAttachment),
            false,
        ));
    }
    out.push(bind(
        &[Key::ch('+'), Key::ch('=')],
        r(ReviewCmd::ZoomIn),
        true,
    ));
    out.push(bind(&[Key::ch('-')], r(ReviewCmd::ZoomOut), review.zoomed));
    out.push(bind(&[Key::ch('0')], r(ReviewCmd::ZoomFit), false));
    out.push(bind(
        &[Key::code(KeyCode::Left), Key::ch('h')],
        r(ReviewCmd::PanLeft),
        review.zoomed,
    ));
    out.push(bind(
        &[Key::code(KeyCode::Right), Key::ch('l')],
        r(ReviewCmd::PanRight),
        false,
    ));
    out.push(bind(
        &[Key::code(KeyCode::Up), Key::ch('k')],
        r(ReviewCmd::PanUp),
        false,
    ));
    out.push(bind(
        &[Key::code(KeyCode::Down), Key::ch('j')],
        r(ReviewCmd::PanDown),
        false,
    ));
    out.push(bind(&[Key::ch('s')], r(ReviewCmd::Save), true));
    out
}

/// Up, down and a page either way: the same keys in the list and in an order.
fn scrolling() -> [Binding; 4] {
    [
        bind(&[Key::code(KeyCode::Up), Key::ch('k')], Cmd::Up, false),
        bind(&[Key::code(KeyCode::Down), Key::ch('j')], Cmd::Down, false),
        bind(&[Key::code(KeyCode::PageUp)], Cmd::PageUp, false),
        bind(
            &[Key::code(KeyCode::PageDown), Key::ch(' ')],
            Cmd::PageDown,
            false,
        ),
    ]
}

/// The 新申请 tab: letters type into fields, so commands are on F-keys and Ctrl keys, and
/// on letters only in steps without a text field.
fn new_bindings(context: &Context) -> Vec<Binding> {
    let step = context.new_step.unwrap_or_default();
    let paying = context.paying;
    let esc_shown = match step {
        Step::Customer => false,
        Step::Done => paying == Some(Paying::Qr) || context.typing,
        _ => true,
    };
    let mut out = vec![bind(
        &[Key::code(KeyCode::Esc)],
        Cmd::New(NewCmd::Back),
        esc_shown,
    )];
    if !context.typing {
        match step {
            Step::Realname if !context.verified => {
                out.push(bind(&[Key::ch('r')], Cmd::New(NewCmd::FreshCode), true));
                out.push(bind(&[Key::ch('z')], Cmd::New(NewCmd::Enlarge), true));
                out.push(bind(&[Key::ch('e')], Cmd::New(NewCmd::EditName), true));
            }
            Step::Terms => {
                out.push(bind(&[Key::ch('a')], Cmd::New(NewCmd::AcceptTerms), true));
                out.push(bind(
                    &[Key::ch('t')],
                    Cmd::New(NewCmd::ToggleUserType),
                    true,
                ));
            }
            Step::Done => {
                match paying {
                    Some(Paying::Choose) => {
                        if context.qr_payment {
                            out.push(bind(&[Key::ch('p')], Cmd::New(NewCmd::PayQr), true));
                        }
                        out.push(bind(&[Key::ch('b')], Cmd::New(NewCmd::BankTransfer), true));
                    }
                    Some(Paying::Qr) => {
                        out.push(bind(&[Key::ch('z')], Cmd::New(NewCmd::Enlarge), true));
                    }
                    Some(Paying::Transfer) => {
                        out.push(bind(&[Key::ch('u')], Cmd::New(NewCmd::UploadVoucher), true));
                    }
                    Some(Paying::Settled) | None => {}
                }
                out.push(bind(&[Key::ch('r')], Cmd::New(NewCmd::Receipt), true));
                out.push(bind(&[Key::ch('o')], Cmd::New(NewCmd::OpenOrder), true));
                out.push(bind(&[Key::ch('n')], Cmd::New(NewCmd::BlankForm), true));
            }
            _ => {}
        }
    }
    if matches!(step, Step::Form | Step::Scan | Step::Submit | Step::Done) {
        out.push(bind(&[Key::ctrl('p')], Cmd::New(NewCmd::Print), true));
    }
    out.push(bind(&[Key::ctrl('n')], Cmd::New(NewCmd::NewDraft), true));
    out.push(bind(&[Key::ctrl('o')], Cmd::New(NewCmd::NextDraft), true));
    out.push(bind(&[Key::ctrl('d')], Cmd::New(NewCmd::Discard), false));
    for (i, tab) in Tab::ALL.into_iter().enumerate() {
        out.push(bind(
            &[Key::code(KeyCode::F(i as u8 + 1))],
            Cmd::Tab(tab),
            i == 1,
        ));
    }
    let mut help = vec![Key::code(KeyCode::F(12))];
    if !context.typing {
        help.insert(0, Key::ch('?'));
    }
    out.push(bind(&help, Cmd::Help, true));
    out.push(bind(&[Key::ctrl('r')], Cmd::Refresh, false));
    out.push(bind(&[Key::ctrl('l')], Cmd::ToggleLang, false));
    out.push(bind(&[Key::ctrl('c')], Cmd::Quit, false));
    out
}

/// The command bound to `event` in `context`.
pub fn lookup(context: &Context, event: &KeyEvent) -> Option<Cmd> {
    bindings(context)
        .into_iter()
        .find(|b| b.keys.iter().any(|k| k.matches(event)))
        .map(|b| b.cmd)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(detail: bool) -> Context {
        Context {
            tab: Tab::Pending,
            detail,
            actions: vec![Action::Cancel, Action::ChooseBankTransfer],
            may_reveal: true,
            may_note: true,
            filtered: false,
            new_step: None,
            typing: false,
            verified: false,
            collectible: false,
            paying: None,
            qr_payment: true,
            review: None,
            returned: false,
            mail: None,
            invoice: None,
            shipped: false,
            track_manually: false,
        }
    }

    #[test]
    fn no_key_means_two_things_in_one_context() {
        for detail in [false, true] {
            let all = bindings(&context(detail));
            let mut seen: Vec<(KeyCode, bool)> = Vec::new();
            for binding in &all {
                for key in &binding.keys {
                    assert!(
                        !seen.contains(&(key.code, key.ctrl)),
                        "{} bound twice",
                        key.display()
                    );
                    seen.push((key.code, key.ctrl));
                }
            }
        }
        let every_action: Vec<char> = Action::ALL.iter().map(|a| action_key(*a)).collect();
        let mut unique = every_action.clone();
        unique.dedup();
        assert_eq!(unique.len(), every_action.len());
    }

    #[test]
    fn keys_reach_their_commands() {
        let list = context(false);
        let key = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        assert_eq!(lookup(&list, &key('/')), Some(Cmd::Search));
        assert_eq!(
            lookup(&list, &key('w')),
            Some(Cmd::Filter(Some(OrderStatus::PendingReview)))
        );
        assert_eq!(lookup(&list, &key('3')), Some(Cmd::Tab(Tab::Review)));
        assert_eq!(
            lookup(&list, &KeyEvent::new(KeyCode::F(5), KeyModifiers::NONE)),
            Some(Cmd::Tab(Tab::Invoice))
        );
        assert_eq!(
            lookup(&context(true), &key('c')),
            Some(Cmd::Act(Action::Cancel))
        );
        assert_eq!(
            lookup(&context(true), &key('a')),
            None,
            "approve not offered here"
        );
        assert_eq!(
            lookup(
                &list,
                &KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)
            ),
            Some(Cmd::Quit)
        );
    }
}
