//! One page of a document: text, lines, boxes and QR codes placed in points from the top
//! left, then written as a PDF page. Documents build sheets; `finish_pages` writes them.

use std::collections::BTreeSet;

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Transform};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke, StrokeDash};
use krilla::surface::Surface;
use krilla::text::TextDirection;

use super::fonts::{Fonts, runs};
use super::text::{self, SMALLEST};
use super::{Pdf, PdfError};

/// A4 in points.
pub(super) const A4_WIDTH: f32 = 595.28;
pub(super) const A4_HEIGHT: f32 = 841.89;
/// The margin of the forms.
pub(super) const MARGIN: f32 = 56.0;

/// Nothing is printed nearer the paper's edge than 10 mm: office laser printers leave the
/// outer 4–5 mm blank, some more.
pub(super) const EDGE: f32 = 10.0 * MM;

/// The side of a seal's space: 42 mm, a round 公章 (40–42 mm) with room around it.
pub(super) const SEAL: f32 = 42.0 * MM;

/// Where an A4 page's footer line sits (its baseline), clear of `EDGE`.
pub(super) const FOOT_BASELINE: f32 = A4_HEIGHT - EDGE - 2.0;

/// Where the level demo mark of an A4 page sits (its baseline): at the top, left of the
/// page's code, clear of `EDGE`, above the first text.
pub(super) const DEMO_BASELINE: f32 = EDGE + 7.0;
/// One millimetre in points.
pub(super) const MM: f32 = 72.0 / 25.4;

/// How a line of text sits in its cell.
#[derive(Clone, Copy)]
pub(super) enum Align {
    Left,
    Centre,
    Right,
}

struct Text {
    x: f32,
    y: f32,
    size: f32,
    text: String,
    /// 0 black … 255 white.
    gray: u8,
    /// Degrees, counter-clockwise as seen on the page, about (x, y).
    angle: f32,
}

struct Line {
    from: (f32, f32),
    to: (f32, f32),
    width: f32,
    dashed: bool,
}

/// One page of text, lines, boxes and filled squares.
pub(super) struct Sheet {
    pub(super) fonts: Fonts,
    /// Page width in points.
    pub(super) width: f32,
    /// Page height in points.
    pub(super) height: f32,
    texts: Vec<Text>,
    lines: Vec<Line>,
    squares: Vec<(f32, f32, f32, f32)>,
    /// Areas kept white over the demo mark (codes, quiet zone included): grey under a
    /// code's light modules kept scanners from reading it on a long page.
    clears: Vec<(f32, f32, f32, f32)>,
    /// The text of the code stamped on it ([`stamp_codes`]), kept in the file's metadata
    /// too: the file itself, uploaded instead of a scan of the signed paper, is known.
    code: Option<String>,
}

impl Sheet {
    /// An empty A4 page.
    pub(super) fn new(fonts: &Fonts) -> Sheet {
        Sheet::with_size(fonts, A4_WIDTH, A4_HEIGHT)
    }

    /// An empty page `width` × `height` points.
    pub(super) fn with_size(fonts: &Fonts, width: f32, height: f32) -> Sheet {
        Sheet {
            fonts: fonts.clone(),
            width,
            height,
            texts: Vec::new(),
            lines: Vec::new(),
            squares: Vec::new(),
            clears: Vec::new(),
            code: None,
        }
    }

    /// How wide `text` is at `size`.
    pub(super) fn measure(&self, text: &str, size: f32) -> f32 {
        self.fonts.width(text, size)
    }

    /// `text` wrapped to `width` (see [`text::wrap`]).
    pub(super) fn wrap(&self, text: &str, size: f32, width: f32) -> Vec<String> {
        text::wrap(&self.fonts, text, size, width)
    }

    /// `text` shrunk to one line of `width` (see [`text::fit_line`]).
    pub(super) fn fit(&self, text: &str, size: f32, min: f32, width: f32) -> (f32, String) {
        text::fit_line(&self.fonts, text, size, min, width)
    }

    /// Text with its baseline at `y` (from the top).
    pub(super) fn text(&mut self, x: f32, y: f32, size: f32, text: impl Into<String>) {
        self.texts.push(Text {
            x,
            y,
            size,
            text: text.into(),
            gray: 0,
            angle: 0.0,
        });
    }

    /// Grey text, turned `angle` degrees about its start.
    pub(super) fn text_styled(
        &mut self,
        x: f32,
        y: f32,
        size: f32,
        text: impl Into<String>,
        gray: u8,
        angle: f32,
    ) {
        self.texts.push(Text {
            x,
            y,
            size,
            text: text.into(),
            gray,
            angle,
        });
    }

    /// Text centred on the page.
    pub(super) fn centred(&mut self, y: f32, size: f32, text: &str) {
        let x = (self.width - self.measure(text, size)) / 2.0;
        self.text(x, y, size, text);
    }

    /// Text ending at `right`.
    pub(super) fn right(&mut self, right: f32, y: f32, size: f32, text: &str) {
        let x = right - self.measure(text, size);
        self.text(x, y, size, text);
    }

    /// Lines of text from `top` (the first baseline at `top + size`), `leading` apart;
    /// returns where the next line would go.
    pub(super) fn paragraph(
        &mut self,
        x: f32,
        top: f32,
        size: f32,
        leading: f32,
        width: f32,
        text: &str,
    ) -> f32 {
        let mut y = top;
        for line in self.wrap(text, size, width) {
            self.text(x, y + size, size, line);
            y += leading;
        }
        y
    }

    pub(super) fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32) {
        self.lines.push(Line {
            from: (x1, y1),
            to: (x2, y2),
            width,
            dashed: false,
        });
    }

    /// A dashed line, as a tear-off line is printed.
    pub(super) fn dashed(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32) {
        self.lines.push(Line {
            from: (x1, y1),
            to: (x2, y2),
            width,
            dashed: true,
        });
    }

    pub(super) fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, width: f32) {
        self.line(x, y, x + w, y, width);
        self.line(x + w, y, x + w, y + h, width);
        self.line(x + w, y + h, x, y + h, width);
        self.line(x, y + h, x, y, width);
    }

    /// A dashed rectangle: a place for a seal.
    pub(super) fn dashed_rect(&mut self, x: f32, y: f32, w: f32, h: f32) {
        self.dashed(x, y, x + w, y, 0.5);
        self.dashed(x + w, y, x + w, y + h, 0.5);
        self.dashed(x + w, y + h, x, y + h, 0.5);
        self.dashed(x, y + h, x, y, 0.5);
    }

    /// A filled black square (or rectangle), e.g. a QR module.
    pub(super) fn fill(&mut self, x: f32, y: f32, w: f32, h: f32) {
        self.squares.push((x, y, w, h));
    }

    /// A box to tick, its bottom on the baseline `y`, with `label` after it; returns
    /// where the next box may start.
    pub(super) fn checkbox(&mut self, x: f32, y: f32, size: f32, ticked: bool, label: &str) -> f32 {
        let side = size * 0.85;
        let top = y - side + size * 0.08;
        self.rect(x, top, side, side, 0.6);
        if ticked {
            self.line(
                x + side * 0.18,
                top + side * 0.5,
                x + side * 0.42,
                top + side * 0.8,
                1.1,
            );
            self.line(
                x + side * 0.42,
                top + side * 0.8,
                x + side * 0.85,
                top + side * 0.15,
                1.1,
            );
        }
        let text_x = x + side + size * 0.3;
        self.text(text_x, y, size, label);
        text_x + self.measure(label, size) + size * 1.2
    }

    /// A pair of scissors (drawn, not a glyph: the built-in font has none) with its blades
    /// on the line at `y`, pointing right from `x`.
    pub(super) fn scissors(&mut self, x: f32, y: f32) {
        let ring = |sheet: &mut Sheet, cx: f32, cy: f32| {
            let r = 2.2;
            let steps = 10;
            for i in 0..steps {
                let a = i as f32 / steps as f32 * std::f32::consts::TAU;
                let b = (i + 1) as f32 / steps as f32 * std::f32::consts::TAU;
                sheet.line(
                    cx + r * a.cos(),
                    cy + r * a.sin(),
                    cx + r * b.cos(),
                    cy + r * b.sin(),
                    0.7,
                );
            }
        };
        ring(self, x + 2.2, y - 3.4);
        ring(self, x + 2.2, y + 3.4);
        self.line(x + 4.0, y - 2.4, x + 14.0, y + 1.6, 0.8);
        self.line(x + 4.0, y + 2.4, x + 14.0, y - 1.6, 0.8);
    }

    /// A QR code of `payload` with its top left (quiet zone included) at `x`, `y` and
    /// `side` points wide, drawn as vector squares; the four modules of quiet zone stay
    /// blank. Returns false (and draws nothing) when the payload is too long for a code.
    /// The width of the quiet zone [`Sheet::qr`] leaves around the code of `payload` drawn
    /// `side` wide (four modules: how many there are depends on the payload's length).
    pub(super) fn qr_quiet(side: f32, payload: &str) -> f32 {
        let n = qrcode::QrCode::with_error_correction_level(payload.as_bytes(), qrcode::EcLevel::M)
            .map_or(21, |code| code.width());
        side * 4.0 / (n + 8) as f32
    }

    pub(super) fn qr(&mut self, x: f32, y: f32, side: f32, payload: &str) -> bool {
        let Ok(code) =
            qrcode::QrCode::with_error_correction_level(payload.as_bytes(), qrcode::EcLevel::M)
        else {
            return false;
        };
        let n = code.width();
        let quiet = 4;
        let module = side / (n + 2 * quiet) as f32;
        self.clears.push((x, y, side, side));
        let colors = code.to_colors();
        for row in 0..n {
            let mut col = 0;
            while col < n {
                if colors[row * n + col] != qrcode::Color::Dark {
                    col += 1;
                    continue;
                }
                let start = col;
                while col < n && colors[row * n + col] == qrcode::Color::Dark {
                    col += 1;
                }
                self.fill(
                    x + (quiet + start) as f32 * module,
                    y + (quiet + row) as f32 * module,
                    (col - start) as f32 * module,
                    module,
                );
            }
        }
        true
    }

    /// One line in the cell from `x` to `x + width`, 4 points in from the edges, shrunk to
    /// fit.
    pub(super) fn cell_line(
        &mut self,
        x: f32,
        width: f32,
        baseline: f32,
        size: f32,
        text: &str,
        align: Align,
    ) {
        let pad = 4.0;
        let (size, text) = self.fit(text, size, SMALLEST, width - 2.0 * pad);
        let used = self.measure(&text, size);
        let left = match align {
            Align::Left => x + pad,
            Align::Centre => x + (width - used) / 2.0,
            Align::Right => x + width - pad - used,
        };
        self.text(left, baseline, size, text);
    }

    /// Characters one under another, centred in the column from `x` to `x + width` and
    /// in the band from `top` to `bottom`, as Chinese forms caption a side panel.
    pub(super) fn vertical(
        &mut self,
        x: f32,
        width: f32,
        top: f32,
        bottom: f32,
        size: f32,
        text: &str,
    ) {
        let chars: Vec<char> = text.chars().collect();
        let step = (size * 1.3).min((bottom - top - 4.0) / chars.len().max(1) as f32);
        let size = size.min(step / 1.1).min(width - 4.0);
        let start = top + (bottom - top - step * chars.len() as f32) / 2.0;
        for (i, c) in chars.into_iter().enumerate() {
            let s = c.to_string();
            let left = x + (width - self.measure(&s, size)) / 2.0;
            self.text(left, start + step * (i as f32 + 0.85), size, s);
        }
    }

    /// The demo mark: `text` in large grey letters across the middle of the page, corner
    /// to corner, so that no copy of the page passes for the real thing; and level, with
    /// its baseline at `level_at`, where it is read and copied as text.
    pub(super) fn demo_band(&mut self, text: &str, level_at: f32) {
        let (w, h) = (self.width, self.height);
        let angle = (h / w).atan().to_degrees().min(35.0);
        let length = (w * w + h * h).sqrt() * 0.8;
        let size = (length / self.measure(text, 1.0).max(1.0)).clamp(10.0, 40.0);
        let used = self.measure(text, size);
        let rad = angle.to_radians();
        // Start so that the middle of the text sits on the middle of the page.
        let x = w / 2.0 - used / 2.0 * rad.cos();
        let y = h / 2.0 + used / 2.0 * rad.sin() + size / 3.0;
        // Drawn first, so the page's own text and codes stay black on top of it.
        self.texts.insert(
            0,
            Text {
                x,
                y,
                size,
                text: text.to_owned(),
                gray: 185,
                angle,
            },
        );
        // The same words level (a diagonal line comes out of a PDF as scattered letters),
        // clear of the edge an office printer leaves blank (see `EDGE`).
        let (foot, line) = self.fit(text, 8.0, 6.0, w - 2.0 * EDGE);
        let used = self.measure(&line, foot);
        self.text_styled((w - used) / 2.0, level_at, foot, line, 60, 0.0);
    }

    pub(super) fn finish(self, title: &str) -> Result<Pdf, PdfError> {
        finish_pages(vec![self], title)
    }

    /// Puts this sheet on one page; returns the characters no font has.
    fn draw(&self, surface: &mut Surface<'_>) -> BTreeSet<char> {
        let mut unprintable = BTreeSet::new();
        // The turned demo mark first, then white where codes go, then the page's own text.
        let (turned, level): (Vec<&Text>, Vec<&Text>) =
            self.texts.iter().partition(|t| t.angle != 0.0);
        self.draw_texts(surface, &turned, &mut unprintable);
        if !turned.is_empty() {
            fill_rects(surface, &self.clears, rgb::Color::white());
        }
        self.draw_texts(surface, &level, &mut unprintable);
        self.draw_shapes(surface);
        unprintable
    }

    /// Draws `texts`, noting the characters no font has in `unprintable`.
    fn draw_texts(
        &self,
        surface: &mut Surface<'_>,
        texts: &[&Text],
        unprintable: &mut BTreeSet<char>,
    ) {
        for item in texts {
            surface.set_fill(Some(Fill {
                paint: rgb::Color::new(item.gray, item.gray, item.gray).into(),
                ..Fill::default()
            }));
            let turned = item.angle != 0.0;
            if turned {
                surface.push_transform(&Transform::from_rotate_at(-item.angle, item.x, item.y));
            }
            let mut x = item.x;
            for (face, run) in runs(&self.fonts, &item.text, unprintable) {
                surface.draw_text(
                    Point::from_xy(x, item.y),
                    face.font.clone(),
                    item.size,
                    &run,
                    false,
                    TextDirection::Auto,
                );
                x += face.advance(&run, item.size);
            }
            if turned {
                surface.pop();
            }
        }
    }

    /// Draws the filled squares (codes) and the lines.
    fn draw_shapes(&self, surface: &mut Surface<'_>) {
        fill_rects(surface, &self.squares, rgb::Color::black());
        surface.set_fill(None);
        for line in &self.lines {
            let mut builder = PathBuilder::new();
            builder.move_to(line.from.0, line.from.1);
            builder.line_to(line.to.0, line.to.1);
            if let Some(path) = builder.finish() {
                surface.set_stroke(Some(Stroke {
                    width: line.width,
                    dash: line.dashed.then(|| StrokeDash {
                        array: vec![4.0, 3.0],
                        offset: 0.0,
                    }),
                    ..Stroke::default()
                }));
                surface.draw_path(&path);
            }
        }
    }
}

/// Fills `rects` (x, y, width, height) in `color`, unstroked, as one path.
fn fill_rects(surface: &mut Surface<'_>, rects: &[(f32, f32, f32, f32)], color: rgb::Color) {
    let mut builder = PathBuilder::new();
    for (x, y, w, h) in rects {
        if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
            builder.push_rect(rect);
        }
    }
    if let Some(path) = builder.finish() {
        surface.set_stroke(None);
        surface.set_fill(Some(Fill {
            paint: color.into(),
            ..Fill::default()
        }));
        surface.draw_path(&path);
    }
}

/// Writes `sheets` as the pages of one PDF titled `title`, each page its sheet's size.
/// How the pages of a document of several say what they are, in the paper's words.
#[derive(Debug, Clone, Default)]
pub struct Continued {
    /// At the top of every page after the first, e.g. 数字证书申请表（个人）（续）.
    pub title: String,
    /// Under it, what the document is of, e.g. 订单号 HN20261128000001.
    pub reference: String,
    /// At the foot of every page, with `{0}` and `{1}`, e.g. 第 {0} 页 共 {1} 页.
    pub page_of: String,
}

/// A document that runs onto more pages: every page after the first says what it
/// continues (left of its code, where the first page has its title), and every page says
/// which of how many it is — a second sheet read alone, or photographed alone, is still
/// known.
pub(super) fn mark_continued(pages: &mut [Sheet], continued: &Continued) {
    let count = pages.len();
    if count < 2 {
        return;
    }
    for (i, page) in pages.iter_mut().enumerate() {
        if i > 0 {
            let room = code_left(page.width) - MARGIN - 8.0;
            let (size, title) = page.fit(&continued.title, 12.0, 9.0, room);
            page.text(MARGIN, 64.0, size, title);
            let (size, line) = page.fit(&continued.reference, 9.5, 7.0, room);
            page.text(MARGIN, 82.0, size, line);
        }
        let numbers = continued
            .page_of
            .replace("{0}", &(i + 1).to_string())
            .replace("{1}", &count.to_string());
        page.right(page.width - MARGIN, FOOT_BASELINE, 8.5, &numbers);
    }
}

pub(super) fn finish_pages(sheets: Vec<Sheet>, title: &str) -> Result<Pdf, PdfError> {
    let mut document = Document::new();
    let mut unprintable = BTreeSet::new();
    for sheet in &sheets {
        let settings = PageSettings::from_wh(sheet.width, sheet.height)
            .ok_or_else(|| PdfError::Write("page size".into()))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        unprintable.extend(sheet.draw(&mut surface));
        surface.finish();
        page.finish();
    }
    // Each page's code as a keyword (`CAC:F:O:HN…:1/1`): what the file is, read back
    // without drawing it (`domain::generated_codes`).
    let keywords: Vec<String> = sheets.iter().filter_map(|s| s.code.clone()).collect();
    document.set_metadata(
        krilla::metadata::Metadata::new()
            .title(title.to_owned())
            .keywords(keywords),
    );
    let bytes = document
        .finish()
        .map_err(|e| PdfError::Write(format!("{e:?}")))?;
    if !unprintable.is_empty() {
        let codes: Vec<String> = unprintable
            .iter()
            .map(|c| format!("U+{:04X}", *c as u32))
            .collect();
        tracing::warn!(document = title, characters = %codes.join(" "), "no font can draw these characters; printed as code points");
    }
    Ok(Pdf {
        bytes,
        unprintable: unprintable.into_iter().collect(),
    })
}

/// Side of the code printed on each page, quiet zone included: 26 mm, so a module is
/// near 0.8 mm, coarse enough for a phone photo of the whole page.
pub(super) const CODE_SIDE: f32 = 26.0 * MM;
/// The code's distance from the top and right edges: inside what a flat-bed scanner and
/// a hand-held photo keep of a page.
pub(super) const CODE_INSET: f32 = 12.0 * MM;

/// Pages laid out top to bottom, a new page started when the next block does not fit.
pub(super) struct Flow {
    fonts: Fonts,
    done: Vec<Sheet>,
    /// The page being filled.
    pub(super) page: Sheet,
    /// Where the next block starts.
    pub(super) y: f32,
    top: f32,
    bottom: f32,
}

impl Flow {
    /// A flow on A4 pages, starting at `first_top` on the first page and at `top` on the
    /// following ones, never past `bottom`.
    pub(super) fn new(fonts: &Fonts, first_top: f32, top: f32, bottom: f32) -> Flow {
        Flow {
            fonts: fonts.clone(),
            done: Vec::new(),
            page: Sheet::new(fonts),
            y: first_top,
            top,
            bottom,
        }
    }

    /// True when a block `height` high fits under what this page holds.
    pub(super) fn fits(&self, height: f32) -> bool {
        self.y + height <= self.bottom
    }

    /// Makes room for a block `height` high: a new page when it does not fit on this one
    /// (unless the page is still empty).
    pub(super) fn room(&mut self, height: f32) {
        if self.y + height > self.bottom && self.y > self.top + 1.0 {
            let full = std::mem::replace(&mut self.page, Sheet::new(&self.fonts));
            self.done.push(full);
            self.y = self.top;
        }
    }

    /// Every page, the last one included.
    pub(super) fn finish(mut self) -> Vec<Sheet> {
        self.done.push(self.page);
        self.done
    }
}

/// Puts the document's code on every page, top right, with its caption under it: the
/// page's own number and the page count are in the code.
pub(super) fn stamp_codes(pages: &mut [Sheet], code: &super::PageCode) {
    let count = pages.len() as u32;
    for (i, page) in pages.iter_mut().enumerate() {
        let n = i as u32 + 1;
        let payload = crate::domain::DocCode {
            kind: code.kind,
            subject: code.subject.clone(),
            page: n,
            pages: count,
            edition: code.edition.clone(),
        }
        .payload();
        page.code = Some(payload.clone());
        let x = page.width - CODE_INSET - CODE_SIDE;
        let y = CODE_INSET;
        page.qr(x, y, CODE_SIDE, &payload);
        let caption = code
            .caption
            .replace("{0}", code.subject.number())
            .replace("{1}", &n.to_string())
            .replace("{2}", &count.to_string());
        let (size, caption) = page.fit(&caption, 7.0, 5.5, CODE_SIDE + 2.0 * MM);
        let w = page.measure(&caption, size);
        page.text(
            x + (CODE_SIDE - w) / 2.0,
            y + CODE_SIDE + size,
            size,
            caption,
        );
    }
}

/// The left edge of the code on a page `width` wide: text in the top band keeps left of it.
pub(super) fn code_left(width: f32) -> f32 {
    width - CODE_INSET - CODE_SIDE
}
