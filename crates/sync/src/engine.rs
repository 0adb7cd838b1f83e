//! One sync round of a device: push the outbox (attachments first), pull and apply
//! every page after the cursor, fetch the attachments pulled records refer to, and top
//! up the number blocks. Every step is safe to cut at any point and run again.

use crate::client::{Client, SyncError};
use crate::device::{Local, LocalError};
use crate::protocol::{self, PullPage, PushBatch};

/// Pulled changes applied in one local transaction.
const APPLY_AT_ONCE: usize = 2_000;

/// Where a round is, for the progress shown to the inspector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Push,
    Attachments,
    Pull,
    Download,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Push => "push",
            Phase::Attachments => "attachments",
            Phase::Pull => "pull",
            Phase::Download => "download",
        }
    }
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
    let pending = local.pending()?;
    loop {
        let out = local.outgoing(device_id, protocol::MAX_BATCH)?;
        if out.changes.is_empty() && out.up_to == 0 {
            break;
        }
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
    let mut after = local.cursor()?;
    // The next page is fetched while the last ones are applied (on a runtime with more
    // than one worker): a first sync of years of records waits on the network or on the
    // disk, not on both in turn.
    let mut next = Some(Prefetch::start(client, after));
    loop {
        // Several pages are applied in one transaction (the cursor moving with them):
        // a first sync of years of records commits in large steps.
        let mut pages = PullPage { changes: Vec::new(), next: after, more: true };
        while pages.changes.len() < APPLY_AT_ONCE {
            let Some(fetching) = next.take() else { break };
            progress(Phase::Pull, report.pulled, None);
            let page = fetching.finish().await?;
            if page.more {
                next = Some(Prefetch::start(client, page.next));
            }
            report.pulled += page.changes.len() as u64;
            pages.changes.extend(page.changes);
            pages.next = page.next;
            pages.more = page.more;
        }
        let applied = local.apply(device_id, &pages)?;
        report.applied += applied.applied;
        report.problems += applied.problems;
        after = pages.next;
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

/// A pull page on its way, given up (the request aborted) if the round stops first.
struct Prefetch(tokio::task::JoinHandle<Result<PullPage, SyncError>>);

impl Prefetch {
    fn start(client: &Client, after: u64) -> Prefetch {
        let client = client.clone();
        Prefetch(tokio::spawn(async move { client.pull(after, protocol::MAX_BATCH as u32).await }))
    }

    async fn finish(mut self) -> Result<PullPage, SyncError> {
        (&mut self.0).await.map_err(|e| SyncError::Network(e.to_string()))?
    }
}

impl Drop for Prefetch {
    fn drop(&mut self) {
        self.0.abort();
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
