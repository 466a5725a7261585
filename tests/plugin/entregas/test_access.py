"""Only the dependencia's enlace de datos abiertos (and sysadmins) see or touch an entrega."""

from __future__ import annotations

import uuid

import ckan.plugins.toolkit as tk
import pytest

from .conftest import PLUGINS, act, example_files, run_jobs

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "with_request_context"),
]

OFICIO = {"oficio_numero": "SISP/DA/0123/2024", "oficio_fecha": "2024-05-02"}


def _entrega(people):
    workbook, data = example_files("obra-publica")
    created = act(people.datos, "submission_create", owner_org=people.org["id"], formato=workbook, archivos=data,
                  **OFICIO)
    run_jobs()
    return created


def test_another_dependencias_enlace_gets_not_found_as_for_a_guessed_id(people):
    created = _entrega(people)
    for who in (people.otro, people.editor):
        for action in ("submission_show", "submission_apply", "submission_retry"):
            with pytest.raises(tk.ObjectNotFound, match="No se encontró la entrega"):
                act(who, action, id=created["id"])
        workbook, data = example_files("obra-publica")
        with pytest.raises(tk.ObjectNotFound):
            act(who, "submission_create", id=created["id"], formato=workbook, archivos=data, **OFICIO)
        assert act(who, "submission_list") == []
    # A guessed id answers exactly the same.
    with pytest.raises(tk.ObjectNotFound, match="No se encontró la entrega"):
        act(people.datos, "submission_show", id=str(uuid.uuid4()))
    assert [e["id"] for e in act(people.datos, "submission_list")] == [created["id"]]
    assert act(people.sysadmin, "submission_show", id=created["id"])["id"] == created["id"]


def test_cannot_deliver_for_another_dependencia_and_anonymous_must_log_in(people):
    workbook, data = example_files("obra-publica")
    with pytest.raises(tk.NotAuthorized, match="enlace de datos abiertos"):
        act(people.otro, "submission_create", owner_org=people.org["id"], formato=workbook, archivos=data, **OFICIO)
    with pytest.raises(tk.NotAuthorized, match="enlace de datos abiertos"):
        act(people.editor, "submission_create", owner_org=people.org["id"], formato=workbook, archivos=data, **OFICIO)
    with pytest.raises(tk.NotAuthorized, match="Inicie sesión"):
        act(None, "submission_list")
    created = _entrega(people)
    with pytest.raises(tk.NotAuthorized, match="Inicie sesión"):
        act(None, "submission_show", id=created["id"])


def test_workbook_of_another_dependencia_is_reported(people):
    # The Medio Ambiente enlace uploads Infraestructura's workbook (id_dependencia 12) for Medio Ambiente (27).
    workbook, data = example_files("obra-publica")
    created = act(people.otro, "submission_create", owner_org=people.other_org["id"], formato=workbook,
                  archivos=data, **OFICIO)
    run_jobs()
    shown = act(people.otro, "submission_show", id=created["id"])
    assert shown["state"] == "con_errores"
    assert shown["report"]["errors"][0]["code"] == "dependencia-distinta"
    with pytest.raises(tk.ValidationError, match="errores"):
        act(people.otro, "submission_apply", id=created["id"])
