"""Carry out a plan, step by step, keeping each dataset private until all its steps succeeded.

Steps run in the plan's order (dataset, then each resource: file, DataStore, view; removals;
visibility last). The first failing step stops that dataset: it stays private, the error is
reported with the dataset and the step, and a second run re-plans from what the portal then
holds, so it completes exactly what is missing.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pueblaabierto.publish import datastore, geo, mapping, server_validation, views
from pueblaabierto.publish import plan as planning
from pueblaabierto.publish.client import Portal, explain
from pueblaabierto.publish.mapping import OrgSpec, ResourceSpec
from pueblaabierto.publish.plan import Capabilities, DatasetPlan, Step

# Status of a dataset after a run.
PUBLISHED, UNCHANGED, FAILED = "publicado", "sin_cambios", "fallido"

RowsProgress = Callable[[str, int, int | None], None]


@dataclass
class DatasetResult:
    id_dataset: str
    title: str
    name: str
    url: str
    status: str = UNCHANGED
    done: list[str] = field(default_factory=list)
    failed_step: str | None = None
    error: str | None = None
    removed: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    private: bool = True
    workflow_state: str | None = None
    rows: int = 0
    update_url: str | None = None  # the workflow update (private copy) that carries the changes
    # dataset_validation_show: the portal's own verdict about the data sent to review.
    server_validation: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id_dataset": self.id_dataset,
            "titulo": self.title,
            "nombre": self.name,
            "url": self.url,
            "estado": self.status,
            "pasos": self.done,
            "paso_fallido": self.failed_step,
            "error": self.error,
            "recursos_fuera_del_formato": self.removed,
            "recursos_eliminados": self.deleted,
            "avisos": self.warnings,
            "privado": self.private,
            "estado_flujo": self.workflow_state,
            "filas_datastore": self.rows,
            "actualizacion": self.update_url,
            "validacion_portal": _verdict(self.server_validation),
        }


def _verdict(state: dict[str, Any] | None) -> dict[str, Any] | None:
    if state is None:
        return None
    keys = ("status", "status_label", "errors", "blocking_errors", "personal_findings", "warnings", "error")
    return {**{key: state.get(key) for key in keys}, "resumen": server_validation.verdict_line(state)}


class StepFailed(Exception):
    def __init__(self, step: str, message: str) -> None:
        super().__init__(f"{step}: {message}")
        self.step = step
        self.message = message


def apply_org(portal: Portal, spec: OrgSpec, current: dict[str, Any] | None, steps: list[Step],
              caps: Capabilities, name: str) -> dict[str, Any]:
    org = current
    if current is not None:
        # Never adopt a dependencia someone else could have planted (plan.untrusted_org).
        refused = planning.untrusted_org(portal, current, spec)
        if refused:
            raise StepFailed(f"Verificar la dependencia «{spec.title}»", refused)
    for step in steps:
        try:
            data = spec.to_ckan(caps.layout)
            if step.kind == "org-create":
                org = _with_logo(portal, "organization_create", spec, name=name, **data)
            elif step.kind == "org-update":
                assert org is not None, "org-update is planned only for a dependencia the portal has"
                org = portal.call("organization_patch", id=org["id"], **data)
            elif step.kind == "org-logo":
                assert org is not None, "org-logo follows org-create or a dependencia the portal has"
                org = _with_logo(portal, "organization_patch", spec, id=org["id"])
        except Exception as exc:  # noqa: BLE001 - every failure becomes a reported step
            raise StepFailed(step.label, explain(exc)) from exc
    assert org is not None
    return org


def _with_logo(portal: Portal, action: str, spec: OrgSpec, **data: Any) -> dict[str, Any]:
    if spec.logo is None:
        return portal.call(action, **data)
    with spec.logo.open("rb") as stream:
        upload = _Named(stream, spec.logo_upload_name or spec.logo.name)
        return portal.call(action, files={"image_upload": upload}, **data)


class _Named:
    """A file object whose ``name`` is what CKAN will store (requests uses it as filename)."""

    def __init__(self, stream: Any, name: str) -> None:
        self._stream = stream
        self.name = name

    def read(self, *args: Any) -> bytes:
        return self._stream.read(*args)

    def seek(self, *args: Any) -> int:
        return self._stream.seek(*args)

    def tell(self) -> int:
        return self._stream.tell()


@dataclass
class Context:
    portal: Portal
    caps: Capabilities
    org: dict[str, Any]
    progress: RowsProgress | None = None
    verdict_wait: float | None = None  # Options.verdict_wait


def apply_dataset(ctx: Context, plan: DatasetPlan) -> DatasetResult:
    spec = plan.spec
    public = plan.update_of or plan.current
    result = DatasetResult(
        id_dataset=spec.id_dataset,
        title=spec.title,
        name=public["name"] if public else plan.name,
        url=f"{ctx.portal.url}/dataset/{public['name'] if public else plan.name}",
        removed=list(plan.removed),
        private=bool(public.get("private", True)) if public else True,
        workflow_state=plan.workflow_state,
    )
    if plan.update_of is not None:
        result.update_url = f"{ctx.portal.url}/dataset/{plan.name}"
        if plan.update_opened:
            result.done.append("Abrir una actualización del conjunto publicado (flujo de validación)")
            result.status = PUBLISHED
    if plan.blocked:
        result.status, result.failed_step, result.error = FAILED, "Flujo de validación", plan.blocked
        return result
    if not plan.steps:
        return result
    pkg = plan.current
    ids = {r["name"]: r["id"] for r in (pkg or {}).get("resources", [])}
    with tempfile.TemporaryDirectory(prefix="pueblaabierto-") as tmp:
        for step in plan.steps:
            try:
                pkg = _run(ctx, plan, step, pkg, ids, Path(tmp), result)
            except Exception as exc:  # noqa: BLE001 - reported with its step; the dataset stays private
                result.status, result.failed_step, result.error = FAILED, step.label, explain(exc)
                return result
            result.done.append(step.label)
    result.status = PUBLISHED
    return result


def _run(ctx: Context, plan: DatasetPlan, step: Step, pkg: dict[str, Any] | None, ids: dict[str, str],
         tmp: Path, result: DatasetResult) -> dict[str, Any] | None:
    portal, spec = ctx.portal, plan.spec
    if step.kind == "dataset-create":
        data = spec.to_ckan(ctx.caps.layout, ctx.org["id"])
        return portal.call("package_create", name=plan.name, private=True, **data)
    assert pkg is not None
    if step.kind == "dataset-update":
        data = spec.to_ckan(ctx.caps.layout, ctx.org["id"])
        extra: dict[str, Any] = {} if ctx.caps.workflow else {"private": True}
        return portal.call("package_patch", id=pkg["id"], state="active", **extra, **data)
    if step.kind == "hide":
        result.private = True
        return portal.call("package_patch", id=pkg["id"], private=True)
    if step.kind in ("resource-create", "resource-upload", "resource-update"):
        resource = _write_resource(portal, step, pkg["id"], tmp, plan)
        ids[resource["name"]] = resource["id"]
    elif step.kind == "datastore":
        assert step.resource is not None and step.resource.path is not None
        resource_id = ids[step.resource.name]
        label = step.resource.fields.get("nombre_archivo") or step.resource.name
        total = datastore.count_rows(step.resource.path)

        seen = 0

        def rows_done(count: int) -> None:
            nonlocal seen
            seen += count
            if ctx.progress:
                ctx.progress(label, seen, total)

        terms = step.resource.terms_or(spec.terms)
        result.rows += datastore.load(portal, resource_id, step.resource.path, terms, progress=rows_done,
                                      formato=step.resource.fields.get("format", ""))
        key = datastore.table_key(step.resource.sha256 or "", terms)
        # datastore_active is repeated because resource_patch may start from a package_show
        # served before datastore_create flipped the flag, and would write it back as false.
        flags: dict[str, Any] = {"datastore_active": True, mapping.DATASTORE_HASH_KEY: key}
        portal.call("resource_patch", id=resource_id, **flags)
    elif step.kind == "view":
        assert step.resource is not None
        _ensure_view(ctx, step.resource, ids[step.resource.name], result)
    elif step.kind == "resource-delete":
        assert step.current is not None
        portal.call("resource_delete", id=step.current["id"])
        result.deleted.append(step.current["name"])
    elif step.kind == "make-public":
        result.private = False
        return portal.call("package_patch", id=pkg["id"], private=False)
    elif step.kind == "demo-publish":
        _await_server_verdict(ctx, pkg, result)
        outcome = portal.call("workflow_demo_publish", id=pkg["id"])
        result.workflow_state = (outcome or {}).get("state")
        result.private = False if result.workflow_state == "publicado" else result.private
        return pkg
    elif step.kind == "submit-review":
        # No report of ours: the portal validates the data itself and sends its own verdict.
        _await_server_verdict(ctx, pkg, result)
        outcome = portal.call("workflow_transition", id=pkg["id"], transition="enviar_revision")
        result.workflow_state = (outcome or {}).get("state", "en_revision")
        return pkg
    return pkg


def _await_server_verdict(ctx: Context, pkg: dict[str, Any], result: DatasetResult) -> None:
    """Wait for the portal's validation of the data as sent; refuse (Spanish) unless it allows review."""
    if not ctx.caps.workflow:
        return
    state = server_validation.wait_for_verdict(ctx.portal, pkg["id"], timeout=ctx.verdict_wait)
    result.server_validation = state
    result.done.append(server_validation.require_valid(state))  # NotValidated: the step fails, explained


def read_verdict(ctx: Context, package: str, result: DatasetResult) -> None:
    """After the uploads: wait for the portal's verdict on ``package`` and keep it for the output.

    Never fails the dataset (it was written; the verdict decides only whether it may go to
    review): a verdict still pending when the wait ends is shown as such.
    """
    if not ctx.caps.workflow or result.server_validation is not None:
        return
    try:
        result.server_validation = server_validation.wait_for_verdict(ctx.portal, package, timeout=ctx.verdict_wait)
    except server_validation.NotValidated as exc:
        result.server_validation = exc.state or {}


def _write_resource(portal: Portal, step: Step, package_id: str, tmp: Path, plan: DatasetPlan) -> dict[str, Any]:
    spec = step.resource
    assert spec is not None
    fields: dict[str, Any] = mapping.resource_fields(spec)
    if step.current is not None:
        # Keys we own that the workbook no longer fills are cleared, never left stale.
        for key in mapping.resource_state(step.current):
            fields.setdefault(key, "")
    if spec.url is None:
        fields.pop("url", None)
    if step.kind == "resource-update" or spec.url:
        if step.current is None:
            return portal.call("resource_create", package_id=package_id, **fields)
        return portal.call("resource_patch", id=step.current["id"], **fields)
    path = spec.path or _derived_file(spec, plan, tmp)
    action, target = ("resource_create", {"package_id": package_id}) if step.current is None else (
        "resource_patch", {"id": step.current["id"]})
    with path.open("rb") as stream:
        return portal.call(action, files={"upload": _Named(stream, spec.upload_name)}, **target, **fields)


def _derived_file(spec: ResourceSpec, plan: DatasetPlan, tmp: Path) -> Path:
    source = next(r for r in plan.spec.resources if r.name == spec.derived_from)
    assert source.path is not None
    return geo.to_geojson(source.path, tmp, spec.upload_name)


def _ensure_view(ctx: Context, spec: ResourceSpec, resource_id: str, result: DatasetResult) -> None:
    warning = views.ensure(
        ctx.portal,
        resource_id,
        spec.fields.get("tipo_visualizacion", ""),
        extensions=ctx.caps.extensions,
        tabular=spec.tabular and spec.path is not None,
        geojson=spec.fields.get("format") == "GEOJSON",
        resource_name=spec.name,
    )
    if warning:
        result.warnings.append(warning)
