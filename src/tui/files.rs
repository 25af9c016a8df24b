//! Files a clerk names — signed scans, transfer vouchers, corrected materials: checked
//! here before anything is sent (there, not empty, within the platform's limit, JPEG, PNG
//! or PDF by content), uploaded, and attached to the action that needs them.

use std::path::{Path, PathBuf};

use super::text::Text;
use crate::api::{ActionRequest, AttachmentKind, Client, ClientError, Order};
use crate::config::UploadCheckConfig;
use crate::domain::Action;
use crate::i18n::T;
use crate::upload_check::PdfCodes;

/// Creates `dir` and its parents, readable by this user only.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Writes `bytes` to `path` readable by this user only (0600 on Unix), making its
/// directory (0700) when missing: drafts, prints and saved scans hold names, ID numbers
/// and addresses, and a counter PC may have several users.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty() && !d.exists())
    {
        create_private_dir(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    // A file that was there before keeps its mode through `open`: made private too.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    file.write_all(bytes)?;
    file.sync_all()
}

/// A checked file, as the screen describes it.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FileInfo {
    /// Where it is.
    pub path: String,
    /// `image/jpeg`, `image/png`, `application/pdf`.
    pub content_type: String,
    /// Bytes.
    pub size: u64,
    /// An image's size, `1654×2339 px` (a PDF's pages are `pages`).
    pub detail: String,
    /// A PDF's pages.
    #[serde(default)]
    pub pages: Option<u32>,
    /// What its QR code said when it was read here (a signed form, before it is sent).
    #[serde(default)]
    pub code: CodeRead,
}

/// The QR code on a signed form, read at the counter before the order is made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CodeRead {
    /// Not read: a PDF, or a file that is not a signed form.
    #[default]
    NotRead,
    /// This application's code.
    Matches,
    /// No code found (accepted; the reviewer compares it by eye).
    NoCode,
}

impl FileInfo {
    /// Its pages or pixels, in `lang`.
    pub fn extent(&self, lang: crate::i18n::Lang) -> String {
        match self.pages {
            Some(pages) => {
                crate::tui::text::Text::with(T::FilePages, [pages.to_string()]).get(lang)
            }
            None => self.detail.clone(),
        }
    }
}

/// Why a file cannot be used.
#[derive(Debug, Clone, PartialEq)]
pub enum FileProblem {
    /// Reading it failed.
    Io(std::io::ErrorKind),
    /// Not JPEG, PNG or PDF by content.
    NotAScan,
    /// A PDF that does things when opened (scripts, programs, files inside).
    ActivePdf,
    /// A picture with a PDF inside it.
    CarriesPdf,
    /// The platform's: locked with a password or permissions.
    LockedPdf,
    /// The platform's: written in a way that cannot be checked.
    UnusualPdf,
    /// The platform's: far more inside than a scan (streams that unpack past the bound).
    CostlyPdf,
    /// A PDF too large to read here while the checker cannot be started.
    CannotCheck,
    /// Starts like a JPEG, PNG or PDF but does not read as one.
    Unreadable(&'static str),
    /// An image with more pixels than the platform decodes (width, height).
    TooManyPixels(u32, u32),
    /// An image whose pixels take too much memory decoded (width, height).
    TooDeepPixels(u32, u32),
    /// An image too small to read (width, height).
    TooFewPixels(u32, u32),
    /// Bigger than the platform takes (size, limit).
    TooLarge(u64, u64),
    /// Empty.
    Empty,
    /// A signed form whose QR code names another application or order (that number,
    /// this application's).
    OtherPaper(String, String),
    /// The platform's own PDF of the form (a print saved to a file), not a scan of the
    /// signed paper.
    Unsigned,
    /// A picture as good as blank (a white page): no form on it, as the platform would
    /// refuse it after the order was made.
    Blank,
    /// A scanner's PDF whose pages are blank: the sheet fed the wrong way round.
    BlankPdf,
}

/// Reads and checks a file: there, not empty, within `limit` (0: no limit known), JPEG,
/// PNG or PDF by content; described with its pixel size or page count. Returns the bytes.
/// A PDF is parsed as the platform parses it, in a process of its own bounded by `checks`
/// (`upload_check`), so a crafted or enormous file the clerk picks never holds the
/// counter.
pub async fn check(
    path: &Path,
    limit: u64,
    checks: &UploadCheckConfig,
) -> Result<(FileInfo, Vec<u8>), FileProblem> {
    let (info, bytes, _) = check_reading(path, limit, checks, false).await?;
    Ok((info, bytes))
}

/// [`check`]; a PDF's pages read for QR codes too when `codes` (in the checker's process).
async fn check_reading(
    path: &Path,
    limit: u64,
    checks: &UploadCheckConfig,
    codes: bool,
) -> Result<(FileInfo, Vec<u8>, PdfCodes), FileProblem> {
    let meta = tokio::fs::metadata(path)
        .await
        .map_err(|e| FileProblem::Io(e.kind()))?;
    if meta.is_dir() {
        return Err(FileProblem::Io(std::io::ErrorKind::IsADirectory));
    }
    if limit > 0 && meta.len() > limit {
        return Err(FileProblem::TooLarge(meta.len(), limit));
    }
    let bytes = tokio::fs::read(path)
        .await
        .map_err(|e| FileProblem::Io(e.kind()))?;
    if bytes.is_empty() {
        return Err(FileProblem::Empty);
    }
    // The platform's own reading of a file: what it would refuse is refused here first.
    use crate::domain::{FileProblem as Refused, FileType};
    let (bytes, judged, pdf_codes) = inspect(bytes, checks, codes).await;
    let inspected = judged.map_err(|refused| match refused {
        Refused::NotAScan => FileProblem::NotAScan,
        Refused::ActivePdf => FileProblem::ActivePdf,
        Refused::CarriesPdf => FileProblem::CarriesPdf,
        Refused::LockedPdf => FileProblem::LockedPdf,
        Refused::UnusualPdf => FileProblem::UnusualPdf,
        Refused::CostlyPdf => FileProblem::CostlyPdf,
        // No checker to run (the counter's own: never the platform's turns).
        Refused::ChecksBusy => FileProblem::CannotCheck,
        Refused::Unreadable(kind) => FileProblem::Unreadable(match kind {
            FileType::Jpeg => "JPEG",
            FileType::Png => "PNG",
            FileType::Pdf => "PDF",
        }),
        Refused::TooManyPixels(width, height) => FileProblem::TooManyPixels(width, height),
        Refused::TooDeepPixels(width, height) => FileProblem::TooDeepPixels(width, height),
        Refused::TooFewPixels(width, height) => FileProblem::TooFewPixels(width, height),
    })?;
    let detail = match (inspected.pages, inspected.pixels) {
        (None, Some((width, height))) => format!("{width}×{height} px"),
        _ => String::new(),
    };
    let info = FileInfo {
        path: path.display().to_string(),
        content_type: inspected.kind.mime().to_owned(),
        size: bytes.len() as u64,
        detail,
        pages: inspected.pages.map(|p| p as u32),
        code: CodeRead::NotRead,
    };
    Ok((info, bytes, pdf_codes))
}

/// The largest PDF read in the counter itself when its checker cannot be started: a
/// scanner's few pages, whose parsing the counter can afford.
const READ_HERE_AT_MOST: usize = 2 * 1024 * 1024;

/// The platform's judgement of `bytes`: a PDF in a child process when there is a program
/// to run (the counter always has itself; its pages read for QR codes when `codes`), a
/// picture by its header here; off the async workers either way. A child that cannot be
/// started leaves the reading of a small PDF to this process (the clerk's own file,
/// checked again by the platform in its own child; its codes not read); a larger one is
/// refused for now rather than parsed here unbounded.
async fn inspect(
    bytes: Vec<u8>,
    checks: &UploadCheckConfig,
    codes: bool,
) -> (
    Vec<u8>,
    Result<crate::domain::Inspected, crate::domain::FileProblem>,
    PdfCodes,
) {
    use crate::domain::{FileProblem as Refused, FileType};
    use crate::upload_check::ChildRun;
    if let (Some(program), Some(FileType::Pdf)) = (&checks.program, crate::domain::sniff(&bytes)) {
        match crate::upload_check::run(program, checks.seconds, checks.memory_mb, codes, &bytes)
            .await
        {
            Ok(ChildRun::Judged(judged, codes)) => return (bytes, judged, codes),
            Ok(ChildRun::OutOfTime | ChildRun::NoAnswer(_)) => {
                return (bytes, Err(Refused::CostlyPdf), None);
            }
            Err(e) if bytes.len() <= READ_HERE_AT_MOST => {
                tracing::warn!(error = %e, "cannot start a file's check: read here");
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot start a file's check: refused for now");
                return (bytes, Err(Refused::ChecksBusy), None);
            }
        }
    }
    let kind = crate::domain::sniff(&bytes);
    match tokio::task::spawn_blocking(move || {
        let judged = crate::domain::inspect(&bytes);
        (bytes, judged)
    })
    .await
    {
        Ok((bytes, judged)) => (bytes, judged, None),
        Err(_) => (
            Vec::new(),
            Err(kind.map_or(Refused::NotAScan, Refused::Unreadable)),
            None,
        ),
    }
}

/// [`check`], and for the signed form of application `reference`: its QR code read as the
/// platform will read it on upload (`domain::read_picture`, a blank picture refused; a scanner's PDF, whose pages are
/// pictures, in the checker's process), so the form of another application is refused
/// here, before the order is made, not after. A PDF drawn, not scanned, is not read.
pub async fn check_signed_form(
    path: &Path,
    limit: u64,
    reference: &str,
    checks: &UploadCheckConfig,
) -> Result<FileInfo, FileProblem> {
    use crate::domain::{DocSubject, Scanned};
    let (mut info, bytes, pdf_codes) = check_reading(path, limit, checks, true).await?;
    let scanned = if info.content_type == "application/pdf" {
        // A print saved as a PDF (no printer here) is the form itself, unsigned: refused
        // here, as the platform would refuse it after the order was made.
        if !crate::domain::generated_codes(&bytes).is_empty() {
            return Err(FileProblem::Unsigned);
        }
        match pdf_codes {
            Some(crate::domain::PdfPages::Codes(codes)) => Scanned::Codes(codes),
            // A white page scanned (a sheet fed face down): no form on it.
            Some(crate::domain::PdfPages::Blank) => return Err(FileProblem::BlankPdf),
            None => return Ok(info),
        }
    } else {
        let (scanned, blank) =
            tokio::task::spawn_blocking(move || crate::domain::read_picture(&bytes))
                .await
                .unwrap_or((Scanned::Unreadable, false));
        if blank {
            return Err(FileProblem::Blank);
        }
        scanned
    };
    if let Scanned::Codes(codes) = scanned {
        let ours = |subject: &DocSubject| matches!(subject, DocSubject::Application(r) if r.eq_ignore_ascii_case(reference));
        if let Some(other) = codes.iter().find(|c| !ours(&c.subject)) {
            return Err(FileProblem::OtherPaper(
                other.subject.number().to_owned(),
                reference.to_owned(),
            ));
        }
        info.code = if codes.is_empty() {
            CodeRead::NoCode
        } else {
            CodeRead::Matches
        };
    }
    Ok(info)
}

/// What is wrong with a file the clerk named, in words.
pub fn problem_text(problem: &FileProblem, path: &Path) -> Text {
    let shown = path.display().to_string();
    match problem {
        FileProblem::Io(std::io::ErrorKind::NotFound) => Text::with(T::FileNotFound, [shown]),
        FileProblem::Io(std::io::ErrorKind::PermissionDenied) => {
            Text::with(T::FilePermission, [shown])
        }
        FileProblem::Io(std::io::ErrorKind::IsADirectory) => {
            Text::with(T::FileIsDirectory, [shown])
        }
        FileProblem::Io(_) => Text::with(T::FileUnreadable, [shown]),
        FileProblem::NotAScan => T::ProblemUnsupportedTypeDetail.into(),
        FileProblem::ActivePdf => T::ErrActivePdf.into(),
        FileProblem::CarriesPdf => T::ErrCarriesPdf.into(),
        FileProblem::LockedPdf => T::ErrLockedPdf.into(),
        FileProblem::UnusualPdf => T::ErrUnusualPdf.into(),
        FileProblem::CostlyPdf => T::ErrCostlyPdf.into(),
        FileProblem::CannotCheck => T::FileCannotCheck.into(),
        FileProblem::Unreadable(kind) => Text::with(T::ErrFileUnreadable, [*kind]),
        FileProblem::TooManyPixels(width, height) => {
            Text::with(T::ErrTooManyPixels, [width.to_string(), height.to_string()])
        }
        FileProblem::TooDeepPixels(width, height) => {
            Text::with(T::ErrTooDeepPixels, [width.to_string(), height.to_string()])
        }
        FileProblem::TooFewPixels(width, height) => Text::with(
            T::ErrTooFewPixels,
            [
                width.to_string(),
                height.to_string(),
                crate::domain::MIN_SIDE.to_string(),
            ],
        ),
        FileProblem::Empty => Text::with(T::NewScanEmpty, [shown]),
        FileProblem::OtherPaper(found, reference) => {
            Text::with(T::NewScanOtherPaper, [found.clone(), reference.clone()])
        }
        FileProblem::Unsigned => T::NewScanUnsigned.into(),
        FileProblem::Blank => T::NewScanBlank.into(),
        FileProblem::BlankPdf => T::NewScanBlankPdf.into(),
        FileProblem::TooLarge(size, limit) => {
            Text::with(T::NewScanTooLarge, [mb(*size), mb(*limit)])
        }
    }
}

/// `12.3 MB`, `85 KB`
pub fn mb(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// A file an action sends.
#[derive(Debug, Clone, PartialEq)]
pub struct Upload {
    /// What it is to the order.
    pub kind: AttachmentKind,
    /// Where it is.
    pub path: PathBuf,
    /// The platform's limit, checked before reading it all (0: unknown).
    pub limit: u64,
}

/// Why an action with an upload did not happen.
#[derive(Debug)]
pub enum ActFailure {
    /// The file could not be read, or is not one the platform takes.
    File(PathBuf, FileProblem),
    /// The platform refused or could not be reached.
    Api(ClientError),
}

/// Uploads the file an action needs (if any), checked here first, then performs the
/// action with it attached.
pub async fn upload_and_act(
    client: &Client,
    checks: &UploadCheckConfig,
    order_no: &str,
    action: Action,
    mut body: ActionRequest,
    upload: Option<Upload>,
) -> Result<Order, ActFailure> {
    if let Some(Upload { kind, path, limit }) = upload {
        let (_, bytes) = check(&path, limit, checks)
            .await
            .map_err(|problem| ActFailure::File(path.clone(), problem))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let attachment = client
            .upload_attachment(order_no, kind, &name, bytes)
            .await
            .map_err(ActFailure::Api)?;
        body.attachment_ids = vec![attachment.id];
    }
    client
        .act(order_no, action, &body)
        .await
        .map_err(ActFailure::Api)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn files_are_judged_by_content_and_size() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let fake = dir.path().join("scan.jpg");
        std::fs::write(&fake, b"not an image").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            check(&fake, 0, &UploadCheckConfig::default()).await.err(),
            Some(FileProblem::NotAScan)
        );
        assert_eq!(
            check(&fake, 4, &UploadCheckConfig::default()).await.err(),
            Some(FileProblem::TooLarge(12, 4))
        );
        let empty = dir.path().join("empty.png");
        std::fs::write(&empty, b"").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            check(&empty, 0, &UploadCheckConfig::default()).await.err(),
            Some(FileProblem::Empty)
        );
        let missing = dir.path().join("missing.png");
        assert_eq!(
            check(&missing, 0, &UploadCheckConfig::default())
                .await
                .err(),
            Some(FileProblem::Io(std::io::ErrorKind::NotFound))
        );
        assert_eq!(
            check(dir.path(), 0, &UploadCheckConfig::default())
                .await
                .err(),
            Some(FileProblem::Io(std::io::ErrorKind::IsADirectory))
        );
    }

    /// A white page chosen as the signed scan is refused before the order is made (the
    /// platform refuses it on upload: the order was made, then its scan refused).
    #[tokio::test]
    async fn a_blank_signed_scan_is_refused_before_the_order() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let white = dir.path().join("white.png");
        image::GrayImage::from_pixel(827, 1169, image::Luma([250]))
            .save(&white)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            check_signed_form(&white, 0, "SQ7F3K9QAB", &UploadCheckConfig::default())
                .await
                .err(),
            Some(FileProblem::Blank)
        );
    }
}
