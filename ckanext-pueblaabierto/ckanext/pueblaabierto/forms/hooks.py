"""What plugin.py registers for the forms (helpers, chained actions)."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from . import actions, defaults, errors

REQUIRED_RULE = "pa_obligatorio"  # the registry's rule for a required field (schemas/rules.py)


@tk.chained_helper
def scheming_field_required(next_helper: Any, field: dict[str, Any]) -> bool:
    """scheming's marker for required fields, also for the fields the registry requires (pa_obligatorio)."""
    validators = field.get("validators") or ""
    if isinstance(validators, str) and REQUIRED_RULE in validators.split():
        return True
    return bool(next_helper(field))


def pa_formatos_por_extension() -> dict[str, str]:
    return defaults.format_by_extension()


def get_helpers() -> dict[str, Any]:
    import ckan.plugins as p

    chained = {}
    if p.plugin_loaded("scheming_datasets") or p.plugin_loaded("scheming_organizations"):
        chained["scheming_field_required"] = scheming_field_required  # chains scheming's own helper
    return {
        **chained,
        "pa_formatos_por_extension": pa_formatos_por_extension,
        "pa_etiqueta_error": errors.error_label,
        "pa_etiqueta_resumen": errors.summary_label,
        "pa_primer_mensaje": errors.first_message,
        "pa_mensaje_flash": errors.flash_text,
    }


def get_actions() -> dict[str, Any]:
    return actions.get_actions()
