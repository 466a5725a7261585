"""Template helpers for the FORM.317 fields (choices, labels, freshness, dictionary, e-mail).

Templates stay logic-free: every decision a citizen sees on a dataset page is made here,
where it can be tested without rendering HTML.
"""

from __future__ import annotations

import base64
from typing import Any

import ckan.plugins.toolkit as tk
from pueblaabierto.schemas import rules, vocabularies
from pueblaabierto.schemas.rules import TITLE_MAX_WORDS

from .portal import dates, home, pages


def _choices(name: str) -> list[dict[str, str]]:
    return [{"value": term.value, "label": term.label} for term in getattr(vocabularies.load(), name)]


# scheming calls choices helpers with the field; the vocabulary is fixed per helper.
def pa_opciones_temas(field: dict[str, Any] | None = None) -> list[dict[str, str]]:
    return _choices("temas")


def pa_opciones_frecuencias(field: dict[str, Any] | None = None) -> list[dict[str, str]]:
    return _choices("frecuencias")


def pa_opciones_tipos_visualizacion(field: dict[str, Any] | None = None) -> list[dict[str, str]]:
    return _choices("tipos_visualizacion")


def pa_opciones_formatos(field: dict[str, Any] | None = None) -> list[dict[str, str]]:
    return _choices("formatos")


def pa_etiqueta(vocabulary: str, value: str | None) -> str:
    """The label people read for a stored value ("mensual" -> "Mensual")."""
    return vocabularies.load().label(vocabulary, value or "") if value else ""


def pa_frescura(pkg: dict[str, Any]) -> dict[str, Any]:
    """Freshness badge of a dataset: its cut-off date (periodo_fin) against its frecuencia."""
    result = rules.freshness(pkg.get("periodo_fin"), pkg.get("frecuencia"))
    labels = {
        "actualizado": tk._("Actualizado"),
        "desactualizado": tk._("Desactualizado"),
        "sin-datos": tk._("Sin fecha de corte"),
    }
    if result.state == "desactualizado":
        detail = tk._("La fecha de corte ({corte}) tiene más antigüedad de la que permite la frecuencia {frecuencia}.")
    elif result.state == "actualizado" and result.limit:
        detail = tk._("Se espera la siguiente actualización a más tardar el {limite}.")
    elif result.state == "actualizado":
        detail = tk._("Se actualiza de forma irregular.")
    else:
        detail = tk._("Ningún recurso indica su fecha de corte.")
    return {
        "estado": result.state,
        "etiqueta": labels[result.state],
        "detalle": detail.format(
            corte=pkg.get("periodo_fin") or "",
            frecuencia=pa_etiqueta("frecuencias", pkg.get("frecuencia")).lower(),
            limite=result.limit.isoformat() if result.limit else "",
        ),
        "css": {"actualizado": "success", "desactualizado": "danger"}.get(result.state, "secondary"),
    }


def pa_correo_codificado(address: str | None) -> str:
    """The e-mail reversed and base64-encoded: harvesters scanning HTML for "@" find nothing.

    A small script (pa-correo.js) decodes it for people; without JS they read a hint instead.
    """
    if not address:
        return ""
    return base64.b64encode(address[::-1].encode("utf-8")).decode("ascii")


def pa_diccionario(pkg: dict[str, Any], resource: dict[str, Any] | None = None) -> list[dict[str, str]]:
    """Dictionary entries of a dataset; for a resource, those scoped to it plus the unscoped ones."""
    entries = [e for e in (pkg.get("diccionario") or []) if isinstance(e, dict) and e.get("termino")]
    if resource is None:
        return entries
    name = vocabularies.fold(resource.get("name") or "")
    return [e for e in entries if not e.get("recurso") or vocabularies.fold(e["recurso"]) == name]


def pa_aviso_titulo(title: str | None) -> str:
    """A warning (not an error) when the title is longer than the form recommends (rules.title_length).

    Worded like the form's live notice (pa_titulo.html), which rewrites it as the user types.
    """
    problem = rules.title_length(title)
    if problem is None:
        return ""
    words = problem.params["palabras"]
    return tk._("El nombre tiene {palabras} palabras; el FORM.317 recomienda no más de {maximo}. "
                "Acórtelo y pase el detalle a la descripción.").format(palabras=words, maximo=TITLE_MAX_WORDS)


def pa_max_palabras_titulo() -> int:
    return TITLE_MAX_WORDS


def pa_portada() -> dict[str, Any]:
    """Totals, temas with counts, recent datasets and dependencias of the home page."""
    return home.home_figures()


def pa_pagina(slug: str) -> str:
    """Markdown of an institutional page (the sysadmin's text or the shipped one)."""
    return pages.page_text(slug)


# DataStore (PostgreSQL) column types as a citizen reads them in the data dictionary.
COLUMN_TYPES = {
    "text": "Texto", "int2": "Número entero", "int4": "Número entero", "int8": "Número entero",
    "numeric": "Número", "float4": "Número", "float8": "Número", "bool": "Sí/No",
    "date": "Fecha", "timestamp": "Fecha y hora", "time": "Hora", "json": "JSON",
}


def pa_tipo_columna(pg_type: str | None) -> str:
    label = COLUMN_TYPES.get((pg_type or "").lower().strip("_"))
    return tk._(label) if label else (pg_type or "")


def get_helpers() -> dict[str, Any]:
    return {
        "render_datetime": dates.render_datetime,  # chained: date-only values as stored
        "pa_portada": pa_portada,
        "pa_tipo_columna": pa_tipo_columna,
        "pa_pagina": pa_pagina,
        "pa_opciones_temas": pa_opciones_temas,
        "pa_opciones_frecuencias": pa_opciones_frecuencias,
        "pa_opciones_tipos_visualizacion": pa_opciones_tipos_visualizacion,
        "pa_opciones_formatos": pa_opciones_formatos,
        "pa_etiqueta": pa_etiqueta,
        "pa_frescura": pa_frescura,
        "pa_correo_codificado": pa_correo_codificado,
        "pa_diccionario": pa_diccionario,
        "pa_aviso_titulo": pa_aviso_titulo,
        "pa_max_palabras_titulo": pa_max_palabras_titulo,
    }
