//! How far each device has pulled (`device_pull`), for the console. A device paging through
//! the log or syncing every few seconds costs a note only when its cursor grows, or once a
//! minute for its last contact. The notes go to the storage's writing thread, which writes
//! them with the next group of pushes: a pull never waits for a write. The console's pages
//! that show them ask for the notes handed over to be written first
//! (`Storage::pull_notes_written`).

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::storage::{PullNote, Storage};

/// The last contact is noted again after this long, even with the cursor unchanged (a note
/// whose write failed is also written again then).
const CONTACT: Duration = Duration::from_secs(60);
/// Beyond this many devices remembered, the memory starts again (each then noted once more).
const REMEMBERED: usize = 100_000;

#[derive(Default)]
pub(crate) struct PullNotes {
    /// The cursor last noted for each device, and when.
    noted: Mutex<HashMap<String, (u64, Instant)>>,
}

impl PullNotes {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, (u64, Instant)>> {
        self.noted.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Notes that `device` asked for the changes after `after` at `at`, if worth noting:
    /// handed to the storage's writing thread, without waiting.
    pub(crate) fn note(&self, storage: &dyn Storage, device: &str, after: u64, at: &str) {
        let now = Instant::now();
        {
            let mut noted = self.lock();
            if noted.len() > REMEMBERED {
                noted.clear();
            }
            if let Some((cursor, when)) = noted.get(device)
                && after <= *cursor
                && now.duration_since(*when) < CONTACT
            {
                return;
            }
            let highest = noted.get(device).map_or(after, |(cursor, _)| after.max(*cursor));
            noted.insert(device.to_owned(), (highest, now));
        }
        storage.note_pulls(vec![PullNote { device_id: device.to_owned(), after, at: at.to_owned() }]);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// Pulls of many devices at once, each handed over without waiting; once the notes are
    /// written, each device's highest cursor is what the table holds.
    #[test]
    fn notes_of_pulls_at_once_are_all_written() {
        let dir = tempfile::tempdir().unwrap();
        let storage = crate::SqliteStorage::open(&dir.path().join("district.db")).unwrap();
        let notes = PullNotes::default();
        std::thread::scope(|s| {
            for t in 0..8u64 {
                let (storage, notes) = (&storage, &notes);
                s.spawn(move || {
                    for round in 0..20u64 {
                        let device = format!("device-{}", (t + round) % 5);
                        notes.note(storage, &device, t * 100 + round, "2026-12-05T00:00:00Z");
                    }
                });
            }
        });
        storage.pull_notes_written().unwrap();
        let mut rows = Vec::new();
        storage
            .read(&mut |sql| {
                rows = sql.query("SELECT device_id, CAST(after AS TEXT) FROM device_pull ORDER BY device_id", &[])?;
                Ok(())
            })
            .unwrap();
        let highest: Vec<(String, u64)> = (0..5u64)
            .map(|d| {
                let best = (0..8u64)
                    .flat_map(|t| (0..20u64).filter(move |r| (t + r) % 5 == d).map(move |r| t * 100 + r))
                    .max()
                    .unwrap();
                (format!("device-{d}"), best)
            })
            .collect();
        let held: Vec<(String, u64)> =
            rows.into_iter().map(|r| (r[0].clone().unwrap(), r[1].clone().unwrap().parse().unwrap())).collect();
        assert_eq!(held, highest);
    }
}
