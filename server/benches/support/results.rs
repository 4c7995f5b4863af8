//! The benches' figures, gathered in one file: `bench/results.json` at the workspace's
//! root (or `ATELIER_BENCH_RESULTS`), one key per figure. Each bench merges its own keys
//! in, so a bench run alone updates its figures and keeps the others'.

use serde_json::{Map, Value};
use std::path::PathBuf;

fn path() -> PathBuf {
    std::env::var_os("ATELIER_BENCH_RESULTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../bench/results.json"))
}

/// Writes `figures` over the same keys of the results file (rounded to 0.01).
pub fn record(figures: &[(&str, f64)]) {
    let path = path();
    let mut all: Map<String, Value> =
        std::fs::read(&path).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok()).unwrap_or_default();
    for (key, value) in figures {
        all.insert((*key).to_owned(), serde_json::json!((value * 100.0).round() / 100.0));
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("results folder");
    }
    let text = serde_json::to_string_pretty(&Value::Object(all)).expect("figures serialise");
    std::fs::write(&path, text + "\n").expect("results file");
    println!("\n(figures written to {})", path.display());
}
