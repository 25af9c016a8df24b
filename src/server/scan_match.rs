//! What an upload is, and what it says. [`UploadChecks`]: every uploaded file is judged by
//! its content — a PDF parsed only in a process of its own (`ca-counter check-upload`),
//! bounded in time and memory, a few at once, one per uploader. Then the QR codes printed
//! on our paper are read back from an uploaded scan, so a signed form
//! finds its order by itself (see `domain::DocCode`; the reading itself is
//! `domain::read_codes`, which the counter also runs on a file before it is sent). Bounded
//! like the previews: at most 40 megapixels and 160 MB decoded, two decodes at a time per
//! instance, off the async workers, and a time budget across the attempts.

use crate::api::{ScanCheck, ScanOutcome};
use crate::config::UploadCheckConfig;
use crate::domain::PdfPages;
use crate::domain::{DocCode, DocKind, DocSubject};
use crate::domain::{FileProblem, FileType, Inspected};
pub use crate::domain::{Scanned, read_codes};
use crate::upload_check::{ChildRun, PdfCodes};

/// Decodes at once, per instance ([`UploadChecks::decodes`]): the codes read from an
/// upload and the previews of `routes/attachments.rs` take the same turns.
const DECODES: usize = 2;

/// The platform's checks of uploaded files: its configuration and its turns (a few at
/// once per instance, sized by [`UploadCheckConfig::at_once`]).
#[derive(Debug, Clone)]
pub struct UploadChecks {
    config: UploadCheckConfig,
    turns: std::sync::Arc<tokio::sync::Semaphore>,
    /// The instance's [`DECODES`] turns to decode a picture (an upload's codes, a
    /// preview), off the async workers. Held by the instance, not the process: the api
    /// suite's platforms, each one instance, run side by side in one process.
    decodes: std::sync::Arc<tokio::sync::Semaphore>,
    /// Uploads holding a turn or waiting for one, each holding its file in memory: past
    /// [`UploadChecks::most_waiting`] a new one is answered busy at once.
    in_line: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    /// Each uploader's own (an operator, a customer): one check of theirs at a time, and
    /// at most [`PER_UPLOADER`] uploads of theirs under way, so that one person sending
    /// crafted files takes one of the turns and none of the others' places in line.
    own: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, std::sync::Arc<Own>>>>,
    /// Stored PDFs' pages that are no picture (drawn, not scanned, or killing the check),
    /// by attachment and page: a reviewer paging back and forth (or a flood of previews)
    /// costs one check each.
    pictureless: Remembered<(String, usize), ()>,
    /// Stored PDFs' page counts, by attachment, as a preview's check read them: a page
    /// past the last is refused without a check.
    page_counts: Remembered<String, usize>,
}

/// A stored PDF's page for a preview ([`UploadChecks::pdf_picture`]).
#[derive(Debug)]
pub enum PdfPicture {
    /// The picture: a JPEG's bytes (`true`) or a PNG's; the PDF's pages.
    Taken(Vec<u8>, bool, usize),
    /// No picture to show: the page is drawn (or could not be taken out); the PDF's pages
    /// when they were counted.
    NotOne(Option<usize>),
    /// The PDF has only these pages.
    NoSuchPage(usize),
    /// No turn for it now: asked again shortly.
    Busy,
}

/// A preview's turn to decode ([`UploadChecks::preview_turn`]), given back when dropped.
#[derive(Debug)]
pub struct PreviewTurn {
    _all: tokio::sync::OwnedSemaphorePermit,
    _own: tokio::sync::OwnedSemaphorePermit,
    /// The reader's own, kept while their turn is held (dropped last).
    _owner: std::sync::Arc<Own>,
}

/// A check's turn: the uploader's own, one of the instance's, and its place in line, all
/// given back when it is dropped.
struct Turn {
    _own: tokio::sync::OwnedSemaphorePermit,
    _all: tokio::sync::OwnedSemaphorePermit,
    _in_line: InLine,
    /// The uploader's own, kept while their turn is held (dropped last).
    _owner: std::sync::Arc<Own>,
}

/// An uploader's turn and how many of their uploads are under way.
#[derive(Debug)]
struct Own {
    turn: std::sync::Arc<tokio::sync::Semaphore>,
    under_way: std::sync::atomic::AtomicUsize,
}

/// How long a preview waits for a stored PDF's page's picture.
const PREVIEW_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Uploads of one uploader under way at once (read, then checked): more are answered
/// busy before their file is read.
pub const PER_UPLOADER: usize = 2;

/// A place of an uploader's, taken before their file is read and given back when dropped
/// ([`UploadChecks::place`]).
#[derive(Debug)]
pub struct Place(std::sync::Arc<Own>);

impl Drop for Place {
    fn drop(&mut self) {
        self.0
            .under_way
            .fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// A place in line for a check, given back when dropped.
struct InLine(std::sync::Arc<std::sync::atomic::AtomicUsize>);

impl Drop for InLine {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// What previews remember of stored PDFs, kept for a province's reviewers' day and
/// forgotten all at once past 10,000 entries.
type Remembered<K, V> = std::sync::Arc<std::sync::Mutex<std::collections::HashMap<K, V>>>;

fn lock<K, V>(
    map: &Remembered<K, V>,
) -> std::sync::MutexGuard<'_, std::collections::HashMap<K, V>> {
    map.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn remember<K: std::hash::Hash + Eq, V>(map: &Remembered<K, V>, key: K, value: V) {
    let mut map = lock(map);
    if map.len() >= 10_000 {
        map.clear();
    }
    map.insert(key, value);
}

impl UploadChecks {
    /// Checks as `config` says.
    pub fn new(config: &UploadCheckConfig) -> UploadChecks {
        UploadChecks {
            config: config.clone(),
            turns: std::sync::Arc::new(tokio::sync::Semaphore::new(config.at_once.max(1))),
            decodes: std::sync::Arc::new(tokio::sync::Semaphore::new(DECODES)),
            in_line: std::sync::Arc::default(),
            own: std::sync::Arc::default(),
            pictureless: std::sync::Arc::default(),
            page_counts: std::sync::Arc::default(),
        }
    }

    /// A place for one more upload of `uploader`'s, before its file is read: `None` (say
    /// busy) when [`PER_UPLOADER`] of theirs are under way.
    pub fn place(&self, uploader: &str) -> Option<Place> {
        let own = self.own(uploader);
        let before = own
            .under_way
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let place = Place(own);
        (before < PER_UPLOADER).then_some(place)
    }

    /// How many uploads may hold or wait for a turn at once (each holds its file).
    fn most_waiting(&self) -> usize {
        self.config.at_once.max(1) * 8
    }

    /// A turn to decode a preview's picture for `reader`: their own turn (one at a time,
    /// the one their uploads' checks take too), then one of the instance's [`DECODES`],
    /// waited for within `wait`; `None`: busy. Moved into the decoding itself, so a
    /// preview given up on (its caller gone) still holds its turn until the decode ends.
    pub async fn preview_turn(
        &self,
        reader: &str,
        wait: std::time::Duration,
    ) -> Option<PreviewTurn> {
        let owner = self.own(reader);
        let turns = async {
            let own = owner.turn.clone().acquire_owned().await;
            let all = self.decodes.clone().acquire_owned().await;
            (own, all)
        };
        let Ok((Ok(own), Ok(all))) = tokio::time::timeout(wait, turns).await else {
            return None;
        };
        Some(PreviewTurn {
            _all: all,
            _own: own,
            _owner: owner,
        })
    }

    /// `uploader`'s own, made when first asked and dropped when nobody holds it.
    fn own(&self, uploader: &str) -> std::sync::Arc<Own> {
        let mut own = self
            .own
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        own.retain(|_, own| std::sync::Arc::strong_count(own) > 1);
        own.entry(uploader.to_owned())
            .or_insert_with(|| {
                std::sync::Arc::new(Own {
                    turn: std::sync::Arc::new(tokio::sync::Semaphore::new(1)),
                    under_way: std::sync::atomic::AtomicUsize::new(0),
                })
            })
            .clone()
    }

    /// What an uploaded file is (`domain::inspect`), judged off the request workers. A PDF
    /// is unpacked and parsed, which a crafted file can make cost minutes and gigabytes:
    /// with a program to run ([`UploadCheckConfig::program`], the platform when serving),
    /// it is checked in a process of its own, within the configured time and memory, a few
    /// at once — and never here: a check that cannot be started is answered busy. The
    /// data comes back with the answer.
    pub async fn inspect(
        &self,
        uploader: &str,
        data: Vec<u8>,
    ) -> (Vec<u8>, Result<Inspected, FileProblem>, PdfCodes) {
        if let (Some(program), Some(FileType::Pdf)) =
            (&self.config.program, crate::domain::sniff(&data))
        {
            let (judged, codes) = match self.in_child(program, uploader, &data).await {
                Ok(judged) => judged,
                Err(e) => {
                    // The process table full, the program gone: refused for now, never
                    // parsed unbounded in the platform.
                    tracing::error!(
                        error = %e,
                        program = %program.display(),
                        "cannot start an upload's check: answered busy"
                    );
                    (Err(FileProblem::ChecksBusy), None)
                }
            };
            return (data, judged, codes);
        }
        let (data, judged) = in_process(data).await;
        (data, judged, None)
    }

    /// `data` checked by `program check-upload`: the file on its input, one line back. A
    /// check that runs out of time is killed; one that ends without a line (past its
    /// memory, crashed) is refused as costly. `Err` only when the program cannot be
    /// started.
    /// A turn to run a check in a child for `uploader` (theirs and one of the instance's),
    /// waited for in a bounded line; `None` (logged) when there is none to have soon.
    async fn turn(&self, uploader: &str) -> Option<Turn> {
        let config = &self.config;
        let busy = |why: &str| {
            tracing::warn!(at_once = config.at_once, uploader, "{why}: answered busy");
            None
        };
        // A bounded line: past it the file is let go at once rather than held waiting.
        let placed = self
            .in_line
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let in_line = InLine(self.in_line.clone());
        if placed >= self.most_waiting() {
            return busy("too many uploads waiting for a check");
        }
        let wait = std::time::Duration::from_secs(config.wait_seconds);
        let owner = self.own(uploader);
        let turns = async {
            let own = owner.turn.clone().acquire_owned().await;
            let all = self.turns.clone().acquire_owned().await;
            (own, all)
        };
        let Ok((Ok(own), Ok(all))) = tokio::time::timeout(wait, turns).await else {
            return busy("no turn to check an upload");
        };
        Some(Turn {
            _owner: owner,
            _own: own,
            _all: all,
            _in_line: in_line,
        })
    }

    /// Page `page` (from 1) of a stored scanner's PDF as the picture it is (a JPEG's
    /// bytes, or a PNG), taken out in a process of its own, in the reader's turn, within
    /// the preview's patience; the caller holds the reader's [`Place`]. A page that is no
    /// picture is remembered as such (its preview then costs no child again).
    pub async fn pdf_picture(
        &self,
        reader: &str,
        attachment_id: &str,
        data: &[u8],
        page: usize,
    ) -> PdfPicture {
        use crate::upload_check::Picture;
        let Some(program) = self.config.program.clone() else {
            // No program to take a picture out (tests, benches: `serve` has one): its pages
            // counted as its upload's were.
            let pages = in_process(data.to_vec()).await.1.ok().and_then(|i| i.pages);
            return PdfPicture::NotOne(pages);
        };
        let counted = lock(&self.page_counts).get(attachment_id).copied();
        if let Some(pages) = counted.filter(|pages| page > *pages) {
            return PdfPicture::NoSuchPage(pages);
        }
        let key = (attachment_id.to_owned(), page);
        if lock(&self.pictureless).contains_key(&key) {
            return PdfPicture::NotOne(counted);
        }
        let taking = async {
            let Some(_turn) = self.turn(reader).await else {
                return PdfPicture::Busy;
            };
            let taken = crate::upload_check::page_picture(
                &program,
                self.config.seconds,
                self.config.memory_mb,
                data,
                page,
            )
            .await;
            let pages = match taken {
                Ok(Picture::Taken(_, _, pages) | Picture::NotOne(pages)) if pages > 0 => {
                    remember(&self.page_counts, attachment_id.to_owned(), pages);
                    Some(pages)
                }
                Ok(_) => None,
                Err(e) => {
                    tracing::error!(error = %e, "cannot start a preview's check: answered busy");
                    return PdfPicture::Busy;
                }
            };
            match taken {
                Ok(Picture::Taken(bytes, jpeg, pages)) => PdfPicture::Taken(bytes, jpeg, pages),
                Ok(Picture::NotOne(pages)) if pages > 0 && page > pages => {
                    PdfPicture::NoSuchPage(pages)
                }
                // No picture, or one that kills the child (it would again): remembered.
                _ => {
                    remember(&self.pictureless, key, ());
                    PdfPicture::NotOne(pages)
                }
            }
        };
        tokio::time::timeout(PREVIEW_WAIT, taking)
            .await
            .unwrap_or(PdfPicture::Busy)
    }

    async fn in_child(
        &self,
        program: &std::path::Path,
        uploader: &str,
        data: &[u8],
    ) -> std::io::Result<(Result<Inspected, FileProblem>, PdfCodes)> {
        let config = &self.config;
        let Some(_turn) = self.turn(uploader).await else {
            return Ok((Err(FileProblem::ChecksBusy), None));
        };
        // A PDF that passes has its pages read for our codes too.
        match crate::upload_check::run(program, config.seconds, config.memory_mb, true, data)
            .await?
        {
            ChildRun::Judged(judged, codes) => Ok((judged, codes)),
            ChildRun::OutOfTime => {
                tracing::warn!(
                    seconds = config.seconds,
                    bytes = data.len(),
                    "an uploaded PDF's check ran out of time: refused"
                );
                Ok((Err(FileProblem::CostlyPdf), None))
            }
            ChildRun::NoAnswer(why) => {
                tracing::warn!(
                    %why,
                    memory_mb = config.memory_mb,
                    bytes = data.len(),
                    "an uploaded PDF's check ended without an answer (past its memory?): refused"
                );
                Ok((Err(FileProblem::CostlyPdf), None))
            }
        }
    }
}

/// Checks in this process, off the async workers.
async fn in_process(data: Vec<u8>) -> (Vec<u8>, Result<Inspected, FileProblem>) {
    let kind = crate::domain::sniff(&data);
    let judged = tokio::task::spawn_blocking(move || {
        let judged = crate::domain::inspect(&data);
        (data, judged)
    })
    .await;
    match judged {
        Ok(judged) => judged,
        // The check itself failed: unreadable, never taken.
        Err(_) => (
            Vec::new(),
            Err(kind.map_or(FileProblem::NotAScan, FileProblem::Unreadable)),
        ),
    }
}

impl UploadChecks {
    /// Reads the codes of an upload of `content_type` (off the async workers, two at a time).
    pub async fn scan(&self, data: Vec<u8>, content_type: &str, pdf_codes: PdfCodes) -> Scanned {
        self.scan_picture(data, content_type, pdf_codes).await.0
    }

    /// [`UploadChecks::scan`], and whether the picture is as good as blank
    /// ([`crate::domain::read_picture`]; of a PDF, when its pages are pictures as good as
    /// blank — [`crate::domain::pdf_page_codes`]; never of a picture not read).
    pub async fn scan_picture(
        &self,
        data: Vec<u8>,
        content_type: &str,
        pdf_codes: PdfCodes,
    ) -> (Scanned, bool) {
        if content_type == "application/pdf" {
            let generated = crate::domain::generated_codes(&data);
            return match pdf_codes {
                _ if !generated.is_empty() => (Scanned::Generated(generated), false),
                // A scanner's PDF: its pages are pictures, read in the upload's check.
                Some(PdfPages::Codes(codes)) => (Scanned::Codes(codes), false),
                Some(PdfPages::Blank) => (Scanned::Codes(Vec::new()), true),
                None => (Scanned::Pdf, false),
            };
        }
        // A picture that keeps the detector busy (noise: candidates without end) must not hold
        // everyone's uploads: waited for so long, then the file goes on unread (the reviewer
        // reads it by eye). The turn goes with the decode, and is given back only when it ends,
        // so no more than two run however many give up on them.
        let Ok(Ok(turn)) =
            tokio::time::timeout(WAIT_FOR_TURN, self.decodes.clone().acquire_owned()).await
        else {
            tracing::warn!("no turn to read an upload's codes: kept unread");
            return (Scanned::Unreadable, false);
        };
        let decoding = tokio::task::spawn_blocking(move || {
            let _turn = turn;
            crate::domain::read_picture(&data)
        });
        match tokio::time::timeout(DECODE_LIMIT, decoding).await {
            Ok(Ok(read)) => read,
            Ok(Err(_)) => (Scanned::Unreadable, false),
            Err(_) => {
                tracing::warn!(
                    seconds = DECODE_LIMIT.as_secs(),
                    "an upload's codes not read in time: kept unread"
                );
                (Scanned::Unreadable, false)
            }
        }
    }
}

/// How long an upload waits for a turn to have its codes read: as long as it waits for
/// its file check (`[platform.upload_check] wait_seconds`' default) — at 10 s, a busy
/// moment (the api suite's uploads side by side on two cores) kept a signed form unread,
/// and an old printout of it was taken as the signed form.
const WAIT_FOR_TURN: std::time::Duration = std::time::Duration::from_secs(30);

/// How long an upload waits for its codes to be read (the reading gives up between its
/// attempts after 6 s; one attempt on a picture of noise can run far longer).
const DECODE_LIMIT: std::time::Duration = std::time::Duration::from_secs(12);

/// The check of a scan for the order `order_no` (whose form was printed as
/// `application_ref` before it existed, and whose organisation's form is now at
/// `edition`): refused when a code names anything else, or a form printed before the
/// organisation's details were corrected (a code without an edition, from before editions
/// were printed, cannot tell and passes).
pub fn check(
    scanned: &Scanned,
    order_no: &str,
    application_ref: Option<&str>,
    edition: Option<&str>,
) -> Result<ScanCheck, Refused> {
    let empty = |outcome| ScanCheck {
        outcome,
        found: None,
        pages_read: Vec::new(),
        pages: None,
        document: None,
        edition: None,
    };
    let codes = match scanned {
        Scanned::Pdf => return Ok(empty(ScanOutcome::NotChecked)),
        Scanned::Unreadable => return Ok(empty(ScanOutcome::Unreadable)),
        Scanned::Codes(codes) if codes.is_empty() => return Ok(empty(ScanOutcome::NoCode)),
        Scanned::Codes(codes) | Scanned::Generated(codes) => codes,
    };
    let ours = |code: &DocCode| match &code.subject {
        DocSubject::Order(no) => no.eq_ignore_ascii_case(order_no),
        DocSubject::Application(reference) => {
            application_ref.is_some_and(|r| r.eq_ignore_ascii_case(reference))
        }
    };
    if let Some(other) = codes.iter().find(|c| !ours(c)) {
        return Err(Refused::OtherOrder(other.subject.number().to_owned()));
    }
    let stale = |code: &DocCode| {
        code.kind == DocKind::Form
            && matches!((&code.edition, edition), (Some(was), Some(now)) if !was.eq_ignore_ascii_case(now))
    };
    if codes.iter().any(stale) {
        return Err(Refused::OldForm);
    }
    let mut pages_read: Vec<u32> = codes.iter().map(|c| c.page).collect();
    pages_read.sort_unstable();
    pages_read.dedup();
    Ok(ScanCheck {
        outcome: ScanOutcome::Matches,
        found: codes.first().map(|c| c.subject.number().to_owned()),
        pages_read,
        pages: codes.iter().map(|c| c.pages).max(),
        document: codes.first().map(|c| c.kind.as_str().to_owned()),
        edition: codes.iter().find_map(|c| c.edition.clone()),
    })
}

/// A kept check of a scan of `order`, as it reads now: a form whose edition the order no
/// longer has (its organisation was corrected after the scan was uploaded) is
/// [`ScanOutcome::Outdated`], not a match.
pub fn as_of(mut check: ScanCheck, order: &crate::server::store::OrderRow) -> ScanCheck {
    if let Some(was) = &check.edition
        && check.document.as_deref() == Some(DocKind::Form.as_str())
        && crate::server::paper::edition_of(order).is_some_and(|now| !now.eq_ignore_ascii_case(was))
    {
        check.outcome = ScanOutcome::Outdated;
    }
    check
}

/// The kept check `json` of a scan of `order`, as it reads now ([`as_of`]).
pub fn kept(json: Option<&str>, order: &crate::server::store::OrderRow) -> Option<ScanCheck> {
    json.and_then(|json| serde_json::from_str(json).ok())
        .map(|check| as_of(check, order))
}

/// Why an upload is refused before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// A form of another order (or application), named.
    OtherOrder(String),
    /// One of the platform's own papers (its code read) sent as a transfer voucher.
    OurPaper(String),
    /// The form as it was printed before the organisation's details were corrected.
    OldForm,
    /// The platform's own PDF file sent as the signed paper: nothing on it is signed.
    Unsigned,
    /// A voucher or a correction that is a blank picture (`pdf`: a scanner's PDF of blank
    /// pages): nothing on it to check.
    Blank { pdf: bool },
    /// A signed form that is a blank picture (`pdf`: a scanner's PDF of blank pages): no
    /// form on it (a customer who sent one was only told its code could not be read, and
    /// paid before it came back).
    BlankForm { pdf: bool },
}

impl Refused {
    /// What the uploader is told (`order_no`: the order uploaded to).
    pub fn message(&self, order_no: &str) -> crate::i18n::Msg {
        use crate::i18n::{Msg, T};
        match self {
            Refused::OtherOrder(found) => {
                Msg::with(T::ProblemScanOtherOrder, [found.as_str(), order_no])
            }
            Refused::OurPaper(found) => Msg::with(T::ProblemVoucherIsOurPaper, [found.as_str()]),
            Refused::OldForm => Msg::new(T::ProblemScanOldForm),
            Refused::Unsigned => Msg::new(T::ProblemScanUnsigned),
            // A scanner's blank pages: the sheet the wrong way round, more likely than a
            // photo of nothing.
            Refused::Blank { pdf: false } => Msg::new(T::ProblemBlankPicture),
            Refused::Blank { pdf: true } => Msg::new(T::ProblemBlankPdf),
            Refused::BlankForm { pdf: false } => Msg::new(T::ProblemBlankForm),
            Refused::BlankForm { pdf: true } => Msg::new(T::ProblemBlankFormPdf),
        }
    }
}

/// The one check of a file uploaded as `kind` to `order`, for the counter's API and the
/// customer's pages alike: a signed form or a correction must be this order's (its
/// `ScanCheck` is kept, as JSON); a voucher must not be one of our own papers — a bank's
/// slip carries none of our codes; any other file is refused as a form or a correction
/// would be, and its check not kept.
pub async fn check_upload(
    checks: &UploadChecks,
    kind: crate::api::AttachmentKind,
    data: &[u8],
    content_type: &str,
    pdf_codes: PdfCodes,
    order: &crate::server::store::OrderRow,
) -> Result<Option<String>, Refused> {
    use crate::api::AttachmentKind as K;
    // A correction for a return that asked only for the voucher is a voucher: checked as
    // one (none of our papers), and no form's check kept for it.
    let reasons = order.return_reasons();
    let a_voucher = kind == K::Voucher
        || (kind == K::Correction && crate::domain::answered_by_a_voucher(&reasons));
    if kind == K::Invoice {
        return Ok(None);
    }
    let (scanned, blank) = checks
        .scan_picture(data.to_vec(), content_type, pdf_codes)
        .await;
    let pdf = content_type == "application/pdf";
    // A voucher, a signed form or a correction is read by a person: a blank picture (a
    // white page, the camera on the table) is nothing to send on, and the one who sent it
    // is told now.
    if blank && matches!(kind, K::Voucher | K::Correction) {
        return Err(Refused::Blank { pdf });
    }
    if blank && kind == K::SignedForm {
        return Err(Refused::BlankForm { pdf });
    }
    if a_voucher {
        return match scanned {
            Scanned::Codes(codes) | Scanned::Generated(codes) if !codes.is_empty() => {
                Err(Refused::OurPaper(codes[0].subject.number().to_owned()))
            }
            _ => Ok(None),
        };
    }
    // Any other file may still be one of our papers, sent under another name: the same
    // refusals (another order's, a form printed before a correction). Its check is kept
    // for a signed form or a correction only — an ID copy is not expected to carry a code.
    let edition = crate::server::paper::edition_of(order);
    let checked = check(
        &scanned,
        &order.order_no,
        order.application_ref.as_deref(),
        edition.as_deref(),
    )?;
    // The file as the platform made it is no scan of the signed paper.
    if matches!(kind, K::SignedForm | K::Correction) && matches!(scanned, Scanned::Generated(_)) {
        return Err(Refused::Unsigned);
    }
    Ok(matches!(kind, K::SignedForm | K::Correction)
        .then(|| serde_json::to_string(&checked).ok())
        .flatten())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::DocKind;

    /// One reader's previews decode one at a time: a second waits for their first (and
    /// is answered busy past its wait), while another reader's goes ahead.
    #[tokio::test]
    async fn a_readers_previews_take_one_decode_turn_at_a_time() {
        let checks = UploadChecks::new(&UploadCheckConfig::default());
        let wait = std::time::Duration::from_millis(100);
        let first = checks.preview_turn("flood", wait).await;
        assert!(first.is_some());
        assert!(
            checks.preview_turn("flood", wait).await.is_none(),
            "theirs is taken"
        );
        let other = checks
            .preview_turn("reviewer", std::time::Duration::from_secs(5))
            .await;
        assert!(other.is_some(), "another reader's is not");
        drop(first);
        assert!(
            checks.preview_turn("flood", wait).await.is_some(),
            "given back"
        );
    }

    fn code(subject: DocSubject, page: u32, pages: u32) -> DocCode {
        DocCode {
            kind: DocKind::Form,
            subject,
            page,
            pages,
            edition: None,
        }
    }

    #[test]
    fn a_scan_of_this_order_or_its_application_matches() {
        let scanned = Scanned::Codes(vec![
            code(DocSubject::Order("HN1".into()), 1, 2),
            code(DocSubject::Application("SQ9".into()), 2, 2),
        ]);
        let check = check(&scanned, "HN1", Some("SQ9"), None).expect("ours");
        assert_eq!(check.outcome, ScanOutcome::Matches);
        assert_eq!(check.pages_read, vec![1, 2]);
        assert!(check.is_ok());
    }

    #[test]
    fn a_scan_of_another_order_is_refused_naming_it() {
        let scanned = Scanned::Codes(vec![code(DocSubject::Order("HN2".into()), 1, 1)]);
        assert_eq!(
            check(&scanned, "HN1", None, None),
            Err(Refused::OtherOrder("HN2".into()))
        );
        let before = Scanned::Codes(vec![code(DocSubject::Application("SQ8".into()), 1, 1)]);
        assert!(check(&before, "HN1", Some("SQ9"), None).is_err());
    }

    #[test]
    fn a_form_printed_before_the_organisation_was_corrected_is_refused() {
        let printed = |edition: Option<&str>| {
            Scanned::Codes(vec![DocCode {
                edition: edition.map(str::to_owned),
                ..code(DocSubject::Order("HN1".into()), 1, 1)
            }])
        };
        assert_eq!(
            check(&printed(Some("K3Q9")), "HN1", None, Some("7ZP2")),
            Err(Refused::OldForm)
        );
        // The form as it stands; one printed before editions were; an individual's.
        for (scanned, now) in [
            (printed(Some("K3Q9")), Some("k3q9")),
            (printed(None), Some("7ZP2")),
            (printed(None), None),
        ] {
            let check = check(&scanned, "HN1", None, now).expect("accepted");
            assert_eq!(check.outcome, ScanOutcome::Matches);
        }
    }

    #[test]
    fn no_code_a_pdf_or_a_broken_image_is_only_flagged() {
        for (scanned, outcome) in [
            (Scanned::Codes(Vec::new()), ScanOutcome::NoCode),
            (Scanned::Pdf, ScanOutcome::NotChecked),
            (Scanned::Unreadable, ScanOutcome::Unreadable),
        ] {
            let check = check(&scanned, "HN1", None, None).expect("accepted");
            assert_eq!(check.outcome, outcome);
            assert!(!check.is_ok());
        }
        assert_eq!(read_codes(b"not an image"), Scanned::Unreadable);
    }
}
