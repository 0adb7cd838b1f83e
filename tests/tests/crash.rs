//! A writer killed with SIGKILL in the middle of its writes, 50 times over the same
//! data directory, leaves a store that opens, passes integrity_check, keeps an
//! unbroken audit chain and holds every record whose commit was reported.

// A test fails loudly on the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anjian_core::Id;
use anjian_store::{HazardFilter, Store};

#[test]
fn killed_mid_write_fifty_times_loses_nothing_committed() {
    let dir = tempfile::tempdir().unwrap();
    let mut committed: Vec<(Id, Id, String)> = Vec::new();
    for round in 0..50u64 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_crash-writer"))
            .arg(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        // Kill after a varying number of commits, so the kill lands at varying points.
        let want = 5 + (round * 7) % 40;
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut seen = 0;
        while seen < want && Instant::now() < deadline {
            if let Ok(line) = rx.recv_timeout(Duration::from_millis(100)) {
                committed.push(parse(&line));
                seen += 1;
            }
        }
        assert!(seen >= want, "round {round}: the writer reported only {seen} commits");
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        reader.join().unwrap();
        // Lines already in the pipe when the kill came are commits too.
        committed.extend(rx.try_iter().map(|l| parse(&l)));
    }
    let store = Store::open(dir.path(), anjian_tests::test_keys().as_ref()).unwrap();
    store.integrity_check().unwrap();
    let chain = store.verify_audit_chain().unwrap();
    assert_eq!(chain.first_broken, None);
    for (e, h, sha) in &committed {
        store.enterprise(*e).unwrap();
        let page = store
            .hazard_ledger(
                &HazardFilter { enterprise: Some(*e), limit: 10, ..Default::default() },
                chrono::Utc::now().date_naive(),
            )
            .unwrap();
        assert!(page.items.iter().any(|r| r.hazard.id == *h), "hazard {h} lost");
        store.attachment(sha).unwrap();
    }
    assert!(committed.len() >= 50 * 5);
    // Each committed transaction wrote its three outbox rows; none is half there.
    assert_eq!(store.outbox_len().unwrap() as usize % 3, 0);
}

fn parse(line: &str) -> (Id, Id, String) {
    let mut parts = line.split(' ');
    let e = parts.next().unwrap().parse().unwrap();
    let h = parts.next().unwrap().parse().unwrap();
    (e, h, parts.next().unwrap().to_owned())
}
