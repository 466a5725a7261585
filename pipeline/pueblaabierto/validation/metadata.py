"""Checks on what the enlace wrote in the FORM.317 sheets (not on the data files).

Every check returns findings pointing to the cell as Excel shows it, with a Spanish
message and a suggestion. Codes are stable: the portal, tests and the examples'
manifest (dataset_forms/ejemplos/rotos/esperado.yaml) rely on them.

The rules of each field are the ones the registry lists for it (``validators`` in
schemas/dataset.yaml and dependencia.yaml), run through the same functions the portal runs
(schemas/rules.py) and worded by the same catalogue (schemas/messages.py): a value
``validar`` accepts is a value ``package_create`` accepts. What only a whole workbook can
tell (IDs repeated between rows, references between sheets) is checked here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator
from datetime import date
from typing import TypeVar

from pueblaabierto.findings import Finding, Severity
from pueblaabierto.schemas import form317, messages, rules, vocabularies
from pueblaabierto.workbook import spec
from pueblaabierto.workbook.model import Dataset, Dependencia, DictionaryEntry, Recurso, Row, Submission

R = TypeVar("R", bound=Row)

# The form recommends "no más de 12-15 palabras" (kept here for callers of the old name).
TITLE_MAX_WORDS = rules.TITLE_MAX_WORDS


_SPEC_OF: dict[type[Row], spec.SheetSpec] = {
    Dependencia: spec.DEPENDENCIA,
    Dataset: spec.DATASET,
    Recurso: spec.RECURSO,
    DictionaryEntry: spec.DICCIONARIO,
}


def check_metadata(submission: Submission, *, today: date | None = None) -> list[Finding]:
    """All checks on the sheets' content, in the order an enlace would fix them."""
    today = today or date.today()
    findings: list[Finding] = []
    findings += required_cells(submission)
    findings += field_rules(submission, today)
    findings += identifiers(submission)
    findings += references(submission)
    findings += titles(submission)
    return findings


def at(record: Row, key: str, code: str, message: str, suggestion: str = "", *, warning: bool = False) -> Finding:
    """A finding at one field's cell of one record."""
    return Finding(
        code=code,
        message=message,
        suggestion=suggestion,
        severity=Severity.WARNING if warning else Severity.ERROR,
        sheet=record.sheet,
        row=record.row,
        column=record.column(key),
    )


def _records(submission: Submission) -> Iterator[Row]:
    yield from submission.dependencias
    yield from submission.datasets
    yield from submission.recursos
    yield from submission.diccionario


def _sheet_spec(record: Row) -> spec.SheetSpec:
    return _SPEC_OF[type(record)]


def required_cells(submission: Submission) -> Iterator[Finding]:
    for record in _records(submission):
        sheet = _sheet_spec(record)
        for field in sheet.fields:
            # A missing column was already reported once by the reader, not on every row.
            if field.required and record.column(field.key) and record.is_blank(field.key):
                yield from _finding(record, field, rules.Problem("celda-requerida"))


def _finding(record: Row, field: spec.FieldSpec, problem: rules.Problem, **context: object) -> Iterator[Finding]:
    message, suggestion = messages.render(problem, field.header, definicion=field.definition, **context)
    yield at(record, field.key, problem.code, message, suggestion, warning=problem.warning)


def field_rules(submission: Submission, today: date) -> Iterator[Finding]:
    """Each field's own rules, as the registry lists them: the portal's verdict on each cell."""
    for record in _records(submission):
        sheet = _sheet_spec(record)
        for field in sheet.fields:
            value = getattr(record, field.key)
            for name in field.rules:
                problem = _run(name, field, value, record, today)
                if problem is not None:
                    context = {}
                    if problem.code == "fechas-invertidas":
                        context["campo_inicio"] = sheet.field("fecha_inicio").header
                    yield from _finding(record, field, problem, **context)
                    break  # one finding per cell: the first rule it breaks, as the portal stops


def _run(name: str, field: spec.FieldSpec, value: object, record: Row, today: date) -> rules.Problem | None:
    if value is None or name == "pa_obligatorio":
        return None  # blank cells: required_cells (it also knows the column may be missing)
    if name in rules.VALUE_RULES:
        return rules.VALUE_RULES[name](value)
    if name == "pa_vocabulario":
        return rules.vocabulary_value(field.vocabulary or "", value)
    if name == "pa_fecha":
        return rules.date_value(value, today)
    if name == "pa_fecha_fin_posterior":
        return rules.end_not_before_start(getattr(record, "fecha_inicio", None), value)
    return None  # rules on the portal's state (uniqueness in the database, licences)


def identifiers(submission: Submission) -> Iterator[Finding]:
    yield from _duplicates(
        submission.dependencias,
        lambda r: r.id_dependencia,
        "id_dependencia",
        "id-duplicado",
        lambda r, first: f"El ID de Dependencia {r.id_dependencia} ya se usó en la fila {first.row}.",
        "Cada dependencia lleva su propio número, asignado por la Coordinación General de Transparencia.",
    )
    yield from _duplicates(
        submission.datasets,
        lambda r: (r.id_dependencia, r.id_dataset),
        "id_dataset",
        "id-duplicado",
        lambda r, first: f"El ID de Dataset {r.id_dataset} ya se usó en la fila {first.row} "
        "para la misma dependencia.",
        "Asigne un número distinto a cada conjunto de datos de la dependencia y corrija los recursos "
        "y el diccionario que lo usan.",
    )
    by_id: dict[str, set[str | None]] = defaultdict(set)
    for dataset in submission.datasets:
        if dataset.id_dataset:
            by_id[dataset.id_dataset].add(dataset.id_dependencia)
    for dataset in submission.datasets:
        if dataset.id_dataset and len(by_id[dataset.id_dataset]) > 1:
            yield at(
                dataset,
                "id_dataset",
                "id-ambiguo",
                f"El ID de Dataset {dataset.id_dataset} se usa en varias dependencias; las pestañas "
                "Recurso y Diccionario de Datos no pueden distinguirlos.",
                "Entregue un formato por dependencia, o use números de dataset distintos.",
                warning=True,
            )
    yield from _duplicates(
        submission.recursos,
        lambda r: (r.id_dataset, r.name and vocabularies.fold(r.name)),
        "name",
        "recurso-duplicado",
        lambda r, first: f"El recurso «{r.name}» ya está en la fila {first.row} del mismo dataset.",
        "Dé a cada recurso un nombre que lo distinga (p. ej. agregue el periodo: «... 2024»).",
    )
    yield from _duplicates(
        submission.diccionario,
        # The same column name in two files of the dataset is two terms when each names its resource.
        lambda r: (r.id_dataset, vocabularies.fold(r.recurso or ""), r.termino and vocabularies.fold(r.termino)),
        "termino",
        "termino-duplicado",
        lambda r, first: f"El término «{r.termino}» ya se describió en la fila {first.row} para el mismo dataset.",
        "Deje una sola descripción por columna.",
        warning=True,
    )


def _duplicates(
    records: Iterable[R],
    key_of: Callable[[R], Hashable],
    field: str,
    code: str,
    message: Callable[[R, R], str],
    suggestion: str,
    *,
    warning: bool = False,
) -> Iterator[Finding]:
    """Every record whose key was already seen; the message names the first one's row."""
    first_seen: dict[Hashable, R] = {}
    for record in records:
        key = key_of(record)
        if key is None or (isinstance(key, tuple) and key[-1] is None):
            continue
        if key in first_seen:
            yield at(record, field, code, message(record, first_seen[key]), suggestion, warning=warning)
        else:
            first_seen[key] = record


def references(submission: Submission) -> Iterator[Finding]:
    dependencias = {d.id_dependencia for d in submission.dependencias if d.id_dependencia}
    datasets = {d.id_dataset for d in submission.datasets if d.id_dataset}
    have_dependencias = spec.DEPENDENCIA.key in submission.sheet_names
    have_datasets = spec.DATASET.key in submission.sheet_names
    if have_dependencias:
        for dataset in submission.datasets:
            if dataset.id_dependencia and dataset.id_dependencia not in dependencias:
                yield at(
                    dataset,
                    "id_dependencia",
                    "dependencia-inexistente",
                    f"El Id dependencia {dataset.id_dependencia} no está en la pestaña Dependencia.",
                    _choices("Use uno de los ID de la pestaña Dependencia", dependencias),
                )
    if have_datasets:
        referring: list[Recurso | DictionaryEntry] = [*submission.recursos, *submission.diccionario]
        for record in referring:
            if record.id_dataset and record.id_dataset not in datasets:
                yield at(
                    record,
                    "id_dataset",
                    "dataset-inexistente",
                    f"El ID de Dataset {record.id_dataset} no está en la pestaña Dataset.",
                    _choices("Use uno de los ID de la pestaña Dataset", datasets)
                    + (" El archivo se revisará cuando el ID sea correcto." if isinstance(record, Recurso) else ""),
                )
    if spec.RECURSO.key in submission.sheet_names:
        yield from _term_resources(submission)
    with_resources = {r.id_dataset for r in submission.recursos}
    with_terms = {e.id_dataset for e in submission.diccionario}
    for dataset in submission.datasets:
        if not dataset.id_dataset:
            continue
        if spec.RECURSO.key in submission.sheet_names and dataset.id_dataset not in with_resources:
            yield at(
                dataset,
                "id_dataset",
                "dataset-sin-recursos",
                f"El dataset {dataset.id_dataset} («{dataset.title or 'sin nombre'}») no tiene ningún recurso.",
                "Agregue en la pestaña Recurso al menos un archivo con este ID de Dataset.",
            )
        if spec.DICCIONARIO.key in submission.sheet_names and dataset.id_dataset not in with_terms:
            yield at(
                dataset,
                "id_dataset",
                "dataset-sin-diccionario",
                f"El dataset {dataset.id_dataset} («{dataset.title or 'sin nombre'}») no tiene diccionario de datos.",
                "Describa cada columna de sus archivos en la pestaña Diccionario de Datos.",
            )
    used = {d.id_dependencia for d in submission.datasets}
    for dependencia in submission.dependencias:
        if have_datasets and dependencia.id_dependencia and dependencia.id_dependencia not in used:
            yield at(
                dependencia,
                "id_dependencia",
                "dependencia-sin-datasets",
                f"La dependencia {dependencia.id_dependencia} no tiene ningún dataset en este formato.",
                "Agregue sus conjuntos de datos en la pestaña Dataset o borre la fila.",
                warning=True,
            )


def _term_resources(submission: Submission) -> Iterator[Finding]:
    """A Diccionario entry's «Recurso» must name a resource of the entry's dataset."""
    for entry in submission.diccionario:
        if not entry.recurso or not entry.id_dataset or submission.resource_of(entry) is not None:
            continue
        own = [r for r in submission.recursos if r.id_dataset == entry.id_dataset]
        if not own:
            continue  # the dataset without resources is reported once (dataset-sin-recursos)
        listed = ", ".join(f"«{r.nombre_archivo or r.name}»" for r in own[:10])
        problem = rules.Problem("recurso-inexistente", {"valor": entry.recurso, "termino": entry.termino or "",
                                                        "lista": listed})
        message, suggestion = messages.render(problem, form317.field(form317.DICTIONARY, "recurso").header)
        # Unlike the portal (which refuses the entry), a workbook's term still applies to every resource.
        yield at(entry, "recurso", problem.code, message,
                 suggestion + " Mientras tanto, el término se revisa en todos los recursos del conjunto.")


def _choices(text: str, values: set[str]) -> str:
    if not values:
        return text + "."
    listed = ", ".join(sorted(values, key=lambda v: (len(v), v))[:10])
    return f"{text}: {listed}."


def titles(submission: Submission) -> Iterator[Finding]:
    for dataset in submission.datasets:
        if not dataset.title:
            continue
        problem = rules.title_length(dataset.title)
        if problem is not None:
            yield from _finding(dataset, spec.DATASET.field("title"), problem)
        if dataset.notes and vocabularies.fold(dataset.notes) == vocabularies.fold(dataset.title):
            yield at(
                dataset,
                "notes",
                "descripcion-repite-titulo",
                "La Descripción del dataset solo repite su nombre.",
                "Explique qué contiene, de dónde vienen los datos, qué periodo y zona cubren y sus limitaciones.",
                warning=True,
            )
