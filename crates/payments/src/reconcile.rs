//! Bank transfers against what dossiers owe: a bank statement read (all
//! or nothing: every bad line named), the dossier's code found in a
//! transfer's description, and what a transfer does — pays the dossier's
//! unpaid fees, or is listed for an official (partial, over, duplicate,
//! unmatched). Pure: the caller reads the requests and the references seen.

use chrono::NaiveDateTime;

/// A credit on the agency's account, as the bank reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    /// The bank's transaction reference (unique per bank).
    pub reference: String,
    pub at: NaiveDateTime,
    /// Whole đồng.
    pub amount: u64,
    /// The transfer's description (the VietQR purpose, as the bank kept it).
    pub description: String,
}

/// A statement line's problem: its line number (the header is line 1),
/// the i18n key, what was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: usize,
    pub key: &'static str,
    pub detail: String,
}

/// The columns a statement has (by name, in any order; others are ignored).
pub const COLUMNS: [&str; 4] = ["reference", "time", "amount", "description"];

/// The longest statement read at once.
pub const MAX_LINES: usize = 20_000;

/// Reads a bank statement as CSV with a header naming [`COLUMNS`]; times
/// as `YYYY-MM-DD HH:MM[:SS]`, amounts in whole đồng (digits, `.` or `,`
/// as thousands separators). Every bad line is named, or none is taken.
pub fn parse_statement(text: &str) -> Result<Vec<Transfer>, Vec<LineError>> {
    let err = |line: usize, key: &'static str, detail: String| LineError { line, key, detail };
    let mut r = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let header: Vec<String> = match r.headers() {
        Ok(h) => h.iter().map(|c| c.trim_start_matches('\u{feff}').to_lowercase()).collect(),
        Err(e) => return Err(vec![err(1, "err.statement.header", e.to_string())]),
    };
    let col = |name: &str| header.iter().position(|h| h == name);
    let missing: Vec<&str> = COLUMNS.into_iter().filter(|c| col(c).is_none()).collect();
    if !missing.is_empty() {
        return Err(vec![err(1, "err.statement.header", missing.join(", "))]);
    }
    let [reference, time, amount, description] = COLUMNS.map(|c| col(c).unwrap_or(0));
    let (mut out, mut errors) = (Vec::new(), Vec::new());
    let mut seen = std::collections::HashSet::new();
    for (i, rec) in r.records().enumerate() {
        let line = i + 2;
        if i >= MAX_LINES {
            errors.push(err(line, "err.statement.too_long", MAX_LINES.to_string()));
            break;
        }
        let rec = match rec {
            Ok(rec) => rec,
            Err(e) => {
                errors.push(err(line, "err.statement.line", e.to_string()));
                continue;
            }
        };
        let get = |k: usize| rec.get(k).unwrap_or("").to_string();
        if rec.iter().all(|c| c.is_empty()) {
            continue;
        }
        let r = get(reference);
        if r.is_empty() || r.chars().count() > 64 {
            errors.push(err(line, "err.statement.reference", r.clone()));
        } else if !seen.insert(r.clone()) {
            errors.push(err(line, "err.statement.repeated", r.clone()));
        }
        let t = get(time);
        let at = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(&t, f).ok());
        if at.is_none() {
            errors.push(err(line, "err.statement.time", t));
        }
        let a = get(amount);
        let digits: String = a.chars().filter(|c| !matches!(c, '.' | ',' | ' ')).collect();
        let value = digits
            .parse::<u64>()
            .ok()
            .filter(|v| *v > 0 && digits.len() <= 13 && digits.bytes().all(|b| b.is_ascii_digit()));
        if value.is_none() {
            errors.push(err(line, "err.statement.amount", a));
        }
        let d = get(description);
        if d.chars().count() > 500 {
            errors.push(err(line, "err.statement.description", d.chars().take(40).collect()));
        }
        if let (Some(at), Some(amount)) = (at, value) {
            out.push(Transfer { reference: r, at, amount, description: d });
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The first word of `description` that `is_code` accepts, stripped of
/// the punctuation a bank may put around it.
pub fn code_in(description: &str, is_code: impl Fn(&str) -> bool) -> Option<String> {
    description
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '(' | ')' | '/' | '"' | '\''))
        .map(|w| w.trim_matches(|c: char| !c.is_ascii_alphanumeric()))
        .find(|w| !w.is_empty() && is_code(w))
        .map(str::to_string)
}

/// An unpaid request of the dossier a transfer names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owed {
    pub id: i64,
    pub amount: u64,
}

/// What a transfer does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Pays these requests.
    Matched(Vec<i64>),
    /// Less than any way of paying what is owed: short by this much.
    Partial { short: u64 },
    /// More than all that is owed: over by this much.
    Over { by: u64 },
    /// A reference seen before, or a dossier that owes nothing any more.
    Duplicate,
    /// No dossier found by the description, or one that owes nothing ever.
    Unmatched,
}

impl Outcome {
    pub fn as_str(&self) -> &'static str {
        match self {
            Outcome::Matched(_) => "matched",
            Outcome::Partial { .. } => "partial",
            Outcome::Over { .. } => "over",
            Outcome::Duplicate => "duplicate",
            Outcome::Unmatched => "unmatched",
        }
    }
}

/// What dossier a transfer found, as the caller read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// No dossier by the description, or one without any fee.
    Nothing,
    /// A dossier with fees: those still unpaid (empty: all paid).
    Unpaid(Vec<Owed>),
}

/// A transfer of `amount` against the dossier it names. A reference seen
/// before is a duplicate. One request of exactly that amount is paid
/// (the first), else all of them when it is their sum; otherwise short or
/// over, for an official — nothing is paid in part.
pub fn classify(amount: u64, seen: bool, found: &Found) -> Outcome {
    if seen {
        return Outcome::Duplicate;
    }
    let owed = match found {
        Found::Nothing => return Outcome::Unmatched,
        Found::Unpaid(o) if o.is_empty() => return Outcome::Duplicate,
        Found::Unpaid(o) => o,
    };
    if let Some(one) = owed.iter().find(|o| o.amount == amount) {
        return Outcome::Matched(vec![one.id]);
    }
    let total: u64 = owed.iter().map(|o| o.amount).sum();
    match amount.cmp(&total) {
        std::cmp::Ordering::Equal => Outcome::Matched(owed.iter().map(|o| o.id).collect()),
        std::cmp::Ordering::Less => Outcome::Partial { short: total - amount },
        std::cmp::Ordering::Greater => Outcome::Over { by: amount - total },
    }
}

/// The signature of a bank's notification: HMAC-SHA256 of the body with
/// the shared secret, in lowercase hex.
pub fn notice_signature(secret: &[u8], body: &[u8]) -> String {
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(body);
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `signature` (hex) is the notification's, compared in constant time.
pub fn notice_verified(secret: &[u8], body: &[u8], signature: &str) -> bool {
    let want = notice_signature(secret, body);
    let got = signature.trim().to_ascii_lowercase();
    crate::same_signature(&want, &got)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_statement_is_read_whole_or_every_bad_line_is_named() {
        let good = "\u{feff}Reference,Time,Amount,Description,Balance\n\
                    FT001,2026-03-02 09:15:00,5.000,\"CT DEN:H72.50.01-260302-0001 chuyen tien\",1\n\
                    FT002,2026-03-02 10:00,\"100,000\",H72.50.01-260302-0002,2\n\n";
        let lines = parse_statement(good).unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!((lines[0].amount, lines[1].amount), (5000, 100_000));
        assert_eq!(lines[0].description, "CT DEN:H72.50.01-260302-0001 chuyen tien");
        let bad = "reference,time,amount,description\n\
                   FT001,2026-03-02 09:15,5000,a\n\
                   ,yesterday,-5,b\n\
                   FT001,2026-03-02 09:15,0,c\n";
        let errors = parse_statement(bad).unwrap_err();
        let named: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.key)).collect();
        assert_eq!(
            named,
            [
                (3, "err.statement.reference"),
                (3, "err.statement.time"),
                (3, "err.statement.amount"),
                (4, "err.statement.repeated"),
                (4, "err.statement.amount"),
            ]
        );
        assert_eq!(parse_statement("ref,time\nx,y").unwrap_err()[0].detail, "reference, amount, description");
    }

    #[test]
    fn the_code_is_found_among_the_words_a_bank_wraps_it_in() {
        let is_code = |w: &str| w.starts_with("H72.") && w.matches('-').count() == 2;
        assert_eq!(
            code_in("CT DEN:H72.50.01-260302-0001 chuyen tien", is_code).as_deref(),
            Some("H72.50.01-260302-0001")
        );
        assert_eq!(code_in("(H72.50.01-260302-0001).", is_code).as_deref(), Some("H72.50.01-260302-0001"));
        assert_eq!(code_in("nop phi ho so", is_code), None);
    }

    #[test]
    fn a_transfer_pays_one_fee_or_all_exactly_else_it_is_listed() {
        let owed = Found::Unpaid(vec![Owed { id: 1, amount: 5000 }, Owed { id: 2, amount: 20000 }]);
        assert_eq!(classify(20000, false, &owed), Outcome::Matched(vec![2]));
        assert_eq!(classify(25000, false, &owed), Outcome::Matched(vec![1, 2]));
        assert_eq!(classify(4000, false, &owed), Outcome::Partial { short: 21000 });
        assert_eq!(classify(10000, false, &owed), Outcome::Partial { short: 15000 });
        assert_eq!(classify(30000, false, &owed), Outcome::Over { by: 5000 });
        assert_eq!(classify(5000, true, &owed), Outcome::Duplicate);
        assert_eq!(classify(5000, false, &Found::Unpaid(vec![])), Outcome::Duplicate);
        assert_eq!(classify(5000, false, &Found::Nothing), Outcome::Unmatched);
    }

    #[test]
    fn a_notice_is_taken_only_with_its_signature() {
        // RFC 4231 test case 2 (HMAC-SHA-256)
        assert_eq!(
            notice_signature(b"Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let body = br#"{"reference":"FT1","amount":5000}"#;
        let sig = notice_signature(b"secret", body);
        assert!(notice_verified(b"secret", body, &sig.to_uppercase()));
        assert!(!notice_verified(b"secret", br#"{"reference":"FT1","amount":50000}"#, &sig));
        assert!(!notice_verified(b"other", body, &sig));
        assert!(!notice_verified(b"secret", body, ""));
    }
}
