#!/usr/bin/env python3
"""Finds import circles between the files of a Rust module tree (default: app/src/components).

An edge A -> B means a path in A (a `use`, or an inline path such as `super::x::Y`) names an
item defined in B; re-exports (`pub use`) in a `mod.rs` are followed to the defining file.
Prints each circle and exits 1 if there is any. Usage: scripts/import-cycles.py [DIR]
"""

import re
import sys
from pathlib import Path

CRATE = Path(__file__).resolve().parent.parent / "app" / "src"
ROOT = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else CRATE / "components"


def module_of(path):
    """The module path (list of names under the crate) of a file."""
    parts = list(path.relative_to(CRATE).with_suffix("").parts)
    return parts[:-1] if parts[-1] in ("mod", "lib") else parts


def file_of(module):
    """The file that defines module `module`, if any."""
    base = CRATE.joinpath(*module) if module else CRATE
    for candidate in (base.with_suffix(".rs"), base / "mod.rs"):
        if module and candidate.exists():
            return candidate
    return CRATE / "lib.rs" if not module else None


def expand(tree):
    """`a::{b, c::{d, e}}` -> ['a::b', 'a::c::d', 'a::c::e']."""
    tree = re.sub(r"\s+", "", tree)
    start = tree.find("{")
    if start < 0:
        return [re.sub(r"as\w+$", "", tree)]
    prefix, inner = tree[:start], tree[start + 1 : tree.rfind("}")]
    parts, depth, current = [], 0, ""
    for ch in inner:
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += (ch == "{") - (ch == "}")
        current += ch
    parts.append(current)
    return [path for part in parts if part for path in expand(prefix + part)]


def regions(text):
    """Each line's module suffix: inline `mod x {` blocks at column 0 give ['x']."""
    suffix, out = [], []
    for line in text.splitlines():
        m = re.match(r"(?:pub(?:\([\w:]+\))?\s+)?mod (\w+)\s*\{", line)
        if m:
            suffix = [m.group(1)]
        out.append((line, list(suffix)))
        if line.startswith("}"):
            suffix = []
    return out


def reexports(path):
    """`pub use x::Y;` in a file: name -> absolute path segments."""
    found = {}
    module = module_of(path)
    text = path.read_text()
    for stmt in re.findall(r"\bpub(?:\([\w:]+\))?\s+use\s+([^;]+);", text):
        for p in expand(stmt):
            segs = p.split("::")
            found[segs[-1]] = absolute(module, segs, path)
    return found


def absolute(module, segs, path):
    """Absolute module path of `segs` written inside `module` (file `path`)."""
    segs = [s for s in segs if s]
    if segs[0] == "crate":
        return segs[1:]
    if segs[0] in ("super", "self"):
        base = list(module)
        while segs and segs[0] in ("super", "self"):
            if segs[0] == "super":
                base = base[:-1]
            segs = segs[1:]
        return base + segs
    return module + segs  # a child module, named directly


def resolve(segs, seen=()):
    """The file defining the item at absolute path `segs` (following re-exports)."""
    for n in range(len(segs), 0, -1):
        f = file_of(segs[:n])
        if f is None:
            continue
        rest = segs[n:]
        if rest and f.name == "mod.rs" and f not in seen:
            target = reexports(f).get(rest[0])
            if target:
                return resolve(target + rest[1:], seen + (f,))
        return f
    return None


def edges(path):
    """The files whose items `path` names."""
    file_module = module_of(path)
    text = path.read_text()
    lines = regions(text)
    # In a mod.rs, a path may start with a child module's name.
    children = set()
    if path.name == "mod.rs":
        children = {p.stem if p.suffix else p.name for p in path.parent.iterdir() if p.name != "mod.rs"}
    paths = []
    for line, suffix in lines:
        if line.lstrip().startswith("//"):
            continue
        # A path cut short by a `{` group is read whole by the `use` pass below.
        for m in re.finditer(r"\b\w+(?:::\w+)+(?!\w|::\{)", line):
            paths.append((file_module + suffix, m.group(0)))
    for m in re.finditer(r"^\s*(?:pub(?:\([\w:]+\))?\s+)?use\s+([^;]+);", text, re.M):
        paths += [(file_module + lines[text[: m.start()].count("\n")][1], p) for p in expand(m.group(1))]
    out = set()
    for module, p in paths:
        segs = p.split("::")
        if segs[0] not in ("crate", "super", "self") and segs[0] not in children:
            continue
        target = resolve(absolute(module, segs, path))
        if target and target != path and ROOT in target.parents:
            out.add(target)
    return out


def cycles(graph):
    """Tarjan's strongly connected components of more than one file."""
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(comp)

    for v in graph:
        if v not in index:
            visit(v)
    return found


graph = {f: edges(f) for f in sorted(ROOT.rglob("*.rs"))}
found = cycles(graph)
for comp in found:
    names = sorted(str(f.relative_to(CRATE)) for f in comp)
    print("import circle:", " ".join(names))
    for f in sorted(comp):
        inside = sorted(str(t.relative_to(CRATE)) for t in graph[f] if t in comp)
        print(f"  {f.relative_to(CRATE)} -> {', '.join(inside)}")
print(f"{len(graph)} files, {sum(len(e) for e in graph.values())} edges, {len(found)} circle(s)")
sys.exit(1 if found else 0)
