//! Talking to the platform without blocking the screen: every request runs as a task and
//! comes back as a [`Msg`] for whoever asked; side effects that must keep their order
//! (drafts written to disk) go through one lane in turn; one task keeps the live event
//! stream open ([`events`]). What each request does lives with the tab that asks it.

pub mod events;
mod job;

use std::path::PathBuf;
use std::time::Duration;

use futures_util::future::BoxFuture;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use crate::api::{Client, OrderEvent, RealnameEvent};
use crate::config::PrintConfig;
pub use job::{Erased, Job, Route, Runner, requests};

/// What comes back from the network side.
#[derive(Debug)]
pub enum Msg {
    /// The answer to a request, for whoever asked it.
    Answer {
        /// Who asked.
        to: Route,
        /// The answer (of the asker's own type).
        answer: Erased,
    },
    /// The event stream is connected and the platform answers.
    Online,
    /// The event stream dropped or went silent; retrying.
    Reconnecting {
        /// Attempt number, from 1.
        attempt: u32,
        /// Why.
        reason: String,
    },
    /// The platform refuses this operator's token (revoked, or the operator disabled);
    /// still asked now and then, in case an administrator restores it.
    Refused,
    /// An order changed.
    Event(OrderEvent),
    /// A real-name verification changed.
    RealnameEvent(RealnameEvent),
}

/// What the network tasks need: the client, where answers go, where drafts and prints
/// are kept, how to print, and the lane for ordered writes.
#[derive(Clone)]
pub struct Net {
    /// The platform client.
    pub client: Client,
    /// Answers.
    pub tx: UnboundedSender<Msg>,
    /// The data directory (prints, saved files).
    pub data_dir: PathBuf,
    /// This platform's drafts (`newapp::draft::dir`; by default the data directory's
    /// `drafts/`).
    pub drafts: PathBuf,
    /// Printer settings.
    pub print: PrintConfig,
    /// How a file the clerk picks is checked before it is sent (a PDF in a process of its
    /// own, as the platform checks it).
    pub checks: crate::config::UploadCheckConfig,
    lane: UnboundedSender<Lane>,
}

enum Lane {
    Work(BoxFuture<'static, ()>),
    Flush(tokio::sync::oneshot::Sender<()>),
}

impl Net {
    /// Sets up the network side, with the task that runs ordered work in turn.
    pub fn new(
        client: Client,
        tx: UnboundedSender<Msg>,
        data_dir: PathBuf,
        print: PrintConfig,
        checks: crate::config::UploadCheckConfig,
    ) -> Net {
        let (lane, mut queue) = unbounded_channel::<Lane>();
        tokio::spawn(async move {
            while let Some(item) = queue.recv().await {
                match item {
                    Lane::Work(work) => work.await,
                    Lane::Flush(done) => {
                        let _ = done.send(());
                    }
                }
            }
        });
        Net {
            client,
            tx,
            drafts: data_dir.join("drafts"),
            data_dir,
            print,
            checks,
            lane,
        }
    }

    /// Runs `work` after everything queued before it (a later draft save must never be
    /// overtaken by an earlier one).
    pub fn in_turn(&self, work: BoxFuture<'static, ()>) {
        let _ = self.lane.send(Lane::Work(work));
    }

    /// Waits (at most 5 s) until every piece of ordered work queued so far is done.
    pub async fn flush(&self) {
        let (done, wait) = tokio::sync::oneshot::channel();
        let _ = self.lane.send(Lane::Flush(done));
        let _ = tokio::time::timeout(Duration::from_secs(5), wait).await;
    }
}

/// Starts `job`; its answer arrives on the channel as [`Msg::Answer`].
pub fn spawn(net: &Net, job: Job) {
    if let Some((to, future)) = job.start(net) {
        let tx = net.tx.clone();
        tokio::spawn(async move {
            let answer = future.await;
            let _ = tx.send(Msg::Answer { to, answer });
        });
    }
}

/// Runs `jobs` and waits for them (at most `limit`): the last requests before quitting.
pub async fn finish(net: &Net, jobs: Vec<Job>, limit: Duration) {
    let futures: Vec<_> = jobs
        .into_iter()
        .filter_map(|job| job.start(net))
        .map(|(_, future)| future)
        .collect();
    let _ = tokio::time::timeout(limit, futures_util::future::join_all(futures)).await;
}
