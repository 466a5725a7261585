"""Item 2: Spanish, accent-insensitive text search with weighted ranking."""

from __future__ import annotations

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from .conftest import names, search

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "pueblaabierto"),
    pytest.mark.usefixtures("catalog"),
]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("poblacion", {"poblacion-2020", "calidad-agua"}),  # no accent typed, "Población" stored
        ("Población", {"poblacion-2020", "calidad-agua"}),
        ("POBLACIÓN", {"poblacion-2020", "calidad-agua"}),
        ("licitación", {"licitaciones-publicas"}),  # singular with accent finds the plural
        ("licitacion", {"licitaciones-publicas"}),
        ("licitaciones", {"licitaciones-publicas"}),
        ("contrato", {"licitaciones-publicas"}),  # stemming in the description
        ("cloro", {"calidad-agua"}),  # resource description
        ("tesoreria", {"licitaciones-publicas", "cosechado"}),  # organization title, unaccented
        ("agua pozos", {"calidad-agua"}),  # all words required
        ("agua licitaciones", set()),
        ("de", {"poblacion-2020", "licitaciones-publicas", "calidad-agua", "cosechado"}),  # stop word only: everything
        ("nadaquever", set()),
    ],
)
def test_spanish_accent_insensitive_stemmed(q, expected):
    assert set(names(search(q=q))) == expected


def test_prefix_query():
    assert set(names(search(q="pobla*"))) == {"poblacion-2020", "calidad-agua"}
    assert set(names(search(q="licit*"))) == {"licitaciones-publicas"}


def test_phrase_query():
    assert names(search(q='"calidad del agua"')) == ["calidad-agua"]
    assert names(search(q='"agua calidad"')) == []
    assert names(search(q='"censo demografia"')) == []  # two tags are two values, not a phrase


def test_fielded_q():
    assert names(search(q="tags:agua")) == ["calidad-agua"]
    assert set(names(search(q="res_format:CSV"))) == {"poblacion-2020", "licitaciones-publicas"}
    assert names(search(q="name:licitaciones-publicas")) == ["licitaciones-publicas"]
    assert set(names(search(q="title:agua"))) == {"calidad-agua", "cosechado"}
    assert names(search(q="notes:pozos")) == ["calidad-agua"]
    assert names(search(q="tags:censo AND res_format:XLSX")) == ["poblacion-2020"]
    assert set(names(search(q="tags:agua OR tags:compras"))) == {"calidad-agua", "licitaciones-publicas"}


def test_form317_fields_and_data_dictionary_are_searchable(catalog):
    assert names(search(q="SB-003")) == ["calidad-agua"]  # FORM.317 id_dataset as text
    assert names(search(q="id_dataset:SB-003")) == ["calidad-agua"]
    # A data dictionary (list of dicts) only adds text; index a dict carrying one.
    from ckan import model
    from ckan.lib.search import index_for

    pkg = call_action("package_show", id="licitaciones-publicas")
    pkg["diccionario"] = [{"termino": "monto_adjudicado", "descripcion": "Importe con IVA en pesos"}]
    index_for(model.Package).index_package(pkg)
    assert names(search(q="importe iva")) == ["licitaciones-publicas"]
    assert names(search(q="monto_adjudicado")) == ["licitaciones-publicas"]


def test_ranking_follows_field_weights(catalog):
    org = catalog.org_b["id"]
    factories.Dataset(name="r-resource", title="Uno", owner_org=org,
                      resources=[{"url": "http://x", "name": "Alumbrado público"}])
    factories.Dataset(name="r-notes", title="Dos", notes="Sobre el alumbrado", owner_org=org)
    factories.Dataset(name="r-tags", title="Tres", tags=[{"name": "alumbrado"}], owner_org=org)
    factories.Dataset(name="r-title", title="Alumbrado", owner_org=org)
    assert names(search(q="alumbrado")) == ["r-title", "r-tags", "r-notes", "r-resource"]


def test_tema_ranks_with_tags(catalog):
    org = catalog.org_b["id"]
    factories.Dataset(name="t-notes", title="Uno", notes="movilidad", owner_org=org)
    factories.Dataset(name="t-tema", title="Dos", owner_org=org, extras=[{"key": "tema", "value": "movilidad"}])
    assert names(search(q="movilidad")) == ["t-tema", "t-notes"]


def test_results_equal_package_show(catalog):
    for result in search(q="*:*")["results"]:
        shown = call_action("package_show", id=result["id"])
        assert result == shown


def test_use_default_schema_returns_the_unvalidated_dict():
    result = search(q="name:calidad-agua", use_default_schema=True)["results"][0]
    assert result["name"] == "calidad-agua"
    assert "resources" in result



@pytest.mark.parametrize(("q", "source"), [("agua", "agua"), ("pobla*", "pobla:*"), ("cloro", "cloro")])
def test_scores_are_ts_rank_of_both_parses_while_matching_reads_one(q, source):
    """Words whose Spanish and unaccented parses agree are matched with one copy (half the
    text index's work), yet scored with both as before: ts_rank() picks its formula by the
    query's top operator, so dropping the repeat could change scores and order."""
    import ckan.model as model
    import sqlalchemy as sa
    from ckanext.pueblaabierto.search.index import TABLE
    from ckanext.pueblaabierto.search.sql import parsed_tsqueries

    parsed = parsed_tsqueries(lambda sql, values: model.Session.execute(sa.text(sql), values).fetchall(),
                              [source])[source]
    assert " | " not in parsed.match
    assert parsed.rank == f"{parsed.match} | {parsed.match}"
    from ckan.lib.search import query_for

    results = query_for(model.Package).run({"q": q, "fl": "name score", "rows": 10})["results"]
    assert results
    scores = dict(model.Session.execute(sa.text(
        f"SELECT name, ts_rank(search_vector, CAST(:rank AS tsquery)) FROM {TABLE}"), {"rank": parsed.rank}).fetchall())
    for row in results:
        assert row["score"] == pytest.approx(scores[row["name"]], rel=1e-6), row["name"]
