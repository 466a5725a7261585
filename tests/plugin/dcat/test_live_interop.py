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
import uuid
from datetime import datetime
from pathlib import Path

import ckanapi
import jsonschema
import pytest
from ckanext.dcat.converters import dcat_to_ckan
from ckanext.dcat.processors import RDFParser
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from tests.live_ckan import wait_for_validation

from . import shacl

HERE = Path(__file__).parent
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
EU = "http://publications.europa.eu/resource/authority/"


def _u(namespace: str, term: str) -> URIRef:
    return URIRef(namespace + term)


@pytest.fixture(scope="module")
def catalog_pages(portal, bare_dataset) -> list[bytes]:
    """Every page of /catalog.ttl (100 datasets each; the session may publish more), bare dataset included."""
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
        assert set(graph.objects(ref, _u(DCT, "language"))) == {URIRef(EU + "language/SPA")}, pkg["name"]
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


@pytest.fixture(scope="module")
def bare_dataset(portal) -> dict:
    """A published dataset with no resources, so no period (periodo_inicio/fin come from them)."""
    admin = ckanapi.RemoteCKAN(portal.url, apikey=portal.token)
    suffix = uuid.uuid4().hex[:6]
    pkg = admin.action.package_create(
        name=f"sin-recursos-{suffix}", title=f"Conjunto sin recursos {suffix}", notes="Aún sin archivos.",
        owner_org=portal.published[0]["owner_org"], id_dataset=str(800000 + int(suffix, 16) % 90000),
        tema="finanzas", frecuencia="anual", responsable_nombre="Laura Pérez Gómez",
        responsable_correo="laura.perez@pueblacapital.gob.mx",
    )
    wait_for_validation(admin, pkg["id"])
    admin.action.workflow_demo_publish(id=pkg["id"])
    pkg = admin.action.package_show(id=pkg["id"])
    assert not pkg["private"] and not pkg["resources"] and not pkg.get("periodo_inicio")
    return pkg


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
    # Every dataset of the catalogue, not only the examples: the bare datasets other modules
    # of the session publish (no resources, no period) must read back as well.
    anonymous = ckanapi.RemoteCKAN(portal.url)
    everything = _published_names(portal)
    assert set(harvested) == everything and len(everything) >= len(portal.published) + 1
    for name in sorted(everything):
        pkg = anonymous.action.package_show(id=name)
        assert _harvested(harvested[name]) == _harvested(pkg), name
        extras = {e["key"]: e["value"] for e in harvested[name].get("extras") or []}
        # The dependencia, for the harvester to map to one of its organizations.
        assert extras["publisher_name"] == pkg["organization"]["title"], name


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


def _published_names(portal) -> set[str]:
    """Every dataset an anonymous visitor finds: the whole published catalogue."""
    found = ckanapi.RemoteCKAN(portal.url).action.package_search(q="*:*", fq="+dataset_type:dataset", rows=1000)
    assert found["count"] == len(found["results"])
    return {pkg["name"] for pkg in found["results"]}


def _data_json_validator() -> jsonschema.Draft202012Validator:
    schema = json.loads((HERE / "data_json.schema.json").read_text("utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def test_data_json_schema_requires_exactly_the_guides_starred_fields():
    # the national guide's field list (docs/interoperabilidad.md, «/data.json»): * = required.
    schema = json.loads((HERE / "data_json.schema.json").read_text("utf-8"))
    assert set(schema["$defs"]["dataset"]["required"]) == {
        "identifier", "title", "description", "modified", "contactPoint", "mbox", "landingPage",
        "accrualPeriodicity"}
    assert set(schema["$defs"]["distribution"]["required"]) == {"title", "downloadURL", "mediaType"}


def test_data_json_has_the_national_fields_of_every_published_dataset(portal, bare_dataset):
    response = portal.get("/data.json")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/json")
    catalog = response.json()
    # Every entry, whatever published it: the examples, the bare dataset with no resources
    # and no period, and whatever other modules of the session published on this CKAN.
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in _data_json_validator().iter_errors(catalog)]
    assert errors == []
    by_id = {d["identifier"]: d for d in catalog["dataset"]}
    by_name = {d["landingPage"].rsplit("/", 1)[1]: d for d in catalog["dataset"]}
    assert set(by_name) == _published_names(portal) and len(by_id) == len(catalog["dataset"])

    bare = by_id[bare_dataset["id"]]
    assert "temporal" not in bare and bare["distribution"] == []
    assert (bare["accrualPeriodicity"], bare["mbox"]) == ("R/P1Y", bare_dataset["responsable_correo"])

    for pkg in portal.published:
        entry = by_id[pkg["id"]]
        assert entry["accrualPeriodicity"] == {"mensual": "R/P1M", "trimestral": "R/P3M", "anual": "R/P1Y",
                                               "semestral": "R/P6M"}.get(pkg["frecuencia"], entry["accrualPeriodicity"])
        assert entry["temporal"] == f"{pkg['periodo_inicio']}/{pkg['periodo_fin']}"
        assert (entry["contactPoint"], entry["mbox"]) == (pkg["responsable_nombre"], pkg["responsable_correo"])
        sizes = {d["downloadURL"]: d.get("byteSize") for d in entry["distribution"]}
        assert sizes == {r["url"]: r.get("size") for r in pkg["resources"]}


@pytest.mark.ckan_config("pueblaabierto.dcat.publisher_email", "datosabiertos@pueblacapital.gob.mx")
@pytest.mark.ckan_config("pueblaabierto.dcat.spatial", "Municipio de Puebla, Puebla, México")
def test_data_json_entries_of_datasets_older_than_form317_are_complete():
    """A dataset loaded before FORM.317 asked for contact, frequency or notes (an API load, a
    harvest) still gets every required field: the dependencia and the portal answer for it."""
    from ckanext.pueblaabierto.interop import national

    old = {"id": "7f1c", "name": "padron-antiguo", "title": "Padrón antiguo", "notes": "  ",
           "metadata_modified": "2019-05-02T10:00:00", "organization": {"title": "Tesorería Municipal"},
           "resources": [{"id": "r1", "url": "https://pueblacapital.gob.mx/padron.csv", "format": "",
                          "mimetype": "text/csv; charset=utf-8", "name": ""},
                         {"id": "r2", "url": "", "name": "Sin enlace"}]}
    entry = national.dataset(old, issued="2019-05-01T00:00:00")
    assert [e.message for e in _data_json_validator().iter_errors({"dataset": [entry]})] == []
    assert (entry["description"], entry["contactPoint"], entry["accrualPeriodicity"]) == (
        "Padrón antiguo", "Tesorería Municipal", "irregular")
    assert entry["mbox"] == "datosabiertos@pueblacapital.gob.mx"  # the portal's publisher
    (resource,) = entry["distribution"]  # the resource with no URL has nothing to download
    assert (resource["title"], resource["mediaType"]) == ("padron.csv", "text/csv")
    assert "license" not in entry and "temporal" not in entry


def test_data_json_schema_can_fail(portal):
    catalog = portal.get("/data.json").json()
    ids = {pkg["id"] for pkg in portal.published}
    example = next(d for d in catalog["dataset"] if d["identifier"] in ids)
    entry = dict(example, accrualPeriodicity="mensualmente", temporal="2024")
    del entry["mbox"]
    errors = list(_data_json_validator().iter_errors({**catalog, "dataset": [entry]}))
    assert len(errors) == 3


# -- Frictionless Data Packages ---------------------------------------------------------------------


# obras_publicas_2024.csv of dataset_forms/ejemplos/obra-publica: each column's type as the
# validator infers it from the file (numbers with decimals, ISO dates, text).
OBRA_PUBLICA_TYPES = {
    "numero_contrato": "string", "obra": "string", "colonia": "string", "latitud": "number",
    "longitud": "number", "monto_contratado_mxn": "number", "fecha_inicio": "date", "fecha_termino": "date",
    "estatus": "string",
}


def test_every_published_dataset_is_a_valid_data_package(portal):
    frictionless = str(Path(sys.executable).parent / "frictionless")
    for pkg in portal.published:
        url = f"{portal.url}/dataset/{pkg['name']}/datapackage.json"
        run = subprocess.run([frictionless, "validate", url, "--json"], capture_output=True, text=True, timeout=600)
        report = json.loads(run.stdout)
        assert run.returncode == 0 and report["valid"], (pkg["name"], run.stdout[-2000:])


def test_table_schema_has_the_validated_types_and_the_dictionary_descriptions(portal):
    pkg = next(p for p in portal.published if any(r["url"].endswith("obras_publicas_2024.csv")
                                                  for r in p["resources"]))
    descriptor = portal.get(f"/dataset/{pkg['name']}/datapackage.json").json()
    (table,) = [r for r in descriptor["resources"] if r["path"].endswith("obras_publicas_2024.csv")]
    fields = table["schema"]["fields"]
    assert {f["name"]: f["type"] for f in fields} == OBRA_PUBLICA_TYPES
    assert [f["name"] for f in fields] == list(OBRA_PUBLICA_TYPES)  # the file's column order
    terms = {row["termino"]: row["descripcion"] for row in pkg["diccionario"]}
    assert {f["name"]: f.get("description") for f in fields} == {name: terms[name] for name in OBRA_PUBLICA_TYPES}


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
