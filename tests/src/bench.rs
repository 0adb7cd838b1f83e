//! What the benchmarks share: timing a query repeatedly, and a fresh PostgreSQL database.

use std::time::{Duration, Instant};

/// p50 and p95 of repeated runs.
#[derive(Debug, Clone, Copy)]
pub struct Stats {
    pub p50: Duration,
    pub p95: Duration,
}

/// Runs `f` once to warm the caches, then `runs` times, timed.
pub fn measure(runs: usize, mut f: impl FnMut()) -> Stats {
    f();
    let mut times: Vec<Duration> = (0..runs.max(1))
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    Stats { p50: times[times.len() / 2], p95: times[(times.len() * 95).div_ceil(100) - 1] }
}

/// A database made for one benchmark beside the one `base` names, dropped at the end.
#[derive(Debug)]
pub struct PgDatabase {
    base: String,
    name: String,
    pub url: String,
}

impl PgDatabase {
    /// Creates `<prefix>_<pid>` on the server of `base` (a URL naming a database).
    pub fn create(base: &str, prefix: &str) -> Result<PgDatabase, String> {
        let name = format!("{prefix}_{}", std::process::id());
        let (admin, create) = (base.to_owned(), name.clone());
        // The synchronous client runs its own runtime: off any async thread.
        std::thread::spawn(move || {
            let mut c = postgres::Client::connect(&admin, postgres::NoTls).map_err(|e| e.to_string())?;
            c.batch_execute(&format!("CREATE DATABASE {create}")).map_err(|e| e.to_string())
        })
        .join()
        .map_err(|_| "the thread creating the database failed".to_owned())??;
        let root = base.rfind('/').map(|i| &base[..i]).ok_or("a URL naming a database")?;
        Ok(PgDatabase { base: base.to_owned(), url: format!("{root}/{name}"), name })
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let (base, name) = (self.base.clone(), self.name.clone());
        let _ = std::thread::spawn(move || {
            if let Ok(mut c) = postgres::Client::connect(&base, postgres::NoTls) {
                let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        })
        .join();
    }
}
