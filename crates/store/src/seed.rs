//! First-start data: the district's reference lists (always kept current) and the
//! clearly marked demo set (loaded once, into an empty store only).

use anjian_core::division::{Division, Sector};
use anjian_core::enterprise::EnterpriseInput;
use serde::Deserialize;

use crate::Store;
use crate::error::{Result, StoreError};

#[derive(Debug, Clone)]
pub struct Reference {
    pub divisions: Vec<Division>,
    pub sectors: Vec<Sector>,
}

impl Reference {
    pub fn parse(divisions_json: &str, sectors_json: &str) -> Result<Reference> {
        let divisions: Vec<Division> =
            serde_json::from_str(divisions_json).map_err(|e| StoreError::Seed(format!("divisions: {e}")))?;
        let sectors: Vec<Sector> =
            serde_json::from_str(sectors_json).map_err(|e| StoreError::Seed(format!("sectors: {e}")))?;
        if divisions.is_empty() || sectors.is_empty() {
            return Err(StoreError::Seed("empty division or sector list".into()));
        }
        Ok(Reference { divisions, sectors })
    }
}

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
pub struct DemoSet {
    pub demo: bool,
    pub enterprises: Vec<EnterpriseInput>,
}

impl DemoSet {
    pub fn parse(json: &str) -> Result<DemoSet> {
        let set: DemoSet = serde_json::from_str(json).map_err(|e| StoreError::Seed(format!("demo set: {e}")))?;
        if !set.demo {
            return Err(StoreError::Seed("the demo file is not marked \"demo\": true".into()));
        }
        Ok(set)
    }
}

const DEMO_KEY: &str = "demo_loaded";

impl Store {
    /// Puts the reference lists, and the demo set if this store has never held one
    /// and has no enterprises of its own. All in one transaction.
    pub fn seed(&self, reference: &Reference, demo: Option<&DemoSet>) -> Result<usize> {
        let empty = self.counts()?.enterprises == 0 && self.setting(DEMO_KEY)?.is_none();
        self.write(|w| {
            w.put_reference(&reference.divisions, &reference.sectors)?;
            let mut loaded = 0;
            if let (true, Some(demo)) = (empty, demo) {
                for e in &demo.enterprises {
                    w.insert_enterprise(e, true).map_err(|err| StoreError::Seed(format!("demo {}: {err}", e.name)))?;
                    loaded += 1;
                }
                w.set_setting(DEMO_KEY, &loaded.to_string())?;
            }
            Ok(loaded)
        })
    }
}
