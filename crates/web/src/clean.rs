//! Text as it enters: control characters and bidirectional overrides are
//! stripped from every text input, once, here — form bodies, JSON bodies and
//! query strings in the request middleware, multipart text fields and file
//! names where the one multipart reader reads them.
//!
//! Stripped: C0 controls but tab, line feed and carriage return; DEL and the
//! C1 controls; the bidirectional marks, embeddings, overrides and isolates
//! (U+061C, U+200E–U+200F, U+202A–U+202E, U+2066–U+2069), which can make a
//! name or a file name read differently from what it is ("invoice" U+202E "fdp.exe" shows as "invoiceexe.pdf");
//! the line and paragraph separators U+2028–U+2029; and the byte order mark.

use std::borrow::Cow;

/// Whether a character never belongs in text typed into a form.
pub fn forbidden(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        | '\u{2028}' | '\u{2029}' | '\u{feff}')
}

/// The text without forbidden characters (borrowed when there were none).
pub fn text(s: &str) -> Cow<'_, str> {
    if s.chars().any(forbidden) {
        Cow::Owned(s.chars().filter(|c| !forbidden(*c)).collect())
    } else {
        Cow::Borrowed(s)
    }
}

/// An `application/x-www-form-urlencoded` body or query string, cleaned;
/// `None` when nothing needed cleaning (the original is kept as it was).
pub fn urlencoded(raw: &[u8]) -> Option<String> {
    let pairs: Vec<(Cow<str>, Cow<str>)> = form_urlencoded::parse(raw).collect();
    let dirty = pairs.iter().any(|(k, v)| k.chars().chain(v.chars()).any(forbidden));
    if !dirty {
        return None;
    }
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in &pairs {
        out.append_pair(&text(k), &text(v));
    }
    Some(out.finish())
}

/// A JSON document with forbidden characters removed from its strings,
/// whether written raw or as `\uXXXX` escapes (and `\b`, `\f`), without
/// parsing it: numbers and key order stay exactly as sent, and a malformed
/// document stays malformed for its handler to refuse. `None` when clean.
pub fn json(raw: &[u8]) -> Option<Vec<u8>> {
    let s = std::str::from_utf8(raw).ok()?;
    let mut out = String::with_capacity(s.len());
    let mut changed = false;
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c == '\\' {
            let tail = &rest[1..];
            match tail.chars().next() {
                Some('u') if tail.len() >= 5 && tail.is_char_boundary(5) => {
                    let hex = &tail[1..5];
                    let bad = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32).is_some_and(forbidden);
                    if bad {
                        changed = true;
                    } else {
                        out.push_str(&rest[..6]);
                    }
                    rest = &rest[6..];
                }
                Some(e @ ('b' | 'f')) => {
                    changed = true;
                    rest = &rest[1 + e.len_utf8()..];
                }
                Some(e) => {
                    out.push('\\');
                    out.push(e);
                    rest = &rest[1 + e.len_utf8()..];
                }
                None => {
                    out.push('\\');
                    rest = "";
                }
            }
            continue;
        }
        if forbidden(c) && !matches!(c, '\t' | '\n' | '\r') {
            changed = true;
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    changed.then(|| out.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_characters_are_stripped_and_text_is_kept() {
        assert_eq!(text("Nguyễn Văn An"), "Nguyễn Văn An");
        assert!(matches!(text("Nguyễn Văn An"), Cow::Borrowed(_)));
        assert_eq!(text("An\u{0}\u{202e}fdp.exe\u{7f}\u{85}"), "Anfdp.exe");
        assert_eq!(text("dòng 1\r\ndòng 2\tcột"), "dòng 1\r\ndòng 2\tcột");
        assert_eq!(text("\u{2066}x\u{2069}\u{200f}\u{feff}"), "x");
    }

    #[test]
    fn form_bodies_are_cleaned_only_when_needed() {
        assert_eq!(urlencoded(b"a=1&b=Nguy%E1%BB%85n+V%C4%83n"), None);
        let cleaned = urlencoded(b"full_name=An%00%E2%80%AEx&csrf=abc&role=a&role=b").expect("dirty");
        let pairs: Vec<(String, String)> = form_urlencoded::parse(cleaned.as_bytes()).into_owned().collect();
        assert_eq!(
            pairs,
            vec![
                ("full_name".into(), "Anx".into()),
                ("csrf".into(), "abc".into()),
                ("role".into(), "a".into()),
                ("role".into(), "b".into())
            ]
        );
    }

    #[test]
    fn json_strings_are_cleaned_raw_and_escaped_and_nothing_else_changes() {
        assert_eq!(json(br#"{"a": 1.50, "b": "x\n\u00e9"}"#), None);
        let out = json("{\"a\":\"x\\u0000y\\u202Ez\u{202e}\\b\\f\",\"n\":12345678901234567890}".as_bytes()).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), r#"{"a":"xyz","n":12345678901234567890}"#);
        // an escaped backslash before "u0000" is text, not an escape
        assert_eq!(json(br#"{"a":"\\u0000"}"#), None);
        let v: serde_json::Value =
            serde_json::from_slice(&json(br#"{"k\u0007ey":["\u0085", "\"\u001f\""]}"#).unwrap()).unwrap();
        assert_eq!(v, serde_json::json!({"key": ["", "\"\""]}));
        // malformed stays malformed
        assert_eq!(json(br#"{"a":"\u00"#), None);
    }
}
