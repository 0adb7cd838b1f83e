//! Exports made in the background: the page starts one, reads how far it has come while
//! the file is made, then fetches the file. A job belongs to the account that started
//! it (anyone else is told there is no such export); a finished file waits a quarter of
//! an hour for its download and is removed once fetched. Jobs live in the process: after
//! a restart the page is told to export again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;
use utoipa::ToSchema;

use super::export::{Format, Progress};

/// Exports one account may hold, running or waiting to be fetched (each a file on disk).
const PER_ACCOUNT: usize = 3;
/// Exports running at once in all: each holds a core and a database connection (the
/// PostgreSQL pool has 8, which the devices' syncs need).
const IN_ALL: usize = 2;
/// How long a finished export's file (or its failure) waits to be fetched.
const KEPT: Duration = Duration::from_secs(15 * 60);

/// Where an export stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportState {
    Running,
    Done,
    Failed,
}

/// An export as the page sees it while it is made.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExportStatus {
    pub id: String,
    /// 隐患台账, 单位名录 or 统计汇总.
    pub title: String,
    /// The file's name once downloaded.
    pub file_name: String,
    pub state: ExportState,
    /// Rows the file will hold (0 until they were counted).
    pub total: u64,
    /// Rows written so far.
    pub written: u64,
    /// Why it failed, in Chinese.
    pub message: Option<String>,
}

enum Outcome {
    Running,
    Done(tempfile::NamedTempFile),
    Failed(String),
}

/// One export.
pub struct Job {
    id: String,
    account_id: String,
    pub title: &'static str,
    /// The file's name as the person sees it (Chinese) and an ASCII one for old clients.
    pub file_name: String,
    pub ascii_name: String,
    pub format: Format,
    pub progress: Progress,
    outcome: Mutex<(Outcome, Option<Instant>)>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job").field("id", &self.id).field("title", &self.title).finish_non_exhaustive()
    }
}

impl Job {
    /// Records how the export ended: its file, or why there is none.
    pub fn finish(&self, outcome: Result<tempfile::NamedTempFile, String>) {
        let mut o = self.outcome.lock().unwrap_or_else(|p| p.into_inner());
        *o = (
            match outcome {
                Ok(file) => Outcome::Done(file),
                Err(why) => Outcome::Failed(why),
            },
            Some(Instant::now()),
        );
    }

    pub fn status(&self) -> ExportStatus {
        let o = self.outcome.lock().unwrap_or_else(|p| p.into_inner());
        let (state, message) = match &o.0 {
            Outcome::Running => (ExportState::Running, None),
            Outcome::Done(_) => (ExportState::Done, None),
            Outcome::Failed(why) => (ExportState::Failed, Some(why.clone())),
        };
        ExportStatus {
            id: self.id.clone(),
            title: self.title.to_owned(),
            file_name: self.file_name.clone(),
            state,
            total: self.progress.total(),
            written: self.progress.written(),
            message,
        }
    }

    fn running(&self) -> bool {
        matches!(self.outcome.lock().unwrap_or_else(|p| p.into_inner()).0, Outcome::Running)
    }

    fn expired(&self, now: Instant) -> bool {
        self.outcome.lock().unwrap_or_else(|p| p.into_inner()).1.is_some_and(|at| now.duration_since(at) > KEPT)
    }
}

/// Why an export could not be started or fetched.
#[derive(Debug, PartialEq, Eq)]
pub enum JobError {
    /// Too many exports running (for this account, or in all).
    Busy,
    /// No such export for this account (never started, someone else's, fetched or expired).
    Unknown,
    /// Still being made.
    NotReady,
    /// It failed: why.
    Failed(String),
}

/// The exports of this process.
#[derive(Default)]
pub struct Jobs {
    jobs: Mutex<HashMap<String, Arc<Job>>>,
}

impl Jobs {
    /// A new running export for `account_id`, unless too many are running.
    pub fn start(
        &self,
        account_id: &str,
        title: &'static str,
        (file_name, ascii_name): (String, String),
        format: Format,
    ) -> Result<Arc<Job>, JobError> {
        let id = crate::auth::new_token().map_err(|e| JobError::Failed(e.to_string()))?;
        let mut jobs = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        jobs.retain(|_, j| !j.expired(now));
        let running = jobs.values().filter(|j| j.running()).count();
        let held = jobs.values().filter(|j| j.account_id == account_id).count();
        if running >= IN_ALL || held >= PER_ACCOUNT {
            return Err(JobError::Busy);
        }
        let job = Arc::new(Job {
            id: id.clone(),
            account_id: account_id.to_owned(),
            title,
            file_name,
            ascii_name,
            format,
            progress: Progress::default(),
            outcome: Mutex::new((Outcome::Running, None)),
        });
        jobs.insert(id, job.clone());
        Ok(job)
    }

    /// The account's export `id`.
    pub fn get(&self, account_id: &str, id: &str) -> Result<Arc<Job>, JobError> {
        let jobs = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
        jobs.get(id)
            .filter(|j| j.account_id == account_id && !j.expired(Instant::now()))
            .cloned()
            .ok_or(JobError::Unknown)
    }

    /// The finished file of the account's export `id`, handed over once: the job is
    /// forgotten and the file removed when the caller drops it.
    pub fn take_file(&self, account_id: &str, id: &str) -> Result<(Arc<Job>, tempfile::NamedTempFile), JobError> {
        let mut jobs = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
        let job = jobs
            .get(id)
            .filter(|j| j.account_id == account_id && !j.expired(Instant::now()))
            .cloned()
            .ok_or(JobError::Unknown)?;
        let mut o = job.outcome.lock().unwrap_or_else(|p| p.into_inner());
        match std::mem::replace(&mut o.0, Outcome::Running) {
            Outcome::Done(file) => {
                drop(o);
                jobs.remove(id);
                Ok((job, file))
            }
            other => {
                let answer = match &other {
                    Outcome::Running => JobError::NotReady,
                    Outcome::Failed(why) => JobError::Failed(why.clone()),
                    Outcome::Done(_) => unreachable!("handled above"),
                };
                o.0 = other;
                Err(answer)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> (String, String) {
        ("隐患台账.csv".into(), "hazards.csv".into())
    }

    #[test]
    fn a_job_is_its_account_s_and_its_file_is_fetched_once() {
        let jobs = Jobs::default();
        let job = jobs.start("a", "隐患台账", names(), Format::Csv).unwrap();
        let id = job.status().id;
        assert_eq!(jobs.get("b", &id).unwrap_err(), JobError::Unknown);
        assert_eq!(jobs.take_file("a", &id).unwrap_err(), JobError::NotReady);
        assert_eq!(jobs.get("a", &id).unwrap().status().state, ExportState::Running);
        job.finish(Ok(tempfile::NamedTempFile::new().unwrap()));
        assert_eq!(jobs.get("a", &id).unwrap().status().state, ExportState::Done);
        assert_eq!(jobs.take_file("b", &id).unwrap_err(), JobError::Unknown);
        assert!(jobs.take_file("a", &id).is_ok());
        assert_eq!(jobs.take_file("a", &id).unwrap_err(), JobError::Unknown);
    }

    #[test]
    fn a_failure_is_told_and_kept() {
        let jobs = Jobs::default();
        let job = jobs.start("a", "隐患台账", names(), Format::Csv).unwrap();
        job.finish(Err("数据库忙".into()));
        let id = job.status().id;
        assert_eq!(jobs.take_file("a", &id).unwrap_err(), JobError::Failed("数据库忙".into()));
        assert_eq!(jobs.get("a", &id).unwrap().status().message.as_deref(), Some("数据库忙"));
    }

    #[test]
    fn exports_are_bounded_per_account_and_running_in_all() {
        let jobs = Jobs::default();
        let a: Vec<_> = (0..PER_ACCOUNT)
            .map(|_| {
                let j = jobs.start("a", "t", names(), Format::Csv).unwrap();
                j.finish(Ok(tempfile::NamedTempFile::new().unwrap()));
                j
            })
            .collect();
        // A finished file waiting to be fetched still counts: it is on disk.
        assert_eq!(jobs.start("a", "t", names(), Format::Csv).unwrap_err(), JobError::Busy);
        assert!(jobs.take_file("a", &a[0].status().id).is_ok());
        let running = jobs.start("a", "t", names(), Format::Csv).unwrap();
        for n in 0..IN_ALL - 1 {
            jobs.start(&format!("other{n}"), "t", names(), Format::Csv).unwrap();
        }
        assert_eq!(jobs.start("c", "t", names(), Format::Csv).unwrap_err(), JobError::Busy, "too many running");
        running.finish(Err("x".into()));
        assert!(jobs.start("c", "t", names(), Format::Csv).is_ok());
    }
}
