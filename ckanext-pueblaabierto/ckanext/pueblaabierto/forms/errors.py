"""Spanish labels for the keys of a ValidationError, so error lists never show internal keys.

scheming's error list shows the fields of its schema by their labels and any other key as is
(``workflow: Este conjunto…``); CKAN's own summary shows ``Workflow: …``. Both go through
``error_label``: a field of the FORM.317 registry by its label, the few other keys a person can
meet by a Spanish name, and anything else (workflow, message, id…) without a label: those
messages already say what is wrong and how to fix it.
"""

from __future__ import annotations

import ast
import html
import re
from typing import Any

from markupsafe import escape
from pueblaabierto.schemas import form317

from ..translate import _

# Keys that are not FORM.317 fields, by what people read instead ("" = the message alone).
OTHER_KEYS = {
    "workflow": "",
    "message": "",
    "id": "",
    "transition": "",
    "datasets": "",
    "validation_report": "",
    "motivo": "Motivo",
    "comment": "Comentario",
    "oficio_numero": "Número de oficio",
    "oficio_fecha": "Fecha del oficio",
    "upload": "Archivo",
    "image_upload": "Logotipo de la Dependencia",
    "url": "Archivo o URL",
    "user": "Usuario",
    "role": "Rol",
    "organization": "Dependencia",
}


def _prettified(key: str) -> str:
    """How CKAN's ValidationError.error_summary writes a key ("oficio_fecha" -> "Oficio fecha")."""
    return re.sub(r"(?<!\w)[Uu]rl(?!\w)", "URL", key.replace("_", " ").capitalize())


def _registry_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for spec in form317.fields():
        if spec.level != form317.RELATION:
            labels.setdefault(spec.key, spec.label)
    return labels


def error_label(key: Any) -> str:
    """The Spanish label shown before an error message for ``key``; "" to show the message alone."""
    key = str(key or "")
    if key in OTHER_KEYS:
        return _(OTHER_KEYS[key]) if OTHER_KEYS[key] else ""
    label = _registry_labels().get(key)
    if label:
        return _(label)
    return ""


def summary_label(key: Any) -> str:
    """The label of an error_summary entry (already prettified by CKAN, maybe translated)."""
    key = str(key or "")
    for internal in (*OTHER_KEYS, *_registry_labels()):
        if key == _prettified(internal) or key == _(_prettified(internal)):
            return error_label(internal)
    return key


def first_message(value: Any) -> str:
    """The first message of an error value (a string, a list of them, or nested lists/dicts)."""
    if isinstance(value, dict):
        return "; ".join(filter(None, (first_message(v) for v in value.values())))
    if isinstance(value, (list, tuple)):
        for item in value:
            message = first_message(item)
            if message:
                return message
        return ""
    return str(value or "")


_DICT_REPR = re.compile(r"^(?:[^{]*?-\s*)?(\{.*\})\s*$", re.DOTALL)


def flash_text(message: Any) -> Any:
    """A flash message that is the repr of an error dict (CKAN's ``str(ValidationError)``), as Spanish text.

    Other messages come back unchanged (still escaped or Markup as CKAN stored them).
    """
    text = html.unescape(str(message))
    match = _DICT_REPR.match(text.strip())
    if not match:
        return message
    try:
        errors = ast.literal_eval(match.group(1))
    except (ValueError, SyntaxError):
        return message
    if not isinstance(errors, dict):
        return message
    parts = []
    for key, value in errors.items():
        label, body = error_label(key), first_message(value)
        parts.append(f"{label}: {body}" if label else body)
    return escape(" ".join(p for p in parts if p))
