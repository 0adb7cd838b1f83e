//! The store's key in the operating system's secret store, through the keyring crate
//! (maintained; Secret Service on Linux, Credential Manager on Windows, the Keychain on
//! macOS): one entry per data directory, never a file beside the data.

use std::path::Path;

use anjian_api::{KeyError, KeyStore, StoreKey};

const SERVICE: &str = "anjian 安检";

#[derive(Debug)]
pub struct SystemKeys {
    account: String,
}

impl SystemKeys {
    /// The entry of the store in `data_dir`.
    pub fn for_dir(data_dir: &Path) -> SystemKeys {
        SystemKeys { account: format!("本机数据密钥 {}", data_dir.display()) }
    }

    fn entry(&self) -> Result<keyring::Entry, KeyError> {
        keyring::Entry::new(SERVICE, &self.account).map_err(unusable)
    }
}

fn unusable(e: keyring::Error) -> KeyError {
    KeyError(match e {
        keyring::Error::NoDefaultStore => {
            "本机没有可用的系统密钥库（Linux 需要桌面会话中的 Secret Service，如 GNOME 密钥环）".into()
        }
        keyring::Error::NoStorageAccess(why) => format!("系统密钥库未解锁或拒绝访问（{why}）"),
        other => format!("系统密钥库出错（{other}）"),
    })
}

impl KeyStore for SystemKeys {
    fn load(&self) -> Result<Option<StoreKey>, KeyError> {
        match self.entry()?.get_secret() {
            Ok(bytes) => StoreKey::from_bytes(&bytes)
                .map(Some)
                .ok_or_else(|| KeyError("系统密钥库中的本机数据密钥已损坏".into())),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(unusable(e)),
        }
    }

    fn save(&self, key: &StoreKey) -> Result<(), KeyError> {
        self.entry()?.set_secret(key.as_bytes()).map_err(unusable)
    }

    fn forget(&self) -> Result<(), KeyError> {
        match self.entry()?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(unusable(e)),
        }
    }
}
