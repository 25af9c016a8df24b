//! A walk through every screen and popup of every tab at 80×24, in zh-CN and English. On
//! each, every text the program meant to show must appear whole (wrapped, or cut on
//! purpose with an ellipsis before it was drawn), every popup keeps its border next to
//! Chinese text, and no control character reaches the terminal.

pub(crate) mod check;
mod frame;
mod invoicing;
mod mailing;
mod newapp;
mod orders;
mod review;

use ca_counter::i18n::Lang;
use ca_counter::tui::app::App;

/// One screen of the walk: its name and the app showing it.
pub type Scene = (String, App);

/// Checks every scene; fails listing each problem with its screen.
pub fn walk(scenes: impl Fn(Lang) -> Vec<Scene>) {
    let mut problems = Vec::new();
    let mut count = 0;
    // `WALK_DUMP=dir` writes every screen there, to read them all at once.
    let dump = std::env::var_os("WALK_DUMP").map(std::path::PathBuf::from);
    for lang in Lang::ALL {
        for (name, app) in scenes(lang) {
            count += 1;
            let name = format!("{name} ({})", lang.tag());
            if let Some(dir) = &dump {
                let (screen, _) = check::draw(&app, 80, 24);
                let _ = std::fs::create_dir_all(dir);
                let _ = std::fs::write(dir.join(format!("{name}.txt")), screen);
            }
            problems.extend(check::screen(&name, &app));
        }
    }
    assert!(count > 0, "no screens walked");
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// A scene named `name`.
pub fn scene(name: &str, app: App) -> Scene {
    (name.to_owned(), app)
}
