"""«Actualización» over HTTP on a real CKAN (live_ckan, with its jobs worker): the pre-filled FORM.317.

What the people involved notice: the enlace downloads the FORM.317 of the dependencia and of a
dataset (an .xlsx with the portal's values) from the pages' button; nobody else can (403, or 404
for what they cannot even see); delivering it back unchanged with the same files writes nothing;
a changed value and file become an update reviewed in the workflow, while citizens keep the
approved version; once published, the old resource links and download URLs answer with the new file.
"""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import ckanapi
import openpyxl
import pytest
import requests
from pueblaabierto.workbook.prefill import logo_file_name

from tests.live_ckan import wait_for_datastore
from tests.pipeline.publish.conftest import Form, Resource, cli, csv_bytes  # noqa: F401  (cli: fixture)

PASSWORD = "Contrasena-e2e-1"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BUTTON = "Descargar FORM.317 para actualizar"


def _user(admin, name: str) -> str:
    admin.action.user_create(name=name, email=f"{name}@pueblacapital.gob.mx", password=PASSWORD, fullname=name)
    return admin.action.api_token_create(user=name, name="e2e")["token"]


def _get(url: str, token: str | None = None) -> requests.Response:
    headers = {"Authorization": token} if token else {}
    return requests.get(url, headers=headers, timeout=60, allow_redirects=False)


def _deliver(live_ckan, folder: Path, workbook: bytes, pkgs: list[dict], org: dict, token: str) -> Path:
    """What an enlace delivers again: the downloaded FORM.317, the logo and the published files."""
    folder.mkdir(parents=True)
    (folder / "FORM.317.xlsx").write_bytes(workbook)
    logo = _get(org["image_display_url"])
    assert logo.status_code == 200
    (folder / logo_file_name(org["image_url"])).write_bytes(logo.content)
    for pkg in pkgs:
        for resource in pkg["resources"]:
            if resource.get("derivado_de"):
                continue
            download = _get(resource["url"], token)
            assert download.status_code == 200
            (folder / resource["nombre_archivo"]).write_bytes(download.content)
    return folder / "FORM.317.xlsx"


@pytest.fixture
def setting(live_ckan, tmp_path, cli):  # noqa: F811 - the fixture imported above
    """A dependencia with one published dataset (loaded by ``publicar``) and its liaisons."""
    admin = live_ckan.api()
    suffix = uuid.uuid4().hex[:6]
    form = Form(tmp_path / "entrega", resources=[Resource("mercados.csv", "Mercados 2024", csv_bytes(3))])
    form.write()
    first = cli("publicar", str(form.path), "--json")
    assert first.code == 0, first.output
    pkg = admin.action.package_show(id=first.data["datasets"][0]["nombre"])
    # publicar uploads the file; the server validates it and loads its table (what citizens query).
    wait_for_datastore(admin, pkg["resources"][0]["id"])
    admin.action.workflow_demo_publish(id=pkg["id"])
    org = admin.action.organization_show(id=pkg["owner_org"])
    other = admin.action.organization_create(
        name=f"otra-{suffix}", title=f"Otra dependencia {suffix}",
        id_dependencia=str(900000 + int(suffix, 16) % 90000), description="Otra.",
    )
    tokens = {key: _user(admin, f"{key}{suffix}") for key in ("dato", "segu", "tran", "tecn", "otro")}
    admin.action.workflow_role_assign(user=f"dato{suffix}", role="enlace_datos_abiertos", organization=org["name"])
    admin.action.workflow_role_assign(user=f"segu{suffix}", role="enlace_seguridad", organization=org["name"])
    admin.action.workflow_role_assign(user=f"tran{suffix}", role="enlace_transparencia")
    admin.action.workflow_role_assign(user=f"tecn{suffix}", role="enlace_tecnico")
    admin.action.workflow_role_assign(user=f"otro{suffix}", role="enlace_datos_abiertos", organization=other["name"])
    return {"form": form, "pkg": admin.action.package_show(id=pkg["id"]), "org": org, "tokens": tokens,
            "suffix": suffix}


def test_only_the_enlaces_download_the_prefilled_form(live_ckan, setting):
    pkg, org, tokens = setting["pkg"], setting["org"], setting["tokens"]
    datos = live_ckan.api(token=tokens["dato"])
    draft = datos.action.package_create(
        name=f"borrador-{setting['suffix']}", title="Borrador sin publicar", notes="Aún privado.",
        owner_org=org["id"], id_dataset="2", tema="economia-y-empleo", frecuencia="anual",
        responsable_nombre="Laura Pérez Gómez", responsable_correo="laura.perez@pueblacapital.gob.mx",
    )
    assert draft["private"] is True
    dataset_url = f"{live_ckan.url}/dataset/{pkg['name']}/formato-317.xlsx"
    draft_url = f"{live_ckan.url}/dataset/{draft['name']}/formato-317.xlsx"
    org_url = f"{live_ckan.url}/organization/{org['name']}/formato-317.xlsx"

    for who in ("dato", "segu", "tran"):
        response = _get(dataset_url, tokens[who])
        assert response.status_code == 200, (who, response.text[:300])
        assert response.headers["Content-Type"].startswith(XLSX)
        assert "attachment" in response.headers["Content-Disposition"]
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        assert book["Dataset"]["B2"].value == pkg["title"]
        assert book["Recurso"]["C2"].value == "Mercados 2024"
    enlace = _get(org_url, tokens["dato"])
    assert enlace.status_code == 200
    titles = [row[1] for row in openpyxl.load_workbook(io.BytesIO(enlace.content))["Dataset"].iter_rows(
        min_row=2, values_only=True) if row[1]]
    assert titles == [pkg["title"], "Borrador sin publicar"]  # the enlace's own draft too, by ID de Dataset
    assert _get(draft_url, tokens["dato"]).status_code == 200
    assert _get(f"{live_ckan.url}/dataset/{pkg['name']}/formato-317.xlsx", live_ckan.token).status_code == 200

    # Another dependencia's enlace and anonymous visitors: the published dataset and the
    # dependencia are public (403: not theirs to update); the draft does not exist for them (404).
    for token in (tokens["otro"], None):
        assert _get(dataset_url, token).status_code == 403
        assert _get(org_url, token).status_code == 403
        response = _get(draft_url, token)
        assert response.status_code == 404
        assert "Borrador sin publicar" not in response.text
    # The enlace de transparencia does not see drafts that were not sent to review: not in his workbook.
    tran = openpyxl.load_workbook(io.BytesIO(_get(org_url, tokens["tran"]).content))["Dataset"]
    assert [row[1] for row in tran.iter_rows(min_row=2, values_only=True) if row[1]] == [pkg["title"]]

    # The button, on both pages, only for them.
    for page in (f"{live_ckan.url}/dataset/{pkg['name']}", f"{live_ckan.url}/organization/{org['name']}"):
        assert BUTTON in _get(page, tokens["dato"]).text
        assert BUTTON not in _get(page, tokens["otro"]).text
        assert BUTTON not in _get(page).text


def test_prefilled_round_trip_writes_nothing_and_an_update_keeps_the_links(live_ckan, setting, cli, tmp_path):  # noqa: F811
    pkg, org, tokens = setting["pkg"], setting["org"], setting["tokens"]
    api = {key: live_ckan.api(token=token) for key, token in tokens.items()}
    anonymous = live_ckan.api(token="")
    [resource] = pkg["resources"]
    views_before = [v["view_type"] for v in anonymous.action.resource_view_list(id=resource["id"])]
    old_file = _get(resource["url"]).content

    # From the dependencia's page (after the update below: from the dataset's page).
    download = _get(f"{live_ckan.url}/organization/{org['name']}/formato-317.xlsx", tokens["dato"])
    assert download.status_code == 200
    workbook = _deliver(live_ckan, tmp_path / "actualizacion", download.content, [pkg], org, tokens["dato"])

    checked = cli("validar", str(workbook), "--json")
    assert checked.code == 0, checked.output
    assert checked.data["valid"] is True and checked.data["errors"] == [], checked.output
    same = cli("publicar", str(workbook), "--json", token=tokens["tecn"])
    assert same.code == 0, same.output
    assert same.data["escrituras"] == 0 and same.data["estado"] == "sin_cambios", same.output
    assert anonymous.action.package_show(id=pkg["id"])["metadata_modified"] == pkg["metadata_modified"]

    # The enlace changes the description and delivers new data for the same resource.
    book = openpyxl.load_workbook(workbook)
    book["Dataset"]["C2"] = "Mercados municipales con el padrón de 2025."
    book.save(workbook)
    (workbook.parent / resource["nombre_archivo"]).write_bytes(csv_bytes(5, start=100))
    run = cli("publicar", str(workbook), "--json", token=tokens["tecn"])
    assert run.code == 0, run.output
    [result] = run.data["datasets"]
    assert result["actualizacion"], run.output
    shadow = api["tecn"].action.package_show(id=result["actualizacion"].rsplit("/", 1)[1])
    assert shadow["private"] is True and shadow["notes"].startswith("Mercados municipales con el padrón")

    def citizens_see_the_approved_version() -> None:
        public = anonymous.action.package_show(id=pkg["id"])
        assert public["notes"] == pkg["notes"]
        assert [r["id"] for r in public["resources"]] == [resource["id"]]
        assert _get(resource["url"]).content == old_file
        assert anonymous.action.datastore_search(resource_id=resource["id"], limit=0)["total"] == 3
        with pytest.raises(ckanapi.NotFound):
            anonymous.action.package_show(id=shadow["id"])

    citizens_see_the_approved_version()
    # The server validates the update's new file and loads it into the copy's own table (which
    # replaces the public one on publication); enviar_revision waits for that verdict.
    wait_for_datastore(api["dato"], shadow["resources"][0]["id"])
    citizens_see_the_approved_version()
    for transition, who in (("enviar_revision", "dato"), ("aprobar", "segu"), ("aprobar", "tran"),
                            ("solicitar_publicacion", "dato")):
        extra = {"oficio_numero": "SMI/1/2025", "oficio_fecha": "2025-01-10"} if who == "dato" else {}
        api[who].action.workflow_transition(id=shadow["id"], transition=transition, **extra)
        citizens_see_the_approved_version()
    published = api["tecn"].action.workflow_transition(id=shadow["id"], transition="publicar")
    assert published["id"] == pkg["id"]

    after = anonymous.action.package_show(id=pkg["id"])
    assert after["notes"] == "Mercados municipales con el padrón de 2025."
    [new] = after["resources"]
    assert new["id"] == resource["id"], "the resource keeps its id"
    new_file = csv_bytes(5, start=100)
    for url in (resource["url"], new["url"], f"{live_ckan.url}/dataset/{pkg['name']}/resource/{resource['id']}"):
        response = _get(url)
        assert response.status_code == 200, url
    assert _get(resource["url"]).content == new_file  # the old download URL, the new content
    table = anonymous.action.datastore_search(resource_id=resource["id"], limit=10)
    assert table["total"] == 5 and table["records"][0]["mercado"] == "Mercado 100"
    assert [v["view_type"] for v in anonymous.action.resource_view_list(id=resource["id"])] == views_before
    with pytest.raises(ckanapi.NotFound):
        anonymous.action.package_show(id=shadow["id"])

    # Downloaded again after the update, it still round-trips with nothing to write.
    again = _get(f"{live_ckan.url}/dataset/{pkg['name']}/formato-317.xlsx", tokens["dato"])
    workbook = _deliver(live_ckan, tmp_path / "otra-vez", again.content, [after],
                        anonymous.action.organization_show(id=org["id"]), tokens["dato"])
    same = cli("publicar", str(workbook), "--json", token=tokens["tecn"])
    assert same.code == 0 and same.data["escrituras"] == 0, same.output
