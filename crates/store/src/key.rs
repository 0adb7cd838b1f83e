//! The store's key and where it is kept. The key never lies in a file beside the data:
//! the desktop shell keeps it in the operating system's secret store (a `KeyStore` of its
//! own); tests and tools hold one in memory.

use std::sync::Mutex;

use chacha20poly1305::XChaCha20Poly1305;
use chacha20poly1305::aead::{KeyInit, OsRng};
use sha2::{Digest, Sha256};

/// 32 random bytes. The database and the attachment files each use a key derived from
/// it, so neither cipher ever sees the other's key.
#[derive(Clone, PartialEq, Eq)]
pub struct StoreKey([u8; 32]);

impl std::fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreKey(…)")
    }
}

impl StoreKey {
    /// A new key from the operating system's random source.
    pub fn generate() -> StoreKey {
        StoreKey(XChaCha20Poly1305::generate_key(&mut OsRng).into())
    }

    /// A key as the secret store gave it back; `None` unless it is exactly 32 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Option<StoreKey> {
        Some(StoreKey(bytes.try_into().ok()?))
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    fn derive(&self, label: &str) -> [u8; 32] {
        // The master key is uniformly random: one hash per purpose is a sound KDF here.
        Sha256::new().chain_update(label.as_bytes()).chain_update(self.0).finalize().into()
    }

    /// The database's key in SQLCipher's raw-key form (`x'…'`, for `PRAGMA key`): 256
    /// bits used as they are, no passphrase derivation at each open.
    pub fn sqlcipher_key(&self) -> String {
        format!("x'{}'", hex::encode(self.derive("anjian database v1")))
    }

    pub(crate) fn files(&self) -> [u8; 32] {
        self.derive("anjian attachments v1")
    }
}

/// Why the secret store could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct KeyError(pub String);

/// Where the store's key is kept: the operating system's secret store in the app.
pub trait KeyStore: Send + Sync + std::fmt::Debug {
    /// The key, or `None` when none was ever saved here.
    fn load(&self) -> Result<Option<StoreKey>, KeyError>;
    fn save(&self, key: &StoreKey) -> Result<(), KeyError>;
    /// Deletes the key (a device revoked with wiping).
    fn forget(&self) -> Result<(), KeyError>;
}

/// A key held in memory: for tests and tools, never for the app in the field.
#[derive(Debug, Default)]
pub struct MemoryKeys(Mutex<Option<StoreKey>>);

impl MemoryKeys {
    pub fn holding(key: StoreKey) -> MemoryKeys {
        MemoryKeys(Mutex::new(Some(key)))
    }

    pub fn empty() -> MemoryKeys {
        MemoryKeys::default()
    }
}

impl KeyStore for MemoryKeys {
    fn load(&self) -> Result<Option<StoreKey>, KeyError> {
        Ok(crate::lock(&self.0).clone())
    }

    fn save(&self, key: &StoreKey) -> Result<(), KeyError> {
        *crate::lock(&self.0) = Some(key.clone());
        Ok(())
    }

    fn forget(&self) -> Result<(), KeyError> {
        *crate::lock(&self.0) = None;
        Ok(())
    }
}
