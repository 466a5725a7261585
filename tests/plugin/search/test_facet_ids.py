"""Issue 17, item 3: facet counts from integer-numbered terms (``facet_ids``).

Facets are counted from ``facet_ids`` (numbers of ``pueblaabierto_search_term``), so the
numbers must always name exactly the dataset's ``facet_terms``: after indexing, after an
edit that brings a value never seen before, and after migration 5d9e3b7a2c18 fills them
in an index written by the previous version (down and up again, as a portal upgrading).
"""

from __future__ import annotations

from pathlib import Path

import ckan.model as model
import numpy
import pytest
import sqlalchemy as sa
from ckan.tests.helpers import call_action
from ckanext.pueblaabierto.search.index import HOT, TABLE, TERMS

from .conftest import search

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "pueblaabierto"),
    pytest.mark.usefixtures("catalog"),
]

FACETS = ["organization", "groups", "tags", "res_format", "license_id", "tema", "frecuencia",
          "res_extras_tipo_visualizacion"]
_ALEMBIC_INI = (Path(__file__).resolve().parents[3] / "ckanext-pueblaabierto" / "ckanext" / "pueblaabierto"
                / "migration" / "pueblaabierto_search" / "alembic.ini")


def _terms_by_number() -> dict[str, tuple[list[str], list[str]]]:
    """package name -> (facet_terms, the terms facet_ids number), for every indexed row."""
    model.Session.commit()
    rows = model.Session.execute(sa.text(
        f"SELECT name, facet_terms, ARRAY(SELECT d.term FROM unnest(facet_ids) WITH ORDINALITY AS u(id, i) "
        f"LEFT JOIN {TERMS} AS d ON d.id = u.id ORDER BY u.i) FROM {TABLE}"))
    return {name: (list(terms), list(numbered)) for name, terms, numbered in rows}


def _assert_numbers_name_the_terms() -> None:
    rows = _terms_by_number()
    assert rows
    for name, (terms, numbered) in rows.items():
        assert numbered == terms, name


def test_numbers_name_each_datasets_terms():
    _assert_numbers_name_the_terms()
    assert "tags:censo" in _terms_by_number()["poblacion-2020"][0]


def test_packed_numbers_are_the_rows_numbers_in_the_index_and_its_copy():
    """Facets are counted from ``facet_packed`` (migration b8d3f6a1c027): the same numbers."""
    call_action("package_patch", id="calidad-agua", tags=[{"name": "agua"}, {"name": "pozos-profundos"}])
    model.Session.commit()
    for table in (TABLE, HOT):
        rows = model.Session.execute(sa.text(f"SELECT facet_ids, facet_packed FROM {table}")).fetchall()
        assert len(rows) > 3
        for ids, packed in rows:
            assert numpy.frombuffer(packed, dtype=">i4").tolist() == ids


def test_a_term_numbered_beyond_two_bytes_is_counted():
    """Counts decode every byte of a number: a tag numbered 70,000+ counts once, not as another term."""
    model.Session.execute(sa.text(f"ALTER TABLE {TERMS} ALTER COLUMN id RESTART WITH 70013"))
    model.Session.commit()
    call_action("package_patch", id="calidad-agua", tags=[{"name": "agua"}, {"name": "manantiales"}])
    number = model.Session.execute(sa.text(f"SELECT id FROM {TERMS} WHERE term = 'tags:manantiales'")).scalar()
    assert number >= 70013
    facets = search(**{"facet.field": ["tags"], "facet.limit": -1})["facets"]["tags"]
    assert facets["manantiales"] == 1
    assert search(fq="tags:manantiales", **{"facet.field": ["tags"]})["facets"]["tags"] == {
        "agua": 1, "manantiales": 1}


def test_a_new_value_gets_a_number_and_is_counted():
    call_action("package_patch", id="calidad-agua", tags=[{"name": "agua"}, {"name": "pozos-profundos"}])
    _assert_numbers_name_the_terms()
    facets = search(fq="tags:pozos-profundos", **{"facet.field": FACETS})["facets"]
    assert facets["tags"] == {"agua": 1, "pozos-profundos": 1}
    assert facets["organization"] == {"bienestar": 1}


def _migrate(version: str, down: bool = False) -> None:
    original = model.repo._alembic_ini
    model.repo._alembic_ini = str(_ALEMBIC_INI)
    try:
        model.Session.commit()
        model.Session.remove()
        if down:
            model.repo.downgrade_db(version)
        else:
            model.repo.upgrade_db(version)
    finally:
        model.repo._alembic_ini = original


def test_migration_fills_the_numbers_of_an_existing_index():
    before = search(**{"facet.field": FACETS})["facets"]
    _migrate("8c2e5a7d1f93", down=True)
    try:
        columns = {r[0] for r in model.Session.execute(sa.text(
            "SELECT column_name FROM information_schema.columns WHERE table_name = :t"), {"t": TABLE})}
        assert "facet_ids" not in columns and "facet_terms" in columns
    finally:
        _migrate("head")
    _assert_numbers_name_the_terms()
    assert search(**{"facet.field": FACETS})["facets"] == before
    # Rows stay small: documents to TOAST, what every search reads kept in the row.
    options = model.Session.execute(sa.text("SELECT reloptions FROM pg_class WHERE relname = :t"), {"t": TABLE})
    assert "toast_tuple_target=128" in options.scalar()
    storage = dict(model.Session.execute(sa.text(
        "SELECT attname, attstorage FROM pg_attribute WHERE attrelid = CAST(:t AS regclass) AND attnum > 0"),
        {"t": TABLE}).fetchall())
    assert {storage[c] for c in ("package_id", "permission_labels", "search_vector", "facet_ids",
                                 "facet_packed")} == {"m"}
    assert storage["doc"] == "x"
