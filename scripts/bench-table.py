#!/usr/bin/env python3
"""Puts the figures of the last `npm run bench` (out/bench.md) into docs/performance.md between the bench markers."""
import pathlib, re, sys

root = pathlib.Path(__file__).resolve().parent.parent
bench = root / "out" / "bench.md"
if not bench.exists():
    sys.exit("out/bench.md not found: run npm run bench first")
readme = root / "docs" / "performance.md"
text = readme.read_text()
start, end = "<!-- bench:start -->", "<!-- bench:end -->"
if start not in text or end not in text:
    sys.exit("docs/performance.md has no bench markers")
new = re.sub(re.escape(start) + r".*?" + re.escape(end), start + "\n" + bench.read_text().strip() + "\n" + end, text, flags=re.S)
readme.write_text(new)
print("docs/performance.md: bench table replaced")
