//! Hybrid logical clock (Kulkarni et al.): revisions that follow wall time where the
//! clocks agree and still order causally when a device's clock is behind. Used to
//! merge shared records field by field (last writer wins) across devices.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One timestamp. Ordered by (wall, counter, node); the string form sorts the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(into = "String", try_from = "String")]
/// A record's revision: opaque to the UI, sent back as received.
#[ts(type = "string", rename = "Rev")]
pub struct Hlc {
    pub wall_ms: u64,
    pub counter: u32,
    /// Distinguishes devices that tick in the same millisecond.
    pub node: u32,
}

impl Hlc {
    pub const ZERO: Hlc = Hlc { wall_ms: 0, counter: 0, node: 0 };
}

impl Ord for Hlc {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.wall_ms, self.counter, self.node).cmp(&(other.wall_ms, other.counter, other.node))
    }
}

impl PartialOrd for Hlc {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Hlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:015}-{:08}-{:08x}", self.wall_ms, self.counter, self.node)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a revision timestamp: {0:?}")]
pub struct BadHlc(pub String);

impl FromStr for Hlc {
    type Err = BadHlc;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadHlc(s.to_owned());
        let mut parts = s.split('-');
        let (Some(w), Some(c), Some(n), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        if w.len() != 15 || c.len() != 8 || n.len() != 8 {
            return Err(bad());
        }
        Ok(Hlc {
            wall_ms: w.parse().map_err(|_| bad())?,
            counter: c.parse().map_err(|_| bad())?,
            node: u32::from_str_radix(n, 16).map_err(|_| bad())?,
        })
    }
}

impl From<Hlc> for String {
    fn from(h: Hlc) -> String {
        h.to_string()
    }
}

impl TryFrom<String> for Hlc {
    type Error = BadHlc;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

const MAX_COUNTER: u32 = 99_999_999;

/// How far ahead of the receiver's clock a received timestamp may lie (a day): the
/// server refuses a change beyond it, a device does not adopt it.
pub const MAX_AHEAD_MS: u64 = 24 * 3600 * 1000;

/// A device's clock. The caller supplies wall time, so the rules stay testable and
/// the last value can be persisted to survive restarts.
#[derive(Debug, Clone)]
pub struct Clock {
    last: Hlc,
}

impl Clock {
    pub fn new(node: u32, last: Option<Hlc>) -> Self {
        let mut last = last.unwrap_or(Hlc { node, ..Hlc::ZERO });
        last.node = node;
        Self { last }
    }

    pub fn last(&self) -> Hlc {
        self.last
    }

    /// A timestamp for a local event, strictly greater than every one seen before.
    pub fn tick(&mut self, now_ms: u64) -> Hlc {
        if now_ms > self.last.wall_ms {
            self.last.wall_ms = now_ms;
            self.last.counter = 0;
        } else {
            self.last.counter += 1;
        }
        self.carry()
    }

    /// Keeps the counter within its eight printed digits by borrowing a millisecond.
    fn carry(&mut self) -> Hlc {
        if self.last.counter > MAX_COUNTER {
            self.last.wall_ms += 1;
            self.last.counter = 0;
        }
        self.last
    }

    /// Take in a timestamp received from elsewhere, so later local ticks order after it.
    /// A remote clock more than a day ahead of `now_ms` is not adopted: one device with a
    /// wrong date must not pull every other device's clock forward with it.
    pub fn observe(&mut self, remote: Hlc, now_ms: u64) -> Hlc {
        if remote.wall_ms > now_ms.saturating_add(MAX_AHEAD_MS) {
            return self.tick(now_ms);
        }
        let wall = now_ms.max(self.last.wall_ms).max(remote.wall_ms);
        let counter = if wall == self.last.wall_ms && wall == remote.wall_ms {
            self.last.counter.max(remote.counter).min(MAX_COUNTER) + 1
        } else if wall == self.last.wall_ms {
            self.last.counter + 1
        } else if wall == remote.wall_ms {
            remote.counter.min(MAX_COUNTER) + 1
        } else {
            0
        };
        self.last.wall_ms = wall;
        self.last.counter = counter;
        self.carry()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn tick_is_monotonic_when_wall_time_goes_back() {
        let mut c = Clock::new(7, None);
        let a = c.tick(1_000);
        let b = c.tick(900);
        let d = c.tick(1_000);
        assert!(a < b && b < d);
        assert_eq!(b.wall_ms, 1_000);
    }

    #[test]
    fn observe_orders_after_remote() {
        let mut c = Clock::new(1, None);
        let remote = Hlc { wall_ms: 5_000, counter: 3, node: 2 };
        let seen = c.observe(remote, 1_000);
        assert!(seen > remote);
        assert!(c.tick(1_001) > seen);
    }

    #[test]
    fn a_clock_more_than_a_day_ahead_is_not_adopted() {
        let day = MAX_AHEAD_MS;
        let mut c = Clock::new(1, None);
        let within = c.observe(Hlc { wall_ms: 1_000 + day, counter: 0, node: 2 }, 1_000);
        assert_eq!(within.wall_ms, 1_000 + day);
        let mut c = Clock::new(1, None);
        let ahead = c.observe(Hlc { wall_ms: 1_001 + day, counter: 0, node: 2 }, 1_000);
        assert_eq!(ahead.wall_ms, 1_000, "ten years ahead or one day and a millisecond: ignored");
    }

    proptest! {
        #[test]
        fn string_form_round_trips_and_sorts_like_the_value(
            a in (0u64..1u64 << 48, any::<u32>(), any::<u32>()),
            b in (0u64..1u64 << 48, any::<u32>(), any::<u32>()),
        ) {
            let x = Hlc { wall_ms: a.0, counter: a.1 % 100_000_000, node: a.2 };
            let y = Hlc { wall_ms: b.0, counter: b.1 % 100_000_000, node: b.2 };
            prop_assert_eq!(x.to_string().parse::<Hlc>().ok(), Some(x));
            prop_assert_eq!(x.cmp(&y), x.to_string().cmp(&y.to_string()));
        }

        #[test]
        fn every_tick_and_observation_is_strictly_later(steps in proptest::collection::vec((0u64..10_000, any::<bool>(), 0u64..10_000, 0u32..5), 1..50)) {
            let mut c = Clock::new(1, None);
            let mut prev = c.last();
            for (now, remote_event, rw, rc) in steps {
                let next = if remote_event {
                    c.observe(Hlc { wall_ms: rw, counter: rc, node: 2 }, now)
                } else {
                    c.tick(now)
                };
                prop_assert!(next > prev);
                prev = next;
            }
        }
    }
}
