"""The FORM.317 validation workflow as a pure, table-driven state machine.

No CKAN, no database: ``decide`` takes the current state, the requested transition and what
the actor holds, and returns what to record or raises ``Refused`` with a Spanish message.
Keeping it pure lets the tests walk every (role x state x transition) combination cheaply and
keeps the procedure readable in one table (``RULES``).

User-facing strings go through ``_`` (translate.py: CKAN's i18n when available, identity
otherwise), so the module still imports without a CKAN request context.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ..translate import _

# -- Vocabulary ---------------------------------------------------------------------

BORRADOR = "borrador"
EN_REVISION = "en_revision"
REVISION_APROBADA = "revision_aprobada"
EN_VALIDACION_TECNICA = "en_validacion_tecnica"
PUBLICADO = "publicado"
STATES = (BORRADOR, EN_REVISION, REVISION_APROBADA, EN_VALIDACION_TECNICA, PUBLICADO)

ENVIAR_REVISION = "enviar_revision"
APROBAR = "aprobar"
RECHAZAR = "rechazar"
SOLICITAR_PUBLICACION = "solicitar_publicacion"
PUBLICAR = "publicar"
TRANSITIONS = (ENVIAR_REVISION, APROBAR, RECHAZAR, SOLICITAR_PUBLICACION, PUBLICAR)
# Recorded when an update of a published dataset starts (updates.py); not a transition one
# requests through ``decide``, but it appears in the history and its e-mail.
INICIAR_ACTUALIZACION = "iniciar_actualizacion"

DATOS = "enlace_datos_abiertos"
SEGURIDAD = "enlace_seguridad"
TRANSPARENCIA = "enlace_transparencia"
TECNICO = "enlace_tecnico"
ROLES = (DATOS, SEGURIDAD, TRANSPARENCIA, TECNICO)
# Roles held per Dependencia (organization); the others span every dependency.
ORGANIZATION_ROLES = (DATOS, SEGURIDAD)
GLOBAL_ROLES = (TRANSPARENCIA, TECNICO)
# Both reviewers of step 3 of the procedure ("análisis conjunto").
REVIEWERS = (SEGURIDAD, TRANSPARENCIA)


def state_label(state: str) -> str:
    return {
        BORRADOR: _("Borrador"),
        EN_REVISION: _("En revisión"),
        REVISION_APROBADA: _("Revisión aprobada"),
        EN_VALIDACION_TECNICA: _("En validación técnica"),
        PUBLICADO: _("Publicado"),
        "eliminado": _("Eliminado"),
    }.get(state, state)


def role_label(role: str) -> str:
    return {
        DATOS: _("Enlace de Datos Abiertos"),
        SEGURIDAD: _("Enlace de Seguridad"),
        TRANSPARENCIA: _("Enlace de Transparencia"),
        TECNICO: _("Enlace Técnico"),
    }.get(role, role)


def transition_label(transition: str) -> str:
    return {
        ENVIAR_REVISION: _("Enviar a revisión"),
        APROBAR: _("Aprobar"),
        RECHAZAR: _("Rechazar"),
        SOLICITAR_PUBLICACION: _("Solicitar publicación"),
        PUBLICAR: _("Publicar"),
        INICIAR_ACTUALIZACION: _("Iniciar actualización"),
        # A sysadmin's deletion of a published dataset and its undoing (deletion.py).
        "eliminar": _("Eliminar (administración)"),
        "restaurar": _("Restaurar (administración)"),
        "purgar": _("Purgar (administración)"),
    }.get(transition, transition)


# -- The table ----------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    transition: str
    from_state: str
    roles: tuple[str, ...]
    to_state: str
    requires_comment: bool = False


RULES: tuple[Rule, ...] = (
    Rule(ENVIAR_REVISION, BORRADOR, (DATOS,), EN_REVISION),
    # ``aprobar`` stays in en_revision until both reviewers approved (see ``decide``).
    Rule(APROBAR, EN_REVISION, REVIEWERS, REVISION_APROBADA),
    Rule(RECHAZAR, EN_REVISION, REVIEWERS, BORRADOR, requires_comment=True),
    Rule(SOLICITAR_PUBLICACION, REVISION_APROBADA, (DATOS,), EN_VALIDACION_TECNICA),
    Rule(RECHAZAR, EN_VALIDACION_TECNICA, (TECNICO,), BORRADOR, requires_comment=True),
    Rule(PUBLICAR, EN_VALIDACION_TECNICA, (TECNICO,), PUBLICADO),
)


def rule_for(state: str, transition: str) -> Rule | None:
    for rule in RULES:
        if rule.from_state == state and rule.transition == transition:
            return rule
    return None


# -- Decisions ----------------------------------------------------------------------


class Refused(Exception):
    """The transition is not allowed; ``message`` is Spanish and meant for the user."""

    def __init__(self, message: str, kind: str = "state") -> None:
        super().__init__(message)
        self.message = message
        # "role": the actor lacks the role (HTTP 403); "state"/"input": a conflict (409).
        self.kind = kind


@dataclass(frozen=True)
class Actor:
    """Who asks: the workflow roles they hold *for this dataset* and whether they are sysadmin."""

    user_id: str
    roles: frozenset[str] = frozenset()
    sysadmin: bool = False


@dataclass(frozen=True)
class Decision:
    """What to record: the role acted in, the new state and the approvals after the step."""

    transition: str
    from_state: str
    to_state: str
    role: str
    as_sysadmin: bool  # True when a sysadmin acted in a role they do not hold
    approvals: Mapping[str, str] = field(default_factory=dict)  # role -> user id


def pending_roles(state: str, approvals: Mapping[str, str]) -> list[str]:
    """The roles whose action the dataset waits for, in the procedure's order."""
    if state == BORRADOR:
        return [DATOS]
    if state == EN_REVISION:
        return [role for role in REVIEWERS if role not in approvals]
    if state == REVISION_APROBADA:
        return [DATOS]
    if state == EN_VALIDACION_TECNICA:
        return [TECNICO]
    return []


def allowed_transitions(state: str, actor: Actor, approvals: Mapping[str, str] | None = None) -> list[str]:
    """Transitions this actor may attempt now (for buttons); ``decide`` has the last word."""
    approvals = approvals or {}
    result = []
    for rule in RULES:
        if rule.from_state != state or rule.transition in result:
            continue
        roles = [r for r in rule.roles if actor.sysadmin or r in actor.roles]
        if rule.transition == APROBAR:
            roles = [r for r in roles if r not in approvals]
        if roles:
            result.append(rule.transition)
    return result


def decide(
    state: str,
    transition: str,
    actor: Actor,
    *,
    approvals: Mapping[str, str] | None = None,
    as_role: str | None = None,
    comment: str = "",
    personal_findings: Iterable[str] = (),
    acknowledged_findings: Iterable[str] = (),
    sender: str | None = None,
    demo: bool = False,
) -> Decision:
    """Check one request against the procedure; return the ``Decision`` or raise ``Refused``.

    ``approvals`` maps reviewer role -> user id of the approvals collected in this round.
    ``sender`` is the user id who sent the dataset to review: separation of duties forbids
    them any approval of it, in any role, sysadmins included. Only ``demo`` (the sysadmin's
    ``workflow_demo_publish``, recorded as such) lets one person walk the whole path.
    ``personal_findings`` are the keys of the personal-data findings of the submission's
    validation report; the enlace de seguridad must list each one in ``acknowledged_findings``.
    A key with a ``label`` (report.FindingKey) is named by it in the refusal, so people read
    «CURP en datos.csv, columna «curp», filas 3 y 7», not the key.
    """
    approvals = dict(approvals or {})
    if state not in STATES:
        raise Refused(_("Estado desconocido: {state}.").format(state=state))
    if transition not in TRANSITIONS:
        raise Refused(
            _("Transición desconocida: {transition}. Las válidas son: {valid}.").format(
                transition=transition, valid=", ".join(TRANSITIONS)
            )
        )
    if as_role is not None and as_role not in ROLES:
        raise Refused(_("Rol desconocido: {role}.").format(role=as_role))

    rule = rule_for(state, transition)
    if rule is None:
        possible = [r.transition for r in RULES if r.from_state == state]
        if state == PUBLICADO:
            raise Refused(
                _(
                    "El conjunto de datos ya está publicado. Para cambiarlo, cree una actualización, "
                    "que seguirá la misma revisión."
                )
            )
        raise Refused(
            _("No se puede «{transition}» un conjunto de datos en estado «{state}». Posibles: {possible}.").format(
                transition=transition_label(transition),
                state=state_label(state),
                possible=", ".join(transition_label(t) for t in dict.fromkeys(possible)),
            )
        )

    candidates = list(rule.roles)
    if transition == APROBAR:
        candidates = [role for role in candidates if role not in approvals]
    if as_role is not None:
        if as_role not in rule.roles:
            raise Refused(
                _("El rol {role} no puede «{transition}» en estado «{state}».").format(
                    role=role_label(as_role), transition=transition_label(transition), state=state_label(state)
                )
            )
        if as_role not in candidates:
            raise Refused(_("La aprobación del {role} ya está registrada.").format(role=role_label(as_role)))
        candidates = [as_role]
        if as_role not in actor.roles and not actor.sysadmin:
            raise Refused(
                _("Usted no tiene el rol {role} para este conjunto de datos: no puede actuar en él.").format(
                    role=role_label(as_role)
                ),
                kind="role",
            )

    held = [role for role in candidates if role in actor.roles]
    if held:
        role, as_sysadmin = held[0], False
    elif actor.sysadmin and candidates:
        role, as_sysadmin = candidates[0], True
    else:
        if transition == APROBAR and not candidates:
            raise Refused(_("Las dos aprobaciones ya están registradas."))
        if transition == APROBAR and any(r in actor.roles for r in rule.roles):
            raise Refused(_("Su aprobación ya está registrada; falta la del otro revisor."))
        raise Refused(
            _("Solo {roles} puede «{transition}» un conjunto de datos en estado «{state}».").format(
                roles=_(" o ").join(role_label(r) for r in rule.roles),
                transition=transition_label(transition),
                state=state_label(state),
            ),
            kind="role",
        )

    if rule.requires_comment and not (comment or "").strip():
        raise Refused(_("Para rechazar escriba las observaciones en el comentario."), kind="input")

    if transition == APROBAR:
        if not demo and sender and sender == actor.user_id:
            raise Refused(
                _(
                    "Usted envió este conjunto de datos a revisión: no puede aprobarlo, en ningún rol. "
                    "La aprobación corresponde a otra persona."
                ),
                kind="role",
            )
        other = [r for r in REVIEWERS if r != role and r in approvals]
        if not demo and any(approvals[r] == actor.user_id for r in other):
            raise Refused(_("Las dos aprobaciones deben venir de personas distintas."), kind="role")
        if role == SEGURIDAD:
            missing = [key for key in personal_findings if key not in set(acknowledged_findings)]
            if missing:
                raise Refused(
                    _(
                        "Antes de aprobar, el Enlace de Seguridad debe reconocer cada hallazgo de datos "
                        "personales. Faltan: {missing}."
                    ).format(missing="; ".join(getattr(key, "label", key) for key in missing)),
                    kind="input",
                )
        approvals[role] = actor.user_id
        to_state = REVISION_APROBADA if all(r in approvals for r in REVIEWERS) else EN_REVISION
    else:
        to_state = rule.to_state
        # A new round of review starts with no approvals.
        approvals = {}

    return Decision(
        transition=transition,
        from_state=state,
        to_state=to_state,
        role=role,
        as_sysadmin=as_sysadmin,
        approvals=approvals,
    )
