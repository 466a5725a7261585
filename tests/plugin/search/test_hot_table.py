"""Issue 17, item 3: searches without text read ``pueblaabierto_search_hot``, a narrow copy.

The copy is kept by triggers on ``pueblaabierto_search`` (migration a4c7e2b9d615), so it
must equal the index after every kind of write (create, edit, delete, clear, rebuild), and
a search answered from it must give exactly what the full table gives: count, facets,
order, pages, for a visitor and for a sysadmin.
"""

from __future__ import annotations

import ckan.lib.search as ckan_search
import ckan.model as model
import pytest
import sqlalchemy as sa
from ckan.tests.helpers import call_action
from ckanext.pueblaabierto.search import facets
from ckanext.pueblaabierto.search.index import HOT, TABLE

from .conftest import anon_search, search

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "pueblaabierto"),
    pytest.mark.usefixtures("catalog"),
]

FACETS = ["organization", "groups", "tags", "res_format", "license_id", "tema", "frecuencia",
          "res_extras_tipo_visualizacion"]
_COLUMNS = ("package_id, site_id, name, title_sort, metadata_created, metadata_modified, state, capacity, "
            "dataset_type, permission_labels, facet_terms, facet_ids")


def _rows(table: str) -> list[tuple]:
    model.Session.commit()
    return [tuple(r) for r in model.Session.execute(sa.text(f"SELECT {_COLUMNS} FROM {table} ORDER BY package_id"))]


def _assert_copy_equal() -> None:
    assert _rows(HOT) == _rows(TABLE)


def test_the_copy_follows_every_write():
    _assert_copy_equal()
    assert len(_rows(HOT)) > 3
    call_action("package_patch", id="calidad-agua", tags=[{"name": "pozos-profundos"}], private=True)
    _assert_copy_equal()
    call_action("package_delete", id="poblacion-2020")
    _assert_copy_equal()
    ckan_search.clear_all()
    assert _rows(HOT) == []
    ckan_search.rebuild()
    _assert_copy_equal()
    assert len(_rows(HOT)) > 3
    model.Session.execute(sa.text(f"TRUNCATE {TABLE}"))
    assert _rows(HOT) == []


QUERIES = [
    {},
    {"fq": "tags:censo"},
    {"fq": "-dataset_type:harvest res_format:CSV"},
    {"fq": "organization:bienestar", "sort": "title_string asc"},
    {"fq": "metadata_modified:[NOW-10YEARS TO NOW]", "sort": "name desc", "rows": 2, "start": 1},
    {"sort": "metadata_modified asc", "rows": 3, "start": 2},
    {"q": "tags:censo OR res_format:CSV"},
    {"fq": "+state:(active OR draft)", "include_drafts": True},
]


@pytest.mark.parametrize("query", QUERIES)
def test_searches_without_text_read_the_copy_with_the_same_results(query, monkeypatch):
    chosen: list[str] = []
    original = facets.source_table

    def spy(*fragments: str) -> str:
        chosen.append(original(*fragments))
        return chosen[-1]

    monkeypatch.setattr(facets, "source_table", spy)
    params = {"facet.field": FACETS, **query}
    from_copy = (search(**params), anon_search(**params))
    assert chosen and set(chosen) == {HOT}
    monkeypatch.setattr(facets, "source_table", lambda *fragments: TABLE)
    from_table = (search(**params), anon_search(**params))
    for got, expected in zip(from_copy, from_table, strict=True):
        assert got["count"] == expected["count"]
        assert got["search_facets"] == expected["search_facets"]
        assert [d["name"] for d in got["results"]] == [d["name"] for d in expected["results"]]
    assert from_copy[0]["count"] > 0


def test_text_and_other_fields_read_the_full_table(monkeypatch):
    chosen: list[str] = []
    original = facets.source_table
    monkeypatch.setattr(facets, "source_table", lambda *f: chosen.append(original(*f)) or chosen[-1])
    for query in ({"q": "agua", "facet.field": FACETS}, {"fq": "notes:agua"}, {"facet.field": ["author"]}):
        chosen.clear()
        search(**query)
        assert chosen and set(chosen) == {TABLE}, query


PAGE_QUERIES = [
    {},
    {"fq": "-dataset_type:harvest res_format:CSV", "rows": 2, "start": 1},
    {"sort": "metadata_modified desc", "rows": 3},
    {"sort": "metadata_created asc", "rows": 2, "start": 2},
    {"fq": "organization:bienestar", "sort": "title_string desc"},
    {"sort": "name asc", "rows": 2, "start": 1},
    {"q": "agua", "sort": "metadata_modified desc", "fl": "name score"},
    {"q": "poblacion agua", "sort": "name asc", "fl": "name score"},
    {"q": "agua", "fl": "name score"},
]


@pytest.mark.parametrize("query", PAGE_QUERIES)
def test_a_page_cut_by_its_own_scan_equals_one_cut_from_the_kept_matches(query, monkeypatch):
    """Without an order by score, the count and facets come from one aggregate and the page
    from its own ordered scan (the date index at scale); the same answer, score included,
    as when every match is kept and the page cut from them."""
    from ckan.lib.search import query_for

    def run() -> tuple:
        params = {"facet.field": FACETS, "facet.limit": -1, "rows": 10, **query}
        action = search(**{k: v for k, v in params.items() if k != "fl"})
        direct = query_for(model.Package).run(
            {**params, "facet.field": FACETS, "fl": params.get("fl", "name")})
        return action["count"], action["search_facets"], [d["name"] for d in action["results"]], direct["results"]

    own_scan = run()
    monkeypatch.setattr(facets, "_keeps_matches", lambda cold, page: True)
    kept = run()
    assert own_scan == kept
    assert own_scan[0] > 0
