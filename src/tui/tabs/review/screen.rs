//! One order open for review: its claim (taken on open, renewed while the reviewer works,
//! lapsing when they stop), the attachment shown and how far it is zoomed, the popup, and
//! the picture fetched at the size the screen gives it.

use std::cell::Cell;

use crossterm::event::{KeyCode, KeyEvent};
use image::RgbImage;
use time::OffsetDateTime;

use super::keys::{Cmd, Pan};
use super::messages::{Answer, Request, SaveError};
use super::popup::{Checklist, Popup, Step};
use crate::api::{ActionRequest, Attachment, HistoryEntry, Order};
use crate::domain::{Action, ApprovalGap, OrderStatus};
use crate::i18n::{Lang, T};
use crate::tui::component::Ctx;
use crate::tui::files::{FileProblem, problem_text};
use crate::tui::text::{Notice, Text, describe};
use crate::tui::widgets::input::Input;
use crate::tui::widgets::path::{complete, expand_home};

/// How far one can zoom in.
pub const MAX_ZOOM: u8 = 8;

/// How far a PDF's pages may be turned before the platform has said how many it has.
const MAX_PAGES_AHEAD: usize = 100;

/// The longest between renewals of an open order's claim, in seconds (sooner when the
/// lease is short: at half of it).
const RENEW_SECONDS: i64 = 300;

/// After a renewal failed for want of the network, the next try, in seconds.
const RETRY_SECONDS: i64 = 20;
/// How soon a preview the platform was busy for is asked again, and how many times.
const PREVIEW_RETRY_SECONDS: i64 = 3;
const PREVIEW_RETRIES: u32 = 20;


/// The reviewer's hold on the open order.
#[derive(Debug, Clone, PartialEq)]
pub enum Hold {
    /// Asking.
    Claiming,
    /// Held until (RFC 3339).
    Held(String),
    /// Someone else has it, or it cannot be reviewed now: why.
    Refused(Text),
    /// The operator submitted it: another reviewer decides it.
    Own,
    /// Only looking (read-only, a role that does not review, a decided order).
    Watching,
}

/// How much of a picture of `size` pixels a room of `room` pixels shows at `zoom`, as
/// fractions of its width and height (1: all of it): `zoom` times the scale that fits the
/// whole picture, so a zoomed page fills the room's width as well as its height where the
/// page reaches. The view draws that much; panning moves by it.
pub fn view_fraction(size: (u32, u32), zoom: u8, room: (u32, u32)) -> (f32, f32) {
    let (w, h) = (size.0 as f32, size.1 as f32);
    let (rw, rh) = (room.0 as f32, room.1 as f32);
    if zoom <= 1 || w <= 0.0 || h <= 0.0 || rw <= 0.0 || rh <= 0.0 {
        return (1.0, 1.0);
    }
    let scale = (rw / w).min(rh / h) * f32::from(zoom);
    ((rw / scale / w).min(1.0), (rh / scale / h).min(1.0))
}

/// A scan as received: scaled on the platform to what the screen can show.
#[derive(Debug, Clone)]
pub struct Picture {
    /// Which attachment.
    pub attachment_id: String,
    /// Which of its pages (from 0).
    pub page: usize,
    /// The pixels.
    pub image: RgbImage,
    /// The largest size asked for (the platform never scales up).
    pub asked: (u32, u32),
}

/// One order open for review.
#[derive(Debug)]
pub struct Screen {
    /// The order.
    pub order_no: String,
    /// It, once loaded.
    pub order: Option<Order>,
    /// Its history.
    pub history: Vec<HistoryEntry>,
    /// The claim.
    pub hold: Hold,
    /// The attachment shown (index into [`Screen::attachments`]).
    pub attachment: usize,
    /// Its page shown (a scanner's PDF), from 0.
    pub page: usize,
    /// Its pages, as the platform said with its first preview (`None` until then: a PDF's
    /// pages may be turned before, and the page is brought within them when it says).
    pub pages: Option<usize>,
    /// 1 = the whole image; 2 = twice as large, …
    pub zoom: u8,
    /// The centre of the view, as fractions of the image (0–1).
    pub centre: (f32, f32),
    /// The scan shown, once fetched.
    pub picture: Option<Picture>,
    /// Why there is no picture (a PDF, an error), if so.
    pub picture_note: Option<Text>,
    /// A preview is on its way.
    pub fetching: bool,
    /// The platform was busy or out of reach when asked for the preview: when it is asked
    /// again, and how many times it was.
    pub picture_retry: Option<(OffsetDateTime, u32)>,
    /// The popup.
    pub popup: Option<Popup>,
    /// A decision is on its way.
    pub deciding: bool,
    /// When the claim was last renewed (or a renewal last tried).
    pub renewed: OffsetDateTime,
    /// How long the lease lasts, in seconds (learnt from the first claim).
    pub lease_seconds: i64,
    /// The reviewer pressed a key on this order since the last renewal: only then is the
    /// claim renewed, so an order left open on an empty desk lapses and others can take it.
    pub active: bool,
    /// The reasons checklist as last left (sent, closed with Esc, closed by a takeover):
    /// reopened with what was ticked and typed.
    pub last_return: Option<Checklist>,
    /// Where the picture was last drawn, and the pixels of one cell (set by the view;
    /// half blocks are 1×2).
    pub picture_cells: Cell<(ratatui::layout::Rect, (u32, u32))>,
    /// Rows of the application's facts scrolled past (a long one does not fit 80×24).
    pub facts_scroll: u16,
    /// Rows the facts pane has and rows its facts take (set by the view).
    pub facts_geometry: Cell<(u16, u16)>,
    /// The attachments turned to on this screen (by id): one arrived meanwhile, or never
    /// turned to, is named before approving.
    pub seen: Vec<String>,
    /// The claim was asked for because the reviewer holding it let it go: said when it
    /// comes.
    pub taking_up: bool,
    /// The hold was refused because another reviewer held the order (not the platform out
    /// of reach): taken up, it is said to be theirs given back.
    pub other_held: bool,
    /// Opened by itself after a decision (when), and no key pressed on it since: given
    /// back after [`UNTOUCHED_SECONDS`], so a reviewer who walked away after their last
    /// decision does not hold the next order for a whole claim.
    pub opened_by_itself: Option<OffsetDateTime>,
}

/// How long an order opened by itself after a decision is held with no key pressed on it.
pub const UNTOUCHED_SECONDS: i64 = 180;

impl Screen {
    /// An order being opened (claimed when `claim`).
    pub fn new(order_no: &str, claim: bool, now: OffsetDateTime) -> Screen {
        Screen {
            order_no: order_no.to_owned(),
            order: None,
            history: Vec::new(),
            hold: if claim { Hold::Claiming } else { Hold::Watching },
            attachment: 0,
            page: 0,
            pages: None,
            zoom: 1,
            centre: (0.5, 0.5),
            picture: None,
            picture_note: None,
            fetching: false,
            picture_retry: None,
            popup: None,
            deciding: false,
            renewed: now,
            lease_seconds: RENEW_SECONDS * 3,
            active: true,
            last_return: None,
            picture_cells: Cell::new((ratatui::layout::Rect::default(), (1, 2))),
            facts_scroll: 0,
            facts_geometry: Cell::new((0, 0)),
            seen: Vec::new(),
            taking_up: false,
            other_held: false,
            opened_by_itself: None,
        }
    }

    /// After a language switch: the popups' messages the platform worded go.
    pub fn reword(&mut self, lang: Lang) {
        use crate::tui::text::drop_stale;
        match &mut self.popup {
            Some(Popup::Return(list)) => drop_stale(&mut list.error, lang),
            Some(Popup::Save { error, .. }) => drop_stale(error, lang),
            _ => {}
        }
        if let Some(list) = &mut self.last_return {
            drop_stale(&mut list.error, lang);
        }
        // The platform's note on the attachment (a PDF's pages, an unreadable picture) is
        // asked for again in the new language.
        drop_stale(&mut self.picture_note, lang);
    }

    /// The attachments, newest first (a corrected scan before the one it replaces): by
    /// their time (not its text — `…12Z` reads after `…12.5Z`), and of two in the same
    /// instant the one the platform lists later (it lists them oldest first).
    pub fn attachments(&self) -> Vec<&Attachment> {
        let mut all: Vec<(usize, &Attachment)> = self
            .order
            .as_ref()
            .map(|o| o.attachments.iter().enumerate().collect())
            .unwrap_or_default();
        all.sort_by(|(i, a), (j, b)| {
            let at = |x: &Attachment| crate::tui::format::parse_time(&x.uploaded_at);
            at(b).cmp(&at(a)).then(j.cmp(i))
        });
        all.into_iter().map(|(_, a)| a).collect()
    }

    /// The attachment shown.
    pub fn current(&self) -> Option<&Attachment> {
        self.attachments().get(self.attachment).copied()
    }

    /// Whether the order on screen came with its personal data in full.
    pub fn revealed(&self) -> bool {
        self.order.as_ref().is_some_and(|o| o.revealed)
    }

    /// True while this reviewer holds the order.
    pub fn held(&self) -> bool {
        matches!(self.hold, Hold::Held(_))
    }

    fn may(&self, action: Action) -> bool {
        self.held()
            && !self.deciding
            && self
                .order
                .as_ref()
                .is_some_and(|o| o.allowed_actions.contains(&action))
    }

    /// The pixels to ask the platform for: the picture's cells at this zoom.
    fn wanted(&self) -> Option<(u32, u32)> {
        let (room, (cw, ch)) = self.picture_cells.get();
        let (cols, rows) = (room.width, room.height);
        if cols == 0 || rows == 0 {
            return None;
        }
        let zoom = u32::from(self.zoom.max(1));
        let w = (u32::from(cols) * cw * zoom).clamp(16, 2048);
        let h = (u32::from(rows) * ch * zoom).clamp(16, 2048);
        Some((w, h))
    }

    /// Shows the attachment at `self.attachment` from its first page (fetched after the
    /// next frame; a PDF is asked for like an image: the platform answers with its page
    /// count).
    fn show_attachment(&mut self) {
        if let Some(id) = self.current().map(|a| a.id.clone())
            && !self.seen.contains(&id)
        {
            self.seen.push(id);
        }
        self.page = 0;
        self.pages = None;
        self.show_page();
    }

    /// Shows the page at `self.page`, whole. A preview still on its way stays so (its
    /// answer, for another page, is let go, and the page shown is asked for then): one at
    /// a time, however fast the pages are turned.
    fn show_page(&mut self) {
        self.zoom = 1;
        self.centre = (0.5, 0.5);
        self.picture_note = None;
        self.picture_retry = None;
    }

    /// Closes the popup; reasons being written are kept for the next `r`.
    fn close_popup(&mut self) {
        if let Some(Popup::Return(list)) = self.popup.take() {
            self.last_return = Some(list);
        }
    }

    /// What the open order lacks for approval, as far as the order shows it: the
    /// platform's rule (`domain::approval_gaps`), read from what it said of the real-name
    /// check and the attachments.
    pub fn gaps(&self) -> Vec<ApprovalGap> {
        let Some(order) = &self.order else {
            return Vec::new();
        };
        let mut gaps = Vec::new();
        match &order.realname {
            None => gaps.push(ApprovalGap::NotVerified),
            Some(check) if !check.matches_applicant => gaps.push(ApprovalGap::NotTheApplicant),
            Some(_) => {}
        }
        if !order.attachments.iter().any(|a| a.kind.carries_signed_form()) {
            gaps.push(ApprovalGap::NoSignedForm);
        }
        gaps
    }

    /// Why a decision cannot be made on the order now, if it cannot.
    fn not_now(&self) -> Option<Notice> {
        match &self.hold {
            Hold::Held(_) => None,
            Hold::Refused(_) => Some(Notice::warning(T::ReviewNotYours)),
            Hold::Own => Some(Notice::warning(T::ReviewOwnOrder)),
            Hold::Claiming => Some(Notice::info(T::ReviewClaiming)),
            Hold::Watching => Some(Notice::warning(T::ReviewWatchingOnly)),
        }
    }

    /// A command on the open order; what it says when it cannot be done now.
    pub fn command(&mut self, cmd: Cmd) -> Option<Notice> {
        match cmd {
            Cmd::Approve | Cmd::Return if !self.held() => return self.not_now(),
            Cmd::Approve if self.may(Action::Approve) => self.popup = Some(Popup::Approve),
            // What was ticked and typed before (closed with Esc, sent while offline, closed
            // by a takeover) comes back: nothing typed is lost.
            // A fresh one has ticked what the order lacks for approval.
            Cmd::Return if self.may(Action::Reject) => {
                let mut list = self
                    .last_return
                    .take()
                    .unwrap_or_else(|| Checklist::for_gaps(&self.gaps()));
                list.error = None;
                list.individual = self
                    .order
                    .as_ref()
                    .is_some_and(|o| o.user_type == crate::domain::UserType::Individual);
                list.not_by_transfer = self
                    .order
                    .as_ref()
                    .is_some_and(|o| o.payment_method.as_deref() != Some("bank_transfer"));
                list.amount_fen = self.order.as_ref().map_or(0, |o| o.amount_fen);
                self.popup = Some(Popup::Return(list));
            }
            Cmd::Save => {
                if let Some(attachment) = self.current() {
                    let name = save_name(&self.order_no, attachment);
                    self.popup = Some(Popup::Save {
                        input: Input::new(&format!("~/{name}")),
                        error: None,
                        choices: None,
                    });
                }
            }
            Cmd::NextAttachment | Cmd::PrevAttachment => {
                let count = self.attachments().len();
                if count > 1 {
                    self.attachment = if cmd == Cmd::NextAttachment {
                        (self.attachment + 1) % count
                    } else {
                        (self.attachment + count - 1) % count
                    };
                    self.show_attachment();
                }
            }
            Cmd::NextPage | Cmd::PrevPage => {
                let page = if cmd == Cmd::NextPage {
                    self.page + 1
                } else {
                    self.page.wrapping_sub(1)
                };
                // Before the count is known (keys typed ahead, over a slow link) a turn is
                // taken on trust, and brought within the pages once they are said.
                if page < self.pages.unwrap_or(MAX_PAGES_AHEAD) {
                    self.page = page;
                    self.show_page();
                }
            }
            Cmd::Facts(down) => {
                let (rows, total) = self.facts_geometry.get();
                // A page less a row, so the line read last is still in sight.
                let page = rows.saturating_sub(1).max(1);
                self.facts_scroll = if down {
                    self.facts_scroll.saturating_add(page)
                } else {
                    self.facts_scroll.saturating_sub(page)
                }
                .min(total.saturating_sub(rows));
            }
            Cmd::ZoomIn | Cmd::ZoomOut | Cmd::ZoomFit => {
                self.zoom = match cmd {
                    Cmd::ZoomIn => (self.zoom * 2).min(MAX_ZOOM),
                    Cmd::ZoomOut => (self.zoom / 2).max(1),
                    _ => 1,
                };
                if self.zoom == 1 {
                    self.centre = (0.5, 0.5);
                }
            }
            Cmd::Pan(pan) if self.zoom > 1 => {
                // A quarter of the view per press, the view as the picture is drawn.
                let (room, (cw, ch)) = self.picture_cells.get();
                let room = (u32::from(room.width) * cw, u32::from(room.height) * ch);
                let (fx, fy) = self.picture.as_ref().map_or(
                    (1.0 / f32::from(self.zoom), 1.0 / f32::from(self.zoom)),
                    |p| view_fraction((p.image.width(), p.image.height()), self.zoom, room),
                );
                let (x, y) = &mut self.centre;
                match pan {
                    Pan::Left => *x -= 0.25 * fx,
                    Pan::Right => *x += 0.25 * fx,
                    Pan::Up => *y -= 0.25 * fy,
                    Pan::Down => *y += 0.25 * fy,
                }
                *x = x.clamp(0.5 * fx, 1.0 - 0.5 * fx);
                *y = y.clamp(0.5 * fy, 1.0 - 0.5 * fy);
            }
            _ => {}
        }
        None
    }

    /// A key while a popup is open; true when it was used.
    pub fn popup_key(&mut self, ctx: &mut Ctx<Request>, key: KeyEvent) -> bool {
        let Some(popup) = self.popup.take() else {
            return false;
        };
        let version = self.order.as_ref().map(|o| o.version);
        match popup {
            // Not ready: the platform would refuse it; Enter (or `r`) returns it instead,
            // the reasons for what it lacks ticked.
            Popup::Approve if !self.gaps().is_empty() => match key.code {
                KeyCode::Enter | KeyCode::Char('r') if self.may(Action::Reject) => {
                    let _ = self.command(Cmd::Return);
                }
                KeyCode::Esc | KeyCode::Char('n') => {}
                _ => self.popup = Some(Popup::Approve),
            },
            // Enter alone, as the popup says: a stray `y` (the key that confirms a
            // reversal) or `a` pressed twice does not release a certificate.
            Popup::Approve => match key.code {
                KeyCode::Enter => {
                    self.deciding = true;
                    ctx.ask(Request::Decide {
                        order_no: self.order_no.clone(),
                        action: Action::Approve,
                        body: ActionRequest {
                            version,
                            ..Default::default()
                        },
                    });
                }
                KeyCode::Esc | KeyCode::Char('n') => {}
                _ => self.popup = Some(Popup::Approve),
            },
            Popup::Return(mut list) => match list.key(key) {
                Step::Open => self.popup = Some(Popup::Return(list)),
                Step::Closed => self.last_return = Some(list),
                Step::Send(reasons, voucher_total_fen) => {
                    self.deciding = true;
                    list.error = None;
                    self.last_return = Some(list);
                    ctx.ask(Request::Decide {
                        order_no: self.order_no.clone(),
                        action: Action::Reject,
                        body: ActionRequest {
                            version,
                            reasons,
                            voucher_total_fen,
                            ..Default::default()
                        },
                    });
                }
            },
            Popup::Save {
                mut input,
                error,
                choices,
            } => match key.code {
                KeyCode::Esc => {}
                KeyCode::Enter => {
                    let path = input.text().trim().to_owned();
                    if let (Some(attachment), false) = (self.current(), path.is_empty()) {
                        ctx.ask(Request::Save {
                            id: attachment.id.clone(),
                            path: expand_home(&path),
                        });
                    }
                    self.popup = Some(Popup::Save {
                        input,
                        error,
                        choices,
                    });
                }
                KeyCode::Tab => {
                    let done = complete(&input.text());
                    input = Input::new(&done.text);
                    let choices = (!done.choices.is_empty()).then(|| done.choices.join("  "));
                    self.popup = Some(Popup::Save {
                        input,
                        error,
                        choices,
                    });
                }
                _ => {
                    input.key(key);
                    self.popup = Some(Popup::Save {
                        input,
                        error: None,
                        choices,
                    });
                }
            },
        }
        true
    }

    /// Whether this order, opened by itself after a decision and held, has had no key
    /// pressed on it for [`UNTOUCHED_SECONDS`]: to be given back.
    pub fn untouched(&self, now: OffsetDateTime) -> bool {
        matches!(self.hold, Hold::Held(_))
            && self
                .opened_by_itself
                .is_some_and(|at| (now - at).whole_seconds() >= UNTOUCHED_SECONDS)
    }

    /// Every second: the claim renewed while the reviewer works; a preview the platform
    /// was too busy for asked again.
    pub fn tick(&mut self, ctx: &mut Ctx<Request>) {
        let now = ctx.now;
        if let Some((due, _)) = self.picture_retry
            && now >= due
            && !self.fetching
            && let (Some(attachment), Some((width, height))) = (self.current(), self.wanted())
        {
            let id = attachment.id.clone();
            self.fetching = true;
            ctx.ask(Request::Preview {
                id,
                page: self.page,
                width,
                height,
            });
        }
        if self.held()
            && self.active
            && (now - self.renewed).whole_seconds()
                >= RENEW_SECONDS.min(self.lease_seconds / 2).max(5)
        {
            self.renewed = now;
            self.active = false;
            ctx.ask(Request::Renew {
                order_no: self.order_no.clone(),
            });
        }
    }

    /// After a frame: the picture at the size it was given, when not yet fetched.
    pub fn after_draw(&mut self, ctx: &mut Ctx<Request>) {
        if self.fetching || self.picture_note.is_some() {
            return;
        }
        let (Some(attachment), Some(wanted)) = (self.current(), self.wanted()) else {
            return;
        };
        let id = attachment.id.clone();
        let enough = self.picture.as_ref().is_some_and(|p| {
            p.attachment_id == id
                && p.page == self.page
                && (p.asked.0 >= wanted.0 || p.image.width() < p.asked.0)
                && (p.asked.1 >= wanted.1 || p.image.height() < p.asked.1)
        });
        if !enough {
            self.fetching = true;
            ctx.ask(Request::Preview {
                id,
                page: self.page,
                width: wanted.0,
                height: wanted.1,
            });
        }
    }

    /// An answer about this screen; a message for the reviewer when there is one.
    pub fn answer(&mut self, ctx: &mut Ctx<Request>, answer: Answer) -> Option<Notice> {
        let lang = ctx.lang;
        let now = ctx.now;
        match answer {
            Answer::Opened {
                order_no,
                claim,
                order,
            } => {
                if order_no != self.order_no {
                    if claim.is_some_and(|c| c.is_ok()) {
                        ctx.ask(Request::Release { order_no });
                    }
                    return None;
                }
                let reload = claim.is_none();
                // Taken up from another reviewer (below, on a reload): said once the claim is
                // this reviewer's, not when asked (another may win it).
                let taken_up = match &claim {
                    Some(Ok(_)) => std::mem::take(&mut self.taking_up),
                    Some(Err(_)) => {
                        self.taking_up = false;
                        false
                    }
                    None => false,
                };
                match claim {
                    Some(Ok(claim)) => {
                        if let Some(until) = crate::tui::format::parse_time(&claim.expires_at) {
                            self.lease_seconds = (until - now).whole_seconds().max(10);
                        }
                        self.hold = Hold::Held(claim.expires_at);
                        self.renewed = now;
                    }
                    Some(Err(e)) => {
                        // A network error says nothing of who holds it: what was known stays.
                        if let Some(problem) = e.problem() {
                            self.other_held = problem.code == "claimed_by_other";
                        }
                        self.hold = Hold::Refused(describe(&e, lang));
                    }
                    // A reload: the hold stands unless the order says otherwise.
                    None => {}
                }
                match order {
                    Ok((order, history)) => {
                        if self.held() {
                            let me = ctx.shared.me.as_ref().map(|m| m.id.as_str());
                            if order.status != OrderStatus::PendingReview {
                                self.hold = Hold::Watching;
                            } else if let Some(other) =
                                order.claim.as_ref().filter(|c| c.by.id.as_deref() != me)
                            {
                                self.other_held = true;
                                self.hold = Hold::Refused(Text::with(
                                    T::ClaimTakenBy,
                                    [other.by.name.clone()],
                                ));
                            }
                            if !self.held() {
                                // Whatever was being decided cannot be now.
                                self.close_popup();
                            }
                        } else if matches!(self.hold, Hold::Refused(_))
                            && order.status != OrderStatus::PendingReview
                        {
                            // Decided (by whoever held it) while this reviewer looked on:
                            // no one holds it now, and the header says where it went.
                            self.hold = Hold::Watching;
                        } else if matches!(self.hold, Hold::Refused(_))
                            && order.status == OrderStatus::PendingReview
                            && let Some(other) = order
                                .claim
                                .as_ref()
                                .filter(|c| c.by.id.as_deref() != ctx.shared.me.as_ref().map(|m| m.id.as_str()))
                        {
                            // Held by another reviewer: who, and until when, in a line that
                            // does not name the order again (the header does).
                            let until = crate::tui::format::parse_time(&other.expires_at)
                                .map(crate::tui::format::china)
                                .map(|t| format!("{:02}:{:02}", t.hour(), t.minute()))
                                .unwrap_or_default();
                            self.other_held = true;
                            self.hold = Hold::Refused(Text::with(
                                T::ClaimHeldBy,
                                [other.by.name.clone(), until],
                            ));
                        } else if reload
                            && matches!(self.hold, Hold::Refused(_))
                            && order.status == OrderStatus::PendingReview
                            && order.claim.is_none()
                            && order.allowed_actions.contains(&Action::Approve)
                        {
                            // The other reviewer let it go while this one was looking at
                            // it: claimed now, as opening it would have — and said, so that
                            // someone only looking knows they hold it now.
                            self.taking_up = true;
                            self.hold = Hold::Claiming;
                            ctx.ask(Request::Open {
                                order_no: self.order_no.clone(),
                                claim: true,
                                reveal: false,
                            });
                        }
                        // The attachment on screen stays on screen when others arrive (an
                        // invoice issued meanwhile, a corrected scan): the reviewer chose
                        // it, and opening another would record them viewing what they never
                        // asked to see.
                        let shown = self.current().map(|a| a.id.clone());
                        // What this reviewer looked at before, in an earlier round or on
                        // another screen, as the order's history records it: not said to
                        // be "not looked at yet".
                        if let Some(me) = ctx.shared.me.as_ref() {
                            for id in viewed_by(&history, &me.id) {
                                if !self.seen.contains(&id) {
                                    self.seen.push(id);
                                }
                            }
                        }
                        self.order = Some(order);
                        self.history = history;
                        let now_at = shown
                            .as_ref()
                            .and_then(|id| self.attachments().iter().position(|a| &a.id == id));
                        match now_at {
                            Some(at) => self.attachment = at,
                            None => {
                                self.attachment = 0;
                                self.picture = None;
                                self.show_attachment();
                            }
                        }
                        // Given back by another reviewer, or only out of reach a while.
                        taken_up.then(|| {
                            Notice::info(if std::mem::take(&mut self.other_held) {
                                T::ClaimTakenUp
                            } else {
                                T::ClaimTakenAgain
                            })
                        })
                    }
                    Err(e) => Some(Notice::error(describe(&e, lang))),
                }
            }
            Answer::Renewed { order_no, result } => {
                if order_no != self.order_no {
                    if result.is_ok() {
                        ctx.ask(Request::Release { order_no });
                    }
                    return None;
                }
                match result {
                    Ok(claim) => {
                        self.hold = Hold::Held(claim.expires_at);
                        self.renewed = now;
                    }
                    // Only the platform saying no loses the claim; a network blip is tried
                    // again soon.
                    Err(e) if e.problem().is_some() => {
                        self.other_held =
                            e.problem().is_some_and(|p| p.code == "claimed_by_other");
                        self.hold = Hold::Refused(describe(&e, lang));
                        self.close_popup();
                    }
                    Err(_) => {
                        self.renewed = now - time::Duration::seconds(RENEW_SECONDS - RETRY_SECONDS);
                        self.active = true;
                    }
                }
                None
            }
            Answer::Preview {
                id,
                page,
                width,
                height,
                result,
            } => {
                self.fetching = false;
                if self.current().map(|a| a.id.as_str()) != Some(id.as_str()) {
                    return None;
                }
                // Any page's answer says how many the file has: a page turned to on trust
                // before is brought within them (the one shown is then asked for).
                let told = match &result {
                    Ok((_, pages)) => Some(*pages),
                    Err(Some(e)) => e.problem().and_then(|p| p.page_count),
                    Err(None) => None,
                };
                if let Some(pages) = told {
                    let pages = pages.max(1);
                    self.pages = Some(pages);
                    if self.page >= pages {
                        self.page = pages - 1;
                        self.show_page();
                    }
                }
                if page != self.page {
                    return None;
                }
                match result {
                    Ok((image, _)) => {
                        self.picture_note = None;
                        self.picture_retry = None;
                        self.picture = Some(Picture {
                            attachment_id: id,
                            page,
                            image,
                            asked: (width, height),
                        })
                    }
                    // Busy (every check turn taken) or out of reach: asked again in a
                    // few seconds, a while, rather than the note staying until the
                    // reviewer moves.
                    Err(Some(e))
                        if e.is_transient()
                            && self.picture_retry.is_none_or(|(_, n)| n < PREVIEW_RETRIES) =>
                    {
                        let tries = self.picture_retry.map_or(1, |(_, n)| n + 1);
                        self.picture_retry =
                            Some((now + time::Duration::seconds(PREVIEW_RETRY_SECONDS), tries));
                        self.picture_note = Some(T::PreviewRetrying.into());
                    }
                    Err(Some(e)) => {
                        self.picture_retry = None;
                        self.picture_note = Some(describe(&e, lang));
                    }
                    Err(None) => {
                        self.picture_retry = None;
                        self.picture_note = Some(T::ProblemUnreadableImage.into());
                    }
                }
                None
            }
            Answer::Saved(result) => {
                let result = result.map_err(|e| match e {
                    SaveError::Io(path, kind) => problem_text(&FileProblem::Io(kind), &path),
                    SaveError::Api(e) => describe(&e, lang),
                });
                match result {
                    Ok(path) => {
                        self.popup = None;
                        Some(Notice::done(Text::with(
                            T::AttachmentSaved,
                            [path.display().to_string()],
                        )))
                    }
                    Err(message) => {
                        let (input, choices) = match self.popup.take() {
                            Some(Popup::Save { input, choices, .. }) => (input, choices),
                            _ => (Input::new(""), None),
                        };
                        self.popup = Some(Popup::Save {
                            input,
                            error: Some(message),
                            choices,
                        });
                        None
                    }
                }
            }
            Answer::Queue { .. } | Answer::Decided { .. } | Answer::Released { .. } => None,
        }
    }
}

/// A file name for a saved attachment: order number, kind, the right extension.
fn save_name(order_no: &str, attachment: &Attachment) -> String {
    let extension = match attachment.content_type.as_str() {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        _ => "pdf",
    };
    format!("{order_no}-{}.{extension}", attachment.kind.as_str())
}

/// The attachments `operator` opened on an order, as its history records each look
/// (`preview_attachment` / `download_attachment`, reason `kind id`).
fn viewed_by<'a>(
    history: &'a [crate::api::HistoryEntry],
    operator: &'a str,
) -> impl Iterator<Item = String> + 'a {
    history
        .iter()
        .filter(|h| matches!(h.action.as_str(), "preview_attachment" | "download_attachment"))
        .filter(move |h| h.actor.id.as_deref() == Some(operator))
        .filter_map(|h| h.reason.as_deref()?.split_whitespace().nth(1))
        .map(str::to_owned)
}
