"""/data.json: the published catalogue in the form of Mexico's national inventory (datos.gob.mx).

Fields from the federal open-data guide (docs/interoperabilidad.md lists each source):
dataset identifier, title, description, keyword, modified, contactPoint, mbox, temporal,
spatial, landingPage, accrualPeriodicity (the inventory's codes: R/P1M, irregular...),
publisher; distribution title, description, downloadURL, mediaType, byteSize, temporal,
spatial. The catalogue's JSON Schema lives in tests/plugin/dcat/data_json.schema.json.

Every published dataset gets an entry with all the guide's required fields (* in the
guide), even one published before FORM.317 asked for them (a dataset loaded by the API,
with no contact or frequency): the dependencia, then the portal's publisher, answer for
contactPoint and mbox; the title stands for a missing description; a dataset with no
frequency is ``irregular`` (no fixed schedule, the inventory's own code for it). Optional
fields with no value are left out, never sent empty. A resource with no URL has nothing
to download and is no distribution.
"""

from __future__ import annotations

import datetime
import posixpath
import re
from typing import Any
from urllib.parse import urlsplit

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


def spatial() -> str | None:
    return tk.config.get("pueblaabierto.dcat.spatial") or None


_MEDIA_TYPE_RE = re.compile(r"^[a-z]+/[a-zA-Z0-9.+-]+$")


def media_type(formato: str, mimetype: str | None) -> str:
    """The format's IANA type, else CKAN's guessed mimetype without parameters, else octet-stream."""
    guessed = (mimetype or "").split(";", 1)[0].strip().lower()
    return eu.media_type(formato) or (guessed if _MEDIA_TYPE_RE.match(guessed) else "application/octet-stream")


def _text(*candidates: Any) -> str:
    """The first candidate with something besides spaces."""
    return next((str(c).strip() for c in candidates if c and str(c).strip()), "")


def distribution(resource: dict[str, Any]) -> dict[str, Any] | None:
    """A resource's entry, None when it has no URL (nothing to download)."""
    url = _text(resource.get("url"))
    if not url:
        return None
    formato = resource.get("format") or ""
    entry = {
        "identifier": resource.get("id"),
        "title": _text(resource.get("name"), resource.get("nombre_archivo"),
                       posixpath.basename(urlsplit(url).path), formato, resource.get("id")),
        "description": _text(resource.get("description")) or None,
        "downloadURL": url,
        "mediaType": media_type(formato, resource.get("mimetype")),
        "format": formato or None,
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
    publisher_name = _text(org.get("title"), org.get("name"), tk.config.get("pueblaabierto.dcat.publisher_name"))
    title = _text(pkg.get("title"), pkg["name"])
    distributions = (distribution(r) for r in pkg.get("resources") or [])
    entry = {
        "identifier": pkg["id"],
        "title": title,
        "description": _text(pkg.get("notes"), title),
        "keyword": [tag["name"] for tag in pkg.get("tags") or []],
        "issued": utc(issued or publication.issued(pkg)),
        "modified": utc(pkg.get("metadata_modified") or pkg.get("metadata_created")),
        "contactPoint": _text(pkg.get("responsable_nombre"), publisher_name),
        "mbox": _text(pkg.get("responsable_correo"), tk.config.get("pueblaabierto.dcat.publisher_email")),
        "temporal": interval(pkg.get("periodo_inicio"), pkg.get("periodo_fin")),
        "spatial": spatial(),
        "landingPage": landing_page(pkg),
        "accrualPeriodicity": frequency_code(pkg.get("frecuencia") or "") or "irregular",
        "language": ["es"],
        "theme": [pkg["tema"]] if pkg.get("tema") else [],
        "license": pkg.get("license_url") or None,
        "publisher": {"name": publisher_name, "identifier": _id_dependencia(org, id_dependencias)},
        "distribution": [d for d in distributions if d is not None],
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
    publisher = {
        "name": tk.config.get("pueblaabierto.dcat.publisher_name"),
        "mbox": tk.config.get("pueblaabierto.dcat.publisher_email") or None,
    }
    entry = {
        "title": tk.config.get("ckan.site_title"),
        "description": tk.config.get("ckan.site_description") or None,
        "homepage": site_url(),
        "language": ["es"],
        "spatial": spatial(),
        "publisher": {key: value for key, value in publisher.items() if value},
        "license": _default_licence_url() or None,
        "modified": max((d["modified"] for d in datasets if d.get("modified")), default=None),
        "dataset": datasets,
    }
    return {key: value for key, value in entry.items() if value is not None}
