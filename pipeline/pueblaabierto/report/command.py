"""``pueblaabierto validar``: validate a submission and show the report where it was asked for."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rich.console import Console

from pueblaabierto.errors import UnusableInput
from pueblaabierto.report.html import render_html
from pueblaabierto.report.terminal import progress_bar, render, render_unusable
from pueblaabierto.validation import validate_submission

EXIT_VALID, EXIT_INVALID, EXIT_UNUSABLE = 0, 1, 2


def run_validar(
    workbook: Path,
    data_dir: Path | None,
    *,
    as_json: bool,
    html_path: Path | None,
    allowed: list[str],
) -> int:
    """Validate, print the report (terminal or JSON), optionally write HTML; return the exit code."""
    out = Console(file=sys.stdout, highlight=False)
    err = Console(file=sys.stderr, highlight=False)
    try:
        with progress_bar(err) as progress:
            report = validate_submission(workbook, data_dir, progress, allowed=allowed)
    except UnusableInput as error:
        if as_json:
            _print_json({"valid": False, "errors": [error.to_finding().to_dict()], "warnings": []})
        else:
            render_unusable(error, err)
        return EXIT_UNUSABLE
    if as_json:
        _print_json(report.to_dict())
    else:
        render(report, out, workbook.name)
    if html_path is not None:
        try:
            html_path.write_text(render_html(report, workbook.name), encoding="utf-8")
        except OSError as exc:
            err.print(f"[red]No se pudo escribir el reporte HTML «{html_path}»:[/red] {exc.strerror or exc}. "
                      "Revise que la carpeta exista y que tenga permiso de escritura.")
            return EXIT_UNUSABLE
        if not as_json:
            out.print(f"Reporte HTML guardado en {html_path}")
    return EXIT_VALID if report.valid else EXIT_INVALID


def _print_json(data: dict) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")



