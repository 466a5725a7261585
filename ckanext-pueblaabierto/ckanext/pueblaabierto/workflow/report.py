"""The validation report attached to a submission, as reviewers read it.

The pipeline sends ``pueblaabierto.findings.Report.to_dict()`` (``{"valid", "errors",
"warnings"}``, each finding with ``code``, ``message``, ``location``, ``rows``, ``sample``).
A finding counts as personal data by the same rule as the pipeline's report grouping
(``pueblaabierto.report.grouping.is_personal``), restated here on dicts because the stored
report is JSON, not ``Finding`` objects.
"""

from __future__ import annotations

from typing import Any


def findings(report: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not report:
        return []
    result = []
    for severity in ("errors", "warnings"):
        for finding in report.get(severity) or []:
            if isinstance(finding, dict):
                result.append(finding)
    return result


def is_personal(finding: dict[str, Any]) -> bool:
    return bool(finding.get("rows")) or finding.get("sample") is not None or "personal" in str(finding.get("code", ""))


def finding_key(finding: dict[str, Any]) -> str:
    """Stable key the enlace de seguridad acknowledges: code and place."""
    return f"{finding.get('code', '')}|{finding.get('location') or finding.get('file') or ''}"


def personal_keys(report: dict[str, Any] | None) -> list[str]:
    return list(dict.fromkeys(finding_key(f) for f in findings(report) if is_personal(f)))


def ordered(report: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Personal-data findings first (what the reviewers must look at), each with its key."""
    items = [dict(f, key=finding_key(f), personal=is_personal(f)) for f in findings(report)]
    return [f for f in items if f["personal"]] + [f for f in items if not f["personal"]]
