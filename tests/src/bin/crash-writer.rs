//! Child process of the crash test: writes enterprises, hazards and attachments into
//! the store as fast as it can and prints what each committed transaction holds,
//! until it is killed.
//!
//! crash-writer <data dir>

use std::io::Write;

use anjian_core::enterprise::{EnterpriseInput, Status};
use anjian_core::hazard::Level;
use anjian_store::seed::Reference;
use anjian_store::{NewHazard, Store, StoreError};
use anjian_tests::district::{Rng, credit_code, finding};

const DIVISIONS: &str = include_str!("../../../assets/seed/divisions.json");
const SECTORS: &str = include_str!("../../../assets/seed/sectors.json");

fn run(dir: &std::path::Path) -> Result<(), StoreError> {
    let store = Store::open(dir, anjian_tests::test_keys().as_ref())?;
    store.seed(&Reference::parse(DIVISIONS, SECTORS)?, None)?;
    let first = store.counts()?.enterprises as usize;
    let mut rng = Rng::new(first as u64 + 1);
    let mut out = std::io::stdout().lock();
    for n in first.. {
        let (e, h, a) = store.write(|w| {
            let e = w.insert_enterprise(
                &EnterpriseInput {
                    name: format!("崩溃测试单位{n}"),
                    credit_code: credit_code(n),
                    address: "北京市门头沟区大峪街道".into(),
                    division_code: "110109001".into(),
                    sectors: vec!["crowded".into()],
                    status: Status::Operating,
                    ..Default::default()
                },
                false,
            )?;
            let h = w.insert_hazard(&NewHazard {
                enterprise_id: e.id,
                inspection_id: None,
                item_code: None,
                description: finding(&mut rng),
                level: Level::General,
                deadline: w.now().date_naive(),
                found_at: None,
            })?;
            let photo: Vec<u8> = (0..2048).map(|_| rng.next_u64() as u8).collect();
            let a = w.put_attachment(&photo, "image/jpeg")?;
            Ok((e.id, h.id, a.sha256))
        })?;
        // Printed only after the commit returned: every line is a committed record.
        if writeln!(out, "{e} {h} {a}").and_then(|_| out.flush()).is_err() {
            return Ok(());
        }
    }
    Ok(())
}

fn main() {
    let Some(dir) = std::env::args_os().nth(1) else {
        eprintln!("usage: crash-writer <data dir>");
        std::process::exit(2);
    };
    if let Err(e) = run(std::path::Path::new(&dir)) {
        eprintln!("crash-writer: {e}");
        std::process::exit(1);
    }
}
