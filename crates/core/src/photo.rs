//! What counts as a photo: the formats an attachment may have, and bytes that are
//! really of that format (a renamed file is refused, wherever it comes from).

/// A photo format, by its MIME type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ts_rs::TS)]
#[ts(rename = "AttachmentMime")]
pub enum PhotoType {
    #[ts(rename = "image/jpeg")]
    Jpeg,
    #[ts(rename = "image/png")]
    Png,
    #[ts(rename = "image/webp")]
    Webp,
}

impl PhotoType {
    pub fn from_mime(mime: &str) -> Option<PhotoType> {
        match mime {
            "image/jpeg" => Some(PhotoType::Jpeg),
            "image/png" => Some(PhotoType::Png),
            "image/webp" => Some(PhotoType::Webp),
            _ => None,
        }
    }

    /// The bytes begin as a file of this format does.
    pub fn matches(self, bytes: &[u8]) -> bool {
        match self {
            PhotoType::Jpeg => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
            PhotoType::Png => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
            PhotoType::Webp => bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_their_bytes() {
        let jpeg: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10];
        let png: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        let webp: &[u8] = b"RIFF\x24\0\0\0WEBPVP8 ";
        let cases: [(&str, &[u8], Option<bool>); 8] = [
            ("image/jpeg", jpeg, Some(true)),
            ("image/png", png, Some(true)),
            ("image/webp", webp, Some(true)),
            ("image/jpeg", png, Some(false)),
            ("image/png", jpeg, Some(false)),
            ("image/webp", b"RIFF\0\0\0\0WEBP", Some(false)),
            ("image/gif", b"GIF89a", None),
            ("IMAGE/JPEG", jpeg, None),
        ];
        for (mime, bytes, expected) in cases {
            assert_eq!(PhotoType::from_mime(mime).map(|t| t.matches(bytes)), expected, "{mime}");
        }
    }
}
