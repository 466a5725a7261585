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
from pueblaabierto.workbook.model import Recurso, Submission
from pueblaabierto.workbook.reader import read_submission

__all__ = ["validate_submission"]


def validate_submission(
    workbook: Path,
    data_dir: Path | None = None,
    progress: ProgressCallback | None = None,
    *,
    allowed: list[str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    validate_file: Callable[..., list[Finding]] | None = None,
) -> Report:
    """Read ``workbook`` and check it and its files (in ``data_dir``, default: its folder).

    ``validate_file``: the checks of one data file, ``pueblaabierto.data.validate_resource_file``
    unless the caller wraps it (the portal remembers its findings per file, see
    ``ckanext.pueblaabierto.verification.reuse``).

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
    submission = read_submission(workbook, limits)
    report = Report()
    report.extend(form_findings)
    report.extend(submission.findings)
    report.extend(check_metadata(submission))
    files = check_files(submission, data_dir)
    report.extend(files.findings)

    validate_file = validate_file or _data_checks()
    if validate_file is None:
        return report
    allow = build_allow_list(
        allowed_values([workbook.parent, data_dir], allowed or []),
        addresses=[d.responsable_correo for d in submission.datasets if d.responsable_correo],
    )
    known = {d.id_dataset for d in submission.datasets}
    data_findings: list[tuple[Recurso, list[Finding]]] = []
    terms_per_file: list[dict[str, str]] = []
    for recurso, path in files.resources:
        if recurso.id_dataset not in known:
            # Without its dataset there is no dictionary to compare the columns with: every
            # column would be reported as undescribed. The broken reference is reported once.
            continue
        name = recurso.nombre_archivo or path.name
        terms = terms_for_resource(submission, recurso)
        try:
            found = validate_file(
                path,
                formato=recurso.format or "",
                terms=terms,
                display_name=name,
                allow=allow,
                progress=_rows_progress(progress, name, path),
                limits=limits,
            )
        except UnusableInput as exc:
            found = [replace(exc.to_finding(), file=recurso.nombre_archivo or path.name)]
        data_findings.append((recurso, found))
        terms_per_file.append(terms)
    for _, found in _terms_missing_everywhere(data_findings, terms_per_file):
        report.extend(found)
    return report


def terms_for_resource(submission: Submission, recurso: Recurso) -> dict[str, str]:
    """The dictionary terms that describe ``recurso``'s file: its dataset's terms, less
    those the Diccionario assigns to another resource of the dataset.

    A term may name its resource (column «Recurso» of the Diccionario: the file name, with
    or without extension, or the resource's Nombre); a term that names none describes
    every resource of its dataset. A term naming a resource the workbook does not have is
    reported once by the metadata checks (``recurso-inexistente``) and otherwise treated as
    naming none, so the columns it describes are not reported a second time. (The portal's
    job passes no resources: there a name is checked by the schema's own validator.)"""
    siblings = [r for r in submission.recursos if r.id_dataset == recurso.id_dataset]
    terms: dict[str, str] = {}
    for entry in submission.diccionario:
        if entry.id_dataset != recurso.id_dataset or not entry.termino:
            continue
        target = entry.recurso or entry.raw.get("recurso")
        if target and not recurso.is_named(target):
            if not siblings or any(other.is_named(target) for other in siblings):
                continue
        terms[entry.termino] = entry.descripcion or ""
    return terms


def _terms_missing_everywhere(
    data_findings: list[tuple[Recurso, list[Finding]]],
    terms_per_file: list[dict[str, str]] | None = None,
) -> list[tuple[Recurso, list[Finding]]]:
    """«Term without column» only when no file the term describes has that column.

    A dataset with a CSV and a KML shares one dictionary: the CSV's columns are not
    missing from the KML. With ``terms_per_file`` (the terms each file was checked
    against, in the same order) a term that names its resource describes that file only,
    so it is reported there; without it every term describes every file of its dataset.
    Reported once, at the first file concerned."""
    missing: dict[tuple[str | None, str], list[int]] = {}
    described_in: dict[tuple[str | None, str], int] = {}
    files_per_dataset: dict[str | None, int] = {}
    for index, (recurso, found) in enumerate(data_findings):
        files_per_dataset[recurso.id_dataset] = files_per_dataset.get(recurso.id_dataset, 0) + 1
        for term in terms_per_file[index] if terms_per_file is not None else ():
            described_in[(recurso.id_dataset, term)] = described_in.get((recurso.id_dataset, term), 0) + 1
        for finding in found:
            if finding.code == "termino-sin-columna":
                missing.setdefault((recurso.id_dataset, finding.column or ""), []).append(index)
    if terms_per_file is None:
        described_in = {key: files_per_dataset[key[0]] for key in missing}
    result = []
    for index, (recurso, found) in enumerate(data_findings):
        kept = []
        for finding in found:
            if finding.code == "termino-sin-columna":
                key = (recurso.id_dataset, finding.column or "")
                where = missing[key]
                if len(where) < described_in.get(key, len(where)) or where[0] != index:
                    continue
            kept.append(finding)
        result.append((recurso, kept))
    return result


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
