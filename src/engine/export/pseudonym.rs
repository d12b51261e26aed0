//! Keyed pseudonyms: HMAC-SHA-256 of a value under the user's secret, hex-encoded and
//! truncated.
//!
//! The same value and key always give the same pseudonym, so a partner can join two exports
//! made with the same key (customers to transactions, on `id`); exports made with different
//! keys share no pseudonym. It is never an unkeyed hash: an unkeyed SHA-256 of an e-mail or a
//! contact id is reversed by hashing a list of candidates, which a key prevents as long as it
//! stays secret. The key is the secret's UTF-8 bytes, as typed or as generated, so an auditor
//! can reproduce a pseudonym with any HMAC tool:
//! `printf %s VALUE | openssl dgst -sha256 -hmac SECRET`, then the first `length` hex digits.
//!
//! **Length and collisions.** `length` hex digits keep `4 × length` bits. Among `n` distinct
//! values the chance that two share a pseudonym is at most `n(n-1)/2 / 2^bits`: with the
//! default 16 digits (64 bits), `n²/2^65`, about 2.7 × 10⁻⁸ at a million values. c360 also
//! checks every column it pseudonymises and refuses an export where a collision did happen
//! ([`super::ExportError::PseudonymCollision`]), so a join can never merge two people.
//!
//! The key is never stored or written by this module: [`Key`] has no serialisation and its
//! `Debug` hides it; the manifest records only the algorithm and the length.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::error::KeyError;

/// The algorithm, as the manifest names it.
pub const ALGORITHM: &str = "HMAC-SHA-256";

/// The pseudonym length when none is given: 16 hex digits, 64 bits.
pub const DEFAULT_LENGTH: usize = 16;

/// The shortest length allowed: 64 bits, so that a million values collide with a chance
/// below 10⁻⁷.
pub const MIN_LENGTH: usize = 16;

/// The longest length: all 256 bits of the HMAC.
pub const MAX_LENGTH: usize = 64;

/// The shortest secret accepted, in bytes.
pub const MIN_SECRET_BYTES: usize = 16;

/// Random bytes in a generated key (shown as twice as many hex digits).
const GENERATED_BYTES: usize = 32;

/// The user's secret. It is kept only in memory, for as long as the export runs.
#[derive(Clone)]
pub struct Key {
    secret: String,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(<secret>)")
    }
}

impl Key {
    /// A key from a secret the user typed (or kept from [`Key::generate`]); at least
    /// [`MIN_SECRET_BYTES`] bytes.
    pub fn from_secret(secret: &str) -> Result<Key, KeyError> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(KeyError::TooShort {
                bytes: secret.len(),
                min: MIN_SECRET_BYTES,
            });
        }
        Ok(Key {
            secret: secret.to_string(),
        })
    }

    /// A new key from the platform's CSPRNG (the OS natively, `crypto.getRandomValues` in the
    /// browser): 32 random bytes as 64 lowercase hex digits. Show it once with
    /// [`Key::secret`]; it is needed again only to make another joinable export.
    pub fn generate() -> Result<Key, KeyError> {
        let mut bytes = [0u8; GENERATED_BYTES];
        getrandom::fill(&mut bytes).map_err(|e| KeyError::Random {
            message: e.to_string(),
        })?;
        Ok(Key {
            secret: hex(&bytes),
        })
    }

    /// The secret itself, to show the user once.
    pub fn secret(&self) -> &str {
        &self.secret
    }
}

/// HMAC-SHA-256 of `data` under `key` (RFC 2104 with SHA-256, as RFC 4231 tests it).
pub fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

/// Pseudonyms of one key and length. The keyed HMAC state is computed once and cloned per
/// value.
#[derive(Clone)]
pub struct Pseudonymiser {
    mac: Hmac<Sha256>,
    length: usize,
}

impl Pseudonymiser {
    /// `length` hex digits, [`MIN_LENGTH`] to [`MAX_LENGTH`] (the policy file checks it).
    pub fn new(key: &Key, length: usize) -> Pseudonymiser {
        debug_assert!((MIN_LENGTH..=MAX_LENGTH).contains(&length));
        Pseudonymiser {
            mac: Hmac::<Sha256>::new_from_slice(key.secret.as_bytes())
                .expect("HMAC takes a key of any length"),
            length: length.clamp(1, MAX_LENGTH),
        }
    }

    /// The pseudonym of `value`: the first `length` hex digits of HMAC-SHA-256(key, value).
    pub fn pseudonym(&self, value: &str) -> String {
        let mut mac = self.mac.clone();
        mac.update(value.as_bytes());
        let digest = mac.finalize().into_bytes();
        let mut text = hex(&digest[..self.length.div_ceil(2)]);
        text.truncate(self.length);
        text
    }

    pub fn length(&self) -> usize {
        self.length
    }
}

/// The collision bound the manifest states for `length` hex digits at a million values.
pub fn collision_bound(length: usize) -> String {
    let bits = 4 * length as i32;
    let n = 1.0e6_f64;
    let p = n * (n - 1.0) / 2.0 / 2f64.powi(bits);
    format!("p <= n(n-1)/2 / 2^{bits}, about {p:.1e} at n = 1,000,000 distinct values")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    }

    /// RFC 4231 section 4: the HMAC-SHA-256 results of test cases 1 to 7 (case 5's output is
    /// truncated to 128 bits by the RFC itself).
    #[test]
    fn rfc_4231_test_vectors() {
        let aa131 = vec![0xaa; 131];
        let cases: [(Vec<u8>, Vec<u8>, &str); 7] = [
            (
                vec![0x0b; 20],
                b"Hi There".to_vec(),
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            ),
            (
                b"Jefe".to_vec(),
                b"what do ya want for nothing?".to_vec(),
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            (
                vec![0xaa; 20],
                vec![0xdd; 50],
                "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
            ),
            (
                unhex("0102030405060708090a0b0c0d0e0f10111213141516171819"),
                vec![0xcd; 50],
                "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
            ),
            (
                vec![0x0c; 20],
                b"Test With Truncation".to_vec(),
                "a3b6167473100ee06e0c796c2955552b",
            ),
            (
                aa131.clone(),
                b"Test Using Larger Than Block-Size Key - Hash Key First".to_vec(),
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            ),
            (
                aa131,
                b"This is a test using a larger than block-size key and a larger than \
block-size data. The key needs to be hashed before being used by the HMAC algorithm."
                    .to_vec(),
                "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
            ),
        ];
        for (i, (key, data, want)) in cases.iter().enumerate() {
            let got = hex(&hmac_sha256(key, data));
            assert_eq!(&got[..want.len()], *want, "RFC 4231 test case {}", i + 1);
        }
    }

    #[test]
    fn pseudonyms_are_the_truncated_hmac_of_the_secrets_bytes() {
        let key = Key::from_secret("Jefe-but-longer!").unwrap();
        let p = Pseudonymiser::new(&key, 16);
        let full = hex(&hmac_sha256(b"Jefe-but-longer!", b"ruby@example.com"));
        assert_eq!(p.pseudonym("ruby@example.com"), full[..16]);
        assert_eq!(
            Pseudonymiser::new(&key, 64).pseudonym("x"),
            hex(&hmac_sha256(b"Jefe-but-longer!", b"x"))
        );
        assert_eq!(Pseudonymiser::new(&key, 17).pseudonym("x").len(), 17);
        assert_ne!(p.pseudonym("a"), p.pseudonym("b"));
    }

    #[test]
    fn short_secrets_are_refused_and_the_key_never_prints() {
        assert_eq!(
            Key::from_secret("short").unwrap_err(),
            KeyError::TooShort { bytes: 5, min: 16 }
        );
        let key = Key::from_secret("a secret of some length").unwrap();
        assert!(!format!("{key:?}").contains("secret of"));
    }

    #[test]
    fn generated_keys_are_64_hex_digits_and_differ() {
        let (a, b) = (Key::generate().unwrap(), Key::generate().unwrap());
        assert_eq!(a.secret().len(), 64);
        assert!(a.secret().bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a.secret(), b.secret());
    }

    #[test]
    fn the_bound_at_a_million_is_stated() {
        assert!(
            collision_bound(16).contains("2^64, about 2.7e-8"),
            "{}",
            collision_bound(16)
        );
    }
}
