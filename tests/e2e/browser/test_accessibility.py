"""axe-core finds no serious or critical violation on the citizens' pages, inside the table
preview's and the map's iframes, and on «Mis pendientes», on a desktop and on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP, PHONE, axe_frame_violations, axe_violations

TABLE_DATASET = "solicitudes-ciudadanas-al-centro-de-atencion-072"
MAP_DATASET = "puntos-de-acceso-a-internet-inalambrico-gratuito"


def pages(live_ckan) -> list[str]:
    pkg = live_ckan.api(token="").action.package_show(id=TABLE_DATASET)
    return ["/", "/dataset/", "/dataset/?q=alumbrado&tema=infraestructura-y-servicios-publicos",
            f"/dataset/{TABLE_DATASET}", f"/dataset/{TABLE_DATASET}/resource/{pkg['resources'][0]['id']}",
            "/organization/", f"/organization/{pkg['organization']['name']}", "/desarrolladores", "/about"]


def view_page(live_ckan, dataset: str, view_type: str) -> str:
    api = live_ckan.api(token="")
    for resource in api.action.package_show(id=dataset)["resources"]:
        if any(v["view_type"] == view_type for v in api.action.resource_view_list(id=resource["id"])):
            return f"/dataset/{dataset}/resource/{resource['id']}"
    pytest.fail(f"{dataset} sin vista {view_type}")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["escritorio", "telefono"])
def test_citizen_pages_have_no_serious_violations(browser, live_ckan, examples, viewport):
    context = browser.new_context(viewport=viewport, locale="es-MX")
    try:
        tab = context.new_page()
        problems = {}
        for path in pages(live_ckan):
            tab.goto(examples + path, wait_until="networkidle")
            found = axe_violations(tab)
            if found:
                problems[path] = found
        assert problems == {}
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["escritorio", "telefono"])
def test_table_preview_and_map_frames_have_no_serious_violations(browser, live_ckan, examples, viewport):
    context = browser.new_context(viewport=viewport, locale="es-MX")
    context.set_default_timeout(60_000)
    try:
        tab = context.new_page()
        tab.goto(examples + view_page(live_ckan, TABLE_DATASET, "datatables_view"))
        expect(tab.frame_locator("iframe").first.locator("#dtprv tbody tr").first).to_be_visible()
        problems = axe_frame_violations(tab)
        tab.goto(examples + view_page(live_ckan, MAP_DATASET, "geojson_view"))
        expect(tab.frame_locator("iframe").first.locator(
            ".leaflet-marker-icon, path.leaflet-interactive, .leaflet-overlay-pane path").first).to_be_attached()
        problems.update(axe_frame_violations(tab))
        assert len(tab.main_frame.child_frames) >= 1  # the map's frame was audited, not skipped
        assert problems == {}, "\n".join(f"{url}: {found}" for url, found in problems.items())
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["escritorio", "telefono"])
def test_mis_pendientes_has_no_serious_violations(browser, live_ckan, examples, viewport):
    context = browser.new_context(viewport=viewport, locale="es-MX",
                                  extra_http_headers={"Authorization": live_ckan.token})
    try:
        tab = context.new_page()
        tab.goto(examples + "/flujo/pendientes", wait_until="networkidle")
        assert "Mis pendientes" in tab.content()
        assert axe_violations(tab) == []
    finally:
        context.close()
