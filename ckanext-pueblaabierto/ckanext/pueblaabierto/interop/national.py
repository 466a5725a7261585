"""/data.json: the published catalogue in the form of Mexico's national inventory (datos.gob.mx).

Fields from the federal open-data guide (docs/interoperabilidad.md lists each source):
dataset identifier, title, description, keyword, modified, contactPoint, mbox, temporal,
spatial, landingPage, accrualPeriodicity (the inventory's codes: R/P1M, irregular...),
publisher; distribution title, description, downloadURL, mediaType, byteSize, temporal,
spatial. The catalogue's JSON Schema lives in tests/plugin/dcat/data_json.schema.json.
"""

from __future__ import annotations

import datetime
from typing import Any

import ckan.plugins.toolkit as tk
from pueblaabierto.schemas import rules, vocabularies

from ..dcat import eu_vocabularies as eu
from ..dcat import publication
from ..dcat.profile import landing_page, site_url
from . import published


def interval(start: Any, end: Any) -> str | None:
    """ISO 8601 interval ``2024-01-01/2024-12-31`` (open ends as ``..``), None if no dates."""
    start_date, end_date = rules.parse_date(start), rules.parse_date(end)
    if start_date is None and end_date is None:
        return None
    return f"{start_date.isoformat() if start_date else '..'}/{end_date.isoformat() if end_date else '..'}"


def utc(value: Any) -> str | None:
    """CKAN's naive UTC timestamps as ISO 8601 with their offset (``...+00:00``)."""
    if not value:
        return None
    try:
        moment = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.astimezone(datetime.timezone.utc).isoformat(timespec="seconds")


def frequency_code(frecuencia: str) -> str | None:
    term = vocabularies.load().get("frecuencias", frecuencia or "")
    return str(term.extra["iso8601"]) if term is not None else None


def spatial() -> str:
    return tk.config.get("pueblaabierto.dcat.spatial")


def distribution(resource: dict[str, Any]) -> dict[str, Any]:
    formato = resource.get("format") or ""
    entry = {
        "identifier": resource.get("id"),
        "title": resource.get("name") or resource.get("nombre_archivo") or "",
        "description": resource.get("description") or None,
        "downloadURL": resource.get("url") or "",
        "mediaType": eu.media_type(formato) or resource.get("mimetype") or "application/octet-stream",
        "format": formato,
        "temporal": interval(resource.get("fecha_inicio"), resource.get("fecha_fin")),
        "spatial": spatial(),
        "issued": utc(resource.get("created")),
        "modified": utc(resource.get("last_modified") or resource.get("metadata_modified") or resource.get("created")),
    }
    if resource.get("size") not in (None, ""):
        entry["byteSize"] = int(resource["size"])
    return {key: value for key, value in entry.items() if value is not None}


def dataset(pkg: dict[str, Any], issued: str | None = None,
            id_dependencias: dict[str, str] | None = None) -> dict[str, Any]:
    """One dataset's entry; ``id_dependencias`` caches organization id -> id_dependencia."""
    org = pkg.get("organization") or {}
    entry = {
        "identifier": pkg["id"],
        "title": pkg.get("title") or pkg["name"],
        "description": pkg.get("notes") or "",
        "keyword": [tag["name"] for tag in pkg.get("tags") or []],
        "issued": utc(issued or publication.issued(pkg)),
        "modified": utc(pkg.get("metadata_modified")),
        "contactPoint": pkg.get("responsable_nombre") or "",
        "mbox": pkg.get("responsable_correo") or "",
        "temporal": interval(pkg.get("periodo_inicio"), pkg.get("periodo_fin")),
        "spatial": spatial(),
        "landingPage": landing_page(pkg),
        "accrualPeriodicity": frequency_code(pkg.get("frecuencia") or ""),
        "language": ["es"],
        "theme": [pkg["tema"]] if pkg.get("tema") else [],
        "license": pkg.get("license_url") or "",
        "publisher": {"name": org.get("title") or "", "identifier": _id_dependencia(org, id_dependencias)},
        "distribution": [distribution(r) for r in pkg.get("resources") or []],
    }
    if pkg.get("id_dataset"):
        entry["alternateIdentifier"] = str(pkg["id_dataset"])
    return {key: value for key, value in entry.items() if value is not None}


def _id_dependencia(org: dict[str, Any], cache: dict[str, str] | None = None) -> str:
    """package_search's organization dicts lack the scheming field: read each dependencia once."""
    if "id_dependencia" in org or not org.get("id"):
        return str(org.get("id_dependencia") or "")
    cache = {} if cache is None else cache
    if org["id"] not in cache:
        cache[org["id"]] = str(published.organization(org["id"]).get("id_dependencia") or "")
    return cache[org["id"]]


def _default_licence_url() -> str:
    vocab = vocabularies.load()
    return next((lic["url"] for lic in vocab.licencias if lic["id"] == vocab.licencia_predeterminada), "")


def catalog() -> dict[str, Any]:
    """The whole published catalogue, one request (the national tool harvests it as a file)."""
    pkgs = list(published.datasets())
    first = publication.first_published(pkg["id"] for pkg in pkgs)
    datasets: list[dict[str, Any]] = []
    id_dependencias: dict[str, Any] = {}
    for pkg in pkgs:
        moment = first.get(pkg["id"])
        datasets.append(dataset(pkg, moment.isoformat(timespec="seconds") if moment else None, id_dependencias))
    return {
        "title": tk.config.get("ckan.site_title"),
        "description": tk.config.get("ckan.site_description") or "",
        "homepage": site_url(),
        "language": ["es"],
        "spatial": spatial(),
        "publisher": {
            "name": tk.config.get("pueblaabierto.dcat.publisher_name"),
            "mbox": tk.config.get("pueblaabierto.dcat.publisher_email") or "",
        },
        "license": _default_licence_url(),
        "modified": max((d["modified"] for d in datasets if d.get("modified")), default=None),
        "dataset": datasets,
    }
