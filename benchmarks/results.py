"""One results file for every benchmark: ``benchmarks/RESULTS.md``, one ``## `` section each.

Each benchmark replaces its own section (from its ``## `` title up to the next ``## ``) and
leaves the others as they are, so ``make bench`` can run them one after another and a single
benchmark can be rerun alone.
"""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")
HEADER = (
    "# Benchmark results\n\n"
    "Written by `make bench`: each benchmark replaces its own section below.\n\n"
)


def write_section(title: str, text: str, path: Path = RESULTS) -> Path:
    """Replace the section that starts with the line ``title`` in ``path``, or append it.

    ``text`` is the whole section, its first line being ``title``.
    """
    if not text.startswith(title):
        raise ValueError(f"the section must start with its title {title!r}")
    text = text.rstrip("\n") + "\n"
    if not path.exists():
        path.write_text(HEADER + text, encoding="utf-8")
        return path
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == title), None)
    if start is None:
        body = "".join(lines).rstrip("\n") + "\n\n" + text
    else:
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        rest = "".join(lines[end:])
        body = "".join(lines[:start]) + text + ("\n" + rest if rest else "")
    path.write_text(body, encoding="utf-8")
    return path
