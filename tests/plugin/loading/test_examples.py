"""The portal's five examples, loaded by the server: every tabular file gets its table and its view."""

from __future__ import annotations

from pathlib import Path

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action
from ckanext.pueblaabierto import loading
from ckanext.pueblaabierto.loading import views as server_views
from pueblaabierto.publish import datastore as shared
from pueblaabierto.publish import views as shared_views
from pueblaabierto.publish.mapping import desired_state
from pueblaabierto.workbook.reader import read_submission

from .conftest import PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "app"),
]

EXAMPLES = Path(__file__).resolve().parents[3] / "dataset_forms" / "ejemplos"
FOLDERS = ["obra-publica", "presupuesto-capitulos", "programa-anual", "solicitudes-072", "wifi-publico"]


@pytest.mark.parametrize("folder", FOLDERS)
def test_example_gets_tables_and_the_views_its_form_asks_for(loading_db, folder):
    desired = desired_state(read_submission(EXAMPLES / folder / "FORM.317.xlsx"), EXAMPLES / folder)
    org = factories.Organization()
    loaded = 0
    for spec in desired.datasets:
        sources = [r for r in spec.resources if r.path is not None]
        pkg = factories.Dataset(owner_org=org["id"], private=True, resources=[
            {"name": r.name, "url": f"http://example.com/{r.path.name}", **{k: v for k, v in r.fields.items()
                                                                            if k != "name"}} for r in sources])
        by_name = {r["name"]: r for r in pkg["resources"]}
        entries = [{"resource_id": by_name[r.name]["id"], "path": str(r.path), "sha256": r.sha256,
                    "formato": r.fields["format"], "terms": spec.terms} for r in sources]

        outcomes = loading.after_validation(pkg["id"], entries)

        assert [o["error"] for o in outcomes] == [None] * len(entries)
        for r in sources:
            resource_id = by_name[r.name]["id"]
            if r.tabular:
                rows = shared.count_rows(r.path)
                assert call_action("datastore_search", resource_id=resource_id, limit=0)["total"] == rows
                loaded += 1
            wanted = shared_views.choose(r.fields.get("tipo_visualizacion", ""),
                                         extensions=server_views.extensions(), tabular=r.tabular,
                                         geojson=r.fields["format"] == "GEOJSON")
            present = [v["view_type"] for v in call_action("resource_view_list", id=resource_id)]
            if wanted is not None:
                assert wanted.view_type in present, (r.name, present)
    assert loaded or folder == "wifi-publico"
