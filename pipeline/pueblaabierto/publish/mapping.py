"""FORM.317 submission -> what the portal should hold.

The portal's field keys are set by the registry, the ckanext-scheming schemas
(schemas/dataset.yaml, schemas/dependencia.yaml), and the workbook records carry the same
names (pueblaabierto.workbook.model), so a field travels under one key from the cell to
``package_show``. A CKAN without those schemas keeps unknown dataset and
organization keys only as ``extras``; ``Layout`` decides per key where it goes, by asking
the portal which fields its schema has, so the same code publishes to both.

Everything is compared in a normalized form (``dataset_state``/``resource_state``): what
we would send and what ``package_show`` returns, reduced to the keys we own, so that an
unchanged submission produces no write at all.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pueblaabierto.schemas import form317, vocabularies
from pueblaabierto.schemas.vocabularies import fold
from pueblaabierto.validation import terms_for_resource
from pueblaabierto.validation.files import REMOTE_PREFIXES, check_files, locate
from pueblaabierto.workbook.model import Dataset, Dependencia, Recurso, Submission

# -- field keys (from the registry: the contract with the portal's schema) ---------------
# The logo (image_url) is uploaded by its own step; the tags travel as tag_string.
ORG_CORE = tuple(k for k in form317.workbook_keys(form317.ORGANIZATION, core=True) if k != "image_url")
ORG_CUSTOM = form317.workbook_keys(form317.ORGANIZATION, core=False)
_DATASET_CORE_COLUMNS = tuple(k for k in form317.workbook_keys(form317.DATASET, core=True) if k != "tag_string")
DATASET_CORE = (*_DATASET_CORE_COLUMNS, "license_id")
_DATASET_CUSTOM_COLUMNS = form317.workbook_keys(form317.DATASET, core=False)
DATASET_CUSTOM = (*_DATASET_CUSTOM_COLUMNS, "diccionario")
RESOURCE_KEYS = form317.workbook_keys(form317.RESOURCE)
# Resource keys the pipeline adds for itself (CKAN keeps unknown resource keys as-is).
HASH_KEY = "sha256"  # content hash of the uploaded file: unchanged files are not uploaded again
DATASTORE_HASH_KEY = "datastore_sha256"  # what the DataStore table was last loaded from
DERIVED_KEY = "derivado_de"  # GeoJSON offered next to a SHP/KML: the name of its source resource

NAME_MAX = 90  # CKAN allows 100; room for a disambiguating suffix


@dataclass
class Layout:
    """Which custom keys the portal's schema knows (top level); the rest travel as extras."""

    dataset_fields: frozenset[str] = frozenset()
    org_fields: frozenset[str] = frozenset()

    def place(self, data: dict[str, Any], custom: dict[str, Any], known: frozenset[str]) -> dict[str, Any]:
        extras = []
        for key, value in custom.items():
            if key in known:
                data[key] = value
            else:
                text = json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else str(value)
                extras.append({"key": key, "value": text})
        if extras:
            data["extras"] = extras
        return data


def flatten(entity: dict[str, Any]) -> dict[str, Any]:
    """Top-level keys plus extras (JSON-decoded when they hold a list), as one dict."""
    flat = {k: v for k, v in entity.items() if k != "extras"}
    for extra in entity.get("extras") or []:
        value = extra.get("value")
        if isinstance(value, str) and value[:1] in "[{":
            try:
                value = json.loads(value)
            except ValueError:
                pass
        flat.setdefault(extra.get("key"), value)
    return flat


# -- desired state ---------------------------------------------------------------------
@dataclass
class ResourceSpec:
    name: str
    fields: dict[str, str]
    path: Path | None = None  # file to upload; None for a link (url) resource
    url: str | None = None
    sha256: str | None = None
    tabular: bool = False
    geo: bool = False
    derived_from: str | None = None  # set on the GeoJSON made from a SHP/KML
    # The dictionary terms of this resource's file (terms_for_resource); None: the dataset's.
    terms: dict[str, str] | None = None

    def terms_or(self, dataset_terms: dict[str, str]) -> dict[str, str]:
        return self.terms if self.terms is not None else dataset_terms

    @property
    def upload_name(self) -> str:
        return self.fields.get("nombre_archivo") or (self.path.name if self.path else self.name)


@dataclass
class DatasetSpec:
    id_dataset: str
    id_dependencia: str
    title: str
    core: dict[str, Any]
    custom: dict[str, Any]
    tags: list[str]
    terms: dict[str, str]
    resources: list[ResourceSpec] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return slugify(self.title) or f"dataset-{self.id_dependencia}-{self.id_dataset}"

    def fallback_slug(self) -> str:
        return f"{self.slug[:NAME_MAX - 20]}-{self.id_dependencia}-{self.id_dataset}"

    def to_ckan(self, layout: Layout, owner_org: str) -> dict[str, Any]:
        data = {**self.core, "owner_org": owner_org, "tag_string": ",".join(self.tags)}
        return layout.place(data, dict(self.custom), layout.dataset_fields)


@dataclass
class OrgSpec:
    id_dependencia: str
    title: str
    core: dict[str, Any]
    logo: Path | None = None
    logo_sha256: str | None = None

    @property
    def slug(self) -> str:
        return slugify(self.title) or f"dependencia-{self.id_dependencia}"

    @property
    def logo_upload_name(self) -> str | None:
        # The hash travels in the stored file name (image_url), so an unchanged logo is
        # recognised without a custom field the organization schema may not keep.
        if not self.logo or not self.logo_sha256:
            return None
        return f"logo-{self.logo_sha256[:16]}{self.logo.suffix.lower()}"

    def to_ckan(self, layout: Layout) -> dict[str, Any]:
        data = dict(self.core)
        return layout.place(data, {"id_dependencia": self.id_dependencia}, layout.org_fields)


@dataclass
class Desired:
    organizations: list[OrgSpec]
    datasets: list[DatasetSpec]


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text).replace("ñ", "n")).strip("-")
    return slug[:NAME_MAX].strip("-")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def _tag(text: str) -> str:
    # CKAN tags: alphanumerics, spaces and -_. ; 100 characters at most.
    return re.sub(r"[^\w\s\-.]", "", text, flags=re.UNICODE).strip()[:100]


def desired_state(submission: Submission, data_dir: Path) -> Desired:
    """What the portal should hold after publishing a *validated* submission."""
    vocab = vocabularies.load()
    paths = {id(recurso): path for recurso, path in check_files(submission, data_dir).resources}
    orgs = [_org(dep, data_dir) for dep in submission.dependencias if dep.id_dependencia]
    default_dep = orgs[0].id_dependencia if orgs else ""
    datasets = []
    for row in submission.datasets:
        spec = _dataset(row, submission, vocab.licencia_predeterminada, default_dep)
        for recurso in submission.recursos:
            if recurso.id_dataset == row.id_dataset and recurso.name:
                specs = _resources(recurso, paths.get(id(recurso)), vocab)
                specs[0].terms = terms_for_resource(submission, recurso)
                spec.resources.extend(specs)
        datasets.append(spec)
    return Desired(organizations=orgs, datasets=datasets)


def _org(dep: Dependencia, data_dir: Path) -> OrgSpec:
    logo = None
    if dep.image_url:
        logo, _findings = locate(dep, "image_url", dep.image_url, data_dir, what="logotipo")
    return OrgSpec(
        id_dependencia=_text(dep.id_dependencia),
        title=_text(dep.title),
        core={key: _text(getattr(dep, key)) for key in ORG_CORE},
        logo=logo,
        logo_sha256=sha256_file(logo) if logo else None,
    )


def _dataset(row: Dataset, submission: Submission, license_id: str, default_dep: str) -> DatasetSpec:
    terms = submission.terms_for(row.id_dataset)
    diccionario = _diccionario(row, submission)
    tags = []
    for tag in (_tag(t) for t in row.tags):
        if tag and tag not in tags:
            tags.append(tag)
    return DatasetSpec(
        id_dataset=_text(row.id_dataset),
        id_dependencia=_text(row.id_dependencia) or default_dep,
        title=_text(row.title),
        core={**{key: _text(getattr(row, key)) for key in _DATASET_CORE_COLUMNS}, "license_id": license_id},
        custom={**{key: _text(getattr(row, key)) for key in _DATASET_CUSTOM_COLUMNS}, "diccionario": diccionario},
        tags=tags,
        terms=terms,
    )


def _diccionario(row: Dataset, submission: Submission) -> list[dict[str, str]]:
    """The dataset's ``diccionario`` entries; a term that names its resource (column «Recurso»)
    carries that resource's Nombre, the name the portal's schema (pa_recurso_del_conjunto)
    and its pages (pa_diccionario) match. A name no resource has is left blank: the
    validator reported it, and the term then describes every resource, as it did when read."""
    entries: dict[tuple[str, str], dict[str, str]] = {}
    for entry in submission.diccionario:
        if entry.id_dataset != row.id_dataset or not entry.termino:
            continue
        recurso = submission.resource_of(entry)
        name = _text(recurso.name) if recurso is not None else ""
        entries[(entry.termino, fold(name))] = {"termino": entry.termino, "descripcion": entry.descripcion or "",
                                                "recurso": name}
    return list(entries.values())


def _resources(recurso: Recurso, path: Path | None, vocab: vocabularies.Vocabularies) -> list[ResourceSpec]:
    formato = (recurso.format or "").upper()
    term = vocab.get("formatos", formato)
    fields = {key: _iso(value) if isinstance(value := getattr(recurso, key), date) else _text(value)
              for key in RESOURCE_KEYS}
    fields["format"] = formato
    archivo = _text(recurso.nombre_archivo)
    url = archivo if archivo.lower().startswith(REMOTE_PREFIXES) else None
    spec = ResourceSpec(
        name=fields["name"],
        fields=fields,
        path=path,
        url=url,
        sha256=sha256_file(path) if path else None,
        tabular=bool(term and term.extra.get("tabular")),
        geo=bool(term and term.extra.get("geoespacial")),
    )
    specs = [spec]
    if spec.geo and path is not None and formato in ("SHP", "KML"):
        geojson_name = f"{Path(archivo).stem}.geojson"
        specs.append(
            ResourceSpec(
                name=f"{spec.name} (GeoJSON)",
                fields={**fields, "name": f"{spec.name} (GeoJSON)", "nombre_archivo": geojson_name,
                        "format": "GEOJSON", "tipo_visualizacion": "mapa"},
                path=None,  # written by geo.to_geojson when (and only when) it must be uploaded
                sha256=spec.sha256,  # the GeoJSON changes exactly when its source does
                geo=True,
                derived_from=spec.name,
            )
        )
    return specs


# -- normalized comparison --------------------------------------------------------------
def org_state(org: dict[str, Any]) -> dict[str, Any]:
    flat = flatten(org)
    return {key: _text(flat.get(key)) for key in (*ORG_CORE, *ORG_CUSTOM)}


def org_desired_state(spec: OrgSpec) -> dict[str, Any]:
    return {**{k: _text(v) for k, v in spec.core.items()}, "id_dependencia": spec.id_dependencia}


def dataset_state(pkg: dict[str, Any]) -> dict[str, Any]:
    flat = flatten(pkg)
    state: dict[str, Any] = {
        key: _text(flat.get(key)) for key in (*DATASET_CORE, *DATASET_CUSTOM) if key != "diccionario"
    }
    state["diccionario"] = _dictionary(flat.get("diccionario"))
    state["tags"] = sorted(t["name"] if isinstance(t, dict) else str(t) for t in flat.get("tags") or [])
    return state


def dataset_desired_state(spec: DatasetSpec) -> dict[str, Any]:
    state: dict[str, Any] = {
        key: _text(value) for key, value in {**spec.core, **spec.custom}.items() if key != "diccionario"
    }
    state["diccionario"] = _dictionary(spec.custom["diccionario"])
    state["tags"] = sorted(spec.tags)
    return state


def _dictionary(value: Any) -> list[tuple[str, str, str]]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    entries = value if isinstance(value, list) else []
    return [
        (_text(e.get("termino")), _text(e.get("descripcion")), _text(e.get("recurso")))
        for e in entries
        if isinstance(e, dict)
    ]


def resource_fields(spec: ResourceSpec) -> dict[str, str]:
    """The keys we own on a resource, as we send them."""
    fields = dict(spec.fields)
    if spec.sha256:
        fields[HASH_KEY] = spec.sha256
    if spec.derived_from:
        fields[DERIVED_KEY] = spec.derived_from
    if spec.url:
        fields["url"] = spec.url
    return fields


def resource_state(resource: dict[str, Any]) -> dict[str, str]:
    state = {key: _text(resource.get(key)) for key in (*RESOURCE_KEYS, HASH_KEY, DERIVED_KEY)}
    if resource.get("url_type") != "upload":
        state["url"] = _text(resource.get("url"))
    state["format"] = state["format"].upper()
    for key in ("fecha_inicio", "fecha_fin"):
        state[key] = state[key][:10]
    return {k: v for k, v in state.items() if v}


def resource_desired_state(spec: ResourceSpec) -> dict[str, str]:
    return {k: v for k, v in resource_fields(spec).items() if v}
