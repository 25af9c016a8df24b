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
    /// The print command failed.
    Command(String),
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
        .map_err(|e| PrintError::Command(format!("{command}: {e}")))?;
    if output.status.success() {
        Ok(Printed {
            to: PrintedTo::Printer(printer, path),
            unprintable,
        })
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr).trim().to_owned();
        Err(PrintError::Command(format!(
            "{command} -d {printer}: {stderr}"
        )))
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
        Err(PrintError::Command(message)) => {
            Notice::error(Text::with(T::NewPrintFailed, [message.clone()]))
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
