//! One sync round of a device: push the outbox (attachments first), pull and apply
//! every page after the cursor, fetch the attachments pulled records refer to, and top
//! up the number blocks. Every step is safe to cut at any point and run again.

use crate::client::{Client, SyncError};
use crate::device::{Local, LocalError};
use crate::protocol::{self, PullPage, PushBatch};

/// Pulled changes applied in one local transaction.
const APPLY_AT_ONCE: usize = 10_000;

/// Where a round is, for the progress shown to the inspector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
#[ts(rename = "SyncPhase")]
pub enum Phase {
    Push,
    Attachments,
    Pull,
    Download,
}

#[derive(Debug, thiserror::Error)]
pub enum RoundError {
    #[error(transparent)]
    Sync(#[from] SyncError),
    #[error("本机数据：{0}")]
    Local(#[from] LocalError),
}

/// What a round did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub pushed: u64,
    pub refused: u64,
    pub pulled: u64,
    pub applied: u64,
    pub problems: u64,
    pub uploaded: u64,
    pub downloaded: u64,
    pub blocks: u64,
    /// The server's clock less this device's, in milliseconds, when the server told it.
    pub clock_skew_ms: Option<i64>,
}

/// Runs one round for the paired device `device_id`. `progress` hears (phase, done,
/// total if known) as it goes.
pub async fn round(
    client: &Client,
    local: &dyn Local,
    device_id: &str,
    progress: &(dyn Fn(Phase, u64, Option<u64>) + Sync),
) -> Result<Report, RoundError> {
    let mut report = Report::default();
    // Compared at each round: the 同步 page warns of a device clock that is off.
    if let Ok(Some(server)) = client.server_clock().await {
        report.clock_skew_ms = Some((server - chrono::Utc::now()).num_milliseconds());
    }
    let pending = local.pending()?;
    let mut limit = protocol::MAX_BATCH;
    loop {
        let out = local.outgoing(device_id, limit)?;
        if out.changes.is_empty() && out.up_to == 0 {
            break;
        }
        // Large records (long notes, many answers): fewer of them, so the push fits.
        let fits = protocol::push_fits(&out.changes);
        if fits < out.changes.len() {
            limit = fits.min(limit - 1).max(1);
            continue;
        }
        limit = protocol::MAX_BATCH;
        if !out.attachments.is_empty() {
            let missing = client.missing(&out.attachments).await?;
            let total = missing.missing.len() as u64;
            for (i, m) in missing.missing.iter().enumerate() {
                progress(Phase::Attachments, i as u64, Some(total));
                let bytes = local.attachment_bytes(&m.sha256)?;
                client.upload(&m.sha256, &bytes).await?;
                report.uploaded += 1;
            }
        }
        progress(Phase::Push, report.pushed, Some(pending.changes));
        let batch = PushBatch { batch_id: new_batch_id(device_id, out.up_to), changes: out.changes };
        let results = if batch.changes.is_empty() { Vec::new() } else { client.push(&batch).await?.results };
        report.pushed += results.len() as u64;
        report.refused += results.iter().filter(|r| r.outcome == protocol::Outcome::Refused).count() as u64;
        local.acknowledge(out.up_to, &batch.changes, &results)?;
    }
    // Pages are fetched by a task of their own, up to `AHEAD` pages ahead, while the
    // last ones are applied (on a runtime with more than one worker): a first sync of
    // years of records waits on the network or on the disk, not on both in turn.
    let mut pages_in = Fetcher::start(client, local.cursor()?);
    loop {
        // Several pages are applied in one transaction (the cursor moving with them):
        // a first sync of years of records commits in large steps.
        let mut pages = PullPage { changes: Vec::new(), next: 0, more: true };
        while pages.more && pages.changes.len() < APPLY_AT_ONCE {
            progress(Phase::Pull, report.pulled, None);
            let page = pages_in.next().await?;
            report.pulled += page.changes.len() as u64;
            pages.changes.extend(page.changes);
            pages.next = page.next;
            pages.more = page.more;
        }
        let applied = local.apply(device_id, &pages)?;
        report.applied += applied.applied;
        report.problems += applied.problems;
        if !pages.more {
            break;
        }
    }
    let wanted = local.wanted_attachments()?;
    for (i, sha) in wanted.iter().enumerate() {
        progress(Phase::Download, i as u64, Some(wanted.len() as u64));
        match client.download(sha).await {
            Ok(bytes) => {
                local.save_attachment(sha, &bytes)?;
                report.downloaded += 1;
            }
            // Not on the server yet (its writer has not uploaded it): next round.
            Err(SyncError::Server { status: 404, .. }) => {}
            Err(e) => return Err(e.into()),
        }
    }
    for (kind, year, count) in local.number_blocks_wanted()? {
        let block = client.number_block(&kind, year, count).await?;
        local.add_number_block(&block)?;
        report.blocks += 1;
    }
    Ok(report)
}

/// Pages fetched ahead, in order, by a task that stops at the last page, at an error, or
/// when the round stops (the task is aborted).
struct Fetcher {
    pages: tokio::sync::mpsc::Receiver<Result<PullPage, SyncError>>,
    task: tokio::task::JoinHandle<()>,
}

/// Pages fetched ahead of the one being applied.
const AHEAD: usize = 40;

impl Fetcher {
    fn start(client: &Client, mut after: u64) -> Fetcher {
        let client = client.clone();
        let (tx, pages) = tokio::sync::mpsc::channel(AHEAD);
        let task = tokio::spawn(async move {
            loop {
                let page = client.pull(after, protocol::MAX_BATCH as u32).await;
                let last = match &page {
                    Ok(p) => {
                        after = p.next;
                        !p.more
                    }
                    Err(_) => true,
                };
                if tx.send(page).await.is_err() || last {
                    return;
                }
            }
        });
        Fetcher { pages, task }
    }

    async fn next(&mut self) -> Result<PullPage, SyncError> {
        self.pages.recv().await.unwrap_or_else(|| Err(SyncError::Network("拉取任务中断".into())))
    }
}

impl Drop for Fetcher {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A batch id: the same outbox range sent again after a lost answer may get a new id;
/// its change ids make the repeat harmless.
fn new_batch_id(device_id: &str, up_to: u64) -> String {
    let mut b = [0u8; 8];
    let salt = getrandom::fill(&mut b).map(|()| u64::from_le_bytes(b)).unwrap_or(0);
    let short: String = device_id.chars().take(24).collect();
    format!("{short}-{up_to}-{salt:016x}")
}
