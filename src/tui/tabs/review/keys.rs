//! The keys of the 审核队列 tab: the queue (the shared list keys, Enter), and an order open
//! for review (approve, return, next, attachments, zoom and pan, save, take over).

use crossterm::event::KeyCode;

use super::{Hold, Review};
use crate::domain::{Action, Permission};
use crate::i18n::T;
use crate::tui::component::Env;
use crate::tui::keys::{Binding, Key};
use crate::tui::list::{Motion, motion_bindings};

/// A direction to move a zoomed picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pan {
    /// Left.
    Left,
    /// Right.
    Right,
    /// Up.
    Up,
    /// Down.
    Down,
}

/// What the keys of the tab ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmd {
    /// Move the queue's selection.
    Move(Motion),
    /// Open the selected order (and claim it).
    Open,
    /// Back to the queue (giving the claim up).
    Back,
    /// Approve (asks to confirm).
    Approve,
    /// Return for correction (the reasons checklist).
    Return,
    /// On to the next order nobody holds.
    Next,
    /// The next attachment.
    NextAttachment,
    /// The previous attachment.
    PrevAttachment,
    /// The attachment's next page (a scanner's PDF).
    NextPage,
    /// Its previous page.
    PrevPage,
    /// Zoom in.
    ZoomIn,
    /// Zoom out.
    ZoomOut,
    /// The whole picture.
    ZoomFit,
    /// Move the zoomed picture.
    Pan(Pan),
    /// Save the attachment (PDFs are opened locally).
    Save,
    /// Take the review over (administrators; recorded).
    TakeOver,
    /// Scroll the application's facts a page down (`true`) or up.
    Facts(bool),
    /// Show the order's personal data in full (recorded).
    Reveal,
}

/// The bindings of the tab in its present state.
pub fn bindings(review: &Review, env: &Env) -> Vec<Binding<Cmd>> {
    let lang = env.lang;
    let t = |t: T| t.get(lang).to_owned();
    let Some(screen) = &review.screen else {
        let mut out = vec![
            Binding::new(&[Key::code(KeyCode::Enter)], Cmd::Open, t(T::CmdReviewOpen))
                .short(t(T::HintOpen))
                .footer(),
        ];
        out.extend(motion_bindings(Cmd::Move, lang, true));
        return out;
    };
    if screen.popup.is_some() {
        return Vec::new();
    }
    let allowed = |action: Action| {
        env.shared.permits(Permission::Act(action))
            && screen.held()
            && screen
                .order
                .as_ref()
                .is_some_and(|o| o.allowed_actions.contains(&action))
    };
    let mut out = vec![
        Binding::new(
            &[Key::code(KeyCode::Esc), Key::code(KeyCode::Backspace)],
            Cmd::Back,
            t(T::CmdReviewBack),
        )
        .short(t(T::HintBack))
        .footer(),
    ];
    // A decision this reviewer may make but not now (another holds the order, they
    // submitted it, the claim is being asked for): the key says why instead of nothing.
    // An order of their own waiting for review is not theirs to decide whatever the
    // platform lists for them: the key says so too.
    let not_now = |action: Action| {
        env.shared.permits(Permission::Act(action))
            && !screen.held()
            && screen.order.as_ref().is_some_and(|o| {
                o.allowed_actions.contains(&action)
                    || (matches!(screen.hold, Hold::Own)
                        && o.status == crate::domain::OrderStatus::PendingReview)
            })
    };
    for (action, key, cmd, name) in [
        (Action::Approve, 'a', Cmd::Approve, T::CmdReviewApprove),
        (Action::Reject, 'r', Cmd::Return, T::CmdReviewReturn),
    ] {
        if allowed(action) {
            out.push(Binding::new(&[Key::ch(key)], cmd, t(name)).footer());
        } else if not_now(action) {
            out.push(Binding::new(&[Key::ch(key)], cmd, t(name)));
        }
    }
    if env.shared.permits(Permission::Administer) && matches!(screen.hold, Hold::Refused(_)) {
        out.push(Binding::new(&[Key::ch('T')], Cmd::TakeOver, t(T::CmdTakeOver)).footer());
    }
    out.push(Binding::new(&[Key::ch('n')], Cmd::Next, t(T::CmdReviewNext)).footer());
    if env.shared.permits(Permission::RevealPersonalData) && !screen.revealed() {
        out.push(
            Binding::new(&[Key::ch('R')], Cmd::Reveal, t(T::CmdReveal)).short(t(T::HintReveal)),
        );
    }
    // A long application (an organisation's, returned and corrected) is taller than the
    // pane at 80×24: it pages, and the footer says so only then.
    let (rows, total) = screen.facts_geometry.get();
    if total > rows {
        let at_end = screen.facts_scroll >= total - rows;
        out.push(
            Binding::new(&[Key::code(KeyCode::PageDown)], Cmd::Facts(true), t(T::CmdFactsDown))
                .short(t(T::HintFactsDown))
                .footer_if(!at_end),
        );
        out.push(
            Binding::new(&[Key::code(KeyCode::PageUp)], Cmd::Facts(false), t(T::CmdFactsUp))
                .short(t(T::HintFactsUp))
                .footer_if(at_end),
        );
    }
    if screen.attachments().len() > 1 {
        out.push(
            Binding::new(
                &[Key::ch(']'), Key::ch('.')],
                Cmd::NextAttachment,
                t(T::CmdNextAttachment),
            )
            .footer(),
        );
        out.push(Binding::new(
            &[Key::ch('['), Key::ch(',')],
            Cmd::PrevAttachment,
            t(T::CmdPrevAttachment),
        ));
    }
    // Zooming, panning and saving are about an attachment: not offered without one, nor
    // for one the operator may not open (finance in the queue, looking at an ID scan: the
    // picture says who may).
    let roles = env.shared.roles();
    let openable = screen.current().is_some_and(|a| {
        a.kind.opened_with().iter().any(|&p| roles.permits(p))
    });
    if !openable {
        return out;
    }
    // A scanner's PDF of several pages: the next while there is one, then back. Before
    // its count is known (a PDF just opened) the keys work already, off the footer.
    let pdf = screen
        .current()
        .is_some_and(|a| a.content_type == "application/pdf");
    if pdf && screen.pages.is_none_or(|n| n > 1) {
        let pages = screen.pages.unwrap_or(0);
        let last = screen.page + 1 >= pages;
        out.push(
            Binding::new(&[Key::ch('}')], Cmd::NextPage, t(T::CmdNextPage))
                .short(t(T::HintNextPage))
                .footer_if(pages > 1 && !last),
        );
        out.push(
            Binding::new(&[Key::ch('{')], Cmd::PrevPage, t(T::CmdPrevPage))
                .short(t(T::HintPrevPage))
                .footer_if(pages > 1 && last),
        );
    }
    let zoomed = screen.zoom > 1;
    // Offered while there is closer to go.
    out.push(
        Binding::new(&[Key::ch('+'), Key::ch('=')], Cmd::ZoomIn, t(T::CmdZoomIn))
            .footer_if(screen.zoom < super::screen::MAX_ZOOM),
    );
    out.push(Binding::new(&[Key::ch('-')], Cmd::ZoomOut, t(T::CmdZoomOut)).footer_if(zoomed));
    out.push(Binding::new(&[Key::ch('0')], Cmd::ZoomFit, t(T::CmdZoomFit)));
    for (keys, pan, footer) in [
        ([Key::code(KeyCode::Left), Key::ch('h')], Pan::Left, zoomed),
        ([Key::code(KeyCode::Right), Key::ch('l')], Pan::Right, false),
        ([Key::code(KeyCode::Up), Key::ch('k')], Pan::Up, false),
        ([Key::code(KeyCode::Down), Key::ch('j')], Pan::Down, false),
    ] {
        out.push(
            Binding::new(&keys, Cmd::Pan(pan), t(T::CmdPan))
                .short(t(T::HintPan))
                .footer_if(footer),
        );
    }
    out.push(Binding::new(&[Key::ch('s')], Cmd::Save, t(T::CmdSaveAttachment)).footer());
    out
}
