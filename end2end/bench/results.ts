// The benches' figures, gathered in one file: `bench/results.json` at the repository's
// root (or ATELIER_BENCH_RESULTS), one key per figure; the Rust benches write the same file
// (server/benches/report). Each bench merges its own keys in.
import * as fs from "node:fs";
import * as path from "node:path";

export function record(figures: Record<string, number>) {
  const file = process.env.ATELIER_BENCH_RESULTS ?? path.resolve(process.cwd(), "../bench/results.json");
  let all: Record<string, number> = {};
  try {
    all = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    // none yet
  }
  for (const [key, value] of Object.entries(figures)) all[key] = Math.round(value * 100) / 100;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(all, null, 2) + "\n");
}

/** Kilobytes (1,000 bytes) of the built WASM in the site folder, per encoding. */
export function wasmKb(siteRoot: string): { br: number; gzip: number } {
  const pkg = path.join(siteRoot, "pkg");
  const size = (ext: string) => {
    const name = fs.readdirSync(pkg).find((f) => f.endsWith(`.wasm${ext}`));
    if (!name) throw new Error(`no .wasm${ext} in ${pkg}: run the release build`);
    return fs.statSync(path.join(pkg, name)).size / 1000;
  };
  return { br: size(".br"), gzip: size(".gz") };
}
