"""Load a tabular resource into CKAN's DataStore, typed and documented, in chunks.

Column types come from the validated Table Schema (``pueblaabierto.data.build_table_schema``
when available, otherwise Frictionless' inference on a sample), mapped to PostgreSQL types;
each column carries the data dictionary as DataStore field info (label = término, notes =
descripción), which CKAN shows in the data dictionary of the resource page. Rows are streamed
from the file and sent in chunks, so a million-row CSV never sits in memory. The table is
dropped and recreated: a reload after an interrupted one never leaves duplicated rows.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import datetime
from pathlib import Path
from typing import Any

import ckanapi

from pueblaabierto.publish.client import Portal

CHUNK_ROWS = 2_000
# CKAN inserts a chunk row by row (executemany), so one request at a time leaves the
# database idle between round trips; a few chunks in flight load several times faster.
PARALLEL_CHUNKS = 8
# Bumped when the way a table is loaded changes, so existing tables are reloaded once.
LOADER_VERSION = "2"

# Table Schema type -> DataStore (PostgreSQL) type.
TYPE_MAP = {
    "integer": "int8",
    "number": "numeric",
    "boolean": "bool",
    "date": "date",
    "datetime": "timestamp",
    "time": "time",
    "year": "int4",
    "object": "json",
    "array": "json",
}

Progress = Callable[[int], None]


def table_key(file_sha256: str, terms: dict[str, str]) -> str:
    """What the DataStore table depends on: the file, the dictionary and this loader."""
    payload = json.dumps([file_sha256, sorted(terms.items()), LOADER_VERSION], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def table_schema(path: Path, terms: dict[str, str], formato: str = "") -> list[dict[str, Any]]:
    """The Table Schema field descriptors of ``path``, in column order."""
    try:
        from pueblaabierto.data import build_table_schema  # the validator's own inference

        # The encoding as the validator found it (Frictionless alone may guess a Windows-1252 file wrong).
        encoding = encoding_of(path) if path.suffix.lower() in (".csv", ".txt", ".tsv") else None
        schema = build_table_schema(path, terms, formato=formato, encoding=encoding)
    except ImportError:
        from frictionless import Resource

        resource = Resource(source=path.name, basepath=str(path.parent))
        resource.infer()
        schema = resource.schema
    return list(schema.to_descriptor().get("fields", []))


def datastore_fields(headers: list[str], schema: list[dict[str, Any]], terms: dict[str, str],
                     *, as_text: bool = False) -> list[dict[str, Any]]:
    fields = []
    for name, descriptor in zip(headers, aligned(headers, schema), strict=True):
        kind = "text" if as_text else TYPE_MAP.get(descriptor.get("type", "string"), "text")
        # The validator matched the dictionary to the columns (accent- and case-insensitively).
        info = {"label": descriptor.get("title") or name,
                "notes": descriptor.get("description") or terms.get(name, "")}
        fields.append({"id": name, "type": kind, "info": info})
    return fields


def aligned(headers: list[str], schema: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One descriptor per header: by position when the counts agree, else by name."""
    if len(schema) == len(headers):
        return schema
    by_name = {f.get("name"): f for f in schema}
    return [by_name.get(name, {}) for name in headers]


def encoding_of(path: Path) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes so, else Windows-1252."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def dialect_of(sample: str) -> type[csv.Dialect] | csv.Dialect:
    """The CSV dialect of a file's first characters.

    csv.Sniffer guesses from character frequencies and can miss a ";" file (Excel in Spanish)
    with a blank line; then the delimiter that splits the header into most columns wins.
    """
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    header = sample.splitlines()[0] if sample else ""
    if header.count(dialect.delimiter or ",") == 0:
        best = max(",;\t|", key=header.count)
        if header.count(best):
            class Found(csv.excel):
                delimiter = best

            dialect = Found
    return dialect


def read_rows(path: Path) -> tuple[list[str], Iterator[list[str]]]:
    """Header and an iterator of rows (lists of strings) of a CSV or spreadsheet."""
    if path.suffix.lower() in (".csv", ".txt", ".tsv"):
        stream = path.open("r", encoding=encoding_of(path), newline="")
        sample = stream.read(65536)
        stream.seek(0)
        reader = csv.reader(stream, dialect_of(sample))
        header = next(reader, [])
        return [h.strip() for h in header], _closing(reader, stream)
    import pandas as pd

    frame = pd.read_excel(path, dtype=str, sheet_name=0).fillna("")
    header = [str(c).strip() for c in frame.columns]
    return header, (list(map(str, row)) for row in frame.itertuples(index=False, name=None))


def _closing(reader: Iterator[list[str]], stream: io.TextIOBase) -> Iterator[list[str]]:
    try:
        yield from reader
    finally:
        stream.close()


def converter(descriptor: dict[str, Any], as_text: bool) -> Callable[[str], Any]:
    kind = descriptor.get("type", "string")
    if as_text:
        return lambda v: v if v != "" else None
    if kind == "boolean":
        true_values = set(descriptor.get("trueValues") or ["true", "True", "TRUE", "1"])
        false_values = set(descriptor.get("falseValues") or ["false", "False", "FALSE", "0"])

        def boolean(value: str) -> Any:
            value = value.strip()
            if value in true_values:
                return True
            if value in false_values:
                return False
            return None

        return boolean
    if kind == "number":
        group = descriptor.get("groupChar")
        decimal = descriptor.get("decimalChar", ".")

        def number(value: str) -> Any:
            value = value.strip()
            if not value:
                return None
            if group:
                value = value.replace(group, "")
            return value.replace(decimal, ".") if decimal != "." else value

        return number
    fmt = descriptor.get("format")
    if kind in ("date", "datetime") and fmt and fmt not in ("default", "any"):
        def parsed(value: str) -> Any:
            value = value.strip()
            if not value:
                return None
            moment = datetime.strptime(value, fmt)
            return moment.date().isoformat() if kind == "date" else moment.isoformat()

        return parsed
    if kind == "string":
        return lambda v: v if v != "" else None
    return lambda v: (v.strip() or None)


def load(
    portal: Portal,
    resource_id: str,
    path: Path,
    terms: dict[str, str],
    *,
    progress: Progress | None = None,
    as_text: bool = False,
    formato: str = "",
) -> int:
    """(Re)load ``path`` into the DataStore table of ``resource_id``; return the row count."""
    schema = [] if as_text else table_schema(path, terms, formato)
    header, rows = read_rows(path)
    fields = datastore_fields(header, schema, terms, as_text=as_text)
    converters = [converter(descriptor, as_text) for descriptor in aligned(header, schema)]
    try:
        portal.call("datastore_delete", resource_id=resource_id, force=True)
    except ckanapi.NotFound:
        pass  # no table yet
    portal.call("datastore_create", resource_id=resource_id, fields=fields, force=True)
    width = len(header)

    def chunks() -> Iterator[list[dict[str, Any]]]:
        chunk: list[dict[str, Any]] = []
        for row in rows:
            if not any(cell.strip() for cell in row):
                continue
            row = (row + [""] * width)[:width]
            chunk.append({name: convert(cell) for name, convert, cell in zip(header, converters, row, strict=True)})
            if len(chunk) >= CHUNK_ROWS:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def send(chunk: list[dict[str, Any]]) -> int:
        portal.call("datastore_upsert", resource_id=resource_id, records=chunk, method="insert", force=True)
        return len(chunk)

    total = 0
    with ThreadPoolExecutor(max_workers=PARALLEL_CHUNKS) as pool:
        pending: set[Future[int]] = set()
        for chunk in chunks():
            pending.add(pool.submit(send, chunk))
            if len(pending) >= PARALLEL_CHUNKS * 2:  # bounded: the file is never all in memory
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                total += _collect(finished, progress)
        total += _collect(wait(pending).done, progress)
    return total


def _collect(finished: set[Future[int]], progress: Progress | None) -> int:
    count = 0
    for future in finished:
        sent = future.result()  # re-raises the chunk's error: the load fails as a whole
        count += sent
        if progress:
            progress(sent)
    return count


def count_rows(path: Path) -> int | None:
    """Data rows of a CSV (for the progress bar total); None for spreadsheets."""
    if path.suffix.lower() not in (".csv", ".txt", ".tsv"):
        return None
    with path.open("rb") as stream:
        lines = sum(block.count(b"\n") for block in iter(lambda: stream.read(1 << 20), b""))
    return max(0, lines - 1)
