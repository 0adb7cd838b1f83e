//! A TCP proxy between sync clients and the server that misbehaves like a mountain
//! network: it drops requests, cuts them mid-body, loses replies after the server acted,
//! delays, duplicates, and replays stale requests after newer ones (reordering). It
//! understands just enough HTTP/1.1 (Content-Length bodies) to do that per request.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What happened to the requests, for the test to show that every fault occurred.
#[derive(Debug, Default)]
pub struct FaultCounts {
    /// The share of requests that meet a fault, in percent; may be changed as it runs.
    pub fault_percent: AtomicU64,
    pub passed: AtomicU64,
    pub dropped: AtomicU64,
    pub cut: AtomicU64,
    pub reply_lost: AtomicU64,
    pub delayed: AtomicU64,
    pub duplicated: AtomicU64,
    pub replayed_late: AtomicU64,
}

impl FaultCounts {
    pub fn summary(&self) -> String {
        let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
        format!(
            "passed {}, dropped {}, cut mid-body {}, reply lost {}, delayed {}, duplicated {}, replayed late {}",
            g(&self.passed),
            g(&self.dropped),
            g(&self.cut),
            g(&self.reply_lost),
            g(&self.delayed),
            g(&self.duplicated),
            g(&self.replayed_late)
        )
    }
}

/// Starts the proxy in front of `upstream` (host:port); returns its address and counts.
/// `fault_percent` of requests meet one fault or another.
pub async fn start(upstream: String, fault_percent: u64, seed: u64) -> std::io::Result<(String, Arc<FaultCounts>)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?.to_string();
    let counts = Arc::new(FaultCounts { fault_percent: AtomicU64::new(fault_percent), ..FaultCounts::default() });
    let seq = Arc::new(AtomicU64::new(seed));
    let c = counts.clone();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let (upstream, counts, seed) = (upstream.clone(), c.clone(), seq.fetch_add(0x9E37_79B9, Ordering::Relaxed));
            tokio::spawn(async move {
                let _ = connection(client, &upstream, Rng(seed | 1), &counts).await;
            });
        }
    });
    Ok((addr, counts))
}

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// One request as raw bytes: the head and the body.
async fn read_request(stream: &mut TcpStream, buf: &mut Vec<u8>) -> std::io::Result<Option<(Vec<u8>, usize)>> {
    loop {
        if let Some(end) = find(buf, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0)))
                .unwrap_or(0);
            let total = end + 4 + length;
            while buf.len() < total {
                let mut chunk = [0u8; 16 * 1024];
                let n = stream.read(&mut chunk).await?;
                if n == 0 {
                    return Ok(None);
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            let request: Vec<u8> = buf.drain(..total).collect();
            return Ok(Some((request, end + 4)));
        }
        let mut chunk = [0u8; 16 * 1024];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Sends one request upstream on a connection of its own and reads the whole response.
async fn forward(upstream: &str, request: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut up = TcpStream::connect(upstream).await?;
    up.write_all(request).await?;
    let mut response = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        if let Some(end) = find(&response, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&response[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0)))
                .unwrap_or(0);
            if response.len() >= end + 4 + length {
                response.truncate(end + 4 + length);
                return Ok(response);
            }
        }
        let n = up.read(&mut chunk).await?;
        if n == 0 {
            return Ok(response);
        }
        response.extend_from_slice(&chunk[..n]);
    }
}

async fn connection(mut client: TcpStream, upstream: &str, mut rng: Rng, counts: &FaultCounts) -> std::io::Result<()> {
    let mut buf = Vec::new();
    while let Some((request, body_at)) = read_request(&mut client, &mut buf).await? {
        let fault = if rng.below(100) < counts.fault_percent.load(Ordering::Relaxed) { 1 + rng.below(6) } else { 0 };
        match fault {
            1 => {
                counts.dropped.fetch_add(1, Ordering::Relaxed);
                return Ok(());
            }
            2 => {
                // Half the body reaches the server, then the line goes dead both ways.
                counts.cut.fetch_add(1, Ordering::Relaxed);
                let cut = body_at + (request.len() - body_at) / 2;
                if let Ok(mut up) = TcpStream::connect(upstream).await {
                    let _ = up.write_all(&request[..cut]).await;
                }
                return Ok(());
            }
            3 => {
                // The server acts; its answer never arrives.
                counts.reply_lost.fetch_add(1, Ordering::Relaxed);
                let _ = forward(upstream, &request).await;
                return Ok(());
            }
            4 => {
                counts.delayed.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(20 + rng.below(150))).await;
            }
            5 => {
                counts.duplicated.fetch_add(1, Ordering::Relaxed);
                let _ = forward(upstream, &request).await;
            }
            6 => {
                // A stale copy arrives later, after newer requests have passed.
                counts.replayed_late.fetch_add(1, Ordering::Relaxed);
                let (copy, upstream, wait) = (request.clone(), upstream.to_owned(), 50 + rng.below(400));
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_millis(wait)).await;
                    let _ = forward(&upstream, &copy).await;
                });
            }
            _ => {}
        }
        counts.passed.fetch_add(1, Ordering::Relaxed);
        let response = forward(upstream, &request).await?;
        client.write_all(&response).await?;
    }
    Ok(())
}
