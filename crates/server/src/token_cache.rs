//! Token checks answered from memory. Every request needs one, and a token stops being
//! valid only when its device is revoked. A storage keeps a cache only while it hears of
//! every revocation, including those made by another process (the admin command): it
//! says so with `listening`; until then, and after any gap, nothing is cached.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long an entry is trusted even while listening: a revocation whose announcement
/// was lost without the connection noticing takes effect within this time.
const TRUSTED_FOR: Duration = Duration::from_secs(60);

/// More entries than devices a district has: a sign of churn, so start again.
const MAX_ENTRIES: usize = 10_000;

#[derive(Debug, Default)]
pub(crate) struct TokenCache {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    listening: bool,
    /// Moves on every revocation heard and every gap in listening: an answer read from
    /// the database before it moved may be stale and is not kept.
    generation: u64,
    devices: HashMap<String, (String, Instant)>,
}

/// Where a check stands when it goes to the database: the generation it must find on
/// its return to keep its answer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ticket(u64);

impl TokenCache {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The device of a token checked less than a minute ago, if nothing may have been
    /// revoked unheard since.
    pub(crate) fn get(&self, token_hash: &str) -> Option<String> {
        let s = self.state();
        match s.devices.get(token_hash) {
            Some((device, at)) if s.listening && at.elapsed() < TRUSTED_FOR => Some(device.clone()),
            _ => None,
        }
    }

    /// Taken before asking the database.
    pub(crate) fn ticket(&self) -> Ticket {
        Ticket(self.state().generation)
    }

    /// Keeps the database's answer, unless a revocation (or a gap) came in between.
    pub(crate) fn keep(&self, ticket: Ticket, token_hash: &str, device: &str) {
        let mut s = self.state();
        if !s.listening || s.generation != ticket.0 {
            return;
        }
        if s.devices.len() >= MAX_ENTRIES {
            s.devices.clear();
        }
        s.devices.insert(token_hash.to_owned(), (device.to_owned(), Instant::now()));
    }

    /// A device was revoked (here or elsewhere): forget every answer.
    pub(crate) fn revoked(&self) {
        let mut s = self.state();
        s.generation += 1;
        s.devices.clear();
    }

    /// Whether revocations are heard from now on; either way what was kept is forgotten
    /// (one may have been missed while not listening).
    pub(crate) fn set_listening(&self, listening: bool) {
        let mut s = self.state();
        s.listening = listening;
        s.generation += 1;
        s.devices.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::TokenCache;

    #[test]
    fn nothing_is_kept_unless_revocations_are_heard() {
        let cache = TokenCache::default();
        let t = cache.ticket();
        cache.keep(t, "h", "device");
        assert_eq!(cache.get("h"), None);
        cache.set_listening(true);
        let t = cache.ticket();
        cache.keep(t, "h", "device");
        assert_eq!(cache.get("h").as_deref(), Some("device"));
        assert_eq!(cache.get("other"), None);
        // The listening connection was lost: forget, and keep nothing until it is back.
        cache.set_listening(false);
        assert_eq!(cache.get("h"), None);
        let t = cache.ticket();
        cache.keep(t, "h", "device");
        assert_eq!(cache.get("h"), None);
    }

    #[test]
    fn a_revocation_forgets_and_spoils_answers_in_flight() {
        let cache = TokenCache::default();
        cache.set_listening(true);
        let t = cache.ticket();
        cache.keep(t, "a", "device-a");
        // A check went to the database; a revocation came before its answer.
        let in_flight = cache.ticket();
        cache.revoked();
        assert_eq!(cache.get("a"), None);
        cache.keep(in_flight, "b", "device-b");
        assert_eq!(cache.get("b"), None, "read before the revocation: may be the revoked device");
        let t = cache.ticket();
        cache.keep(t, "b", "device-b");
        assert_eq!(cache.get("b").as_deref(), Some("device-b"));
    }
}
