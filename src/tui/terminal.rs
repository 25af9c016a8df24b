//! The real terminal: raw mode and the alternate screen on the way in, everything undone
//! on the way out — also when the program panics, before the report is printed. Each
//! frame is wrapped in a synchronized update so slow links never show half a frame.

use std::io::{Stdout, Write, stdout};

use super::backend::Output;
use color_eyre::eyre::Result;
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::terminal::{
    BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen, LeaveAlternateScreen,
    disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute, queue};
use ratatui::Frame;

/// The terminal in TUI mode.
pub struct Terminal {
    inner: ratatui::Terminal<Output<Stdout>>,
    mouse: bool,
}

impl Terminal {
    /// Takes over the terminal.
    pub fn enter(mouse: bool) -> Result<Terminal> {
        enable_raw_mode()?;
        let mut out = stdout();
        execute!(
            out,
            EnterAlternateScreen,
            EnableBracketedPaste,
            cursor::Hide
        )?;
        if mouse {
            execute!(out, EnableMouseCapture)?;
        }
        let inner = ratatui::Terminal::new(Output::new(stdout()))?;
        Ok(Terminal { inner, mouse })
    }

    /// Draws one frame inside a synchronized update.
    pub fn draw(&mut self, render: impl FnOnce(&mut Frame)) -> Result<()> {
        queue!(self.inner.backend_mut(), BeginSynchronizedUpdate)?;
        self.inner.draw(render)?;
        queue!(self.inner.backend_mut(), EndSynchronizedUpdate)?;
        self.inner.backend_mut().flush()?;
        Ok(())
    }

    /// Forgets what is on screen so the next frame is drawn whole (after a resize).
    pub fn clear(&mut self) -> Result<()> {
        self.inner.clear()?;
        Ok(())
    }

    /// Gives the terminal back.
    pub fn exit(self) -> Result<()> {
        restore(self.mouse);
        Ok(())
    }
}

/// Undoes everything [`Terminal::enter`] did; safe to call more than once.
pub fn restore(mouse: bool) {
    let mut out = stdout();
    if mouse {
        let _ = execute!(out, DisableMouseCapture);
    }
    let _ = execute!(
        out,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = disable_raw_mode();
}

/// Installs error and panic reports that restore the terminal first and name the log file.
pub fn install_hooks(mouse: bool, log_file: &std::path::Path) -> Result<()> {
    let (panic_hook, eyre_hook) = color_eyre::config::HookBuilder::default()
        .panic_section(format!("The log is at {}", log_file.display()))
        .display_env_section(false)
        .into_hooks();
    eyre_hook.install()?;
    std::panic::set_hook(Box::new(move |info| {
        restore(mouse);
        eprintln!("{}", panic_hook.panic_report(info));
    }));
    Ok(())
}
