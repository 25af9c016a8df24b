//! A request on its way: where its answer goes, the request itself (of its asker's own
//! type, so only the asker and a test looking at it know what it is), and what runs it.

use std::any::Any;
use std::fmt::Debug;

use futures_util::future::BoxFuture;

use super::Net;

/// Where an answer goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// The frame (who am I, counts, the platform's facts).
    Frame,
    /// The tab at this position.
    Tab(usize),
}

/// A value whose type only its owner knows.
pub type Erased = Box<dyn Any + Send>;

/// Starts an erased request: the future of its answer, or `None` when none comes back.
pub type Runner = fn(Erased, &Net) -> Option<BoxFuture<'static, Erased>>;

/// A request on its way to the network, with what runs it.
pub struct Job {
    /// Where the answer goes.
    pub to: Route,
    request: Erased,
    shown: String,
    run: Runner,
}

impl Job {
    /// `request`, run by `run`, answered to `to`.
    pub fn new<R: Debug + Send + 'static>(to: Route, request: R, run: Runner) -> Job {
        Job {
            to,
            shown: format!("{request:?}"),
            request: Box::new(request),
            run,
        }
    }

    /// The request, when it is an `R`.
    pub fn request<R: 'static>(&self) -> Option<&R> {
        self.request.downcast_ref()
    }

    /// Starts it.
    pub fn start(self, net: &Net) -> Option<(Route, BoxFuture<'static, Erased>)> {
        (self.run)(self.request, net).map(|future| (self.to, future))
    }
}

impl Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}: {}", self.to, self.shown)
    }
}

/// The requests among `jobs` that are `R`s (for tests and the benchmark).
pub fn requests<R: 'static>(jobs: &[Job]) -> Vec<&R> {
    jobs.iter().filter_map(Job::request::<R>).collect()
}
