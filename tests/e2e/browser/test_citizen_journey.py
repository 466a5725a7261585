"""The citizen's journey in a real browser, on a desktop and on a 390 px phone:
home → tema → search with and without accents → facets → dataset → table preview search → map →
chart → download → API link; axe-core on each page, and no page wider than the screen."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import expect

from .conftest import axe_violations

TABLE_DATASET = "solicitudes-ciudadanas-al-centro-de-atencion-072"
MAP_DATASET = "puntos-de-acceso-a-internet-inalambrico-gratuito"
CHART_DATASET = "presupuesto-de-egresos-por-capitulo-de-gasto"


def no_horizontal_overflow(tab) -> None:
    width = tab.evaluate("document.documentElement.scrollWidth")
    screen = tab.viewport_size["width"]
    assert width <= screen, f"{tab.url}: {width}px en una pantalla de {screen}px"


def accessible(tab) -> None:
    assert axe_violations(tab) == [], tab.url


def resource_with_view(live_ckan, dataset: str, view_type: str) -> tuple[str, str]:
    api = live_ckan.api(token="")
    for resource in api.action.package_show(id=dataset)["resources"]:
        for view in api.action.resource_view_list(id=resource["id"]):
            if view["view_type"] == view_type:
                return resource["id"], view["id"]
    pytest.fail(f"{dataset} sin vista {view_type}")


def test_home_tema_search_and_facets(page, examples):
    page.goto(examples + "/")
    expect(page.get_by_role("heading", name="Datos abiertos del Municipio de Puebla")).to_be_visible()
    # Search comes first: the search box is on screen without scrolling, also on a phone.
    search_box = page.get_by_label("¿Qué datos busca?")
    expect(search_box).to_be_in_viewport()
    no_horizontal_overflow(page)
    accessible(page)

    page.get_by_role("link", name=re.compile("Infraestructura y Servicios Públicos")).first.click()
    expect(page).to_have_url(re.compile(r"tema=infraestructura-y-servicios-publicos"))
    expect(page.locator(".dataset-item").first).to_be_visible()
    no_horizontal_overflow(page)

    counts = {}
    for query in ("inalámbrico", "inalambrico", "INALAMBRICO"):
        page.goto(examples + "/dataset/?q=" + query)
        counts[query] = page.locator(".dataset-item").count()
        expect(page.get_by_role("link", name="Puntos de acceso a internet inalámbrico gratuito")).to_be_visible()
    assert len(set(counts.values())) == 1, counts
    accessible(page)
    no_horizontal_overflow(page)

    page.goto(examples + "/dataset/")
    total = page.locator(".dataset-item").count()
    facet = page.locator(".filters a[href*='organization=']").first
    if page.device == "telefono":  # facets live behind the «Filtrar resultados» button on phones
        page.locator(".show-filters").click()
    facet.click()
    expect(page).to_have_url(re.compile(r"organization="))
    assert 0 < page.locator(".dataset-item").count() <= total


def test_dataset_table_preview_search_download_and_api(page, examples, live_ckan):
    page.goto(f"{examples}/dataset/{TABLE_DATASET}")
    title = page.locator(".primary h1").first
    expect(title).to_contain_text("Solicitudes ciudadanas al Centro de Atención 072")
    # Title, description and resources before the secondary blocks (dependencia, licence).
    title_y = title.bounding_box()["y"]
    resources_y = page.locator("#dataset-resources").bounding_box()["y"]
    secondary_y = page.locator("aside.secondary").bounding_box()["y"]
    if page.device == "telefono":
        assert title_y < 400 and resources_y < secondary_y
    assert "Del 1 de enero de 2024 al 31 de diciembre de 2024" in page.locator(".pa-periodo").inner_text()
    no_horizontal_overflow(page)
    accessible(page)

    resource_id, _ = resource_with_view(live_ckan, TABLE_DATASET, "datatables_view")
    page.goto(f"{examples}/dataset/{TABLE_DATASET}/resource/{resource_id}")
    no_horizontal_overflow(page)
    preview = page.frame_locator("iframe").first
    expect(preview.locator("#dtprv tbody tr").first).to_be_visible()
    for query in ("Sebastián", "sebastian"):
        box = preview.locator("input[type=search]").first
        box.fill(query)
        box.press("Enter")
        expect(preview.locator("#dtprv_info")).to_contain_text("filtrad")
        expect(preview.locator("#dtprv tbody")).to_contain_text("Sebastián")
        expect(preview.locator("#dtprv tbody td.dt-empty, #dtprv tbody td.dataTables_empty")).to_have_count(0)

    download = page.locator("a.resource-url-analytics, a[href*='/download/']").first
    href = download.get_attribute("href")
    response = requests.get(href if href.startswith("http") else examples + href, timeout=60)
    assert response.status_code == 200 and len(response.content) > 100

    page.goto(f"{examples}/dataset/{TABLE_DATASET}/resource/{resource_id}")
    page.locator("[data-module='api-info']").first.click()
    dialog = page.locator(".modal.show").first
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("API de datos")
    expect(dialog).to_contain_text("Ejemplos de código")
    expect(dialog).to_contain_text("datastore_search")
    expect(dialog).not_to_contain_text("Further information")
    expect(dialog).not_to_contain_text("Code examples")


def test_map_and_chart_render(page, examples, live_ckan):
    resource_id, _ = resource_with_view(live_ckan, MAP_DATASET, "geojson_view")
    page.goto(f"{examples}/dataset/{MAP_DATASET}/resource/{resource_id}")
    # The base map's tiles need internet; the GeoJSON points are drawn without it.
    features = page.frame_locator("iframe").first.locator(
        ".leaflet-marker-icon, path.leaflet-interactive, .leaflet-overlay-pane path")
    expect(features.first).to_be_attached(timeout=60_000)
    assert features.count() > 0
    no_horizontal_overflow(page)

    resource_id, _ = resource_with_view(live_ckan, CHART_DATASET, "charts_view")
    page.goto(f"{examples}/dataset/{CHART_DATASET}/resource/{resource_id}")
    # ckanext-charts draws with Plotly in the page itself (no iframe).
    chart = page.locator(".js-plotly-plot svg.main-svg, .resource-view svg, .resource-view canvas")
    expect(chart.first).to_be_visible(timeout=60_000)
    expect(page.locator(".js-plotly-plot .bars path, .js-plotly-plot .trace").first).to_be_attached()
    no_horizontal_overflow(page)
