//! `GET /downloads/completed.zip`: every completed result of the caller in one ZIP,
//! streamed while it is written (stored, not compressed: PNG and MP4 are compressed
//! already), so the first bytes leave at once and no archive is held in memory or on disk.
//! Entries are named as single downloads are (`atelier-<kind>-<short id>.<ext>`).
//!
//! A download holds no thread while its client is slow: files are read and the archive is
//! written in an async task that waits for the client between chunks. An owner has at most
//! [`PER_OWNER`] downloads at once and an address at most [`PER_ADDRESS`], whatever
//! identities it presents (another is 429), and a client that reads nothing for the stall
//! time (a setting) is dropped. A file that cannot be read ends the stream with an
//! error, so the browser reports the download failed instead of saving a truncated ZIP.

use super::limits::{too_many, Gate};
use super::results::Results;
use app::api::{ApiError, Caller};
use app::domain::{download_name, OwnerId};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use http::HeaderValue;
use std::collections::HashSet;
use std::io::{self, Write};
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::AsyncReadExt;
use tokio::sync::mpsc;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// How much is read or written before it is sent on.
const CHUNK: usize = 64 * 1024;
/// Downloads one owner may have running at once.
const PER_OWNER: u32 = 2;
/// Downloads one address may have running at once (fresh guests each get `PER_OWNER`).
const PER_ADDRESS: u32 = 8;

/// What the ZIP route needs: the files, and who is downloading.
#[derive(Clone)]
pub struct Downloads {
    pub files: Results,
    /// A client that takes longer than this to take one chunk is dropped.
    pub stall: Duration,
    running: Gate<OwnerId>,
    from: Gate<IpAddr>,
}

impl Downloads {
    pub fn new(files: Results, stall: Duration) -> Self {
        Self { files, stall, running: Gate::new(PER_OWNER), from: Gate::new(PER_ADDRESS) }
    }
}

pub async fn completed(State(downloads): State<Downloads>, Extension(caller): Extension<Caller>) -> Response {
    let owner = caller.owner;
    let busy = || {
        let what = format!("{PER_OWNER} ZIP downloads are running already; wait for one to finish.");
        too_many(what, Duration::from_secs(10))
    };
    let Some(place) = downloads.running.enter(owner) else { return busy() };
    let address = match caller.ip.map(|ip| downloads.from.enter(ip)) {
        Some(None) => return busy(),
        Some(pass) => pass,
        None => None,
    };
    let entries = match downloads.files.store.completed_files(owner).await {
        Ok(entries) => entries,
        Err(e) => {
            tracing::error!("listing completed results: {e}");
            return super::error_response(ApiError::Internal);
        }
    };
    let mut names = HashSet::new();
    let entries: Vec<(String, PathBuf)> = entries
        .into_iter()
        .map(|file| {
            let mut name = download_name(file.kind, file.task_id, &file.media_type);
            if !names.insert(name.clone()) {
                name = format!("{}-{name}", file.task_id.simple()); // never two entries of one name
            }
            (name, downloads.files.content.path(&file.storage_key))
        })
        .collect();
    let (tx, mut rx) = mpsc::channel::<io::Result<Bytes>>(2);
    let stall = downloads.stall;
    tokio::spawn(async move {
        let _places = (place, address);
        match write_zip(&tx, stall, entries).await {
            Ok(()) => {}
            Err(e) if matches!(e.kind(), io::ErrorKind::BrokenPipe | io::ErrorKind::TimedOut) => {
                tracing::debug!("a ZIP download ended early: {e}");
            }
            Err(e) => {
                tracing::error!("writing the ZIP of completed results: {e}");
                let _ = tx.try_send(Err(e));
            }
        }
    });
    let stream = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
    let mut res = Body::from_stream(stream).into_response();
    let headers = res.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/zip"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    headers.insert(CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"atelier-completed.zip\""));
    res
}

/// Writes the archive into memory a chunk at a time and hands each chunk to the client,
/// waiting for it (up to `stall`) before reading on.
async fn write_zip(
    tx: &mpsc::Sender<io::Result<Bytes>>,
    stall: Duration,
    entries: Vec<(String, PathBuf)>,
) -> io::Result<()> {
    let out = Buffer::default();
    let mut zip = ZipWriter::new_stream(out.clone());
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Stored).large_file(true);
    let mut chunk = vec![0; CHUNK];
    for (name, path) in entries {
        let mut file = tokio::fs::File::open(&path).await?;
        zip.start_file(name, options).map_err(io::Error::other)?;
        loop {
            let n = file.read(&mut chunk).await?;
            if n == 0 {
                break;
            }
            zip.write_all(&chunk[..n])?;
            send(tx, stall, out.take()).await?;
        }
    }
    zip.finish().map_err(io::Error::other)?;
    send(tx, stall, out.take()).await
}

/// Hands `bytes` to the client, unless it takes no chunk for `stall` or has gone.
async fn send(tx: &mpsc::Sender<io::Result<Bytes>>, stall: Duration, bytes: Vec<u8>) -> io::Result<()> {
    if bytes.is_empty() {
        return Ok(());
    }
    match tokio::time::timeout(stall, tx.send(Ok(Bytes::from(bytes)))).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(_)) => Err(io::ErrorKind::BrokenPipe.into()),
        Err(_) => Err(io::Error::new(io::ErrorKind::TimedOut, "the client took nothing for too long")),
    }
}

/// Where the ZIP writer writes: taken out a chunk at a time.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Buffer {
    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[tokio::test]
    async fn a_client_that_takes_nothing_is_dropped_after_the_stall_time() {
        let dir = std::env::temp_dir().join(format!("atelier-zip-{}", Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("big.bin");
        std::fs::write(&path, vec![7u8; 8 * CHUNK]).unwrap();
        let (tx, _unread) = mpsc::channel(2);
        let started = std::time::Instant::now();
        let err = write_zip(&tx, Duration::from_millis(50), vec![("big.bin".into(), path)]).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
        assert!(started.elapsed() < Duration::from_secs(5));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn the_archive_is_whole_when_the_client_reads() {
        let dir = std::env::temp_dir().join(format!("atelier-zip-{}", Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let (a, b) = (dir.join("a"), dir.join("b"));
        std::fs::write(&a, vec![1u8; 3 * CHUNK + 5]).unwrap();
        std::fs::write(&b, b"second").unwrap();
        let (tx, mut rx) = mpsc::channel(2);
        let writing = tokio::spawn(async move {
            write_zip(&tx, Duration::from_secs(5), vec![("a.png".into(), a), ("b.png".into(), b)]).await
        });
        let mut bytes = Vec::new();
        while let Some(chunk) = rx.recv().await {
            bytes.extend_from_slice(&chunk.unwrap());
        }
        writing.await.unwrap().unwrap();
        let mut archive = ::zip::ZipArchive::new(io::Cursor::new(bytes)).unwrap();
        assert_eq!(archive.len(), 2);
        let mut second = String::new();
        io::Read::read_to_string(&mut archive.by_name("b.png").unwrap(), &mut second).unwrap();
        assert_eq!((archive.by_name("a.png").unwrap().size(), second.as_str()), (3 * CHUNK as u64 + 5, "second"));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
