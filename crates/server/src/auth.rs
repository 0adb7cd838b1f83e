//! Tokens, pairing codes and ids: random from the OS, stored as SHA-256 hashes only.

fn random_bytes<const N: usize>() -> std::io::Result<[u8; N]> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| std::io::Error::other(format!("no randomness from the OS: {e}")))?;
    Ok(b)
}

/// A device token: 256 bits, hex.
pub fn new_token() -> std::io::Result<String> {
    Ok(hex::encode(random_bytes::<32>()?))
}

/// A pairing code an inspector types: 12 characters of Crockford base32 (60 bits),
/// grouped XXXX-XXXX-XXXX; used once, and only before it expires.
pub fn new_pairing_code() -> std::io::Result<String> {
    Ok(anjian_core::pairing::format(&random_bytes::<{ anjian_core::pairing::LEN }>()?))
}

pub fn normalise_code(code: &str) -> String {
    anjian_core::pairing::normalise(code)
}

pub fn new_id() -> std::io::Result<String> {
    Ok(hex::encode(random_bytes::<16>()?))
}
