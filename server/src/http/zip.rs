//! `GET /downloads/completed.zip`: every completed result of the caller in one ZIP,
//! streamed while it is written (stored, not compressed: PNG and MP4 are compressed
//! already), so the first bytes leave at once and no archive is held in memory or on disk.
//! Entries are named as single downloads are (`atelier-<kind>-<short id>.<ext>`). A client
//! that goes away stops the writing; a file that cannot be read ends the stream with an
//! error, so the browser reports the download failed instead of saving a truncated ZIP.

use super::results::Results;
use app::api::ApiError;
use app::domain::{download_name, OwnerId};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use http::StatusCode;
use std::collections::HashSet;
use std::io::{self, Write};
use tokio::sync::mpsc;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// How much is written before it is sent on.
const CHUNK: usize = 64 * 1024;

pub async fn completed(State(files): State<Results>, Extension(owner): Extension<OwnerId>) -> Response {
    let entries = match files.store.completed_files(owner).await {
        Ok(entries) => entries,
        Err(e) => {
            tracing::error!("listing completed results: {e}");
            return (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(ApiError::Internal)).into_response();
        }
    };
    let (tx, mut rx) = mpsc::channel::<io::Result<Bytes>>(4);
    let content = files.content.clone();
    tokio::task::spawn_blocking(move || {
        let mut names = HashSet::new();
        let entries = entries.into_iter().map(|file| {
            let mut name = download_name(file.kind, file.task_id, &file.media_type);
            if !names.insert(name.clone()) {
                name = format!("{}-{name}", file.task_id.simple()); // never two entries of one name
            }
            (name, content.path(&file.storage_key))
        });
        let sender = Sender { tx: tx.clone(), buffer: Vec::with_capacity(CHUNK) };
        if let Err(e) = write_zip(sender, entries) {
            if e.kind() != io::ErrorKind::BrokenPipe {
                tracing::error!("writing the ZIP of completed results: {e}");
                let _ = tx.blocking_send(Err(e));
            }
        }
    });
    let stream = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
    let mut res = Body::from_stream(stream).into_response();
    let headers = res.headers_mut();
    headers.insert(CONTENT_TYPE, http::HeaderValue::from_static("application/zip"));
    headers.insert(CACHE_CONTROL, http::HeaderValue::from_static("no-store"));
    headers
        .insert(CONTENT_DISPOSITION, http::HeaderValue::from_static("attachment; filename=\"atelier-completed.zip\""));
    res
}

fn write_zip(out: Sender, entries: impl Iterator<Item = (String, std::path::PathBuf)>) -> io::Result<()> {
    let mut zip = ZipWriter::new_stream(out);
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Stored).large_file(true);
    for (name, path) in entries {
        let mut file = std::fs::File::open(&path)?;
        zip.start_file(name, options).map_err(io::Error::other)?;
        io::copy(&mut file, &mut zip)?;
    }
    let mut out = zip.finish().map_err(io::Error::other)?.into_inner();
    out.flush()
}

/// Sends what the ZIP writer writes to the response, in chunks.
struct Sender {
    tx: mpsc::Sender<io::Result<Bytes>>,
    buffer: Vec<u8>,
}

impl Write for Sender {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= CHUNK {
            self.flush()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buffer, Vec::with_capacity(CHUNK)));
        // The client went away: stop writing.
        self.tx.blocking_send(Ok(chunk)).map_err(|_| io::Error::from(io::ErrorKind::BrokenPipe))
    }
}
