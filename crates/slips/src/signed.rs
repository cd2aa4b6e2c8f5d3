//! A document's signature field (PDF 2.0 §12.8, PAdES): an invisible
//! widget on the first page whose value is a signature dictionary; its
//! `/Contents` is written as room (a hex string) and its `/ByteRange` as a
//! placeholder, then both are filled in place once the bytes either side
//! of the room are signed — the file's length and offsets never move.

use pdf_writer::{Name, Pdf, Rect, Ref, Str, TextStr};

use crate::SlipError;

/// What the signature says of itself, and how much room it needs.
#[derive(Debug, Clone)]
pub struct SignatureField {
    /// The signer as a reader sees it (the certificate's name).
    pub name: String,
    pub reason: String,
    pub location: String,
    /// The time of signing as a PDF date: `D:20261201093000+07'00'`.
    pub time: String,
    /// The most bytes the signature (DER) may take.
    pub room: usize,
}

const PLACEHOLDER: i32 = i32::MAX;

pub(crate) fn write(pdf: &mut Pdf, widget: Ref, sig: Ref, page: Ref, f: &SignatureField) {
    {
        let mut d = pdf.indirect(widget).dict();
        d.pair(Name(b"Type"), Name(b"Annot"));
        d.pair(Name(b"Subtype"), Name(b"Widget"));
        d.pair(Name(b"FT"), Name(b"Sig"));
        d.pair(Name(b"T"), TextStr("Chữ ký số"));
        d.pair(Name(b"V"), sig);
        d.pair(Name(b"Rect"), Rect::new(0.0, 0.0, 0.0, 0.0));
        // printed and locked
        d.pair(Name(b"F"), 132);
        d.pair(Name(b"P"), page);
    }
    let room = vec![0xffu8; f.room];
    let mut d = pdf.indirect(sig).dict();
    d.pair(Name(b"Type"), Name(b"Sig"));
    d.pair(Name(b"Filter"), Name(b"Adobe.PPKLite"));
    d.pair(Name(b"SubFilter"), Name(b"ETSI.CAdES.detached"));
    d.insert(Name(b"ByteRange")).array().items([0, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER]);
    d.pair(Name(b"Contents"), Str(&room));
    d.pair(Name(b"M"), TextStr(&f.time));
    d.pair(Name(b"Name"), TextStr(&f.name));
    d.pair(Name(b"Reason"), TextStr(&f.reason));
    d.pair(Name(b"Location"), TextStr(&f.location));
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Fills the signature's place: the byte ranges, then the signature of
/// the bytes they cover.
pub(crate) fn fill(
    mut pdf: Vec<u8>,
    room: usize,
    sign: impl FnOnce(&[&[u8]]) -> Result<Vec<u8>, String>,
) -> Result<Vec<u8>, SlipError> {
    let marker = format!("/ByteRange [0 {PLACEHOLDER} {PLACEHOLDER} {PLACEHOLDER}]");
    let at = find(&pdf, marker.as_bytes()).ok_or_else(|| SlipError::Sign("no signature place".into()))?;
    let mut hex = Vec::with_capacity(2 * room + 2);
    hex.push(b'<');
    hex.extend(std::iter::repeat_n(b'F', 2 * room));
    hex.push(b'>');
    let a = find(&pdf, &hex).ok_or_else(|| SlipError::Sign("no signature room".into()))?;
    let b = a + hex.len();
    let ranges = format!("/ByteRange [0 {a} {b} {}]", pdf.len() - b);
    if ranges.len() > marker.len() {
        return Err(SlipError::Sign("byte ranges too long".into()));
    }
    let padded = format!("{ranges:<width$}", width = marker.len());
    pdf[at..at + marker.len()].copy_from_slice(padded.as_bytes());
    let der = sign(&[&pdf[..a], &pdf[b..]]).map_err(SlipError::Sign)?;
    if der.len() > room {
        return Err(SlipError::Sign(format!("a signature of {} bytes in room for {room}", der.len())));
    }
    let mut filled: Vec<u8> = der.iter().flat_map(|x| format!("{x:02X}").into_bytes()).collect();
    filled.resize(2 * room, b'0');
    pdf[a + 1..b - 1].copy_from_slice(&filled);
    Ok(pdf)
}

#[cfg(test)]
mod tests {
    use crate::{render_signed, Line, PageSize, SignatureField, Slip};

    #[test]
    fn the_signature_covers_the_whole_file_but_its_own_place_which_it_fills() {
        let slip = Slip { lines: vec![Line::Title("BÁO CÁO".into())], qr: None, size: PageSize::A4 };
        let field = SignatureField {
            name: "Sở KH&CN".into(),
            reason: "Báo cáo".into(),
            location: "Tỉnh".into(),
            time: "D:20261201093000+07'00'".into(),
            room: 64,
        };
        let mut seen = Vec::new();
        let pdf = render_signed(&slip, &field, |parts| {
            seen = parts.iter().map(|p| p.len()).collect();
            Ok(vec![0xab; 10])
        })
        .unwrap();
        let text = String::from_utf8_lossy(&pdf);
        let at = text.find("/ByteRange [").unwrap();
        let ranges: Vec<usize> =
            text[at + 12..].split(']').next().unwrap().split_whitespace().map(|n| n.parse().unwrap()).collect();
        assert_eq!(ranges[0], 0);
        assert_eq!(ranges[1] + (2 * 64 + 2), ranges[2], "the gap is the hex string, brackets included");
        assert_eq!(ranges[2] + ranges[3], pdf.len(), "to the end of the file");
        assert_eq!(seen, [ranges[1], ranges[3]]);
        assert_eq!(&pdf[ranges[1]..ranges[1] + 22], b"<ABABABABABABABABABAB0");
        assert!(text.contains("/SigFlags 3") && text.contains("/FT /Sig") && text.contains("/Annots"));
        // too big a signature for its room is an error, never a broken file
        assert!(render_signed(&slip, &field, |_| Ok(vec![1; 65])).is_err());
    }
}
