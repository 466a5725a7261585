"""Table of the server's validation of each dataset (migration f3a9c1d2e4b5)."""

from __future__ import annotations

import datetime
from typing import Any

import ckan.model as model
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, declarative_base

metadata = sa.MetaData()
Base: Any = declarative_base(metadata=metadata)

VALIDATION_TABLE = "pueblaabierto_dataset_validation"

# Status of a validation.
PENDIENTE, VALIDANDO, VALIDO, CON_ERRORES, FALLO = "pendiente", "validando", "valido", "con_errores", "fallo"
STATUSES = (PENDIENTE, VALIDANDO, VALIDO, CON_ERRORES, FALLO)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


class DatasetValidation(Base):
    """The last validation the server ran (or has queued) for one dataset."""

    __tablename__ = VALIDATION_TABLE

    package_id = sa.Column(sa.UnicodeText, primary_key=True)
    status = sa.Column(sa.UnicodeText, nullable=False, default=PENDIENTE)
    # What the validation is about: see fingerprint.py. enviar_revision compares it.
    fingerprint = sa.Column(sa.UnicodeText, nullable=False)
    # pueblaabierto.findings.Report.to_dict(): the same JSON as ``validar --json``.
    report = sa.Column(JSONB, nullable=True)
    # One entry per file validated: resource_id, name, sha256, size, rows.
    files = sa.Column(JSONB, nullable=True)
    # {"label", "done", "total"} while the job runs.
    progress: Mapped[dict[str, Any] | None] = sa.Column(JSONB, nullable=True)
    # Why the job failed (status fallo), in Spanish for the enlace.
    error = sa.Column(sa.UnicodeText, nullable=True)
    job_id = sa.Column(sa.UnicodeText, nullable=True)
    attempts = sa.Column(sa.Integer, nullable=False, default=0)
    requested_at = sa.Column(sa.DateTime(timezone=True), nullable=False, default=_now)
    started_at = sa.Column(sa.DateTime(timezone=True), nullable=True)
    finished_at = sa.Column(sa.DateTime(timezone=True), nullable=True)


def get(package_id: str) -> DatasetValidation | None:
    return model.Session.get(DatasetValidation, package_id)


def truncate_all(connection: Any) -> None:
    """Empty the table (tests only)."""
    connection.execute(sa.text(f"TRUNCATE {VALIDATION_TABLE}"))
