"""/dcat.json (ckanext-dcat's ``dcat_datasets_list``) complete: publisher, creator, contact,
landing page, identifier, dates, licence, frequency and typed distributions.

ckanext-dcat's converter reads these only from ``dcat_*`` extras the portal never sets, so it
answered with empty publisher and creator. The chained action keeps ckanext-dcat's paging and
``modified_since`` and rebuilds each entry from the same fields as /data.json, in the DCAT-JSON
shape ckanext-dcat's own ``dcat_to_ckan`` reads back.
"""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from . import national, params, published


def entry(pkg: dict[str, Any], id_dependencias: dict[str, str] | None = None) -> dict[str, Any]:
    base = national.dataset(pkg, id_dependencias=id_dependencias)
    org = pkg.get("organization") or {}
    agent = {"name": org.get("title") or "", "identifier": base["publisher"].get("identifier") or ""}
    if org.get("name"):
        agent["url"] = f"{national.site_url()}/organization/{org['name']}"
    contact = {"fn": pkg.get("responsable_nombre") or "", "hasEmail": f"mailto:{pkg.get('responsable_correo')}"
               if pkg.get("responsable_correo") else ""}
    return {
        **{k: v for k, v in base.items() if k not in ("contactPoint", "mbox")},
        "publisher": agent,
        # FORM.317: the dependencia registers and produces the dataset.
        "creator": dict(agent),
        "contactPoint": contact,
        "distribution": [
            {**d, "accessURL": d.get("downloadURL", "")} for d in base.get("distribution", [])
        ],
    }


@tk.chained_action
@tk.side_effect_free
def dcat_datasets_list(original_action: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> list[dict]:
    """ckanext-dcat's paged list (same page size and parameters), each dataset complete.

    Like every export it reads as anonymous, whoever asks (published.py): only published
    datasets.
    """
    tk.check_access("dcat_datasets_list", context, data_dict)
    rows = int(tk.config.get("ckanext.dcat.datasets_per_page") or 100)
    page = params.page(data_dict)
    search: dict[str, Any] = {"rows": rows, "start": rows * (page - 1), "sort": "metadata_modified desc"}
    since = params.modified_since(data_dict)
    if since:
        search["fq"] = f"metadata_modified:[{since} TO NOW]"
    id_dependencias: dict[str, str] = {}
    return [entry(pkg, id_dependencias) for pkg in published.search(**search)]
