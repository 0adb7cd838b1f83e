//! The text of recent changes as pulls send them. Every device pulls every change once, so
//! the tail of the log is read as many times as there are devices: the first pull of a
//! change reads it from the database and writes its JSON; later pulls read only which
//! changes follow their cursor (and reach them) and send the text kept here. A change in
//! the log never changes (its audience, set in the transaction that stores it, decides
//! only which pulls see it, and is not in the text), so the text kept is never stale.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use crate::storage::{Result, Storage, page_json};

/// What the kept text may weigh: the last few thousand changes of a district.
const BUDGET: usize = 64 * 1024 * 1024;

pub(crate) struct PullCache {
    kept: Mutex<Kept>,
    budget: usize,
}

impl Default for PullCache {
    fn default() -> PullCache {
        PullCache { kept: Mutex::default(), budget: BUDGET }
    }
}

#[derive(Default)]
struct Kept {
    text: HashMap<u64, Arc<str>>,
    /// In the order kept, to let the oldest go first.
    order: VecDeque<u64>,
    bytes: usize,
}

impl PullCache {
    /// A pull's answer (`PullPage` in JSON): the changes after `after` that reach `device`,
    /// at most `limit`, as `Storage::pull` reads them.
    pub(crate) fn page(&self, storage: &dyn Storage, device: &str, after: u64, limit: u32) -> Result<String> {
        let seqs = storage.pull_seqs(device, after, limit)?;
        let more = seqs.len() > limit as usize;
        let seqs = &seqs[..seqs.len().min(limit as usize)];
        if let Some(changes) = self.all(seqs) {
            return Ok(page_text(&changes, seqs.last().copied().unwrap_or(after), more));
        }
        // Some not kept: the page read whole (what was written since the first read may
        // join it; it is a page all the same).
        let page = storage.pull(device, after, limit)?;
        let changes: Vec<(u64, Arc<str>)> = page.changes.iter().map(|c| (c.seq, Arc::from(c.to_json()))).collect();
        let out = page_text(&changes.iter().map(|(_, c)| c.clone()).collect::<Vec<_>>(), page.next, page.more);
        self.keep(changes);
        Ok(out)
    }

    fn all(&self, seqs: &[u64]) -> Option<Vec<Arc<str>>> {
        let kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        seqs.iter().map(|seq| kept.text.get(seq).cloned()).collect()
    }

    fn keep(&self, changes: Vec<(u64, Arc<str>)>) {
        let mut kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        for (seq, text) in changes {
            let len = text.len();
            if kept.text.insert(seq, text).is_none() {
                kept.order.push_back(seq);
                kept.bytes += len;
            }
        }
        while kept.bytes > self.budget {
            let Some(seq) = kept.order.pop_front() else { break };
            if let Some(text) = kept.text.remove(&seq) {
                kept.bytes -= text.len();
            }
        }
    }
}

/// The page's JSON from its changes' text.
fn page_text(changes: &[Arc<str>], next: u64, more: bool) -> String {
    let mut out = String::with_capacity(changes.iter().map(|c| c.len() + 1).sum::<usize>() + 64);
    page_json(&mut out, changes.iter(), next, more);
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// The oldest text goes first once the budget is passed; what is kept is found whole.
    #[test]
    fn the_oldest_text_goes_first() {
        let cache = PullCache { kept: Mutex::default(), budget: 30 };
        let text = |n: u64| (n, Arc::<str>::from(format!("{{\"seq\":{n}}}")));
        cache.keep((1..=3).map(text).collect());
        assert_eq!(cache.all(&[1, 2, 3]).unwrap().len(), 3);
        // Kept again: counted once.
        cache.keep(vec![text(3)]);
        cache.keep((4..=5).map(text).collect());
        assert!(cache.all(&[1]).is_none() && cache.all(&[2]).is_none(), "the oldest stayed");
        assert_eq!(
            cache.all(&[3, 4, 5]).unwrap().iter().map(|t| t.to_string()).collect::<Vec<_>>(),
            ["{\"seq\":3}", "{\"seq\":4}", "{\"seq\":5}"]
        );
        let kept = cache.kept.lock().unwrap();
        assert_eq!(kept.bytes, kept.text.values().map(|t| t.len()).sum::<usize>());
        assert!(kept.bytes <= 30 && kept.order.len() == kept.text.len());
        drop(kept);
        // Nothing asked for: nothing missing.
        assert_eq!(cache.all(&[]).unwrap().len(), 0);
    }
}
