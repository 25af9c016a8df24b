//! The tab bar's per-status counts, kept exact without asking the platform on every event:
//! fetched once (at start, after a reconnect, on Ctrl-R) with the newest event they
//! include, then moved by each later order event (`OrderEvent::count_move`).
//!
//! An event may arrive while the counts are being fetched, before or after the platform
//! read them: it is applied at once (the tab bar stays live) and remembered; when the
//! answer comes, the remembered events newer than the answer are applied to it again.
//! Events the answer already includes are never applied twice.

use crate::api::{Counts, OrderEvent};
use crate::domain::OrderStatus;

/// Orders per status, and how they stand against the event stream.
#[derive(Debug, Default)]
pub struct StatusCounts {
    values: Option<[i64; 8]>,
    /// The newest event the values include.
    as_of: i64,
    /// A fetch is on its way.
    in_flight: bool,
    /// Another fetch was asked for meanwhile.
    again: bool,
    /// Moves applied while a fetch was on its way: (event id, from, to).
    meanwhile: Vec<(i64, Option<OrderStatus>, OrderStatus)>,
}

impl StatusCounts {
    /// How many orders are in `status`, when known.
    pub fn get(&self, status: OrderStatus) -> Option<i64> {
        self.values.map(|values| values[index(status)])
    }

    /// A fetch is wanted: true when it should be sent now (else it follows the one on its
    /// way).
    pub fn ask(&mut self) -> bool {
        if self.in_flight {
            self.again = true;
            false
        } else {
            self.in_flight = true;
            self.meanwhile.clear();
            true
        }
    }

    /// An order event: moves one order between statuses when it says so.
    pub fn event(&mut self, event: &OrderEvent) {
        let Some((from, to)) = event.count_move() else {
            return;
        };
        if self.in_flight {
            self.meanwhile.push((event.id, from, to));
        }
        if event.id > self.as_of {
            self.apply(from, to);
        }
    }

    /// The fetch's answer (`None`: it failed, the counts stand as they are). Returns true
    /// when another fetch should be sent now.
    pub fn answer(&mut self, answer: Option<Counts>) -> bool {
        self.in_flight = false;
        let meanwhile = std::mem::take(&mut self.meanwhile);
        if let Some(answer) = answer {
            let mut values = [0i64; 8];
            for c in &answer.counts {
                values[index(c.status)] = c.count;
            }
            self.values = Some(values);
            match answer.as_of {
                Some(as_of) => {
                    self.as_of = as_of;
                    for (id, from, to) in meanwhile {
                        if id > as_of {
                            self.apply(from, to);
                        }
                    }
                }
                // A platform that does not say: every later event counts.
                None => self.as_of = 0,
            }
        }
        std::mem::take(&mut self.again) && self.ask()
    }

    fn apply(&mut self, from: Option<OrderStatus>, to: OrderStatus) {
        if let Some(values) = &mut self.values {
            if let Some(from) = from {
                values[index(from)] -= 1;
            }
            values[index(to)] += 1;
        }
    }
}

fn index(status: OrderStatus) -> usize {
    OrderStatus::ALL
        .iter()
        .position(|s| *s == status)
        .unwrap_or_default()
}
