//! The 待办订单 list: paging, selection that follows its order, live patches.

use crate::api::{ClientError, OrderQuery, OrderSummary};

use super::{App, Detail, OrderList, PAGE};
use crate::domain::OrderStatus;
use crate::tui::keys::Tab;
use crate::tui::net::Request;

impl OrderList {
    pub(super) fn selected_no(&self) -> Option<String> {
        self.rows.get(self.selected).map(|r| r.order_no.clone())
    }

    pub(super) fn reselect(&mut self, order_no: Option<String>) {
        if let Some(no) = order_no
            && let Some(i) = self.rows.iter().position(|r| r.order_no == no)
        {
            self.selected = i;
        }
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
    }

    /// True when a row in `status` belongs in the list as filtered.
    pub(super) fn admits(&self, status: OrderStatus) -> bool {
        self.status.is_none_or(|s| s == status)
    }

    /// The query for a page after `cursor`.
    pub fn query(&self, cursor: Option<String>) -> OrderQuery {
        OrderQuery {
            status: self.status.map(|s| s.as_str().to_owned()),
            q: Some(self.query.trim().to_owned()).filter(|q| !q.is_empty()),
            sort: Some(
                if self.oldest_first {
                    "oldest"
                } else {
                    "newest"
                }
                .into(),
            ),
            cursor,
            limit: Some(PAGE),
            ..Default::default()
        }
    }
}

impl App {
    pub(super) fn page_rows(&self) -> usize {
        if self.tab == Tab::Review {
            return self.review.viewport.get().max(1);
        }
        self.list.viewport.get().max(1)
    }

    pub(super) fn move_by(&mut self, delta: isize) {
        if self.tab == Tab::Review {
            self.review.move_by(delta);
            return;
        }
        if self.tab == Tab::Mail {
            self.mail.move_by(delta);
            return;
        }
        if self.tab == Tab::Invoice {
            self.finance.move_by(delta);
            return;
        }
        if self.tab != Tab::Pending {
            return;
        }
        if let Some(detail) = &mut self.detail {
            let step = delta.clamp(-1000, 1000);
            detail.scroll = (i64::from(detail.scroll) + step as i64).clamp(0, 10_000) as u16;
            return;
        }
        if self.list.rows.is_empty() {
            return;
        }
        let last = self.list.rows.len() as isize - 1;
        self.list.selected = (self.list.selected as isize)
            .saturating_add(delta)
            .clamp(0, last) as usize;
        self.maybe_load_more();
    }

    /// Fetches the next page when the selection nears the end of what is loaded.
    pub(super) fn maybe_load_more(&mut self) {
        let near_end = self.list.selected + self.page_rows() + 10 >= self.list.rows.len();
        if near_end && !self.list.loading && self.list.next_cursor.is_some() {
            self.list.loading = true;
            self.outbox.push(Request::Orders {
                seq: self.list.seq,
                query: self.list.query(self.list.next_cursor.clone()),
                append: true,
            });
        }
    }

    pub(super) fn reload_list(&mut self) {
        self.list.seq += 1;
        self.list.loading = true;
        self.list.next_cursor = None;
        self.outbox.push(Request::Orders {
            seq: self.list.seq,
            query: self.list.query(None),
            append: false,
        });
    }

    pub(super) fn request_counts(&mut self) {
        if self.counts_in_flight {
            self.counts_again = true;
        } else {
            self.counts_in_flight = true;
            self.outbox.push(Request::Counts);
        }
    }

    /// Opens an order by number, whether or not it is in the list.
    pub fn open(&mut self, order_no: &str) {
        self.tab = Tab::Pending;
        self.detail = Some(Detail {
            order_no: order_no.to_owned(),
            loading: true,
            ..Default::default()
        });
        self.outbox.push(Request::Detail {
            order_no: order_no.to_owned(),
            reveal: false,
        });
    }

    /// Brings one list row up to date after an event: replaced, removed when it no longer
    /// matches the filter, or added when new and it belongs in what is loaded.
    pub(super) fn patch_row(
        &mut self,
        order_no: &str,
        result: Result<Option<OrderSummary>, ClientError>,
    ) {
        let Ok(row) = result else { return };
        let keep = self.list.selected_no();
        let position = self.list.rows.iter().position(|r| r.order_no == order_no);
        match (position, row) {
            (Some(i), Some(row)) if self.list.admits(row.status) => self.list.rows[i] = row,
            (Some(i), _) => {
                self.list.rows.remove(i);
            }
            (None, Some(row))
                if self.list.admits(row.status)
                    && self.list.query.is_empty()
                    && self.list.loaded =>
            {
                let oldest = self.list.oldest_first;
                let before = |other: &OrderSummary| {
                    if oldest {
                        other.order_no < row.order_no
                    } else {
                        other.order_no > row.order_no
                    }
                };
                let at = self.list.rows.iter().take_while(|r| before(r)).count();
                // Past the loaded rows it will come with the next page.
                if at < self.list.rows.len() || self.list.next_cursor.is_none() {
                    self.list.rows.insert(at, row);
                }
            }
            _ => {}
        }
        self.list.reselect(keep);
    }
}
