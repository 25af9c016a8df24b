//! What the frame itself asks the platform: who the operator is, how many orders wait in
//! each status (the tab bar's counts, then kept by the events: `counts.rs`), the platform's facts (upload limit, QR payment,
//! where phones reach it) and its carriers (names for carrier codes everywhere).

use futures_util::future::BoxFuture;

use super::{App, Conn};
use crate::api::{Carrier, ClientError, Counts, Health, Me};
use crate::tui::net::{Erased, Job, Net, Route};
use crate::tui::text::{Notice, describe};

/// A request of the frame.
#[derive(Debug, Clone, PartialEq)]
pub enum FrameRequest {
    /// Who am I.
    Me,
    /// Orders per status.
    Counts,
    /// The platform's facts.
    Health,
    /// The carriers on offer.
    Carriers,
}

/// Its answer.
#[derive(Debug)]
pub enum FrameAnswer {
    /// Answer to [`FrameRequest::Me`].
    Me(Result<Me, ClientError>),
    /// Answer to [`FrameRequest::Counts`].
    Counts(Result<Counts, ClientError>),
    /// Answer to [`FrameRequest::Health`].
    Health(Result<Health, ClientError>),
    /// Answer to [`FrameRequest::Carriers`].
    Carriers(Result<Vec<Carrier>, ClientError>),
}

/// The frame's request as a job.
pub fn job(request: FrameRequest) -> Job {
    Job::new(Route::Frame, request, run)
}

fn run(request: Erased, net: &Net) -> Option<BoxFuture<'static, Erased>> {
    let request = *request.downcast::<FrameRequest>().ok()?;
    let client = net.client.clone();
    Some(Box::pin(async move {
        let answer = match request {
            FrameRequest::Me => FrameAnswer::Me(client.me().await),
            FrameRequest::Counts => FrameAnswer::Counts(client.counts().await),
            FrameRequest::Health => FrameAnswer::Health(client.health().await),
            FrameRequest::Carriers => {
                FrameAnswer::Carriers(client.mailing_queue().await.map(|q| q.carriers))
            }
        };
        Box::new(answer) as Erased
    }))
}

impl App {
    /// An answer to one of the frame's requests.
    pub fn frame_answer(&mut self, answer: FrameAnswer) {
        match answer {
            FrameAnswer::Me(Ok(me)) => {
                self.shared.me = Some(me);
                // Answered: "the database is unavailable" said by an earlier ask is over.
                crate::tui::text::forget_offline(&mut self.notice);
                self.go_home();
            }
            FrameAnswer::Me(Err(e)) => self.notice = Some(Notice::error(describe(&e, self.lang))),
            FrameAnswer::Counts(result) => {
                if result.is_ok() {
                    crate::tui::text::forget_offline(&mut self.notice);
                }
                if self.counts.answer(result.ok()) {
                    self.frame_ask(FrameRequest::Counts);
                }
            }
            FrameAnswer::Health(Ok(health)) => {
                self.shared.platform = Some(health);
                // What depends on it (the addresses in QR codes) follows.
                self.broadcast(&crate::tui::component::Live::Platform);
            }
            FrameAnswer::Health(Err(_)) | FrameAnswer::Carriers(Err(_)) => {
                // Asked again when the link comes back; the defaults stand meanwhile.
                if self.conn == Conn::Online {
                    tracing::info!("the platform's facts are not known yet");
                }
            }
            FrameAnswer::Carriers(Ok(carriers)) => self.shared.carriers = carriers,
        }
    }
}
