"""E-mails at each transition, captured by a real SMTP server (aiosmtpd) through CKAN's mailer."""

from __future__ import annotations

import csv
import io
import logging

import pytest
from ckan.tests import factories
from ckanext.pueblaabierto.workflow import model as wf_model

from .conftest import PERSONAL_KEY, PLUGINS, REPORT, _free_port, act, new_dataset, publish_path

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins"),
]

DATOS = "jperez@pueblacapital.gob.mx"
SEGURIDAD = "mlopez@pueblacapital.gob.mx"
TRANSPARENCIA = "agarcia@pueblacapital.gob.mx"
TECNICO = "rnunez@pueblacapital.gob.mx"
OUTSIDER = "otra@pueblacapital.gob.mx"


def test_each_transition_notifies_next_actors_and_requester(people, smtp):
    dataset = new_dataset(people, personal=True)

    act(people.datos, "workflow_transition", id=dataset["id"], transition="enviar_revision",
        validation_report=REPORT, oficio_numero="SMI/DA/0123/2024", oficio_fecha="2024-05-02")
    smtp.wait(3)
    assert {tuple(m.to)[0] for m in smtp.messages} == {SEGURIDAD, TRANSPARENCIA, DATOS}
    to_security = smtp.to(SEGURIDAD)[0]
    assert to_security.subject == "En revisión: Obras públicas 2024"
    assert "Le corresponde actuar como Enlace de Seguridad" in to_security.body
    # People by their full name, not their user name (issue 13, point 6).
    assert "Juan Pérez (Enlace de Datos Abiertos) registró «Enviar a revisión»" in to_security.body
    assert "Oficio: SMI/DA/0123/2024 2024-05-02" in to_security.body
    assert "http://test.ckan.net/flujo/pendientes" in to_security.body
    assert "Le corresponde" not in smtp.to(DATOS)[0].body  # the requester is informed, not asked

    smtp.messages.clear()
    act(people.transparencia, "workflow_transition", id=dataset["id"], transition="aprobar")
    smtp.wait(2)
    # Still waiting for security: security is reminded, the requester informed; transparency is done.
    assert {m.to[0] for m in smtp.messages} == {SEGURIDAD, DATOS}

    smtp.messages.clear()
    act(people.seguridad, "workflow_transition", id=dataset["id"], transition="aprobar",
        acknowledged_findings=[PERSONAL_KEY])
    smtp.wait(1)
    assert [m.to[0] for m in smtp.messages] == [DATOS]
    assert smtp.messages[0].subject == "Revisión aprobada: Obras públicas 2024"
    assert "Le corresponde actuar como Enlace de Datos Abiertos" in smtp.messages[0].body

    smtp.messages.clear()
    act(people.datos, "workflow_transition", id=dataset["id"], transition="solicitar_publicacion")
    smtp.wait(2)
    assert {m.to[0] for m in smtp.messages} == {TECNICO, DATOS}
    assert "Le corresponde actuar como Enlace Técnico" in smtp.to(TECNICO)[0].body

    smtp.messages.clear()
    act(people.tecnico, "workflow_transition", id=dataset["id"], transition="publicar")
    smtp.wait(2)
    assert {m.to[0] for m in smtp.messages} == {DATOS, SEGURIDAD}
    published = smtp.to(DATOS)[0]
    assert published.subject == "Publicado: Obras públicas 2024"
    assert "El conjunto de datos ya es público en: http://test.ckan.net/dataset/obras-publicas" in published.body
    assert not smtp.to(OUTSIDER)


def test_rejection_mail_carries_the_observations(people, smtp):
    dataset = new_dataset(people)
    act(people.datos, "workflow_transition", id=dataset["id"], transition="enviar_revision")
    smtp.wait(3)
    smtp.messages.clear()
    act(people.seguridad, "workflow_transition", id=dataset["id"], transition="rechazar",
        comment="La columna teléfono tiene números particulares.")
    smtp.wait(1)
    assert [m.to[0] for m in smtp.messages] == [DATOS]
    mail = smtp.messages[0]
    assert mail.subject == "Rechazado con observaciones: Obras públicas 2024"
    assert "Observaciones: La columna teléfono tiene números particulares." in mail.body
    assert "vuelva a enviarlo a revisión" in mail.body


def test_sysadmin_in_role_is_named_in_the_mail(people, smtp):
    dataset = new_dataset(people)
    act(people.sysadmin, "workflow_transition", id=dataset["id"], transition="enviar_revision")
    smtp.wait(2)
    # By full name (the factory's), as everyone else is.
    full_name = people.sysadmin["fullname"]
    assert full_name and full_name != "admin-portal"
    assert f"{full_name} (Enlace de Datos Abiertos, como administración)" in smtp.to(SEGURIDAD)[0].body


def test_starting_an_update_tells_who_prepares_it_and_the_requester(people, smtp):
    dataset = new_dataset(people)
    publish_path(people, dataset["id"])
    smtp.messages.clear()

    shadow = act(people.datos, "workflow_update_start", id=dataset["id"])
    smtp.wait(1)
    # The enlace de datos abiertos started it and must prepare it: one e-mail saying so.
    assert [m.to[0] for m in smtp.messages] == [DATOS]
    mail = smtp.messages[0]
    assert mail.subject == "Actualización en preparación: Obras públicas 2024"
    assert "Juan Pérez (Enlace de Datos Abiertos) registró «Iniciar actualización»" in mail.body
    assert "Le corresponde actuar como Enlace de Datos Abiertos" in mail.body
    assert f"http://test.ckan.net/dataset/{shadow['name']}" in mail.body
    assert "La versión publicada no cambia hasta que se apruebe" in mail.body

    # Started by the portal's administration: the liaison is asked to act, the requester informed.
    other = new_dataset(people, name="presupuesto", title="Presupuesto 2024")
    act(people.sysadmin, "workflow_demo_publish", id=other["id"])
    smtp.messages.clear()
    act(people.sysadmin, "workflow_update_start", id=other["id"])
    smtp.wait(2)
    requester = people.sysadmin["email"]
    assert {m.to[0] for m in smtp.messages} == {DATOS, requester}
    assert "Le corresponde actuar como Enlace de Datos Abiertos" in smtp.to(DATOS)[0].body
    assert "Le corresponde" not in smtp.to(requester)[0].body
    assert not smtp.to(SEGURIDAD) and not smtp.to(OUTSIDER)


@pytest.mark.ckan_config("WTF_CSRF_ENABLED", False)
def test_unsent_mail_is_shown_in_the_history(app, people, ckan_config, monkeypatch, caplog):
    # Nothing listens on this port: every e-mail of the step fails.
    monkeypatch.setitem(ckan_config, "smtp.server", f"127.0.0.1:{_free_port()}")
    monkeypatch.setitem(ckan_config, "smtp.mail_from", "puebla-abierto@pueblacapital.gob.mx")
    dataset = new_dataset(people)
    # The test ini's logging setup (fileConfig) disables loggers created before it.
    notify_log = logging.getLogger("ckanext.pueblaabierto.workflow.notify")
    monkeypatch.setattr(notify_log, "disabled", False)
    with caplog.at_level(logging.WARNING, logger=notify_log.name):
        result = act(people.datos, "workflow_transition", id=dataset["id"], transition="enviar_revision")
    # The step itself is recorded; the failure is marked on it.
    assert result["state"] == "en_revision"
    assert [h["notice_failed"] for h in result["history"]] == [True]
    failures = wf_model.notice_failures([result["history"][0]["id"]])
    assert sorted(failures[result["history"][0]["id"]]) == sorted([DATOS, SEGURIDAD, TRANSPARENCIA])
    ours = [r for r in caplog.records if r.name == notify_log.name]
    assert len(ours) == 3 and all(r.exc_info is None and "\n" not in r.getMessage() for r in ours)
    assert all("Aviso por correo no enviado (transición" in r.getMessage() for r in ours)

    headers = {"Authorization": factories.APIToken(user=people.seguridad["name"])["token"]}
    page = app.get(f"/dataset/{dataset['name']}/flujo", headers=headers).get_data(as_text=True)
    assert page.count("Aviso por correo no enviado") == 1
    # The auditors' CSV says it too.
    rows = list(csv.DictReader(io.StringIO(act(people.transparencia, "workflow_history_csv", id=dataset["id"]))))
    assert [r["notice_failed"] for r in rows] == ["si"]


def test_sent_mail_leaves_the_history_unmarked(people, smtp):
    dataset = new_dataset(people)
    result = act(people.datos, "workflow_transition", id=dataset["id"], transition="enviar_revision")
    smtp.wait(3)
    assert [h["notice_failed"] for h in result["history"]] == [False]
    rows = list(csv.DictReader(io.StringIO(act(people.transparencia, "workflow_history_csv", id=dataset["id"]))))
    assert [r["notice_failed"] for r in rows] == ["no"]
