//! How far each device has pulled (`device_pull`), for the console. A device paging through
//! the log or syncing every few seconds costs a note only when its cursor grows, or once a
//! minute for its last contact; and the notes of pulls that arrive together are written in
//! one transaction (a hundred devices syncing at once cost one or two commits, not a
//! hundred, and leave the write lock to the pushes).

use std::collections::HashMap;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::storage::{Result, Storage, note_pull};

/// The last contact is written again after this long, even with the cursor unchanged.
const CONTACT: Duration = Duration::from_secs(60);
/// Beyond this many devices remembered, the memory starts again (each then noted once more).
const REMEMBERED: usize = 100_000;

#[derive(Default)]
pub(crate) struct PullNotes {
    state: Mutex<State>,
    written: Condvar,
}

#[derive(Default)]
struct State {
    /// The cursor last noted (or being noted) for each device, and when.
    noted: HashMap<String, (u64, Instant)>,
    /// Notes waiting for the next write: device → (cursor, time of the pull).
    pending: HashMap<String, (u64, String)>,
    /// A write is under way (its writer is one of the pulls).
    writing: bool,
    /// Writes begun, and writes finished: a note added while `begun == n` is written by
    /// write n + 1.
    begun: u64,
    finished: u64,
}

impl PullNotes {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Notes that `device` asked for the changes after `after` at `at`, if worth noting, and
    /// returns once the note is written: by this pull, or with others in one transaction by
    /// the pull writing when it came (a pull whose cursor is noted already returns at once).
    /// A note that could not be written is forgotten, so the device's next pull tries
    /// again; the failure is returned to the pull whose transaction it was.
    pub(crate) fn note(&self, storage: &dyn Storage, device: &str, after: u64, at: &str) -> Result<()> {
        let mut state = self.lock();
        let now = Instant::now();
        if state.noted.len() > REMEMBERED {
            state.noted.clear();
        }
        if let Some((noted, when)) = state.noted.get(device)
            && after <= *noted
            && now.duration_since(*when) < CONTACT
        {
            return Ok(());
        }
        let highest = state.noted.get(device).map_or(after, |(noted, _)| after.max(*noted));
        state.noted.insert(device.to_owned(), (highest, now));
        let ahead = state.pending.get(device).is_some_and(|(pending, _)| *pending > after);
        if !ahead {
            state.pending.insert(device.to_owned(), (after, at.to_owned()));
        }
        let mine = state.begun + 1;
        loop {
            if state.finished >= mine {
                // Written by another pull's transaction (a failure there was logged there).
                return Ok(());
            }
            if !state.writing {
                // Nothing is being written, so every write begun has finished and none
                // took this pull's note: it is in the write begun here.
                state.writing = true;
                state.begun += 1;
                let notes = std::mem::take(&mut state.pending);
                drop(state);
                let mut writing = Writing { notes: self, devices: notes.keys().cloned().collect(), written: false };
                let written = write(storage, &notes);
                writing.written = written.is_ok();
                return written;
            }
            state = self.written.wait(state).unwrap_or_else(|p| p.into_inner());
        }
    }
}

/// A write under way. Ended however it ends, a panic in the storage included: the notes
/// not written are forgotten, the next pull may write, the pulls waiting are woken.
struct Writing<'a> {
    notes: &'a PullNotes,
    devices: Vec<String>,
    written: bool,
}

impl Drop for Writing<'_> {
    fn drop(&mut self) {
        let mut state = self.notes.lock();
        if !self.written {
            for device in &self.devices {
                state.noted.remove(device);
            }
        }
        state.writing = false;
        state.finished = state.begun;
        self.notes.written.notify_all();
    }
}

fn write(storage: &dyn Storage, notes: &HashMap<String, (u64, String)>) -> Result<()> {
    if notes.is_empty() {
        return Ok(());
    }
    // One order for every write: two writers never wait on each other's rows.
    let mut notes: Vec<_> = notes.iter().collect();
    notes.sort();
    storage.transact(&mut |sql| {
        for (device, (after, at)) in &notes {
            note_pull(sql, device, *after, at)?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// Pulls of many devices at once, each noted in some transaction, none waiting forever;
    /// each device's highest cursor is what the table holds.
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
                        notes.note(storage, &device, t * 100 + round, "2026-12-05T00:00:00Z").unwrap();
                    }
                });
            }
        });
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
