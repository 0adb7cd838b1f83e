//! The one-time pairing code the bureau hands an inspector at enrolment: twelve
//! characters in groups of four (`7K2M-Q9TX-4HRB`). It is typed by hand on the device,
//! so dashes, spaces and case do not matter; the alphabet leaves out I, L, O and U.

pub const LEN: usize = 12;
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A code from twelve random bytes, grouped for reading aloud.
pub fn format(random: &[u8; LEN]) -> String {
    let mut out = String::with_capacity(LEN + 2);
    for (i, b) in random.iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        out.push(char::from(ALPHABET[usize::from(b & 31)]));
    }
    out
}

/// The code as typed, without separators, in upper case: what is compared.
pub fn normalise(code: &str) -> String {
    code.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect()
}

/// Whether a typed code can be a pairing code at all (checked before asking the server).
pub fn is_well_formed(code: &str) -> bool {
    normalise(code).len() == LEN
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_as_given_and_as_typed() {
        assert_eq!(format(&[0, 1, 2, 3, 31, 32, 33, 255, 10, 11, 12, 13]), "0123-Z01Z-ABCD");
        let cases = [
            ("7K2M-Q9TX-4HRB", "7K2MQ9TX4HRB", true),
            (" 7k2m q9tx 4hrb ", "7K2MQ9TX4HRB", true),
            ("7K2M-Q9TX-4HR", "7K2MQ9TX4HR", false),
            ("7K2M-Q9TX-4HRBB", "7K2MQ9TX4HRBB", false),
            ("配对码", "", false),
        ];
        for (typed, normal, ok) in cases {
            assert_eq!(normalise(typed), normal, "{typed}");
            assert_eq!(is_well_formed(typed), ok, "{typed}");
        }
    }
}
