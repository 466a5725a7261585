"""The citizen's journey in a real browser, one flow of clicks, on a desktop and on a 390 px phone:
home → tema tile → search with and without accents → facet → dataset → table preview search
(«parque», «rehabilitacion») → download (the browser's own download) → «API de datos» link,
fetched as JSON → map → chart; no page wider than the screen. (axe-core: test_accessibility.py.)"""

from __future__ import annotations

import json
import re

import pytest
import requests
from playwright.sync_api import expect

OBRA_TITLE = "Obra pública contratada 2024"
TABLE_DATASET = "solicitudes-ciudadanas-al-centro-de-atencion-072"
MAP_DATASET = "puntos-de-acceso-a-internet-inalambrico-gratuito"
CHART_DATASET = "presupuesto-de-egresos-por-capitulo-de-gasto"


# The outermost elements that stick out of the screen: what to fix when a page is too wide.
WIDE_ELEMENTS = """() => {
  const w = document.documentElement.clientWidth;
  const wide = e => e.getBoundingClientRect().right > w + 1;
  return [...document.querySelectorAll('body *')].filter(e => wide(e) && !wide(e.parentElement))
    .slice(0, 8).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
      + (typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
      + ' ' + Math.round(e.getBoundingClientRect().right) + 'px');
}"""


def no_horizontal_overflow(tab) -> None:
    tab.wait_for_load_state("load")  # measured with its styles applied, not while it arrives
    width = tab.evaluate("document.documentElement.scrollWidth")
    screen = tab.viewport_size["width"]
    if width > screen:
        pytest.fail(f"{tab.url}: {width}px en una pantalla de {screen}px: {tab.evaluate(WIDE_ELEMENTS)}")


def resource_with_view(live_ckan, dataset: str, view_type: str) -> tuple[str, str]:
    api = live_ckan.api(token="")
    for resource in api.action.package_show(id=dataset)["resources"]:
        for view in api.action.resource_view_list(id=resource["id"]):
            if view["view_type"] == view_type:
                return resource["id"], view["id"]
    pytest.fail(f"{dataset} sin vista {view_type}")


def search_results(tab) -> list[str]:
    return tab.locator(".dataset-item .dataset-heading a").all_inner_texts()


def test_citizen_journey(page, examples, live_ckan):
    obra = live_ckan.api(token="").action.package_search(q=f'title:"{OBRA_TITLE}"')["results"][0]
    table_resource, _ = resource_with_view(live_ckan, obra["name"], "datatables_view")

    # -- Home: search first, then the temas ------------------------------------------------------
    page.goto(examples + "/")
    expect(page.get_by_role("heading", name="Datos abiertos del Municipio de Puebla")).to_be_visible()
    expect(page.get_by_label("¿Qué datos busca?")).to_be_in_viewport()
    no_horizontal_overflow(page)
    page.locator("a.pa-tema-tile", has_text="Infraestructura y Servicios Públicos").click()
    expect(page).to_have_url(re.compile(r"tema=infraestructura-y-servicios-publicos"))
    expect(page.locator(".dataset-item").first).to_be_visible()
    no_horizontal_overflow(page)

    # -- Search with and without accents: the same datasets --------------------------------------
    found = {}
    for query in ("contratos de obra pública", "contratos de obra publica", "CONTRATOS DE OBRA PUBLICA"):
        box = page.get_by_role("main").get_by_role("textbox", name="Buscar conjuntos de datos...")
        box.fill(query)
        box.press("Enter")
        expect(page).to_have_url(re.compile(r"q="))
        expect(page.get_by_role("link", name=OBRA_TITLE)).to_be_visible()
        found[query] = search_results(page)
    assert len({tuple(v) for v in found.values()}) == 1, found
    no_horizontal_overflow(page)

    # -- A facet (the dependencia), then the dataset ---------------------------------------------
    if page.device == "telefono":  # facets live behind the «Filtrar resultados» button on phones
        page.locator(".show-filters").click()
    page.locator(f".filters a[href*='organization={obra['organization']['name']}']").first.click()
    expect(page).to_have_url(re.compile(rf"organization={obra['organization']['name']}"))
    page.get_by_role("link", name=OBRA_TITLE).first.click()
    expect(page).to_have_url(re.compile(rf"/dataset/{obra['name']}$"))
    title = page.locator(".primary h1").first
    expect(title).to_contain_text(OBRA_TITLE)
    if page.device == "telefono":  # title and resources before the secondary blocks
        assert title.bounding_box()["y"] < 400
        assert page.locator("#dataset-resources").bounding_box()["y"] < page.locator(
            "aside.secondary").bounding_box()["y"]
    no_horizontal_overflow(page)

    # -- Its table: the preview searches in Spanish, accents or not ------------------------------
    page.locator(f"#dataset-resources a[href$='/resource/{table_resource}']").first.click()
    expect(page).to_have_url(re.compile(rf"/resource/{table_resource}$"))
    no_horizontal_overflow(page)
    preview = page.frame_locator("iframe").first
    expect(preview.locator("#dtprv tbody tr").first).to_be_visible()
    for query, shown in (("parque", "parque"), ("rehabilitacion", "Rehabilitación")):
        box = preview.locator("input[type=search]").first
        box.fill(query)
        box.press("Enter")
        expect(preview.locator("#dtprv_info")).to_contain_text("filtrad")
        expect(preview.locator("#dtprv tbody")).to_contain_text(shown)
        expect(preview.locator("#dtprv tbody td.dt-empty, #dtprv tbody td.dataTables_empty")).to_have_count(0)

    # -- Download: the browser's own download of the file ----------------------------------------
    with page.expect_download() as caught:
        page.locator("a.resource-url-analytics").first.click()
    download = caught.value
    saved = download.path()
    assert download.suggested_filename.endswith(".csv"), download.suggested_filename
    assert "Rehabilitación de parque" in saved.read_text(encoding="utf-8")

    # -- «API de datos»: the pop-up in Spanish, its link answers JSON ----------------------------
    page.locator("[data-module='api-info']").first.click()
    dialog = page.locator(".modal.show").first
    expect(dialog).to_contain_text("API de datos")
    expect(dialog).to_contain_text("Ejemplos de código")
    expect(dialog).not_to_contain_text("Further information")
    api_link = dialog.locator("a[href*='datastore_search']").first  # in a folded section of the pop-up
    expect(api_link).to_be_attached()
    answer = requests.get(api_link.get_attribute("href"), timeout=60)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("application/json")
    body = json.loads(answer.text)
    assert body["success"] is True and body["result"]["records"], body
    page.keyboard.press("Escape")

    # -- A map and a chart -----------------------------------------------------------------------
    map_resource, _ = resource_with_view(live_ckan, MAP_DATASET, "geojson_view")
    page.goto(f"{examples}/dataset/{MAP_DATASET}/resource/{map_resource}")
    # The base map's tiles need internet; the GeoJSON points are drawn without it.
    features = page.frame_locator("iframe").first.locator(
        ".leaflet-marker-icon, path.leaflet-interactive, .leaflet-overlay-pane path")
    expect(features.first).to_be_attached(timeout=60_000)
    no_horizontal_overflow(page)

    chart_resource, _ = resource_with_view(live_ckan, CHART_DATASET, "charts_view")
    page.goto(f"{examples}/dataset/{CHART_DATASET}/resource/{chart_resource}")
    # ckanext-charts draws with Plotly in the page itself (no iframe).
    expect(page.locator(".js-plotly-plot svg.main-svg, .resource-view svg").first).to_be_visible(timeout=60_000)
    expect(page.locator(".js-plotly-plot .bars path, .js-plotly-plot .trace").first).to_be_attached()
    no_horizontal_overflow(page)


def test_dataset_period_reads_as_stored(page, examples):
    """«Periodo que cubre» shows the stored days (issue 13, point 3), on the 072 dataset."""
    page.goto(f"{examples}/dataset/{TABLE_DATASET}")
    assert "Del 1 de enero de 2024 al 31 de diciembre de 2024" in page.locator(".pa-periodo").inner_text()
