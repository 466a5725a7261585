"""The portal as other catalogues consume it, over HTTP on a live CKAN (issue 16 items 3-5).

DCAT-AP 3.0.1 checked with the official SHACL shapes; the catalogue read back by
ckanext-dcat's own RDFParser as a harvester does; /catalog.json, /dcat.json; the national
/data.json against a JSON Schema of the guide's fields; Data Packages with ``frictionless
validate``; and none of them showing a dataset that was never published.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import ckanapi
import jsonschema
import pytest
from ckanext.dcat.converters import dcat_to_ckan
from ckanext.dcat.processors import RDFParser
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from . import shacl

HERE = Path(__file__).parent
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
EU = "http://publications.europa.eu/resource/authority/"


def _u(namespace: str, term: str) -> URIRef:
    return URIRef(namespace + term)


@pytest.fixture(scope="module")
def catalog_pages(portal) -> list[bytes]:
    """Every page of /catalog.ttl (100 datasets each; the session may publish more)."""
    pages = []
    for number in range(1, 100):
        response = portal.get("/catalog.ttl", page=str(number))
        assert response.status_code == 200, response.text[:300]
        if number > 1 and b"dcat:Dataset" not in response.content:
            break
        pages.append(response.content)
    return pages


@pytest.fixture(scope="module")
def graph(catalog_pages) -> Graph:
    whole = Graph()
    for page in catalog_pages:
        whole.parse(data=page, format="turtle")
    return whole


def _dataset_ref(portal, pkg) -> URIRef:
    return URIRef(f"{portal.url}/dataset/{pkg['id']}")


# -- DCAT-AP 3.0.1 -------------------------------------------------------------------------


def test_catalogue_has_no_dcat_ap_violations(portal, graph):
    for pkg in portal.published:
        assert (_dataset_ref(portal, pkg), RDF.type, _u(DCAT, "Dataset")) in graph, pkg["name"]
    report = shacl.check(graph)
    assert report.violations == [], report.summary()
    # Only advisory warnings remain: a Mexican publisher is in no EU corporate-body table,
    # and the portal's own tema concept sits beside the EU data-theme.
    assert all("publisher" in w or "#theme" in w for w in report.warnings), report.warnings


def test_the_shapes_do_catch_what_the_issue_found(graph):
    """The check can fail: yesterday's output (text frequency, no catalogue publisher) is refused."""
    broken = Graph()
    for triple in graph:
        broken.add(triple)
    catalog = next(broken.subjects(RDF.type, _u(DCAT, "Catalog")))
    broken.remove((catalog, _u(DCT, "publisher"), None))
    dataset = next(broken.subjects(RDF.type, _u(DCAT, "Dataset")))
    broken.remove((dataset, _u(DCT, "accrualPeriodicity"), None))
    broken.add((dataset, _u(DCT, "accrualPeriodicity"), Literal("R/P1M")))
    violations = "\n".join(shacl.check(broken).violations)
    assert "publisher" in violations and "accrualPeriodicity" in violations


def test_vocabularies_are_eu_iris_and_texts_are_spanish(portal, graph):
    catalog = next(graph.subjects(RDF.type, _u(DCAT, "Catalog")))
    assert graph.value(catalog, _u(DCT, "publisher")) is not None
    assert graph.value(catalog, _u(DCT, "language")) == URIRef(EU + "language/SPA")
    assert graph.value(catalog, _u(DCT, "license")) == URIRef("https://datos.gob.mx/libreusomx")
    for pkg in portal.published:
        ref = _dataset_ref(portal, pkg)
        frequency = graph.value(ref, _u(DCT, "accrualPeriodicity"))
        assert (frequency, SKOS.inScheme, URIRef(EU + "frequency")) in graph, pkg["name"]
        assert graph.value(ref, _u(DCT, "title")).language == "es"
        assert graph.value(ref, _u(DCT, "description")).language == "es"
        themes = set(graph.objects(ref, _u(DCAT, "theme")))
        assert all(graph.value(theme, SKOS.inScheme) is not None for theme in themes)
        assert any(str(t).startswith(EU + "data-theme/") for t in themes), pkg["name"]
        assert graph.value(ref, _u(DCAT, "landingPage")) == URIRef(f"{portal.url}/dataset/{pkg['name']}")
        licence = graph.value(ref, _u(DCT, "license"))
        assert graph.value(licence, _u(DCT, "type")) == URIRef("http://purl.org/adms/licencetype/Attribution")
        for resource in pkg["resources"]:
            distribution = URIRef(f"{portal.url}/dataset/{pkg['id']}/resource/{resource['id']}")
            assert graph.value(distribution, _u(DCAT, "downloadURL")) == URIRef(resource["url"])
            assert str(graph.value(distribution, _u(DCT, "format"))) == EU + "file-type/" + resource["format"]
            media_type = str(graph.value(distribution, _u(DCAT, "mediaType")))
            assert media_type.startswith("https://www.iana.org/assignments/media-types/"), media_type


def _first_publication(portal, pkg) -> datetime:
    text = ckanapi.RemoteCKAN(portal.url, apikey=portal.token).action.workflow_history_csv(id=pkg["id"])
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r["to_state"] == "publicado"]
    return datetime.fromisoformat(rows[0]["created_at"])


def test_issued_is_the_first_publication_in_the_workflow_record(portal, graph):
    for pkg in portal.published:
        issued = datetime.fromisoformat(str(graph.value(_dataset_ref(portal, pkg), _u(DCT, "issued"))))
        assert issued == _first_publication(portal, pkg).replace(microsecond=0), pkg["name"]


# -- A harvester's view: ckanext-dcat's RDFParser with our profiles ------------------------------

# FORM.317 fields a harvester gets back from our DCAT. Left out on purpose: ids and CKAN's own
# bookkeeping (a harvester makes its own), owner_org (it maps publishers to its organizations),
# diccionario (DCAT has no column dictionary: datapackage.json carries it), and the resource's
# tipo_visualizacion and nombre_archivo (how our portal shows the file; no DCAT property).
DATASET_KEYS = ("name", "title", "notes", "license_id", "id_dataset", "tema", "frecuencia", "responsable_nombre",
                "responsable_correo", "periodo_inicio", "periodo_fin")
RESOURCE_KEYS = ("name", "description", "url", "format", "size", "fecha_inicio", "fecha_fin")


def _harvested(pkg: dict) -> dict:
    return {
        **{key: pkg.get(key) or "" for key in DATASET_KEYS},
        "tags": sorted(t["name"] for t in pkg.get("tags") or []),
        "resources": sorted(({k: r.get(k) or "" for k in RESOURCE_KEYS} for r in pkg.get("resources") or []),
                            key=lambda r: r["url"]),
    }


def test_ckanext_dcat_parser_reads_back_what_package_show_says(portal, catalog_pages, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckan.site_url", portal.url)
    harvested = {}
    for page in catalog_pages:
        parser = RDFParser(profiles=["euro_dcat_ap_3", "pueblaabierto_form317"])
        parser.parse(page, _format="turtle")
        harvested.update({d["name"]: d for d in parser.datasets() if d.get("name")})
    for pkg in portal.published:
        assert pkg["name"] in harvested, sorted(harvested)
        assert _harvested(harvested[pkg["name"]]) == _harvested(pkg)
        extras = {e["key"]: e["value"] for e in harvested[pkg["name"]].get("extras") or []}
        # The dependencia, for the harvester to map to one of its organizations.
        assert extras["publisher_name"] == pkg["organization"]["title"]


# -- JSON endpoints ----------------------------------------------------------------------------------


def test_catalog_json_is_the_catalogue_in_json_ld(portal, graph):
    response = portal.get("/catalog.json")
    assert response.status_code == 200, response.text[:300]
    assert response.headers["Content-Type"].startswith("application/ld+json")
    as_json = Graph().parse(data=response.content, format="json-ld")
    datasets = set(as_json.subjects(RDF.type, _u(DCAT, "Dataset")))
    assert datasets == set(graph.subjects(RDF.type, _u(DCAT, "Dataset")))
    name = portal.published[0]["name"]
    one = portal.get(f"/dataset/{name}.json")
    assert one.status_code == 200 and one.headers["Content-Type"].startswith("application/ld+json")
    assert (_dataset_ref(portal, portal.published[0]), RDF.type, _u(DCAT, "Dataset")) in Graph().parse(
        data=one.content, format="json-ld")


@pytest.mark.parametrize(("path", "message"), [
    ("/catalog.foo", "Formato «foo» no disponible. Use .ttl (Turtle)"),
    ("/dataset/{name}.foo", "Formato «foo» no disponible. Use .ttl (Turtle)"),
    ("/catalog.ttl?page=abc", "El parámetro page debe ser un número entero positivo"),
    ("/dcat.json?page=0", "El parámetro page debe ser un número entero positivo"),
    ("/catalog.json?modified_since=ayer", "Fecha no válida en modified_since: «ayer». Use ISO 8601"),
])
def test_bad_parameters_get_a_clear_spanish_409_not_a_500(portal, path, message):
    response = portal.get(path.format(name=portal.published[0]["name"]))
    assert response.status_code == 409
    assert message in response.text and "None - {" not in response.text


def test_dcat_json_is_complete_and_ckanext_dcat_reads_it(portal):
    response = portal.get("/dcat.json")
    assert response.status_code == 200
    entries = {e["identifier"]: e for e in response.json()}
    for pkg in portal.published:
        entry = entries[pkg["id"]]
        assert entry["publisher"]["name"] == pkg["organization"]["title"]
        assert entry["publisher"]["identifier"] and entry["creator"]["name"]
        assert entry["landingPage"] == f"{portal.url}/dataset/{pkg['name']}"
        assert entry["modified"] and entry["issued"] and entry["license"] == pkg["license_url"]
        assert entry["contactPoint"] == {"fn": pkg["responsable_nombre"],
                                         "hasEmail": f"mailto:{pkg['responsable_correo']}"}
        for distribution in entry["distribution"]:
            assert distribution["downloadURL"] and distribution["mediaType"]
        back = dcat_to_ckan(entry)
        assert (back["title"], back["url"]) == (pkg["title"], entry["landingPage"])
        assert sorted(r["url"] for r in back["resources"]) == sorted(r["url"] for r in pkg["resources"])


def test_data_json_has_the_national_fields_of_every_published_dataset(portal):
    response = portal.get("/data.json")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/json")
    catalog = response.json()
    schema = json.loads((HERE / "data_json.schema.json").read_text("utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    # The live portal is shared with the rest of the suite, whose bare test datasets (no
    # resources, so no period) are published too: the FORM.317 examples are the sample judged.
    ids = {pkg["id"] for pkg in portal.published}
    examples = {**catalog, "dataset": [d for d in catalog["dataset"] if d["identifier"] in ids]}
    assert len(examples["dataset"]) == len(ids)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(examples)]
    assert errors == []
    by_id = {d["identifier"]: d for d in examples["dataset"]}
    for pkg in portal.published:
        entry = by_id[pkg["id"]]
        assert entry["accrualPeriodicity"] == {"mensual": "R/P1M", "trimestral": "R/P3M", "anual": "R/P1Y",
                                               "semestral": "R/P6M"}.get(pkg["frecuencia"], entry["accrualPeriodicity"])
        assert entry["temporal"] == f"{pkg['periodo_inicio']}/{pkg['periodo_fin']}"
        assert (entry["contactPoint"], entry["mbox"]) == (pkg["responsable_nombre"], pkg["responsable_correo"])
        sizes = {d["downloadURL"]: d.get("byteSize") for d in entry["distribution"]}
        assert sizes == {r["url"]: r.get("size") for r in pkg["resources"]}


def test_data_json_schema_can_fail(portal):
    catalog = portal.get("/data.json").json()
    schema = json.loads((HERE / "data_json.schema.json").read_text("utf-8"))
    ids = {pkg["id"] for pkg in portal.published}
    example = next(d for d in catalog["dataset"] if d["identifier"] in ids)
    entry = dict(example, accrualPeriodicity="mensualmente")
    del entry["mbox"]
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors({**catalog, "dataset": [entry]}))
    assert len(errors) == 2


# -- Frictionless Data Packages ---------------------------------------------------------------------


def test_every_published_dataset_is_a_valid_data_package(portal):
    frictionless = str(Path(sys.executable).parent / "frictionless")
    typed = described = 0
    for pkg in portal.published:
        url = f"{portal.url}/dataset/{pkg['name']}/datapackage.json"
        descriptor = portal.get(f"/dataset/{pkg['name']}/datapackage.json").json()
        run = subprocess.run([frictionless, "validate", url, "--json"], capture_output=True, text=True, timeout=600)
        report = json.loads(run.stdout)
        assert run.returncode == 0 and report["valid"], (pkg["name"], run.stdout[-2000:])
        terms = {row["termino"]: row["descripcion"] for row in pkg.get("diccionario") or []}
        for resource in descriptor["resources"]:
            for field in resource.get("schema", {}).get("fields", []):
                typed += field["type"] != "string"
                described += field.get("description") == terms.get(field["name"])
    # Types come from validation (numbers, dates), descriptions from the dictionary.
    assert typed >= 5 and described >= 10


# -- Nothing unpublished, whoever asks ----------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "sysadmin"])
def test_no_export_shows_an_unpublished_dataset(portal, who):
    token = portal.token if who == "sysadmin" else None
    draft = portal.draft
    for path in ("/data.json", "/dcat.json", "/catalog.json", "/catalog.ttl", "/catalog.jsonld"):
        response = portal.get(path, token=token)
        assert response.status_code == 200, path
        for secret in (draft["id"], draft["name"], draft["title"], draft["resources"][0]["id"]):
            assert secret not in response.text, (path, secret)
    assert portal.get(f"/dataset/{draft['name']}/datapackage.json", token=token).status_code == 404
    assert portal.get(f"/dataset/{draft['id']}/datapackage.json", token=token).status_code == 404
    assert portal.get("/dataset/no-existe/datapackage.json", token=token).status_code == 404
