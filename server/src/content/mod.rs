//! The content store: result files in a local folder (`content-dir`). A file is written
//! whole or not at all: into a temporary file in the same folder, flushed to disk, then
//! renamed into place; a failed write is retried (3 tries in all) and leaves no partial
//! file behind. Files are named by content id, in 256 sub-folders; an image's thumbnail
//! or a video's poster sits beside it (`<id>.thumb.png`).

pub mod sweep;
mod thumbnail;

use app::domain::extension_for;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};
use thumbnail::{poster, thumbnail};
use uuid::Uuid;

const TRIES: u32 = 3;

#[derive(Debug, thiserror::Error)]
#[error("could not save the result after {TRIES} tries: {0}")]
pub struct SaveError(std::io::Error);

impl SaveError {
    /// What the disk said ("No space left on device (os error 28)"): the cause a task
    /// records, which its failure message names after its own words.
    pub fn cause(&self) -> &std::io::Error {
        &self.0
    }
}

/// A file found in the store.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredFile {
    pub key: String,
    /// The content id its name carries; `None` for a temporary (`.part`) file.
    pub content_id: Option<Uuid>,
    pub modified: SystemTime,
}

/// The content folder cannot be written: the server refuses to start rather than fail
/// every task it runs.
#[derive(Debug, thiserror::Error)]
#[error("the content folder {folder} cannot be written ({source}); check `content-dir` in Leptos.toml and the folder's permissions")]
pub struct FolderError {
    folder: String,
    source: std::io::Error,
}

#[derive(Debug, Clone)]
pub struct ContentStore {
    root: PathBuf,
}

impl ContentStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// Checks that the folder can be created and written: a small file is written in it
    /// the way results are (atomically, flushed), then removed.
    pub async fn check_writable(&self) -> Result<(), FolderError> {
        let root = self.root.clone();
        let probe = root.join(format!(".probe-{}", Uuid::new_v4().simple()));
        let written = tokio::task::spawn_blocking(move || {
            write_atomically(&probe, b"atelier")?;
            std::fs::remove_file(&probe)
        })
        .await
        .unwrap_or_else(|e| Err(std::io::Error::other(e)));
        written.map_err(|source| FolderError { folder: self.root.display().to_string(), source })
    }

    /// Writes the result of content `id` and its still for the queue: an image larger than
    /// a thumbnail gets one, a video gets its `poster` fitted (one that cannot be made or
    /// written is left out: the queue then shows the image itself, or the video's first
    /// frame). Returns the result's storage key, and whether it has a still (an image always
    /// has: itself when small). It all runs on one blocking thread: one hand-off instead of
    /// one per file operation (measured in BENCHMARKS.md).
    pub async fn save(
        &self,
        id: Uuid,
        media_type: &str,
        bytes: Vec<u8>,
        poster_bytes: Option<Vec<u8>>,
    ) -> Result<(String, bool), SaveError> {
        let hex = id.simple().to_string();
        let key = format!("{}/{hex}.{}", &hex[hex.len() - 2..], extension_for(media_type));
        let (path, thumb_path) = (self.path(&key), self.path(&thumbnail_key(&key)));
        let image = media_type.starts_with("image/");
        let written = tokio::task::spawn_blocking(move || {
            write_with_retries(&path, &bytes)?;
            let still = if image { thumbnail(&bytes) } else { poster_bytes.as_deref().and_then(poster) };
            let saved = still.is_some_and(|thumb| {
                write_atomically(&thumb_path, &thumb)
                    .inspect_err(|e| tracing::warn!(path = %thumb_path.display(), "saving a thumbnail failed: {e}"))
                    .is_ok()
            });
            Ok(image || saved)
        })
        .await
        .unwrap_or_else(|e| Err(std::io::Error::other(e)));
        written.map(|still| (key, still)).map_err(SaveError)
    }

    /// Every file in the store's folders: results and temporary files alike.
    pub async fn files(&self) -> Vec<StoredFile> {
        let root = self.root.clone();
        tokio::task::spawn_blocking(move || {
            let mut found = Vec::new();
            for folder in std::fs::read_dir(&root).into_iter().flatten().flatten() {
                let folder_name = folder.file_name().to_string_lossy().into_owned();
                for file in std::fs::read_dir(folder.path()).into_iter().flatten().flatten() {
                    let (Ok(meta), name) = (file.metadata(), file.file_name().to_string_lossy().into_owned()) else {
                        continue;
                    };
                    if !meta.is_file() {
                        continue;
                    }
                    let content_id = name.split_once('.').and_then(|(stem, _)| Uuid::try_parse(stem).ok());
                    let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
                    found.push(StoredFile { key: format!("{folder_name}/{name}"), content_id, modified });
                }
            }
            found
        })
        .await
        .unwrap_or_default()
    }

    /// Where the file of `key` lives.
    /// The bytes free for this process on the folder's file system (`None` if it cannot
    /// be read).
    #[allow(clippy::useless_conversion)] // u64 here; narrower on 32-bit systems
    pub fn free_bytes(&self) -> Option<u64> {
        let stat = nix::sys::statvfs::statvfs(&self.root).ok()?;
        Some(u64::from(stat.blocks_available()).saturating_mul(u64::from(stat.fragment_size())))
    }

    pub fn path(&self, key: &str) -> PathBuf {
        self.root.join(key)
    }

    /// Where the thumbnail of the result at `key` lives, if it has one.
    pub fn thumbnail_path(&self, key: &str) -> PathBuf {
        self.path(&thumbnail_key(key))
    }

    /// Removes results (deleted tasks' content) with their thumbnails; a file already
    /// gone is fine.
    pub async fn remove(&self, keys: &[String]) {
        for key in keys.iter().flat_map(|key| [key.clone(), thumbnail_key(key)]) {
            match tokio::fs::remove_file(self.path(&key)).await {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => tracing::warn!(%key, "removing a result file: {e}"),
            }
        }
    }
}

/// The key of a result's thumbnail: `ab/<id>.thumb.png` beside `ab/<id>.<ext>`.
fn thumbnail_key(key: &str) -> String {
    let stem = key.split_once('.').map_or(key, |(stem, _)| stem);
    format!("{stem}.thumb.png")
}

/// [`write_atomically`], tried up to [`TRIES`] times a little apart.
fn write_with_retries(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tried = 0;
    loop {
        tried += 1;
        match write_atomically(path, bytes) {
            Ok(()) => return Ok(()),
            Err(e) if tried == TRIES => return Err(e),
            Err(e) => {
                tracing::warn!(path = %path.display(), tried, "saving a result failed: {e}");
                std::thread::sleep(Duration::from_millis(50 << tried));
            }
        }
    }
}

/// Writes `bytes` to a temporary file beside `path`, flushes it to disk and renames it
/// into place; on failure the temporary file is removed.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let folder = path.parent().expect("keys have a folder");
    std::fs::create_dir_all(folder)?;
    let temp = folder.join(format!(".{}.part", Uuid::new_v4().simple()));
    let written = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_root() -> PathBuf {
        std::env::temp_dir().join(format!("atelier-content-{}", Uuid::new_v4().simple()))
    }

    fn files_under(dir: &std::path::Path) -> Vec<PathBuf> {
        let mut found = Vec::new();
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                found.extend(files_under(&path));
            } else {
                found.push(path);
            }
        }
        found
    }

    #[tokio::test]
    async fn saves_whole_files_and_removes_them() {
        let root = temp_root();
        let store = ContentStore::new(&root);
        let id = Uuid::new_v4();
        let (key, has_still) = store.save(id, "image/png", b"picture".to_vec(), None).await.unwrap();
        assert!(has_still, "an image is its own still");
        assert!(key.ends_with(&format!("{}.png", id.simple())));
        assert_eq!(std::fs::read(store.path(&key)).unwrap(), b"picture");
        assert_eq!(files_under(&root), vec![store.path(&key)], "no temporary file is left");
        let partial = store.path(&key).with_file_name(".leftover.part");
        std::fs::write(&partial, b"half").unwrap();
        let mut files: Vec<_> = store.files().await.into_iter().map(|f| (f.key, f.content_id)).collect();
        files.sort();
        let folder = &key[..2];
        assert_eq!(files, [(format!("{folder}/.leftover.part"), None), (key.clone(), Some(id))]);
        std::fs::remove_file(partial).unwrap();
        store.remove(std::slice::from_ref(&key)).await;
        store.remove(&[key]).await; // twice is fine
        assert!(files_under(&root).is_empty());
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[tokio::test]
    async fn an_unwritable_store_fails_clearly_after_three_tries_leaving_nothing() {
        let root = temp_root();
        std::fs::create_dir_all(&root).unwrap();
        // Every key's folder is a file here, so every try fails.
        let id = Uuid::new_v4();
        let hex = id.simple().to_string();
        std::fs::write(root.join(&hex[30..]), b"in the way").unwrap();
        let err = ContentStore::new(&root).save(id, "image/png", b"picture".to_vec(), None).await.unwrap_err();
        assert!(err.to_string().starts_with("could not save the result after 3 tries"), "{err}");
        assert_eq!(files_under(&root), vec![root.join(&hex[30..])]);
        std::fs::remove_dir_all(root).unwrap();
    }
}
