"""What every benchmark script shares: result tables, printing, the machine line, recording.

Each script prints its tables (Rich when available) and, with ``--record``, replaces its own block of
docs/benchmarks.md between markers named after the script.
"""

from __future__ import annotations

import multiprocessing
import os
import platform
import re
import resource
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# ../shared beside the project; from a git worktree under ../wt/, the one two levels up
SHARED = next(
    (p / "shared" / "bench" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared" / "bench").is_dir()),
    ROOT.parent / "shared" / "bench",
)
DOCS = ROOT / "docs" / "benchmarks.md"


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    left: int = 1  # how many leading columns hold text (left-aligned); the rest are numbers


@dataclass
class Section:
    title: str
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: str | None = None


def fmt(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def print_sections(sections: list[Section], header: str) -> None:
    """Print with Rich when it is installed, else as plain (Markdown) text."""
    try:
        from rich.console import Console
        from rich.table import Table as RichTable
    except ImportError:
        print(header + "\n\n" + "\n\n".join(section_markdown(s) for s in sections))
        return
    console = Console(width=None if sys.stdout.isatty() else 150)  # not 80 columns in a log file
    console.print(header)
    for section in sections:
        console.rule(section.title)
        if section.skipped:
            console.print(f"[yellow]skipped:[/] {section.skipped}")
        for table in section.tables:
            if not table.rows:
                console.print(f"{table.title}: none.", highlight=False)
                continue
            rich_table = RichTable(title=table.title, title_justify="left")
            for index, column in enumerate(table.columns):
                rich_table.add_column(column, justify="left" if index < table.left else "right", overflow="fold")
            for row in table.rows:
                rich_table.add_row(*row)
            console.print(rich_table)
        for note in section.notes:
            console.print(f"• {note}", highlight=False)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def section_markdown(section: Section) -> str:
    lines = [f"### {section.title}", ""]
    if section.skipped:
        lines += [f"Skipped: {section.skipped}", ""]
    for table in section.tables:
        if not table.rows:
            lines += [f"**{table.title}**: none.", ""]
            continue
        lines += [f"**{table.title}**", "", "| " + " | ".join(table.columns) + " |"]
        lines.append("|" + "|".join("---" if i < table.left else "--:" for i in range(len(table.columns))) + "|")
        lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in table.rows]
        lines.append("")
    lines += [f"- {note}" for note in section.notes]
    return "\n".join(lines).rstrip() + "\n"


# ---- machine ---------------------------------------------------------------------------------------


def machine(libraries: tuple[str, ...] = ("trafilatura", "duckdb")) -> str:
    """Cores, RAM, CPU model, Python and library versions, in one line."""
    import importlib

    import storyline

    cpu = platform.processor() or "unknown CPU"
    ram = "unknown RAM"
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        cpu = next((ln.split(":", 1)[1].strip() for ln in cpuinfo.splitlines() if ln.startswith("model name")), cpu)
        meminfo = Path("/proc/meminfo").read_text()
        kib = int(re.search(r"MemTotal:\s+(\d+)", meminfo)[1])  # type: ignore[index]
        ram = f"{kib / 1024**2:.1f} GiB RAM"
    except (OSError, TypeError):
        pass
    return (
        f"{os.cpu_count()} cores, {ram}, {cpu}, Python {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.1f} at the start; "
        f"storyline {storyline.__version__}, "
        + ", ".join(f"{name} {importlib.import_module(name).__version__}" for name in libraries)
    )


def peak_rss_mib() -> float:
    """This process's peak resident memory, MiB.

    Linux's VmHWM, not getrusage's ru_maxrss: a spawned process inherits its parent's ru_maxrss (the
    high-water mark survives fork and exec), so after a heavy parent it reports the parent's peak.
    """
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def in_fresh_process(function: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """Run one measurement in its own process, so its peak RSS is its own."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def record(sections: list[Section], header: str, script: str, title: str, path: Path = DOCS) -> None:
    """Replace ``script``'s block of docs/benchmarks.md (or append it)."""
    begin, end = f"<!-- {script}: begin", f"<!-- {script}: end -->"
    body = "\n".join(section_markdown(s) for s in sections)
    block = (
        f"{begin} (written by `{script} --record`; edit the script, not this block) -->\n"
        f"## {title} (`{script}`)\n\n{header}\n\n{body}{end}"
    )
    text = path.read_text(encoding="utf-8") if path.is_file() else "# Benchmarks\n"
    start, stop = text.find(begin), text.find(end)
    if start >= 0 and stop > start:
        text = text[:start] + block + text[stop + len(end) :]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
