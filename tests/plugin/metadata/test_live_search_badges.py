"""Search results over HTTP (``live_ckan``): each published dataset shows its freshness badge.

The app-fixture test renders the template; this one goes through the portal's own search
backend and the review workflow, whose stored dataset dicts must carry periodo_fin/frecuencia.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import requests

from .conftest import dataset_dict, organization_dict, resource_dict
from .test_live_http import publish, upload_file


def _badges(html: str) -> dict[str, str | None]:
    found = {}
    for item in re.findall(r'<li class="dataset-item">(.*?)</li>\s*(?=<li class="dataset-item">|</ul>)', html, re.S):
        name = re.search(r'href="/dataset/([^"]+)"', item).group(1)
        badge = re.search(r'class="badge[^"]*pa-frescura[^"]*"[^>]*>([^<]*)<', item)
        found[name] = badge.group(1) if badge else None
    return found


def test_search_lists_show_actualizado_and_desactualizado(live_ckan):
    api = live_ckan.api()
    org = api.action.organization_create(**organization_dict(name="frescura-live", id_dependencia="317"))
    stale = resource_dict(fecha_inicio="2020-01-01", fecha_fin=(date.today() - timedelta(days=90)).isoformat())
    for name, id_dataset, resources in (("fresco-live", "1", [resource_dict()]), ("viejo-live", "2", [stale])):
        pkg = api.action.package_create(**dataset_dict(org["id"], name=name, id_dataset=id_dataset,
                                                       title=f"Conjunto {name}", resources=resources))
        upload_file(api, pkg["resources"][0]["id"])
        publish(api, pkg["id"])
    for path in ("/dataset/?q=live", f"/organization/{org['name']}"):
        badges = _badges(requests.get(f"{live_ckan.url}{path}", timeout=60).text)
        assert badges.get("fresco-live") == "Actualizado", (path, badges)
        assert badges.get("viejo-live") == "Desactualizado", (path, badges)
