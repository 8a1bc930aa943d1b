//! Generating secrets and hashing passwords.
//!
//! Tokens and client secrets are random and long, so a SHA-256 digest is enough to
//! keep them (and keeps each request's lookup cheap); passwords are Argon2id.

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use rand::RngCore;

/// A fresh random secret of `bytes` bytes, as lowercase hex.
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    hex::encode(buf)
}

/// A token: 40 lowercase hex characters (CONTRACT.md §3).
pub fn new_token() -> String {
    random_hex(20)
}

/// An Argon2id PHC string for the password.
pub fn hash_password(password: &str) -> Result<String, crate::StoreError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| crate::StoreError::Database(format!("password hashing failed: {e}")))
}

/// True when the password matches the stored PHC string.
pub fn verify_password(password: &str, stored: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), stored)
        .is_ok()
}

/// An Argon2id hash with the parameters [`hash_password`] uses, of a password nobody
/// has: what a login checks against when the user is unknown or has no password, so
/// that every login costs one Argon2 verification and an unknown email cannot be told
/// from a wrong password by the time the answer takes.
pub const DUMMY_PASSWORD_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$E1TMUFDTzobXAmcgzJB40g$iUANqH8gq8be4eYIXEHPy54E1vE1oDFFt+X8ccNwkFk";

/// Checks a password against the user's stored hash, or against
/// [`DUMMY_PASSWORD_HASH`] when there is none: exactly one Argon2 verification either
/// way; false without a stored hash.
pub fn check_login_password(password: &str, stored: Option<&str>) -> bool {
    let matches = verify_password(password, stored.unwrap_or(DUMMY_PASSWORD_HASH));
    matches && stored.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_themselves() {
        let hash = hash_password("p@ssword-1").expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("p@ssword-1", &hash));
        assert!(!verify_password("p@ssword-2", &hash));
        assert!(!verify_password("p@ssword-1", "not a hash"));
    }

    #[test]
    fn the_dummy_hash_costs_what_a_real_one_does() {
        let parameters = |phc: &str| phc.split('$').nth(3).map(str::to_string);
        let real = hash_password("any password").expect("hash");
        assert_eq!(parameters(DUMMY_PASSWORD_HASH), parameters(&real));
        assert!(DUMMY_PASSWORD_HASH.starts_with("$argon2id$v=19$"));
        assert!(!check_login_password("no user has this password", None));
        assert!(check_login_password("any password", Some(&real)));
        assert!(!check_login_password("other", Some(&real)));
    }

    #[test]
    fn tokens_have_the_contract_shape() {
        let t = new_token();
        assert!(davomat_core::token::looks_like_token(&t));
        assert_ne!(t, new_token());
    }
}
