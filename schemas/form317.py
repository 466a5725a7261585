"""The FORM.317 registry, read from the scheming schemas (dataset.yaml, dependencia.yaml).

Why the YAML and not a Python module that generates it: CKAN loads those files as they are
(no generation step to forget, no generated file to drift), ckanext-scheming ignores keys it
does not know, and the field's portal half (label, validators, help text, presets) was
already there. Each field block gains a ``form317`` mapping with its workbook half (sheet,
column, header, aliases, width, example) and its DCAT property, so one block tells
everything about a field. This module turns the blocks into the objects the pipeline (reader,
template, checks, publish mapping) and the portal (facets, DCAT) use. No CKAN imports.

Vocabulary of a block: ``validators`` lists the rules (``pa_*`` names, schemas/rules.py);
``pa_obligatorio`` makes the field required, ``pa_vocabulario(x)`` ties it to list ``x`` of
vocabularios.yaml, ``pa_numerico`` makes it an ID, ``pa_fecha`` a date,
``pa_correo_institucional`` an e-mail. ``form317.kind: file`` marks a file name and
``form317.required`` overrides required-ness for the workbook only.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import Enum
from importlib import resources
from typing import Any

import yaml


class Kind(str, Enum):
    TEXT = "text"
    ID = "id"  # a whole number assigned by someone else; anything else is reported, not coerced
    DATE = "date"
    EMAIL = "email"
    VOCABULARY = "vocabulary"
    FILE = "file"


# CKAN level a field belongs to.
ORGANIZATION = "organization"
DATASET = "dataset"
RESOURCE = "resource"
DICTIONARY = "diccionario"  # a subfield of the dataset's ``diccionario`` repeating field
RELATION = "relation"  # an ID column relating one sheet to another (not a field of its level)

# Keys CKAN itself defines on each level (the rest are the scheming schema's own fields, kept
# as ``extras`` by a CKAN without the schemas).
CKAN_CORE_KEYS = {
    ORGANIZATION: frozenset({"name", "title", "description", "image_url"}),
    DATASET: frozenset({"name", "title", "notes", "tag_string", "owner_org", "license_id", "url", "version"}),
    RESOURCE: frozenset({"name", "url", "description", "format"}),
}

_RULE = re.compile(r"^(pa_[a-z_]+)(?:\((\w+)\))?$")


@dataclass(frozen=True)
class Form317Field:
    """One field of the FORM.317: its CKAN key, its workbook column, its rules, its DCAT property."""

    key: str  # CKAN key (field_name); the workbook records use the same name
    label: str
    level: str
    definition: str = ""
    header: str = ""  # workbook header ("" for portal-only fields)
    sheet: str | None = None  # workbook sheet key; None for portal-only fields
    column: str | None = None  # column letter in the official template
    aliases: tuple[str, ...] = ()
    width: int = 30
    example: str = ""
    kind: Kind = Kind.TEXT
    required: bool = False
    vocabulary: str | None = None  # list of vocabularios.yaml
    rules: tuple[str, ...] = ()  # pa_* validator names, in order
    dcat: str | None = None  # DCAT-AP property, e.g. "dct:accrualPeriodicity"
    refers_to: str | None = None  # "sheet.key" an ID column must match
    ckan: str | None = None  # for relation columns: what they become in CKAN


@dataclass(frozen=True)
class SheetSpec:
    key: str
    name: str
    fields: tuple[Form317Field, ...]
    required: bool = True
    aliases: tuple[str, ...] = ()

    def field(self, key: str) -> Form317Field:
        for spec in self.fields:
            if spec.key == key:
                return spec
        raise KeyError(key)

    def column_letter(self, key: str) -> str:
        """Column of a field in the official template (A, B, ...)."""
        return self.field(key).column or ""


def _load(name: str) -> dict[str, Any]:
    text = resources.files("pueblaabierto.schemas").joinpath(name).read_text("utf-8")
    return yaml.safe_load(text)


def _rules(validators: str) -> tuple[tuple[str, str | None], ...]:
    found = []
    for word in (validators or "").split():
        match = _RULE.match(word)
        if match:
            found.append((match.group(1), match.group(2)))
    return tuple(found)


def _placeholder_example(placeholder: Any) -> str:
    # The portal's placeholder "p. ej. 3" already holds the field's example: not written twice.
    text = str(placeholder or "")
    return text[len("p. ej. "):] if text.startswith("p. ej. ") else ""


def _field(raw: dict[str, Any], level: str) -> Form317Field:
    block = raw.get("form317") or {}
    if level == RELATION:
        block, key = raw, raw["key"]
    else:
        key = raw["field_name"]
    rules = _rules(raw.get("validators", ""))
    names = tuple(name for name, _ in rules)
    vocabulary = next((arg for name, arg in rules if name == "pa_vocabulario"), None)
    if "kind" in block:
        kind = Kind(block["kind"])
    elif vocabulary:
        kind = Kind.VOCABULARY
    elif "pa_numerico" in names:
        kind = Kind.ID
    elif "pa_fecha" in names:
        kind = Kind.DATE
    elif "pa_correo_institucional" in names:
        kind = Kind.EMAIL
    else:
        kind = Kind.TEXT
    label = str(raw.get("label") or raw.get("header") or key)
    return Form317Field(
        key=key,
        label=label,
        level=level,
        definition=str(block.get("definition") or raw.get("help_text") or ""),
        header=str(block.get("header") or label) if block.get("sheet") or level == RELATION else "",
        sheet=block.get("sheet"),
        column=block.get("column"),
        aliases=tuple(block.get("aliases") or ()),
        width=int(block.get("width") or 30),
        example=str(block.get("example") or _placeholder_example(raw.get("form_placeholder"))),
        kind=kind,
        required=bool(block["required"]) if "required" in block else "pa_obligatorio" in names,
        vocabulary=vocabulary,
        rules=names,
        dcat=block.get("dcat"),
        refers_to=block.get("refers_to"),
        ckan=block.get("ckan") if level == RELATION else key,
    )


@functools.cache
def fields() -> tuple[Form317Field, ...]:
    """Every FORM.317 field of the portal and the workbook, in schema order."""
    dataset, dependencia = _load("dataset.yaml"), _load("dependencia.yaml")
    found = [_field(raw, ORGANIZATION) for raw in dependencia["fields"]]
    for raw in dataset["dataset_fields"]:
        found.append(_field(raw, DATASET))
        found += [_field(sub, DICTIONARY) for sub in raw.get("repeating_subfields") or ()]
    found += [_field(raw, RESOURCE) for raw in dataset["resource_fields"]]
    for sheet in (*dependencia.get("form317_sheets", ()), *dataset.get("form317_sheets", ())):
        found += [_field(dict(raw, sheet=sheet["key"]), RELATION) for raw in sheet.get("columns") or ()]
    return tuple(found)


@functools.cache
def sheets() -> tuple[SheetSpec, ...]:
    """The four data sheets of the workbook, in the form's order, columns in template order."""
    raw_sheets = [*_load("dependencia.yaml")["form317_sheets"], *_load("dataset.yaml")["form317_sheets"]]
    result = []
    for raw in raw_sheets:
        columns = sorted((f for f in fields() if f.sheet == raw["key"]), key=lambda f: f.column or "")
        result.append(SheetSpec(key=raw["key"], name=raw["name"], fields=tuple(columns),
                                aliases=tuple(raw.get("aliases") or ())))
    return tuple(result)


def sheet(key: str) -> SheetSpec:
    for candidate in sheets():
        if candidate.key == key:
            return candidate
    raise KeyError(key)


def field(level: str, key: str) -> Form317Field:
    """The field ``key`` of a CKAN level (``dataset``, ``resource``, ``organization``, ``diccionario``)."""
    for candidate in fields():
        if candidate.level == level and candidate.key == key:
            return candidate
    raise KeyError(f"{level}.{key}")


def label(level: str, key: str) -> str:
    return field(level, key).label


def dcat_property(key: str, level: str = DATASET) -> str | None:
    """The DCAT-AP property a field maps to (e.g. ``dct:accrualPeriodicity``), None if it has none.

    For the DCAT profile: a path such as ``dcat:contactPoint/vcard:fn`` means the value is
    ``vcard:fn`` of the node linked by ``dcat:contactPoint``.
    """
    try:
        return field(level, key).dcat
    except KeyError:
        return None


def dcat_path(key: str, level: str = DATASET) -> tuple[tuple[str, str], ...]:
    """The DCAT property as (prefix, local name) steps: ``(("dcat", "contactPoint"), ("vcard", "fn"))``.

    The profile maps each prefix to its rdflib Namespace (DCAT, DCT, VCARD, FOAF); () when the
    field has no DCAT property.
    """
    prop = dcat_property(key, level)
    if not prop:
        return ()
    return tuple((step.split(":", 1)[0], step.split(":", 1)[1]) for step in prop.split("/"))


def dcat_mapping(level: str = DATASET) -> dict[str, str]:
    """CKAN key -> DCAT property, for every field of ``level`` that has one."""
    return {f.key: f.dcat for f in fields() if f.level == level and f.dcat}


def workbook_keys(level: str, *, core: bool | None = None) -> tuple[str, ...]:
    """CKAN keys of ``level`` that a workbook column fills; ``core`` selects CKAN's own or the schema's."""
    keys = [f.key for f in fields() if f.level == level and f.sheet]
    if core is None:
        return tuple(keys)
    return tuple(k for k in keys if (k in CKAN_CORE_KEYS.get(level, frozenset())) == core)


def vocabulary_of(level: str, key: str) -> str | None:
    try:
        return field(level, key).vocabulary
    except KeyError:
        return None


def markdown_table() -> str:
    """The fields of every sheet as the Markdown table of docs/form317.md (a test keeps them equal)."""
    lines = [
        "| Pestaña | Col. | Encabezado | Clave en CKAN | Obligatorio | Reglas | DCAT |",
        "|---|---|---|---|---|---|---|",
    ]
    for spec in sheets():
        for item in spec.fields:
            key = f"`{item.key}`" if item.level != RELATION else f"`{item.key}` → `{item.ckan}`"
            shown = [f"{rule}({item.vocabulary})" if rule == "pa_vocabulario" else rule for rule in item.rules]
            rules = ", ".join(f"`{rule}`" for rule in shown) or "—"
            dcat = f"`{item.dcat}`" if item.dcat else "—"
            lines.append(
                f"| {spec.name} | {item.column} | {item.header} | {key} | {'Sí' if item.required else 'No'} "
                f"| {rules} | {dcat} |"
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
