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
pub fn is_well_formed(typed: &str) -> bool {
    code(typed).is_ok()
}

/// The longest name a device may be listed under.
pub const DEVICE_NAME_MAX: usize = 60;
const SERVER_MAX: usize = 200;

/// What is wrong with what was typed to pair; the same on the device and the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PairingError {
    #[error("服务器地址应以 http:// 或 https:// 开头，例如 http://127.0.0.1:8470")]
    ServerAddress,
    #[error("配对码应为12位字母和数字（区局登记时给出）")]
    Code,
    #[error("设备名称应为1到60个字")]
    DeviceName,
}

impl PairingError {
    /// The form field it is about.
    pub fn field(self) -> &'static str {
        match self {
            PairingError::ServerAddress => "server",
            PairingError::Code => "code",
            PairingError::DeviceName => "deviceName",
        }
    }
}

/// The code as compared, when it can be one.
pub fn code(typed: &str) -> Result<String, PairingError> {
    let c = normalise(typed);
    if c.len() == LEN && typed.chars().count() <= CODE_TYPED_MAX { Ok(c) } else { Err(PairingError::Code) }
}

/// The device's name, trimmed: at most 60 characters as typed, some text that is not
/// white space, and no control characters within it.
pub fn device_name(typed: &str) -> Result<&str, PairingError> {
    let name = typed.trim();
    let valid = typed.chars().count() <= DEVICE_NAME_MAX && !name.is_empty() && !name.chars().any(char::is_control);
    if valid { Ok(name) } else { Err(PairingError::DeviceName) }
}

/// The longest a code may be as typed (with its dashes and spaces).
pub const CODE_TYPED_MAX: usize = 64;

/// `code`'s rule as a regular expression (ECMA 262 and Python alike), for the server's
/// OpenAPI document: twelve ASCII letters or digits among any other characters.
pub const CODE_PATTERN: &str = "^[^0-9A-Za-z]*(?:[0-9A-Za-z][^0-9A-Za-z]*){12}$";

/// `device_name`'s rule as a regular expression: `WHITE` is Rust's `char::is_whitespace`
/// (what `trim` removes), spelled out, so that both sides of the contract agree.
pub const DEVICE_NAME_PATTERN: &str = concat!(
    "^[\\t\\n\\x0b\\x0c\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*",
    "[^\\x00-\\x20\\x7f-\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]",
    "(?:[^\\x00-\\x1f\\x7f-\\x9f]*[^\\x00-\\x20\\x7f-\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000])?",
    "[\\t\\n\\x0b\\x0c\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*$"
);

/// The server's address as typed, without a trailing slash: http(s)://, a host, no spaces.
pub fn server_address(typed: &str) -> Result<String, PairingError> {
    let server = typed.trim().trim_end_matches('/');
    let valid = server.len() <= SERVER_MAX
        && !server.contains(char::is_whitespace)
        && ["http://", "https://"]
            .iter()
            .any(|scheme| server.strip_prefix(scheme).is_some_and(|rest| !rest.is_empty()));
    if valid { Ok(server.to_owned()) } else { Err(PairingError::ServerAddress) }
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
            ("7K2M-Q9TX-4HRB                                                    ", "7K2MQ9TX4HRB", false),
        ];
        for (typed, normal, ok) in cases {
            assert_eq!(normalise(typed), normal, "{typed}");
            assert_eq!(is_well_formed(typed), ok, "{typed}");
            assert_eq!(code(typed).is_ok(), ok, "{typed}");
        }
    }

    #[test]
    fn server_addresses_and_device_names() {
        let servers = [
            ("http://127.0.0.1:8470", Ok("http://127.0.0.1:8470")),
            (" https://anjian.mentougou.gov.cn/ ", Ok("https://anjian.mentougou.gov.cn")),
            ("127.0.0.1:8470", Err(PairingError::ServerAddress)),
            ("http://", Err(PairingError::ServerAddress)),
            ("http://a b", Err(PairingError::ServerAddress)),
            ("ftp://a", Err(PairingError::ServerAddress)),
        ];
        for (typed, want) in servers {
            assert_eq!(server_address(typed).as_deref().map_err(|e| *e), want, "{typed}");
        }
        let long = "长".repeat(61);
        let padded = format!("{} ", "长".repeat(60));
        let names = [
            (" 执法终端 ", Ok("执法终端")),
            ("执法 终端\n", Ok("执法 终端")),
            ("\u{3000}终端\u{a0}", Ok("终端")),
            ("", Err(PairingError::DeviceName)),
            ("  ", Err(PairingError::DeviceName)),
            ("\u{3000}\u{2028}", Err(PairingError::DeviceName)),
            ("执法\u{1}终端", Err(PairingError::DeviceName)),
            ("执法终端\u{1c}", Err(PairingError::DeviceName)),
            (long.as_str(), Err(PairingError::DeviceName)),
            // The limit counts what was typed, as the OpenAPI document's maxLength does.
            (padded.as_str(), Err(PairingError::DeviceName)),
        ];
        for (typed, want) in names {
            assert_eq!(device_name(typed), want, "{typed}");
        }
        assert_eq!(device_name(&"长".repeat(60)).map(|n| n.chars().count()), Ok(60));
        assert_eq!(PairingError::DeviceName.field(), "deviceName");
    }
}
