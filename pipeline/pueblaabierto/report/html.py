"""A self-contained HTML report (inline CSS, Spanish) an enlace can open or forward."""

from __future__ import annotations

from datetime import datetime
from html import escape

from pueblaabierto.findings import Report
from pueblaabierto.report.grouping import cell, counted, groups, summary

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:70rem;
color:#222;padding:0 1rem}
h1{color:#7a1f3d;font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:2px solid #7a1f3d}
.verdict{padding:.8rem 1rem;border-radius:.4rem;font-weight:600}
.ok{background:#e6f4ea;color:#1e6b34}.bad{background:#fdecea;color:#8a1c12}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ddd;padding:.45rem;vertical-align:top;
text-align:left}th{background:#f4eef0}td.where{white-space:nowrap;font-family:monospace}
.error{color:#b00020;font-weight:600}.warning{color:#8a6100;font-weight:600}
.personal h2{color:#b00020}small{color:#666}
"""


def render_html(report: Report, title: str) -> str:
    verdict = "ok" if report.valid else "bad"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="es"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Revisión del FORM.317 — {escape(title)}</title>",
        f"<style>{CSS}</style></head><body>",
        "<h1>Revisión del FORM.317/SECATI/012224</h1>",
        f"<p>Formulario: <strong>{escape(title)}</strong><br>"
        f"<small>Revisado el {datetime.now():%Y-%m-%d %H:%M}</small></p>",
        f'<p class="verdict {verdict}">{escape(summary(report))}</p>',
    ]
    for group in groups(report):
        parts.append(f'<section class="{group.kind}">')
        parts.append(
            f"<h2>{escape(group.title)} <small>({counted(group.errors, group.warnings)})</small></h2>"
        )
        parts.append("<table><thead><tr><th>Dónde</th><th>Tipo</th><th>Qué está mal</th>"
                     "<th>Cómo corregirlo</th></tr></thead><tbody>")
        for finding in group.findings:
            where = finding.location if group.kind == "personal" else cell(finding)
            kind = ("error", "Error") if finding.is_error else ("warning", "Advertencia")
            parts.append(
                f'<tr><td class="where">{escape(where)}</td><td class="{kind[0]}">{kind[1]}</td>'
                f"<td>{escape(finding.message)}</td><td>{escape(finding.suggestion)}</td></tr>"
            )
        parts.append("</tbody></table></section>")
    parts.append("</body></html>")
    return "\n".join(parts)
