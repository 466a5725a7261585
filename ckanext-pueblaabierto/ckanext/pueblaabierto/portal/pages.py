"""Institutional pages («Acerca de», «Aviso de privacidad», «Términos de uso», «Contacto»)
and the developers' page.

Their text is Markdown that a sysadmin edits in /ckan-admin/config (CKAN's own runtime
configuration form: the options are declared in config_declaration.yaml and made editable by
``update_config_schema``), so no extension for static pages is needed. While an option is
empty, the page shows the text shipped in ``textos/<slug>.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint, redirect, request
from werkzeug.wrappers import Response

TEXTS = Path(__file__).parent / "textos"


@dataclass(frozen=True)
class Page:
    slug: str
    option: str
    title: str  # Spanish already: these titles are ours, not CKAN's


PAGES = {
    page.slug: page
    for page in (
        Page("acerca", "ckan.site_about", "Acerca de"),
        Page("aviso-de-privacidad", "pueblaabierto.pagina.aviso_privacidad", "Aviso de privacidad"),
        Page("terminos-de-uso", "pueblaabierto.pagina.terminos_uso", "Términos de uso"),
        Page("contacto", "pueblaabierto.pagina.contacto", "Contacto"),
    )
}
# The catalogue's contact address (DCAT foaf:mbox, /data.json mbox), also shown on «Contacto».
CONTACT_EMAIL_OPTION = "pueblaabierto.dcat.publisher_email"
# Pages whose shipped text leaves official data for the sysadmin to fill in.
PAGES_TO_COMPLETE = frozenset({"contacto"})
# Options added to CKAN's sysadmin configuration form (ckan.site_about is already there).
EDITABLE_OPTIONS = [page.option for page in PAGES.values() if page.option != "ckan.site_about"]


@cache
def default_text(slug: str) -> str:
    return (TEXTS / f"{slug}.md").read_text(encoding="utf-8")


def page_text(slug: str) -> str:
    """The Markdown of a page: what the sysadmin saved, else the shipped text."""
    page = PAGES[slug]
    saved = (tk.config.get(page.option) or "").strip()
    if saved:
        return saved
    # The shipped «Contacto» invents no phone or address (the reference documents none): it
    # gives the portal's configured contact address and says the rest is still to be published.
    return default_text(slug).replace("{correo}", tk.config.get(CONTACT_EMAIL_OPTION) or "")


def is_default_text(slug: str) -> bool:
    """Whether the page still shows the shipped text (the sysadmin has not written one)."""
    return not (tk.config.get(PAGES[slug].option) or "").strip()


def update_config_schema(schema: dict[str, Any]) -> dict[str, Any]:
    ignore_missing = tk.get_validator("ignore_missing")
    unicode_safe = tk.get_validator("unicode_safe")
    for option in EDITABLE_OPTIONS:
        schema[option] = [ignore_missing, unicode_safe]
    return schema


def _render_page(slug: str) -> str:
    page = PAGES[slug]
    pending = slug in PAGES_TO_COMPLETE and is_default_text(slug)
    return tk.render("pueblaabierto/pagina.html",
                     {"pagina": page, "texto": page_text(slug), "por_completar": pending})


def developers() -> str:
    site_url = tk.config.get("ckan.site_url").rstrip("/")
    example = _example_dataset()
    return tk.render("pueblaabierto/desarrolladores.html", {"site_url": site_url, "ejemplo": example})


def _example_dataset() -> dict[str, Any]:
    """A real public dataset (and a DataStore resource) so the examples can be copied and run."""
    try:
        found = tk.get_action("package_search")(
            {"ignore_auth": False}, {"q": "", "rows": 20, "sort": "metadata_modified desc"}
        )
    except (tk.ValidationError, tk.ObjectNotFound):
        return {}
    for pkg in found["results"]:
        for resource in pkg.get("resources", []):
            if resource.get("datastore_active"):
                return {"dataset": pkg["name"], "resource_id": resource["id"]}
    if found["results"]:
        return {"dataset": found["results"][0]["name"], "resource_id": ""}
    return {}


# CKAN's group pages: the portal has no groups (temas are a FORM.317 field, dependencias are
# organizations), so «No se han encontrado grupos» would be a dead end. The API stays (sysadmins).
def no_group_pages() -> Response | None:
    """Send CKAN's group pages to the datasets, where temas and dependencias filter."""
    path = request.path.rstrip("/")
    if path == "/group" or path.startswith("/group/"):
        return redirect(tk.url_for("dataset.search"), code=301)
    if path == "/dashboard/groups":
        return redirect(tk.url_for("dashboard.datasets"), code=301)
    return None


def get_blueprint() -> Blueprint:
    blueprint = Blueprint("pueblaabierto_paginas", __name__)
    blueprint.before_app_request(no_group_pages)
    for slug in PAGES:
        if slug == "acerca":
            continue  # CKAN's /about (home.about) renders it, see templates/home/about.html
        blueprint.add_url_rule(f"/{slug}", endpoint=slug.replace("-", "_"),
                               view_func=lambda slug=slug: _render_page(slug))
    blueprint.add_url_rule("/desarrolladores", endpoint="desarrolladores", view_func=developers)
    return blueprint
