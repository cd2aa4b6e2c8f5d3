//! Argon2id password hashes in PHC string form.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use crate::IdentityError;

/// Hashes a password with Argon2id (the crate's defaults: 19 MiB, 2 passes, 1 lane,
/// the OWASP minimum). Slow by design: call it off the async runtime.
pub fn hash(password: &str) -> Result<String, IdentityError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|_| IdentityError::Hash)
}

/// Whether `password` matches the stored PHC string; a malformed hash never matches.
pub fn verify(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

const COMMON: &str = include_str!("common_passwords.txt");

/// Why a password is too easy to guess, as the i18n key of the message; `None`
/// when it is acceptable. Length is the rule (8 to 128 characters, any
/// characters: no composition rules), and beyond it, as NIST SP 800-63B
/// advises: not one of the most common passwords (the list shipped with
/// egov), not one character repeated or a run of the keyboard or the
/// alphabet, and not the account's own name, ID number or e-mail.
pub fn weakness(password: &str, own: &[&str]) -> Option<&'static str> {
    let n = password.chars().count();
    if n < crate::MIN_PASSWORD {
        return Some("err.password.short");
    }
    if n > crate::MAX_PASSWORD {
        return Some("err.too_long");
    }
    let lower = password.trim().to_lowercase();
    if COMMON.lines().filter(|l| !l.starts_with('#')).any(|l| l.trim().to_lowercase() == lower) {
        return Some("err.password.common");
    }
    if is_run(&lower) {
        return Some("err.password.pattern");
    }
    let bare: String = lower.chars().filter(|c| c.is_alphanumeric()).collect();
    for o in own.iter().map(|o| o.trim().to_lowercase()) {
        let o = o.split('@').next().unwrap_or("").to_string();
        let o: String = o.chars().filter(|c| c.is_alphanumeric()).collect();
        if o.chars().count() >= 4 && (bare.contains(&o) || o.contains(&bare)) {
            return Some("err.password.personal");
        }
    }
    None
}

/// One character repeated, or a stretch of a keyboard row, the digits or
/// the alphabet (forwards or backwards), or a short piece repeated.
fn is_run(s: &str) -> bool {
    let c: Vec<char> = s.chars().collect();
    if c.windows(2).all(|w| w[0] == w[1]) {
        return true;
    }
    const ROWS: [&str; 5] = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "abcdefghijklmnopqrstuvwxyz"];
    let rev: Vec<String> = ROWS.iter().map(|r| r.chars().rev().collect()).collect();
    if ROWS.iter().copied().chain(rev.iter().map(String::as_str)).any(|r| r.contains(s) || is_cycle_of(s, r)) {
        return true;
    }
    // "abcabcabc", "12121212": a piece of at most a third repeated
    (1..=c.len() / 3).any(|k| c.len().is_multiple_of(k) && c.chunks(k).all(|ch| ch == &c[..k]))
}

/// Whether `s` runs along `row` and wraps around it ("78901234").
fn is_cycle_of(s: &str, row: &str) -> bool {
    let doubled = format!("{row}{row}");
    s.len() <= row.len() && doubled.contains(s)
}

/// A hash to verify against when the account does not exist, so that a
/// missing account takes as long to refuse as a wrong password.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash("egov-dummy-password").unwrap_or_default())
}

#[cfg(test)]
mod weakness_tests {
    use super::weakness;

    #[test]
    fn common_and_patterned_passwords_are_refused_and_long_ones_of_any_kind_pass() {
        for (pw, key) in [
            ("1234567", "err.password.short"),
            ("12345678", "err.password.common"),
            ("Password1", "err.password.common"),
            ("matkhau123", "err.password.common"),
            ("aaaaaaaaaa", "err.password.pattern"),
            ("34567890", "err.password.pattern"),
            ("78901234", "err.password.pattern"),
            ("poiuytrewq", "err.password.pattern"),
            ("abcabcabcabc", "err.password.pattern"),
            ("mai.nguyen-2026", "err.password.personal"),
            ("x072190001111", "err.password.personal"),
        ] {
            assert_eq!(weakness(pw, &["mai.nguyen", "072190001111", "mai@example.vn"]), Some(key), "{pw}");
        }
        for pw in ["demo-password-1", "mật khẩu dài", "correct horse battery", "Tây Ninh 2026!"] {
            assert_eq!(weakness(pw, &["mai.nguyen"]), None, "{pw}");
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn hash_and_verify() {
        let h = super::hash("mật khẩu đúng").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(super::verify("mật khẩu đúng", &h));
        assert!(!super::verify("mật khẩu sai", &h));
        assert!(!super::verify("x", "not a hash"));
    }
}
