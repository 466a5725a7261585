"""Our Spanish catalog: committed .mo in step with the .po, and used by CKAN for scheming's strings."""

from __future__ import annotations

import gettext

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action
from ckanext.pueblaabierto import i18n_compile

from .conftest import PLUGINS, dataset_dict, organization_dict


def test_committed_mo_matches_po():
    from babel.messages.pofile import read_po

    folder = i18n_compile.I18N / "es" / "LC_MESSAGES"
    with (folder / "ckanext-pueblaabierto.po").open("rb") as po_file:
        expected = {m.id: m.string for m in read_po(po_file) if m.id}
    with (folder / "ckanext-pueblaabierto.mo").open("rb") as mo_file:
        compiled = gettext.GNUTranslations(mo_file)
    for msgid, msgstr in expected.items():
        if isinstance(msgid, tuple):  # a plural entry: singular and plural forms
            shown = (compiled.ngettext(msgid[0], msgid[1], 1), compiled.ngettext(msgid[0], msgid[1], 2))
            assert shown == tuple(msgstr), "Recompile con: python -m ckanext.pueblaabierto.i18n_compile"
            continue
        assert compiled.gettext(msgid) == msgstr, "Recompile con: python -m ckanext.pueblaabierto.i18n_compile"


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_dataset_form_is_spanish_including_scheming_strings(app):
    user = factories.SysadminWithToken()
    org = call_action("organization_create", {"user": user["name"]}, **organization_dict())
    call_action("package_create", {"user": user["name"]}, **dataset_dict(org["id"], private=True))
    html = app.get("/dataset/edit/puntos-wifi", headers={"Authorization": user["token"]}).body
    # scheming's repeating-subfields text has no Spanish in CKAN's catalog: ours provides it.
    assert "Estos campos se quitaron" in html and "These fields have been removed" not in html
    for label in ("Nombre del Dataset", "ID de Dataset", "Tema", "Frecuencia", "Diccionario de datos",
                  "Correo institucional del funcionario.", "Término", "Recurso (opcional)"):
        assert label in html
    assert "Infraestructura y Servicios Públicos" in html and "Irregularmente" in html


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_resource_and_dependencia_forms_are_the_form317_sheets(app):
    user = factories.SysadminWithToken()
    headers = {"Authorization": user["token"]}
    org = call_action("organization_create", {"user": user["name"]}, **organization_dict())
    call_action("package_create", {"user": user["name"]}, **dataset_dict(org["id"], private=True))
    html = app.get("/dataset/puntos-wifi/resource/new", headers=headers).body
    for text in ("Nombre del archivo", "Tipo de Visualización", "Nombre del Recurso",
                 "Fecha inicial del periodo que cubre", "Fecha final del periodo que cubre o fecha de corte",
                 "Formato", "Gráfico", "GEOJSON", "XLSX",
                 "Nombre del archivo que se cargará a la plataforma con la información a publicar."):
        assert text in html, text

    html = app.get("/organization/new", headers=headers).body
    # The upload input itself needs ckan.storage_path (set for the live CKAN: test_live_http.py).
    for text in ("ID de Dependencia", "Nombre de la Dependencia", "Logotipo de la Dependencia",
                 "Breve descripción de las funciones y atribuciones de la Dependencia"):
        assert text in html, text
