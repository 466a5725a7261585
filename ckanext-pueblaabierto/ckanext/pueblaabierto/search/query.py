"""``PackageSearchQuery`` replacement answering CKAN's Solr-style query dicts from
``pueblaabierto_search``.

``package_search`` stays in charge (validation, auth, include_* flags, permission
labels, plugins' before/after_dataset_search, result shaping); ``run`` receives the
same dict Solr would and fills ``results``, ``count`` and ``facets`` the same way.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import ckan.model as model
import sqlalchemy as sa
from ckan.common import config
from ckan.lib.search.common import SearchError, SearchQueryError
from ckan.lib.search.query import (
    MAGIC_FIELD_RE,
    QUERY_PARSER_RE,
    VALID_SOLR_PARAMETERS,
    SearchQuery,
    _get_local_query_parser,
    solr_literal,
)
from werkzeug.datastructures import MultiDict

from . import dismax, facets, parser
from .index import TABLE
from .sql import Translator, UntranslatableQuery, parsed_tsqueries

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
# Fields of CKAN's Solr schema: sortable even before any dataset has them. Any other
# field is sortable once some indexed dataset has it (Solr would refuse an unknown one).
_SCHEMA_FIELDS = {"num_resources", "num_tags", "license_id", "license", "organization", "author",
                  "author_email", "maintainer", "maintainer_email", "version", "url", "ckan_url",
                  "download_url", "capacity", "state", "site_id", "dataset_type", "entity_type",
                  "res_format", "views_total", "views_recent", "index_id", "owner_org"}
_NUMBER_SQL = "'^-?[0-9]+(\\.[0-9]+)?$'"
_DEF_TYPES = ("dismax", "edismax", "lucene")


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


def _q_error(q: str, reason: str) -> SearchError:
    # SearchError, not SearchQueryError: as with Solr, the API answers 409 and the
    # dataset page shows its "search error" notice instead of a 400 page.
    return SearchError(f"La búsqueda «{q}» no es válida: {reason}. Revise paréntesis y comillas, "
                       "o escriba solo palabras.")


def _check_query_parser(param: str, value: Any) -> None:
    """CKAN's own check (ckan.lib.search.query), with its messages: Solr local parameters
    (``{!...}``) and magic fields (``_query_``) are refused."""
    if not isinstance(value, str):
        return
    value = value.strip()
    if MAGIC_FIELD_RE.search(value):
        raise SearchError(f"Magic fields are not supported in param '{param}'.")
    found = QUERY_PARSER_RE.findall(value)
    if found:
        if len(found) > 1:
            raise SearchError(f"Query parsers are not supported in param '{param}'.")
        if not value.startswith("{!"):
            raise SearchError(f"Local parameters must be defined at the beginning of param '{param}'.")
        if _get_local_query_parser(value) not in config["ckan.search.solr_allowed_query_parsers"]:
            raise SearchError(f"Local parameters are not supported in param '{param}'.")
        # Allowed for Solr by the site's config, but these are Solr's own query parsers.
        raise SearchError(f"Los analizadores de consulta de Solr ({value.split('}')[0]}}}) no están "
                          f"disponibles con la búsqueda en PostgreSQL (parámetro «{param}»).")


def _refuse_local_params(query: Any) -> None:
    for key in query.keys():
        values = query.getlist(key) if isinstance(query, MultiDict) else [query[key]]
        for value in values:
            for item in value if isinstance(value, list) else [value]:
                _check_query_parser(key, item)


def _sum_of(conditions: list[str]) -> str:
    return "(" + " + ".join(f"(CASE WHEN {c} THEN 1 ELSE 0 END)" for c in conditions) + ")"


def _split_order(clause: str) -> tuple[str, str]:
    """``"expr DESC NULLS LAST"`` -> ``("expr", "DESC NULLS LAST")``."""
    match = re.fullmatch(r"(.+?) (ASC|DESC)( NULLS LAST)?", clause, flags=re.DOTALL)
    assert match, clause
    return match.group(1), match.group(2) + (match.group(3) or "")


def _payload_columns(fl: list[str]) -> list[str]:
    """Columns of the index table a page needs besides id, name and rank, for ``fl``."""
    wanted = set(fl)
    columns = ["doc"] if wanted - _RESULT_COLUMNS - {"id", "name", "score"} else []
    return columns + sorted(_RESULT_COLUMNS & wanted)


def _looks_fielded(q: str) -> bool:
    """edismax: ``field:value`` clauses are Lucene syntax; "10:30" in free text is not."""
    return re.search(r"(^|[\s(+\-])[A-Za-z_*][\w.\-]*:", q) is not None


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

        _refuse_local_params(query)
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
        visibility = ["+site_id:{}".format(solr_literal(config.get("ckan.site_id")))]
        if permission_labels is not None:
            if permission_labels:
                labels = "+permission_labels:({})".format(" OR ".join(solr_literal(p) for p in permission_labels))
            else:
                labels = "-*:*"
            fq.append(labels)
            visibility.append(labels)

        translator = Translator()
        q_where, matched_count = self._q_where(q, query, translator)
        conditions = [q_where]
        rank_queries = list(translator.rank_queries)
        try:
            for item in fq:
                if item and item.strip():
                    conditions.append(translator.where(_parse_clause(item, "el filtro fq")))
            translator.rank_queries = rank_queries  # filters do not score, as in Solr
            visible = " AND ".join(translator.where(parser.parse(item)) for item in visibility)
        except UntranslatableQuery as e:
            raise SearchQueryError(f"No se puede traducir la consulta: {e}") from e
        translator.rank_queries = rank_queries
        order_by = self._order_by(query.get("sort"), translator)

        translator.resolve_tsqueries(lambda sql, values: model.Session.execute(sa.text(sql), values).fetchall())
        where = " AND ".join(conditions)
        params = translator.params
        fl = _fl_list(query.get("fl"))

        facet_fields: list[str] = []
        if str(query.get("facet", "true")).lower() == "true" and query.get("facet.field"):
            facet_fields = list(query["facet.field"])
        limit = int(query.get("facet.limit", config.get("search.facets.limit")))
        mincount = int(query.get("facet.mincount", 1))

        page = None
        if rows > 0:
            rank = "0"
            rank_tsquery = translator.rank_tsquery()
            if rank_tsquery:
                params["_rank"] = rank_tsquery
                rank = "ts_rank(search_vector, CAST(:_rank AS tsquery))"
            if matched_count:
                # DisMax: first how many of the words matched, then how well.
                rank = f"({matched_count} + {rank})"
            # Without text to rank by, "score" sorts nothing (Solr gives every match 1.0).
            order_by = [clause.replace("{rank}", rank) for clause in order_by
                        if rank != "0" or "{rank}" not in clause]
            page = facets.Page(rank=rank, order_by=[_split_order(c) for c in order_by],
                               payload=_payload_columns(fl), rows=rows, start=start)
        # One statement (one scan of the matches) for the count, the facets and the page.
        self.count, self.facets, page_rows = facets.count_and_facets(
            where, params, facet_fields, limit=-1 if mincount <= 0 else limit, mincount=mincount, page=page
        )
        if mincount <= 0 and facet_fields:
            self.facets = self._with_zero_counts(self.facets, visible, params, limit)
        self.results = self._shape(page_rows, fl)
        return {"results": self.results, "count": self.count}

    # -- q: DisMax for free text, the Lucene syntax for fielded queries ---------------
    def _q_where(self, q: str, query: dict[str, Any], translator: Translator) -> tuple[str, str | None]:
        """The WHERE fragment for ``q`` and, for DisMax, the SQL counting the matched words."""
        def_type = str(query.get("defType") or "dismax").strip()
        if def_type not in _DEF_TYPES:
            raise _q_error(q, f"defType «{def_type}» no está disponible (use dismax, edismax o lucene)")
        # CKAN's rule: a ":" makes q a fielded (Lucene) query, unless edismax is asked for.
        if def_type != "lucene" and (":" not in q or (def_type == "edismax" and not _looks_fielded(q))):
            return self._dismax_where(q, query, translator)
        try:
            node = parser.parse(q)
        except parser.QuerySyntaxError as e:
            raise _q_error(q, str(e)) from e
        try:
            return translator.where(node), None
        except UntranslatableQuery as e:
            raise _q_error(q, str(e)) from e

    def _dismax_where(self, q: str, query: dict[str, Any], translator: Translator) -> tuple[str, str | None]:
        if dismax.is_only_syntax(q):
            raise _q_error(q, "no contiene palabras que buscar")
        try:
            fields = [name for name, _boost in dismax.parse_qf(str(query.get("qf") or dismax.DEFAULT_QF))]
            clauses = dismax.parse(q)
            spec = str(query.get("mm") or dismax.DEFAULT_MM)
            dismax.min_should_match(1, spec)  # validates the spec even for one word
        except dismax.DismaxError as e:
            raise _q_error(q, str(e)) from e
        if "text" in fields:
            fields = ["text"]  # every field's words are in "text": the others add nothing
        # Words that are only stop words ("de", "la") match everything; as in Solr's
        # analysis they are dropped, so they neither count for mm nor dilute it.
        clauses = self._without_stop_words(clauses, fields)
        if not clauses:
            return "TRUE", None
        translator.rank_joiner = " | "
        required: list[str] = []
        prohibited: list[str] = []
        optional: list[str] = []
        try:
            for clause in clauses:
                positive = clause.occur != "-"
                parts = [translator.where(parser.Term(name, clause.term.value, clause.term.kind), positive)
                         for name in fields]
                sql = parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"
                {"+": required, "-": prohibited, "": optional}[clause.occur].append(sql)
        except UntranslatableQuery as e:
            raise _q_error(q, str(e)) from e
        needed = dismax.min_should_match(len(optional), spec)
        if not required and optional:
            needed = max(needed, 1)  # only optional clauses: at least one must match
        where = list(required) + [f"(NOT {sql})" for sql in prohibited]
        if optional and needed == len(optional):
            where.extend(optional)
        elif optional and needed >= 1:
            where.append("(" + " OR ".join(optional) + ")")  # lets the text index find candidates
            if needed > 1:
                where.append(f"{_sum_of(optional)} >= {needed}")
        # Ranking by matched words only matters when not all of them are required.
        matched = _sum_of(optional) if 1 <= needed < len(optional) else None
        return ("(" + " AND ".join(where) + ")") if where else "TRUE", matched

    def _without_stop_words(self, clauses: list[dismax.Clause], fields: list[str]) -> list[dismax.Clause]:
        if len(clauses) < 2 or fields != ["text"]:
            return clauses
        probe = Translator()
        sources = [probe.tsquery_source(c.term, None) or "" for c in clauses]
        parsed = parsed_tsqueries(lambda sql, values: model.Session.execute(sa.text(sql), values).fetchall(), sources)
        return [c for c, source in zip(clauses, sources, strict=True) if parsed[source].match]

    # -- facets -------------------------------------------------------------------------
    def _with_zero_counts(self, found: dict[str, dict[str, int]], visible: str, params: dict[str, Any],
                          limit: int) -> dict[str, dict[str, int]]:
        """``facet.mincount=0``: every value of the field, 0 for those outside the matches.

        Solr lists every value in its index; here only values of datasets this user could
        see, so a zero count never reveals a private dataset's tags or organization.
        """
        names = list(found)
        rows = model.Session.execute(
            sa.text(f"SELECT DISTINCT f.name, v.value FROM {TABLE} "
                    "CROSS JOIN unnest(CAST(:_zero_fields AS text[])) AS f(name) "
                    "CROSS JOIN LATERAL jsonb_array_elements_text(fields -> f.name) AS v(value) "
                    f"WHERE {visible}"),
            {**params, "_zero_fields": names},
        )
        merged = {name: dict(values) for name, values in found.items()}
        for name, value in rows:
            merged[name].setdefault(value, 0)
        result: dict[str, dict[str, int]] = {}
        for name, values in merged.items():
            ordered = sorted(values.items(), key=lambda item: (-item[1], item[0]))
            result[name] = dict(ordered[:limit] if limit >= 0 else ordered)
        return result

    # -- sort ---------------------------------------------------------------------------
    def _order_by(self, sort: str | None, translator: Translator) -> list[str]:
        if not sort:
            sort = "score desc, metadata_modified desc"
        clauses = []
        for part in sort.split(","):
            bits = part.split()
            if not bits:
                continue
            hint = "indique un campo y la dirección asc o desc, p. ej. «metadata_modified desc»"
            if len(bits) == 1:
                # As CKAN with Solr: "missing sort order" is a SearchError (409 in the API) ...
                raise SearchError(f"Orden no válido «{part.strip()}»: falta la dirección; {hint}.")
            if len(bits) > 2 or bits[1].lower() not in ("asc", "desc"):
                # ... and "can't determine a sort order" a SearchQueryError (400).
                raise SearchQueryError(f"Orden no válido «{part.strip()}»: {hint}.")
            name = bits[0]
            direction = bits[1].upper()
            if name == "score":
                clauses.append(f"{{rank}} {direction}")  # filled in once the rank is known
                continue
            column = _SORT_COLUMNS.get(name)
            if column is not None:
                # Solr puts documents without the field last in both directions.
                clauses.append(f"{column} {direction} NULLS LAST")
                continue
            if not re.fullmatch(r"[A-Za-z_][\w\-.]*", name):
                raise SearchQueryError(f"Orden no válido: «{name}» no es un nombre de campo.")
            if not self._sortable(name):
                raise SearchError(f"Orden no válido: no hay ningún campo «{name}» por el que ordenar.")
            key = translator.param(name)
            value = f"coalesce(fields -> {key} ->> 0, text_fields -> {key} ->> 0)"
            # Numbers as numbers (2 before 10, as Solr's int fields), anything else as text.
            clauses.append(f"(CASE WHEN {value} ~ {_NUMBER_SQL} THEN ({value})::numeric END) {direction} NULLS LAST")
            clauses.append(f"{value} {direction} NULLS LAST")
        clauses.append("package_id ASC")  # stable paging
        return clauses

    def _sortable(self, name: str) -> bool:
        if name in _SCHEMA_FIELDS or name.endswith("_date") or name.startswith(("extras_", "res_extras_", "vocab_")):
            return True
        return bool(model.Session.execute(
            sa.text(f"SELECT EXISTS (SELECT 1 FROM {TABLE} WHERE site_id = :site "
                    "AND (jsonb_exists(fields, :name) OR jsonb_exists(text_fields, :name)))"),
            {"site": config.get("ckan.site_id"), "name": name},
        ).scalar())

    def _shape(self, page: list[dict[str, Any]], fl: list[str]) -> list[Any]:
        """The page's rows as CKAN's Solr query returns them for ``fl``."""
        out: list[Any] = []
        for row in page:
            if fl in (["id"], ["name"]):
                out.append(row["package_id"] if fl == ["id"] else row["name"])
                continue
            item: dict[str, Any] = {}
            doc = json.loads(row["doc"]) if row.get("doc") else {}
            for name in fl:
                if name in _RESULT_COLUMNS:
                    item[name] = row[name]
                elif name == "*":
                    item.update(doc)
                elif name == "score":
                    item["score"] = float(row["rank"])
                elif name == "id":
                    item["id"] = row["package_id"]
                elif name == "name":  # read with every page row; the document is not (see _payload_columns)
                    item["name"] = row["name"]
                elif name in doc:
                    item[name] = doc[name]
            extras = {k[len("extras_"):]: item.pop(k) for k in list(item) if k.startswith("extras_")}
            if extras:
                item["extras"] = extras
            out.append(item)
        return out
