"""axe-core finds no serious or critical accessibility violation on the citizens' pages and on
«Mis pendientes», on a desktop and on a phone."""

from __future__ import annotations

import pytest

from .conftest import DESKTOP, PHONE, axe_violations

TABLE_DATASET = "solicitudes-ciudadanas-al-centro-de-atencion-072"


def pages(live_ckan) -> list[str]:
    pkg = live_ckan.api(token="").action.package_show(id=TABLE_DATASET)
    return ["/", "/dataset/", "/dataset/?q=alumbrado&tema=infraestructura-y-servicios-publicos",
            f"/dataset/{TABLE_DATASET}", f"/dataset/{TABLE_DATASET}/resource/{pkg['resources'][0]['id']}",
            "/organization/", f"/organization/{pkg['organization']['name']}", "/desarrolladores", "/about"]


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


def test_mis_pendientes_has_no_serious_violations(browser, live_ckan, examples):
    context = browser.new_context(viewport=DESKTOP, locale="es-MX",
                                  extra_http_headers={"Authorization": live_ckan.token})
    try:
        tab = context.new_page()
        tab.goto(examples + "/flujo/pendientes", wait_until="networkidle")
        assert "Mis pendientes" in tab.content()
        assert axe_violations(tab) == []
    finally:
        context.close()
