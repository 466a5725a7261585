"""Item 3: every fq/fq_list form CKAN core, ckanext-dcat and the portal send."""

from __future__ import annotations

import datetime as dt

import pytest
from ckan import model
from ckan.lib.search import SearchError, SearchQueryError

from .conftest import names, search

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "pueblaabierto"),
    pytest.mark.usefixtures("catalog"),
]

PUBLIC_ACTIVE = {"poblacion-2020", "licitaciones-publicas", "calidad-agua", "cosechado"}


def found(**kwargs) -> set[str]:
    return set(names(search(**kwargs)))


@pytest.mark.parametrize(
    ("fq", "expected"),
    [
        ("tags:agua", {"calidad-agua"}),
        ('tags:"agua"', {"calidad-agua"}),
        ("organization:bienestar", {"poblacion-2020", "calidad-agua"}),
        ('organization:"tesoreria"', {"licitaciones-publicas", "cosechado"}),
        ("groups:sociedad", {"poblacion-2020"}),
        ("res_format:CSV", {"poblacion-2020", "licitaciones-publicas"}),
        ('res_format:"XLSX"', {"poblacion-2020"}),
        ("license_id:odc-by", {"licitaciones-publicas"}),
        ("tema:finanzas", {"licitaciones-publicas"}),
        ('frecuencia:"mensual"', {"licitaciones-publicas", "calidad-agua"}),
        ("res_extras_tipo_visualizacion:mapa", {"licitaciones-publicas"}),
        ("id_dataset:SB-001", {"poblacion-2020"}),
        ("dataset_type:dataset", {"poblacion-2020", "licitaciones-publicas", "calidad-agua"}),
        ("-dataset_type:harvest", {"poblacion-2020", "licitaciones-publicas", "calidad-agua"}),
        ("NOT dataset_type:harvest", {"poblacion-2020", "licitaciones-publicas", "calidad-agua"}),
        ("+capacity:public", PUBLIC_ACTIVE),
        ("capacity:private", set()),  # package_search adds +capacity:public without include_private
        ("tags:agua OR tags:compras", {"calidad-agua", "licitaciones-publicas"}),
        ("tags:(agua OR compras)", {"calidad-agua", "licitaciones-publicas"}),
        ('tags:"censo" tags:"demografia"', {"poblacion-2020"}),  # the UI's facet links: AND
        ('tags:"censo" tags:"agua"', set()),
        ("+organization:bienestar +frecuencia:mensual", {"calidad-agua"}),
        ("organization:bienestar AND -tags:agua", {"poblacion-2020"}),
        ("(tema:finanzas OR tema:demografia) -res_format:XLSX", {"licitaciones-publicas"}),
        ("tema:*", {"poblacion-2020", "licitaciones-publicas", "calidad-agua"}),
        ("-tema:*", {"cosechado"}),
        ("tema:fin*", {"licitaciones-publicas"}),
        ("periodo_inicio:[2022-01-01 TO *]", {"licitaciones-publicas"}),
        ("periodo_fin:[* TO 2021-01-01]", {"poblacion-2020"}),
        ("metadata_modified:[NOW-1DAY TO NOW]", PUBLIC_ACTIVE),
        ("metadata_modified:[* TO NOW-1DAY]", set()),
        ("metadata_created:[2000-01-01T00:00:00Z TO *]", PUBLIC_ACTIVE),
        ("*:*", PUBLIC_ACTIVE),
        ("", PUBLIC_ACTIVE),
    ],
)
def test_fq(fq, expected):
    assert found(fq=fq) == expected


def test_owner_org_and_name(catalog):
    assert found(fq=f"owner_org:{catalog.org_a['id']}") == {"poblacion-2020", "calidad-agua"}
    assert found(fq=f'+owner_org:"{catalog.org_b["id"]}"') == {"licitaciones-publicas", "cosechado"}
    assert found(fq="name:calidad-agua") == {"calidad-agua"}
    assert found(fq=f"id:{catalog.agua['id']}") == {"calidad-agua"}


def test_fq_list_clauses_are_all_applied():
    # What ckanext-dcat sends for /catalog.*
    fq_list = ["-dataset_type:harvest", "-dataset_type:showcase", "organization:bienestar"]
    assert found(fq_list=fq_list) == {"poblacion-2020", "calidad-agua"}
    assert found(fq="tags:agua", fq_list=["organization:bienestar"]) == {"calidad-agua"}


def test_modified_since_range_excludes_older(catalog):
    # Make one dataset old, as dcat's modified_since must then leave it out.
    model.Session.execute(
        model.package_table.update()
        .where(model.package_table.c.id == catalog.licitaciones["id"])
        .values(metadata_modified=dt.datetime(2020, 1, 1))
    )
    model.Session.commit()
    model.Session.expire_all()  # CKAN's session keeps ORM objects across commits
    from ckan.lib.search import rebuild

    rebuild(catalog.licitaciones["id"])
    since = "2021-06-01T00:00:00Z"
    assert "licitaciones-publicas" not in found(fq=f"metadata_modified:[{since} TO NOW]")
    assert found(fq=f"metadata_modified:[* TO {since}]") == {"licitaciones-publicas"}
    assert found(fq="metadata_modified:{2020-01-01T00:00:00Z TO NOW]") == PUBLIC_ACTIVE - {"licitaciones-publicas"}


def test_state_filters(catalog):
    assert found(fq="+state:draft") == {"padron-borrador"}
    assert found(fq="+state:(active OR draft)") == PUBLIC_ACTIVE | {"padron-borrador"}


def test_q_and_fq_combine():
    assert found(q="poblacion", fq="organization:bienestar -tags:agua") == {"poblacion-2020"}


@pytest.mark.parametrize(
    "fq",
    [
        'tags:"agua',  # unbalanced quote
        "(tags:agua",
        "metadata_modified:[ayer TO NOW]",
        "metadata_modified:[NOW-1FORTNIGHT TO NOW]",
        "title:[a TO b]",
        "foo:*:bar",
    ],
)
def test_untranslatable_fq_is_a_search_query_error(fq):
    # As with Solr: package_search raises SearchQueryError, which the API turns
    # into a 400 "Search Query Error" and the web UI into "Invalid search query".
    with pytest.raises(SearchQueryError):
        search(fq=fq)


def test_untranslatable_clause_is_named_in_the_error():
    with pytest.raises(SearchQueryError, match="ayer"):
        search(fq="metadata_modified:[ayer TO NOW]")


def test_api_reports_an_untranslatable_fq_as_a_400(app):
    response = app.get("/api/3/action/package_search", query_string={"fq": "metadata_modified:[ayer TO NOW]"},
                       status=400)
    error = response.json["error"]
    assert error["__type"] == "Search Query Error"
    assert "ayer" in error["message"]


def test_q_with_bad_syntax_falls_back_to_words():
    # A citizen's typo must not be an error: q is searched as plain words.
    assert found(q='calidad "agua') == {"calidad-agua"}
    assert found(q="(agua") == {"calidad-agua", "cosechado"}


def test_solr_local_parameters_are_refused():
    with pytest.raises(SearchError):
        search(q="agua", fq="{!geofilt}")
