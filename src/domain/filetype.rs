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

/// Width and height of a PNG or JPEG image, from its header.
pub fn image_size(data: &[u8]) -> Option<(u32, u32)> {
    match sniff(data)? {
        FileType::Png => {
            let be = |i: usize| {
                data.get(i..i + 4)
                    .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
            };
            Some((be(16)?, be(20)?))
        }
        FileType::Jpeg => {
            // Walk the segments to the first start-of-frame marker.
            let mut i = 2;
            while i + 9 < data.len() {
                if data[i] != 0xFF {
                    return None;
                }
                let marker = data[i + 1];
                let length = usize::from(u16::from_be_bytes([data[i + 2], data[i + 3]]));
                let is_frame =
                    matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
                if is_frame {
                    let height = u32::from(u16::from_be_bytes([data[i + 5], data[i + 6]]));
                    let width = u32::from(u16::from_be_bytes([data[i + 7], data[i + 8]]));
                    return Some((width, height));
                }
                i += 2 + length;
            }
            None
        }
        FileType::Pdf => None,
    }
}

/// The number of pages of a PDF, counted from its page objects (good enough to tell a
/// clerk "2 pages"; not a PDF parser).
pub fn pdf_pages(data: &[u8]) -> Option<usize> {
    if sniff(data)? != FileType::Pdf {
        return None;
    }
    let mut count = 0;
    let needle = b"/Type";
    let mut i = 0;
    while let Some(found) = data[i..].windows(needle.len()).position(|w| w == needle) {
        let mut j = i + found + needle.len();
        while data.get(j).is_some_and(|b| b.is_ascii_whitespace()) {
            j += 1;
        }
        if data[j..].starts_with(b"/Page") && !data[j..].starts_with(b"/Pages") {
            count += 1;
        }
        i = j;
    }
    (count > 0).then_some(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_content_not_names() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0rest"), Some(FileType::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some(FileType::Png));
        assert_eq!(sniff(b"%PDF-1.7"), Some(FileType::Pdf));
        assert_eq!(sniff(b"hello, I am a text file named scan.jpg"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn png_and_jpeg_headers_give_the_pixel_size() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend(1654u32.to_be_bytes());
        png.extend(2339u32.to_be_bytes());
        assert_eq!(image_size(&png), Some((1654, 2339)));
        // SOI, an APP0 segment of 16 bytes, then SOF0 with height 600, width 800.
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
        jpeg.extend([0u8; 14]);
        jpeg.extend([0xFF, 0xC0, 0x00, 0x11, 0x08, 0x02, 0x58, 0x03, 0x20, 0x03]);
        assert_eq!(image_size(&jpeg), Some((800, 600)));
        assert_eq!(image_size(b"\xFF\xD8\xFF"), None);
    }

    #[test]
    fn pdf_pages_are_counted_without_the_page_tree() {
        let pdf = b"%PDF-1.7\n1 0 obj << /Type /Pages /Count 2 >>\n2 0 obj << /Type /Page >>\n3 0 obj <</Type/Page>>";
        assert_eq!(pdf_pages(pdf), Some(2));
        assert_eq!(pdf_pages(b"%PDF-1.7 nothing"), None);
    }
}
