"""Turn a dataset dict into the search document stored in ``pueblaabierto_search``.

The flattening follows ``ckan.lib.search.index.PackageSearchIndex.index_package`` so
that field names are the ones CKAN, extensions and users already put in ``fq``
(``tags``, ``groups``, ``organization``, ``res_format``, ``capacity``,
``vocab_<name>``, ``extras_<key>``, ``res_extras_<key>``, ``permission_labels``...).
Every scalar (or list of scalars) becomes a filterable field under its own key,
so FORM.317 fields (``tema``, ``frecuencia``...) need no code here. Lists of dicts
(e.g. the data dictionary ``diccionario``) only contribute text.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import ckan.lib.navl.dictization_functions as df
import ckan.lib.plugins as lib_plugins
import ckan.model as model
from ckan.common import config
from ckan.plugins import IPackageController, PluginImplementations
from dateutil.parser import ParserError
from dateutil.parser import parse as parse_date

log = logging.getLogger(__name__)

# Text weights (PostgreSQL ranks A > B > C > D). Fields not listed go to D.
# Why: citizens searching "agua" expect datasets titled so first, then datasets
# tagged/classified so (tags, FORM.317 ``tema``), then those that only mention it.
WEIGHT_A = ("title",)
WEIGHT_B = ("name", "tags", "tema", "groups_title", "organization_title")
WEIGHT_C = ("notes",)

# Keys never copied into ``fields``/text: bulky or internal.
_SKIP_KEYS = {"data_dict", "validated_data_dict", "resources", "relationships_as_subject",
              "relationships_as_object", "extras", "tags", "groups", "organization"}
# Values of these keys are URLs or ids; searchable by field, not as words.
_NO_TEXT_KEYS = {"id", "owner_org", "url", "res_url", "site_id", "permission_labels", "capacity",
                 "state", "type", "dataset_type", "entity_type", "private", "metadata_created",
                 "metadata_modified", "license_url", "creator_user_id", "index_id", "urls",
                 "license_id", "isopen", "num_resources", "num_tags", "version"}


# Separates values in the text: "y" is a Spanish stop word, so it takes positions
# but is not indexed. Like Solr's position increment gap, it stops a phrase
# ("agua calidad") from matching across two values (a tag "agua", a tag "calidad"),
# and, leading every text, across the concatenated vectors of the index row.
_GAP = " y y y y "


# Kept out of ``fields`` (filters and facets read it for every matched row, so it
# must stay small): tokenised text and URLs go to ``text_fields``, as does any
# value longer than MAX_FIELD_VALUE (nobody filters or facets on a paragraph).
TEXT_FIELD_KEYS = frozenset({"title", "notes", "res_name", "res_description", "res_url", "url", "author",
                             "maintainer", "organization_title", "groups_title", "title_string"})
MAX_FIELD_VALUE = 200
# Read on every search, so stored as columns rather than in ``fields``.
COLUMN_KEYS = ("state", "capacity", "dataset_type", "permission_labels")

# The fields dataset pages facet on (CKAN's defaults and the portal's, search/facets.py):
# their values are also stored as ``field:value`` in the narrow ``facet_terms`` array,
# which facet counts and ``fq`` read instead of the out-of-line ``fields`` JSON. Other
# fields still facet and filter from ``fields`` (same results, slower). Changing this
# list needs a migration that refills ``facet_terms`` and ``facet_ids`` (see 8c2e5a7d1f93,
# 5d9e3b7a2c18), or a rebuild.
FACET_FIELDS = ("organization", "groups", "tags", "res_format", "license_id", "tema", "frecuencia",
                "res_extras_tipo_visualizacion")
FACET_SEPARATOR = ":"


def facet_term(key: str, value: str) -> str:
    """The ``facet_terms`` element for one value of a FACET_FIELDS field."""
    return key + FACET_SEPARATOR + value


# Resource columns that are bookkeeping, not metadata (CKAN's Solr index leaves
# them out too): not worth a place in ``fields``.
_RESOURCE_BOOKKEEPING = frozenset(
    "res_extras_" + key
    for key in ("id", "package_id", "position", "state", "created", "last_modified", "metadata_modified",
                "cache_url", "cache_last_updated", "url_type")
)


def goes_to_text_fields(key: str, value: str) -> bool:
    return key in TEXT_FIELD_KEYS or len(value) > MAX_FIELD_VALUE


@dataclass
class SearchDocument:
    package_id: str
    name: str
    title_sort: str
    metadata_created: str | None
    metadata_modified: str | None
    validated_data_dict: str
    data_dict: str
    doc: dict[str, Any]
    fields: dict[str, list[str]]
    text_fields: dict[str, list[str]]
    text: dict[str, str]  # weight letter -> text
    facet_terms: list[str]  # facet_term() of each value of FACET_FIELDS in ``fields``


def _scalar_text(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list, tuple)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _unique(values: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        seen.setdefault(value, None)
    return list(seen)


def _texts_in(value: Any) -> Iterable[str]:
    """Every string inside a nested value (for lists of dicts such as diccionario)."""
    if isinstance(value, dict):
        for item in value.values():
            yield from _texts_in(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _texts_in(item)
    elif isinstance(value, str) and value:
        yield value


# Validators of the show schema that only ask the database whether to refuse a value
# ("is this name taken by another dataset?"): they never change the dict, and the errors
# of this validation are discarded, so leaving them out gives the same document with one
# query per dataset fewer (≈ 1 ms of a rebuild's ≈ 7 ms per dataset, RESULTS.md).
_CHECK_ONLY_VALIDATORS = ("package_name_validator",)


def _without_check_only_validators(schema: dict[str, Any]) -> dict[str, Any]:
    import ckan.plugins.toolkit as tk

    skipped = {id(tk.get_validator(name)) for name in _CHECK_ONLY_VALIDATORS}
    return {key: [v for v in value if id(v) not in skipped] if isinstance(value, list) else value
            for key, value in schema.items()}


def _validated(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """The dict package_show returns (with scheming fields) for search results."""
    package_plugin = lib_plugins.lookup_package_plugin(pkg_dict.get("type"))
    schema = _without_check_only_validators(package_plugin.show_package_schema())
    validated, _errors = lib_plugins.plugin_validate(
        package_plugin, {"model": model, "session": model.Session}, pkg_dict, schema, "package_show"
    )
    return validated


def sort_key(title: str) -> str:
    """Lower case without accents, so "Árboles" sorts with the A's (Solr's title_string
    would put it after Z)."""
    decomposed = unicodedata.normalize("NFKD", title.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _iso(value: Any) -> str | None:
    if not value:
        return None
    parsed = None
    if isinstance(value, str):
        # ISO 8601 (what CKAN stores) without dateutil's general parser: same datetime, ~20× faster.
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            parsed = None
    if parsed is None:
        try:
            parsed = parse_date(str(value))
        except (ParserError, OverflowError, ValueError):
            return None
    text = parsed.isoformat()
    return text if parsed.tzinfo else text + "Z"


def _solr_date(value: Any) -> str | None:
    """As Solr returns a stored date: UTC, milliseconds at most ("2014-06-10T08:24:12.782Z")."""
    text = _iso(value)
    if text is None:
        return None
    parsed = dt.datetime.fromisoformat(text)  # _iso's own output
    if parsed.tzinfo:
        parsed = parsed.astimezone(dt.timezone.utc).replace(tzinfo=None)
    stamp = parsed.isoformat(timespec="milliseconds").rstrip("0").rstrip(".")
    return stamp + "Z"


def flatten(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """The Solr-like flat document CKAN would send to Solr (before plugins)."""
    doc: dict[str, Any] = {}
    for key, value in pkg_dict.items():
        if key in _SKIP_KEYS:
            continue
        if key.endswith("_date"):
            value = _iso(value)
            if value is None:
                continue
        doc[key] = value

    for extra in pkg_dict.get("extras") or []:
        key, value = extra.get("key"), extra.get("value")
        if not key:
            continue
        doc["extras_" + key] = value
        doc.setdefault(key, value)

    tags: list[str] = []
    vocab: dict[str, list[str]] = {}
    for tag in pkg_dict.get("tags") or []:
        if tag.get("vocabulary_id"):
            vocab_obj = model.Vocabulary.get(tag["vocabulary_id"])
            vocab.setdefault("vocab_%s" % (vocab_obj.name if vocab_obj else tag["vocabulary_id"]), []).append(
                tag["name"]
            )
        else:
            tags.append(tag["name"])
    doc["tags"] = tags
    doc.update(vocab)

    groups = pkg_dict.get("groups") or []
    doc["groups"] = [g["name"] for g in groups]
    doc["groups_title"] = [g.get("title") or g["name"] for g in groups]
    org = pkg_dict.get("organization")
    doc["organization"] = org["name"] if org else None
    doc["organization_title"] = (org.get("title") or org["name"]) if org else None
    doc["capacity"] = "private" if pkg_dict.get("private") else "public"

    resource_keys = {"name": "res_name", "description": "res_description", "format": "res_format",
                     "url": "res_url", "resource_type": "res_type"}
    res_text: list[str] = []
    for resource in pkg_dict.get("resources") or []:
        for key, value in resource.items():
            flat_key = resource_keys.get(key, "res_extras_" + key)
            text = _scalar_text(value)
            if text is None:
                res_text.extend(_texts_in(value))
                continue
            doc.setdefault(flat_key, []).append(text)
    doc["res_text"] = res_text

    doc["entity_type"] = "package"
    doc["dataset_type"] = pkg_dict.get("type")
    doc["site_id"] = config.get("ckan.site_id")
    title = pkg_dict.get("title")
    if title:
        doc["title"] = title.lstrip()
        doc["title_string"] = doc["title"]
    for key in ("metadata_created", "metadata_modified"):
        if pkg_dict.get(key):
            doc[key] = _solr_date(pkg_dict[key])
    return doc


def build(pkg_dict: dict[str, Any]) -> SearchDocument:
    """Build the stored row for a package_show dict (``validate: False``)."""
    pkg_dict = dict(pkg_dict)
    validated = _validated(pkg_dict)
    validated_json = json.dumps(validated, cls=df.MissingNullEncoder)
    data_json = json.dumps(pkg_dict, cls=df.MissingNullEncoder)

    doc = flatten(pkg_dict)
    for plugin in PluginImplementations(IPackageController):
        doc = plugin.before_dataset_index(doc)
    assert doc, "Plugin must return non empty package dict on index"

    # Like CKAN: labels decide visibility, so plugins cannot set them.
    labels = lib_plugins.get_permission_labels()
    dataset = model.Package.get(pkg_dict["id"])
    doc["permission_labels"] = labels.get_dataset_labels(dataset) if dataset else []

    fields: dict[str, list[str]] = {}
    other_text: list[str] = []
    for key, value in doc.items():
        if isinstance(value, (list, tuple)):
            values = [v for v in (_scalar_text(item) for item in value) if v is not None]
            nested = [item for item in value if isinstance(item, (dict, list))]
            if nested:
                other_text.extend(_texts_in(nested))
        else:
            text = _scalar_text(value)
            values = [text] if text is not None else []
            if isinstance(value, dict):
                other_text.extend(_texts_in(value))
        if values:
            fields[key] = _unique(values)

    # Lists of dicts in the validated dict (scheming repeating subfields such as
    # the FORM.317 data dictionary) are text, with the resources, at weight D.
    for key, value in validated.items():
        if key not in _SKIP_KEYS and key not in doc and isinstance(value, (list, dict)):
            other_text.extend(_texts_in(value))

    weighted: dict[str, list[str]] = {"A": [], "B": [], "C": [], "D": []}
    for key, values in fields.items():
        if key in _NO_TEXT_KEYS or key.startswith("extras_") or key == "title_string":
            continue
        if key in WEIGHT_A:
            weighted["A"].extend(values)
        elif key in WEIGHT_B or key.startswith("vocab_"):
            weighted["B"].extend(values)
        elif key in WEIGHT_C:
            weighted["C"].extend(values)
        else:
            weighted["D"].extend(values)
    weighted["D"].extend(other_text)
    fields.pop("res_text", None)
    doc.pop("res_text", None)

    short: dict[str, list[str]] = {}
    long: dict[str, list[str]] = {}
    for key, values in fields.items():
        if key in COLUMN_KEYS or key in _RESOURCE_BOOKKEEPING:
            continue
        for value in values:
            (long if goes_to_text_fields(key, value) else short).setdefault(key, []).append(value)

    title = doc.get("title") or ""
    return SearchDocument(
        package_id=pkg_dict["id"],
        name=pkg_dict.get("name") or "",
        title_sort=sort_key(title),
        metadata_created=pkg_dict.get("metadata_created"),
        metadata_modified=pkg_dict.get("metadata_modified"),
        validated_data_dict=validated_json,
        data_dict=data_json,
        doc=doc,
        fields=short,
        text_fields=long,
        text={weight: _GAP + ("\n" + _GAP).join(values) for weight, values in weighted.items()},
        facet_terms=[facet_term(key, value) for key in FACET_FIELDS for value in short.get(key, ())],
    )
