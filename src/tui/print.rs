//! Printing a document the platform made: saved under the data directory's `prints/`,
//! then sent to the configured printer (`lp -d PRINTER FILE`) when there is one; and what
//! came of it, in words.

use std::path::PathBuf;

use super::net::Net;
use super::text::{Notice, Text, describe};
use crate::api::{ClientError, PdfFile};
use crate::i18n::{Lang, T};

/// How printing went.
#[derive(Debug, Clone, PartialEq)]
pub struct Printed {
    /// Where the document went.
    pub to: PrintedTo,
    /// Characters no font had, printed as their code points: the clerk writes them in.
    pub unprintable: Vec<char>,
}

/// Where a printed document went.
#[derive(Debug, Clone, PartialEq)]
pub enum PrintedTo {
    /// Sent to this printer; the file is kept at the path.
    Printer(String, PathBuf),
    /// Saved here (no printer configured).
    Saved(PathBuf),
}

/// Why printing failed.
#[derive(Debug)]
pub enum PrintError {
    /// The platform refused (e.g. bad input) or could not be reached.
    Platform(ClientError),
    /// The file could not be saved.
    Save(PathBuf, std::io::ErrorKind),
    /// The print command failed; the document is saved at the path all the same.
    Command(PathBuf, CommandFailure),
}

/// How the print command failed.
#[derive(Debug, Clone, PartialEq)]
pub enum CommandFailure {
    /// No such program (`[print] command`, `lp` by default: CUPS is not installed).
    NotFound(String),
    /// It could not be run for another reason (as the system says it).
    NotRun(String, std::io::ErrorKind),
    /// It ran and refused the job: the printer and what the command said.
    Refused(String, String),
}

/// Fetches a document with `fetch` and prints it as `name`.
pub async fn fetch_and_print(
    net: &Net,
    name: &str,
    fetch: impl std::future::Future<Output = Result<PdfFile, ClientError>>,
) -> Result<Printed, PrintError> {
    match fetch.await {
        Ok(pdf) => print(net, name, pdf).await,
        Err(e) => Err(PrintError::Platform(e)),
    }
}

/// Saves a document under the data directory's `prints/`, then sends it to the printer
/// when one is configured.
pub async fn print(net: &Net, name: &str, pdf: PdfFile) -> Result<Printed, PrintError> {
    let PdfFile {
        bytes: pdf,
        unprintable,
    } = pdf;
    // Names come from order numbers and references, never from users; slashes go anyway.
    // The file holds the customer's data: this user's only, its directory made 0700.
    let path = net
        .data_dir
        .join("prints")
        .join(name.replace(['/', '\\'], "_"));
    let target = path.clone();
    let saved =
        tokio::task::spawn_blocking(move || crate::tui::files::write_private(&target, &pdf))
            .await
            .map_err(|_| PrintError::Save(path.clone(), std::io::ErrorKind::Other))?;
    saved.map_err(|e| PrintError::Save(path.clone(), e.kind()))?;
    let Some(printer) = net.print.printer.clone().filter(|p| !p.trim().is_empty()) else {
        return Ok(Printed {
            to: PrintedTo::Saved(path),
            unprintable,
        });
    };
    let command = net.print.command.clone().unwrap_or_else(|| "lp".into());
    let output = tokio::process::Command::new(&command)
        .arg("-d")
        .arg(&printer)
        .arg(&path)
        .output()
        .await
        .map_err(|e| {
            PrintError::Command(
                path.clone(),
                if e.kind() == std::io::ErrorKind::NotFound {
                    CommandFailure::NotFound(command.clone())
                } else {
                    CommandFailure::NotRun(command.clone(), e.kind())
                },
            )
        })?;
    if output.status.success() {
        Ok(Printed {
            to: PrintedTo::Printer(printer, path),
            unprintable,
        })
    } else {
        // What the command said, as it said it (CUPS speaks the system's language): its
        // first line, shortened, so the saved file's path still fits the message lines.
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first = stderr
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or_default();
        let words = first.split_whitespace().collect::<Vec<_>>().join(" ");
        let said = if words.chars().count() > 60 {
            format!("{}…", words.chars().take(59).collect::<String>())
        } else {
            words
        };
        Err(PrintError::Command(
            path,
            CommandFailure::Refused(printer, said),
        ))
    }
}

/// What printing came to, in words (`lang`: the language the platform was asked in).
pub fn printed_notice(result: &Result<Printed, PrintError>, lang: Lang) -> Notice {
    match result {
        Ok(printed) => {
            let done = match &printed.to {
                PrintedTo::Printer(printer, path) => {
                    Text::with(T::NewPrinted, [printer.clone(), path.display().to_string()])
                }
                PrintedTo::Saved(path) => Text::with(T::NewSaved, [path.display().to_string()]),
            };
            if printed.unprintable.is_empty() {
                Notice::done(done)
            } else {
                let chars: Vec<String> = printed
                    .unprintable
                    .iter()
                    .map(|c| format!("{c}(U+{:04X})", *c as u32))
                    .collect();
                Notice::warning(super::text::compose(
                    T::PrintUnprintable,
                    &[&Text::plain(chars.join(" ")), &done],
                    lang,
                ))
            }
        }
        Err(PrintError::Platform(e)) => Notice::error(describe(e, lang)),
        Err(PrintError::Save(path, kind)) => Notice::error(Text::with(
            T::FileUnwritable,
            [path.display().to_string(), format!("{kind}")],
        )),
        // The document is saved all the same: the message says where, to print it from.
        Err(PrintError::Command(path, failure)) => {
            let path = path.display().to_string();
            Notice::error(match failure {
                CommandFailure::NotFound(command) => {
                    Text::with(T::PrintCommandMissing, [command.clone(), path])
                }
                CommandFailure::NotRun(command, kind) => Text::with(
                    T::PrintCommandNotRun,
                    [command.clone(), kind.to_string(), path],
                ),
                CommandFailure::Refused(printer, said) => {
                    Text::with(T::PrintRefused, [printer.clone(), said.clone(), path])
                }
            })
        }
    }
}

/// `YYYYMMDD-HHMMSS` in China time, for names of printed lists.
pub fn stamp() -> String {
    time::OffsetDateTime::now_utc()
        .to_offset(crate::domain::CHINA)
        .format(time::macros::format_description!(
            "[year][month][day]-[hour][minute][second]"
        ))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Client;
    use std::os::unix::fs::PermissionsExt;

    fn net(dir: &std::path::Path, command: &str) -> Net {
        let client = Client::new("http://127.0.0.1:9", "t", Lang::ZhCn).expect("client");
        let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
        Net::new(
            client,
            tx,
            dir.to_owned(),
            crate::config::PrintConfig {
                printer: Some("counter-1".into()),
                command: Some(command.into()),
            },
            Default::default(),
        )
    }

    fn pdf() -> PdfFile {
        PdfFile {
            bytes: b"%PDF-1.7 test".to_vec(),
            unprintable: Vec::new(),
        }
    }

    /// A printer that cannot be reached (no CUPS on the machine, a queue that refuses):
    /// the clerk is told in their language why and where the saved document is, to print
    /// it from there — not the system's words alone ("No such file or directory (os
    /// error 2)").
    #[tokio::test]
    async fn a_print_that_fails_says_why_and_where_the_document_is() {
        let dir = tempfile::tempdir().expect("dir");
        let saved = dir.path().join("prints").join("HN1-申请表.pdf");
        let missing = dir.path().join("no-such-lp");
        let result = print(
            &net(dir.path(), &missing.display().to_string()),
            "HN1-申请表.pdf",
            pdf(),
        )
        .await;
        assert!(
            matches!(&result, Err(PrintError::Command(path, CommandFailure::NotFound(_))) if *path == saved),
            "{result:?}"
        );
        assert!(saved.exists());
        let said = printed_notice(&result, Lang::ZhCn).text.get(Lang::ZhCn);
        assert!(
            said.contains("找不到打印命令") && said.contains(&saved.display().to_string()),
            "{said}"
        );
        assert!(!said.contains("os error"), "{said}");

        let refusing = dir.path().join("lp");
        std::fs::write(
            &refusing,
            "#!/bin/sh\necho 'lp: The printer or class does not exist.' >&2\nexit 1\n",
        )
        .expect("script");
        std::fs::set_permissions(&refusing, std::fs::Permissions::from_mode(0o700)).expect("mode");
        let result = print(
            &net(dir.path(), &refusing.display().to_string()),
            "HN1-申请表.pdf",
            pdf(),
        )
        .await;
        let said = printed_notice(&result, Lang::En).text.get(Lang::En);
        assert!(
            said.contains(
                "the printer counter-1 did not take it: lp: The printer or class does not exist."
            ) && said.contains(&saved.display().to_string()),
            "{said}"
        );
    }
}
