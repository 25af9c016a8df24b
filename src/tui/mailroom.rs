//! The 邮寄 tab: orders in 待邮寄 (oldest payment first, against the promise), shipped one
//! after another by typing or scanning tracking numbers. A barcode scanner types the
//! number and Enter: scan, next order, scan. Ticked orders make a batch with one carrier;
//! with none ticked, the batch runs down the list from the selected order. The mailing
//! list and labels of the ticked (or selected) orders print as one PDF.

use std::cell::Cell;

use crossterm::event::{KeyCode, KeyEvent};
use time::OffsetDateTime;

use crate::api::{ActionRequest, Carrier, ClientError, MailingItem, Order};
use crate::domain::TrackingNo;
use crate::i18n::{Lang, T};
use crate::tui::app::Notice;
use crate::tui::net::{Msg, Request};
use crate::tui::widgets::input::Input;

/// How often the queue is fetched again while shown (ages move with the clock).
const REFRESH_SECONDS: i64 = 60;

/// What the mailroom can ask for in the 邮寄 tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailCmd {
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
    /// The mailing list and labels of the ticked (or selected) orders.
    Labels,
}

/// Shipping one order after another.
#[derive(Debug, Clone)]
pub struct Scan {
    /// The orders, in the order they are shipped (as listed when the batch started).
    pub batch: Vec<MailingItem>,
    /// The one whose number is awaited.
    pub at: usize,
    /// The number typed or scanned.
    pub input: Input,
    /// Why the last number was refused (the field is cleared for the next scan).
    pub error: Option<String>,
    /// The number on its way to the platform.
    pub sending: Option<String>,
    /// Numbers entered while the last was still on its way, oldest first: each goes as
    /// soon as the one before is through (a scanner does not wait).
    pub waiting: Vec<String>,
    /// Shipped in this batch: order and number.
    pub done: Vec<(String, String)>,
    /// Skipped in this batch.
    pub skipped: Vec<String>,
}

impl Scan {
    /// The order whose number is awaited.
    pub fn current(&self) -> Option<&MailingItem> {
        self.batch.get(self.at)
    }

    /// All done (or skipped).
    pub fn finished(&self) -> bool {
        self.at >= self.batch.len()
    }
}

/// The tab's state.
#[derive(Debug, Default)]
pub struct MailRoom {
    /// Orders waiting, oldest payment first.
    pub items: Vec<MailingItem>,
    /// The carriers on offer.
    pub carriers: Vec<Carrier>,
    /// The carrier chosen, by index.
    pub carrier: usize,
    /// The selected row.
    pub selected: usize,
    /// Ticked orders.
    pub ticked: Vec<String>,
    /// First row shown.
    pub offset: Cell<usize>,
    /// Rows that fit.
    pub viewport: Cell<usize>,
    /// The promise in working days.
    pub promise_days: i64,
    /// Fetched at least once.
    pub loaded: bool,
    loading: bool,
    again: bool,
    fetched: Option<OffsetDateTime>,
    /// Why the queue could not be fetched.
    pub error: Option<String>,
    /// The last outcome to show.
    pub notice: Option<Notice>,
    /// Scanning, when it is.
    pub scan: Option<Scan>,
    /// The operator may ship.
    pub may_ship: bool,
    /// Requests for the network.
    pub outbox: Vec<Request>,
}

impl MailRoom {
    /// Asks for the queue (once at a time; again after if asked meanwhile).
    pub fn refresh(&mut self, now: OffsetDateTime) {
        if self.loading {
            self.again = true;
            return;
        }
        self.loading = true;
        self.fetched = Some(now);
        self.outbox.push(Request::MailingQueue);
    }

    /// Every second while the tab is shown: the ages.
    pub fn tick(&mut self, now: OffsetDateTime) {
        if self
            .fetched
            .is_none_or(|t| (now - t).whole_seconds() >= REFRESH_SECONDS)
        {
            self.refresh(now);
        }
    }

    /// An order changed somewhere.
    pub fn order_event(&mut self, now: OffsetDateTime, shown: bool) {
        if shown {
            self.refresh(now);
        } else {
            self.fetched = None;
        }
    }

    /// The carrier chosen.
    pub fn chosen_carrier(&self) -> Option<&Carrier> {
        self.carriers.get(self.carrier)
    }

    /// Scanning (letters and digits type into the number field).
    pub fn typing(&self) -> bool {
        self.scan.is_some()
    }

    /// Moves the selection.
    pub fn move_by(&mut self, delta: isize) {
        if self.items.is_empty() || self.scan.is_some() {
            return;
        }
        let last = self.items.len() as isize - 1;
        self.selected = (self.selected as isize)
            .saturating_add(delta)
            .clamp(0, last) as usize;
    }

    /// Carries out a command.
    pub fn command(&mut self, cmd: MailCmd, lang: Lang) {
        self.notice = None;
        match cmd {
            MailCmd::Toggle => {
                if let Some(item) = self.items.get(self.selected) {
                    let no = item.order.order_no.clone();
                    if let Some(i) = self.ticked.iter().position(|t| *t == no) {
                        self.ticked.remove(i);
                    } else {
                        self.ticked.push(no);
                    }
                    self.move_by(1);
                }
            }
            MailCmd::ToggleAll => {
                if self.ticked.len() == self.items.len() {
                    self.ticked.clear();
                } else {
                    self.ticked = self
                        .items
                        .iter()
                        .map(|i| i.order.order_no.clone())
                        .collect();
                }
            }
            MailCmd::NextCarrier => {
                if !self.carriers.is_empty() {
                    self.carrier = (self.carrier + 1) % self.carriers.len();
                }
            }
            MailCmd::Start => self.start(lang),
            MailCmd::Stop => {
                if let Some(scan) = &self.scan
                    && scan.sending.is_some()
                {
                    // Its answer says whether it went; stop after that.
                    self.notice = Some(Notice::Error(T::MailWaitForAnswer.get(lang).to_owned()));
                    return;
                }
                if let Some(scan) = self.scan.take() {
                    self.notice = Some(Notice::Info(T::MailBatchSummary.fill(
                        lang,
                        &[
                            &scan.done.len().to_string(),
                            &scan.skipped.len().to_string(),
                        ],
                    )));
                    self.ticked.clear();
                }
            }
            MailCmd::Skip => {
                if let Some(scan) = &mut self.scan
                    && scan.sending.is_none()
                    && let Some(item) = scan.current()
                {
                    scan.skipped.push(item.order.order_no.clone());
                    scan.at += 1;
                    scan.error = None;
                    scan.input = Input::new("");
                    if scan.finished() {
                        self.command(MailCmd::Stop, lang);
                    }
                }
            }
            MailCmd::Labels => {
                let order_nos = self.label_orders();
                if order_nos.is_empty() {
                    return;
                }
                self.notice = Some(Notice::Info(T::PrintingNow.get(lang).to_owned()));
                self.outbox.push(Request::PrintLabels { order_nos });
            }
        }
    }

    /// The orders whose labels print: the batch being scanned, the ticked ones, or the
    /// selected one.
    fn label_orders(&self) -> Vec<String> {
        if let Some(scan) = &self.scan {
            return scan
                .batch
                .iter()
                .map(|i| i.order.order_no.clone())
                .collect();
        }
        let ticked: Vec<String> = self
            .items
            .iter()
            .filter(|i| self.ticked.contains(&i.order.order_no))
            .map(|i| i.order.order_no.clone())
            .collect();
        if !ticked.is_empty() {
            return ticked;
        }
        self.items
            .get(self.selected)
            .map(|i| vec![i.order.order_no.clone()])
            .unwrap_or_default()
    }

    fn start(&mut self, lang: Lang) {
        if !self.may_ship || self.items.is_empty() {
            return;
        }
        if self.chosen_carrier().is_none() {
            self.notice = Some(Notice::Error(T::MailNoCarrier.get(lang).to_owned()));
            return;
        }
        let ticked: Vec<MailingItem> = self
            .items
            .iter()
            .filter(|i| self.ticked.contains(&i.order.order_no))
            .cloned()
            .collect();
        let batch = if ticked.is_empty() {
            self.items[self.selected.min(self.items.len() - 1)..].to_vec()
        } else {
            ticked
        };
        self.scan = Some(Scan {
            batch,
            at: 0,
            input: Input::new(""),
            error: None,
            sending: None,
            waiting: Vec::new(),
            done: Vec::new(),
            skipped: Vec::new(),
        });
    }

    /// A key while scanning: it types into the number field; Enter ships.
    pub fn key(&mut self, key: KeyEvent, lang: Lang) {
        let Some(scan) = &mut self.scan else {
            return;
        };
        match key.code {
            KeyCode::Enter => self.submit(lang),
            KeyCode::Down => self.command(MailCmd::Skip, lang),
            _ => {
                if scan.input.key(key) {
                    scan.error = None;
                }
            }
        }
    }

    /// Pasted text goes into the number field.
    pub fn paste(&mut self, text: &str) {
        if let Some(scan) = &mut self.scan {
            scan.input.paste(text.trim());
        }
    }

    fn submit(&mut self, lang: Lang) {
        let carrier = self.chosen_carrier().cloned();
        let Some(scan) = &mut self.scan else {
            return;
        };
        if scan.sending.is_some() {
            let typed = scan.input.text();
            if !typed.trim().is_empty() {
                scan.waiting.push(typed);
                scan.input = Input::new("");
            }
            return;
        }
        let Some(item) = scan.current().cloned() else {
            return;
        };
        let Some(carrier) = carrier else {
            return;
        };
        let typed = scan.input.text();
        // A scanner that reads nothing sends a bare Enter: nothing to do.
        if typed.trim().is_empty() {
            return;
        }
        // Checked here first, then again on the platform.
        let number = match TrackingNo::parse(carrier.format, &carrier.name, &typed) {
            Ok(number) => number.as_str().to_owned(),
            Err(e) => {
                scan.error = Some(format!("{} — {}", typed.trim(), e.render(lang)));
                scan.input = Input::new("");
                return;
            }
        };
        if let Some((other, _)) = scan.done.iter().find(|(_, n)| *n == number) {
            scan.error = Some(T::ErrTrackingNoUsed.fill(lang, &[&number, other]));
            scan.input = Input::new("");
            return;
        }
        // The field is free at once for the next parcel's number.
        scan.input = Input::new("");
        scan.error = None;
        scan.sending = Some(number.clone());
        self.outbox.push(Request::Ship {
            order_no: item.order.order_no.clone(),
            body: ActionRequest {
                version: Some(item.order.version),
                carrier: Some(carrier.code.clone()),
                tracking_no: Some(number),
                ..ActionRequest::default()
            },
        });
    }

    /// Answers from the platform.
    pub fn on_msg(
        &mut self,
        msg: Msg,
        now: OffsetDateTime,
        lang: Lang,
        describe: &dyn Fn(&ClientError) -> String,
    ) {
        match msg {
            Msg::MailingQueue(result) => {
                self.loading = false;
                match result {
                    Ok(queue) => {
                        let selected = self
                            .items
                            .get(self.selected)
                            .map(|i| i.order.order_no.clone());
                        let carrier = self.chosen_carrier().map(|c| c.code.clone());
                        self.items = queue.items;
                        self.carriers = queue.carriers;
                        self.carrier = carrier
                            .and_then(|code| self.carriers.iter().position(|c| c.code == code))
                            .unwrap_or(0);
                        self.promise_days = queue.promise_working_days;
                        self.loaded = true;
                        self.error = None;
                        self.selected = selected
                            .and_then(|no| self.items.iter().position(|i| i.order.order_no == no))
                            .unwrap_or(self.selected)
                            .min(self.items.len().saturating_sub(1));
                        let waiting: Vec<&str> = self
                            .items
                            .iter()
                            .map(|i| i.order.order_no.as_str())
                            .collect();
                        self.ticked.retain(|t| waiting.contains(&t.as_str()));
                    }
                    Err(e) => self.error = Some(describe(&e)),
                }
                if std::mem::take(&mut self.again) {
                    self.refresh(now);
                }
            }
            Msg::Shipped { order_no, result } => self.shipped(&order_no, result, lang, describe),
            _ => {}
        }
    }

    fn shipped(
        &mut self,
        order_no: &str,
        result: Result<Order, ClientError>,
        lang: Lang,
        describe: &dyn Fn(&ClientError) -> String,
    ) {
        let Some(scan) = &mut self.scan else {
            return;
        };
        let Some(number) = scan.sending.take() else {
            return;
        };
        if scan.current().map(|i| i.order.order_no.as_str()) != Some(order_no) {
            return;
        }
        let send_next;
        match result {
            Ok(order) => {
                let carrier = order
                    .shipment
                    .as_ref()
                    .map(|s| s.carrier.clone())
                    .unwrap_or_default();
                let name = self
                    .carriers
                    .iter()
                    .find(|c| c.code == carrier)
                    .map_or(carrier, |c| c.name.clone());
                scan.done.push((order_no.to_owned(), number.clone()));
                scan.at += 1;
                scan.error = None;

                self.notice = Some(Notice::Info(
                    T::MailShipped.fill(lang, &[order_no, &name, &number]),
                ));
                self.ticked.retain(|t| t != order_no);
                // What was scanned meanwhile is for the next order.
                send_next = !scan.waiting.is_empty() && !scan.finished();
                if send_next {
                    let next = scan.waiting.remove(0);
                    scan.input = Input::new(&next);
                }
                if scan.finished() {
                    let (done, skipped) = (scan.done.len(), scan.skipped.len());
                    let unused = std::mem::take(&mut scan.waiting);
                    self.scan = None;
                    let summary = format!(
                        "{} {}",
                        T::MailShipped.fill(lang, &[order_no, &name, &number]),
                        T::MailBatchSummary.fill(lang, &[&done.to_string(), &skipped.to_string()])
                    );
                    self.notice = Some(if unused.is_empty() {
                        Notice::Info(summary)
                    } else {
                        // More numbers than orders: say which were not used.
                        Notice::Error(format!(
                            "{summary} {}",
                            T::MailUnused.fill(lang, &[&unused.join(" ")])
                        ))
                    });
                }
            }
            Err(e) => {
                scan.error = Some(format!("{number} — {}", field_error(&e, describe)));
                // Numbers scanned meanwhile are not sent: this order still needs its
                // number, and the clerk decides. The first is put in the field.
                if !scan.waiting.is_empty() && scan.input.is_blank() {
                    let next = scan.waiting.remove(0);
                    scan.input = Input::new(&next);
                }
                return;
            }
        }
        if send_next {
            self.submit(lang);
        }
    }
}

/// The message for the tracking number when the platform names that field, else the
/// whole problem.
fn field_error(error: &ClientError, describe: &dyn Fn(&ClientError) -> String) -> String {
    if let ClientError::Problem(problem) = error
        && let Some(field) = problem
            .errors
            .iter()
            .find(|e| e.field == "tracking_no" || e.field == "carrier")
    {
        return field.message.clone();
    }
    describe(error)
}
