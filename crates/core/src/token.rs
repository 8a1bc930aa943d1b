//! Opaque secrets (access, refresh, reset tokens and client secrets) are kept only
//! as their SHA-256: a lookup is one indexed equality, never a password hash.

use sha2::{Digest, Sha256};

/// The stored form of a secret: lowercase hex of its SHA-256.
pub fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// True when `s` has the shape of our tokens: 40 lowercase hex characters.
pub fn looks_like_token(s: &str) -> bool {
    s.len() == 40
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_is_stable_hex() {
        assert_eq!(
            digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn token_shape() {
        assert!(looks_like_token("655338cf3efdc4400fce9cf9606c086538fece6a"));
        assert!(!looks_like_token(
            "655338CF3efdc4400fce9cf9606c086538fece6a"
        ));
        assert!(!looks_like_token("abc"));
    }
}
