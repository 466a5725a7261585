"""``PackageSearchQuery`` replacement answering CKAN's Solr-style query dicts from
``pueblaabierto_search``.

``package_search`` stays in charge (validation, auth, include_* flags, permission
labels, plugins' before/after_dataset_search, result shaping); ``run`` receives the
same dict Solr would and fills ``results``, ``count`` and ``facets`` the same way.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import ckan.model as model
import sqlalchemy as sa
from ckan.common import config
from ckan.lib.search.common import SearchError, SearchQueryError
from ckan.lib.search.query import VALID_SOLR_PARAMETERS, SearchQuery, solr_literal
from werkzeug.datastructures import MultiDict

from . import facets, parser
from .index import TABLE
from .sql import Translator, UntranslatableQuery

log = logging.getLogger(__name__)

# Columns that can be sorted on directly; any other field sorts on its first value.
_SORT_COLUMNS = {
    "metadata_modified": "metadata_modified",
    "metadata_created": "metadata_created",
    "title_string": "title_sort",
    "name": "name",
    "id": "package_id",
}
_RESULT_COLUMNS = {"validated_data_dict", "data_dict"}


def _fl_list(fl: Any) -> list[str]:
    if not fl:
        return ["name"]
    if isinstance(fl, (list, tuple)):
        fl = " ".join(fl)
    return [f for f in re.split(r"[\s,]+", fl) if f]


def _parse_clause(text: str, what: str) -> parser.Node:
    try:
        return parser.parse(text)
    except parser.QuerySyntaxError as e:
        raise SearchQueryError(f"No se puede interpretar {what} «{text}»: {e}") from e


def _parse_q(q: str) -> parser.Node:
    """``q`` is user input: if it is not valid query syntax, search its words."""
    try:
        return parser.parse(q)
    except parser.QuerySyntaxError:
        words = re.findall(r"\w+", q)
        return parser.And(tuple(parser.Term(None, w) for w in words)) if words else parser.MatchAll()


class PostgresPackageSearchQuery(SearchQuery):
    def __init__(self) -> None:
        super().__init__()
        self.facets: dict[str, dict[str, int]] = {}

    # -- helpers used by CKAN (search-index show / check / rebuild -o) --------------
    def get_all_entity_ids(self, max_results: int = 1000) -> list[str]:
        rows = model.Session.execute(
            sa.text(f"SELECT package_id FROM {TABLE} WHERE site_id = :site AND state = 'active' LIMIT :limit"),
            {"site": config.get("ckan.site_id"), "limit": max_results},
        )
        return [r[0] for r in rows]

    def get_index(self, reference: str) -> dict[str, Any]:
        row = model.Session.execute(
            sa.text(
                f"SELECT doc, validated_data_dict::text, data_dict::text, indexed_at FROM {TABLE} "
                "WHERE site_id = :site AND (package_id = :ref OR name = :ref) LIMIT 1"
            ),
            {"site": config.get("ckan.site_id"), "ref": reference},
        ).first()
        if row is None:
            raise SearchError(f"Dataset not found in the search index: {reference}")
        doc = dict(row[0])
        doc["validated_data_dict"] = row[1]
        doc["data_dict"] = row[2]
        doc["indexed_ts"] = row[3].isoformat() + "Z"
        return doc

    # -- the search -----------------------------------------------------------------
    def run(
        self, query: dict[str, Any], permission_labels: list[str] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        assert isinstance(query, (dict, MultiDict))
        if not set(query.keys()) <= VALID_SOLR_PARAMETERS:
            invalid = [s for s in set(query.keys()) - VALID_SOLR_PARAMETERS]
            raise SearchQueryError(f"Invalid search parameters: {invalid}")

        q = query.get("q")
        if not q or q in ('""', "''"):
            q = "*:*"
        rows = int(query.get("rows", 10))
        start = int(query.get("start", 0) or 0)

        # Same filters CKAN's Solr query adds (see ckan.lib.search.query).
        fq: list[str] = []
        if query.get("fq"):
            fq.append(query["fq"])
        fq.extend(query.get("fq_list") or [])
        fq.append("+site_id:{}".format(solr_literal(config.get("ckan.site_id"))))
        if not any("+state:" in item for item in fq):
            fq.append("+state:active")
        if permission_labels is not None:
            if permission_labels:
                fq.append("+permission_labels:({})".format(" OR ".join(solr_literal(p) for p in permission_labels)))
            else:
                fq.append("-*:*")

        translator = Translator()
        try:
            conditions = [translator.where(_parse_q(q))]
            rank_queries = list(translator.rank_queries)
            for item in fq:
                if item and item.strip():
                    conditions.append(translator.where(_parse_clause(item, "el filtro fq")))
            translator.rank_queries = rank_queries  # filters do not score, as in Solr
            order_by = self._order_by(query.get("sort"), translator)
        except UntranslatableQuery as e:
            raise SearchQueryError(f"No se puede traducir la consulta: {e}") from e

        translator.resolve_tsqueries(lambda sql, values: model.Session.execute(sa.text(sql), values).fetchall())
        where = " AND ".join(conditions)
        params = translator.params
        fl = _fl_list(query.get("fl"))

        facet_fields: list[str] = []
        if str(query.get("facet", "true")).lower() == "true" and query.get("facet.field"):
            facet_fields = list(query["facet.field"])
        self.count, self.facets = facets.count_and_facets(
            where,
            params,
            facet_fields,
            limit=int(query.get("facet.limit", config.get("search.facets.limit"))),
            # Values absent from the matches are unknown here, so mincount 0 acts as 1.
            mincount=int(query.get("facet.mincount", 1)),
        )

        self.results = []
        if rows > 0 and self.count > start:
            rank = "0"
            rank_tsquery = translator.rank_tsquery()
            if rank_tsquery:
                params["_rank"] = rank_tsquery
                rank = "ts_rank(search_vector, CAST(:_rank AS tsquery))"
            # Without text to rank by, "score" sorts nothing (Solr gives every match 1.0).
            order_sql = ", ".join(
                clause.replace("{rank}", rank) for clause in order_by if rank != "0" or "{rank}" not in clause
            )
            self.results = self._fetch(where, params, order_sql, rank, fl, rows, start)
        return {"results": self.results, "count": self.count}

    def _order_by(self, sort: str | None, translator: Translator) -> list[str]:
        if not sort:
            sort = "score desc, metadata_modified desc"
        clauses = []
        for part in sort.split(","):
            bits = part.split()
            if not bits:
                continue
            if len(bits) > 2 or (len(bits) == 2 and bits[1].lower() not in ("asc", "desc")):
                raise SearchQueryError('Invalid "sort" parameter')
            name = bits[0]
            direction = bits[1].upper() if len(bits) == 2 else "ASC"
            if name == "score":
                clauses.append(f"{{rank}} {direction}")  # filled in once the rank is known
                continue
            column = _SORT_COLUMNS.get(name)
            if column is None:
                if not re.fullmatch(r"[A-Za-z_][\w\-.]*", name):
                    raise SearchQueryError('Invalid "sort" parameter')
                column = f"(fields -> {translator.param(name)} ->> 0)"
            # Solr puts documents without the field last in both directions.
            clauses.append(f"{column} {direction} NULLS LAST")
        clauses.append("package_id ASC")  # stable paging
        return clauses

    def _fetch(self, where: str, params: dict[str, Any], order_by: str, rank: str, fl: list[str],
               rows: int, start: int) -> list[Any]:
        wanted = set(fl)
        columns = ["t.package_id", "t.name", "page.rank", "page.position"]
        if wanted - _RESULT_COLUMNS - {"id", "name", "score"}:
            columns.append("t.doc")
        for column in sorted(_RESULT_COLUMNS & wanted):
            columns.append(f"t.{column}::text AS {column}")
        # Order and page on narrow rows; read the big payload for that page only.
        sql = (
            f"SELECT {', '.join(columns)} FROM ("
            f"SELECT package_id, {rank} AS rank, row_number() OVER (ORDER BY {order_by}) AS position "
            f"FROM {TABLE} WHERE {where} ORDER BY {order_by} LIMIT :_rows OFFSET :_start"
            f") AS page JOIN {TABLE} AS t USING (package_id)"
        )
        rows_found = model.Session.execute(sa.text(sql), {**params, "_rows": rows, "_start": start}).mappings()
        page = sorted(rows_found, key=lambda row: row["position"])
        out: list[Any] = []
        for row in page:
            if fl in (["id"], ["name"]):
                out.append(row["package_id"] if fl == ["id"] else row["name"])
                continue
            item: dict[str, Any] = {}
            doc = row.get("doc") or {}
            for name in fl:
                if name in _RESULT_COLUMNS:
                    item[name] = row[name]
                elif name == "*":
                    item.update(doc)
                elif name == "score":
                    item["score"] = float(row["rank"])
                elif name == "id":
                    item["id"] = row["package_id"]
                elif name in doc:
                    item[name] = doc[name]
            extras = {k[len("extras_"):]: item.pop(k) for k in list(item) if k.startswith("extras_")}
            if extras:
                item["extras"] = extras
            out.append(item)
        return out
