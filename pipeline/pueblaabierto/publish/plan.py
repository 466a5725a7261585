"""Compare what the submission wants with what the portal holds, and list the writes needed.

Only reads happen here. Identity follows the FORM.317 keys, never titles or positions:
the Dependencia by ``id_dependencia``, a dataset by its organization + ``id_dataset``, a
resource by its name inside the dataset. A file is "unchanged" when its SHA-256 equals the
one stored on the resource; metadata is "unchanged" when the normalized fields are equal
(mapping.py), so an identical submission produces an empty plan and no write at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import ckanapi

from pueblaabierto.publish import datastore, mapping, views
from pueblaabierto.publish.client import Portal, PortalError
from pueblaabierto.publish.mapping import DatasetSpec, Layout, OrgSpec, ResourceSpec

BORRADOR, PUBLICADO = "borrador", "publicado"
# A portal that answers this action validates every upload on the server and loads the
# DataStore and the views from the validated file (issue 10).
SERVER_VALIDATION_ACTION = "dataset_validation_show"


@dataclass
class Options:
    delete_removed: bool = False  # delete portal resources no longer in the workbook
    submit_review: bool = False  # --enviar-revision: borrador -> en_revision when complete
    # make portal's examples: walk complete datasets through the workflow (workflow_demo_publish,
    # sysadmin in each role) so the demo portal shows them; never for real submissions.
    demo_publish: bool = False
    # publicar: after the uploads, wait for the portal's verdict on each dataset written and show
    # it (server_validation.verdict_line); lote and Entregas leave it off.
    show_verdict: bool = False
    # Seconds to wait for that verdict (and for the one --enviar-revision needs); None: the
    # variable PUEBLAABIERTO_ESPERA_VALIDACION, else server_validation.DEFAULT_WAIT.
    verdict_wait: float | None = None


@dataclass
class Step:
    kind: str
    label: str  # Spanish, as the report shows it
    resource: ResourceSpec | None = None
    current: dict[str, Any] | None = None


@dataclass
class DatasetPlan:
    spec: DatasetSpec
    current: dict[str, Any] | None
    name: str
    steps: list[Step] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # resource names in the portal, not in the workbook
    workflow_state: str | None = None
    blocked: str | None = None  # why the dataset cannot be changed now
    # Published dataset with changes: they go into the workflow's update (a private copy).
    update_needed: bool = False
    open_update: str | None = None  # name of the update already open, if any
    update_of: dict[str, Any] | None = None  # set on the plan of an update: the public dataset
    update_opened: bool = False  # this run opened that update

    @property
    def changes(self) -> bool:
        return bool(self.steps)


@dataclass
class Capabilities:
    layout: Layout
    workflow: bool
    extensions: list[str]
    # The portal validates uploads itself and then loads the DataStore and creates the views
    # (ckanext.pueblaabierto.loading): publicar only uploads, and must not write the DataStore.
    server_loads: bool = False


def capabilities(portal: Portal) -> Capabilities:
    """What this portal runs: scheming fields, the FORM.317 workflow, view plugins."""
    extensions = portal.extensions
    return Capabilities(
        layout=Layout(
            dataset_fields=_schema_fields(portal, "scheming_dataset_schema_show", "dataset", "dataset_fields"),
            org_fields=_schema_fields(portal, "scheming_organization_schema_show", "organization", "fields"),
        ),
        workflow=portal.has_action("workflow_show", id="__sonda__"),
        extensions=extensions,
        server_loads=portal.has_action(SERVER_VALIDATION_ACTION, id="__sonda__"),
    )


def _schema_fields(portal: Portal, action: str, kind: str, key: str) -> frozenset[str]:
    try:
        schema = portal.call(action, type=kind)
    except PortalError:
        raise
    except Exception:  # noqa: BLE001 - no scheming: everything custom is an extra
        return frozenset()
    return frozenset(f["field_name"] for f in schema.get(key, []))


# -- organization ------------------------------------------------------------------------
def find_org(portal: Portal, spec: OrgSpec) -> dict[str, Any] | None:
    for candidate in (spec.slug, f"dependencia-{spec.id_dependencia}"):
        try:
            org = portal.call("organization_show", id=candidate, include_datasets=False)
        except ckanapi.NotFound:
            continue
        if mapping.org_state(org).get("id_dependencia") == spec.id_dependencia:
            return org
    # Renamed organizations: look the identifier up among all of them, page by page: CKAN
    # returns at most ckan.group_and_organization_list_all_fields_max (25) per call with
    # all_fields, whatever limit is asked, and a dependencia past the first page was missed.
    offset = 0
    while True:
        page = portal.call("organization_list", all_fields=True, include_extras=True, limit=1000, offset=offset)
        for org in page:
            if mapping.org_state(org).get("id_dependencia") == spec.id_dependencia:
                return portal.call("organization_show", id=org["id"], include_datasets=False)
        if not page:
            return None
        offset += len(page)


def untrusted_org(portal: Portal, org: dict[str, Any], spec: OrgSpec) -> str | None:
    """Why ``org`` must not be adopted, or None when a sysadmin or this very account created it.

    Anyone able to create an organization (a sysadmin, an enlace técnico) could otherwise
    pre-create a dependencia with another's ``id_dependencia`` and, as its creator, read what
    is later published into it. The FORM.317 portal records the creator itself and answers it
    as ``creada_por`` (workflow/creator.py, not settable by clients); other portals are asked
    through the activity stream. Only a sysadmin's organization or one created by the account
    that is publishing is adopted.
    """
    creator_name = None
    try:
        shown = portal.call("organization_show", id=org["id"], include_datasets=False, include_users=False)
        recorded = shown.get("creada_por")
        if isinstance(recorded, dict):
            creator, creator_name, sysadmin = recorded.get("id"), recorded.get("name"), recorded.get("sysadmin")
        else:
            created = portal.call("organization_activity_list", id=org["id"],
                                  activity_types=["new organization"], limit=1)
            creator = created[0]["user_id"] if created else None
            user = portal.call("user_show", id=creator) if creator else {}
            creator_name, sysadmin = user.get("name"), user.get("sysadmin")
        if creator and sysadmin:
            return None
        if creator and creator == portal.call("user_show").get("id"):
            return None
    except PortalError as exc:
        if exc.fatal:
            raise
    except ckanapi.CKANAPIError:
        pass
    who = f"la creó la cuenta «{creator_name}»" if creator_name else "el portal no dice quién la creó"
    return (
        f"La dependencia «{org.get('title') or org.get('name')}» ({org.get('name')}) ya existe en el portal con "
        f"el ID de Dependencia {spec.id_dependencia}, pero no la creó la administración del portal ni la cuenta "
        f"con la que publica ({who}). Por seguridad no se usa ni se publica nada en ella: pida a la "
        "administración del portal que la revise (que la elimine si no es legítima, o que publique con la "
        "cuenta que la creó) y vuelva a ejecutar el comando."
    )


def org_name(portal: Portal, spec: OrgSpec) -> str:
    """A free name for a new organization: the official name's slug, else dependencia-<id>."""
    try:
        portal.call("organization_show", id=spec.slug, include_datasets=False)
    except ckanapi.NotFound:
        return spec.slug
    return f"dependencia-{spec.id_dependencia}"


def plan_org(current: dict[str, Any] | None, spec: OrgSpec) -> list[Step]:
    if current is None:
        return [Step("org-create", f"Crear la dependencia «{spec.title}»")]
    steps = []
    if mapping.org_state(current) != mapping.org_desired_state(spec):
        steps.append(Step("org-update", f"Actualizar los datos de la dependencia «{spec.title}»"))
    if spec.logo_upload_name and spec.logo_upload_name not in (current.get("image_url") or ""):
        steps.append(Step("org-logo", f"Subir el logotipo de «{spec.title}»"))
    return steps


# -- dataset -----------------------------------------------------------------------------
def find_dataset(portal: Portal, spec: DatasetSpec, org_id: str) -> dict[str, Any] | None:
    # Most runs re-publish an unchanged title: the name it was created with is one read away.
    for candidate in (spec.slug, spec.fallback_slug()):
        pkg = _show(portal, candidate)
        if pkg and _is(pkg, spec, org_id):
            return pkg
    # Renamed title (or a name taken by someone else): search the organization by id_dataset.
    try:
        found = portal.call(
            "package_search", fq=f'owner_org:"{org_id}"', include_private=True, include_drafts=True, rows=1000
        )
        results = found.get("results", [])
    except PortalError:
        raise
    except Exception:  # noqa: BLE001 - a broken index must not stop us; the names above were tried
        results = []
    # Oldest first: a workflow update (a later private copy with the same keys) is never
    # mistaken for the dataset it updates.
    for hit in sorted(results, key=lambda p: p.get("metadata_created") or ""):
        if _is(hit, spec, org_id):
            return portal.call("package_show", id=hit["id"])
    return None


def _is(pkg: dict[str, Any], spec: DatasetSpec, org_id: str) -> bool:
    return pkg.get("owner_org") == org_id and str(mapping.flatten(pkg).get("id_dataset") or "") == spec.id_dataset


def _show(portal: Portal, name: str) -> dict[str, Any] | None:
    try:
        return portal.call("package_show", id=name)
    except (ckanapi.NotFound, ckanapi.NotAuthorized):
        return None


def dataset_name(portal: Portal, spec: DatasetSpec) -> str:
    return spec.slug if _show(portal, spec.slug) is None else spec.fallback_slug()


def plan_dataset(
    portal: Portal,
    spec: DatasetSpec,
    current: dict[str, Any] | None,
    caps: Capabilities,
    options: Options,
) -> DatasetPlan:
    name = current["name"] if current else dataset_name(portal, spec)
    plan = DatasetPlan(spec=spec, current=current, name=name)
    if current is None:
        plan.steps.append(Step("dataset-create", "Crear el conjunto de datos (privado)"))
    elif (
        mapping.dataset_state(current) != mapping.dataset_desired_state(spec)
        or current.get("state") != "active"
    ):
        plan.steps.append(Step("dataset-update", "Actualizar los metadatos del conjunto de datos"))

    existing = {r.get("name"): r for r in (current or {}).get("resources", [])}
    for resource in spec.resources:
        plan.steps.extend(_resource_steps(portal, resource, existing.get(resource.name), spec, caps))
    wanted = {r.name for r in spec.resources}
    for resource_name, published in existing.items():
        if resource_name not in wanted:
            plan.removed.append(resource_name)
            if options.delete_removed:
                plan.steps.append(Step("resource-delete", f"Eliminar el recurso «{resource_name}»", current=published))

    # The workflow state matters only to change the dataset or to send it to review.
    if caps.workflow and current is not None and (plan.steps or options.submit_review or options.demo_publish):
        summary = _workflow(portal, current["id"])
        plan.workflow_state, plan.open_update = summary.get("state"), summary.get("open_update")
    if caps.workflow:
        state = plan.workflow_state or BORRADOR
        plan.update_needed = bool(plan.steps) and state == PUBLICADO
        if plan.steps and state != BORRADOR:
            plan.blocked = (
                f"El conjunto de datos está en el flujo de validación (estado «{state}») y no se puede "
                "modificar ahora. Pida que se rechace con observaciones para corregirlo, o cree una actualización."
            )
        if options.demo_publish and state != PUBLICADO and not plan.blocked:
            plan.steps.append(Step("demo-publish", "Publicar (demostración: flujo completo como administración)"))
        elif options.submit_review and state == BORRADOR:
            plan.steps.append(Step("submit-review", "Enviar a revisión (flujo de validación)"))
    else:
        public = current is not None and not current.get("private")
        if plan.steps and public:
            plan.steps.insert(0, Step("hide", "Ocultar mientras se actualiza (privado)"))
        if plan.steps or not public:
            plan.steps.append(Step("make-public", "Hacer público (todos los pasos terminaron)"))
    return plan


def _workflow(portal: Portal, dataset_id: str) -> dict[str, Any]:
    try:
        return portal.call("workflow_show", id=dataset_id) or {}
    except PortalError:
        raise
    except Exception:  # noqa: BLE001 - no state means never touched: borrador
        return {}


def plan_update(portal: Portal, plan: DatasetPlan, caps: Capabilities, options: Options) -> DatasetPlan:
    """Re-plan a published dataset's changes against its workflow update (opened if needed).

    The public dataset is never touched: the changes go into the private copy that the
    workflow reviews and, on ``publicar``, moves into the public one.
    """
    assert plan.current is not None
    if plan.open_update:
        shadow = portal.call("package_show", id=plan.open_update)
    else:
        shadow = portal.call("workflow_update_start", id=plan.current["id"])
    update = plan_dataset(portal, plan.spec, shadow, caps, options)
    update.update_of = plan.current
    update.update_opened = not plan.open_update
    update.removed = plan.removed
    return update


def _resource_steps(
    portal: Portal,
    spec: ResourceSpec,
    current: dict[str, Any] | None,
    dataset: DatasetSpec,
    caps: Capabilities,
) -> list[Step]:
    steps: list[Step] = []
    label = f"«{spec.name}»"
    file_changed = False
    if current is None:
        steps.append(Step("resource-create", f"Subir el recurso {label}", spec))
        file_changed = True
    else:
        have = mapping.resource_state(current)
        want = mapping.resource_desired_state(spec)
        file_changed = bool(spec.sha256) and have.get(mapping.HASH_KEY) != spec.sha256
        if file_changed and (spec.path is not None or spec.derived_from):
            steps.append(Step("resource-upload", f"Subir el archivo nuevo de {label}", spec, current))
        elif have != want:
            steps.append(Step("resource-update", f"Actualizar los datos del recurso {label}", spec, current))
    if caps.server_loads:
        return steps  # the portal loads the DataStore and makes the views once it validated the file
    if spec.tabular and spec.path is not None:
        key = datastore.table_key(spec.sha256 or "", spec.terms_or(dataset.terms))
        loaded = (
            current is not None
            and current.get("datastore_active")
            and current.get(mapping.DATASTORE_HASH_KEY) == key
        )
        if file_changed or not loaded:
            steps.append(Step("datastore", f"Cargar {label} al DataStore", spec, current))
    choice = views.choose(
        spec.fields.get("tipo_visualizacion", ""),
        extensions=caps.extensions,
        tabular=spec.tabular and spec.path is not None,
        geojson=spec.fields.get("format") == "GEOJSON",
    )
    if choice is not None:
        present = []
        if current is not None:
            present = [v.get("view_type") for v in portal.call("resource_view_list", id=current["id"])]
        if choice.view_type not in present:
            steps.append(Step("view", f"Crear la vista «{choice.title}» de {label}", spec, current))
    return steps
