"""The report as an enlace reads it in a terminal (rich)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeRemainingColumn
from rich.table import Table

from pueblaabierto.errors import UnusableInput
from pueblaabierto.findings import Report
from pueblaabierto.progress import ProgressCallback
from pueblaabierto.report.grouping import cell, counted, groups, summary


def render(report: Report, console: Console, title: str) -> None:
    console.print(f"[bold]Revisión del FORM.317:[/bold] {title}")
    for group in groups(report):
        counts = counted(group.errors, group.warnings)
        style = "bold red" if group.kind == "personal" else "bold"
        table = Table(title=f"{group.title} — {counts}", title_style=style, title_justify="left", expand=True)
        table.add_column("Dónde", no_wrap=True)
        table.add_column("", no_wrap=True)
        table.add_column("Qué está mal", ratio=3)
        table.add_column("Cómo corregirlo", ratio=3)
        for finding in group.findings:
            where = finding.location if group.kind == "personal" else cell(finding)
            mark = "[red]Error[/red]" if finding.is_error else "[yellow]Aviso[/yellow]"
            table.add_row(where, mark, finding.message, finding.suggestion)
        console.print(table)
    verdict = "green" if report.valid else "red"
    console.print(f"[bold {verdict}]{summary(report)}[/bold {verdict}]")


def render_unusable(error: UnusableInput, console: Console) -> None:
    console.print(f"[bold red]No se pudo revisar:[/bold red] {error.message}")
    if error.suggestion:
        console.print(error.suggestion)


@contextmanager
def progress_bar(console: Console) -> Iterator[ProgressCallback | None]:
    """A bar per data file while the data checks run; nothing when not on a terminal."""
    if not console.is_terminal:
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def update(label: str, done: int, total: int | None) -> None:
            if label not in tasks:
                tasks[label] = bar.add_task(f"Revisando {label}", total=total)
            bar.update(tasks[label], completed=done, total=total)

        yield update
