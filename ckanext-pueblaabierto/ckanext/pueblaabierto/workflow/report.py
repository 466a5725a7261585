"""The validation report attached to a submission, as reviewers read it.

The stored report is ``pueblaabierto.findings.Report.to_dict()`` (``{"valid", "errors",
"warnings"}``, each finding with ``code``, ``message``, ``severity``, ``suggestion``, ``file``,
``column``, ``rows``, ``sample``, ``location``...). This module reads it with the pipeline's
own rules and words, never a copy of them:

- personal data is what the pipeline's report grouping calls personal (the
  ``datos-personales-*`` codes of ``pueblaabierto.data.personal``);
- the groups and their order are the pipeline's (``pueblaabierto.report.grouping.groups``):
  personal data first, then the form, each sheet, each file;
- the kind of identifier is named by the pipeline's catalogue (``personal.KINDS``).

Each finding gets a stable key (``finding_key``) that the enlace de seguridad acknowledges;
the key is what the form sends, never what a person reads: people read ``describe``.
"""

from __future__ import annotations

from typing import Any

from pueblaabierto.data.personal import KINDS
from pueblaabierto.findings import Finding, Report, Severity
from pueblaabierto.report import grouping

from ..translate import _

# finding code -> the pipeline's name of the identifier
_KIND_BY_CODE = {kind.code: kind for kind in KINDS.values()}
# How many row ranges a compact row list shows before "y N más".
SHOWN_RANGES = 8


class FindingKey(str):
    """A finding's key that also knows how a person calls the finding.

    It is a plain string everywhere (JSON, the acknowledgement record, comparisons); the state
    machine reads ``label`` to name what is missing in its refusal.
    """

    label: str

    def __new__(cls, key: str, label: str = "") -> FindingKey:
        value = super().__new__(cls, key)
        value.label = label or key
        return value


def findings(report: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The findings of a stored report, errors then warnings, each with its ``severity``."""
    if not isinstance(report, dict):
        return []
    result = []
    for severity, default in (("errors", Severity.ERROR.value), ("warnings", Severity.WARNING.value)):
        for finding in report.get(severity) or []:
            if isinstance(finding, dict):
                result.append(dict(finding, severity=finding.get("severity") or default))
    return result


def is_personal(finding: dict[str, Any]) -> bool:
    """Same rule as the pipeline's grouping (``grouping.is_personal``), on the stored dict."""
    return str(finding.get("code") or "").startswith(grouping.PERSONAL_PREFIX)


def finding_key(finding: dict[str, Any]) -> str:
    """Stable key the enlace de seguridad acknowledges: code and place."""
    return f"{finding.get('code', '')}|{finding.get('location') or finding.get('file') or ''}"


def kind_label(code: str) -> str:
    """The identifier a personal-data finding is about, in the pipeline's words («CURP», «Teléfono»)."""
    kind = _KIND_BY_CODE.get(code)
    if kind is None:
        return _("Dato personal")
    text = kind.short or kind.label
    return text[:1].upper() + text[1:]


def rows_text(rows: list[int], count: int | None = None) -> str:
    """Rows as people read them, consecutive ones as ranges: «filas 3, 7 y 12–15».

    ``rows`` may list only the first rows of a large finding (the pipeline keeps up to 1,000);
    ``count`` is then how many there are in total.
    """
    numbers = sorted({int(r) for r in rows if isinstance(r, int) or str(r).isdigit()})
    if not numbers:
        return ""
    ranges: list[tuple[int, int]] = []
    for number in numbers:
        if ranges and number == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], number)
        else:
            ranges.append((number, number))
    # Two consecutive rows read better as «3, 4» than as a range «3–4».
    parts: list[tuple[str, int]] = []
    for a, b in ranges:
        if b - a >= 2:
            parts.append((f"{a}–{b}", b - a + 1))
        else:
            parts += [(str(n), 1) for n in range(a, b + 1)]
    total = max(count or 0, len(numbers))
    if len(numbers) == 1 and total == 1:
        return _("fila {row}").format(row=numbers[0])
    shown = [text for text, _size in parts[:SHOWN_RANGES]]
    rest = total - sum(size for _text, size in parts[:SHOWN_RANGES])
    if rest > 0:
        return _("filas {rows}… ({total:,} en total)").format(rows=", ".join(shown), total=total)
    if len(shown) == 1:
        return _("filas {rows}").format(rows=shown[0])
    return _("filas {rows} y {last}").format(rows=", ".join(shown[:-1]), last=shown[-1])


def where(finding: dict[str, Any]) -> str:
    """Where to look, for a person: «Hoja «Recurso», celda F7» or «obras.csv, columna «curp», filas 3 y 7»."""
    if finding.get("sheet"):
        cell = f"{finding.get('column') or ''}{finding.get('row') or ''}"
        if cell:
            return _("Hoja «{sheet}», celda {cell}").format(sheet=finding["sheet"], cell=cell)
        return _("Hoja «{sheet}»").format(sheet=finding["sheet"])
    parts = []
    if finding.get("file"):
        parts.append(str(finding["file"]))
    if finding.get("column"):
        parts.append(_("columna «{column}»").format(column=finding["column"]))
    rows = rows_text(list(finding.get("rows") or []), finding.get("count"))
    if rows:
        parts.append(rows)
    elif finding.get("row"):
        parts.append(_("fila {row}").format(row=finding["row"]))
    return ", ".join(parts) or str(finding.get("location") or "")


def describe(finding: dict[str, Any]) -> str:
    """One line that names a finding for a person: kind (or message) and place, never its key."""
    what = kind_label(str(finding.get("code") or "")) if is_personal(finding) else str(finding.get("message") or "")
    place = where(finding)
    return _("{what} en {place}").format(what=what, place=place) if place else what


def _readable(finding: dict[str, Any]) -> dict[str, Any]:
    personal = is_personal(finding)
    error = finding["severity"] == Severity.ERROR.value
    return dict(
        finding,
        key=FindingKey(finding_key(finding), describe(finding)),
        personal=personal,
        is_error=error,
        severity_label=_("Error") if error else _("Advertencia"),
        kind_label=kind_label(str(finding.get("code") or "")) if personal else "",
        where=where(finding),
        rows_text=rows_text(list(finding.get("rows") or []), finding.get("count")),
        description=describe(finding),
    )


def personal_keys(report: dict[str, Any] | None) -> list[str]:
    """Keys of the personal-data findings, in reading order (each a ``FindingKey`` that names it
    for a person)."""
    result: dict[str, FindingKey] = {}
    for finding in ordered(report):
        if finding["personal"]:
            result.setdefault(str(finding["key"]), finding["key"])
    return list(result.values())


def ordered(report: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Every finding readable by a person, in the pipeline's reading order (personal data first)."""
    return [item for group in groups(report) for item in group["findings"]]


def _as_finding(finding: dict[str, Any]) -> Finding:
    """The pipeline's ``Finding`` back from its stored dict (to group it by the pipeline's rules)."""
    try:
        severity = Severity(finding["severity"])
    except ValueError:
        severity = Severity.ERROR
    row = finding.get("row")
    return Finding(
        code=str(finding.get("code") or ""),
        message=str(finding.get("message") or ""),
        severity=severity,
        suggestion=str(finding.get("suggestion") or ""),
        sheet=finding.get("sheet") or None,
        row=row if isinstance(row, int) else None,
        column=finding.get("column") or None,
        file=finding.get("file") or None,
        rows=tuple(r for r in finding.get("rows") or [] if isinstance(r, int)),
        sample=finding.get("sample"),
        count=finding.get("count") if isinstance(finding.get("count"), int) else None,
    )


def groups(report: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The pipeline's groups (personal data, form, each sheet, each file), findings readable."""
    stored = findings(report)
    objects = [_as_finding(f) for f in stored]
    by_identity = {id(obj): _readable(f) for obj, f in zip(objects, stored, strict=True)}
    result = []
    for group in grouping.groups(Report(objects)):
        items = [by_identity[id(f)] for f in group.findings]
        result.append(
            {
                "title": _("Datos personales") if group.kind == "personal" else group.title,
                "kind": group.kind,
                "findings": items,
                "errors": group.errors,
                "warnings": group.warnings,
                "counted": grouping.counted(group.errors, group.warnings),
            }
        )
    return result


def review(report: dict[str, Any] | None) -> dict[str, Any] | None:
    """What the reviewers' page shows: counts, verdict and groups; None without a report."""
    if not isinstance(report, dict):
        return None
    items = groups(report)
    readable = [f for g in items for f in g["findings"]]
    errors = sum(f["is_error"] for f in readable)
    warnings = len(readable) - errors
    # One acknowledgement per key (the same problem twice in one place is one finding to review).
    personal = list({str(f["key"]): f for f in reversed(readable) if f["personal"]}.values())[::-1]
    return {
        "valid": errors == 0,
        "errors": errors,
        "warnings": warnings,
        "personal": len(personal),
        "counted": grouping.counted(errors, warnings),
        "groups": items,
        "personal_findings": personal,
    }


def counts(report: dict[str, Any] | None) -> dict[str, int] | None:
    """Errors, warnings and personal-data findings of a stored report («Mis pendientes»)."""
    if not isinstance(report, dict):
        return None
    stored = findings(report)
    errors = sum(f["severity"] == Severity.ERROR.value for f in stored)
    return {
        "errors": errors,
        "warnings": len(stored) - errors,
        "personal": len({finding_key(f) for f in stored if is_personal(f)}),
    }
