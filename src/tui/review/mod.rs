//! The 审核队列 tab: the queue (oldest payment first, against the promise), and the review
//! screen — the order beside its scans, claimed while open and renewed while the reviewer
//! works, decided by keyboard: approve, return with reasons from a checklist, next.

use std::cell::Cell;

use crossterm::event::{KeyCode, KeyEvent};
use image::RgbImage;
use time::OffsetDateTime;

use crate::api::{ActionRequest, Attachment, ClientError, HistoryEntry, Order, ReviewItem};
use crate::domain::Action;
use crate::i18n::{Lang, T};
use crate::tui::app::Notice;
use crate::tui::net::{Msg, Request, SaveError};
use crate::tui::widgets::input::Input;
use crate::tui::widgets::path::expand_home;

/// The reasons a reviewer picks from, in the order shown; the last is "other" with text.
pub const REASONS: [T; 7] = [
    T::ReasonSignatureMissing,
    T::ReasonStampMissing,
    T::ReasonFormUnreadable,
    T::ReasonDataMismatch,
    T::ReasonVoucherAmount,
    T::ReasonVoucherUnreadable,
    T::ReasonOther,
];

/// The longest reason the platform takes, in characters.
const MAX_REASON_CHARS: usize = 200;

/// How far one can zoom in.
pub const MAX_ZOOM: u8 = 8;

/// The longest between renewals of an open order's claim, in seconds (sooner when the
/// lease is short: at half of it).
const RENEW_SECONDS: i64 = 300;

/// After a renewal failed for want of the network, the next try, in seconds.
const RETRY_SECONDS: i64 = 20;

/// How often the queue is fetched again while shown (ages move with the clock).
const REFRESH_SECONDS: i64 = 60;

/// What the reviewer can ask for in the 审核队列 tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewCmd {
    /// Open the selected order (and claim it).
    Open,
    /// Back to the queue (giving the claim up).
    Back,
    /// Approve (asks to confirm).
    Approve,
    /// Return for correction (the reasons checklist).
    Return,
    /// On to the next order in the queue.
    Next,
    /// The next attachment.
    NextAttachment,
    /// The previous attachment.
    PrevAttachment,
    /// Zoom in.
    ZoomIn,
    /// Zoom out.
    ZoomOut,
    /// The whole image again.
    ZoomFit,
    /// Move the view left.
    PanLeft,
    /// Move the view right.
    PanRight,
    /// Move the view up.
    PanUp,
    /// Move the view down.
    PanDown,
    /// Save the attachment to a path (PDFs are opened locally).
    Save,
    /// Take the review over from whoever holds it (administrators; recorded).
    TakeOver,
}

/// The reviewer's hold on the open order.
#[derive(Debug, Clone, PartialEq)]
pub enum Hold {
    /// Asking.
    Claiming,
    /// Held until (RFC 3339).
    Held(String),
    /// Someone else has it, or it cannot be reviewed now: why.
    Refused(String),
    /// Only looking (read-only, or a role that does not review).
    Watching,
}

/// A popup over the review screen.
#[derive(Debug, Clone)]
pub enum Popup {
    /// "Approve HN…?"
    Approve,
    /// The reasons checklist.
    Return {
        /// Ticked reasons, by index into [`REASONS`].
        checked: [bool; 7],
        /// The row with the cursor (7 = the "other" text).
        cursor: usize,
        /// The text of "other".
        other: Input,
        /// What is wrong with the choice.
        error: Option<String>,
    },
    /// Where to save the attachment.
    Save {
        /// The path typed.
        input: Input,
        /// What went wrong.
        error: Option<String>,
    },
}

/// A scan as received: scaled on the platform to what the screen can show.
#[derive(Debug, Clone)]
pub struct Picture {
    /// Which attachment.
    pub attachment_id: String,
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
    /// The attachment shown (index into the viewable ones).
    pub attachment: usize,
    /// 1 = the whole image; 2 = twice as large, …
    pub zoom: u8,
    /// The centre of the view, as fractions of the image (0–1).
    pub centre: (f32, f32),
    /// The scan being shown, once fetched.
    pub picture: Option<Picture>,
    /// Why there is no picture (a PDF, an error), if so.
    pub picture_note: Option<String>,
    /// A preview is on its way.
    pub fetching: bool,
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
    /// The reasons checklist as last sent, to reopen with what was typed when refused.
    pub last_return: Option<Popup>,
    /// The cells the picture was last drawn into (set by the view).
    pub picture_cells: Cell<(u16, u16)>,
    /// Pixels of one cell, (width, height) — half blocks are 1×2.
    pub cell_pixels: (u32, u32),
}

impl Screen {
    /// The attachments, newest first (a corrected scan before the one it replaces).
    pub fn attachments(&self) -> Vec<&Attachment> {
        let mut all: Vec<&Attachment> = self
            .order
            .as_ref()
            .map(|o| o.attachments.iter().collect())
            .unwrap_or_default();
        all.sort_by(|a, b| b.uploaded_at.cmp(&a.uploaded_at));
        all
    }

    /// The attachment shown.
    pub fn current(&self) -> Option<&Attachment> {
        self.attachments().get(self.attachment).copied()
    }

    /// True while this reviewer holds the order.
    pub fn held(&self) -> bool {
        matches!(self.hold, Hold::Held(_))
    }

    /// The pixels to ask the platform for: the picture's cells at this zoom.
    fn wanted(&self) -> Option<(u32, u32)> {
        let (cols, rows) = self.picture_cells.get();
        if cols == 0 || rows == 0 {
            return None;
        }
        let zoom = u32::from(self.zoom.max(1));
        let w = (u32::from(cols) * self.cell_pixels.0 * zoom).clamp(16, 2048);
        let h = (u32::from(rows) * self.cell_pixels.1 * zoom).clamp(16, 2048);
        Some((w, h))
    }
}

/// The state of the 审核队列 tab.
#[derive(Debug, Default)]
pub struct Review {
    /// The queue.
    pub items: Vec<ReviewItem>,
    /// The selected row.
    pub selected: usize,
    /// First row shown (set by the view).
    pub offset: Cell<usize>,
    /// Rows shown (set by the view).
    pub viewport: Cell<usize>,
    /// A fetch is on its way.
    pub loading: bool,
    /// Another fetch was asked for meanwhile.
    pub again: bool,
    /// Fetched at least once.
    pub loaded: bool,
    /// When the queue was last asked for.
    pub fetched: Option<OffsetDateTime>,
    /// Why the queue could not be fetched.
    pub error: Option<String>,
    /// A message for the reviewer.
    pub notice: Option<Notice>,
    /// The open order.
    pub screen: Option<Screen>,
    /// Requests for the network layer.
    pub outbox: Vec<Request>,
    /// The operator may decide (reviewer role, not read-only).
    pub may_decide: bool,
    /// Pixels of one cell for pictures (half blocks: 1×2; graphics: the font's).
    pub cell_pixels: (u32, u32),
    /// The operator's id (to tell their claim from others').
    pub me: Option<String>,
    /// The operator may take a claim over from another reviewer (administrators).
    pub may_take_over: bool,
    /// The promise, in working days, as the platform said.
    pub promise_days: i64,
}

impl Review {
    /// A fresh tab.
    pub fn new() -> Review {
        Review {
            cell_pixels: (1, 2),
            ..Review::default()
        }
    }

    /// Asks for the queue (once at a time; again after if asked meanwhile).
    pub fn refresh(&mut self, now: OffsetDateTime) {
        if self.loading {
            self.again = true;
            return;
        }
        self.loading = true;
        self.fetched = Some(now);
        self.outbox.push(Request::ReviewQueue);
    }

    /// Every second: the queue's ages (while the tab is shown), the claim's renewal
    /// (whatever tab is shown, while the reviewer works on the order).
    pub fn tick(&mut self, now: OffsetDateTime, shown: bool) {
        if shown
            && self
                .fetched
                .is_none_or(|t| (now - t).whole_seconds() >= REFRESH_SECONDS)
        {
            self.refresh(now);
        }
        if let Some(screen) = &mut self.screen
            && screen.held()
            && screen.active
            && (now - screen.renewed).whole_seconds()
                >= RENEW_SECONDS.min(screen.lease_seconds / 2).max(5)
        {
            screen.renewed = now;
            screen.active = false;
            self.outbox.push(Request::ReviewRenew {
                order_no: screen.order_no.clone(),
            });
        }
    }

    /// The reviewer is at work on the open order (a key was pressed).
    pub fn touch(&mut self) {
        if let Some(screen) = &mut self.screen {
            screen.active = true;
        }
    }

    /// The order this operator holds now, if any (to give back on quitting).
    pub fn held_order(&self) -> Option<&str> {
        self.screen
            .as_ref()
            .filter(|s| matches!(s.hold, Hold::Held(_) | Hold::Claiming))
            .map(|s| s.order_no.as_str())
    }

    /// Requests that depend on what was drawn: the picture at the size shown.
    pub fn after_draw(&mut self) {
        let Some(screen) = &mut self.screen else {
            return;
        };
        if screen.fetching || screen.picture_note.is_some() {
            return;
        }
        let Some(attachment) = screen.current() else {
            return;
        };
        let Some(wanted) = screen.wanted() else {
            return;
        };
        let id = attachment.id.clone();
        let enough = screen.picture.as_ref().is_some_and(|p| {
            p.attachment_id == id
                && (p.asked.0 >= wanted.0 || p.image.width() < p.asked.0)
                && (p.asked.1 >= wanted.1 || p.image.height() < p.asked.1)
        });
        if enough {
            return;
        }
        screen.fetching = true;
        self.outbox.push(Request::Preview {
            id,
            width: wanted.0,
            height: wanted.1,
        });
    }

    /// Moves the queue selection.
    pub fn move_by(&mut self, delta: isize) {
        if self.items.is_empty() || self.screen.is_some() {
            return;
        }
        let last = self.items.len() - 1;
        self.selected = (self.selected as isize + delta).clamp(0, last as isize) as usize;
    }

    /// A command. Returns true when something changed.
    pub fn command(&mut self, cmd: ReviewCmd, now: OffsetDateTime, lang: Lang) -> bool {
        match cmd {
            ReviewCmd::Open => {
                let Some(item) = self.items.get(self.selected) else {
                    return false;
                };
                let order_no = item.order.order_no.clone();
                self.open(&order_no, now);
            }
            ReviewCmd::Back => {
                if self.screen.as_ref().is_some_and(|s| s.deciding) {
                    // The decision is on its way: its answer says where things stand.
                    return false;
                }
                self.close();
            }
            ReviewCmd::TakeOver => {
                let Some(screen) = &mut self.screen else {
                    return false;
                };
                if !self.may_take_over || !matches!(screen.hold, Hold::Refused(_)) {
                    return false;
                }
                screen.hold = Hold::Claiming;
                self.outbox.push(Request::ReviewTakeOver {
                    order_no: screen.order_no.clone(),
                });
            }
            ReviewCmd::Next => self.next(now, lang),
            ReviewCmd::Approve => {
                let Some(screen) = &mut self.screen else {
                    return false;
                };
                if !screen.held() || screen.deciding || !may(screen, Action::Approve) {
                    return false;
                }
                screen.popup = Some(Popup::Approve);
            }
            ReviewCmd::Return => {
                let Some(screen) = &mut self.screen else {
                    return false;
                };
                if !screen.held() || screen.deciding || !may(screen, Action::Reject) {
                    return false;
                }
                screen.popup = Some(Popup::Return {
                    checked: [false; 7],
                    cursor: 0,
                    other: Input::new(""),
                    error: None,
                });
            }
            ReviewCmd::Save => {
                let Some(screen) = &mut self.screen else {
                    return false;
                };
                let Some(attachment) = screen.current() else {
                    return false;
                };
                let name = save_name(&screen.order_no, attachment);
                screen.popup = Some(Popup::Save {
                    input: Input::new(&format!("~/{name}")),
                    error: None,
                });
            }
            ReviewCmd::NextAttachment | ReviewCmd::PrevAttachment => {
                let Some(screen) = &mut self.screen else {
                    return false;
                };
                let count = screen.attachments().len();
                if count < 2 {
                    return false;
                }
                screen.attachment = if cmd == ReviewCmd::NextAttachment {
                    (screen.attachment + 1) % count
                } else {
                    (screen.attachment + count - 1) % count
                };
                show_attachment(screen);
            }
            ReviewCmd::ZoomIn | ReviewCmd::ZoomOut | ReviewCmd::ZoomFit => {
                let Some(screen) = &mut self.screen else {
                    return false;
                };
                screen.zoom = match cmd {
                    ReviewCmd::ZoomIn => (screen.zoom * 2).min(MAX_ZOOM),
                    ReviewCmd::ZoomOut => (screen.zoom / 2).max(1),
                    _ => 1,
                };
                if screen.zoom == 1 {
                    screen.centre = (0.5, 0.5);
                }
            }
            ReviewCmd::PanLeft | ReviewCmd::PanRight | ReviewCmd::PanUp | ReviewCmd::PanDown => {
                let Some(screen) = &mut self.screen else {
                    return false;
                };
                if screen.zoom <= 1 {
                    return false;
                }
                // A quarter of the view per press.
                let step = 0.25 / f32::from(screen.zoom);
                let half = 0.5 / f32::from(screen.zoom);
                let (x, y) = &mut screen.centre;
                match cmd {
                    ReviewCmd::PanLeft => *x -= step,
                    ReviewCmd::PanRight => *x += step,
                    ReviewCmd::PanUp => *y -= step,
                    _ => *y += step,
                }
                *x = x.clamp(half, 1.0 - half);
                *y = y.clamp(half, 1.0 - half);
            }
        }
        true
    }

    /// Opens `order_no` for review, claiming it when this operator decides (never their
    /// own submission: that one they only look at).
    pub fn open(&mut self, order_no: &str, now: OffsetDateTime) {
        self.close();
        let own = self
            .items
            .iter()
            .any(|i| i.order.order_no == order_no && i.own);
        let claim = self.may_decide && !own;
        self.screen = Some(Screen {
            order_no: order_no.to_owned(),
            order: None,
            history: Vec::new(),
            hold: if claim {
                Hold::Claiming
            } else {
                Hold::Watching
            },
            attachment: 0,
            zoom: 1,
            centre: (0.5, 0.5),
            picture: None,
            picture_note: None,
            fetching: false,
            popup: None,
            deciding: false,
            renewed: now,
            lease_seconds: RENEW_SECONDS * 3,
            active: true,
            last_return: None,
            picture_cells: Cell::new((0, 0)),
            cell_pixels: self.cell_pixels,
        });
        self.outbox.push(Request::ReviewOpen {
            order_no: order_no.to_owned(),
            claim,
        });
        if let Some(i) = self.items.iter().position(|i| i.order.order_no == order_no) {
            self.selected = i;
        }
    }

    /// Back to the queue, giving the claim up.
    pub fn close(&mut self) {
        if let Some(screen) = self.screen.take()
            && matches!(screen.hold, Hold::Held(_) | Hold::Claiming)
        {
            self.outbox.push(Request::ReviewRelease {
                order_no: screen.order_no,
            });
        }
    }

    /// The next order in the queue that nobody else is reviewing.
    fn next(&mut self, now: OffsetDateTime, lang: Lang) {
        let current = self.screen.as_ref().map(|s| s.order_no.clone());
        let start = current
            .as_deref()
            .and_then(|no| self.items.iter().position(|i| i.order.order_no == no))
            .map(|i| i + 1)
            .unwrap_or(self.selected);
        let next = self
            .items
            .iter()
            .skip(start)
            .chain(self.items.iter().take(start))
            .find(|i| {
                Some(i.order.order_no.as_str()) != current.as_deref()
                    && i.claim.is_none()
                    && !(i.own && self.may_decide)
            })
            .map(|i| i.order.order_no.clone());
        match next {
            Some(order_no) => self.open(&order_no, now),
            None => {
                self.close();
                self.notice = Some(Notice::Info(T::NothingMoreToReview.get(lang).to_owned()));
            }
        }
    }

    /// Keys while a popup is open. Returns true when something changed.
    pub fn popup_key(&mut self, key: KeyEvent, lang: Lang) -> bool {
        let Some(screen) = &mut self.screen else {
            return false;
        };
        let Some(popup) = screen.popup.take() else {
            return false;
        };
        let version = screen.order.as_ref().map(|o| o.version);
        let order_no = screen.order_no.clone();
        match popup {
            Popup::Approve => match key.code {
                KeyCode::Enter | KeyCode::Char('y') | KeyCode::Char('a') => {
                    screen.deciding = true;
                    self.outbox.push(Request::ReviewDecide {
                        order_no,
                        action: Action::Approve,
                        body: ActionRequest {
                            version,
                            ..Default::default()
                        },
                    });
                }
                KeyCode::Esc | KeyCode::Char('n') => {}
                _ => screen.popup = Some(Popup::Approve),
            },
            Popup::Return {
                mut checked,
                mut cursor,
                mut other,
                error,
            } => {
                let mut error = error;
                let on_other = cursor == REASONS.len();
                match key.code {
                    KeyCode::Esc => return true,
                    KeyCode::Up => cursor = cursor.saturating_sub(1),
                    KeyCode::Down | KeyCode::Tab => cursor = (cursor + 1).min(REASONS.len()),
                    KeyCode::BackTab => cursor = cursor.saturating_sub(1),
                    KeyCode::Char(' ') if !on_other => checked[cursor] = !checked[cursor],
                    KeyCode::Char(c @ '1'..='7') if !on_other => {
                        let i = usize::from(c as u8 - b'1');
                        checked[i] = !checked[i];
                        cursor = i;
                    }
                    KeyCode::Enter => {
                        let mut reasons: Vec<String> = REASONS[..REASONS.len() - 1]
                            .iter()
                            .zip(checked)
                            .filter(|(_, on)| *on)
                            .map(|(t, _)| t.get(Lang::ZhCn).to_owned())
                            .collect();
                        let text = other.text().trim().to_owned();
                        let other_on = checked[REASONS.len() - 1] || !text.is_empty();
                        if other_on && text.is_empty() {
                            error = Some(T::ReturnOtherNeeded.get(lang).to_owned());
                        } else {
                            if !text.is_empty() {
                                reasons.push(text);
                            }
                            if reasons.is_empty() {
                                error = Some(T::ReturnPickOne.get(lang).to_owned());
                            } else {
                                screen.deciding = true;
                                screen.last_return = Some(Popup::Return {
                                    checked,
                                    cursor,
                                    other: other.clone(),
                                    error: None,
                                });
                                self.outbox.push(Request::ReviewDecide {
                                    order_no,
                                    action: Action::Reject,
                                    body: ActionRequest {
                                        version,
                                        reasons,
                                        ..Default::default()
                                    },
                                });
                                return true;
                            }
                        }
                    }
                    _ if on_other => {
                        other.key(key);
                        if other.text().chars().count() > MAX_REASON_CHARS {
                            let cut: String = other.text().chars().take(MAX_REASON_CHARS).collect();
                            other = Input::new(&cut);
                            error =
                                Some(T::ReasonTooLong.fill(lang, &[&MAX_REASON_CHARS.to_string()]));
                        }
                        checked[REASONS.len() - 1] = !other.text().trim().is_empty();
                    }
                    _ => {}
                }
                screen.popup = Some(Popup::Return {
                    checked,
                    cursor,
                    other,
                    error,
                });
            }
            Popup::Save { mut input, error } => match key.code {
                KeyCode::Esc => {}
                KeyCode::Enter => {
                    let path = input.text().trim().to_owned();
                    if let (Some(attachment), false) = (screen.current(), path.is_empty()) {
                        self.outbox.push(Request::SaveAttachment {
                            id: attachment.id.clone(),
                            path: expand_home(&path),
                        });
                    }
                }
                KeyCode::Tab => {
                    let done = crate::tui::widgets::path::complete(&input.text());
                    input = Input::new(&done.text);
                    screen.popup = Some(Popup::Save { input, error });
                }
                _ => {
                    input.key(key);
                    screen.popup = Some(Popup::Save { input, error: None });
                }
            },
        }
        true
    }

    /// An answer from the platform. Returns true when the screen changed.
    pub fn on_msg(
        &mut self,
        msg: Msg,
        now: OffsetDateTime,
        lang: Lang,
        describe: &dyn Fn(&ClientError) -> String,
    ) -> bool {
        match msg {
            Msg::ReviewQueue(result) => {
                self.loading = false;
                match result {
                    Ok(queue) => {
                        self.promise_days = queue.promise_working_days;
                        let selected = self
                            .items
                            .get(self.selected)
                            .map(|i| i.order.order_no.clone());
                        self.items = queue.items;
                        self.loaded = true;
                        self.error = None;
                        // The selection stays on the same order when the queue moves.
                        self.selected = selected
                            .and_then(|no| self.items.iter().position(|i| i.order.order_no == no))
                            .unwrap_or(self.selected)
                            .min(self.items.len().saturating_sub(1));
                    }
                    Err(e) => self.error = Some(describe(&e)),
                }
                if std::mem::take(&mut self.again) {
                    self.refresh(now);
                }
            }
            Msg::ReviewOpened {
                order_no,
                claim,
                order,
            } => {
                let Some(screen) = self.screen.as_mut().filter(|s| s.order_no == order_no) else {
                    // Left meanwhile: give back a claim that arrived too late.
                    if claim.as_ref().is_some_and(Result::is_ok) {
                        self.outbox.push(Request::ReviewRelease { order_no });
                    }
                    return false;
                };
                match claim {
                    Some(Ok(claim)) => {
                        if let Some(until) = crate::tui::format::parse_time(&claim.expires_at) {
                            screen.lease_seconds = (until - now).whole_seconds().max(10);
                        }
                        screen.hold = Hold::Held(claim.expires_at);
                        screen.renewed = now;
                    }
                    Some(Err(e)) => screen.hold = Hold::Refused(describe(&e)),
                    // A reload: the hold stands unless the order says otherwise.
                    None => {}
                }
                match order {
                    Ok((order, history)) => {
                        if screen.held() {
                            if order.status != crate::domain::OrderStatus::PendingReview {
                                screen.hold = Hold::Watching;
                            } else if let Some(other) = order
                                .claim
                                .as_ref()
                                .filter(|c| c.by.id.as_deref() != self.me.as_deref())
                            {
                                screen.hold =
                                    Hold::Refused(T::ClaimTakenBy.fill(lang, &[&other.by.name]));
                            }
                            if !screen.held() {
                                // Whatever was being decided cannot be now.
                                screen.popup = None;
                            }
                        }
                        let same = screen.order.as_ref().map(|o| o.attachments.len())
                            == Some(order.attachments.len());
                        screen.order = Some(order);
                        screen.history = history;
                        if !same {
                            show_attachment(screen);
                        }
                    }
                    Err(e) => self.notice = Some(Notice::Error(describe(&e))),
                }
            }
            Msg::ReviewRenewed { order_no, result } => {
                let Some(screen) = self.screen.as_mut().filter(|s| s.order_no == order_no) else {
                    if result.is_ok() {
                        self.outbox.push(Request::ReviewRelease { order_no });
                    }
                    return false;
                };
                match result {
                    Ok(claim) => {
                        screen.hold = Hold::Held(claim.expires_at);
                        screen.renewed = now;
                    }
                    // Only the platform saying no loses the claim; a network blip is tried
                    // again soon.
                    Err(e) if e.problem().is_some() => {
                        screen.hold = Hold::Refused(describe(&e));
                        screen.popup = None;
                    }
                    Err(_) => {
                        screen.renewed =
                            now - time::Duration::seconds(RENEW_SECONDS - RETRY_SECONDS);
                        screen.active = true;
                    }
                }
            }
            Msg::Preview {
                id,
                width,
                height,
                result,
            } => {
                let Some(screen) = &mut self.screen else {
                    return false;
                };
                if screen.current().map(|a| a.id.as_str()) != Some(id.as_str()) {
                    screen.fetching = false;
                    return true;
                }
                screen.fetching = false;
                match result {
                    Ok(image) => {
                        screen.picture = Some(Picture {
                            attachment_id: id,
                            image,
                            asked: (width, height),
                        });
                    }
                    Err(Some(e)) => screen.picture_note = Some(describe(&e)),
                    Err(None) => {
                        screen.picture_note = Some(T::ProblemUnreadableImage.get(lang).to_owned())
                    }
                }
            }
            Msg::Saved { result } => {
                let Some(screen) = &mut self.screen else {
                    return false;
                };
                let result = result.map_err(|e| match e {
                    SaveError::Io(path, kind) => crate::tui::newapp::file_problem(
                        &crate::tui::net::ScanProblem::Io(kind),
                        &path,
                        lang,
                    ),
                    SaveError::Api(e) => describe(&e),
                });
                match result {
                    Ok(path) => {
                        screen.popup = None;
                        self.notice = Some(Notice::Info(
                            T::AttachmentSaved.fill(lang, &[&path.display().to_string()]),
                        ));
                    }
                    Err(message) => {
                        let input = match screen.popup.take() {
                            Some(Popup::Save { input, .. }) => input,
                            _ => Input::new(""),
                        };
                        screen.popup = Some(Popup::Save {
                            input,
                            error: Some(message),
                        });
                    }
                }
            }
            Msg::ReviewDecided {
                order_no,
                action,
                result,
            } => {
                let Some(screen) = self.screen.as_mut().filter(|s| s.order_no == order_no) else {
                    return false;
                };
                screen.deciding = false;
                match result {
                    Ok(order) => {
                        let done = if action == Action::Approve {
                            T::ReviewApproved
                        } else {
                            T::ReviewReturned
                        };
                        // The claim ended with the decision: nothing to give back.
                        screen.hold = Hold::Watching;
                        screen.order = Some(order);
                        self.items.retain(|i| i.order.order_no != order_no);
                        self.selected = self.selected.min(self.items.len().saturating_sub(1));
                        self.next(now, lang);
                        let more = std::mem::take(&mut self.notice)
                            .map(|n| match n {
                                Notice::Info(t) | Notice::Error(t) => format!(" {t}"),
                            })
                            .unwrap_or_default();
                        self.notice = Some(Notice::Info(format!(
                            "{}{more}",
                            done.fill(lang, &[&order_no])
                        )));
                        self.refresh(now);
                    }
                    Err(e) => {
                        let message = describe(&e);
                        match e.problem() {
                            Some(problem) if problem.status == 409 => {
                                if problem.code == "claimed_by_other" {
                                    screen.hold = Hold::Refused(problem.detail.clone());
                                }
                                // Where the order stands now.
                                self.outbox.push(Request::ReviewOpen {
                                    order_no: order_no.clone(),
                                    claim: false,
                                });
                            }
                            Some(problem) if problem.status == 422 && action == Action::Reject => {
                                // Bad reasons: back to the checklist with what was typed.
                                screen.popup = screen.last_return.take().map(|mut p| {
                                    if let Popup::Return { error, .. } = &mut p {
                                        *error = Some(message.clone());
                                    }
                                    p
                                });
                            }
                            _ => {}
                        }
                        self.notice = Some(Notice::Error(message));
                    }
                }
            }
            _ => return false,
        }
        true
    }

    /// An order changed somewhere: the queue follows.
    pub fn order_event(&mut self, order_no: &str, now: OffsetDateTime, shown: bool) {
        if shown {
            self.refresh(now);
        } else {
            // Fetched when the tab is next shown.
            self.fetched = None;
        }
        if let Some(screen) = &self.screen
            && screen.order_no == order_no
            && !screen.deciding
        {
            self.outbox.push(Request::ReviewOpen {
                order_no: order_no.to_owned(),
                claim: false,
            });
        }
    }
}

/// May the operator take `action` on the open order now (as the platform says)?
fn may(screen: &Screen, action: Action) -> bool {
    screen
        .order
        .as_ref()
        .is_some_and(|o| o.allowed_actions.contains(&action))
}

/// Shows the attachment at `screen.attachment` (fetched after the next frame).
/// A PDF is asked for like an image: the platform answers with its page count.
fn show_attachment(screen: &mut Screen) {
    screen.zoom = 1;
    screen.centre = (0.5, 0.5);
    screen.picture_note = None;
    screen.fetching = false;
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
