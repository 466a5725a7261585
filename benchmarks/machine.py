"""Describe the machine a benchmark ran on, and append its record to a results file."""

from __future__ import annotations

import os
import platform
from datetime import datetime, timezone
from pathlib import Path


def describe() -> str:
    cpu = "desconocida"
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} núcleos, {memory_gib:.0f} GiB RAM, Python {platform.python_version()}"


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def append_record(results: Path, heading: str, record: str) -> None:
    """Append one run's record; a new results file starts with ``heading``."""
    if not results.exists():
        results.write_text(heading, encoding="utf-8")
    with results.open("a", encoding="utf-8") as handle:
        handle.write(record)
