//! A PDF is parsed only in a process of its own: `ca-counter check-upload`, the running
//! program itself, bounded in time (killed past it) and memory (its allocator refuses past
//! it, `main.rs`), its environment cleared, answering on one line (with `--codes`, the
//! QR codes its scanned pages carry; with `--picture <page>`, that page's picture after the
//! line instead). The platform runs it
//! for every uploaded PDF (`server::scan_match::UploadChecks`, with its turns and fair
//! shares); the counter for a file the clerk picks before it is sent (`tui::files`), so a
//! crafted or merely enormous PDF never holds either process.

use std::path::Path;

use crate::domain::{
    DocCode, FileProblem, FileType, Inspected, PdfPages, pdf_page_codes, pdf_page_picture,
};

/// The QR codes read from a PDF's pages when they are pictures (possibly none); `None`
/// when no page is one (nothing could be read).
pub type PdfCodes = Option<PdfPages>;

/// How a check in a child went.
#[derive(Debug)]
pub enum ChildRun {
    /// It answered, with the codes of its pages when they are pictures.
    Judged(Result<Inspected, FileProblem>, PdfCodes),
    /// It ran out of time and was killed.
    OutOfTime,
    /// It ended without an answer (past its memory, crashed), or its answer could not be
    /// read: what happened.
    NoAnswer(String),
}

/// `data` checked by `program check-upload`, within `seconds` and `memory_mb`: the file on
/// its input, one line back. With `codes`, a PDF that passed has its pages read for QR
/// codes in a second run of their own: one that fails there (a picture past the memory,
/// out of time) leaves the file checked and its codes unread, never refuses it. `Err` only
/// when the program cannot be run (cannot be started, or 126/127: not executable, not
/// found): the program's fault, not the file's.
pub async fn run(
    program: &Path,
    seconds: u64,
    memory_mb: usize,
    codes: bool,
    data: &[u8],
) -> std::io::Result<ChildRun> {
    let checked = run_once(program, seconds, memory_mb, None, data).await?;
    let ChildRun::Judged(Ok(inspected), _) = checked else {
        return Ok(checked);
    };
    if !codes {
        return Ok(ChildRun::Judged(Ok(inspected), None));
    }
    let read = match run_once(program, seconds, memory_mb, Some(CODES_FLAG), data).await {
        Ok(ChildRun::Judged(_, read)) => read,
        other => {
            tracing::warn!(?other, "a PDF's codes could not be read: not checked");
            None
        }
    };
    Ok(ChildRun::Judged(Ok(inspected), read))
}

/// One run of the child, with `flag`: its answer line read.
async fn run_once(
    program: &Path,
    seconds: u64,
    memory_mb: usize,
    flag: Option<&str>,
    data: &[u8],
) -> std::io::Result<ChildRun> {
    let output = match in_child(program, seconds, memory_mb, flag.as_slice(), data).await? {
        Ok(output) => output,
        Err(ended) => return Ok(ended),
    };
    let answer = String::from_utf8_lossy(&output.stdout);
    Ok(match parse_answer(answer.trim()) {
        Some((judged, codes)) if output.status.success() => ChildRun::Judged(judged, codes),
        _ => ChildRun::NoAnswer(output.status.to_string()),
    })
}

/// A PDF's page as a picture ([`page_picture`]), with the PDF's page count (0: not
/// counted, the file not passing the check).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Picture {
    /// The picture's bytes: a JPEG's (`true`) or a PNG's; the pages.
    Taken(Vec<u8>, bool, usize),
    /// That page is no picture (drawn, not scanned), or there is no such page; the pages.
    NotOne(usize),
    /// The child ended without a readable answer (out of time or memory).
    Failed,
}

/// Page `page` (from 1) of the PDF `data` as a picture, taken out by `program check-upload
/// --picture <page>` within the same bounds. `Err` as for [`run`].
pub async fn page_picture(
    program: &Path,
    seconds: u64,
    memory_mb: usize,
    data: &[u8],
    page: usize,
) -> std::io::Result<Picture> {
    let page = page.to_string();
    let args = [PICTURE_FLAG, page.as_str()];
    let Ok(output) = in_child(program, seconds, memory_mb, &args, data).await? else {
        return Ok(Picture::Failed);
    };
    if !output.status.success() {
        return Ok(Picture::Failed);
    }
    Ok(parse_picture(output.stdout))
}

/// Runs `program check-upload <args>` on `data`: its output, or how it ended without one.
async fn in_child(
    program: &Path,
    seconds: u64,
    memory_mb: usize,
    args: &[&str],
    data: &[u8],
) -> std::io::Result<Result<std::process::Output, ChildRun>> {
    use tokio::io::AsyncWriteExt;
    // Nothing of the caller's environment (a database address, keys' paths) reaches the
    // child.
    let mut child = tokio::process::Command::new(program)
        .env_clear()
        .arg(CHECK_SUBCOMMAND)
        .arg("--memory-mb")
        .arg(memory_mb.to_string())
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()?;
    let stdin = child.stdin.take();
    let running = async move {
        if let Some(mut stdin) = stdin {
            // A child that stopped reading (past its memory) ends the writing; its status
            // says the rest.
            let _ = stdin.write_all(data).await;
        }
        child.wait_with_output().await
    };
    let output = match tokio::time::timeout(std::time::Duration::from_secs(seconds), running).await
    {
        Ok(Ok(output)) => output,
        Ok(Err(e)) => return Ok(Err(ChildRun::NoAnswer(e.to_string()))),
        // Dropped, the child is killed.
        Err(_) => return Ok(Err(ChildRun::OutOfTime)),
    };
    if matches!(output.status.code(), Some(126 | 127)) {
        return Err(std::io::Error::other(format!(
            "the check ended with {}",
            output.status
        )));
    }
    Ok(Ok(output))
}

/// `picture jpeg|png <len> <pages>` and the picture's bytes after the line, or
/// `none <pages>`.
fn picture_answer(picture: Option<&(Vec<u8>, bool)>, pages: usize) -> Vec<u8> {
    match picture {
        Some((bytes, jpeg)) => {
            let kind = if *jpeg { "jpeg" } else { "png" };
            let mut out = format!("picture {kind} {} {pages}\n", bytes.len()).into_bytes();
            out.extend_from_slice(bytes);
            out
        }
        None => format!("none {pages}\n").into_bytes(),
    }
}

fn parse_picture(mut out: Vec<u8>) -> Picture {
    let Some(end) = out.iter().position(|b| *b == b'\n') else {
        return Picture::Failed;
    };
    let bytes = out.split_off(end + 1);
    let Ok(line) = std::str::from_utf8(&out[..end]) else {
        return Picture::Failed;
    };
    let mut words = line.split(' ');
    let number = |word: Option<&str>| word.and_then(|n| n.parse::<usize>().ok());
    let jpeg = match (words.next(), words.next()) {
        (Some("none"), pages) => {
            return match (number(pages), words.next()) {
                (Some(pages), None) if bytes.is_empty() => Picture::NotOne(pages),
                _ => Picture::Failed,
            };
        }
        (Some("picture"), Some("jpeg")) => true,
        (Some("picture"), Some("png")) => false,
        _ => return Picture::Failed,
    };
    match (number(words.next()), number(words.next()), words.next()) {
        (Some(len), Some(pages), None) if bytes.len() == len => Picture::Taken(bytes, jpeg, pages),
        _ => Picture::Failed,
    }
}

/// The name the platform runs itself by to check an upload.
pub const CHECK_SUBCOMMAND: &str = "check-upload";

/// The child's flag to read a PDF's pages for QR codes too.
pub const CODES_FLAG: &str = "--codes";

/// The child's flag to answer a PDF's page (its number after it, from 1) as a picture
/// instead.
pub const PICTURE_FLAG: &str = "--picture";

/// The child's side of [`run`] (`ca-counter check-upload`): reads the file from its input
/// and writes one line: `ok <pages>`, `ok <pages> codes[ <code>…]` when its pages are
/// pictures whose QR codes were looked for (a scanner's PDF: [`pdf_page_codes`]),
/// `ok <pages> blank` when they are pictures as good as blank, or `refused <why>`.
pub fn check_from_stdin(read_codes: bool, picture: Option<usize>) -> std::process::ExitCode {
    use std::io::{Read, Write};
    let mut data = Vec::new();
    if std::io::stdin().lock().read_to_end(&mut data).is_err() {
        return std::process::ExitCode::FAILURE;
    }
    if let Some(page) = picture {
        // Only a PDF that passes the check is opened for its picture.
        let (taken, pages) = match crate::domain::inspect(&data) {
            Ok(inspected) if inspected.kind == FileType::Pdf => (
                page.checked_sub(1)
                    .and_then(|index| pdf_page_picture(&data, index)),
                inspected.pages.unwrap_or(0),
            ),
            _ => (None, 0),
        };
        return match std::io::stdout()
            .lock()
            .write_all(&picture_answer(taken.as_ref(), pages))
        {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(_) => std::process::ExitCode::FAILURE,
        };
    }
    let judged = crate::domain::inspect(&data);
    let codes = match &judged {
        Ok(inspected) if read_codes && inspected.kind == FileType::Pdf => pdf_page_codes(&data),
        _ => None,
    };
    let line = answer_line(&judged, codes.as_ref());
    match writeln!(std::io::stdout().lock(), "{line}") {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(_) => std::process::ExitCode::FAILURE,
    }
}

/// The words the child and the platform agree on for each refusal.
/// (No turn is the platform's own refusal, never the child's.)
const REFUSALS: [(FileProblem, &str); 6] = [
    (FileProblem::NotAScan, "not_a_scan"),
    (FileProblem::ActivePdf, "active"),
    (FileProblem::LockedPdf, "locked"),
    (FileProblem::UnusualPdf, "unusual"),
    (FileProblem::Unreadable(FileType::Pdf), "unreadable"),
    (FileProblem::CostlyPdf, "costly"),
];

fn answer_line(judged: &Result<Inspected, FileProblem>, codes: Option<&PdfPages>) -> String {
    match judged {
        Ok(inspected) => {
            let mut line = format!("ok {}", inspected.pages.unwrap_or(0));
            match codes {
                Some(PdfPages::Codes(codes)) => {
                    line.push_str(" codes");
                    for code in codes {
                        line.push(' ');
                        line.push_str(&code.payload());
                    }
                }
                Some(PdfPages::Blank) => line.push_str(" blank"),
                None => {}
            }
            line
        }
        Err(problem) => {
            let word = REFUSALS
                .iter()
                .find(|(p, _)| p == problem)
                .map_or("unreadable", |(_, word)| word);
            format!("refused {word}")
        }
    }
}

fn parse_answer(line: &str) -> Option<(Result<Inspected, FileProblem>, PdfCodes)> {
    let (verdict, rest) = line.split_once(' ')?;
    match verdict {
        "ok" => {
            let mut words = rest.split(' ');
            let pages: usize = words.next()?.parse().ok()?;
            let codes = match words.next() {
                None => None,
                Some("codes") => Some(PdfPages::Codes(
                    words.map(DocCode::parse).collect::<Option<Vec<_>>>()?,
                )),
                Some("blank") if words.next().is_none() => Some(PdfPages::Blank),
                Some(_) => return None,
            };
            (pages > 0).then_some((
                Ok(Inspected {
                    kind: FileType::Pdf,
                    pixels: None,
                    pages: Some(pages),
                }),
                codes,
            ))
        }
        "refused" => REFUSALS
            .iter()
            .find(|(_, word)| *word == rest)
            .map(|(problem, _)| (Err(*problem), None)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checkers_answer_reads_back_as_it_was_said_and_nothing_else_does() {
        for (problem, _) in REFUSALS {
            assert_eq!(
                parse_answer(&answer_line(&Err(problem), None)),
                Some((Err(problem), None))
            );
        }
        let pages = Inspected {
            kind: FileType::Pdf,
            pixels: None,
            pages: Some(3),
        };
        assert_eq!(
            parse_answer(&answer_line(&Ok(pages), None)),
            Some((Ok(pages), None))
        );
        // A scanner's PDF: the codes on its pages, none read on its pictures, or pictures
        // as good as blank.
        let codes = vec![
            DocCode::parse("CAC:F:O:HN20261206000001:1/2").expect("code"),
            DocCode::parse("CAC:F:A:SQ7F3K9QAB:2/2:AB12").expect("code"),
        ];
        for read in [
            PdfPages::Codes(codes),
            PdfPages::Codes(Vec::new()),
            PdfPages::Blank,
        ] {
            assert_eq!(
                parse_answer(&answer_line(&Ok(pages), Some(&read))),
                Some((Ok(pages), Some(read.clone())))
            );
        }
        for (picture, pages, read) in [
            (
                Some((vec![0xFF, 0xD8, b'\n', 0], true)),
                3,
                Picture::Taken(vec![0xFF, 0xD8, b'\n', 0], true, 3),
            ),
            (
                Some((vec![1, 2], false)),
                1,
                Picture::Taken(vec![1, 2], false, 1),
            ),
            (None, 2, Picture::NotOne(2)),
            (None, 0, Picture::NotOne(0)),
        ] {
            assert_eq!(parse_picture(picture_answer(picture.as_ref(), pages)), read);
        }
        let mut short = picture_answer(Some(&(vec![1, 2, 3], true)), 1);
        short.pop();
        assert_eq!(parse_picture(short), Picture::Failed, "cut short");
        let mut long = picture_answer(Some(&(vec![1, 2, 3], true)), 1);
        long.push(4);
        assert_eq!(parse_picture(long), Picture::Failed, "bytes after it");
        for said in [
            "ok 3\n",
            "none\n",
            "none x\n",
            "none 2 3\n",
            "picture png 0\n",
        ] {
            assert_eq!(
                parse_picture(said.as_bytes().to_vec()),
                Picture::Failed,
                "{said:?}"
            );
        }
        for said in [
            "",
            "ok",
            "ok 0",
            "ok -1",
            "ok three",
            "ok 3 pages",
            "ok 3 codes not-a-code",
            "ok 3 blank CAC:F:O:HN20261206000001:1/2",
            "refused",
            "refused fine",
            "yes 3",
        ] {
            assert_eq!(parse_answer(said), None, "{said:?}");
        }
    }
}
