"""``PackageSearchIndex`` replacement that writes to ``pueblaabierto_search``.

Writes go through ``model.Session``, so the index row commits (or rolls back)
together with the dataset change that triggered it.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import ckan.model as model
import sqlalchemy as sa
from ckan.common import config
from ckan.lib.search.common import SearchIndexError
from ckan.lib.search.index import SearchIndex

from . import document

log = logging.getLogger(__name__)

TABLE = "pueblaabierto_search"
# Facet terms numbered once ("field:value" -> id), so facet counts group integers
# (``facet_ids``) instead of text (migration 5d9e3b7a2c18).
TERMS = "pueblaabierto_search_term"
# Narrow copy of the columns searches filter, sort and count on, kept by triggers (migration a4c7e2b9d615).
HOT = "pueblaabierto_search_hot"

# Both vectors: 'spanish' keeps stemming of accented words ("licitación" ~
# "licitaciones"), the unaccented one matches queries typed without accents.
_VECTOR_SQL = " || ".join(
    f"setweight(to_tsvector('spanish', :text_{w}) || to_tsvector('spanish', unaccent(:text_{w})), '{w}')"
    for w in "ABCD"
)

# The single-row and the bulk upsert must write the same row: they share these clauses.
_INSERT_INTO = f"""INSERT INTO {TABLE} (package_id, site_id, name, title_sort, metadata_created,
        metadata_modified, state, capacity, dataset_type, permission_labels, validated_data_dict,
        data_dict, doc, fields, text_fields, facet_terms, facet_ids, search_vector, indexed_at)"""
_ON_CONFLICT_UPDATE = """ON CONFLICT (package_id) DO UPDATE SET
        site_id = EXCLUDED.site_id, name = EXCLUDED.name, title_sort = EXCLUDED.title_sort,
        metadata_created = EXCLUDED.metadata_created,
        metadata_modified = EXCLUDED.metadata_modified, state = EXCLUDED.state,
        capacity = EXCLUDED.capacity, dataset_type = EXCLUDED.dataset_type,
        permission_labels = EXCLUDED.permission_labels, text_fields = EXCLUDED.text_fields,
        validated_data_dict = EXCLUDED.validated_data_dict, data_dict = EXCLUDED.data_dict,
        doc = EXCLUDED.doc, fields = EXCLUDED.fields, facet_terms = EXCLUDED.facet_terms,
        facet_ids = EXCLUDED.facet_ids,
        search_vector = EXCLUDED.search_vector,
        indexed_at = EXCLUDED.indexed_at"""


def _ids_of(terms: str) -> str:
    """SQL for the ``facet_ids`` of a text[] expression of facet terms (all in TERMS, see _ADD_TERMS)."""
    return (f"ARRAY(SELECT d.id FROM unnest({terms}) WITH ORDINALITY AS u(term, i) "
            f"JOIN {TERMS} AS d ON d.term = u.term ORDER BY u.i)")


# Numbers the terms not seen before (only new ones: ON CONFLICT alone would use up a
# number per known term). See _add_terms.
_ADD_TERMS = sa.text(
    f"""
    INSERT INTO {TERMS} (term)
    SELECT DISTINCT u.term FROM unnest(CAST(:terms AS text[])) AS u(term)
    WHERE NOT EXISTS (SELECT 1 FROM {TERMS} AS d WHERE d.term = u.term)
    ORDER BY u.term
    ON CONFLICT (term) DO NOTHING
    """
)


def _add_terms(terms: list[str]) -> None:
    """Number the facet terms not numbered yet, before the upsert that reads their numbers.

    In a transaction of its own, committed at once: a new term inserted by the caller's
    transaction would make every other writer needing it wait until that transaction ends
    (a rebuild's forked indexers hold theirs for the whole run, and would deadlock on each
    other's new tags). Numbering a term that ends up unused (rolled back) costs nothing.
    """
    if terms:
        with model.meta.engine.begin() as connection:
            connection.execute(_ADD_TERMS, {"terms": sorted(set(terms))})


_UPSERT = sa.text(
    f"""
    {_INSERT_INTO}
    VALUES (:package_id, :site_id, :name, :title_sort, :metadata_created, :metadata_modified,
        :state, :capacity, :dataset_type, :permission_labels,
        CAST(:validated_data_dict AS jsonb), CAST(:data_dict AS jsonb), CAST(:doc AS jsonb),
        CAST(:fields AS jsonb), CAST(:text_fields AS jsonb), CAST(:facet_terms AS text[]),
        {_ids_of("CAST(:facet_terms AS text[])")}, {_VECTOR_SQL}, now() at time zone 'utc')
    {_ON_CONFLICT_UPDATE}
    """
)


# Many rows in one statement: one array per column, unnest()ed side by side, so a
# batch costs one round trip and PostgreSQL builds all its text vectors in one go.
# Casts and expressions are those of _UPSERT, so a row is the same either way.
_BULK_COLUMNS = ("package_id", "site_id", "name", "title_sort", "metadata_created", "metadata_modified",
                 "state", "capacity", "dataset_type", "permission_labels", "validated_data_dict",
                 "data_dict", "doc", "fields", "text_fields", "facet_terms", "text_A", "text_B", "text_C", "text_D")
_BULK_UPSERT = sa.text(
    f"""
    {_INSERT_INTO}
    SELECT package_id, site_id, name, title_sort, CAST(metadata_created AS timestamp),
        CAST(metadata_modified AS timestamp), state, capacity, dataset_type,
        ARRAY(SELECT jsonb_array_elements_text(CAST(permission_labels AS jsonb))),
        CAST(validated_data_dict AS jsonb), CAST(data_dict AS jsonb), CAST(doc AS jsonb),
        CAST(fields AS jsonb), CAST(text_fields AS jsonb),
        ARRAY(SELECT jsonb_array_elements_text(CAST(facet_terms AS jsonb))),
        {_ids_of("ARRAY(SELECT jsonb_array_elements_text(CAST(facet_terms AS jsonb)))")},
        {_VECTOR_SQL.replace(":text_", "text_")}, now() at time zone 'utc'
    FROM unnest({", ".join(f"CAST(:{c} AS text[])" for c in _BULK_COLUMNS)})
        AS batch({", ".join(_BULK_COLUMNS)})
    {_ON_CONFLICT_UPDATE}
    """
)


_LOCK_PACKAGE = sa.text("SELECT 1 FROM package WHERE id = :id FOR UPDATE")


def _bulk_params(rows: list[dict[str, Any]]) -> dict[str, list[Any]]:
    params: dict[str, list[Any]] = {column: [] for column in _BULK_COLUMNS}
    for row in rows:
        for column in _BULK_COLUMNS:
            value = row[column]
            if column in ("permission_labels", "facet_terms"):
                value = json.dumps(value)
            params[column].append(value)
    return params


def _row(doc: document.SearchDocument) -> dict[str, Any]:
    row: dict[str, Any] = {
        "package_id": doc.package_id,
        "site_id": config.get("ckan.site_id"),
        "name": doc.name,
        "title_sort": doc.title_sort,
        "metadata_created": doc.metadata_created,
        "metadata_modified": doc.metadata_modified,
        "validated_data_dict": doc.validated_data_dict,
        "data_dict": doc.data_dict,
        "doc": json.dumps(doc.doc, default=str),
        "fields": json.dumps(doc.fields),
        "text_fields": json.dumps(doc.text_fields),
        "state": doc.doc.get("state"),
        "capacity": doc.doc.get("capacity"),
        "dataset_type": doc.doc.get("dataset_type"),
        "permission_labels": list(doc.doc.get("permission_labels") or []),
        "facet_terms": doc.facet_terms,
    }
    for weight in "ABCD":
        row["text_" + weight] = doc.text.get(weight, "")
    return row


class PostgresPackageSearchIndex(SearchIndex):
    """Same public methods as ``ckan.lib.search.index.PackageSearchIndex``."""

    def remove_dict(self, pkg_dict: dict[str, Any]) -> None:
        self.delete_package(pkg_dict)

    def update_dict(self, pkg_dict: dict[str, Any], defer_commit: bool = False) -> None:
        self.index_package(pkg_dict, defer_commit)

    def index_package(self, pkg_dict: dict[str, Any] | None, defer_commit: bool = False) -> None:
        if pkg_dict is None:
            return
        if config.get("ckan.search.remove_deleted_packages") and pkg_dict.get("state") in (None, "deleted"):
            self.delete_package(pkg_dict)
            return
        try:
            row = _row(document.build(pkg_dict))
            # Lock order: the dataset's row before its index row, in every transaction. The web
            # request and the jobs worker (validation, loading) write the same dataset at once;
            # without a common order each held one row and waited for the other (deadlock).
            model.Session.execute(_LOCK_PACKAGE, {"id": row["package_id"]})
            _add_terms(row["facet_terms"])
            model.Session.execute(_UPSERT, row)
        except sa.exc.SQLAlchemyError as e:
            raise SearchIndexError(f"No se pudo indexar el conjunto de datos {pkg_dict.get('id')}: {e}") from e
        log.debug("Updated index for %s", pkg_dict.get("name"))

    def index_packages(self, pkg_dicts: list[dict[str, Any]]) -> None:
        """Index several package_show dicts in one statement (the batched rebuild).

        Same rows as ``index_package`` on each (tests/plugin/search/test_rebuild.py).
        """
        remove_deleted = config.get("ckan.search.remove_deleted_packages")
        rows: dict[str, dict[str, Any]] = {}
        for pkg_dict in pkg_dicts:
            if not pkg_dict:
                continue
            if remove_deleted and pkg_dict.get("state") in (None, "deleted"):
                self.delete_package(pkg_dict)
                rows.pop(pkg_dict.get("id") or "", None)
                continue
            # Keyed by id: one statement cannot upsert a row twice; the last dict wins,
            # as it would one by one.
            rows[pkg_dict["id"]] = _row(document.build(pkg_dict))
        if not rows:
            return
        try:
            _add_terms([term for row in rows.values() for term in row["facet_terms"]])
            model.Session.execute(_BULK_UPSERT, _bulk_params(list(rows.values())))
        except sa.exc.SQLAlchemyError as e:
            raise SearchIndexError(f"No se pudieron indexar {len(rows)} conjuntos de datos: {e}") from e

    def commit(self) -> None:
        # Rows are written in the caller's transaction; nothing is buffered. After a
        # rebuild, fresh statistics let the planner pick good plans at once.
        model.Session.commit()
        model.Session.execute(sa.text(f"ANALYZE {TABLE}, {HOT}"))
        model.Session.commit()

    def delete_package(self, pkg_dict: dict[str, Any]) -> None:
        reference = pkg_dict.get("id")
        model.Session.execute(
            sa.text(f"DELETE FROM {TABLE} WHERE site_id = :site AND (package_id = :ref OR name = :ref)"),
            {"site": config.get("ckan.site_id"), "ref": reference},
        )

    def clear(self) -> None:
        model.Session.execute(sa.text(f"DELETE FROM {TABLE} WHERE site_id = :site"),
                              {"site": config.get("ckan.site_id")})
        model.Session.commit()

    def get_all_entity_ids(self) -> list[str]:  # type: ignore[override]
        rows = model.Session.execute(
            sa.text(f"SELECT package_id FROM {TABLE} WHERE site_id = :site"), {"site": config.get("ckan.site_id")}
        )
        return [r[0] for r in rows]
