"""Facet counts over the filtered result set, and the portal's facet titles.

Counts are computed over exactly the rows the search matched (same WHERE,
including visibility and permission labels), so a facet never reveals datasets
the user cannot see. Each dataset counts once per value (values are stored
de-duplicated), like Solr's multi-valued facets.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
import numpy
import sqlalchemy as sa
from sqlalchemy.sql.elements import TextClause

from ..schema.facet_labels import facet_title
from . import document
from .index import HOT, TABLE, TERMS

# Short queries: JIT compilation would cost more than it saves (50+ ms). Sent in
# the same round trip as the first statement of a search.
# Also: pages of the index are read from memory, not disk, so a page found through an
# index costs about what one read in sequence does (random_page_cost 1.1 instead of 4).
# With 4, a word matching 20 % of 100,000 datasets (`q=permisos` + a date range) was read
# by scanning all 30,000 pages of the table (≈ 2× slower than its bitmap of matches).
NO_JIT = "SET LOCAL jit = off; SET LOCAL random_page_cost = 1.1; "
# Room in memory for the matched rows (up to every dataset at 100,000: ≈ 15 MB with their
# facet numbers and sort keys) and, with fields outside FACET_FIELDS, their ``fields``: with
# the default 4 MB a broad search wrote its matches to a temporary file and read them back.
MATCHES_WORK_MEM = "SET LOCAL work_mem = '32MB'; "
# Columns of the index table that HOT (its narrow copy) does not have. A statement that
# names none of them reads HOT: same rows, a fraction of the pages (search_vector alone
# is ≈ 1.5 KB per row). SQL fragments carry values as bind parameters, so a name here is
# a column reference.
_WIDE_COLUMNS = re.compile(r"\b(search_vector|fields|text_fields|doc|validated_data_dict|data_dict|indexed_at)\b")


def source_table(*fragments: str) -> str:
    """The table a statement made of these SQL fragments (WHERE, rank, order) can read."""
    return TABLE if any(_WIDE_COLUMNS.search(fragment) for fragment in fragments) else HOT


@dataclass
class Page:
    """One page of results, read in the same statement as the count and the facets.

    ``order_by``: ``(expression, "ASC"|"DESC ... NULLS LAST")`` on the index table's columns;
    ``payload``: columns of the page's rows besides ``package_id``, ``name``, the rank and
    the position (``doc``, ``validated_data_dict``, ``data_dict``), read as text.
    """

    rank: str
    order_by: list[tuple[str, str]]
    payload: list[str]
    rows: int
    start: int


def count_and_facets(where: str, params: dict[str, Any], facet_fields: list[str], *, limit: int,
                     mincount: int, page: Page | None = None
                     ) -> tuple[int, dict[str, dict[str, int]], list[dict[str, Any]]]:
    """The number of matches, ``{field: {value: count}}`` and the ``page``'s rows, in one scan.

    Facet values are ordered by count desc, then value, like Solr. Page rows are dicts
    with ``package_id``, ``name``, ``rank``, ``position`` and the payload columns.
    """
    if not facet_fields and page is None:
        total = model.Session.execute(
            sa.text(f"{NO_JIT}SELECT count(*) FROM {source_table(where)} WHERE {where}"), params)
        return int(total.scalar() or 0), {}, []
    wanted = list(dict.fromkeys(facet_fields))
    hot = [name for name in wanted if name in document.FACET_FIELDS]
    cold = [name for name in wanted if name not in document.FACET_FIELDS]
    # Every branch returns (kind, name, value, n, packed, package_id, rank, position, *payload):
    # kind 0 the count (and the packed facet numbers), 2 a facet value, 3 a row of the page.
    payload = page.payload if page else []
    tail = ", NULL::text" * (3 + len(payload))  # package_id, rank, position as text, payload
    packed = "NULL::bytea"
    if hot:
        # Fields of FACET_FIELDS are counted from ``facet_packed``: the row's facet numbers
        # as 4-byte integers, concatenated over the matches in one aggregate and counted
        # here (_count_numbers). Grouping them in SQL made a row of every number (≈ 60 ms
        # for a broad search at 100,000 datasets; migration b8d3f6a1c027). Each value counts
        # once per dataset: a row's numbers are de-duplicated.
        packed = "string_agg(facet_packed, CAST('' AS bytea))"
    if page is not None:
        params = {**params, "_rows": page.rows, "_start": page.start}
    if _keeps_matches(cold, page):
        sql = _over_matched_rows(where, packed, tail, bool(hot), cold, page)
    else:
        # An order of columns (q empty, or a sort without score): the count and the facets
        # in one aggregate over the matches, and the page cut by its own scan, which for the
        # date order walks the date index and stops after the page (migration b8d3f6a1c027)
        # instead of keeping and sorting every match. Both read the same snapshot; the rank
        # (the score shown) is computed for the page's rows only.
        branches = [f"SELECT 0, NULL::text, NULL::text, count(*), {packed}{tail} "
                    f"FROM {source_table(where)} WHERE {where}"]
        if page is not None:
            keys = [f"{expression} AS _s{i}" for i, (expression, _d) in enumerate(page.order_by)]
            order_sql = ", ".join(f"_s{i} {direction}" for i, (_e, direction) in enumerate(page.order_by))
            source = source_table(where, *(expression for expression, _d in page.order_by))
            branches.append(_page_branch(
                page, rank=f"({page.rank})::text",
                cut=f"SELECT {', '.join(['package_id', *keys])} FROM {source} WHERE {where} "
                    f"ORDER BY {order_sql} LIMIT :_rows OFFSET :_start",
                order_sql=order_sql))
        sql = sa.text(f"{NO_JIT}{MATCHES_WORK_MEM}" + " UNION ALL ".join(branches))
    rows = model.Session.execute(sql, {**params, "_facet_fields": cold} if cold else params)
    total = 0
    floor = max(mincount, 1)
    grouped: dict[str, list[tuple[str, int]]] = {name: [] for name in wanted}
    page_rows: list[dict[str, Any]] = []
    numbers: dict[int, int] = {}
    for kind, name, value, n, packed_numbers, *rest in rows:
        if kind == 0:
            total = int(n)
            if packed_numbers is not None:
                numbers = _count_numbers(packed_numbers, floor)
        elif kind == 3:
            package_id, rank, position, *values = rest
            page_rows.append({"package_id": package_id, "name": value, "rank": float(rank),
                              "position": int(position), **dict(zip(payload, values, strict=True))})
        elif n >= floor:
            grouped[name].append((value, int(n)))
    for term, n in _terms_of(numbers):
        name, _sep, value = term.partition(document.FACET_SEPARATOR)
        if name in grouped:
            grouped[name].append((value, n))
    result: dict[str, dict[str, int]] = {}
    for name in facet_fields:
        values = grouped[name]
        values.sort(key=lambda item: (-item[1], item[0]))
        if limit >= 0:
            values = values[:limit]
        result[name] = OrderedDict(values)
    page_rows.sort(key=lambda row: row["position"])
    return total, result, page_rows


def _keeps_matches(cold: list[str], page: Page | None) -> bool:
    """Whether the statement keeps the matches (``matched``) for its branches to read.

    Facets from ``fields`` and an order by score need every match's values; the rest is
    answered by one aggregate and a page of its own (see count_and_facets).
    """
    return bool(cold) or (page is not None and any(expression == page.rank for expression, _ in page.order_by))


def _over_matched_rows(where: str, packed: str, tail: str, hot: bool, cold: list[str],
                       page: Page | None) -> TextClause:
    """One statement whose branches read the matches once, kept in ``matched``."""
    columns = ["package_id", "facet_packed"] if hot else ["package_id"]
    branches = [f"SELECT 0, NULL::text, NULL::text, count(*), {packed}{tail} FROM matched"]
    if cold:
        # Any other field: from ``fields``. ``fields || '{}'`` is a detoasted copy, so each
        # ``fields -> name`` below does not fetch it from TOAST again.
        columns.append("fields || CAST('{}' AS jsonb) AS fields")
        branches.append(f"(SELECT 2, f.name, v.value, count(*), NULL::bytea{tail} FROM matched "
                        "CROSS JOIN unnest(CAST(:_facet_fields AS text[])) AS f(name) "
                        "CROSS JOIN LATERAL jsonb_array_elements_text(matched.fields -> f.name) AS v(value) "
                        "GROUP BY f.name, v.value)")
    if page is not None:
        # The page is ordered and cut from the matched rows (no second scan of the table).
        # The rank is computed once per match (an order by score names it again) and turned
        # to text for the page's rows only, in its own type (real), so the score is the one
        # a separate query gave.
        columns.append(f"{page.rank} AS rank")
        order, keys = [], ["package_id", "rank"]
        for i, (expression, direction) in enumerate(page.order_by):
            if expression == page.rank:
                key = "rank"
            elif expression == "package_id":
                key = "package_id"
            else:
                key = f"_s{i}"
                columns.append(f"{expression} AS {key}")
                keys.append(key)
            order.append(f"{key} {direction}")
        order_sql = ", ".join(order)
        branches.append(_page_branch(
            page, rank="p.rank::text",
            cut=f"SELECT {', '.join(keys)} FROM matched ORDER BY {order_sql} LIMIT :_rows OFFSET :_start",
            order_sql=order_sql))
    # Without text, ``fields`` or other wide columns (q empty, filters on facet fields, dates,
    # type, permission labels: the broadest searches) the matches are read from HOT.
    source = source_table(where, *columns)
    return sa.text(
        f"{NO_JIT}{MATCHES_WORK_MEM}"
        f"WITH matched AS MATERIALIZED (SELECT {', '.join(columns)} FROM {source} WHERE {where}) "
        + " UNION ALL ".join(branches)
    )


def _page_branch(page: Page, *, rank: str, cut: str, order_sql: str) -> str:
    """The branch of the page's rows: ``cut`` (SQL) selects its ids and sort keys in order;
    ``rank`` is the score's SQL (text) over them and the index table's row ``t``."""
    selected = ", ".join(f"t.{name}::text" for name in page.payload)
    return (
        f"(SELECT 3, NULL::text, t.name, NULL::bigint, NULL::bytea, p.package_id, {rank}, p.position::text"
        + (", " + selected if selected else "")
        # Numbered after the cut: a window over every match would sort them all; ORDER BY
        # with LIMIT alone keeps only the best rows while reading them (top-N sort). The
        # payload is read for the page's rows only.
        + f" FROM (SELECT *, :_start + row_number() OVER (ORDER BY {order_sql}) AS position "
        f"FROM ({cut}) AS cut) AS p JOIN {TABLE} AS t USING (package_id))"
    )


def _count_numbers(packed: bytes | memoryview, floor: int) -> dict[int, int]:
    """``{term number: datasets}`` for the numbers counted at least ``floor`` times."""
    counts = numpy.bincount(numpy.frombuffer(packed, dtype=">i4"))
    numbers = numpy.flatnonzero(counts >= floor)
    return dict(zip(numbers.tolist(), counts[numbers].tolist(), strict=True))


def _terms_of(numbers: dict[int, int]) -> list[tuple[str, int]]:
    """``(field:value term, count)`` for counted term numbers (one look-up in TERMS)."""
    if not numbers:
        return []
    terms = model.Session.execute(sa.text(f"SELECT id, term FROM {TERMS} WHERE id = ANY(:ids)"),
                                  {"ids": list(numbers)})
    return [(term, numbers[number]) for number, term in terms]


# Facet field -> title, in sidebar order. The FORM.317 fields' titles are their labels in
# the registry (schema/facet_labels.py); ``res_extras_<key>`` is CKAN's name for a resource
# field in the index.
def portal_facets() -> OrderedDict[str, str]:
    return OrderedDict(
        [
            ("organization", tk._("Dependencia")),
            ("groups", tk._("Grupos")),
            ("tags", tk._("Etiquetas")),
            ("res_format", tk._("Formatos")),
            ("license_id", tk._("Licencias")),
            *((facet, tk._(facet_title(facet))) for facet in ("tema", "frecuencia", "res_extras_tipo_visualizacion")),
        ]
    )


def dataset_facets(facets_dict: OrderedDict[str, Any], package_type: str) -> OrderedDict[str, Any]:
    """IFacets.dataset_facets: the portal's sidebar, replacing CKAN's defaults."""
    facets_dict.clear()
    facets_dict.update(portal_facets())
    # No «Grupos» block in the sidebar: the portal has no groups (its pages redirect, portal/pages.py);
    # the search backend still computes the facet when asked (API clients).
    facets_dict.pop("groups", None)
    return facets_dict


def organization_facets(facets_dict: OrderedDict[str, Any], organization_type: str,
                        package_type: str | None) -> OrderedDict[str, Any]:
    facets_dict = dataset_facets(facets_dict, package_type or "dataset")
    facets_dict.pop("organization", None)  # constant within an organization page
    return facets_dict


def group_facets(facets_dict: OrderedDict[str, Any], group_type: str,
                 package_type: str | None) -> OrderedDict[str, Any]:
    return dataset_facets(facets_dict, package_type or "dataset")
