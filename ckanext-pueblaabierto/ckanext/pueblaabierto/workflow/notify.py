"""E-mail at each transition: to whoever must act next and to the requester (CKAN's mailer).

The requester is whoever sent the dataset to review (``enviar_revision``); the next actors are
the holders of the roles the new state waits for (the dataset's dependency for per-dependency
roles). The publication e-mail carries the public link. Texts are Spanish through ``_``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import mailer

from . import machine, roles
from . import model as wf_model
from .machine import _

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
        user=record.user_name,
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
    if record.to_state != machine.PUBLICADO:
        for role in next_roles:
            for user in roles.holders(role, record.organization_id):
                if user.email and user.id != record.user_id:
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
    for message in messages_for(record, public_id):
        try:
            mailer.mail_recipient(message.name, message.email, message.subject, message.body)
        except mailer.MailerException:
            log.exception("No se pudo enviar el aviso a %s", message.email)
