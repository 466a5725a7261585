"""``pueblaabierto publicar`` and ``pueblaabierto lote``: the terminal (and JSON) side.

Exit codes: 0 everything published or already up to date; 1 something was not published
(validation errors, a failed step, portal unreachable, token refused); 2 the command could
not start (unreadable workbook, missing portal address or token).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn
from rich.table import Table

from pueblaabierto.publish import batch
from pueblaabierto.publish.apply import FAILED, PUBLISHED
from pueblaabierto.publish.client import Portal, PortalError
from pueblaabierto.publish.plan import Capabilities, Options, capabilities
from pueblaabierto.publish.run import INVALID, UNUSABLE, SubmissionResult, publish_validated, validate
from pueblaabierto.publish.server_validation import verdict_line
from pueblaabierto.report.terminal import render

EXIT_OK, EXIT_FAILED, EXIT_UNUSABLE, EXIT_INTERRUPTED = 0, 1, 2, 130

INTERRUPTED = ("Interrumpido. Lo que se alcanzó a cargar quedó privado; vuelva a ejecutar el mismo comando "
               "para completarlo (no se duplica nada).")

STATUS_LABELS = {
    PUBLISHED: "[green]Publicado[/green]",
    "sin_cambios": "Sin cambios",
    FAILED: "[red]Falló[/red]",
    INVALID: "[red]Con errores[/red]",
    UNUSABLE: "[red]Ilegible[/red]",
}


class Session:
    """One command run: consoles, the portal and its capabilities, the progress display."""

    def __init__(self, url: str | None, token: str | None, as_json: bool) -> None:
        self.out = Console(file=sys.stdout, highlight=False)
        self.err = Console(file=sys.stderr, highlight=False)
        self.as_json = as_json
        self.url = (url or "").strip()
        self.token = (token or "").strip()
        self.portal: Portal | None = None
        self.caps: Capabilities | None = None
        self.bar: Progress | None = None
        self._tasks: dict[str, TaskID] = {}

    def missing_settings(self) -> str | None:
        if not self.url:
            return ("Falta la dirección del portal: use --url https://... o defina la variable CKAN_URL.")
        if not self.token:
            return ("Falta el token de API: use --token o defina la variable CKAN_API_TOKEN "
                    "(se genera en el portal, en Perfil → Tokens de API).")
        return None

    def connect(self) -> None:
        self.portal = Portal(self.url, self.token)
        self.portal.check()
        self.caps = capabilities(self.portal)

    # -- progress ------------------------------------------------------------------------
    @contextmanager
    def progress(self, total: int | None = None) -> Iterator[TaskID | None]:
        if not self.err.is_terminal:
            yield None
            return
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, console=self.err, transient=True) as bar:
            self.bar = bar
            overall = bar.add_task("Solicitudes", total=total) if total else None
            try:
                yield overall
            finally:
                self.bar = None
                self._tasks.clear()

    def rows(self, label: str, done: int, total: int | None) -> None:
        """Rows of ``label`` sent to the DataStore."""
        self._task(f"Cargando al DataStore {label}", done, total)

    def checking(self, label: str, done: int, total: int | None) -> None:
        """Progress of the data checks (validation) on ``label``."""
        self._task(f"Revisando {label}", done, total)

    def _task(self, description: str, done: int, total: int | None) -> None:
        if self.bar is None:
            return
        if description not in self._tasks:
            self._tasks[description] = self.bar.add_task(description, total=total)
        self.bar.update(self._tasks[description], completed=done, total=total)


def run_publicar(workbook: Path, data_dir: Path | None, *, url: str | None, token: str | None,
                 options: Options, as_json: bool, allowed: list[str]) -> int:
    session = Session(url, token, as_json)
    problem = session.missing_settings()
    if problem:
        return _unusable(session, workbook, problem)
    try:
        with session.progress():
            # Validation first, as the procedure says: an invalid submission gets its report
            # whether or not the portal is reachable.
            stopped, report = validate(workbook, data_dir, session.checking if session.bar else None, allowed)
            if stopped is not None:
                _show_one(session, stopped)
                return EXIT_UNUSABLE if stopped.status == UNUSABLE else EXIT_FAILED
            assert report is not None
            try:
                session.connect()
            except PortalError as exc:
                result = SubmissionResult(workbook=workbook, status=FAILED, failed_step="Conexión con el portal",
                                          error=exc.message, report=report)
                _show_one(session, result)
                return EXIT_FAILED
            assert session.portal is not None and session.caps is not None
            result = publish_validated(workbook, data_dir, session.portal, session.caps, options, report,
                                       progress=session.rows if session.bar else None)
    except KeyboardInterrupt:
        session.err.print(f"[bold yellow]{INTERRUPTED}[/bold yellow]")
        return EXIT_INTERRUPTED
    _show_one(session, result)
    return EXIT_FAILED if result.status in (FAILED, INVALID) else EXIT_OK


def _publish_one(session: Session, workbook: Path, data_dir: Path | None, options: Options,
                 allowed: list[str], seen_orgs: dict[str, Any] | None = None) -> SubmissionResult:
    assert session.portal is not None and session.caps is not None
    stopped, report = validate(workbook, data_dir, session.checking if session.bar else None, allowed)
    if stopped is not None:
        return stopped
    assert report is not None
    return publish_validated(workbook, data_dir, session.portal, session.caps, options, report,
                             progress=session.rows if session.bar else None, seen_orgs=seen_orgs)


def run_lote(folder: Path, *, url: str | None, token: str | None, options: Options, as_json: bool,
             allowed: list[str], skip_broken: bool) -> int:
    session = Session(url, token, as_json)
    if not folder.is_dir():
        return _unusable(session, folder, f"No se encontró la carpeta «{folder}».")
    problem = session.missing_settings()
    if problem:
        return _unusable(session, folder, problem)
    submissions = batch.find_submissions(folder, skip_broken=skip_broken)
    if not submissions:
        return _unusable(session, folder, f"No se encontró ningún FORM.317 (.xlsx u .ods) en «{folder}».")
    try:
        session.connect()
    except PortalError as exc:
        results = [SubmissionResult(workbook=w, status=FAILED, failed_step="Conexión con el portal",
                                    error=exc.message) for w in submissions]
        _show_batch(session, folder, results)
        return EXIT_FAILED

    seen_orgs: dict[str, Any] = {}
    with session.progress(len(submissions)) as overall:
        def publish(workbook: Path) -> SubmissionResult:
            if session.bar is not None and overall is not None:
                session.bar.update(overall, description=f"Solicitudes ({workbook.parent.name}/{workbook.name})")
            return _publish_one(session, workbook, None, options, allowed, seen_orgs)

        def done(_result: SubmissionResult) -> None:
            if session.bar is not None and overall is not None:
                session.bar.advance(overall)

        try:
            results = batch.run_batch(submissions, publish, done)
        except KeyboardInterrupt:
            session.err.print(f"[bold yellow]{INTERRUPTED}[/bold yellow]")
            return EXIT_INTERRUPTED
    _show_batch(session, folder, results)
    return EXIT_FAILED if any(r.status in (FAILED, INVALID, UNUSABLE) for r in results) else EXIT_OK


# -- output --------------------------------------------------------------------------------
def _unusable(session: Session, path: Path, message: str) -> int:
    if session.as_json:
        _print_json({"formato": str(path), "estado": UNUSABLE, "motivo": message})
    else:
        session.err.print(f"[bold red]No se pudo publicar:[/bold red] {message}")
    return EXIT_UNUSABLE


def _show_one(session: Session, result: SubmissionResult) -> None:
    if session.as_json:
        _print_json(result.to_dict())
        return
    out = session.out
    if result.status == UNUSABLE and result.report is not None and result.report.findings:
        finding = result.report.findings[0]  # as validar shows an unusable workbook
        session.err.print(f"[bold red]No se pudo revisar:[/bold red] {finding.message}")
        if finding.suggestion:
            session.err.print(finding.suggestion)
        return
    if result.status in (INVALID, UNUSABLE) and result.report is not None:
        render(result.report, out, result.workbook.name)
        out.print("[bold red]No se publicó nada:[/bold red] corrija los errores y vuelva a ejecutar «publicar».")
        return
    if result.report is not None and result.report.warnings:
        out.print(f"Validación: sin errores, {len(result.report.warnings)} aviso(s) "
                  "(véalos con «pueblaabierto validar»).")
    _datasets_table(out, result)
    for warning in result.warnings:
        out.print(f"[yellow]Aviso:[/yellow] {warning}")
    if result.error:
        out.print(f"[bold red]Falló «{result.failed_step}»:[/bold red] {result.error}")
    _links(session, [result])
    if any(d.status == FAILED for d in result.datasets):
        out.print("[yellow]Lo que falló quedó privado. Corrija la causa y vuelva a ejecutar el mismo comando: "
                  "se completa lo que falta sin duplicar nada.[/yellow]")


def _datasets_table(out: Console, result: SubmissionResult) -> None:
    if not result.datasets:
        return
    table = Table(title=f"Publicación de {result.workbook.name}", title_justify="left", expand=True)
    table.add_column("ID", no_wrap=True)
    table.add_column("Conjunto de datos", ratio=2)
    table.add_column("Estado", no_wrap=True)
    table.add_column("Detalle", ratio=3)
    for dataset in result.datasets:
        details = []
        if dataset.error:
            details.append(f"Falló «{dataset.failed_step}»: {dataset.error}")
        elif dataset.done:
            details.append(f"{len(dataset.done)} paso(s)")
        if dataset.rows:
            details.append(f"{dataset.rows:,} filas al DataStore")
        if dataset.removed and not dataset.deleted:
            details.append("En el portal pero no en el formato (no se borraron; use --eliminar-recursos): "
                           + ", ".join(f"«{n}»" for n in dataset.removed))
        if dataset.deleted:
            details.append("Recursos eliminados: " + ", ".join(f"«{n}»" for n in dataset.deleted))
        if dataset.update_url:
            details.append(f"Los cambios quedaron en una actualización privada que sigue el flujo de validación: "
                           f"{dataset.update_url}")
        if dataset.server_validation is not None:
            details.append(escape(verdict_line(dataset.server_validation)))
        details.extend(dataset.warnings)
        table.add_row(dataset.id_dataset, dataset.title, STATUS_LABELS.get(dataset.status, dataset.status),
                      "\n".join(details))
    out.print(table)


def _links(session: Session, results: list[SubmissionResult]) -> None:
    datasets = [d for r in results for d in r.datasets if d.url and d.status != FAILED]
    if not datasets:
        return
    session.out.print("[bold]Enlaces de publicación:[/bold]")
    for dataset in datasets:
        if not dataset.private:
            note = ""
        elif dataset.workflow_state == "en_revision":
            note = " (privado: en revisión)"
        else:
            note = " (privado hasta que el flujo de validación lo publique)"
        session.out.print(f"  {dataset.title}: {dataset.url}{note}", soft_wrap=True)


def _show_batch(session: Session, folder: Path, results: list[SubmissionResult]) -> None:
    counts = {
        "publicados": sum(r.status == PUBLISHED for r in results),
        "sin_cambios": sum(r.status == "sin_cambios" for r in results),
        "fallidos": sum(r.status in (FAILED, INVALID, UNUSABLE) for r in results),
    }
    if session.as_json:
        _print_json({"carpeta": str(folder), "total": len(results), **counts,
                     "solicitudes": [_batch_entry(r, folder) for r in results]})
        return
    out = session.out
    table = Table(title=f"Lote {folder}", title_justify="left", expand=True)
    table.add_column("Solicitud", ratio=2, overflow="fold")
    table.add_column("Estado", no_wrap=True)
    table.add_column("Conjuntos", no_wrap=True)
    table.add_column("Motivo", ratio=3)
    for result in results:
        reason = "\n".join(filter(None, [result.reason, *result.warnings]))
        table.add_row(_relative(result.workbook, folder), STATUS_LABELS.get(result.status, result.status),
                      str(len(result.datasets)), reason)
    out.print(table)
    out.print(f"Publicados: {counts['publicados']}   Sin cambios: {counts['sin_cambios']}   "
              f"Fallidos: {counts['fallidos']}")
    _links(session, results)


def _batch_entry(result: SubmissionResult, folder: Path) -> dict[str, Any]:
    entry = result.to_dict()
    entry["formato"] = _relative(result.workbook, folder)
    return entry


def _relative(path: Path, folder: Path) -> str:
    try:
        return str(path.relative_to(folder))
    except ValueError:
        return str(path)


def _print_json(data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
