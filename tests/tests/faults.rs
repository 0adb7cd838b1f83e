//! Several devices sync through a proxy that drops, cuts mid-body, loses replies, delays,
//! duplicates and replays requests late, over 1,000 sync rounds in all; afterwards the
//! server holds exactly the union of the devices' changes, each once, and every
//! attachment with the right hash. With SQLite and with PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed step is the test failing

mod support;

use std::collections::BTreeSet;
use std::sync::atomic::Ordering;

use anjian_sync::client::{Client, RetryPolicy};
use anjian_sync::protocol::{Change, PushBatch};
use sha2::{Digest, Sha256};
use support::{Server, TestDb, both_backends, fault_proxy};

both_backends!(every_change_arrives_once_through_a_bad_network);

const DEVICES: u64 = 4;
const ROUNDS_PER_DEVICE: u64 = 250;

/// A device's outbox as the store keeps it: changes waiting, the batch in flight (sent
/// again under the same id until answered), and its photos.
struct Device {
    id: String,
    client: Client,
    next: u64,
    pending: Vec<Change>,
    in_flight: Option<PushBatch>,
    photos: Vec<(String, Vec<u8>)>,
    unsent_photos: Vec<usize>,
    written: BTreeSet<String>,
}

impl Device {
    /// One sync round: photos the server lacks first, then the outbox in one batch.
    async fn sync(&mut self) -> bool {
        if !self.unsent_photos.is_empty() {
            let hashes: Vec<String> = self.unsent_photos.iter().map(|&i| self.photos[i].0.clone()).collect();
            let Ok(missing) = self.client.missing(&hashes).await else { return false };
            for m in missing.missing {
                let Some((sha, bytes)) = self.photos.iter().find(|(s, _)| *s == m.sha256) else { continue };
                if self.client.upload(sha, bytes).await.is_err() {
                    return false;
                }
            }
            self.unsent_photos.clear();
        }
        if self.in_flight.is_none() && !self.pending.is_empty() {
            let take = self.pending.len().min(50);
            let changes: Vec<Change> = self.pending.drain(..take).collect();
            let batch_id = format!("{}-b{}", self.id, changes[0].change_id.rsplit(':').next().unwrap_or("0"));
            self.in_flight = Some(PushBatch { batch_id, changes });
        }
        let Some(batch) = &self.in_flight else { return true };
        match self.client.push(batch).await {
            Ok(res) => {
                assert_eq!(res.results.len(), batch.changes.len());
                self.in_flight = None;
                true
            }
            Err(e) => {
                assert!(e.is_transient(), "only the network fails here: {e}");
                false
            }
        }
    }

    fn write(&mut self, n: u64) {
        for _ in 0..n {
            let change = support::change(&self.id, self.next);
            self.written.insert(change.change_id.clone());
            self.pending.push(change);
            self.next += 1;
        }
    }

    fn photo(&mut self, round: u64) {
        let bytes: Vec<u8> =
            (0..(40_000 + round as usize * 997 % 1_500_000)).map(|i| (i as u64 * 7 + round) as u8).collect();
        let sha = hex::encode(Sha256::digest(&bytes));
        self.photos.push((sha, bytes));
        self.unsent_photos.push(self.photos.len() - 1);
    }
}

async fn every_change_arrives_once_through_a_bad_network(pg: bool) {
    let db = TestDb::new(pg);
    let server = Server::start(&db.db).await;
    let upstream = server.url.trim_start_matches("http://").to_owned();
    let (proxy, counts) = fault_proxy::start(upstream, 35, 0x5EED).await.expect("proxy");
    let policy = RetryPolicy {
        attempts: 2,
        first_delay: std::time::Duration::from_millis(5),
        max_delay: std::time::Duration::from_millis(20),
        timeout: std::time::Duration::from_secs(5),
    };
    let mut tasks = Vec::new();
    for d in 0..DEVICES {
        let (direct, id, token) = support::paired(&server, &format!("1101092310{d}")).await;
        drop(direct);
        let client = Client::new(&format!("http://{proxy}"), Some(token), policy).expect("client");
        let mut device = Device {
            id,
            client,
            next: 0,
            pending: Vec::new(),
            in_flight: None,
            photos: Vec::new(),
            unsent_photos: Vec::new(),
            written: BTreeSet::new(),
        };
        tasks.push(tokio::spawn(async move {
            let mut ok_rounds = 0;
            for round in 0..ROUNDS_PER_DEVICE {
                device.write(1 + round % 4);
                if round % 25 == 7 {
                    device.photo(round + d * 1000);
                }
                if device.sync().await {
                    ok_rounds += 1;
                }
            }
            // Coverage returns: sync until nothing is left.
            let mut extra = 0;
            while device.in_flight.is_some() || !device.pending.is_empty() || !device.unsent_photos.is_empty() {
                device.sync().await;
                extra += 1;
                assert!(extra < 2_000, "the device could not finish syncing");
            }
            (device.written, device.photos, ok_rounds)
        }));
    }
    let mut union = BTreeSet::new();
    let mut photos = Vec::new();
    let mut ok_rounds = 0;
    for t in tasks {
        let (written, p, ok) = t.await.expect("device");
        union.extend(written);
        photos.extend(p);
        ok_rounds += ok;
    }
    // Late replays still in the air must land before the count (they change nothing).
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;

    // Exactly the union, each once, pulled in one order.
    let count = server.with(|s| s.change_count()).await.expect("count");
    assert_eq!(count, union.len() as u64, "no duplicates, nothing lost");
    let (reader, _, _) = support::paired(&server, "11010923199").await;
    let mut pulled = Vec::new();
    let mut cursor = 0;
    loop {
        let page = reader.pull(cursor, 500).await.expect("pull");
        pulled.extend(page.changes.into_iter().map(|c| c.change_id));
        cursor = page.next;
        if !page.more {
            break;
        }
    }
    let pulled_set: BTreeSet<String> = pulled.iter().cloned().collect();
    assert_eq!(pulled.len(), pulled_set.len(), "a change pulled twice");
    assert_eq!(pulled_set, union);
    for (sha, bytes) in photos {
        let stored = server.with(move |s| s.attachment(&sha)).await.expect("attachment present");
        assert_eq!(stored, bytes, "attachment content");
    }
    let g = |a: &std::sync::atomic::AtomicU64| a.load(Ordering::Relaxed);
    for (what, n) in [
        ("dropped", g(&counts.dropped)),
        ("cut", g(&counts.cut)),
        ("reply lost", g(&counts.reply_lost)),
        ("delayed", g(&counts.delayed)),
        ("duplicated", g(&counts.duplicated)),
        ("replayed late", g(&counts.replayed_late)),
    ] {
        assert!(n > 10, "too few {what} faults ({n}) to mean anything");
    }
    println!(
        "{} rounds ({} with every request through), {} changes, {} faults: {}",
        DEVICES * ROUNDS_PER_DEVICE,
        ok_rounds,
        union.len(),
        if pg { "PostgreSQL" } else { "SQLite" },
        counts.summary()
    );
    server.stop().await;
}
