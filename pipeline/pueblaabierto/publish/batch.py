"""``lote``: find every FORM.317 submission under a folder and publish them one by one.

A submission is a workbook that has the form's sheets; its data files are looked for in
its own folder. Folders may hold one submission each or many workbooks side by side.
A failing submission never stops the others, except when the portal itself is gone
(then the rest are reported failed with that reason instead of waiting on each).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from pueblaabierto.publish.run import SubmissionResult
from pueblaabierto.workbook import spec

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods")
# make portal's demo skips the intentionally broken examples kept for validation tests.
BROKEN_EXAMPLES = "rotos"


def find_submissions(folder: Path, *, skip_broken: bool = False) -> list[Path]:
    found = []
    for path in sorted(_walk(folder, skip_broken)):
        if path.suffix.lower() in WORKBOOK_SUFFIXES and not path.name.startswith(("~$", ".")):
            if is_form(path):
                found.append(path)
    return found


def _walk(folder: Path, skip_broken: bool) -> Iterator[Path]:
    for path in folder.iterdir():
        if path.is_dir():
            if path.name.startswith(".") or (skip_broken and path.name == BROKEN_EXAMPLES):
                continue
            yield from _walk(path, skip_broken)
        else:
            yield path


def is_form(path: Path) -> bool:
    """Whether ``path`` is a FORM.317 workbook (has a Dataset or Recurso sheet), not a data file."""
    wanted = {spec.normalize_name(n) for s in (spec.DATASET, spec.RECURSO) for n in (s.name, *s.aliases)}
    try:
        if path.suffix.lower() == ".ods":
            import pandas as pd

            names = list(pd.ExcelFile(path, engine="odf").sheet_names)
        else:
            from openpyxl import load_workbook

            book = load_workbook(path, read_only=True)
            names = list(book.sheetnames)
            book.close()
    except Exception:  # noqa: BLE001 - an unreadable workbook is a submission validar will explain
        return path.name.upper().startswith("FORM")
    return any(spec.normalize_name(name) in wanted for name in names)


def run_batch(
    submissions: list[Path],
    publish_one: Callable[[Path], SubmissionResult],
    on_done: Callable[[SubmissionResult], None] | None = None,
) -> list[SubmissionResult]:
    results: list[SubmissionResult] = []
    fatal: SubmissionResult | None = None
    for workbook in submissions:
        if fatal is not None:
            result = SubmissionResult(workbook=workbook, status="fallido", failed_step=fatal.failed_step,
                                      error=fatal.error, fatal=True)
        else:
            result = publish_one(workbook)
            if result.fatal:
                fatal = result
        results.append(result)
        if on_done:
            on_done(result)
    return results
