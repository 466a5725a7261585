"""The enlace's web forms rendered by CKAN: every required field marked, a chosen file that
survives a validation error (and only for the person who chose it), «Nombre del archivo» and
«Formato» from the file or URL, and error lists without internal keys."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from urllib.parse import urlparse

import pytest
import yaml
from ckan.tests import factories
from ckan.tests.helpers import call_action

from tests.plugin.metadata.conftest import PLUGINS, dataset_dict, resource_dict

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]

CSV = b"colonia,puntos\nCentro,12\nLa Paz,7\n"


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def registry_required(section: str) -> list[str]:
    """Fields the registry (schemas/dataset.yaml) requires: the pa_obligatorio rule."""
    from pueblaabierto.schemas import __file__ as schemas_init

    schema = yaml.safe_load(open(schemas_init.replace("__init__.py", "dataset.yaml"), encoding="utf-8"))
    return [f["field_name"] for f in schema[section] if "pa_obligatorio" in (f.get("validators") or "").split()]


def label_html(html: str, for_id: str) -> str:
    match = re.search(rf'<label[^>]*for="{re.escape(for_id)}"[^>]*>(.*?)</label>', html, re.DOTALL)
    assert match, f"sin etiqueta para {for_id}"
    return match.group(1)


def assert_required(html: str, for_id: str) -> None:
    label = label_html(html, for_id)
    assert 'class="control-required"' in label and "*" in label, (for_id, label)
    assert "(obligatorio)" in label, (for_id, label)


def csrf(html: str) -> str:
    return re.search(r'name="_csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture
def draft(org):
    user = factories.SysadminWithToken()
    pkg = call_action("package_create", {"user": user["name"]}, **dataset_dict(org["id"], private=True))
    return user, pkg


def test_every_required_dataset_field_is_marked(app, org):
    user = factories.SysadminWithToken()
    html = app.get("/dataset/new", headers={"Authorization": user["token"]}).body
    required = registry_required("dataset_fields")
    assert len(required) == 7  # + Dependencia = the eight fields the FORM.317 requires
    for key in required:
        assert_required(html, f"field-{key}")
    assert_required(html, "field-organizations")  # Dependencia
    assert "(obligatorio)" not in label_html(html, "field-tag_string")  # Etiquetas are optional


def test_every_required_resource_field_is_marked(app, draft):
    user, pkg = draft
    html = app.get(f"/dataset/{pkg['name']}/resource/new", headers={"Authorization": user["token"]}).body
    required = registry_required("resource_fields")
    assert "url" in required and "nombre_archivo" in required
    for key in required:
        if key == "url":  # «Archivo o URL»: the label of the upload/link choice
            label = re.search(r'<label id="resource-menu-label"[^>]*>(.*?)</label>', html, re.DOTALL).group(1)
            assert "control-required" in label and "(obligatorio)" in label and "Archivo o URL" in label
        else:
            assert_required(html, f"field-{key}")
    assert "(obligatorio)" not in label_html(html, "field-description")


def test_dependencia_form_marks_its_required_fields(app):
    user = factories.SysadminWithToken()
    html = app.get("/organization/new", headers={"Authorization": user["token"]}).body
    for for_id in ("field-title", "field-id_dependencia", "field-description", "field-name"):
        assert_required(html, for_id)


def _resource_form(app, user, pkg) -> str:
    return app.get(f"/dataset/{pkg['name']}/resource/new", headers={"Authorization": user["token"]}).body


def _post_resource(app, user, pkg, form_html, **fields):
    data = {"_csrf_token": csrf(form_html), "save": "again", "id": "", **fields}
    return app.post(f"/dataset/{pkg['name']}/resource/new", data=data,
                    headers={"Authorization": user["token"]}, follow_redirects=False)


def _good_fields(**overrides) -> dict:
    fields = resource_dict(url="", nombre_archivo="", name="Puntos por colonia", format="")
    fields.update(overrides)
    return fields


def test_chosen_file_survives_a_validation_error_and_is_saved_on_resubmit(app, draft):
    user, pkg = draft
    form = _resource_form(app, user, pkg)
    first = _post_resource(app, user, pkg, form, url_type="upload", **_good_fields(tipo_visualizacion=""),
                           upload=(io.BytesIO(CSV), "Puntos por colonia 2024.csv"))
    assert first.status_code == 200
    text = text_of(first.body)
    assert "Tipo de Visualización: Falta" in text  # the Spanish error, by the field's label
    assert "Archivo conservado" in text
    assert 'value="Puntos por colonia 2024.csv"' in first.body
    kept = re.search(r'name="pa_archivo_pendiente" value="([^"]+)"', first.body).group(1)
    # «Nombre del archivo» and «Formato» came from the file (server side), shown filled again.
    assert re.search(r'id="field-nombre_archivo"[^>]*value="Puntos por colonia 2024.csv"', first.body)
    assert re.search(r'<option value="CSV"\s+selected', first.body)

    second = _post_resource(app, user, pkg, first.body, url_type="upload", pa_archivo_pendiente=kept,
                            **_good_fields(nombre_archivo="Puntos por colonia 2024.csv", format="CSV"),
                            upload=(io.BytesIO(b""), ""))
    assert second.status_code == 302, text_of(second.body)[:1500]
    resource = call_action("package_show", id=pkg["id"])["resources"][-1]
    assert resource["url_type"] == "upload"
    assert resource["nombre_archivo"] == "Puntos por colonia 2024.csv"
    download = app.get(urlparse(resource["url"]).path, headers={"Authorization": user["token"]})
    assert download.status_code == 200 and download.get_data() == CSV  # the bytes chosen the first time
    # Used once: the same token does not attach the file again.
    third = _post_resource(app, user, pkg, first.body, url_type="upload", pa_archivo_pendiente=kept,
                           **_good_fields(name="Otro", nombre_archivo="x.csv", format="CSV"),
                           upload=(io.BytesIO(b""), ""))
    assert third.status_code == 200 and "Archivo o URL: Falta" in text_of(third.body)


def test_another_person_cannot_attach_someone_s_kept_file(app, draft, org):
    owner, pkg = draft
    form = _resource_form(app, owner, pkg)
    first = _post_resource(app, owner, pkg, form, url_type="upload", **_good_fields(tipo_visualizacion=""),
                           upload=(io.BytesIO(CSV), "privado.csv"))
    kept = re.search(r'name="pa_archivo_pendiente" value="([^"]+)"', first.body).group(1)

    intruder = factories.SysadminWithToken()
    form = _resource_form(app, intruder, pkg)
    stolen = _post_resource(app, intruder, pkg, form, url_type="upload", pa_archivo_pendiente=kept,
                            **_good_fields(nombre_archivo="privado.csv", format="CSV"), upload=(io.BytesIO(b""), ""))
    assert stolen.status_code == 200
    assert "Archivo o URL: Falta" in text_of(stolen.body) and "privado.csv" not in stolen.body.split("<form")[0]
    assert not [r for r in call_action("package_show", id=pkg["id"])["resources"] if r.get("url_type") == "upload"]

    # The owner still gets it back.
    done = _post_resource(app, owner, pkg, first.body, url_type="upload", pa_archivo_pendiente=kept,
                          **_good_fields(nombre_archivo="privado.csv", format="CSV"), upload=(io.BytesIO(b""), ""))
    assert done.status_code == 302, text_of(done.body)[:1500]


def test_nombre_del_archivo_and_formato_default_from_the_url_on_the_server(draft):
    user, pkg = draft
    end = (date.today() - timedelta(days=5)).isoformat()
    resource = call_action("resource_create", {"user": user["name"]}, package_id=pkg["id"],
                           url="https://datos.pueblacapital.gob.mx/archivos/obras%202024.xlsx",
                           name="Obras", tipo_visualizacion="tabla", fecha_inicio="2024-01-01", fecha_fin=end)
    assert resource["nombre_archivo"] == "obras 2024.xlsx"
    assert resource["format"] == "XLSX"
    # What the person typed wins.
    resource = call_action("resource_create", {"user": user["name"]}, package_id=pkg["id"],
                           url="https://datos.pueblacapital.gob.mx/a.csv", nombre_archivo="mio.csv", format="CSV",
                           name="Otro", tipo_visualizacion="tabla", fecha_inicio="2024-01-01", fecha_fin=end)
    assert resource["nombre_archivo"] == "mio.csv"


def test_error_list_shows_spanish_labels_never_internal_keys(app, org):
    import ckan.plugins.toolkit as tk

    schema = tk.h.scheming_get_dataset_schema("dataset")
    with app.flask_app.test_request_context():
        html = tk.h.snippet("scheming/snippets/errors.html", errors={
            "workflow": ["Este conjunto de datos está «En revisión»: no se puede modificar mientras se revisa."],
            "upload": ["El archivo no es CSV."], "tema": ["Falta el valor."]},
            fields=schema["dataset_fields"], entity_type="dataset", object_type="dataset")
    text = text_of(html)
    assert "workflow" not in text.lower()
    assert "Este conjunto de datos está «En revisión»" in text
    assert "Archivo: El archivo no es CSV." in text and "Tema: Falta el valor." in text


def test_flash_of_an_error_dict_is_spanish_text():
    from ckanext.pueblaabierto.forms.errors import flash_text

    shown = flash_text(" - {'datasets': ['«obras» no ha sido publicado por el flujo de validación.']}")
    assert str(shown) == "«obras» no ha sido publicado por el flujo de validación."
    assert "workflow" not in str(flash_text("{'workflow': ['No se modifica.']}"))
    assert flash_text("Listo.") == "Listo."


def test_dependencia_logo_survives_a_validation_error(app):
    from tests.pipeline.conftest import png_bytes

    user = factories.SysadminWithToken()
    headers = {"Authorization": user["token"]}
    form = app.get("/organization/new", headers=headers).body
    fields = {"_csrf_token": csrf(form), "name": "bienestar", "id_dependencia": "31",
              "description": "Programas sociales del municipio.", "image_url": "", "save": ""}
    first = app.post("/organization/new", headers=headers, follow_redirects=False,
                     data={**fields, "title": "", "image_upload": (io.BytesIO(png_bytes()), "logo bienestar.png")})
    assert first.status_code == 200
    text = text_of(first.body)
    assert "Nombre de la Dependencia: Falta" in text and "Archivo conservado" in text
    assert 'value="logo bienestar.png"' in first.body
    kept = re.search(r'name="pa_archivo_pendiente" value="([^"]+)"', first.body).group(1)

    second = app.post("/organization/new", headers=headers, follow_redirects=False,
                      data={**fields, "_csrf_token": csrf(first.body), "title": "Secretaría de Bienestar",
                            "pa_archivo_pendiente": kept, "image_upload": (io.BytesIO(b""), "")})
    assert second.status_code == 302, text_of(second.body)[:1500]
    org = call_action("organization_show", id="bienestar")
    logo = app.get(urlparse(org["image_display_url"]).path)
    assert logo.status_code == 200 and logo.get_data() == png_bytes()


def test_nothing_is_kept_for_someone_who_may_not_add_the_resource(draft):
    """A refusal can come before CKAN's own permission check (the upload's content check does):
    a stranger's file is not stored for him."""
    from pathlib import Path

    import ckan.plugins.toolkit as tk
    from ckan.logic import ValidationError
    from werkzeug.datastructures import FileStorage

    from tests.pipeline.conftest import png_bytes

    _, pkg = draft
    stranger = factories.User()
    folder = Path(tk.config["ckan.storage_path"]) / "pueblaabierto" / "pendientes"
    before = set(folder.glob("*")) if folder.exists() else set()
    data = {"package_id": pkg["id"], "format": "CSV", "name": "x",
            "upload": FileStorage(stream=io.BytesIO(png_bytes()), filename="no-es-csv.csv")}
    with pytest.raises(ValidationError, match="no-es-csv.csv"):  # the content check, before CKAN's auth
        call_action("resource_create", {"user": stranger["name"]}, **data)
    assert (set(folder.glob("*")) if folder.exists() else set()) == before


def test_edit_resource_form_keeps_the_new_file_after_an_error(app, draft):
    user, pkg = draft
    resource = call_action("package_show", id=pkg["id"])["resources"][0]  # a link (dataset_dict's)
    path = f"/dataset/{pkg['name']}/resource/{resource['id']}/edit"
    headers = {"Authorization": user["token"]}
    form = app.get(path, headers=headers).body
    fields = {"_csrf_token": csrf(form), "save": "", "id": resource["id"], "url_type": "upload",
              **_good_fields(nombre_archivo="nuevo.csv", format="CSV", name="Puntos WiFi")}
    first = app.post(path, headers=headers, follow_redirects=False,
                     data={**fields, "fecha_inicio": "2024-03-01", "fecha_fin": "2024-01-31",
                           "upload": (io.BytesIO(CSV), "nuevo.csv")})
    assert first.status_code == 200
    assert "es anterior a la «Fecha inicial del periodo que cubre»" in text_of(first.body)
    kept = re.search(r'name="pa_archivo_pendiente" value="([^"]+)"', first.body).group(1)
    second = app.post(path, headers=headers, follow_redirects=False,
                      data={**fields, "_csrf_token": csrf(first.body), "pa_archivo_pendiente": kept,
                            "upload": (io.BytesIO(b""), "")})
    assert second.status_code == 302, text_of(second.body)[:1500]
    updated = call_action("resource_show", id=resource["id"])
    assert updated["url_type"] == "upload" and updated["url"].endswith("/nuevo.csv")
