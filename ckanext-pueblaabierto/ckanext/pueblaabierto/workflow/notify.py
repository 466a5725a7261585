"""E-mail at each transition: to whoever must act next and to the requester (CKAN's mailer).

The requester is whoever sent the dataset to review (``enviar_revision``); the next actors are
the holders of the roles the new state waits for (the dataset's dependency for per-dependency
roles). The publication e-mail carries the public link. Starting an update of a published
dataset (``iniciar_actualizacion``) tells the dependency's enlace de datos abiertos, who must
prepare the copy, and whoever started it. Texts are Spanish through ``_``.

An e-mail that cannot be sent is recorded (``NoticeFailure``) against its transition, so the
dataset's history says "Aviso por correo no enviado" where the liaisons look.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import mailer

from ..people import full_name
from ..translate import _
from . import machine, roles
from . import model as wf_model

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    name: str
    email: str
    subject: str
    body: str


def dataset_url(name: str) -> str:
    return tk.config.get("ckan.site_url").rstrip("/") + "/dataset/" + name


def pending_url() -> str:
    return tk.config.get("ckan.site_url").rstrip("/") + "/flujo/pendientes"


def messages_for(record: wf_model.Transition, public_id: str) -> list[Message]:
    """The e-mails one recorded transition produces (pure apart from reading users/roles)."""
    row = wf_model.get_state(record.package_id)
    approvals = dict(row.approvals or {}) if row is not None else {}
    public = model.Package.get(public_id)
    title = record.package_title or record.package_name
    link = dataset_url(public.name if public is not None else record.package_name)
    step = _("{user} ({role}) registró «{transition}» para «{title}».").format(
        user=full_name(record.user_id, record.user_name),
        role=machine.role_label(record.role or "") + (_(", como administración") if record.as_sysadmin else ""),
        transition=machine.transition_label(record.transition),
        title=title,
    )
    details = [step, _("Estado actual: {state}.").format(state=machine.state_label(record.to_state))]
    if record.comment:
        details.append(_("Observaciones: {comment}").format(comment=record.comment))
    if record.oficio_numero:
        details.append(
            _("Oficio: {numero} {fecha}").format(
                numero=record.oficio_numero, fecha=record.oficio_fecha.isoformat() if record.oficio_fecha else ""
            ).strip()
        )

    recipients: dict[str, tuple[model.User, str]] = {}
    next_roles = machine.pending_roles(record.to_state, approvals)
    # Whoever starts an update usually is the enlace de datos abiertos who must prepare it:
    # unlike other steps, the actor is told it is their turn.
    starts_update = record.transition == machine.INICIAR_ACTUALIZACION
    if record.to_state != machine.PUBLICADO:
        for role in next_roles:
            for user in roles.holders(role, record.organization_id):
                if user.email and (user.id != record.user_id or starts_update):
                    recipients.setdefault(user.email, (user, "next"))
    requester = model.User.get(row.requested_by) if row is not None and row.requested_by else None
    if requester is not None and requester.email:
        recipients.setdefault(requester.email, (requester, "requester"))
    if record.to_state == machine.PUBLICADO:
        # Publication ends the procedure: the dependency's liaisons learn the public link too.
        for role in machine.ORGANIZATION_ROLES:
            for user in roles.holders(role, record.organization_id):
                if user.email:
                    recipients.setdefault(user.email, (user, "requester"))

    if record.to_state == machine.PUBLICADO:
        subject = _("Publicado: {title}").format(title=title)
        action_text = _("El conjunto de datos ya es público en: {link}").format(link=link)
    elif starts_update:
        subject = _("Actualización en preparación: {title}").format(title=title)
        action_text = _(
            "La versión publicada no cambia hasta que se apruebe. Edite la copia y envíela a revisión: {link}"
        ).format(link=link)
    elif record.transition == machine.RECHAZAR:
        subject = _("Rechazado con observaciones: {title}").format(title=title)
        action_text = _("Atienda las observaciones y vuelva a enviarlo a revisión: {link}").format(link=link)
    else:
        subject = _("{state}: {title}").format(state=machine.state_label(record.to_state), title=title)
        action_text = _("Revíselo en: {link}").format(link=link)

    result = []
    for email, (user, why) in recipients.items():
        lines = list(details)
        if why == "next":
            lines.append(
                _("Le corresponde actuar como {roles}.").format(
                    roles=_(" o ").join(
                        machine.role_label(r)
                        for r in next_roles
                        if r in roles.roles_for(user.id, record.organization_id)
                    )
                    or _(" o ").join(machine.role_label(r) for r in next_roles)
                )
            )
            lines.append(_("Sus pendientes: {url}").format(url=pending_url()))
        lines.append(action_text)
        body = "\n\n".join(lines) + "\n\n-- \n" + _("Puebla Abierto, portal de datos abiertos del Municipio de Puebla")
        result.append(Message(user.fullname or user.name, email, subject, body))
    return result


def after_transition(record: wf_model.Transition, public_id: str) -> None:
    if not tk.config.get("smtp.server"):
        log.info("Sin smtp.server: no se envían avisos del flujo.")
        return
    failed: dict[str, str] = {}
    for message in messages_for(record, public_id):
        try:
            mailer.mail_recipient(message.name, message.email, message.subject, message.body)
        except Exception as error:  # noqa: BLE001 - one bad address or server must not stop the rest
            failed[message.email] = str(error)[:500]
            # One line: the step is recorded and the history shows the failure; a traceback
            # per recipient would bury it.
            log.warning(
                "Aviso por correo no enviado (transición %s, %s) a %s: %s",
                record.id, record.transition, message.email, error,
            )
    if failed:
        _record_failures(record.id, failed)


def _record_failures(transition_id: int, failed: dict[str, str]) -> None:
    session = wf_model.session()
    try:
        for email, error in failed.items():
            session.add(wf_model.NoticeFailure(transition_id=transition_id, email=email, error=error))
        session.commit()
    except Exception as error:  # noqa: BLE001 - e.g. the migration not applied yet; the log line stays
        session.rollback()
        log.warning("No se pudo registrar el aviso no enviado de la transición %s: %s", transition_id, error)
