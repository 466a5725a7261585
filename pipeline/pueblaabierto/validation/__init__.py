"""Validate a whole FORM.317 submission: the workbook, then every data file it names."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from pueblaabierto.data.limits import DEFAULT_LIMITS, Limits
from pueblaabierto.errors import UnusableInput
from pueblaabierto.findings import Finding, Report
from pueblaabierto.progress import ProgressCallback
from pueblaabierto.validation.allowlist import allowed_values, build_allow_list
from pueblaabierto.validation.files import check_files, check_form_file
from pueblaabierto.validation.metadata import check_metadata
from pueblaabierto.workbook.reader import read_submission

__all__ = ["validate_submission"]


def validate_submission(
    workbook: Path,
    data_dir: Path | None = None,
    progress: ProgressCallback | None = None,
    *,
    allowed: list[str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Report:
    """Read ``workbook`` and check it and its files (in ``data_dir``, default: its folder).

    Raises UnusableInput when the workbook (or the data folder) cannot be used at all,
    including a workbook that is not what its name says, has macros or is a zip bomb.
    """
    data_dir = data_dir or workbook.parent
    if not data_dir.is_dir():
        raise UnusableInput(
            "carpeta-no-encontrada",
            f"No se encontró la carpeta de datos «{data_dir}».",
            "Indique con --datos la carpeta donde están los archivos del formato.",
        )
    form_findings = check_form_file(workbook, limits)
    submission = read_submission(workbook)
    report = Report()
    report.extend(form_findings)
    report.extend(submission.findings)
    report.extend(check_metadata(submission))
    files = check_files(submission, data_dir)
    report.extend(files.findings)

    validate_file = _data_checks()
    if validate_file is None:
        return report
    allow = build_allow_list(
        allowed_values([workbook.parent, data_dir], allowed or []),
        addresses=[d.correo for d in submission.datasets if d.correo],
    )
    known = {d.id_dataset for d in submission.datasets}
    for recurso, path in files.resources:
        if recurso.id_dataset not in known:
            # Without its dataset there is no dictionary to compare the columns with: every
            # column would be reported as undescribed. The broken reference is reported once.
            continue
        name = recurso.archivo or path.name
        try:
            report.extend(
                validate_file(
                    path,
                    formato=recurso.formato or "",
                    terms=submission.terms_for(recurso.id_dataset),
                    display_name=name,
                    allow=allow,
                    progress=_rows_progress(progress, name, path),
                    limits=limits,
                )
            )
        except UnusableInput as exc:
            report.add(replace(exc.to_finding(), file=recurso.archivo or path.name))
    return report


def _rows_progress(progress: ProgressCallback | None, name: str, path: Path) -> Callable[[int], None] | None:
    """Adapt our (label, done, total) callback to the data checks' rows-done callback."""
    if progress is None:
        return None
    total = _count_lines(path) if path.suffix.lower() in (".csv", ".txt") else None
    progress(name, 0, total)
    return lambda done: progress(name, done, total)


def _count_lines(path: Path) -> int | None:
    """Data rows of a text table, to size the progress bar (header excluded)."""
    try:
        with path.open("rb") as handle:
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    except OSError:
        return None
    return max(lines - 1, 1)


def _data_checks() -> Callable[..., list[Finding]] | None:
    """The data-file checks, once ``pueblaabierto.data`` exists; metadata checks work without them."""
    try:
        module = importlib.import_module("pueblaabierto.data")
    except ModuleNotFoundError as exc:
        if exc.name == "pueblaabierto.data":
            return None
        raise
    return getattr(module, "validate_resource_file", None)
