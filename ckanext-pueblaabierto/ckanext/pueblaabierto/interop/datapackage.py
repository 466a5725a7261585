"""/dataset/<name>/datapackage.json: a Frictionless Data Package of a published dataset.

Each tabular resource in the DataStore gets its Table Schema: field types are the ones the
validator inferred and the pipeline gave the DataStore columns (pipeline/.../datastore.py maps
Table Schema -> PostgreSQL; TYPES below maps back), titles and descriptions come from the
data dictionary (diccionario, also written as the DataStore field info). Other resources are
listed as plain files, so the package describes the whole dataset.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import ckan.plugins.toolkit as tk
from pueblaabierto.schemas import vocabularies

from ..dcat import eu_vocabularies as eu
from ..dcat import publication
from ..dcat.profile import landing_page
from . import published

# DataStore (PostgreSQL) type -> Table Schema type.
TYPES = {
    "text": "string", "varchar": "string", "name": "string", "uuid": "string",
    "int": "integer", "int2": "integer", "int4": "integer", "int8": "integer", "integer": "integer",
    "bigint": "integer", "smallint": "integer",
    "numeric": "number", "float4": "number", "float8": "number", "float": "number",
    "double precision": "number", "real": "number",
    "bool": "boolean", "boolean": "boolean",
    "date": "date", "timestamp": "datetime", "timestamptz": "datetime", "time": "time",
    "json": "object", "jsonb": "object",
}


def _name(text: str, taken: set[str]) -> str:
    """A Data Package resource name: lower case, [a-z0-9._-], unique in the package."""
    base = re.sub(r"[^a-z0-9._-]+", "-", _ascii(text).lower()).strip("-._") or "recurso"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    taken.add(name)
    return name


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii")


def _dictionary(pkg: dict[str, Any], resource: dict[str, Any]) -> dict[str, str]:
    """termino -> descripcion for this resource (terms with no recurso apply to all)."""
    terms = {}
    for row in pkg.get("diccionario") or []:
        if row.get("recurso") and row["recurso"] != resource.get("name"):
            continue
        terms[str(row.get("termino") or "")] = str(row.get("descripcion") or "")
    return terms


def table_schema(pkg: dict[str, Any], resource: dict[str, Any]) -> dict[str, Any] | None:
    """The resource's Table Schema from its DataStore columns, or None if not in the DataStore."""
    if not resource.get("datastore_active"):
        return None
    try:
        info = tk.get_action("datastore_info")(published.anonymous_context(), {"id": resource["id"]})
    except (tk.ObjectNotFound, tk.NotAuthorized, KeyError):
        return None
    terms = _dictionary(pkg, resource)
    fields = []
    for column in info.get("fields") or []:
        if column["id"].startswith("_"):
            continue  # _id, _full_text: the DataStore's own columns, not in the file
        notes = (column.get("info") or {})
        field = {"name": column["id"], "type": TYPES.get(str(column.get("type", "")).lower(), "any")}
        if notes.get("label") and notes["label"] != column["id"]:
            field["title"] = notes["label"]
        description = notes.get("notes") or terms.get(column["id"])
        if description:
            field["description"] = description
        fields.append(field)
    return {"fields": fields} if fields else None


def _resource(pkg: dict[str, Any], resource: dict[str, Any], taken: set[str]) -> dict[str, Any]:
    formato = (resource.get("format") or "").strip()
    entry: dict[str, Any] = {
        "name": _name(resource.get("name") or resource.get("nombre_archivo") or resource["id"], taken),
        "title": resource.get("name") or "",
        "path": resource.get("url") or "",
        "format": formato.lower(),
    }
    if resource.get("description"):
        entry["description"] = resource["description"]
    media_type = eu.media_type(formato) or resource.get("mimetype")
    if media_type:
        entry["mediatype"] = media_type
    if resource.get("size"):
        entry["bytes"] = int(resource["size"])
    if resource.get("sha256"):
        entry["hash"] = f"sha256:{resource['sha256']}"
    schema = table_schema(pkg, resource)
    term = vocabularies.load().get("formatos", formato.upper())
    if schema is not None:
        entry["schema"] = schema
        entry["profile"] = "tabular-data-resource"
    elif term is None or not term.extra.get("tabular"):
        entry["profile"] = "data-resource"
    return entry


def package(pkg: dict[str, Any]) -> dict[str, Any]:
    taken: set[str] = set()
    org = pkg.get("organization") or {}
    descriptor: dict[str, Any] = {
        "name": pkg["name"],
        "id": pkg["id"],
        "title": pkg.get("title") or pkg["name"],
        "description": pkg.get("notes") or "",
        "homepage": landing_page(pkg),
        "keywords": [tag["name"] for tag in pkg.get("tags") or []],
        "created": publication.issued(pkg),
        "contributors": [
            c for c in (
                {"title": org.get("title"), "role": "publisher"} if org.get("title") else None,
                {"title": pkg.get("responsable_nombre"), "email": pkg.get("responsable_correo"), "role": "contact"}
                if pkg.get("responsable_nombre") else None,
            ) if c
        ],
        "resources": [_resource(pkg, r, taken) for r in pkg.get("resources") or []],
    }
    if pkg.get("license_id"):
        descriptor["licenses"] = [{"name": pkg["license_id"], "path": pkg.get("license_url") or "",
                                   "title": pkg.get("license_title") or pkg["license_id"]}]
    if descriptor["resources"] and all("schema" in r for r in descriptor["resources"]):
        descriptor["profile"] = "tabular-data-package"
    return descriptor
