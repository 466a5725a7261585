"""Checks on what the enlace wrote in the FORM.317 sheets (not on the data files).

Every check returns findings pointing to the cell as Excel shows it, with a Spanish
message and a suggestion. Codes are stable: the portal, tests and the examples'
manifest (dataset_forms/ejemplos/rotos/esperado.yaml) rely on them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator
from datetime import date
from typing import TypeVar

from pueblaabierto.findings import Finding, Severity
from pueblaabierto.schemas import vocabularies
from pueblaabierto.schemas.rules import email_problem
from pueblaabierto.validation.suggest import closest_term, shown
from pueblaabierto.workbook import spec
from pueblaabierto.workbook.model import Dataset, Dependencia, DictionaryEntry, Recurso, Row, Submission

R = TypeVar("R", bound=Row)

# The form recommends "no más de 12-15 palabras".
TITLE_MAX_WORDS = 15


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
    findings += identifiers(submission)
    findings += references(submission)
    findings += vocabulary_values(submission)
    findings += emails(submission)
    findings += titles(submission)
    findings += dates(submission, today)
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
                yield at(
                    record,
                    field.key,
                    "celda-requerida",
                    f"Falta «{field.header}» en la pestaña {sheet.name}, fila {record.row}.",
                    f"Llene la celda. {field.definition}",
                )


def _numeric(records: Iterable[Row], key: str, header: str) -> Iterator[Finding]:
    for record in records:
        value = getattr(record, key)
        if value and not value.isdigit():
            yield at(
                record,
                key,
                "id-no-numerico",
                f"«{value}» no es un número válido para «{header}».",
                "Los ID del FORM.317 son números enteros (p. ej. 12), sin letras, puntos ni espacios.",
            )


def identifiers(submission: Submission) -> Iterator[Finding]:
    yield from _numeric(submission.dependencias, "id_dependencia", "ID de Dependencia")
    yield from _numeric(submission.datasets, "id_dataset", "ID de Dataset")
    yield from _numeric(submission.datasets, "id_dependencia", "Id dependencia")
    yield from _numeric(submission.recursos, "id_dataset", "ID de Dataset")
    yield from _numeric(submission.diccionario, "id_dataset", "ID de Dataset")

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
        lambda r: (r.id_dataset, r.nombre and vocabularies.fold(r.nombre)),
        "nombre",
        "recurso-duplicado",
        lambda r, first: f"El recurso «{r.nombre}» ya está en la fila {first.row} del mismo dataset.",
        "Dé a cada recurso un nombre que lo distinga (p. ej. agregue el periodo: «... 2024»).",
    )
    yield from _duplicates(
        submission.diccionario,
        lambda r: (r.id_dataset, r.termino and vocabularies.fold(r.termino)),
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
                f"El dataset {dataset.id_dataset} («{dataset.nombre or 'sin nombre'}») no tiene ningún recurso.",
                "Agregue en la pestaña Recurso al menos un archivo con este ID de Dataset.",
            )
        if spec.DICCIONARIO.key in submission.sheet_names and dataset.id_dataset not in with_terms:
            yield at(
                dataset,
                "id_dataset",
                "dataset-sin-diccionario",
                f"El dataset {dataset.id_dataset} («{dataset.nombre or 'sin nombre'}») no tiene diccionario de datos.",
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


def _choices(text: str, values: set[str]) -> str:
    if not values:
        return text + "."
    listed = ", ".join(sorted(values, key=lambda v: (len(v), v))[:10])
    return f"{text}: {listed}."


def vocabulary_values(submission: Submission) -> Iterator[Finding]:
    vocab = vocabularies.load()
    for record in _records(submission):
        for field in _sheet_spec(record).fields:
            if field.kind is not spec.Kind.VOCABULARY or not field.vocabulary:
                continue
            value = getattr(record, field.key)
            if not value or vocab.get(field.vocabulary, value):
                continue
            allowed = ", ".join(shown(field.vocabulary, t) for t in getattr(vocab, field.vocabulary))
            near = closest_term(field.vocabulary, value)
            hint = f"¿Quiso decir «{shown(field.vocabulary, near)}»? " if near else ""
            yield at(
                record,
                field.key,
                "vocabulario-invalido",
                f"«{value}» no es un valor válido para «{field.header}».",
                f"{hint}Elija un valor de la lista desplegable: {allowed}.",
            )


def emails(submission: Submission) -> Iterator[Finding]:
    for dataset in submission.datasets:
        address = dataset.correo
        if not address:
            continue
        problem = email_problem(address)
        if problem == "invalido":
            yield at(
                dataset,
                "correo",
                "correo-invalido",
                f"«{address}» no es un correo electrónico válido.",
                "Escriba el correo completo, por ejemplo nombre.apellido@pueblacapital.gob.mx, sin espacios.",
            )
        elif problem == "no-institucional":
            yield at(
                dataset,
                "correo",
                "correo-no-institucional",
                f"El correo «{address}» es de un servicio público de correo, no institucional.",
                "El formato pide el correo institucional del funcionario (p. ej. @pueblacapital.gob.mx); "
                "un correo personal se publicaría en el portal y el portal no lo acepta.",
            )


def titles(submission: Submission) -> Iterator[Finding]:
    for dataset in submission.datasets:
        if not dataset.nombre:
            continue
        words = len(dataset.nombre.split())
        if words > TITLE_MAX_WORDS:
            yield at(
                dataset,
                "nombre",
                "titulo-largo",
                f"El Nombre del Dataset tiene {words} palabras; el formato recomienda no más de {TITLE_MAX_WORDS}.",
                "Acórtelo y pase el detalle a la Descripción del dataset.",
                warning=True,
            )
        if dataset.descripcion and vocabularies.fold(dataset.descripcion) == vocabularies.fold(dataset.nombre):
            yield at(
                dataset,
                "descripcion",
                "descripcion-repite-titulo",
                "La Descripción del dataset solo repite su nombre.",
                "Explique qué contiene, de dónde vienen los datos, qué periodo y zona cubren y sus limitaciones.",
                warning=True,
            )


def dates(submission: Submission, today: date) -> Iterator[Finding]:
    for recurso in submission.recursos:
        start, end = recurso.fecha_inicial, recurso.fecha_final
        if start and end and start > end:
            yield at(
                recurso,
                "fecha_final",
                "fechas-invertidas",
                f"La fecha final ({end.isoformat()}) es anterior a la fecha inicial ({start.isoformat()}).",
                "Revise que no estén intercambiadas: la inicial es la del primer dato y la final la del último.",
            )
        for key, value, header in (
            ("fecha_inicial", start, "fecha inicial"),
            ("fecha_final", end, "fecha final o de corte"),
        ):
            if value and value > today:
                yield at(
                    recurso,
                    key,
                    "fecha-futura",
                    f"La {header} ({value.isoformat()}) es posterior a hoy ({today.isoformat()}).",
                    "Escriba la fecha del último dato que contiene el archivo, no una fecha planeada.",
                )
