"""Publish one FORM.317 submission: validate, plan against the portal, apply.

Nothing is written to the portal unless the whole submission validates without errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pueblaabierto.errors import UnusableInput
from pueblaabierto.findings import Report
from pueblaabierto.progress import ProgressCallback
from pueblaabierto.publish import plan as planning
from pueblaabierto.publish.apply import (
    FAILED,
    PUBLISHED,
    Context,
    DatasetResult,
    StepFailed,
    apply_dataset,
    apply_org,
    read_verdict,
)
from pueblaabierto.publish.client import Portal, PortalError, explain
from pueblaabierto.publish.mapping import DatasetSpec, desired_state, org_desired_state
from pueblaabierto.publish.plan import Capabilities, Options
from pueblaabierto.validation import validate_submission
from pueblaabierto.workbook.reader import read_submission

# Status of a submission.
INVALID, UNUSABLE, UNCHANGED = "invalido", "ilegible", "sin_cambios"


@dataclass
class SubmissionResult:
    workbook: Path
    status: str = UNCHANGED
    report: Report | None = None
    datasets: list[DatasetResult] = field(default_factory=list)
    failed_step: str | None = None
    error: str | None = None
    writes: int = 0
    fatal: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def reason(self) -> str:
        if self.error:
            return f"{self.failed_step}: {self.error}" if self.failed_step else self.error
        failed = [d for d in self.datasets if d.status == FAILED]
        if failed:
            return "; ".join(f"«{d.title}» — {d.failed_step}: {d.error}" for d in failed)
        return ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "formato": str(self.workbook),
            "estado": self.status,
            "motivo": self.reason or None,
            "paso_fallido": self.failed_step,
            "error": self.error,
            "escrituras": self.writes,
            "avisos": self.warnings,
            "validacion": self.report.to_dict() if self.report is not None else None,
            "datasets": [d.to_dict() for d in self.datasets],
        }


def validate(workbook: Path, data_dir: Path | None, progress: ProgressCallback | None = None,
             allowed: list[str] | None = None) -> tuple[SubmissionResult | None, Report | None]:
    """Run the same validation as ``validar``; a result when it stops publication."""
    result = SubmissionResult(workbook=workbook)
    try:
        report = validate_submission(workbook, data_dir, progress, allowed=allowed)
    except UnusableInput as error:
        result.status, result.failed_step, result.error = UNUSABLE, "Validación", error.message
        result.report = Report([error.to_finding()])
        return result, None
    result.report = report
    if not report.valid:
        result.status = INVALID
        result.error = f"El formato tiene {len(report.errors)} error(es): no se publicó nada."
        result.failed_step = "Validación"
        return result, report
    return None, report


def publish_validated(
    workbook: Path,
    data_dir: Path | None,
    portal: Portal,
    caps: Capabilities,
    options: Options,
    report: Report,
    *,
    progress: Any = None,
    seen_orgs: dict[Any, Any] | None = None,
) -> SubmissionResult:
    """Publish a submission that ``validate`` accepted.

    ``seen_orgs`` (lote) remembers which submission first described each Dependencia, so
    that two workbooks describing it differently do not overwrite each other on every run.
    """
    result = SubmissionResult(workbook=workbook, report=report)
    writes_before = portal.writes
    try:
        _publish(workbook, data_dir or workbook.parent, portal, caps, options, report, progress, result,
                 {} if seen_orgs is None else seen_orgs)
    except StepFailed as exc:
        result.failed_step, result.error = exc.step, exc.message
    except PortalError as exc:
        result.failed_step, result.error, result.fatal = "Conexión con el portal", exc.message, exc.fatal
    except Exception as exc:  # noqa: BLE001 - lote must go on; the reason is reported
        result.failed_step, result.error = "Lectura del portal", explain(exc)
    result.writes = portal.writes - writes_before
    if result.error or any(d.status == FAILED for d in result.datasets):
        result.status = FAILED
    elif any(d.status == PUBLISHED for d in result.datasets):
        result.status = PUBLISHED
    else:
        result.status = UNCHANGED
    return result


def _publish(workbook: Path, data_dir: Path, portal: Portal, caps: Capabilities, options: Options,
             report: Report, progress: Any, result: SubmissionResult,
             seen_orgs: dict[Any, Any]) -> None:
    desired = desired_state(read_submission(workbook), data_dir)
    orgs: dict[str, dict[str, Any]] = {}
    for spec in desired.organizations:
        described = (org_desired_state(spec), spec.logo_sha256)
        first = seen_orgs.setdefault(spec.id_dependencia, (workbook.parent.name + "/" + workbook.name, described))
        # In a lote the organization a previous submission left is still what the portal holds.
        current = seen_orgs.get(("org", spec.id_dependencia)) or planning.find_org(portal, spec)
        steps = planning.plan_org(current, spec)
        if current is not None and first[1] != described:
            steps = []
            result.warnings.append(
                f"La Dependencia {spec.id_dependencia} viene con datos distintos en {first[0]}; "
                "se conservan los de ese formato. Unifique nombre, descripción y logotipo en ambos."
            )
        name = current["name"] if current else planning.org_name(portal, spec)
        orgs[spec.id_dependencia] = apply_org(portal, spec, current, steps, caps, name)
        seen_orgs[("org", spec.id_dependencia)] = orgs[spec.id_dependencia]
    for dataset in desired.datasets:
        org = orgs.get(dataset.id_dependencia) or next(iter(orgs.values()))
        ctx = Context(portal=portal, caps=caps, org=org, progress=progress, verdict_wait=options.verdict_wait)
        outcome = publish_dataset(ctx, dataset, options)
        result.datasets.append(outcome)
        if outcome.status == FAILED and _is_fatal(portal, outcome):
            break


def publish_dataset(ctx: Context, spec: DatasetSpec, options: Options) -> DatasetResult:
    """Find, plan and apply one dataset of a submission into ``ctx.org``.

    A failure of this dataset is its result (the others go on); only a ``PortalError``
    (the portal refused the caller or went away) propagates.
    """
    step, current = "Lectura del portal", None
    try:
        current = planning.find_dataset(ctx.portal, spec, ctx.org["id"])
        dataset_plan = planning.plan_dataset(ctx.portal, spec, current, ctx.caps, options)
        if dataset_plan.update_needed:
            step = "Abrir una actualización del conjunto publicado (flujo de validación)"
            dataset_plan = planning.plan_update(ctx.portal, dataset_plan, ctx.caps, options)
    except PortalError:
        raise
    except Exception as exc:  # noqa: BLE001 - this dataset fails, the others go on
        name = current["name"] if current else ""
        failed = DatasetResult(id_dataset=spec.id_dataset, title=spec.title, name=name,
                               url=f"{ctx.portal.url}/dataset/{name}" if name else "")
        failed.status, failed.failed_step, failed.error = FAILED, step, explain(exc)
        return failed
    outcome = apply_dataset(ctx, dataset_plan)
    if options.show_verdict and outcome.status == PUBLISHED:
        # What the uploads are worth: the server's own validation of the dataset written (for a
        # published dataset, its update), shown in publicar's table.
        read_verdict(ctx, dataset_plan.name, outcome)
    return outcome


def _is_fatal(portal: Portal, outcome: DatasetResult) -> bool:
    # The portal went away mid-way: the other datasets would only fail the same way, slower.
    return bool(outcome.error and outcome.error.startswith("No se pudo conectar con el portal"))
