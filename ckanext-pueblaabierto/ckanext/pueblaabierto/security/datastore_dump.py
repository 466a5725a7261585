"""DataStore CSV and TSV exports never carry spreadsheet formulas (OWASP "CSV Injection").

CKAN 2.11 has no hook into its dump writers: ``/datastore/dump/<id>?format=csv|tsv`` pages
through ``datastore_search`` with ``records_format`` ``csv``/``tsv``, whose records are the
text PostgreSQL's ``COPY ... TO STDOUT csv`` wrote. This chained ``datastore_search``
rewrites those records: a cell of a *text* column (by the DataStore field types) starting
with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets the leading apostrophe of
csv_safe.py; numeric, date and other typed columns (a negative amount) are left untouched.
The same holds for an API call asking for those formats. Pages without any such cell are
returned as PostgreSQL wrote them.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import ckan.plugins.toolkit as tk

from .csv_safe import neutralize

DELIMITERS = {"csv": ",", "tsv": "\t"}
TEXT_TYPES = {"text", "varchar", "character varying", "char", "character", "bpchar", "citext", "name"}


def _suspect(records: str, delimiter: str) -> bool:
    """Cheap first look: could any cell start with a trigger?"""
    pattern = rf'(^|[{re.escape(delimiter)}\n])"?[=+\-@\t\r]'
    return re.search(pattern, records) is not None


def neutralize_records(records: str, fields: list[dict[str, Any]], delimiter: str) -> str:
    """``records`` (COPY csv text) with the text columns' formula cells neutralised."""
    text_columns = [i for i, field in enumerate(fields) if str(field.get("type", "")).lower() in TEXT_TYPES]
    if not records or not text_columns or not _suspect(records, delimiter):
        return records
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    for row in csv.reader(io.StringIO(records, newline=""), delimiter=delimiter):
        for i in text_columns:
            if i < len(row):
                row[i] = neutralize(row[i])
        writer.writerow(row)
    return out.getvalue()


@tk.chained_action
@tk.side_effect_free
def datastore_search(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    result = up_func(context, data_dict)
    delimiter = DELIMITERS.get(str(data_dict.get("records_format") or ""))
    if delimiter and isinstance(result, dict) and isinstance(result.get("records"), str):
        result["records"] = neutralize_records(result["records"], result.get("fields") or [], delimiter)
    return result


def get_actions() -> dict[str, Any]:
    import ckan.plugins as p

    return {"datastore_search": datastore_search} if p.plugin_loaded("datastore") else {}
