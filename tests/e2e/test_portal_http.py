"""The portal as people and programs reach it: over HTTP, in Spanish, without Solr."""

from __future__ import annotations

import requests

from tests.live_ckan import wait_for_validation


def test_status_and_public_pages_answer_in_spanish(live_ckan):
    status = requests.get(f"{live_ckan.url}/api/3/action/status_show", timeout=30).json()
    assert status["success"] is True
    assert status["result"]["ckan_version"] == "2.11.6"
    assert "pueblaabierto" in status["result"]["extensions"]

    for path in ("/", "/dataset/", "/organization/"):
        response = requests.get(live_ckan.url + path, timeout=60)
        assert response.status_code == 200, path
        assert 'lang="es"' in response.text, path
    assert "Conjuntos de datos" in requests.get(f"{live_ckan.url}/dataset/", timeout=60).text


def test_developer_creates_and_finds_a_dataset_with_ckanapi(live_ckan):
    api = live_ckan.api()
    org = api.action.organization_create(
        name="tesoreria-e2e", title="Tesorería Municipal", id_dependencia="901",
        description="Administra la hacienda pública municipal.",
    )
    # FORM.317 fields are required since issue 4 (schemas/dataset.yaml).
    dataset = api.action.package_create(
        name="presupuesto-e2e",
        title="Presupuesto de egresos",
        notes="Presupuesto aprobado por capítulo de gasto.",
        owner_org=org["id"],
        id_dataset="1",
        tema="finanzas",
        frecuencia="anual",
        responsable_nombre="Laura Pérez Gómez",
        responsable_correo="laura.perez@pueblacapital.gob.mx",
    )
    # Nothing reaches citizens before the FORM.317 review (issue 7): walk it as the demo does.
    wait_for_validation(api, dataset["id"])
    api.action.workflow_demo_publish(id=dataset["id"])

    anonymous = live_ckan.api(token="")
    # Scoped to this dependencia: the live CKAN is shared by the session's tests.
    found = anonymous.action.package_search(q="presupuesto", fq="organization:tesoreria-e2e")
    assert [d["name"] for d in found["results"]] == ["presupuesto-e2e"]
    assert found["count"] == 1

    page = requests.get(f"{live_ckan.url}/dataset/{dataset['name']}", timeout=60)
    assert page.status_code == 200
    assert "Presupuesto de egresos" in page.text

    # The list is paginated and the session's other tests create many dependencias: search it.
    orgs = requests.get(f"{live_ckan.url}/organization/", params={"q": "Tesorería Municipal"}, timeout=60)
    assert "Tesorería Municipal" in orgs.text


def test_search_page_shows_whole_dependencia_names_and_the_portal_logo(live_ckan):
    api = live_ckan.api()
    org = api.action.organization_create(
        name="desarrollo-urbano-e2e", title="Secretaría de Desarrollo Urbano y Sustentabilidad",
        id_dependencia="902", description="Ordena el territorio municipal.",
    )
    dataset = api.action.package_create(
        name="licencias-construccion-e2e", title="Licencias de construcción", notes="Licencias emitidas.",
        owner_org=org["id"], id_dataset="1", tema="infraestructura-y-servicios-publicos", frecuencia="mensual",
        responsable_nombre="Ana Ruiz Soto", responsable_correo="ana.ruiz@pueblacapital.gob.mx",
    )
    wait_for_validation(api, dataset["id"])
    api.action.workflow_demo_publish(id=dataset["id"])

    page = requests.get(f"{live_ckan.url}/dataset/", timeout=60).text
    # CKAN would cut it to "Secretaría de..." like every other secretaría.
    assert '<span class="item-label">Secretaría de Desarrollo Urbano y Sustentabilidad</span>' in page
    assert 'src="/pueblaabierto/logo.svg"' in page
    logo = requests.get(f"{live_ckan.url}/pueblaabierto/logo.svg", timeout=30)
    assert logo.status_code == 200 and "Puebla" in logo.text


def test_wrong_token_is_refused(live_ckan):
    import ckanapi
    import pytest

    with pytest.raises(ckanapi.NotAuthorized):
        live_ckan.api(token="no-es-un-token").action.organization_create(name="no-debe-existir")


def _developer_examples(page: str) -> tuple[list[str], str]:
    """The page's ``curl`` lines and its Python (ckanapi) program, as a developer copies them."""
    import html
    import re

    blocks = [html.unescape(block) for block in re.findall(r"<pre><code>(.*?)</code></pre>", page, re.S)]
    curls = [line.strip() for block in blocks for line in block.splitlines() if line.strip().startswith("curl ")]
    programs = [re.search(r"<<'FIN'\n(.*?)\nFIN", block, re.S) for block in blocks]
    return curls, next(p.group(1) for p in programs if p)


def test_developers_page_examples_run_against_this_portal(live_ckan):
    """Issue 13, point 7: every ``curl`` example of /desarrolladores, run as written, answers
    (JSON where the endpoint is JSON, Turtle for the DCAT catalogue), and so does the Python one."""
    import json
    import shlex
    import subprocess
    import sys

    from tests.live_ckan import upload_table, wait_for_datastore, wait_for_validation

    api = live_ckan.api()
    org = api.action.organization_create(name="parques-dev-e2e", title="Secretaría de Parques", id_dependencia="951",
                                         description="Parques y jardines municipales.")
    dataset = api.action.package_create(
        name="parques-dev-e2e", title="Parques y jardines", notes="Parques del municipio.", owner_org=org["id"],
        id_dataset="1", tema="finanzas", frecuencia="anual", responsable_nombre="Ana Ruiz Soto",
        responsable_correo="ana.ruiz@pueblacapital.gob.mx",
    )
    text = "folio,nombre\n1,Parque Ecológico\n2,Jardín del Arte\n"
    resource = upload_table(api, dataset["id"], "parques.csv", text.encode("utf-8"), name="Parques")
    wait_for_datastore(api, resource["id"])
    wait_for_validation(api, dataset["id"])
    api.action.workflow_demo_publish(id=dataset["id"])

    page = requests.get(f"{live_ckan.url}/desarrolladores", timeout=60)
    assert page.status_code == 200
    curls, program = _developer_examples(page.text)
    assert len(curls) >= 10, curls
    assert "ID-DEL-RECURSO" not in page.text and "NOMBRE-DEL-CONJUNTO" not in page.text
    for command in curls:
        argv = shlex.split(command)
        assert argv[1].startswith(live_ckan.url), command  # this portal, not a placeholder host
        done = subprocess.run([*argv[:1], "-sS", "--fail", "--max-time", "120", *argv[1:]],
                              capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, (command, done.stderr)
        url = argv[1].split("?")[0]
        if url.endswith(".ttl"):
            assert "dcat:Dataset" in done.stdout or "dcat#Dataset" in done.stdout, command
            continue
        body = json.loads(done.stdout)  # JSON, or the test fails here with the command in the trace
        if "/api/3/action/" in url:
            assert body["success"] is True, command

    ran = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=180)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip(), "el ejemplo de Python no imprimió nada"
