"""Template helpers of the Entregas pages: the report grouped as ``validar`` shows it."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ...translate import _
from ...verification.verdict import counts
from .. import auth


def report_groups(report: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Personal data first, then the form, each sheet, each file (pipeline report/grouping.py)."""
    from pueblaabierto.findings import Finding, Report, Severity
    from pueblaabierto.report.grouping import groups

    if not report:
        return []
    findings = []
    fields = set(Finding.__dataclass_fields__)
    for item in [*(report.get("errors") or []), *(report.get("warnings") or [])]:
        data = {k: v for k, v in item.items() if k in fields}
        data["severity"] = Severity(data.get("severity") or "error")
        data["rows"] = tuple(data.get("rows") or ())
        findings.append(Finding(**data))
    result = []
    for group in groups(Report(findings)):
        result.append({
            "title": _("Datos personales") if group.kind == "personal" else group.title,
            "kind": group.kind,
            "errors": group.errors,
            "warnings": group.warnings,
            "findings": [dict(f.to_dict(), is_error=f.is_error) for f in group.findings],
        })
    return result


def show_link() -> bool:
    """Whether the account bar shows «Entregas» (enlaces de datos abiertos and sysadmins)."""
    if not tk.current_user.is_authenticated:
        return False
    from ckan import model

    return auth.holds_role(model.User.get(tk.current_user.name))


def file_size(size: int | None) -> str:
    if not size:
        return "0 KB"
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def get_helpers() -> dict[str, Any]:
    return {
        "pueblaabierto_entrega_report_groups": report_groups,
        "pueblaabierto_entregas_link": show_link,
        "pueblaabierto_entrega_file_size": file_size,
        "pueblaabierto_entrega_report_counts": counts,
    }
