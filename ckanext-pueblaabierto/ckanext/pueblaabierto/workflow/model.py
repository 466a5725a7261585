"""Tables of the workflow: role assignments, current state per dataset, the transition record.

They live on their own ``MetaData`` (not CKAN's): CKAN's test helper ``delete_all`` issues
``DELETE`` on every table of CKAN's metadata, and the transition record refuses DELETE at the
database level (trigger in the migration) — the record must survive even a broken portal.
Tests truncate these tables instead (TRUNCATE does not fire row triggers).

The tables are created by the plugin's alembic migration (``ckan db upgrade -p pueblaabierto``).
No foreign keys to ``package``/``user``: purging a dataset or a user must not erase or block
its audit record, and names are copied into the record for the same reason.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import ckan.model as model
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, declarative_base

metadata = sa.MetaData()
Base = declarative_base(metadata=metadata)

ROLE_TABLE = "pueblaabierto_workflow_role"
STATE_TABLE = "pueblaabierto_workflow_state"
TRANSITION_TABLE = "pueblaabierto_workflow_transition"
NOTICE_FAILURE_TABLE = "pueblaabierto_workflow_notice_failure"


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


class RoleAssignment(Base):
    """One role held by one user; ``organization_id`` only for per-dependency roles.

    Revoking keeps the row (``revoked_at``) so auditors can tell who could approve when.
    """

    __tablename__ = ROLE_TABLE

    id: Mapped[str] = sa.Column(sa.UnicodeText, primary_key=True, default=lambda: str(uuid.uuid4()))
    user_id: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, index=True)
    role: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)
    organization_id: Mapped[str | None] = sa.Column(sa.UnicodeText, nullable=True, index=True)
    assigned_by: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)
    assigned_at: Mapped[datetime.datetime] = sa.Column(sa.DateTime(timezone=True), nullable=False, default=_now)
    revoked_by: Mapped[str | None] = sa.Column(sa.UnicodeText, nullable=True)
    revoked_at: Mapped[datetime.datetime | None] = sa.Column(sa.DateTime(timezone=True), nullable=True)


class WorkflowState(Base):
    """Where a dataset is in the procedure now (one row per dataset in the workflow)."""

    __tablename__ = STATE_TABLE

    package_id: Mapped[str] = sa.Column(sa.UnicodeText, primary_key=True)
    state: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)
    # reviewer role -> user id, for the current round of en_revision
    approvals: Mapped[dict[str, str]] = sa.Column(JSONB, nullable=False, default=dict)
    # The validation report sent with enviar_revision (pipeline's Report.to_dict()).
    report: Mapped[dict[str, Any] | None] = sa.Column(JSONB, nullable=True)
    # The user who sent it to review: the "requester" the notifications go to.
    requested_by: Mapped[str | None] = sa.Column(sa.UnicodeText, nullable=True)
    # For an update of a published dataset: the id of the public dataset it will replace.
    revision_of: Mapped[str | None] = sa.Column(sa.UnicodeText, nullable=True, index=True)
    updated_at: Mapped[datetime.datetime] = sa.Column(sa.DateTime(timezone=True), nullable=False, default=_now)


class Transition(Base):
    """One step of the procedure, as it happened. Append-only (trigger in the migration)."""

    __tablename__ = TRANSITION_TABLE

    id: Mapped[int] = sa.Column(sa.BigInteger, primary_key=True, autoincrement=True)
    package_id: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, index=True)
    package_name: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)
    package_title: Mapped[str | None] = sa.Column(sa.UnicodeText, nullable=True)
    organization_id: Mapped[str | None] = sa.Column(sa.UnicodeText, nullable=True)
    organization_name: Mapped[str | None] = sa.Column(sa.UnicodeText, nullable=True)
    transition: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)
    from_state: Mapped[str | None] = sa.Column(sa.UnicodeText, nullable=True)
    to_state: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)
    user_id: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)
    user_name: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)
    role: Mapped[str | None] = sa.Column(sa.UnicodeText, nullable=True)
    as_sysadmin: Mapped[bool] = sa.Column(sa.Boolean, nullable=False, default=False)
    comment: Mapped[str | None] = sa.Column(sa.UnicodeText, nullable=True)
    oficio_numero: Mapped[str | None] = sa.Column(sa.UnicodeText, nullable=True)
    oficio_fecha: Mapped[datetime.date | None] = sa.Column(sa.Date, nullable=True)
    acknowledged_findings: Mapped[list[Any] | None] = sa.Column(JSONB, nullable=True)
    created_at: Mapped[datetime.datetime] = sa.Column(sa.DateTime(timezone=True), nullable=False, default=_now)

    @classmethod
    def about(cls, package_id: str, package_name: str, package_title: str | None, owner_org: str | None,
              user: model.User, **fields: Any) -> Transition:
        """A record that keeps the dataset's, dependencia's and user's names as they were then,
        so the audit trail reads the same after renames or deletions."""
        org = model.Group.get(owner_org) if owner_org else None
        return cls(
            package_id=package_id,
            package_name=package_name,
            package_title=package_title,
            organization_id=org.id if org else None,
            organization_name=org.name if org else None,
            user_id=user.id,
            user_name=user.name,
            **fields,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "package_id": self.package_id,
            "package_name": self.package_name,
            "package_title": self.package_title,
            "organization_id": self.organization_id,
            "organization_name": self.organization_name,
            "transition": self.transition,
            "from_state": self.from_state,
            "to_state": self.to_state,
            "user_id": self.user_id,
            "user_name": self.user_name,
            "role": self.role,
            "as_sysadmin": self.as_sysadmin,
            "comment": self.comment or "",
            "oficio_numero": self.oficio_numero or "",
            "oficio_fecha": self.oficio_fecha.isoformat() if self.oficio_fecha else "",
            "acknowledged_findings": self.acknowledged_findings or [],
            "created_at": self.created_at.isoformat() if self.created_at else "",
        }


class NoticeFailure(Base):
    """An e-mail of a transition that could not be sent.

    Its own table because the transition record is append-only (no UPDATE) and the e-mail goes
    out after the step is committed; the history shows the step as "Aviso por correo no
    enviado" so the people involved know to tell the next actor another way.
    """

    __tablename__ = NOTICE_FAILURE_TABLE

    id: Mapped[int] = sa.Column(sa.BigInteger, primary_key=True, autoincrement=True)
    transition_id: Mapped[int] = sa.Column(sa.BigInteger, nullable=False, index=True)
    email: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)
    error: Mapped[str | None] = sa.Column(sa.UnicodeText, nullable=True)
    created_at: Mapped[datetime.datetime] = sa.Column(sa.DateTime(timezone=True), nullable=False, default=_now)


def session() -> Any:
    """CKAN's scoped session: our writes commit together with the dataset change."""
    return model.Session


def get_state(package_id: str) -> WorkflowState | None:
    return session().get(WorkflowState, package_id)


def history(package_id: str) -> list[Transition]:
    return session().query(Transition).filter(Transition.package_id == package_id).order_by(Transition.id).all()


def notice_failures(transition_ids: list[int]) -> dict[int, list[str]]:
    """transition id -> addresses its e-mail could not reach."""
    if not transition_ids:
        return {}
    result: dict[int, list[str]] = {}
    rows = session().query(NoticeFailure).filter(NoticeFailure.transition_id.in_(transition_ids))
    for row in rows.order_by(NoticeFailure.id):
        result.setdefault(row.transition_id, []).append(row.email)
    return result


def active_roles(user_id: str | None = None, organization_id: str | None = None) -> list[RoleAssignment]:
    query = session().query(RoleAssignment).filter(RoleAssignment.revoked_at.is_(None))
    if user_id is not None:
        query = query.filter(RoleAssignment.user_id == user_id)
    if organization_id is not None:
        query = query.filter(RoleAssignment.organization_id == organization_id)
    return query.order_by(RoleAssignment.assigned_at).all()


def truncate_all(connection: Any) -> None:
    """Empty the workflow tables (tests only): TRUNCATE bypasses the append-only trigger."""
    connection.execute(
        sa.text(f"TRUNCATE {ROLE_TABLE}, {STATE_TABLE}, {TRANSITION_TABLE}, {NOTICE_FAILURE_TABLE}")
    )
