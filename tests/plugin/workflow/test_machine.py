"""The pure state machine: every (state x transition x role) combination, written out by hand.

The expected table below is deliberately spelled independently of ``machine.RULES`` (from the
issue's text), so a wrong rule in the module makes these tests fail.
"""

from __future__ import annotations

import itertools

import pytest
from ckanext.pueblaabierto.workflow import machine as m

# (state, transition) -> roles allowed, copied from issue 7 item 2.
ALLOWED = {
    ("borrador", "enviar_revision"): {"enlace_datos_abiertos"},
    ("en_revision", "aprobar"): {"enlace_seguridad", "enlace_transparencia"},
    ("en_revision", "rechazar"): {"enlace_seguridad", "enlace_transparencia"},
    ("revision_aprobada", "solicitar_publicacion"): {"enlace_datos_abiertos"},
    ("en_validacion_tecnica", "rechazar"): {"enlace_tecnico"},
    ("en_validacion_tecnica", "publicar"): {"enlace_tecnico"},
}
NEXT = {
    ("borrador", "enviar_revision"): "en_revision",
    ("en_revision", "rechazar"): "borrador",
    ("revision_aprobada", "solicitar_publicacion"): "en_validacion_tecnica",
    ("en_validacion_tecnica", "rechazar"): "borrador",
    ("en_validacion_tecnica", "publicar"): "publicado",
}
STATES = ["borrador", "en_revision", "revision_aprobada", "en_validacion_tecnica", "publicado"]
TRANSITIONS = ["enviar_revision", "aprobar", "rechazar", "solicitar_publicacion", "publicar"]
ROLES = ["enlace_datos_abiertos", "enlace_seguridad", "enlace_transparencia", "enlace_tecnico"]


def test_vocabulary_matches_the_issue():
    assert list(m.STATES) == STATES
    assert list(m.TRANSITIONS) == TRANSITIONS
    assert set(m.ROLES) == set(ROLES)


@pytest.mark.parametrize(
    "state,transition,role", list(itertools.product(STATES, TRANSITIONS, ROLES + [None]))
)
def test_every_combination_for_a_plain_user(state, transition, role):
    actor = m.Actor("u1", frozenset([role]) if role else frozenset())
    allowed = role in ALLOWED.get((state, transition), set())
    if not allowed:
        with pytest.raises(m.Refused) as refused:
            m.decide(state, transition, actor, comment="observaciones")
        # Spanish, for a person: never empty, never a Python repr.
        assert refused.value.message and "<" not in refused.value.message
        return
    decision = m.decide(state, transition, actor, comment="observaciones")
    assert decision.role == role
    assert decision.as_sysadmin is False
    if transition == "aprobar":
        assert decision.to_state == "en_revision"  # one approval is not enough
        assert decision.approvals == {role: "u1"}
    else:
        assert decision.to_state == NEXT[(state, transition)]


@pytest.mark.parametrize("state,transition", list(itertools.product(STATES, TRANSITIONS)))
def test_sysadmin_acts_in_any_role_but_only_along_the_path(state, transition):
    actor = m.Actor("admin", sysadmin=True)
    if (state, transition) not in ALLOWED:
        with pytest.raises(m.Refused):
            m.decide(state, transition, actor, comment="x")
        return
    decision = m.decide(state, transition, actor, comment="x")
    assert decision.as_sysadmin is True
    assert decision.role in ALLOWED[(state, transition)]


def test_sysadmin_holding_the_role_is_not_marked_as_acting_for_someone_else():
    actor = m.Actor("admin", frozenset({"enlace_datos_abiertos"}), sysadmin=True)
    assert m.decide("borrador", "enviar_revision", actor).as_sysadmin is False


def test_both_approvals_in_any_order():
    seg = m.Actor("seg", frozenset({"enlace_seguridad"}))
    tra = m.Actor("tra", frozenset({"enlace_transparencia"}))
    for first, second in ((seg, tra), (tra, seg)):
        d1 = m.decide("en_revision", "aprobar", first)
        assert d1.to_state == "en_revision"
        d2 = m.decide("en_revision", "aprobar", second, approvals=d1.approvals)
        assert d2.to_state == "revision_aprobada"
        assert d2.approvals == {"enlace_seguridad": "seg", "enlace_transparencia": "tra"}


def test_the_same_reviewer_cannot_approve_twice():
    seg = m.Actor("seg", frozenset({"enlace_seguridad"}))
    with pytest.raises(m.Refused, match="ya está registrada"):
        m.decide("en_revision", "aprobar", seg, approvals={"enlace_seguridad": "seg"})


def test_one_person_holding_both_reviewer_roles_cannot_give_both_approvals():
    both = m.Actor("u", frozenset({"enlace_seguridad", "enlace_transparencia"}))
    first = m.decide("en_revision", "aprobar", both)
    with pytest.raises(m.Refused, match="personas distintas"):
        m.decide("en_revision", "aprobar", both, approvals=first.approvals)


def test_sysadmin_may_give_both_approvals_in_role_only_for_the_demo():
    admin = m.Actor("admin", sysadmin=True)
    first = m.decide("en_revision", "aprobar", admin, as_role="enlace_seguridad")
    with pytest.raises(m.Refused, match="personas distintas"):
        m.decide("en_revision", "aprobar", admin, approvals=first.approvals)
    second = m.decide("en_revision", "aprobar", admin, approvals=first.approvals, demo=True)
    assert second.role == "enlace_transparencia"
    assert second.to_state == "revision_aprobada"


@pytest.mark.parametrize("approver", [
    m.Actor("u", frozenset({"enlace_datos_abiertos", "enlace_seguridad"})),
    m.Actor("u", frozenset({"enlace_datos_abiertos", "enlace_transparencia"})),
    m.Actor("u", sysadmin=True),
])
def test_whoever_sent_to_review_cannot_approve_in_any_role(approver):
    with pytest.raises(m.Refused, match="envió este conjunto") as refused:
        m.decide("en_revision", "aprobar", approver, sender="u")
    assert refused.value.kind == "role"


def test_acting_in_a_role_not_held_says_so():
    seg = m.Actor("seg", frozenset({"enlace_seguridad"}))
    with pytest.raises(m.Refused, match="no tiene el rol Enlace de Transparencia") as refused:
        m.decide("en_revision", "aprobar", seg, as_role="enlace_transparencia")
    assert refused.value.kind == "role"


def test_rejection_needs_observations_and_resets_approvals():
    tra = m.Actor("tra", frozenset({"enlace_transparencia"}))
    with pytest.raises(m.Refused, match="observaciones"):
        m.decide("en_revision", "rechazar", tra, comment="   ")
    d = m.decide("en_revision", "rechazar", tra, comment="Contiene CURP", approvals={"enlace_seguridad": "s"})
    assert d.to_state == "borrador"
    assert d.approvals == {}


def test_security_must_acknowledge_every_personal_data_finding():
    seg = m.Actor("seg", frozenset({"enlace_seguridad"}))
    findings = ["dato_personal_curp|a.csv, columna \"curp\"", "dato_personal_telefono|a.csv"]
    with pytest.raises(m.Refused, match="reconocer") as refused:
        m.decide("en_revision", "aprobar", seg, personal_findings=findings, acknowledged_findings=findings[:1])
    assert findings[1] in refused.value.message
    assert m.decide("en_revision", "aprobar", seg, personal_findings=findings, acknowledged_findings=findings)
    # Transparency does not acknowledge findings (the issue gives that duty to security only).
    tra = m.Actor("tra", frozenset({"enlace_transparencia"}))
    assert m.decide("en_revision", "aprobar", tra, personal_findings=findings)


def test_as_role_must_fit_the_rule():
    admin = m.Actor("admin", sysadmin=True)
    with pytest.raises(m.Refused, match="no puede"):
        m.decide("borrador", "enviar_revision", admin, as_role="enlace_tecnico")
    with pytest.raises(m.Refused, match="desconocido"):
        m.decide("borrador", "enviar_revision", admin, as_role="jefe")


def test_unknown_transition_and_published_are_explained():
    actor = m.Actor("u", frozenset(ROLES))
    with pytest.raises(m.Refused, match="desconocida"):
        m.decide("borrador", "borrar", actor)
    with pytest.raises(m.Refused, match="actualización"):
        m.decide("publicado", "publicar", actor)


def test_pending_roles_and_allowed_transitions():
    assert m.pending_roles("borrador", {}) == ["enlace_datos_abiertos"]
    assert m.pending_roles("en_revision", {"enlace_seguridad": "s"}) == ["enlace_transparencia"]
    assert m.pending_roles("en_validacion_tecnica", {}) == ["enlace_tecnico"]
    assert m.pending_roles("publicado", {}) == []
    tec = m.Actor("t", frozenset({"enlace_tecnico"}))
    assert m.allowed_transitions("en_validacion_tecnica", tec) == ["rechazar", "publicar"]
    seg = m.Actor("s", frozenset({"enlace_seguridad"}))
    assert m.allowed_transitions("en_revision", seg, {"enlace_seguridad": "s"}) == ["rechazar"]
