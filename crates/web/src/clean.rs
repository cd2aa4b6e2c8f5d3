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

/// A JSON document as it enters, without parsing it (key order, and a
/// malformed document's faults, stay for its handler):
/// - forbidden characters leave its strings, written raw or as `\uXXXX`
///   escapes (and `\b`, `\f`);
/// - a lone UTF-16 surrogate escape (not text in any encoding) becomes
///   U+FFFD, as a decoder would make it;
/// - a number whose value is whole (`2.0`, `1e2`) is written as an integer,
///   as JSON Schema counts it: an integer field takes it.
///
/// `None` when nothing changed.
pub fn json(raw: &[u8]) -> Option<Vec<u8>> {
    let s = std::str::from_utf8(raw).ok()?;
    let mut out = String::with_capacity(s.len());
    let mut changed = false;
    let mut in_string = false;
    let mut i = 0;
    while let Some(c) = s[i..].chars().next() {
        if !in_string {
            match c {
                '"' => in_string = true,
                '-' | '0'..='9' => {
                    let end = s[i..]
                        .find(|c: char| !matches!(c, '0'..='9' | '-' | '+' | '.' | 'e' | 'E'))
                        .map_or(s.len(), |n| i + n);
                    let token = &s[i..end];
                    match whole(token) {
                        Some(n) => {
                            changed = true;
                            out.push_str(&n);
                        }
                        None => out.push_str(token),
                    }
                    i = end;
                    continue;
                }
                c if forbidden(c) => {
                    changed = true;
                    i += c.len_utf8();
                    continue;
                }
                _ => {}
            }
            out.push(c);
            i += c.len_utf8();
            continue;
        }
        match c {
            '"' => {
                in_string = false;
                out.push(c);
                i += 1;
            }
            '\\' => match s[i + 1..].chars().next() {
                Some('u') => match hex4(s, i + 2) {
                    Some(0xD800..=0xDBFF) => {
                        let low = s[i + 6..].starts_with("\\u").then(|| hex4(s, i + 8)).flatten();
                        if low.is_some_and(|l| (0xDC00..=0xDFFF).contains(&l)) {
                            out.push_str(&s[i..i + 12]);
                            i += 12;
                        } else {
                            out.push_str("\\ufffd");
                            changed = true;
                            i += 6;
                        }
                    }
                    Some(0xDC00..=0xDFFF) => {
                        out.push_str("\\ufffd");
                        changed = true;
                        i += 6;
                    }
                    Some(cp) if char::from_u32(cp).is_some_and(forbidden) => {
                        changed = true;
                        i += 6;
                    }
                    Some(_) => {
                        out.push_str(&s[i..i + 6]);
                        i += 6;
                    }
                    None => {
                        out.push_str("\\u");
                        i += 2;
                    }
                },
                Some('b' | 'f') => {
                    changed = true;
                    i += 2;
                }
                Some(e) => {
                    out.push('\\');
                    out.push(e);
                    i += 1 + e.len_utf8();
                }
                None => {
                    out.push('\\');
                    i += 1;
                }
            },
            c if forbidden(c) => {
                changed = true;
                i += c.len_utf8();
            }
            c => {
                out.push(c);
                i += c.len_utf8();
            }
        }
    }
    changed.then(|| out.into_bytes())
}

/// The four hex digits at `at`, as a number.
fn hex4(s: &str, at: usize) -> Option<u32> {
    let h = s.get(at..at + 4)?;
    h.bytes().all(|b| b.is_ascii_hexdigit()).then(|| u32::from_str_radix(h, 16).ok()).flatten()
}

/// A number token written with a fraction or an exponent whose value is a
/// whole number that a double holds exactly, as an integer; else `None`.
fn whole(token: &str) -> Option<String> {
    if !token.contains(['.', 'e', 'E']) {
        return None;
    }
    let v: f64 = token.parse().ok()?;
    (v.is_finite() && v.fract() == 0.0 && v.abs() < 9_007_199_254_740_992.0).then(|| format!("{}", v as i64))
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

    #[test]
    fn lone_surrogates_become_the_replacement_character_and_pairs_stay() {
        let v = |raw: &str| -> serde_json::Value { serde_json::from_slice(&json(raw.as_bytes()).unwrap()).unwrap() };
        assert_eq!(
            v(r#"{"\udb6d\udeda": "a\ud861b", "c": "\udc00"}"#),
            serde_json::json!({"\u{eb6da}": "a\u{fffd}b", "c": "\u{fffd}"})
        );
        assert!(serde_json::from_slice::<serde_json::Value>(br#"{"k":"\ud861"}"#).is_err(), "serde refuses them");
        assert_eq!(json(br#"{"pair":"\ud83d\ude00"}"#), None);
    }

    #[test]
    fn whole_numbers_are_integers_whatever_their_notation() {
        let out = json(br#"{"scores":[0.0, 1, 2.00, -0.0, 1e2, 2.5, 1E-1, 10.0e-1], "s": "1.0"}"#).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), r#"{"scores":[0, 1, 2, 0, 100, 2.5, 1E-1, 1], "s": "1.0"}"#);
        assert_eq!(json(br#"{"n": 12345678901234567890.0}"#), None, "too large to be exact: left as it is");
        assert_eq!(json(br#"[1, -2, 30]"#), None);
    }
}
