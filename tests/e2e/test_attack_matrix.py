"""Attack matrix (issue 11): a hostile visitor or logged-in user against the live portal.

Each test is one row of the matrix: what an attacker tried over HTTP (API, pages, forms,
downloads) and what the portal must answer. They complement the visibility matrix
(tests/plugin/workflow/test_visibility.py), which covers who *reads* an unpublished dataset;
every new page or action of the portal adds its row here.
"""

from __future__ import annotations

import csv
import io
import itertools
import threading
import time
import uuid

import ckanapi
import pytest
import requests
import sqlalchemy as sa
from ckanext.pueblaabierto.ops.server import read_option

from tests.e2e.test_workflow_http import PASSWORD, _csrf, _login, _user
from tests.live_ckan import wait_for_datastore, wait_for_validation

ADMIN_PASSWORD = "e2e-Contrasena-1"  # tests/live_ckan.py


def _suffix() -> str:
    return uuid.uuid4().hex[:6]


def _org(admin, suffix: str, **extra) -> dict:
    return admin.action.organization_create(
        name=f"dep-{suffix}", title=f"Dependencia {suffix}", id_dependencia=str(500000 + int(suffix, 16) % 400000),
        description="Dependencia de prueba.", **extra,
    )


_dataset_ids = itertools.count(1)
# What FORM.317 asks of every resource (schemas/dataset.yaml).
RESOURCE = {"fecha_inicio": "2024-01-01", "fecha_fin": "2024-06-30", "tipo_visualizacion": "tabla"}


def _resource(api, dataset: dict, filename: str, declared: str, content: bytes | None = None, **extra) -> dict:
    if content is None:
        extra.setdefault("url", f"http://example.com/{filename}")
    else:
        extra["upload"] = (filename, io.BytesIO(content))
    return api.action.resource_create(package_id=dataset["id"], name=filename, format=declared,
                                      nombre_archivo=filename, **RESOURCE, **extra)


def _dataset(api, org: dict, name: str, **extra) -> dict:
    return api.action.package_create(
        name=name, title=f"Conjunto {name}", notes="Datos de prueba.", owner_org=org["id"],
        id_dataset=str(next(_dataset_ids)),
        tema="infraestructura-y-servicios-publicos", frecuencia="anual", responsable_nombre="Laura Pérez Gómez",
        responsable_correo="laura.perez@pueblacapital.gob.mx", **extra,
    )


@pytest.fixture
def dependency(live_ckan):
    """A dependencia with its four liaisons (each with a token) and an ordinary logged-in user."""
    admin = live_ckan.api()
    suffix = _suffix()
    org = _org(admin, suffix)
    names = {key: f"{key[:4]}{suffix}" for key in ("datos", "segu", "tran", "tecn", "nadie")}
    tokens = {key: _user(admin, name) for key, name in names.items()}
    admin.action.workflow_role_assign(user=names["datos"], role="enlace_datos_abiertos", organization=org["name"])
    admin.action.workflow_role_assign(user=names["segu"], role="enlace_seguridad", organization=org["name"])
    admin.action.workflow_role_assign(user=names["tran"], role="enlace_transparencia")
    admin.action.workflow_role_assign(user=names["tecn"], role="enlace_tecnico")
    api = {key: live_ckan.api(token=token) for key, token in tokens.items()}
    return {"admin": admin, "org": org, "names": names, "tokens": tokens, "api": api, "suffix": suffix}


def _publish(dependency, name: str, files: dict[str, bytes] | None = None, before_review=None, **extra) -> dict:
    """A dataset published by the four liaisons, each in their own role (``files``: CSV uploads;
    ``before_review(draft)``: what to do to the draft before it is sent to review)."""
    api = dependency["api"]
    dataset = _dataset(api["datos"], dependency["org"], name, **extra)
    for filename, content in (files or {}).items():
        _resource(api["datos"], dataset, filename, "CSV", content)
    if before_review is not None:
        before_review(api["datos"].action.package_show(id=dataset["id"]))
    wait_for_validation(api["datos"], dataset["id"])
    api["datos"].action.workflow_transition(id=dataset["id"], transition="enviar_revision")
    api["segu"].action.workflow_transition(id=dataset["id"], transition="aprobar")
    api["tran"].action.workflow_transition(id=dataset["id"], transition="aprobar")
    api["datos"].action.workflow_transition(id=dataset["id"], transition="solicitar_publicacion")
    api["tecn"].action.workflow_transition(id=dataset["id"], transition="publicar")
    return api["datos"].action.package_show(id=dataset["id"])


# -- 1. Dependencias and groups: sysadmins (and the enlace técnico's publisher) only -----------


def test_ordinary_user_cannot_create_a_dependencia_or_a_group(dependency):
    nadie = dependency["api"]["nadie"]
    suffix = dependency["suffix"]
    with pytest.raises(ckanapi.NotAuthorized):
        nadie.action.organization_create(name=f"toma-{suffix}", title="Toma", id_dependencia="999999")
    with pytest.raises(ckanapi.NotAuthorized):
        nadie.action.group_create(name=f"grupo-{suffix}", title="Grupo")
    # Neither may the liaisons of a dependencia: only sysadmins and the enlace técnico.
    with pytest.raises(ckanapi.NotAuthorized):
        dependency["api"]["datos"].action.organization_create(name=f"toma2-{suffix}", title="Toma")


def test_every_configuration_we_ship_sets_the_security_options():
    """make portal, systemd and both docker variants write their ckan.ini from COMMON_OPTIONS
    (embedded/settings.instance_options; tests/embedded/test_docker_deployment.py checks the
    containers' ini), so the options must be there."""
    from ckanext.pueblaabierto.embedded import settings

    expected = {
        "ckan.auth.user_create_organizations": "false",
        "ckan.auth.user_create_groups": "false",
        "ckan.auth.public_user_details": "false",
        "ckan.gravatar_default": "disabled",
        "ckan.csrf_protection.ignore_extensions": "false",
    }
    for key, value in expected.items():
        assert settings.COMMON_OPTIONS[key] == value, key
    assert int(settings.COMMON_OPTIONS["pueblaabierto.datastore.sql_timeout"]) <= 10000


# -- 2. CSRF: no cookie-only POST from another origin ------------------------------------------


def test_cookie_only_posts_without_the_csrf_token_are_refused(live_ckan, dependency):
    api, names = dependency["api"], dependency["names"]
    dataset = _dataset(api["datos"], dependency["org"], f"csrf-{dependency['suffix']}")
    wait_for_validation(api["datos"], dataset["id"])
    api["datos"].action.workflow_transition(id=dataset["id"], transition="enviar_revision")

    # A reviewer's browser session, an attacker's page posting into it without the token.
    browser = _login(live_ckan.url, names["segu"])
    forged = browser.post(f"{live_ckan.url}/dataset/{dataset['name']}/flujo/transicion",
                          data={"transition": "aprobar"}, timeout=60)
    assert forged.status_code == 400
    assert api["segu"].action.workflow_show(id=dataset["id"])["approvals"] == []

    # A sysadmin's session: «Roles del flujo» grants nothing without the token.
    admin = _login_admin(live_ckan)
    forged = admin.post(f"{live_ckan.url}/flujo/roles", data={"user": names["nadie"], "role": "enlace_tecnico"},
                        timeout=60)
    assert forged.status_code == 400
    assert dependency["admin"].action.workflow_role_list(user=names["nadie"]) == []
    # The same forms with the page's token work (the portal's own pages are not broken).
    page = admin.get(f"{live_ckan.url}/flujo/roles", timeout=60)
    granted = admin.post(f"{live_ckan.url}/flujo/roles", timeout=60,
                         data={"user": names["nadie"], "role": "enlace_tecnico", **_csrf(page.text)})
    assert granted.status_code == 200
    assert [r["role"] for r in dependency["admin"].action.workflow_role_list(user=names["nadie"])] == [
        "enlace_tecnico"]
    dependency["admin"].action.workflow_role_revoke(user=names["nadie"], role="enlace_tecnico")


def _login_admin(live_ckan) -> requests.Session:
    import tests.e2e.test_workflow_http as workflow_http

    original = workflow_http.PASSWORD
    workflow_http.PASSWORD = ADMIN_PASSWORD
    try:
        return _login(live_ckan.url, live_ckan.sysadmin)
    finally:
        workflow_http.PASSWORD = original


def test_session_and_remember_cookies_are_samesite_lax(live_ckan, dependency):
    name = dependency["names"]["nadie"]
    browser = requests.Session()
    form = browser.get(f"{live_ckan.url}/user/login", timeout=60).text
    response = browser.post(f"{live_ckan.url}/user/login", timeout=60, allow_redirects=False,
                            data={"login": name, "password": PASSWORD, "remember": "63072000", **_csrf(form)})
    cookies = [c for c in response.raw.headers.getlist("Set-Cookie")]
    assert cookies, "login sets cookies"
    for cookie in cookies:
        assert "samesite=lax" in cookie.lower(), cookie
        assert "httponly" in cookie.lower(), cookie


# -- 3. Uploads never run in the portal's origin ----------------------------------------------

HTML = b"<!DOCTYPE html><html><body><script>fetch('/api/3/action/user_list')</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
# Well-formed XML that a browser runs when shown inline: the script is XHTML by namespace.
XML_SCRIPT = (b'<?xml version="1.0"?><datos><x:script xmlns:x="http://www.w3.org/1999/xhtml">'
              b"alert(document.cookie)</x:script></datos>")


def test_upload_whose_content_is_not_its_declared_format_is_refused(live_ckan, dependency):
    datos = dependency["api"]["datos"]
    dataset = _dataset(datos, dependency["org"], f"sube-{dependency['suffix']}")
    for declared, filename, content in (("JSON", "datos.json", HTML), ("CSV", "datos.csv", HTML),
                                        ("XLSX", "datos.xlsx", b"MZ\x90\x00 ejecutable"),
                                        ("XML", "mapa.xml", SVG)):
        with pytest.raises(ckanapi.ValidationError) as refused:
            _resource(datos, dataset, filename, declared, content)
        message = " ".join(str(m) for m in refused.value.error_dict.get("upload", []))
        assert "no corresponde" in message or "HTML" in message, (declared, refused.value.error_dict)
        assert filename in message
    assert datos.action.package_show(id=dataset["id"])["resources"] == []
    # A CSV that is a CSV is welcome.
    ok = _resource(datos, dataset, "ok.csv", "CSV", b"a,b\n1,2\n")
    assert ok["url_type"] == "upload"


def test_uploaded_active_files_are_attachments_with_nosniff_and_a_sandbox(live_ckan, dependency):
    datos, token = dependency["api"]["datos"], dependency["tokens"]["datos"]
    dataset = _dataset(datos, dependency["org"], f"activo-{dependency['suffix']}")
    resource = _resource(datos, dataset, "datos.xml", "XML", XML_SCRIPT)
    served = requests.get(resource["url"], headers={"Authorization": token}, timeout=60)
    assert served.status_code == 200 and served.content == XML_SCRIPT
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Disposition"].startswith("attachment"), served.headers
    assert "sandbox" in served.headers["Content-Security-Policy"]
    # Inert data (JSON, CSV) stays viewable inline, still never sniffed nor scripted.
    data = _resource(datos, dataset, "datos.json", "JSON", b'{"a": 1}')
    served = requests.get(data["url"], headers={"Authorization": token}, timeout=60)
    assert served.status_code == 200 and served.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served.headers["Content-Security-Policy"]


def test_pages_carry_a_content_security_policy_and_frame_protection(live_ckan):
    for path in ("/", "/dataset/", "/organization/"):
        page = requests.get(f"{live_ckan.url}{path}", timeout=60)
        assert page.status_code == 200
        assert page.headers["X-Frame-Options"] == "SAMEORIGIN"
        assert page.headers["X-Content-Type-Options"] == "nosniff"
        policy = page.headers["Content-Security-Policy"]
        assert "frame-ancestors 'self'" in policy and "object-src 'none'" in policy
        # The map previews' base layer (geoview, OpenStreetMap tiles) stays allowed.
        assert "tile.openstreetmap.org" in policy


# -- 4. A published dataset changes only through the workflow ---------------------------------


def test_published_dataset_cannot_be_deleted_or_regrouped_or_have_its_views_changed(live_ckan, dependency):
    admin, api = dependency["admin"], dependency["api"]
    suffix = dependency["suffix"]
    # An upload: the server validates what it can read (example.com does not answer here).
    dataset = _publish(dependency, f"publicado-{suffix}", files={"p.csv": b"a,b\n1,2\n"})
    draft = _dataset(api["datos"], dependency["org"], f"borrador-{suffix}")
    assert _resource(api["datos"], draft, "x.csv", "CSV")  # drafts still take resources
    view_resource = dataset["resources"][0]["id"] if dataset["resources"] else None

    with pytest.raises(ckanapi.NotAuthorized, match="Proponer actualización"):
        api["datos"].action.package_delete(id=dataset["id"])
    if view_resource:
        with pytest.raises(ckanapi.ValidationError, match="Proponer actualización"):
            api["datos"].action.resource_view_create(resource_id=view_resource, view_type="text_view",
                                                     title="Vista sin revisión")
    group = admin.action.group_create(name=f"grupo-{suffix}", title="Grupo")
    with pytest.raises(ckanapi.ValidationError, match="Proponer actualización"):
        admin.action.member_create(id=group["id"], object=dataset["id"], object_type="package", capacity="public")
    assert admin.action.member_list(id=group["id"], object_type="package") == []
    published = admin.action.package_show(id=dataset["id"])
    assert published["state"] == "active" and published["private"] is False


def test_sysadmin_deletion_needs_a_reason_is_recorded_and_can_be_undone(live_ckan, dependency):
    admin = dependency["admin"]
    dataset = _publish(dependency, f"retirar-{dependency['suffix']}")
    with pytest.raises(ckanapi.ValidationError, match="motivo"):
        admin.action.package_delete(id=dataset["id"])
    admin.action.package_delete(id=dataset["id"], motivo="Publicado por error: datos duplicados.")
    with pytest.raises((ckanapi.NotFound, ckanapi.NotAuthorized)):
        live_ckan.api(token="").action.package_show(id=dataset["id"])
    record = list(csv.DictReader(io.StringIO(_history_csv(live_ckan, dependency, dataset["id"]))))
    assert record[-1]["transition"] == "eliminar"
    assert record[-1]["comment"] == "Publicado por error: datos duplicados."
    restored = admin.action.workflow_restore(id=dataset["id"], motivo="Aclarado.")
    assert restored["state"] == "active" and restored["private"] is False
    assert live_ckan.api(token="").action.package_show(id=dataset["id"])["name"] == dataset["name"]
    assert _history_csv(live_ckan, dependency, dataset["id"]).count("restaurar") == 1


def test_delete_page_without_a_reason_answers_the_form_with_the_error(live_ckan, dependency):
    """The page's «motivo» is a required field; a crafted POST without it (or with blanks) gets
    the form again with the Spanish error, not a 500, and nothing is deleted."""
    admin = dependency["admin"]
    dataset = _publish(dependency, f"sin-motivo-{dependency['suffix']}")
    browser = _login_admin(live_ckan)
    page_url = f"{live_ckan.url}/dataset/delete/{dataset['name']}"
    page = browser.get(page_url, timeout=60)
    assert page.status_code == 200 and 'name="motivo"' in page.text
    for crafted in ({}, {"motivo": "   "}):
        answer = browser.post(page_url, data={"delete": "", **crafted, **_csrf(page.text)}, timeout=60,
                              allow_redirects=False)
        assert answer.status_code == 400, answer.text[:300]
        assert "escriba el motivo" in answer.text
        assert 'id="field-motivo-error"' in answer.text and 'name="motivo"' in answer.text
        assert admin.action.package_show(id=dataset["id"])["state"] == "active"
    # With the reason the same page deletes it, on the record.
    done = browser.post(page_url, data={"delete": "", "motivo": "Duplicado de otro conjunto.", **_csrf(page.text)},
                        timeout=60, allow_redirects=False)
    assert done.status_code == 302, done.text[:300]
    assert admin.action.package_show(id=dataset["id"])["state"] == "deleted"
    record = list(csv.DictReader(io.StringIO(_history_csv(live_ckan, dependency, dataset["id"]))))
    assert record[-1]["transition"] == "eliminar" and record[-1]["comment"] == "Duplicado de otro conjunto."


def _history_csv(live_ckan, dependency, dataset_id: str) -> str:
    response = requests.get(f"{live_ckan.url}/flujo/registro.csv", params={"id": dataset_id}, timeout=60,
                            headers={"Authorization": dependency["tokens"]["tran"]})
    assert response.status_code == 200, response.text[:300]
    return response.text


# -- 5. Separation of duties -------------------------------------------------------------------


def test_whoever_sent_to_review_cannot_approve_and_roles_not_held_are_named(live_ckan, dependency):
    admin, api, names = dependency["admin"], dependency["api"], dependency["names"]
    # The enlace de datos abiertos is also enlace de seguridad of the dependencia.
    admin.action.workflow_role_assign(user=names["datos"], role="enlace_seguridad",
                                      organization=dependency["org"]["name"])
    dataset = _dataset(api["datos"], dependency["org"], f"propio-{dependency['suffix']}")
    wait_for_validation(api["datos"], dataset["id"])
    api["datos"].action.workflow_transition(id=dataset["id"], transition="enviar_revision")
    with pytest.raises(ckanapi.NotAuthorized, match="envió este conjunto"):
        api["datos"].action.workflow_transition(id=dataset["id"], transition="aprobar")
    with pytest.raises(ckanapi.NotAuthorized, match="no tiene el rol Enlace de Transparencia"):
        api["segu"].action.workflow_transition(id=dataset["id"], transition="aprobar",
                                               as_role="enlace_transparencia")
    # Not even a sysadmin approves twice outside the demo.
    admin.action.workflow_transition(id=dataset["id"], transition="aprobar", as_role="enlace_seguridad")
    with pytest.raises(ckanapi.NotAuthorized, match="personas distintas"):
        admin.action.workflow_transition(id=dataset["id"], transition="aprobar", as_role="enlace_transparencia")
    approved = api["tran"].action.workflow_transition(id=dataset["id"], transition="aprobar")
    assert approved["state"] == "revision_aprobada"


# -- 6. No trace of unpublished datasets -------------------------------------------------------


def test_no_trace_of_an_unpublished_dataset_for_anonymous_visitors(live_ckan, dependency):
    admin, api = dependency["admin"], dependency["api"]
    suffix = dependency["suffix"]
    secret = _dataset(api["datos"], dependency["org"], f"secreto-{suffix}", tags=[{"name": f"clave{suffix}"}])
    # PX (statistical tables) is a FORM.317 format no published example uses.
    _resource(api["datos"], secret, "r.px", "PX")
    group = admin.action.group_create(name=f"grupo-traza-{suffix}", title="Grupo")
    admin.action.member_create(id=group["id"], object=secret["id"], object_type="package", capacity="public")
    anonymous = live_ckan.api(token="")

    assert all(m[0] != secret["id"] for m in anonymous.action.member_list(id=group["id"], object_type="package"))
    [listed] = [g for g in anonymous.action.group_list(all_fields=True) if g["name"] == group["name"]]
    assert listed["package_count"] == 0
    assert f"clave{suffix}" not in anonymous.action.tag_list()
    assert anonymous.action.tag_autocomplete(q=f"clave{suffix}") == []
    with pytest.raises(ckanapi.NotFound):
        anonymous.action.tag_show(id=f"clave{suffix}")
    assert "px" not in anonymous.action.format_autocomplete(q="px")
    assert "px" in admin.action.format_autocomplete(q="px")
    for who in (anonymous, api["nadie"]):
        activity = who.action.organization_activity_list(id=dependency["org"]["id"], limit=100)
        assert all(secret["id"] != a["object_id"] for a in activity)
    activity = api["nadie"].action.user_activity_list(id=dependency["names"]["datos"], limit=100)
    assert all(secret["id"] != a["object_id"] for a in activity)
    # The API says "not found", as for a dataset that never existed; a 403 would confirm it.
    resource_id = api["datos"].action.package_show(id=secret["id"])["resources"][0]["id"]
    for who in (anonymous, api["nadie"]):
        with pytest.raises(ckanapi.NotFound):
            who.action.package_show(id=secret["name"])
        with pytest.raises(ckanapi.NotFound):
            who.action.resource_show(id=resource_id)
        with pytest.raises(ckanapi.NotFound):
            who.action.package_activity_list(id=secret["id"])
    # The liaisons who work on it still see its tags and formats.
    assert f"clave{suffix}" in api["datos"].action.package_show(id=secret["id"])["tags"][0]["name"]
    for path in (f"/dataset/{secret['name']}", f"/dataset/edit/{secret['name']}",
                 f"/dataset/{secret['name']}/flujo", f"/dataset/activity/{secret['name']}"):
        page = requests.get(f"{live_ckan.url}{path}", timeout=60)
        assert page.status_code == 404, (path, page.status_code)
        assert f"Conjunto {secret['name']}" not in page.text


# -- 7. DataStore SQL ------------------------------------------------------------------------


def test_slow_or_broken_sql_is_cancelled_in_spanish_without_echoing_it(live_ckan):
    anonymous = live_ckan.api(token="")
    with pytest.raises(ckanapi.ValidationError) as slow:
        anonymous.action.datastore_search_sql(sql="SELECT count(*) FROM generate_series(1, 2000000000) AS g")
    message = str(slow.value.error_dict)
    assert "segundos y se canceló" in message
    assert "generate_series" not in message and "SELECT" not in message
    with pytest.raises(ckanapi.ValidationError) as broken:
        anonymous.action.datastore_search_sql(sql="SELEC nada FROM tabla_inexistente")
    message = str(broken.value.error_dict)
    assert "no es válida" in message
    assert "tabla_inexistente" not in message and "psycopg" not in message.lower()


# -- 8. CSV exports never carry formulas -----------------------------------------------------


def test_workflow_csv_neutralises_formula_cells(live_ckan, dependency):
    api = dependency["api"]
    dataset = _dataset(api["datos"], dependency["org"], f"formula-{dependency['suffix']}")
    wait_for_validation(api["datos"], dataset["id"])
    api["datos"].action.workflow_transition(id=dataset["id"], transition="enviar_revision",
                                            oficio_numero="=HYPERLINK(\"http://evil\",\"x\")")
    api["segu"].action.workflow_transition(id=dataset["id"], transition="rechazar", comment="+1+cmd|' /C calc'!A0")
    rows = list(csv.DictReader(io.StringIO(_history_csv(live_ckan, dependency, dataset["id"]))))
    assert rows[0]["oficio_numero"] == "'=HYPERLINK(\"http://evil\",\"x\")"
    assert rows[1]["comment"] == "'+1+cmd|' /C calc'!A0"
    for row in rows:
        assert not any(value.startswith(("=", "+", "-", "@", "\t", "\r")) for value in row.values() if value)


# -- 9. Accounts are not public --------------------------------------------------------------


def test_accounts_are_not_public_and_no_avatar_service_is_called(live_ckan, dependency):
    anonymous = live_ckan.api(token="")
    with pytest.raises(ckanapi.NotAuthorized):
        anonymous.action.user_list()
    org = dependency["org"]["name"]
    assert "users" not in anonymous.action.organization_show(id=org) or not anonymous.action.organization_show(
        id=org)["users"]
    for who in (anonymous, dependency["api"]["nadie"]):
        with pytest.raises(ckanapi.NotAuthorized):
            who.action.organization_show(id=org, include_users=True)
    # Members see who else is in their dependencia, not the MD5 of their e-mail addresses.
    shown = dependency["api"]["datos"].action.organization_show(id=org, include_users=True)
    others = [user for user in shown["users"] if user["name"] != dependency["names"]["datos"]]
    assert others and all("email_hash" not in user for user in others), others
    member = dependency["api"]["datos"].action.user_show(id=dependency["names"]["segu"])
    assert "email_hash" not in member and "email" not in member
    for path in ("/", f"/organization/{org}", "/dataset/", f"/user/{dependency['names']['datos']}"):
        page = requests.get(f"{live_ckan.url}{path}", timeout=60,
                            headers={"Authorization": dependency["tokens"]["datos"]})
        assert "gravatar" not in page.text.lower(), path


# -- Audit rows (issue 11 follow-up) -----------------------------------------------------------
# 1. The enlace técnico's grants: what publishing needs, nothing more; the creator is the server's.


def test_enlace_tecnico_cannot_delete_drafts_nor_choose_who_created_a_dependencia(live_ckan, dependency):
    admin, api, names = dependency["admin"], dependency["api"], dependency["names"]
    suffix = dependency["suffix"]
    draft = _dataset(api["datos"], dependency["org"], f"ajeno-{suffix}")
    with pytest.raises((ckanapi.NotAuthorized, ckanapi.NotFound)):
        api["tecn"].action.package_delete(id=draft["id"])
    assert admin.action.package_show(id=draft["id"])["state"] == "active"
    # He updates any dependencia (publicar does), but cannot make himself one of its members.
    api["tecn"].action.organization_patch(id=dependency["org"]["id"], users=[{"name": names["tecn"],
                                                                              "capacity": "admin"}])
    members = {u["name"]: u["capacity"] for u in
               admin.action.organization_show(id=dependency["org"]["id"], include_users=True)["users"]}
    assert names["tecn"] not in members and members.get(live_ckan.sysadmin) == "admin", members
    with pytest.raises((ckanapi.NotAuthorized, ckanapi.NotFound)):
        api["tecn"].action.package_show(id=draft["id"])

    # He may create a dependencia, but not say that the administration created it.
    admin_id = admin.action.user_show()["id"]
    forged = [{"key": "pueblaabierto_creador", "value": admin_id}]
    org = api["tecn"].action.organization_create(
        name=f"dep-tec-{suffix}", title=f"Dependencia técnica {suffix}", description="Creada por el enlace técnico.",
        id_dependencia=str(100000 + int(suffix, 16) % 400000), pueblaabierto_creador=admin_id, extras=forged)
    api["tecn"].action.organization_patch(id=org["id"], pueblaabierto_creador=admin_id, extras=forged)
    recorded = admin.action.organization_show(id=org["id"])["creada_por"]
    assert recorded["name"] == names["tecn"] and recorded["sysadmin"] is False
    # Who created it is for the administration and the publisher (enlaces técnicos) only.
    for who in (live_ckan.api(token=""), api["nadie"], api["datos"]):
        shown = who.action.organization_show(id=org["id"])
        assert "creada_por" not in shown and "pueblaabierto_creador" not in str(shown)


# 2. Purging a published dataset: not without its deletion on the record.


def test_published_dataset_is_not_purged_without_its_deletion_on_record(live_ckan, dependency):
    admin = dependency["admin"]
    dataset = _publish(dependency, f"purga-{dependency['suffix']}")
    with pytest.raises(ckanapi.ValidationError, match="Primero elimínelo indicando el motivo"):
        admin.action.dataset_purge(id=dataset["id"])
    assert admin.action.package_show(id=dataset["id"])["state"] == "active"
    admin.action.package_delete(id=dataset["id"], motivo="Duplicado de otro conjunto.")
    admin.action.dataset_purge(id=dataset["id"])
    with pytest.raises(ckanapi.NotFound):
        admin.action.package_show(id=dataset["id"])
    # The dependencia's history keeps the deletion and the purge, by whom.
    response = requests.get(f"{live_ckan.url}/flujo/registro.csv", timeout=60,
                            params={"organization": dependency["org"]["name"]},
                            headers={"Authorization": dependency["tokens"]["tran"]})
    assert response.status_code == 200, response.text[:300]
    rows = [r for r in csv.DictReader(io.StringIO(response.text)) if dataset["name"] in r.values()]
    assert [r["transition"] for r in rows][-2:] == ["eliminar", "purgar"], rows


# 3. Views, group membership, owner and bulk actions of a published dataset.


def test_published_dataset_views_members_owner_and_bulk_actions_go_through_the_workflow(live_ckan, dependency):
    admin, suffix = dependency["admin"], dependency["suffix"]
    other = _org(admin, _suffix())
    group = admin.action.group_create(name=f"grupo-v-{suffix}", title="Grupo")
    prepared: dict = {}

    def before_review(draft: dict) -> None:
        resource_id = draft["resources"][0]["id"]
        prepared["resource"] = resource_id
        prepared["views"] = [admin.action.resource_view_create(resource_id=resource_id, view_type="text_view",
                                                               title=f"Vista {i}")["id"] for i in (1, 2)]
        admin.action.member_create(id=group["id"], object=draft["id"], object_type="package", capacity="public")

    dataset = _publish(dependency, f"vistas-{suffix}", files={"v.csv": b"a,b\n1,2\n"}, before_review=before_review)
    resource_id, (first, second) = prepared["resource"], prepared["views"]
    refused = "Proponer actualización"
    attempts = {
        "resource_view_update": dict(id=first, resource_id=resource_id, view_type="text_view", title="Cambiada"),
        "resource_view_delete": dict(id=first),
        "resource_view_reorder": dict(id=resource_id, order=[second, first]),
        "member_delete": dict(id=group["id"], object=dataset["id"], object_type="package"),
        "package_owner_org_update": dict(id=dataset["id"], organization_id=other["id"]),
        "bulk_update_private": dict(org_id=dependency["org"]["id"], datasets=[dataset["id"]]),
        "bulk_update_delete": dict(org_id=dependency["org"]["id"], datasets=[dataset["id"]]),
    }
    for action, data in attempts.items():
        with pytest.raises(ckanapi.ValidationError, match=refused):
            admin.call_action(action, data)
    views = [v for v in admin.action.resource_view_list(id=resource_id) if v["id"] in (first, second)]
    assert [(v["id"], v["title"]) for v in views] == [(first, "Vista 1"), (second, "Vista 2")]
    assert [m[0] for m in admin.action.member_list(id=group["id"], object_type="package")] == [dataset["id"]]
    published = admin.action.package_show(id=dataset["id"])
    assert (published["owner_org"], published["private"], published["state"]) == (
        dependency["org"]["id"], False, "active")


# 4. No trace: following, relationships, downloads, resource pages, views and DataStore.


def _answer(who, action: str, dataset_id: str) -> tuple:
    try:
        return ("ok", who.call_action(action, {"id": dataset_id}))
    except (ckanapi.CKANAPIError, ckanapi.NotFound, ckanapi.NotAuthorized, ckanapi.ValidationError) as error:
        return (type(error).__name__, getattr(error, "error_dict", None))


def test_no_trace_of_an_unpublished_dataset_through_follow_downloads_or_datastore(live_ckan, dependency):
    api, suffix = dependency["api"], dependency["suffix"]
    secret = _dataset(api["datos"], dependency["org"], f"oculto-{suffix}")
    resource = _resource(api["datos"], secret, "o.csv", "CSV", b"clave,valor\nsecreto,1\n")
    wait_for_datastore(api["datos"], resource["id"])
    missing = str(uuid.uuid4())
    for who in (live_ckan.api(token=""), api["nadie"]):
        # Each answers as for a dataset that never existed (not 0 followers, not 403).
        for action in ("dataset_follower_count", "am_following_dataset", "follow_dataset",
                       "package_relationships_list"):
            hidden = _answer(who, action, secret["id"])
            assert hidden[0] != "ok" and hidden == _answer(who, action, missing), (action, hidden)
        with pytest.raises(ckanapi.NotFound):
            who.action.resource_view_list(id=resource["id"])
        with pytest.raises(ckanapi.NotFound):
            who.action.datastore_search(resource_id=resource["id"])
    assert api["datos"].action.dataset_follower_count(id=secret["id"]) == 0  # who may see it, still can
    for path in (f"/datastore/dump/{resource['id']}", f"/dataset/{secret['name']}/resource/{resource['id']}",
                 f"/dataset/{secret['name']}/resource/{resource['id']}/download/o.csv",
                 f"/dataset/{secret['id']}/resource/{resource['id']}"):
        page = requests.get(f"{live_ckan.url}{path}", timeout=60)
        assert page.status_code == 404, (path, page.status_code)
        shown = page.text.replace(path, "")  # the language links repeat the address asked for
        assert secret["name"] not in shown and "secreto" not in shown, path


# 5. Uploads served as attachments, whatever their declared type.


@pytest.mark.parametrize("declared,filename,content", [
    # Declared as themselves: FORM.317 has no such formats; refused (the format field).
    ("HTML", "pagina.html", HTML),
    ("SVG", "imagen.svg", SVG),
    ("JS", "codigo.js", b"fetch('/api/3/action/user_list').then(r => r.text())"),
    ("XYZ", "datos.xyz", b"\x00\x01\x02 formato desconocido"),
    # Content that passes as its declared format, under an active or unknown file name: the
    # name decides the served type, so these come back, and must come back as attachments.
    ("JSON", "pagina.html", b'{"a": "<b>no es HTML</b>"}'),
    ("XML", "imagen.svg", b'<?xml version="1.0"?><datos><fila>1</fila></datos>'),
    ("CSV", "codigo.js", b"a,b\n1,2\n"),
    ("PX", "datos.xyz", b'CHARSET="ANSI";\nAXIS-VERSION="2010";\n'),
])
def test_uploaded_active_or_unknown_files_come_back_as_attachments(live_ckan, declared, filename, content):
    admin = live_ckan.api()
    suffix = _suffix()
    dataset = _dataset(admin, _org(admin, suffix), f"adjunto-{suffix}")
    try:
        resource = _resource(admin, dataset, filename, declared, content)
    except ckanapi.ValidationError as refused:  # refusing it is also safe
        assert declared in ("HTML", "SVG", "JS", "XYZ"), refused.error_dict
        assert f"«{declared}» no es un valor válido para «Formato»" in str(refused.error_dict), refused.error_dict
        return
    served = requests.get(resource["url"], headers={"Authorization": live_ckan.token}, timeout=60)
    assert served.status_code == 200 and served.content == content
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Disposition"].startswith("attachment"), served.headers
    assert "sandbox" in served.headers["Content-Security-Policy"]


def _png() -> bytes:
    """A real 1×1 PNG (CKAN checks the logo's type by its content too)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
            + chunk(b"IEND", b""))


POLYGLOT_PNG = _png() + b"<html><script>alert(document.cookie)</script></html>"


@pytest.mark.parametrize("filename,content", [("logo.html", POLYGLOT_PNG), ("logo.svg", SVG), ("logo.png", _png()),
                                              ("logo.png", POLYGLOT_PNG)])
def test_organization_logo_under_uploads_is_never_active(live_ckan, filename, content):
    admin = live_ckan.api()
    suffix = _suffix()
    try:
        org = _org(admin, suffix, image_upload=(filename, io.BytesIO(content)))
    except ckanapi.ValidationError as refused:  # refusing it is also safe
        assert "image_upload" in refused.error_dict, refused.error_dict
        assert filename != "logo.png" or content != _png(), "a real PNG logo is welcome"
        return
    url = org["image_display_url"]
    assert "/uploads/" in url, org
    served = requests.get(url, timeout=60)
    assert served.status_code == 200 and served.content == content
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served.headers["Content-Security-Policy"]
    if served.headers.get("Content-Type", "").split(";")[0] != "image/png":
        assert served.headers["Content-Disposition"].startswith("attachment"), served.headers


# 6. The DataStore's CSV and TSV dumps carry no formulas (text columns only).

# The server's validation refuses real formulas ("=HYPERLINK(...)", "@SUM(...)": celda-con-formula,
# so those never reach the DataStore; tests/plugin/security/test_pure.py feeds them to the dump
# writer directly). What it lets through and OWASP still neutralises: a text cell starting with
# "+", "-" or "@", next to a column of negative numbers.
FORMULAS = b"nombre,monto\n+ IVA incluido,-5\n- sin dato,12\n@ayuntamiento,-0.5\nnormal,3\n"


def test_datastore_dumps_neutralise_formula_text_cells_but_not_negative_numbers(live_ckan, dependency):
    api, token = dependency["api"], dependency["tokens"]["datos"]
    dataset = _dataset(api["datos"], dependency["org"], f"volcado-{dependency['suffix']}")
    resource = _resource(api["datos"], dataset, "formulas.csv", "CSV", FORMULAS)
    wait_for_datastore(api["datos"], resource["id"])
    types = {f["id"]: f["type"] for f in api["datos"].action.datastore_search(resource_id=resource["id"])["fields"]}
    assert types["nombre"] == "text" and types["monto"] != "text", types
    for fmt, delimiter in (("csv", ","), ("tsv", "\t")):
        dump = requests.get(f"{live_ckan.url}/datastore/dump/{resource['id']}", params={"format": fmt},
                            headers={"Authorization": token}, timeout=60)
        assert dump.status_code == 200, dump.text[:300]
        rows = list(csv.DictReader(io.StringIO(dump.content.decode("utf-8-sig")), delimiter=delimiter))
        assert [r["nombre"] for r in rows] == ["'+ IVA incluido", "'- sin dato", "'@ayuntamiento", "normal"], fmt
        assert [float(r["monto"]) for r in rows] == [-5, 12, -0.5, 3], fmt
    records = api["datos"].action.datastore_search(resource_id=resource["id"], records_format="csv")["records"]
    assert "'+ IVA incluido" in records and ",-5" in records


# 7. Accounts: no user list nor anyone's sysadmin flag for logged-in accounts either.


def test_logged_in_accounts_get_no_user_list_nor_others_sysadmin_flag(live_ckan, dependency):
    api, names = dependency["api"], dependency["names"]
    for key in ("nadie", "datos", "tecn"):
        with pytest.raises(ckanapi.NotAuthorized):
            api[key].action.user_list()
        other = api[key].action.user_show(id=live_ckan.sysadmin)
        assert not {"sysadmin", "email", "email_hash"} & set(other), other
    own = api["nadie"].action.user_show()
    assert own["name"] == names["nadie"] and own["sysadmin"] is False and own["email"]
    members = api["datos"].action.organization_show(id=dependency["org"]["name"], include_users=True)["users"]
    assert all("sysadmin" not in user for user in members if user["name"] != names["datos"]), members
    assert names["nadie"] in dependency["admin"].action.user_list(q=names["nadie"], all_fields=False)


# 8. DataStore SQL: slow queries do not hold the portal; rows are capped.


def _active_queries(engine, marker: str) -> int:
    with engine.connect() as connection:
        return connection.execute(
            sa.text("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE :marker "
                    "AND pid <> pg_backend_pid()"), {"marker": f"%{marker}%"}).scalar()


def test_slow_sql_queries_do_not_block_a_page_for_another_visitor(live_ckan):
    """Two anonymous visitors' slow queries run (until the statement timeout cuts them) while a
    third visitor's page is served. Deterministic: the page is asked for only once PostgreSQL
    shows both queries running, and must arrive before either of them ends."""
    # A superuser sees every role's query text (the searches run as the read-only role).
    engine = sa.create_engine(live_ckan.env.postgres.url("postgres", live_ckan.env.secrets["pg_superuser"], "postgres"))
    marker = str(2_000_000_000 + int(_suffix(), 16))
    sql = f"SELECT count(*) FROM generate_series(1, {marker}) AS g"
    requests.get(f"{live_ckan.url}/", timeout=120)  # a warm page, as visitors usually get
    ended: dict[int, tuple[str, float]] = {}

    def slow(i: int) -> None:
        try:
            live_ckan.api(token="").action.datastore_search_sql(sql=sql)
            ended[i] = ("terminó", time.monotonic())
        except (ckanapi.CKANAPIError, ckanapi.ValidationError) as error:
            ended[i] = (str(getattr(error, "error_dict", error)), time.monotonic())

    threads = [threading.Thread(target=slow, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while _active_queries(engine, marker) < 2:
        assert time.monotonic() < deadline and not ended, f"las consultas no empezaron: {ended}"
        time.sleep(0.05)
    page = requests.get(f"{live_ckan.url}/dataset/", timeout=60)
    served_at = time.monotonic()
    still_running = _active_queries(engine, marker)
    for thread in threads:
        thread.join(120)
    engine.dispose()
    assert page.status_code == 200
    assert still_running == 2 and all(served_at < at for _, at in ended.values()), (still_running, ended)
    assert all("segundos y se canceló" in message for message, _ in ended.values()), ended


def test_sql_rows_are_capped(live_ckan):
    rows_max = int(read_option(live_ckan.config, "ckan.datastore.search.rows_max"))
    result = live_ckan.api(token="").action.datastore_search_sql(
        sql=f"SELECT g FROM generate_series(1, {rows_max + 500}) AS g")
    assert len(result["records"]) == rows_max and result["records_truncated"] is True
