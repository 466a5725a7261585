"""Tables of the Entregas (migration f3a9c1d2e4b5)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import ckan.model as model
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import declarative_base

metadata = sa.MetaData()
Base: Any = declarative_base(metadata=metadata)

ENTREGA_TABLE = "pueblaabierto_entrega"
VERSION_TABLE = "pueblaabierto_entrega_version"

# Status of a version.
RECIBIDA, VALIDANDO, CON_ERRORES, VALIDA, APLICANDO, APLICADA, FALLO = (
    "recibida", "validando", "con_errores", "valida", "aplicando", "aplicada", "fallo",
)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


class Entrega(Base):
    """One FORM.317 delivery of a dependencia; its uploads are its versions."""

    __tablename__ = ENTREGA_TABLE

    id = sa.Column(sa.UnicodeText, primary_key=True, default=lambda: str(uuid.uuid4()))
    organization_id = sa.Column(sa.UnicodeText, nullable=False, index=True)
    title = sa.Column(sa.UnicodeText, nullable=True)
    created_by = sa.Column(sa.UnicodeText, nullable=False)
    created_at = sa.Column(sa.DateTime(timezone=True), nullable=False, default=_now)
    updated_at = sa.Column(sa.DateTime(timezone=True), nullable=False, default=_now)


class EntregaVersion(Base):
    """One upload of an entrega: its files, its report, what applying it did."""

    __tablename__ = VERSION_TABLE
    __table_args__ = (sa.UniqueConstraint("entrega_id", "number", name="pueblaabierto_entrega_version_number"),)

    id = sa.Column(sa.UnicodeText, primary_key=True, default=lambda: str(uuid.uuid4()))
    entrega_id = sa.Column(sa.UnicodeText, nullable=False, index=True)
    number = sa.Column(sa.Integer, nullable=False)
    status = sa.Column(sa.UnicodeText, nullable=False, default=RECIBIDA)
    oficio_numero = sa.Column(sa.UnicodeText, nullable=True)
    oficio_fecha = sa.Column(sa.Date, nullable=True)
    uploaded_by = sa.Column(sa.UnicodeText, nullable=False)
    uploaded_at = sa.Column(sa.DateTime(timezone=True), nullable=False, default=_now)
    # Server-side folder holding the workbook and the data files of this version.
    storage_dir = sa.Column(sa.UnicodeText, nullable=False)
    files = sa.Column(JSONB, nullable=True)  # [{name, sha256, size}]
    progress = sa.Column(JSONB, nullable=True)  # {label, done, total}
    report = sa.Column(JSONB, nullable=True)  # Report.to_dict(), as ``validar --json``
    datasets = sa.Column(JSONB, nullable=True)  # what it touches / touched
    error = sa.Column(sa.UnicodeText, nullable=True)
    job_id = sa.Column(sa.UnicodeText, nullable=True)
    applied_by = sa.Column(sa.UnicodeText, nullable=True)
    applied_at = sa.Column(sa.DateTime(timezone=True), nullable=True)


def truncate_all(connection: Any) -> None:
    """Empty the tables (tests only)."""
    connection.execute(sa.text(f"TRUNCATE {ENTREGA_TABLE}, {VERSION_TABLE}"))


def session() -> Any:
    return model.Session
