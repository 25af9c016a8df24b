//! A PDF is parsed only in a process of its own: `ca-counter check-upload`, the running
//! program itself, bounded in time (killed past it) and memory (its allocator refuses past
//! it, `main.rs`), its environment cleared, answering on one line. The platform runs it
//! for every uploaded PDF (`server::scan_match::UploadChecks`, with its turns and fair
//! shares); the counter for a file the clerk picks before it is sent (`tui::files`), so a
//! crafted or merely enormous PDF never holds either process.

use std::path::Path;

use crate::domain::{FileProblem, FileType, Inspected};

/// How a check in a child went.
#[derive(Debug)]
pub enum ChildRun {
    /// It answered.
    Judged(Result<Inspected, FileProblem>),
    /// It ran out of time and was killed.
    OutOfTime,
    /// It ended without an answer (past its memory, crashed), or its answer could not be
    /// read: what happened.
    NoAnswer(String),
}

/// `data` checked by `program check-upload`, within `seconds` and `memory_mb`: the file
/// on its input, one line back. `Err` only when the program cannot be run (cannot be
/// started, or 126/127: not executable, not found): the program's fault, not the file's.
pub async fn run(
    program: &Path,
    seconds: u64,
    memory_mb: usize,
    data: &[u8],
) -> std::io::Result<ChildRun> {
    use tokio::io::AsyncWriteExt;
    // Nothing of the caller's environment (a database address, keys' paths) reaches the
    // child.
    let mut child = tokio::process::Command::new(program)
        .env_clear()
        .arg(CHECK_SUBCOMMAND)
        .arg("--memory-mb")
        .arg(memory_mb.to_string())
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
        Ok(Err(e)) => return Ok(ChildRun::NoAnswer(e.to_string())),
        // Dropped, the child is killed.
        Err(_) => return Ok(ChildRun::OutOfTime),
    };
    if matches!(output.status.code(), Some(126 | 127)) {
        return Err(std::io::Error::other(format!(
            "the check ended with {}",
            output.status
        )));
    }
    let answer = String::from_utf8_lossy(&output.stdout);
    Ok(match parse_answer(answer.trim()) {
        Some(judged) if output.status.success() => ChildRun::Judged(judged),
        _ => ChildRun::NoAnswer(output.status.to_string()),
    })
}

/// The name the platform runs itself by to check an upload.
pub const CHECK_SUBCOMMAND: &str = "check-upload";

/// The child's side of [`run`] (`ca-counter check-upload`): reads the file from its input
/// and writes one line, `ok <pages>` or `refused <why>`.
pub fn check_from_stdin() -> std::process::ExitCode {
    use std::io::{Read, Write};
    let mut data = Vec::new();
    if std::io::stdin().lock().read_to_end(&mut data).is_err() {
        return std::process::ExitCode::FAILURE;
    }
    let line = answer_line(&crate::domain::inspect(&data));
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

fn answer_line(judged: &Result<Inspected, FileProblem>) -> String {
    match judged {
        Ok(inspected) => format!("ok {}", inspected.pages.unwrap_or(0)),
        Err(problem) => {
            let word = REFUSALS
                .iter()
                .find(|(p, _)| p == problem)
                .map_or("unreadable", |(_, word)| word);
            format!("refused {word}")
        }
    }
}

fn parse_answer(line: &str) -> Option<Result<Inspected, FileProblem>> {
    let (verdict, rest) = line.split_once(' ')?;
    match verdict {
        "ok" => {
            let pages: usize = rest.parse().ok()?;
            (pages > 0).then_some(Ok(Inspected {
                kind: FileType::Pdf,
                pixels: None,
                pages: Some(pages),
            }))
        }
        "refused" => REFUSALS
            .iter()
            .find(|(_, word)| *word == rest)
            .map(|(problem, _)| Err(*problem)),
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
                parse_answer(&answer_line(&Err(problem))),
                Some(Err(problem))
            );
        }
        let pages = Inspected {
            kind: FileType::Pdf,
            pixels: None,
            pages: Some(3),
        };
        assert_eq!(parse_answer(&answer_line(&Ok(pages))), Some(Ok(pages)));
        for said in [
            "",
            "ok",
            "ok 0",
            "ok -1",
            "ok three",
            "refused",
            "refused fine",
            "yes 3",
        ] {
            assert_eq!(parse_answer(said), None, "{said:?}");
        }
    }
}
