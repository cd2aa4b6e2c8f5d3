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

/// A hash to verify against when the account does not exist, so that a
/// missing account takes as long to refuse as a wrong password.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash("egov-dummy-password").unwrap_or_default())
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
