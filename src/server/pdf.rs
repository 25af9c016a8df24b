//! Printed documents: the application form (申请表) the customer signs and the acceptance
//! receipt (受理回执), A4 PDFs with Chinese text, drawn with the CJK font built into the
//! program (a subset of Noto Sans CJK SC, `assets/fonts/`). A character that font lacks is
//! drawn from a system font when one has it; one that no font can draw is printed as its
//! code point and reported with the document, never as a blank box.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use skrifa::MetadataProvider;
use skrifa::instance::{LocationRef, Size};

/// The font built into the program: Noto Sans CJK SC Regular, subset to Latin, symbols and
/// the CJK Unified Ideographs block (OFL 1.1, see `assets/fonts/`).
static BUILTIN_FONT: &[u8] = include_bytes!("../../assets/fonts/NotoSansCJKsc-Regular-subset.otf");

/// System fonts asked for a character the built-in font lacks, best first.
const FALLBACK_CANDIDATES: &[&str] = &[
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/hanazono/HanaMinA.ttf",
    "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf",
];

/// Why a document could not be made.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PdfError {
    /// The configured fallback font is not there.
    #[error("the font {0} (`[platform] pdf_font`) does not exist")]
    NoFont(String),
    /// The font file is not a font.
    #[error("{0} is not a usable font")]
    BadFont(String),
    /// The PDF writer failed.
    #[error("PDF: {0}")]
    Write(String),
}

/// A document ready to send, with the characters no font could draw (printed as their
/// code points, e.g. `[U+2A6A5]`, for the clerk to write in by hand).
#[derive(Debug, Clone)]
pub struct Pdf {
    /// The PDF file.
    pub bytes: Vec<u8>,
    /// Characters drawn as their code points because no font has them.
    pub unprintable: Vec<char>,
}

impl Pdf {
    /// `U+2A6A5 U+2B81D`, for a header or a log line; empty when every character printed.
    pub fn unprintable_codes(&self) -> String {
        self.unprintable
            .iter()
            .map(|c| format!("U+{:04X}", *c as u32))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// One font face: the PDF writer's handle and the bytes to look glyphs up in.
#[derive(Clone)]
struct Face {
    font: Font,
    data: Arc<dyn AsRef<[u8]> + Send + Sync>,
    index: u32,
}

impl Face {
    fn new(
        data: Arc<dyn AsRef<[u8]> + Send + Sync>,
        index: u32,
        name: &str,
    ) -> Result<Face, PdfError> {
        skrifa::FontRef::from_index((*data).as_ref(), index)
            .map_err(|_| PdfError::BadFont(name.to_owned()))?;
        let font = Font::new(data.clone().into(), index)
            .ok_or_else(|| PdfError::BadFont(name.to_owned()))?;
        Ok(Face { font, data, index })
    }

    fn face(&self) -> Option<skrifa::FontRef<'_>> {
        skrifa::FontRef::from_index((*self.data).as_ref(), self.index).ok()
    }

    /// True when the face has a glyph for `c`.
    fn has(&self, c: char) -> bool {
        self.face().is_some_and(|f| f.charmap().map(c).is_some())
    }

    /// How far `text` advances at `size` points.
    fn advance(&self, text: &str, size: f32) -> f32 {
        let Some(face) = self.face() else { return 0.0 };
        let charmap = face.charmap();
        let metrics = face.glyph_metrics(Size::new(size), LocationRef::default());
        text.chars()
            .filter_map(|c| charmap.map(c))
            .filter_map(|g| metrics.advance_width(g))
            .sum()
    }
}

/// The fonts documents are drawn with, shared by all of them: the built-in one, then
/// system fonts for the characters it lacks (looked for the first time one is needed).
#[derive(Clone)]
pub struct Fonts {
    builtin: Face,
    configured: Option<PathBuf>,
    search_system: bool,
    fallbacks: Arc<OnceLock<Vec<Face>>>,
}

impl std::fmt::Debug for Fonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fonts")
            .field("configured", &self.configured)
            .finish()
    }
}

impl Fonts {
    /// The built-in font, with `configured` (`[platform] pdf_font`) and the usual system
    /// places as fallbacks for rare characters. A configured font that is missing or not a
    /// font is an error: it was asked for by name.
    pub fn load(configured: Option<&Path>) -> Result<Fonts, PdfError> {
        if let Some(path) = configured {
            if !path.is_file() {
                return Err(PdfError::NoFont(path.display().to_string()));
            }
            load_faces(path)?;
        }
        Ok(Fonts {
            configured: configured.map(Path::to_owned),
            search_system: true,
            ..Fonts::builtin_only()?
        })
    }

    /// The built-in font alone, as on a machine with no fonts installed.
    pub fn builtin_only() -> Result<Fonts, PdfError> {
        let data: Arc<dyn AsRef<[u8]> + Send + Sync> = Arc::new(BUILTIN_FONT);
        Ok(Fonts {
            builtin: Face::new(data, 0, "built-in")?,
            configured: None,
            search_system: false,
            fallbacks: Arc::default(),
        })
    }

    fn fallbacks(&self) -> &[Face] {
        self.fallbacks.get_or_init(|| {
            let mut paths: Vec<PathBuf> = self.configured.iter().cloned().collect();
            if self.search_system {
                paths.extend(FALLBACK_CANDIDATES.iter().map(PathBuf::from));
            }
            paths
                .iter()
                .filter(|p| p.is_file())
                .filter_map(|p| match load_faces(p) {
                    Ok(faces) => Some(faces),
                    Err(e) => {
                        tracing::warn!(error = %e, "fallback font skipped");
                        None
                    }
                })
                .flatten()
                .collect()
        })
    }

    /// The face that draws `c`: the built-in one if it can, else the first fallback that
    /// can; `None` when no font has it.
    fn face_for(&self, c: char) -> Option<&Face> {
        if self.builtin.has(c) || c.is_whitespace() || c.is_control() {
            return Some(&self.builtin);
        }
        self.fallbacks().iter().find(|f| f.has(c))
    }
}

/// Every face in a font file (one, or all of a collection's).
fn load_faces(path: &Path) -> Result<Vec<Face>, PdfError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|_| PdfError::BadFont(name.clone()))?;
    let count = match skrifa::raw::FileRef::new(&bytes) {
        Ok(skrifa::raw::FileRef::Collection(c)) => c.len(),
        Ok(skrifa::raw::FileRef::Font(_)) => 1,
        Err(_) => return Err(PdfError::BadFont(name)),
    };
    let data: Arc<dyn AsRef<[u8]> + Send + Sync> = Arc::new(bytes);
    (0..count)
        .map(|i| Face::new(data.clone(), i, &name))
        .collect()
}

/// A4 in points.
const WIDTH: f32 = 595.28;
const HEIGHT: f32 = 841.89;
const MARGIN: f32 = 56.0;

/// Draws one A4 page of text, lines and boxes.
struct Sheet {
    fonts: Fonts,
    texts: Vec<(f32, f32, f32, String)>,
    lines: Vec<(f32, f32, f32, f32, f32)>,
}

impl Sheet {
    fn new(fonts: &Fonts) -> Sheet {
        Sheet {
            fonts: fonts.clone(),
            texts: Vec::new(),
            lines: Vec::new(),
        }
    }

    /// Text with its baseline at `y` (from the top).
    fn text(&mut self, x: f32, y: f32, size: f32, text: impl Into<String>) {
        self.texts.push((x, y, size, text.into()));
    }

    /// Text centred on the page.
    fn centred(&mut self, y: f32, size: f32, text: &str) {
        let x = (WIDTH - text_width(text, size)) / 2.0;
        self.text(x, y, size, text);
    }

    fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32) {
        self.lines.push((x1, y1, x2, y2, width));
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, width: f32) {
        self.line(x, y, x + w, y, width);
        self.line(x + w, y, x + w, y + h, width);
        self.line(x + w, y + h, x, y + h, width);
        self.line(x, y + h, x, y, width);
    }

    /// Wraps `text` into lines no wider than `width`.
    fn wrap(text: &str, size: f32, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for c in text.chars() {
            let mut candidate = line.clone();
            candidate.push(c);
            if text_width(&candidate, size) > width && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }

    fn finish(self, title: &str) -> Result<Pdf, PdfError> {
        finish_pages(vec![self], title)
    }

    /// Puts this sheet's text and lines on one page; returns the characters no font has.
    fn draw(&self, surface: &mut Surface<'_>) -> BTreeSet<char> {
        surface.set_fill(Some(Fill {
            paint: rgb::Color::black().into(),
            ..Fill::default()
        }));
        let mut unprintable = BTreeSet::new();
        for (x, y, size, text) in &self.texts {
            let mut x = *x;
            for (face, run) in runs(&self.fonts, text, &mut unprintable) {
                surface.draw_text(
                    Point::from_xy(x, *y),
                    face.font.clone(),
                    *size,
                    &run,
                    false,
                    TextDirection::Auto,
                );
                x += face.advance(&run, *size);
            }
        }
        surface.set_fill(None);
        for (x1, y1, x2, y2, width) in &self.lines {
            let mut builder = PathBuilder::new();
            builder.move_to(*x1, *y1);
            builder.line_to(*x2, *y2);
            if let Some(path) = builder.finish() {
                surface.set_stroke(Some(Stroke {
                    width: *width,
                    ..Stroke::default()
                }));
                surface.draw_path(&path);
            }
        }
        unprintable
    }
}

/// `text` cut into runs that one face each can draw; a character no face has becomes its
/// code point in the built-in font, and is added to `unprintable`.
fn runs<'f>(
    fonts: &'f Fonts,
    text: &str,
    unprintable: &mut BTreeSet<char>,
) -> Vec<(&'f Face, String)> {
    let mut runs: Vec<(&Face, String)> = Vec::new();
    for c in text.chars() {
        let (face, piece) = match fonts.face_for(c) {
            Some(face) => (face, c.to_string()),
            None => {
                unprintable.insert(c);
                (&fonts.builtin, format!("[U+{:04X}]", c as u32))
            }
        };
        match runs.last_mut() {
            Some((last, run)) if std::ptr::eq(*last, face) => run.push_str(&piece),
            _ => runs.push((face, piece)),
        }
    }
    runs
}

/// Writes `sheets` as the A4 pages of one PDF titled `title`.
fn finish_pages(sheets: Vec<Sheet>, title: &str) -> Result<Pdf, PdfError> {
    let mut document = Document::new();
    let settings =
        PageSettings::from_wh(WIDTH, HEIGHT).ok_or_else(|| PdfError::Write("page size".into()))?;
    let mut unprintable = BTreeSet::new();
    for sheet in &sheets {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        unprintable.extend(sheet.draw(&mut surface));
        surface.finish();
        page.finish();
    }
    document.set_metadata(krilla::metadata::Metadata::new().title(title.to_owned()));
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

/// Width of `text` at `size`, near enough for layout: CJK characters are square, the rest
/// about half as wide.
fn text_width(text: &str, size: f32) -> f32 {
    text.chars()
        .map(
            |c| match unicode_width::UnicodeWidthChar::width(c).unwrap_or(1) {
                2 => size,
                _ => size * 0.55,
            },
        )
        .sum()
}

/// One labelled row of a form table.
pub struct Row {
    /// Label, e.g. 申请人姓名.
    pub label: String,
    /// Value.
    pub value: String,
}

/// What the application form shows.
pub struct ApplicationForm {
    /// The CA, e.g. 湖南CA.
    pub ca_name: String,
    /// 数字证书申请表（个人）
    pub title: String,
    /// Reference line, e.g. `申请编号 SQ7F3K9QAB`.
    pub reference: String,
    /// Date line, e.g. `打印日期 2026-11-28`.
    pub date: String,
    /// The data, one row each.
    pub rows: Vec<Row>,
    /// The declaration above the signature box.
    pub declaration: String,
    /// Label of the signature box.
    pub signature: String,
    /// `日期：      年    月    日`
    pub date_blank: String,
    /// Footer, e.g. the clerk and hotline.
    pub footer: String,
}

/// Renders the application form.
pub fn application_form(fonts: &Fonts, form: &ApplicationForm) -> Result<Pdf, PdfError> {
    let mut sheet = Sheet::new(fonts);
    sheet.centred(MARGIN + 20.0, 20.0, &form.title);
    sheet.text(
        MARGIN,
        MARGIN + 52.0,
        10.5,
        format!("{} · {}", form.ca_name, form.reference),
    );
    sheet.text(
        WIDTH - MARGIN - text_width(&form.date, 10.5),
        MARGIN + 52.0,
        10.5,
        form.date.clone(),
    );
    let top = MARGIN + 64.0;
    let label_width = 118.0;
    let table_width = WIDTH - 2.0 * MARGIN;
    let mut y = top;
    for row in &form.rows {
        let lines = Sheet::wrap(&row.value, 11.0, table_width - label_width - 16.0);
        let height = 10.0 + 16.0 * lines.len().max(1) as f32;
        sheet.text(MARGIN + 8.0, y + 19.0, 11.0, row.label.clone());
        for (i, line) in lines.into_iter().enumerate() {
            sheet.text(
                MARGIN + label_width + 8.0,
                y + 19.0 + 16.0 * i as f32,
                11.0,
                line,
            );
        }
        y += height;
        sheet.line(MARGIN, y, MARGIN + table_width, y, 0.5);
    }
    sheet.rect(MARGIN, top, table_width, y - top, 1.0);
    sheet.line(MARGIN + label_width, top, MARGIN + label_width, y, 0.5);
    y += 28.0;
    for line in Sheet::wrap(&form.declaration, 10.5, table_width) {
        sheet.text(MARGIN, y, 10.5, line);
        y += 16.0;
    }
    y += 12.0;
    let box_height = 120.0;
    sheet.rect(MARGIN, y, table_width, box_height, 1.0);
    sheet.text(MARGIN + 10.0, y + 24.0, 12.0, form.signature.clone());
    sheet.text(
        MARGIN + table_width - 220.0,
        y + box_height - 18.0,
        12.0,
        form.date_blank.clone(),
    );
    sheet.text(MARGIN, HEIGHT - MARGIN, 9.0, form.footer.clone());
    sheet.finish(&form.title)
}

/// What the acceptance receipt shows.
pub struct Receipt {
    /// The CA.
    pub ca_name: String,
    /// 数字证书申请受理回执
    pub title: String,
    /// The order number, printed large.
    pub order_no: String,
    /// Label of the order number.
    pub order_label: String,
    /// The data, one row each.
    pub rows: Vec<Row>,
    /// What the customer should do next.
    pub notes: Vec<String>,
}

/// Renders the acceptance receipt (half a page, to tear off or fold).
pub fn receipt(fonts: &Fonts, receipt: &Receipt) -> Result<Pdf, PdfError> {
    let mut sheet = Sheet::new(fonts);
    sheet.centred(MARGIN + 20.0, 18.0, &receipt.title);
    sheet.centred(MARGIN + 40.0, 10.5, &receipt.ca_name);
    sheet.text(MARGIN, MARGIN + 78.0, 12.0, receipt.order_label.clone());
    sheet.text(MARGIN + 90.0, MARGIN + 80.0, 20.0, receipt.order_no.clone());
    let mut y = MARGIN + 110.0;
    for row in &receipt.rows {
        sheet.text(MARGIN, y, 11.0, row.label.clone());
        sheet.text(MARGIN + 110.0, y, 11.0, row.value.clone());
        y += 20.0;
    }
    y += 8.0;
    sheet.line(MARGIN, y, WIDTH - MARGIN, y, 0.5);
    y += 22.0;
    for note in &receipt.notes {
        for line in Sheet::wrap(note, 10.5, WIDTH - 2.0 * MARGIN) {
            sheet.text(MARGIN, y, 10.5, line);
            y += 16.0;
        }
    }
    sheet.finish(&receipt.title)
}

/// Width of `text` at `size` with room to spare: the font's Latin capitals and digits are
/// wider than [`text_width`] assumes, and a cell must never be overrun.
fn safe_width(text: &str, size: f32) -> f32 {
    text.chars()
        .map(
            |c| match unicode_width::UnicodeWidthChar::width(c).unwrap_or(1) {
                2 => size,
                _ if c.is_ascii_uppercase() => size * 0.7,
                _ => size * 0.6,
            },
        )
        .sum()
}

/// Wraps `text` into lines no wider than `width` as [`safe_width`] measures it, breaking
/// between Chinese characters or at spaces but not inside a run of Latin letters and
/// digits (a tax number, an account, a phone number) unless the run is wider than a line.
fn wrap_safe(text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for token in tokens(paragraph) {
            if safe_width(&format!("{line}{token}"), size) <= width {
                line.push_str(token);
                continue;
            }
            if !line.trim().is_empty() {
                lines.push(line.trim_end().to_owned());
            }
            line.clear();
            for c in token.trim_start().chars() {
                let mut candidate = line.clone();
                candidate.push(c);
                if safe_width(&candidate, size) > width && !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                line.push(c);
            }
        }
        lines.push(line);
    }
    lines
}

/// `text` cut into what a line may not break inside: runs of printable ASCII, and every
/// other character on its own.
fn tokens(text: &str) -> Vec<&str> {
    let mut tokens = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_ascii_graphic() {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            tokens.push(&text[s..i]);
        }
        tokens.push(&text[i..i + c.len_utf8()]);
    }
    if let Some(s) = start {
        tokens.push(&text[s..]);
    }
    tokens
}

/// A labelled field on one line, shrunk down to `min` if that is all it takes; otherwise
/// wrapped at `size`.
fn field_lines(text: &str, size: f32, min: f32, width: f32) -> Vec<(f32, String)> {
    let mut s = size;
    while s >= min {
        if safe_width(text, s) <= width {
            return vec![(s, text.to_owned())];
        }
        s -= 0.5;
    }
    wrap_safe(text, size, width)
        .into_iter()
        .map(|line| (size, line))
        .collect()
}

/// The smallest type we print, in points; below it a clerk cannot read the label.
const SMALLEST: f32 = 5.0;

/// `text` on one line no wider than `width`: the largest size from `size` down to `min`
/// that fits, and if none does, cut short with an ellipsis at `min`.
fn fit_line(text: &str, size: f32, min: f32, width: f32) -> (f32, String) {
    let mut s = size;
    loop {
        if safe_width(text, s) <= width {
            return (s, text.to_owned());
        }
        if s - 0.5 < min {
            break;
        }
        s -= 0.5;
    }
    let mut cut = String::new();
    for c in text.chars() {
        let mut candidate = cut.clone();
        candidate.push(c);
        candidate.push('…');
        if safe_width(&candidate, s) > width {
            break;
        }
        cut.push(c);
    }
    cut.push('…');
    (s, cut)
}

/// `text` wrapped into a box `width` × `height` at `leading` times the size: the largest
/// size from `size` down to `min` whose lines fit, or at `min` as many lines as fit, the
/// last cut short.
fn fit_block(
    text: &str,
    size: f32,
    min: f32,
    width: f32,
    height: f32,
    leading: f32,
) -> (f32, Vec<String>) {
    let mut s = size;
    loop {
        let lines = wrap_safe(text, s, width);
        let room = ((height - s) / (s * leading)).floor().max(0.0) as usize + 1;
        if lines.len() <= room {
            return (s, lines);
        }
        if s - 0.5 < min {
            let mut kept: Vec<String> = lines.into_iter().take(room).collect();
            if let Some(last) = kept.pop() {
                kept.push(fit_line(&format!("{last}…"), s, s, width).1);
            }
            return (s, kept);
        }
        s -= 0.5;
    }
}

/// How a line of text sits in its cell.
#[derive(Clone, Copy)]
enum Align {
    Left,
    Centre,
    Right,
}

impl Sheet {
    /// One line in the cell from `x` to `x + width`, `pad` in from the edges, shrunk to fit.
    fn cell_line(
        &mut self,
        x: f32,
        width: f32,
        baseline: f32,
        size: f32,
        text: &str,
        align: Align,
    ) {
        let pad = 4.0;
        let (size, text) = fit_line(text, size, SMALLEST, width - 2.0 * pad);
        let used = safe_width(&text, size);
        let left = match align {
            Align::Left => x + pad,
            Align::Centre => x + (width - used) / 2.0,
            Align::Right => x + width - pad - used,
        };
        self.text(left, baseline, size, text);
    }

    /// Characters one under another, centred in the column from `x` to `x + width` and
    /// in the band from `top` to `bottom`, as Chinese forms caption a side panel.
    fn vertical(&mut self, x: f32, width: f32, top: f32, bottom: f32, size: f32, text: &str) {
        let chars: Vec<char> = text.chars().collect();
        let step = (size * 1.3).min((bottom - top - 4.0) / chars.len().max(1) as f32);
        let size = size.min(step / 1.1).min(width - 4.0);
        let start = top + (bottom - top - step * chars.len() as f32) / 2.0;
        for (i, c) in chars.into_iter().enumerate() {
            let s = c.to_string();
            let left = x + (width - safe_width(&s, size)) / 2.0;
            self.text(left, start + step * (i as f32 + 0.85), size, s);
        }
    }
}

/// One side of an invoice: who buys or who sells.
pub struct InvoiceParty {
    /// Name of the person or organisation.
    pub name: String,
    /// Unified social credit code or taxpayer number; empty for a private person.
    pub tax_number: String,
    /// Address and telephone; left out of the invoice when empty.
    pub address_phone: String,
    /// Bank and account number; left out of the invoice when empty.
    pub bank_account: String,
}

/// Every fixed caption of an invoice, in the caller's language, so this module holds no
/// user-facing text.
pub struct InvoiceLabels {
    /// 购买方信息
    pub buyer: String,
    /// 销售方信息
    pub seller: String,
    /// 名称
    pub name: String,
    /// 统一社会信用代码/纳税人识别号
    pub tax_number: String,
    /// 地址、电话
    pub address_phone: String,
    /// 开户行及账号
    pub bank_account: String,
    /// 项目名称
    pub item: String,
    /// 规格型号
    pub spec: String,
    /// 单位
    pub unit: String,
    /// 数量
    pub quantity: String,
    /// 单价
    pub unit_price: String,
    /// 金额
    pub amount: String,
    /// 税率/征收率
    pub tax_rate: String,
    /// 税额
    pub tax: String,
    /// 合计
    pub subtotal: String,
    /// 价税合计（大写）
    pub total_in_words: String,
    /// （小写）
    pub total_small: String,
    /// 备注
    pub remarks: String,
    /// 开票人
    pub issuer: String,
    /// 发票号码
    pub invoice_no: String,
    /// 开票日期
    pub issued_on: String,
}

/// What an electronic invoice (全电发票) shows: one line item, as the counter sells one
/// certificate per order.
pub struct InvoiceDocument {
    /// 电子发票（普通发票） or 电子发票（增值税专用发票）
    pub title: String,
    /// The 20-digit invoice number.
    pub invoice_no: String,
    /// Date of issue, e.g. 2026年11月28日.
    pub issued_on: String,
    /// Who sells: the CA.
    pub seller: InvoiceParty,
    /// Who buys.
    pub buyer: InvoiceParty,
    /// The fixed captions.
    pub labels: InvoiceLabels,
    /// Item with its tax category, e.g. *信息技术服务*数字证书服务费.
    pub item_name: String,
    /// Specification: the product, e.g. 个人证书（1年）.
    pub item_spec: String,
    /// Unit, e.g. 项.
    pub unit: String,
    /// Quantity, e.g. 1.
    pub quantity: String,
    /// Unit price before tax, e.g. 283.02.
    pub unit_price: String,
    /// Amount before tax, e.g. 283.02.
    pub amount: String,
    /// Tax rate, e.g. 6%.
    pub tax_rate: String,
    /// Tax, e.g. 16.98.
    pub tax: String,
    /// Total with tax in figures, e.g. ¥300.00.
    pub total: String,
    /// Total with tax in capital numerals, e.g. 叁佰元整.
    pub total_capital: String,
    /// Remarks, e.g. the order number.
    pub remarks: String,
    /// Who issued the invoice.
    pub issuer: String,
}

/// Margin of the invoice: narrower than the forms', as the item table needs the width.
const INVOICE_MARGIN: f32 = 36.0;

/// `amount` with a yuan sign in front, unless it has one already.
fn yuan(amount: &str) -> String {
    if amount.starts_with('¥') || amount.is_empty() {
        amount.to_owned()
    } else {
        format!("¥{amount}")
    }
}

/// Renders an electronic invoice on the top of an A4 page, laid out like a 全电发票.
pub fn invoice(fonts: &Fonts, doc: &InvoiceDocument) -> Result<Pdf, PdfError> {
    let mut sheet = Sheet::new(fonts);
    let labels = &doc.labels;
    let left = INVOICE_MARGIN;
    let right = WIDTH - INVOICE_MARGIN;
    let width = right - left;
    let top = INVOICE_MARGIN;

    // Number and date top right; the title centred in the room left of them.
    let head = [
        format!("{}：{}", labels.invoice_no, doc.invoice_no),
        format!("{}：{}", labels.issued_on, doc.issued_on),
    ];
    let head_size = 9.5;
    let head_width = head
        .iter()
        .map(|t| safe_width(t, head_size))
        .fold(0.0, f32::max)
        .min(width / 2.0 - 40.0);
    let head_x = right - head_width;
    for (i, line) in head.iter().enumerate() {
        let (size, line) = fit_line(line, head_size, SMALLEST, head_width);
        sheet.text(head_x, top + 16.0 + 16.0 * i as f32, size, line);
    }
    let half_room = (head_x - 16.0 - WIDTH / 2.0).min(WIDTH / 2.0 - left);
    let (title_size, title) = fit_line(&doc.title, 20.0, 10.0, 2.0 * half_room);
    let title_width = safe_width(&title, title_size);
    sheet.text((WIDTH - title_width) / 2.0, top + 26.0, title_size, title);
    let (under_left, under_right) = ((WIDTH - title_width) / 2.0, (WIDTH + title_width) / 2.0);
    sheet.line(under_left, top + 32.0, under_right, top + 32.0, 0.6);
    sheet.line(under_left, top + 35.0, under_right, top + 35.0, 0.6);

    let box_top = top + 48.0;
    let thin = 0.4;

    // Buyer and seller side by side, each with its caption standing in a narrow column.
    let caption_width = 22.0;
    let half = width / 2.0;
    let party_size = 9.0;
    let party_leading = 14.0;
    let party_text_width = half - caption_width - 12.0;
    let party_lines = |party: &InvoiceParty| -> Vec<(f32, String)> {
        let mut fields = vec![
            (&labels.name, &party.name),
            (&labels.tax_number, &party.tax_number),
        ];
        if !party.address_phone.is_empty() {
            fields.push((&labels.address_phone, &party.address_phone));
        }
        if !party.bank_account.is_empty() {
            fields.push((&labels.bank_account, &party.bank_account));
        }
        fields
            .into_iter()
            .flat_map(|(label, value)| {
                field_lines(
                    &format!("{label}：{value}"),
                    party_size,
                    7.5,
                    party_text_width,
                )
            })
            .collect()
    };
    let buyer = party_lines(&doc.buyer);
    let seller = party_lines(&doc.seller);
    let caption_chars = labels
        .buyer
        .chars()
        .count()
        .max(labels.seller.chars().count()) as f32;
    let party_height = (buyer.len().max(seller.len()) as f32 * party_leading + 14.0)
        .max(caption_chars * 12.0 + 12.0);
    for (x, caption, lines) in [
        (left, &labels.buyer, &buyer),
        (left + half, &labels.seller, &seller),
    ] {
        sheet.vertical(
            x,
            caption_width,
            box_top,
            box_top + party_height,
            9.5,
            caption,
        );
        sheet.line(
            x + caption_width,
            box_top,
            x + caption_width,
            box_top + party_height,
            thin,
        );
        let first = box_top + (party_height - lines.len() as f32 * party_leading) / 2.0;
        for (i, (size, line)) in lines.iter().enumerate() {
            sheet.text(
                x + caption_width + 6.0,
                first + party_leading * i as f32 + party_size,
                *size,
                line.clone(),
            );
        }
    }
    sheet.line(
        left + half,
        box_top,
        left + half,
        box_top + party_height,
        thin,
    );
    let mut y = box_top + party_height;
    sheet.line(left, y, right, y, thin);

    // The item table: captions, the item, and the 合计 row at the foot of the detail area.
    let shares = [150.0, 86.0, 26.0, 30.0, 56.0, 60.0, 57.0, 58.0];
    let scale = width / shares.iter().sum::<f32>();
    let columns: Vec<(f32, f32)> = shares
        .iter()
        .scan(left, |x, w| {
            let column = (*x, w * scale);
            *x += w * scale;
            Some(column)
        })
        .collect();
    let captions = [
        &labels.item,
        &labels.spec,
        &labels.unit,
        &labels.quantity,
        &labels.unit_price,
        &labels.amount,
        &labels.tax_rate,
        &labels.tax,
    ];
    let table_top = y;
    let caption_height = 20.0;
    for ((x, w), caption) in columns.iter().zip(captions) {
        sheet.cell_line(*x, *w, y + 13.5, 9.0, caption, Align::Centre);
    }
    y += caption_height;
    sheet.line(left, y, right, y, thin);

    let size = 9.0;
    let leading = 13.0;
    let name_lines = wrap_safe(&doc.item_name, size, columns[0].1 - 8.0);
    let spec_lines = wrap_safe(&doc.item_spec, size, columns[1].1 - 8.0);
    for (lines, (x, _)) in [(&name_lines, columns[0]), (&spec_lines, columns[1])] {
        for (i, line) in lines.iter().enumerate() {
            sheet.text(x + 4.0, y + 14.0 + leading * i as f32, size, line.clone());
        }
    }
    let singles = [
        (2, doc.unit.as_str(), Align::Centre),
        (3, doc.quantity.as_str(), Align::Right),
        (4, doc.unit_price.as_str(), Align::Right),
        (5, doc.amount.as_str(), Align::Right),
        (6, doc.tax_rate.as_str(), Align::Centre),
        (7, doc.tax.as_str(), Align::Right),
    ];
    for (i, text, align) in singles {
        let (x, w) = columns[i];
        sheet.cell_line(x, w, y + 14.0, size, text, align);
    }
    let item_height = (name_lines.len().max(spec_lines.len()) as f32 * leading + 10.0).max(80.0);
    y += item_height;
    let subtotal_height = 20.0;
    let baseline = y + 13.5;
    sheet.cell_line(
        columns[0].0,
        columns[0].1,
        baseline,
        9.5,
        &labels.subtotal,
        Align::Centre,
    );
    let (x, w) = columns[5];
    sheet.cell_line(x, w, baseline, 9.5, &yuan(&doc.amount), Align::Right);
    let (x, w) = columns[7];
    sheet.cell_line(x, w, baseline, 9.5, &yuan(&doc.tax), Align::Right);
    y += subtotal_height;
    for (x, _) in columns.iter().skip(1) {
        sheet.line(*x, table_top, *x, y, thin);
    }
    sheet.line(left, y, right, y, thin);

    // 价税合计: capitals on the left, figures on the right.
    let total_height = 24.0;
    let baseline = y + 16.0;
    let (x, w) = columns[0];
    sheet.cell_line(x, w, baseline, 9.5, &labels.total_in_words, Align::Centre);
    sheet.line(x + w, y, x + w, y + total_height, thin);
    let small_x = columns[4].0;
    sheet.cell_line(
        x + w,
        small_x - x - w,
        baseline,
        11.0,
        &doc.total_capital,
        Align::Left,
    );
    let small = format!("{}{}", labels.total_small, yuan(&doc.total));
    sheet.cell_line(
        small_x,
        right - small_x,
        baseline,
        11.0,
        &small,
        Align::Left,
    );
    y += total_height;
    sheet.line(left, y, right, y, thin);

    // 备注, captioned like the parties.
    let remark_width = width - caption_width - 12.0;
    let remark_lines = wrap_safe(&doc.remarks, 9.0, remark_width);
    let remark_height = (remark_lines.len() as f32 * party_leading + 14.0)
        .max(labels.remarks.chars().count() as f32 * 12.0 + 20.0);
    sheet.vertical(
        left,
        caption_width,
        y,
        y + remark_height,
        9.5,
        &labels.remarks,
    );
    sheet.line(
        left + caption_width,
        y,
        left + caption_width,
        y + remark_height,
        thin,
    );
    for (i, line) in remark_lines.iter().enumerate() {
        sheet.text(
            left + caption_width + 6.0,
            y + 7.0 + party_leading * i as f32 + 9.0,
            9.0,
            line.clone(),
        );
    }
    y += remark_height;
    sheet.rect(left, box_top, width, y - box_top, 0.8);

    let (size, issuer) = fit_line(
        &format!("{}：{}", labels.issuer, doc.issuer),
        10.0,
        SMALLEST,
        half,
    );
    sheet.text(left + 4.0, y + 20.0, size, issuer);
    sheet.finish(&doc.title)
}

/// One parcel to post: a certificate key or card going to its applicant.
pub struct MailingLabel {
    /// The order it belongs to.
    pub order_no: String,
    /// Who receives it.
    pub recipient: String,
    /// The recipient's telephone.
    pub phone: String,
    /// The full postal address.
    pub address: String,
    /// Postal code.
    pub postal_code: String,
    /// What is in the parcel, e.g. 个人证书（1年）.
    pub product: String,
}

/// The fixed captions of a mailing sheet, in the caller's language.
pub struct MailingCaptions {
    /// 收件人
    pub recipient: String,
    /// 电话
    pub phone: String,
    /// 地址
    pub address: String,
    /// 邮编
    pub postal_code: String,
    /// 订单号
    pub order_no: String,
    /// 产品
    pub product: String,
    /// Count line with `{0}` for the number of parcels, e.g. `共 {0} 件`.
    pub count: String,
    /// The small sender line on each label, e.g. 寄件人：湖南CA 长沙受理点 0731-8888xxxx.
    pub sender: String,
}

/// A batch of parcels: the list for the post office, then the labels to stick on.
pub struct MailingSheet {
    /// The CA.
    pub ca_name: String,
    /// 邮寄清单
    pub title: String,
    /// When it was printed, e.g. 打印时间 2026-11-28 15:30.
    pub printed_at: String,
    /// The parcels, in the order to list them.
    pub labels: Vec<MailingLabel>,
    /// The fixed captions.
    pub captions: MailingCaptions,
}

/// Margin of the mailing list pages.
const LIST_MARGIN: f32 = 40.0;
/// Margin of the label pages and the gap between labels.
const LABEL_MARGIN: f32 = 28.0;
const LABEL_GAP: f32 = 12.0;
/// Labels across and down an A4 page.
const LABELS_ACROSS: usize = 2;
const LABELS_DOWN: usize = 4;

/// Renders the mailing list (as many pages as it takes) followed by the labels, eight to a
/// page.
pub fn mailing_sheet(fonts: &Fonts, sheet: &MailingSheet) -> Result<Pdf, PdfError> {
    let mut pages = mailing_list(fonts, sheet);
    for chunk in sheet.labels.chunks(LABELS_ACROSS * LABELS_DOWN) {
        let mut page = Sheet::new(fonts);
        for (i, label) in chunk.iter().enumerate() {
            mailing_label(
                &mut page,
                i % LABELS_ACROSS,
                i / LABELS_ACROSS,
                label,
                sheet,
            );
        }
        pages.push(page);
    }
    finish_pages(pages, &sheet.title)
}

/// The numbered list of all parcels, continued over as many pages as it needs.
fn mailing_list(fonts: &Fonts, sheet: &MailingSheet) -> Vec<Sheet> {
    let captions = &sheet.captions;
    let left = LIST_MARGIN;
    let right = WIDTH - LIST_MARGIN;
    let bottom = HEIGHT - LIST_MARGIN;
    let shares = [26.0, 104.0, 66.0, 80.0, 50.0];
    let mut columns: Vec<(f32, f32)> = Vec::new();
    let mut x = left;
    for w in shares {
        columns.push((x, w));
        x += w;
    }
    columns.push((x, right - x));
    let headers = [
        "#",
        captions.order_no.as_str(),
        captions.recipient.as_str(),
        captions.phone.as_str(),
        captions.postal_code.as_str(),
        captions.address.as_str(),
    ];
    let size = 9.0;
    let leading = 13.0;

    let mut pages = Vec::new();
    let mut page = Sheet::new(fonts);
    let heading = format!("{} {}", sheet.ca_name, sheet.title);
    let (heading_size, heading) = fit_line(&heading, 16.0, 10.0, right - left);
    page.centred(LIST_MARGIN + 18.0, heading_size, &heading);
    let count = captions
        .count
        .replace("{0}", &sheet.labels.len().to_string());
    page.text(left, LIST_MARGIN + 42.0, 10.0, count);
    let (printed_size, printed) = fit_line(&sheet.printed_at, 10.0, SMALLEST, (right - left) / 2.0);
    page.text(
        right - safe_width(&printed, printed_size),
        LIST_MARGIN + 42.0,
        printed_size,
        printed,
    );
    let mut table_top = LIST_MARGIN + 52.0;
    let mut y = list_header(&mut page, &columns, &headers, table_top, size);

    for (n, label) in sheet.labels.iter().enumerate() {
        let cells = [
            (n + 1).to_string(),
            label.order_no.clone(),
            label.recipient.clone(),
            label.phone.clone(),
            label.postal_code.clone(),
            label.address.clone(),
        ];
        let wrapped: Vec<Vec<String>> = cells
            .iter()
            .zip(&columns)
            .map(|(cell, (_, w))| wrap_safe(cell, size, w - 8.0))
            .collect();
        let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        let height = lines as f32 * leading + 8.0;
        if y + height > bottom && y > table_top + 20.5 {
            list_frame(&mut page, &columns, table_top, y);
            pages.push(std::mem::replace(&mut page, Sheet::new(fonts)));
            table_top = LIST_MARGIN;
            y = list_header(&mut page, &columns, &headers, table_top, size);
        }
        for (cell, (x, _)) in wrapped.iter().zip(&columns) {
            for (i, line) in cell.iter().enumerate() {
                page.text(
                    x + 4.0,
                    y + 4.0 + size + leading * i as f32,
                    size,
                    line.clone(),
                );
            }
        }
        y += height;
        page.line(left, y, right, y, 0.4);
    }
    list_frame(&mut page, &columns, table_top, y);
    pages.push(page);
    pages
}

/// The caption row of the mailing list; returns where the rows start.
fn list_header(
    page: &mut Sheet,
    columns: &[(f32, f32)],
    headers: &[&str],
    top: f32,
    size: f32,
) -> f32 {
    for ((x, w), header) in columns.iter().zip(headers) {
        page.cell_line(*x, *w, top + 14.0, size, header, Align::Centre);
    }
    let y = top + 20.0;
    if let (Some((left, _)), Some((x, w))) = (columns.first(), columns.last()) {
        page.line(*left, y, x + w, y, 0.6);
    }
    y
}

/// The outline and column lines of the mailing list table from `top` to `bottom`.
fn list_frame(page: &mut Sheet, columns: &[(f32, f32)], top: f32, bottom: f32) {
    let (Some((left, _)), Some((x, w))) = (columns.first(), columns.last()) else {
        return;
    };
    page.rect(*left, top, x + w - left, bottom - top, 0.8);
    for (x, _) in columns.iter().skip(1) {
        page.line(*x, top, *x, bottom, 0.4);
    }
}

/// One label in column `across`, row `down` of a label page.
fn mailing_label(
    page: &mut Sheet,
    across: usize,
    down: usize,
    label: &MailingLabel,
    sheet: &MailingSheet,
) {
    let captions = &sheet.captions;
    let width = (WIDTH - 2.0 * LABEL_MARGIN - (LABELS_ACROSS - 1) as f32 * LABEL_GAP)
        / LABELS_ACROSS as f32;
    let height =
        (HEIGHT - 2.0 * LABEL_MARGIN - (LABELS_DOWN - 1) as f32 * LABEL_GAP) / LABELS_DOWN as f32;
    let x = LABEL_MARGIN + across as f32 * (width + LABEL_GAP);
    let y = LABEL_MARGIN + down as f32 * (height + LABEL_GAP);
    page.rect(x, y, width, height, 0.8);
    let pad = 12.0;
    let inner = width - 2.0 * pad;
    let left = x + pad;

    let postal = format!("{} {}", captions.postal_code, label.postal_code);
    let (size, postal) = fit_line(&postal, 10.0, SMALLEST, inner);
    page.text(left, y + 22.0, size, postal);

    let recipient = format!("{} {}", captions.recipient, label.recipient);
    let (size, recipient) = fit_line(&recipient, 16.0, 8.0, inner);
    page.text(left, y + 46.0, size, recipient);

    let phone = format!("{} {}", captions.phone, label.phone);
    let (size, phone) = fit_line(&phone, 10.5, SMALLEST, inner);
    page.text(left, y + 64.0, size, phone);

    let address = format!("{} {}", captions.address, label.address);
    let block_top = y + 74.0;
    let block_bottom = y + height - 44.0;
    let leading = 1.35;
    let (size, lines) = fit_block(
        &address,
        10.5,
        7.0,
        inner,
        block_bottom - block_top,
        leading,
    );
    for (i, line) in lines.into_iter().enumerate() {
        page.text(
            left,
            block_top + size + size * leading * i as f32,
            size,
            line,
        );
    }

    page.line(
        left,
        y + height - 38.0,
        left + inner,
        y + height - 38.0,
        0.4,
    );
    let order = format!("{} {}", captions.order_no, label.order_no);
    let (order_size, order) = fit_line(&order, 9.0, SMALLEST, inner * 0.6);
    let order_width = safe_width(&order, order_size);
    page.text(left, y + height - 24.0, order_size, order);
    let product = format!("{} {}", captions.product, label.product);
    let (size, product) = fit_line(&product, 9.0, SMALLEST, inner - order_width - 10.0);
    page.text(
        left + inner - safe_width(&product, size),
        y + height - 24.0,
        size,
        product,
    );
    let (size, sender) = fit_line(&captions.sender, 7.5, SMALLEST, inner);
    page.text(left, y + height - 10.0, size, sender);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_wrap_inside_their_box() {
        let lines = Sheet::wrap(
            "湖南省长沙市岳麓区麓山南路932号湖南大学某某学院办公楼三楼",
            11.0,
            200.0,
        );
        assert!(lines.len() >= 2);
        assert!(lines.iter().all(|l| text_width(l, 11.0) <= 200.0 + 11.0));
        assert_eq!(
            lines.concat(),
            "湖南省长沙市岳麓区麓山南路932号湖南大学某某学院办公楼三楼"
        );
    }

    #[test]
    fn an_account_number_moves_to_the_next_line_whole() {
        let lines = wrap_safe(
            "开户行及账号：中国建设银行长沙麓谷支行 43050178360800000123",
            9.0,
            200.0,
        );
        assert!(
            lines.iter().any(|l| l.contains("43050178360800000123")),
            "{lines:?}"
        );
        assert!(
            lines.iter().all(|l| safe_width(l, 9.0) <= 200.0),
            "{lines:?}"
        );
    }

    #[test]
    fn a_run_wider_than_the_line_is_still_split() {
        let lines = wrap_safe("1234567890123456789012345678901234567890", 10.0, 60.0);
        assert!(lines.len() > 1);
        assert!(
            lines.iter().all(|l| safe_width(l, 10.0) <= 60.0),
            "{lines:?}"
        );
    }

    #[test]
    fn an_address_too_long_for_its_label_shrinks_then_is_cut() {
        let address = "湖南省长沙市岳麓区麓山南路932号湖南大学某某学院办公楼三楼".repeat(8);
        let (size, lines) = fit_block(&address, 10.5, 7.0, 200.0, 60.0, 1.35);
        assert_eq!(size, 7.0);
        assert!(
            size + (lines.len() - 1) as f32 * size * 1.35 <= 60.0,
            "{lines:?}"
        );
        assert!(
            lines.iter().all(|l| safe_width(l, size) <= 200.0),
            "{lines:?}"
        );
        assert!(lines.last().is_some_and(|l| l.ends_with('…')), "{lines:?}");
    }

    #[test]
    fn a_long_name_shrinks_to_fit_its_cell() {
        let (size, line) = fit_line("长沙市芙蓉区星辰网络科技有限责任公司", 16.0, 8.0, 200.0);
        assert!(size < 16.0 && safe_width(&line, size) <= 200.0);
        assert!(!line.ends_with('…'));
        let (_, cut) = fit_line(&"很长".repeat(40), 16.0, 8.0, 200.0);
        assert!(cut.ends_with('…') && safe_width(&cut, 8.0) <= 200.0);
    }

    #[test]
    fn a_configured_font_that_is_not_there_is_named() {
        let error = Fonts::load(Some(Path::new("/nowhere/font.ttc")))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.contains("/nowhere/font.ttc"), "{error}");
    }

    #[test]
    fn the_builtin_font_draws_names_addresses_and_amounts() {
        let fonts = Fonts::builtin_only().expect("built-in font");
        for c in "张三丁丽兰喆堃珺玥赟犇淼湖南省长沙市岳麓区麓山南路932号 ¥1,234.50 叁佰元整 ①（）【】：；，。·—…".chars() {
            assert!(fonts.face_for(c).is_some_and(|f| std::ptr::eq(f, &fonts.builtin)), "{c}");
        }
    }

    #[test]
    fn every_ideograph_of_the_basic_block_has_its_own_glyph() {
        let fonts = Fonts::builtin_only().expect("built-in font");
        let face = fonts.builtin.face().expect("parses");
        let charmap = face.charmap();
        let missing: Vec<char> = ('\u{4E00}'..='\u{9FFF}')
            .filter(|c| charmap.map(*c).is_none_or(|g| g.to_u32() == 0))
            .collect();
        assert!(
            missing.len() < 40,
            "{} without a glyph: {missing:?}",
            missing.len()
        );
    }

    #[test]
    fn a_character_no_font_has_is_printed_as_its_code_point_and_reported() {
        let fonts = Fonts::builtin_only().expect("built-in font");
        let mut missing = BTreeSet::new();
        let runs = runs(&fonts, "张𪚥三", &mut missing);
        let text: String = runs.iter().map(|(_, r)| r.as_str()).collect();
        assert_eq!(text, "张[U+2A6A5]三");
        assert_eq!(missing.into_iter().collect::<Vec<_>>(), vec!['𪚥']);
    }
}
