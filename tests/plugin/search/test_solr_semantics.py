"""Issue 16: the differences from CKAN-with-Solr that reached API users, one test each.

Each test states what an API user sees with CKAN and Solr, and checks the PostgreSQL
backend does the same (or refuses plainly, in Spanish, where it cannot).
"""

from __future__ import annotations

import pytest
from ckan.cli.cli import ckan as ckan_cli
from ckan.lib.search import SearchError, SearchQueryError
from ckan.tests import factories
from ckan.tests.helpers import call_action

from .conftest import anon_search, names, search

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "pueblaabierto"),
    pytest.mark.usefixtures("catalog"),
]


def autocomplete(q):
    return [d["name"] for d in call_action("package_autocomplete", q=q)]


def test_autocomplete_matches_inside_title_words(catalog):
    factories.Dataset(name="cuento", title="A Wonderful Story", owner_org=catalog.org_b["id"])
    factories.Dataset(name="luminarias-2024", title="Alumbrado público", owner_org=catalog.org_b["id"])
    assert autocomplete("won") == ["cuento"]
    assert autocomplete("lumbr") == ["luminarias-2024"]
    assert autocomplete("ALUMBR") == ["luminarias-2024"]  # any case, as the n-grams
    assert autocomplete("minari") == ["luminarias-2024"]  # inside the name


class TestDismax:
    def test_three_words_need_only_two_and_full_matches_rank_first(self, catalog):
        # "calidad", "agua", "pozos" all in calidad-agua; cosechado has only "agua".
        factories.Dataset(name="agua-pozos", title="Pozos de agua", owner_org=catalog.org_b["id"])
        result = search(q="calidad agua pozos")
        # mm "2<-1 5<80%": with three words any two will do ...
        assert set(names(result)) == {"calidad-agua", "agua-pozos"}
        # ... and the dataset with all three comes first.
        assert names(result)[0] == "calidad-agua"

    def test_mm_is_honoured(self, catalog):
        factories.Dataset(name="agua-pozos", title="Pozos de agua", owner_org=catalog.org_b["id"])
        assert names(search(q="calidad agua pozos", mm="100%")) == ["calidad-agua"]
        assert set(names(search(q="calidad pozos censo", mm="1"))) == {"calidad-agua", "agua-pozos", "poblacion-2020"}

    def test_stop_words_do_not_count_for_mm(self):
        # "de", "la" and "del" are not searched; "agua" and "censo" are both required.
        assert names(search(q="agua de la censo del")) == []

    def test_qf_restricts_the_fields_searched(self):
        assert names(search(q="pozos")) == ["calidad-agua"]  # notes are in "text"
        assert names(search(q="pozos", qf="title^4 tags^2")) == []
        assert names(search(q="censo", qf="tags")) == ["poblacion-2020"]

    def test_deftype_lucene_requires_every_word(self):
        assert names(search(q="calidad agua censo", defType="lucene")) == []
        assert len(names(search(q="calidad agua censo"))) >= 1

    def test_unknown_deftype_and_bad_mm_are_refused(self):
        with pytest.raises(SearchError, match="defType"):
            search(q="agua", defType="geofilt")
        with pytest.raises(SearchError, match="mm"):
            search(q="agua pozos", mm="casi todas")

    def test_a_tilde_in_free_text_is_text_as_in_dismax(self):
        assert names(search(q="pozos~1")) == ["calidad-agua"]


class TestSort:
    def test_numeric_fields_sort_as_numbers(self, catalog):
        resources = [{"url": f"http://example.com/{i}.csv", "format": "CSV"} for i in range(10)]
        factories.Dataset(name="diez-recursos", title="Diez", owner_org=catalog.org_b["id"], resources=resources)
        ordered = names(search(sort="num_resources desc"))
        assert ordered[:2] == ["diez-recursos", "poblacion-2020"]  # 10 before 2, not "2" > "10"
        assert names(search(sort="num_resources asc"))[-1] == "diez-recursos"

    @pytest.mark.parametrize("sort", ["foo asc", "metadata_modified", "name asc, title_string"])
    def test_unknown_field_or_missing_direction_is_a_search_error(self, sort):
        with pytest.raises(SearchError, match="Orden no válido"):
            search(sort=sort)

    def test_api_answers_409_in_spanish(self, app):
        response = app.get("/api/3/action/package_search", query_string={"sort": "foo asc"}, status=409)
        assert "no hay ningún campo «foo»" in response.json["error"]["message"]

    def test_fields_of_the_index_are_sortable(self):
        assert names(search(sort="tema asc", fq="tema:*"))[0] == "poblacion-2020"  # demografia < finanzas


class TestBrokenQ:
    @pytest.mark.parametrize("q", ["title:(", 'tags:"abc', "(", "title:(agua", "-"])
    def test_broken_syntax_is_a_409_in_spanish(self, app, q):
        response = app.get("/api/3/action/package_search", query_string={"q": q}, status=409)
        message = response.json["error"]["message"]
        assert "no es válida" in message and "Revise paréntesis y comillas" in message

    def test_the_dataset_page_shows_a_search_error_not_a_crash(self, app):
        response = app.get("/dataset/", query_string={"q": "title:("})
        assert response.status_code == 200

    def test_fuzzy_is_refused_plainly(self):
        with pytest.raises(SearchError, match="aproximada"):
            search(q="title:agau~1")

    def test_inner_wildcards_match_indexed_words_as_solr(self):
        assert names(search(q="title:pob*cion")) == ["poblacion-2020"]
        # Patterns meet the indexed words; "población" is indexed without its accent too.
        assert set(names(search(q="text:po*aci?n"))) == {"poblacion-2020", "calidad-agua"}
        assert set(names(search(q="title:licit*"))) == {"licitaciones-publicas"}

    def test_ranges_on_text_are_refused_with_the_reason(self):
        with pytest.raises(SearchError, match="rangos valen para fechas"):
            search(q="title:[a TO b]")


class TestPhraseProximity:
    """``"a b"~N``: Lucene's sloppy phrase, the words' positions spread over at most N."""

    @pytest.fixture
    def reports(self, catalog):
        factories.Dataset(name="agua-uso-potable", title="Agua de uso potable", owner_org=catalog.org_b["id"])
        factories.Dataset(name="potable-agua", title="Potable agua", owner_org=catalog.org_b["id"])
        factories.Dataset(name="agua-lejos", title="Agua del río en la zona norte potable",
                          owner_org=catalog.org_b["id"])

    def test_exact_phrase_without_slop(self, reports):
        assert names(search(q='title:"agua potable"')) == []

    def test_words_within_the_distance_match(self, reports):
        # «agua de uso potable»: potable two positions further than in the phrase (spread 2);
        # «potable agua»: the two words swapped, which Lucene counts as a spread of 2 too.
        assert names(search(q='title:"agua potable"~1')) == []
        assert set(names(search(q='title:"agua potable"~2'))) == {"agua-uso-potable", "potable-agua"}

    def test_far_words_need_a_larger_slop(self, reports):
        # agua (0) ... potable (7): spread 6.
        assert "agua-lejos" not in names(search(q='title:"agua potable"~5'))
        assert "agua-lejos" in names(search(q='title:"agua potable"~6'))

    def test_three_words(self, reports):
        assert names(search(q='title:"agua uso potable"~0')) == []
        assert names(search(q='title:"agua uso potable"~1')) == ["agua-uso-potable"]

    def test_too_wide_is_refused_in_spanish(self, app, reports):
        response = app.get("/api/3/action/package_search",
                           query_string={"q": 'title:"a b c d e f"~20'}, status=409)
        assert "demasiado amplia" in response.json["error"]["message"]


class TestFacetMincountZero:
    def test_values_outside_the_matches_are_listed_with_zero(self):
        facets = search(q="name:calidad-agua", **{"facet.field": ["tags", "res_format"], "facet.mincount": 0})[
            "facets"]
        assert facets["tags"]["agua"] == 1
        assert facets["tags"]["censo"] == 0 and facets["tags"]["compras"] == 0
        assert facets["res_format"] == {"JSON": 1, "CSV": 0, "XLSX": 0}

    def test_zero_counts_never_reveal_private_datasets(self):
        facets = anon_search(q="*:*", **{"facet.field": ["tags"], "facet.mincount": 0})["facets"]
        assert "finanzas" not in facets["tags"]  # only tag of the private dataset
        assert "finanzas" in search(**{"facet.field": ["tags"], "facet.mincount": 0})["facets"]["tags"]


def test_search_index_clear_one_dataset_is_committed(cli, catalog):
    from ckan import model

    result = cli.invoke(ckan_cli, ["search-index", "clear", "calidad-agua"])
    assert result.exit_code == 0, result.output
    model.Session.remove()  # a new transaction: only committed rows are seen
    assert "calidad-agua" not in names(search())
    assert "poblacion-2020" in names(search())


def test_bad_sort_word_stays_a_query_error():
    with pytest.raises(SearchQueryError):
        search(sort="name sideways")
