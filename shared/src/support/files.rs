//! Files attached to a support ticket: which kinds are taken — told by the bytes, never by
//! the name alone —, how big, how many, and how their names are tidied. The browser checks
//! the name and size before sending; the server checks all of it again on the bytes.

use serde::{Deserialize, Serialize};

use chrono::{DateTime, Utc};

use crate::ids::TicketFileId;
use crate::names::PersonName;
use crate::validation::ValidationError;

/// Largest file a ticket takes: 5 MiB.
pub const FILE_MAX_BYTES: usize = 5 * 1024 * 1024;
/// Most files one ticket holds.
pub const FILES_PER_TICKET: usize = 20;
/// Longest file name kept (characters).
const NAME_MAX: usize = 120;

text_enum! {
    /// The kinds of file a ticket takes: screenshots, documents and logs. Anything a browser
    /// could run (HTML, SVG, scripts) is refused.
    pub enum FileKind {
        Png => "png",
        Jpeg => "jpeg",
        Gif => "gif",
        Webp => "webp",
        Pdf => "pdf",
        Text => "text",
        Csv => "csv",
    }
}

impl FileKind {
    pub const fn mime(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Gif => "image/gif",
            Self::Webp => "image/webp",
            Self::Pdf => "application/pdf",
            Self::Text => "text/plain; charset=utf-8",
            Self::Csv => "text/csv; charset=utf-8",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            Self::Png => "PNG image",
            Self::Jpeg => "JPEG image",
            Self::Gif => "GIF image",
            Self::Webp => "WebP image",
            Self::Pdf => "PDF document",
            Self::Text => "text file",
            Self::Csv => "CSV file",
        }
    }

    /// The file-name endings that say this kind.
    pub const fn extensions(self) -> &'static [&'static str] {
        match self {
            Self::Png => &["png"],
            Self::Jpeg => &["jpg", "jpeg"],
            Self::Gif => &["gif"],
            Self::Webp => &["webp"],
            Self::Pdf => &["pdf"],
            Self::Text => &["txt", "log"],
            Self::Csv => &["csv"],
        }
    }

    /// Images open in the browser; everything else downloads.
    pub const fn inline(self) -> bool {
        matches!(self, Self::Png | Self::Jpeg | Self::Gif | Self::Webp)
    }

    /// The kind a file name claims, by its ending.
    pub fn from_name(name: &str) -> Option<Self> {
        let (_, ext) = name.rsplit_once('.')?;
        let ext = ext.to_ascii_lowercase();
        Self::ALL
            .iter()
            .copied()
            .find(|kind| kind.extensions().contains(&ext.as_str()))
    }

    /// The kind the bytes are: by their signature for images and PDF; text is UTF-8 with no
    /// control characters besides tabs, line and page breaks, and no other signature.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if let Some(found) = infer::get(bytes) {
            return match found.mime_type() {
                "image/png" => Some(Self::Png),
                "image/jpeg" => Some(Self::Jpeg),
                "image/gif" => Some(Self::Gif),
                "image/webp" => Some(Self::Webp),
                "application/pdf" => Some(Self::Pdf),
                _ => None,
            };
        }
        let text = std::str::from_utf8(bytes).ok()?;
        let plain = text
            .chars()
            .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\u{c}'));
        let head = text.trim_start();
        let lower = head.get(..64).unwrap_or(head).to_ascii_lowercase();
        let markup = ["<!doctype", "<html", "<svg", "<?xml", "<script"]
            .iter()
            .any(|tag| lower.starts_with(tag));
        (plain && !markup).then_some(Self::Text)
    }

    /// What the picker offers (`accept` on the file input).
    pub fn accept() -> String {
        Self::ALL
            .iter()
            .flat_map(|kind| kind.extensions().iter().map(|ext| format!(".{ext}")))
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Why a file was refused; the server answers each with its own status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileRefusal {
    /// Empty, or a name that cannot be kept (422).
    Invalid(ValidationError),
    /// Over [`FILE_MAX_BYTES`] (413).
    TooLarge(String),
    /// Not a kind a ticket takes, or the bytes are not what the name says (415).
    Unsupported(String),
}

/// A file name as kept: the last part of whatever path the browser sent, tidied like any
/// other name, ending in one of the taken extensions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
pub struct FileName(String);

impl FileName {
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let base = input.rsplit(['/', '\\']).next().unwrap_or_default();
        let name = crate::names::parse_name(base, "file", "File name", NAME_MAX)?;
        if name.starts_with('.') {
            return Err(ValidationError::new(
                "file",
                "A file name needs a name before its ending (such as report.pdf).",
            ));
        }
        Ok(Self(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name with only safe ASCII, for the plain `filename=` of a download header
    /// (the exact name goes in `filename*`).
    pub fn ascii_fallback(&self) -> String {
        self.0
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ' | '(' | ')') {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    }
}

impl std::fmt::Display for FileName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// "1.2 MB", "340 KB", "12 bytes".
pub fn size_text(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    match bytes {
        0..KB => format!("{bytes} bytes"),
        KB..MB => format!("{} KB", bytes.div_ceil(KB)),
        _ => format!("{}.{} MB", bytes / MB, (bytes % MB) * 10 / MB),
    }
}

/// The checks the browser can make before sending: the name's kind and the size.
pub fn check_before_upload(name: &str, size: u64) -> Result<FileKind, FileRefusal> {
    claimed(name, size).map(|(_, kind)| kind)
}

/// The tidied name and the kind it claims, with the size checked.
fn claimed(name: &str, size: u64) -> Result<(FileName, FileKind), FileRefusal> {
    let name = FileName::parse(name).map_err(FileRefusal::Invalid)?;
    let kind = FileKind::from_name(name.as_str()).ok_or_else(|| {
        FileRefusal::Unsupported(format!(
            "“{name}” is not a kind of file a ticket takes: attach a PNG, JPEG, GIF or WebP image, a PDF, a text file or a CSV."
        ))
    })?;
    if size == 0 {
        return Err(FileRefusal::Invalid(ValidationError::new(
            "file",
            format!("“{name}” is empty."),
        )));
    }
    if size > FILE_MAX_BYTES as u64 {
        return Err(FileRefusal::TooLarge(format!(
            "“{name}” is {}; a file can be at most {}.",
            size_text(size),
            size_text(FILE_MAX_BYTES as u64)
        )));
    }
    Ok((name, kind))
}

/// A file as received, checked once: its name, and the kind its bytes are. A CSV is text
/// named `.csv`; any other name must agree with the bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedFile {
    pub name: FileName,
    pub kind: FileKind,
}

pub fn check_upload(name: &str, bytes: &[u8]) -> Result<CheckedFile, FileRefusal> {
    let (name, claimed) = claimed(name, bytes.len() as u64)?;
    let found = FileKind::sniff(bytes);
    let kind = match (claimed, found) {
        (FileKind::Csv, Some(FileKind::Text)) => FileKind::Csv,
        (claimed, Some(found)) if claimed == found => found,
        (_, Some(found)) => {
            return Err(FileRefusal::Unsupported(format!(
                "“{name}” is named as a {} but its content is a {}; rename it or attach the right file.",
                claimed.label(),
                found.label()
            )));
        }
        (_, None) => {
            return Err(FileRefusal::Unsupported(format!(
                "The content of “{name}” is not a {}; a ticket takes PNG, JPEG, GIF and WebP images, PDFs, text and CSV files.",
                claimed.label()
            )));
        }
    };
    Ok(CheckedFile { name, kind })
}

/// The kinds an image on a page may be: ones a browser shows, never one that can run (SVG).
pub const IMAGE_KINDS: [FileKind; 4] =
    [FileKind::Png, FileKind::Jpeg, FileKind::Gif, FileKind::Webp];

/// An image the pages show (a listing's screenshot, a workspace's logo), and the words and
/// limit its checks use.
#[derive(Clone, Copy, Debug)]
pub struct ImageUse {
    /// What it is called ("screenshot").
    pub noun: &'static str,
    /// Where it is shown, finishing "not an image …" ("a listing shows").
    pub shown_by: &'static str,
    pub max_bytes: usize,
}

impl ImageUse {
    /// What the file picker offers (`accept` on the file input).
    pub fn accept(&self) -> String {
        IMAGE_KINDS
            .iter()
            .flat_map(|kind| kind.extensions().iter().map(|ext| format!(".{ext}")))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The name and size, checked before the bytes are read (in the browser before sending,
    /// on the server before sniffing): the kind the name claims.
    pub fn check_before_upload(&self, name: &str, size: u64) -> Result<FileKind, FileRefusal> {
        self.claimed(name, size).map(|(_, kind)| kind)
    }

    fn claimed(&self, name: &str, size: u64) -> Result<(FileName, FileKind), FileRefusal> {
        let noun = self.noun;
        let name = FileName::parse(name).map_err(FileRefusal::Invalid)?;
        let kind = FileKind::from_name(name.as_str())
            .filter(|kind| IMAGE_KINDS.contains(kind))
            .ok_or_else(|| {
                FileRefusal::Unsupported(format!(
                    "“{name}” is not an image {}: choose a PNG, JPEG, GIF or WebP {noun}.",
                    self.shown_by
                ))
            })?;
        if size == 0 {
            return Err(FileRefusal::Invalid(ValidationError::new(
                "file",
                format!("“{name}” is empty."),
            )));
        }
        if size > self.max_bytes as u64 {
            return Err(FileRefusal::TooLarge(format!(
                "“{name}” is {}; a {noun} can be at most {}.",
                size_text(size),
                size_text(self.max_bytes as u64)
            )));
        }
        Ok((name, kind))
    }

    /// The image as received, checked once: its tidied name and the kind its bytes are,
    /// which must be the kind its name says.
    pub fn check(&self, name: &str, bytes: &[u8]) -> Result<(FileName, FileKind), FileRefusal> {
        let (name, claimed) = self.claimed(name, bytes.len() as u64)?;
        match FileKind::sniff(bytes) {
            Some(found) if found == claimed => Ok((name, found)),
            Some(found) if IMAGE_KINDS.contains(&found) => Err(FileRefusal::Unsupported(format!(
                "“{name}” is named as a {} but its content is a {}; rename it or choose the right file.",
                claimed.label(),
                found.label()
            ))),
            _ => Err(FileRefusal::Unsupported(format!(
                "The content of “{name}” is not a {}: a {} is a PNG, JPEG, GIF or WebP image.",
                claimed.label(),
                self.noun
            ))),
        }
    }
}

/// A file on a ticket, as its page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketFile {
    pub id: TicketFileId,
    pub name: FileName,
    pub kind: FileKind,
    pub size: i64,
    pub uploaded_by: PersonName,
    pub from_support: bool,
    pub at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
    const PDF: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n";

    #[test]
    fn the_bytes_decide_and_must_agree_with_the_name() {
        assert_eq!(check_upload("shot.png", PNG).unwrap().kind, FileKind::Png);
        assert_eq!(
            check_upload("Invoice.PDF", PDF).unwrap().kind,
            FileKind::Pdf
        );
        assert_eq!(
            check_upload("server.log", b"line 1\nline 2\n")
                .unwrap()
                .kind,
            FileKind::Text
        );
        assert_eq!(
            check_upload("rows.csv", b"a,b\n1,2\n").unwrap().kind,
            FileKind::Csv
        );
        let refused = |name: &str, bytes: &[u8]| {
            matches!(check_upload(name, bytes), Err(FileRefusal::Unsupported(_)))
        };
        assert!(refused("shot.png", PDF), "a PDF named .png");
        assert!(refused("notes.txt", PNG), "an image named .txt");
        assert!(refused(
            "page.txt",
            b"<!DOCTYPE html><script>alert(1)</script>"
        ));
        assert!(refused(
            "logo.txt",
            b"  <svg xmlns='http://www.w3.org/2000/svg'/>"
        ));
        assert!(refused("dump.txt", b"binary\x00\x01\x02"));
        assert!(refused("tool.exe", b"MZ\x90\x00"));
        assert!(refused("page.html", b"hello"));
        assert!(refused("fake.png", b"just text"));
    }

    #[test]
    fn size_and_name_are_checked_first() {
        assert!(matches!(
            check_upload("empty.txt", b""),
            Err(FileRefusal::Invalid(_))
        ));
        let big = check_before_upload("big.pdf", FILE_MAX_BYTES as u64 + 1).unwrap_err();
        assert_eq!(
            big,
            FileRefusal::TooLarge("“big.pdf” is 5.0 MB; a file can be at most 5.0 MB.".into())
        );
        assert!(check_before_upload("big.pdf", FILE_MAX_BYTES as u64).is_ok());
        assert!(matches!(
            check_before_upload(".png", 3),
            Err(FileRefusal::Invalid(_))
        ));
        assert!(matches!(
            check_before_upload("   ", 3),
            Err(FileRefusal::Invalid(_))
        ));
    }

    #[test]
    fn names_lose_their_folders_and_stay_printable() {
        assert_eq!(
            FileName::parse("C:\\Users\\me\\shot 1.png")
                .unwrap()
                .as_str(),
            "shot 1.png"
        );
        assert_eq!(
            FileName::parse("../../etc/passwd.txt").unwrap().as_str(),
            "passwd.txt"
        );
        assert!(FileName::parse("bad\u{7}.txt").is_err());
        let name = FileName::parse("Résumé \"final\"; v2.pdf").unwrap();
        assert_eq!(name.ascii_fallback(), "R_sum_ _final__ v2.pdf");
        assert_eq!(size_text(12), "12 bytes");
        assert_eq!(size_text(340 * 1024), "340 KB");
        assert_eq!(size_text(1_300_000), "1.2 MB");
        assert!(FileKind::accept().contains(".jpeg") && FileKind::accept().contains(".csv"));
    }

    proptest! {
        #[test]
        fn any_name_and_bytes_get_an_answer_never_a_panic(
            name in "\\PC{0,140}",
            bytes in proptest::collection::vec(any::<u8>(), 0..64),
        ) {
            if let Ok(file) = check_upload(&name, &bytes) {
                prop_assert!(file.name.as_str().chars().count() <= NAME_MAX);
                prop_assert!(!file.name.as_str().contains(['/', '\\']));
                prop_assert!(FileKind::from_name(file.name.as_str()).is_some());
            }
        }
    }
}
