"""E-mails at each transition, captured by a real SMTP server (aiosmtpd) through CKAN's mailer."""

from __future__ import annotations

import pytest

from .conftest import PERSONAL_KEY, PLUGINS, REPORT, act, new_dataset

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
    dataset = new_dataset(people)

    act(people.datos, "workflow_transition", id=dataset["id"], transition="enviar_revision",
        validation_report=REPORT, oficio_numero="SMI/DA/0123/2024", oficio_fecha="2024-05-02")
    smtp.wait(3)
    assert {tuple(m.to)[0] for m in smtp.messages} == {SEGURIDAD, TRANSPARENCIA, DATOS}
    to_security = smtp.to(SEGURIDAD)[0]
    assert to_security.subject == "En revisión: Obras públicas 2024"
    assert "Le corresponde actuar como Enlace de Seguridad" in to_security.body
    assert "jperez (Enlace de Datos Abiertos) registró «Enviar a revisión»" in to_security.body
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
    assert "admin-portal (Enlace de Datos Abiertos, como administración)" in smtp.to(SEGURIDAD)[0].body
