//! Tab completion of file paths, as a shell does it: complete what is unambiguous, list
//! the choices when there are several.

use std::path::{Path, PathBuf};

/// The result of completing a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// The text after completion.
    pub text: String,
    /// The names that still match, when more than one does.
    pub choices: Vec<String>,
}

/// Completes `typed` against the file system (`~/` is the home directory).
pub fn complete(typed: &str) -> Completion {
    let (dir_part, prefix) = match typed.rfind('/') {
        Some(i) => (&typed[..=i], &typed[i + 1..]),
        None => ("", typed),
    };
    let dir: PathBuf = if dir_part.is_empty() {
        PathBuf::from(".")
    } else if let Some(rest) = dir_part.strip_prefix("~/") {
        std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_default()
            .join(rest)
    } else {
        PathBuf::from(dir_part)
    };
    let mut matches: Vec<(String, bool)> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let hidden = name.starts_with('.') && !prefix.starts_with('.');
                (name.starts_with(prefix) && !hidden).then(|| (name, is_dir(&e.path())))
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    matches.sort();
    match matches.as_slice() {
        [] => Completion {
            text: typed.to_owned(),
            choices: Vec::new(),
        },
        [(name, dir)] => Completion {
            text: format!("{dir_part}{name}{}", if *dir { "/" } else { "" }),
            choices: Vec::new(),
        },
        many => {
            let common = many
                .iter()
                .skip(1)
                .fold(many[0].0.clone(), |acc, (name, _)| {
                    common_prefix(&acc, name)
                });
            Completion {
                text: format!("{dir_part}{common}"),
                choices: many
                    .iter()
                    .map(|(name, dir)| format!("{name}{}", if *dir { "/" } else { "" }))
                    .collect(),
            }
        }
    }
}

/// A typed path with `~/` meaning the home directory.
pub fn expand_home(path: &str) -> PathBuf {
    match path.strip_prefix("~/") {
        Some(rest) => std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_default()
            .join(rest),
        None => PathBuf::from(path),
    }
}

fn is_dir(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_dir())
}

fn common_prefix(a: &str, b: &str) -> String {
    a.chars()
        .zip(b.chars())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completes_unique_names_and_lists_choices() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let base = dir.path().display().to_string();
        for name in ["申请表-张三.png", "申请表-李四.pdf", "voucher.jpg"] {
            std::fs::write(dir.path().join(name), b"x").unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::create_dir(dir.path().join("scans")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            complete(&format!("{base}/vo")).text,
            format!("{base}/voucher.jpg")
        );
        assert_eq!(
            complete(&format!("{base}/sc")).text,
            format!("{base}/scans/")
        );
        let several = complete(&format!("{base}/申"));
        assert_eq!(several.text, format!("{base}/申请表-"));
        assert_eq!(several.choices, ["申请表-张三.png", "申请表-李四.pdf"]);
        let none = complete(&format!("{base}/zzz"));
        assert_eq!((none.text, none.choices.len()), (format!("{base}/zzz"), 0));
    }
}
