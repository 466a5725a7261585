"""Items 4 and 5: facet counts under filters, sorting, paging and count."""

from __future__ import annotations

import pytest
from ckan.lib.search import SearchQueryError
from ckan.tests import factories
from ckan.tests.helpers import call_action
from ckanext.pueblaabierto.search.facets import portal_facets

from .conftest import names, search

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "pueblaabierto"),
    pytest.mark.usefixtures("catalog"),
]

FACETS = ["organization", "groups", "tags", "res_format", "license_id", "tema", "frecuencia",
          "res_extras_tipo_visualizacion"]


def facets(**kwargs):
    kwargs.setdefault("facet.field", FACETS)
    return search(**kwargs)["facets"]


def test_facet_counts_over_everything_visible():
    f = facets()
    assert f["organization"] == {"bienestar": 2, "tesoreria": 2}
    assert f["groups"] == {"sociedad": 1}
    assert f["res_format"] == {"CSV": 2, "XLSX": 1, "JSON": 1}  # a dataset counts once per value
    assert f["license_id"] == {"cc-by": 2, "odc-by": 1, "notspecified": 1} or f["license_id"]["cc-by"] == 2
    assert f["tema"] == {"demografia": 1, "finanzas": 1, "medio-ambiente": 1}
    assert f["frecuencia"] == {"mensual": 2, "anual": 1}
    assert f["res_extras_tipo_visualizacion"] == {"tabla": 1, "mapa": 1, "grafico": 1}
    assert f["tags"] == {"agua": 1, "censo": 1, "compras": 1, "demografia": 1}


def test_facet_counts_follow_q_and_fq():
    f = facets(fq="organization:bienestar")
    assert f["organization"] == {"bienestar": 2}
    assert f["frecuencia"] == {"anual": 1, "mensual": 1}
    f = facets(q="poblacion", fq="-tags:agua")
    assert f["tema"] == {"demografia": 1}
    assert f["res_format"] == {"CSV": 1, "XLSX": 1}


def test_facets_are_ordered_by_count_then_value():
    f = facets()
    assert list(f["frecuencia"]) == ["mensual", "anual"]
    assert list(f["tags"]) == ["agua", "censo", "compras", "demografia"]


def test_facet_limit_and_mincount():
    assert facets(**{"facet.limit": 1})["frecuencia"] == {"mensual": 2}
    assert facets(**{"facet.mincount": 2})["frecuencia"] == {"mensual": 2}
    assert facets(**{"facet.mincount": 3})["frecuencia"] == {}
    assert len(facets(**{"facet.limit": -1})["tags"]) == 4


def test_search_facets_are_shaped_by_package_search():
    result = search(**{"facet.field": ["organization", "license_id"]})
    items = {i["name"]: i for i in result["search_facets"]["organization"]["items"]}
    assert items["bienestar"]["display_name"] == "Secretaría de Bienestar"
    assert items["bienestar"]["count"] == 2


def test_portal_facet_titles_are_spanish():
    titles = portal_facets()
    assert list(titles) == FACETS
    assert titles["organization"] == "Dependencia"
    assert titles["res_extras_tipo_visualizacion"] == "Tipo de Visualización"


def test_dataset_page_shows_the_spanish_facets(app):
    # No harvest blueprint is loaded here, so a harvest dataset cannot be linked to.
    call_action("dataset_purge", id="cosechado")
    body = app.get("/dataset/").body
    for title in ("Dependencia", "Etiquetas", "Formatos", "Tema", "Frecuencia", "Tipo de Visualización"):
        assert title in body
    assert "medio-ambiente" in body  # a tema facet value
    body = app.get("/dataset/", query_string={"tema": "finanzas"}).body
    assert "licitaciones-publicas" in body
    assert "poblacion-2020" not in body


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("title_string asc", ["calidad-agua", "cosechado", "licitaciones-publicas", "poblacion-2020"]),
        ("title_string desc", ["poblacion-2020", "licitaciones-publicas", "cosechado", "calidad-agua"]),
        ("name asc", ["calidad-agua", "cosechado", "licitaciones-publicas", "poblacion-2020"]),
        ("name desc", ["poblacion-2020", "licitaciones-publicas", "cosechado", "calidad-agua"]),
        ("metadata_created asc", ["poblacion-2020", "licitaciones-publicas", "calidad-agua", "cosechado"]),
        ("metadata_created desc", ["cosechado", "calidad-agua", "licitaciones-publicas", "poblacion-2020"]),
        ("metadata_modified desc", ["cosechado", "calidad-agua", "licitaciones-publicas", "poblacion-2020"]),
        ("score desc, metadata_modified desc", ["cosechado", "calidad-agua", "licitaciones-publicas",
                                                "poblacion-2020"]),
        ("frecuencia asc, name asc", ["poblacion-2020", "calidad-agua", "licitaciones-publicas", "cosechado"]),
    ],
)
def test_sort(sort, expected):
    assert names(search(sort=sort)) == expected


def test_default_sort_is_relevance_then_modified():
    result = search(q="agua")
    assert result["sort"] == "score desc, metadata_modified desc"
    assert names(result)[0] == "calidad-agua"  # title + tag beat a title-only match


@pytest.mark.parametrize("sort", ["title_string sideways", "name asc desc", "na;me asc"])
def test_bad_sort_is_refused(sort):
    with pytest.raises(SearchQueryError):
        search(sort=sort)


def test_paging_and_count():
    everything = names(search(sort="name asc"))
    pages = [names(search(sort="name asc", rows=3, start=start)) for start in (0, 3)]
    assert pages[0] + pages[1] == everything
    result = search(sort="name asc", rows=2, start=1)
    assert result["count"] == 4
    assert names(result) == everything[1:3]
    assert search(rows=0)["count"] == 4
    assert search(rows=0)["results"] == []
    assert search(start=10)["results"] == []


@pytest.mark.ckan_config("ckan.search.rows_max", "3")
def test_rows_max(catalog):
    for _ in range(3):
        factories.Dataset(owner_org=catalog.org_b["id"])
    result = search(rows=50)
    assert result["count"] == 7
    assert len(result["results"]) == 3


def test_fl_returns_the_fields_asked_for():
    result = search(q="name:calidad-agua", fl=["name", "title", "tema", "extras_frecuencia"])
    assert result["results"] == [{"name": "calidad-agua", "title": "Calidad del agua", "tema": "medio-ambiente",
                                  "frecuencia": "mensual"}]


def test_fl_with_name_and_other_fields_returns_the_name():
    """``fl=id,name`` (a common API call): the name came from the document, which a page
    without other document fields does not read, so it was missing."""
    expected = names(search(q="agua"))
    result = search(q="agua", fl="id,name,score")
    assert [row["name"] for row in result["results"]] == expected
    assert all(set(row) == {"id", "name", "score"} for row in result["results"])
