"""A real browser (Debian's chromium, headless, via Playwright) on the live CKAN with the examples.

``make test`` installs chromium and axe-core first (tests/e2e/browser/setup.sh); Playwright's own
browser download is never used.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pueblaabierto.cli import main

REPO = Path(__file__).resolve().parents[3]
EJEMPLOS = REPO / "dataset_forms" / "ejemplos"
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def examples(live_ckan) -> str:
    """The project's examples published (and through the workflow) on the live CKAN; its URL."""
    env = {"CKAN_URL": live_ckan.url, "CKAN_API_TOKEN": live_ckan.token,
           "PUEBLAABIERTO_REINTENTOS": "2", "PUEBLAABIERTO_ESPERA": "0.1"}
    result = CliRunner(mix_stderr=False).invoke(main, ["lote", str(EJEMPLOS), "--ejemplos-demo"], env=env)
    assert result.exit_code == 0, result.stdout + result.stderr
    return live_ckan.url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(params=["escritorio", "telefono"])
def page(request, browser):
    viewport = DESKTOP if request.param == "escritorio" else PHONE
    context = browser.new_context(viewport=viewport, locale="es-MX", is_mobile=request.param == "telefono",
                                  has_touch=request.param == "telefono")
    context.set_default_timeout(30_000)
    tab = context.new_page()
    tab.device = request.param
    yield tab
    context.close()


def axe_violations(tab, impacts=("serious", "critical")) -> list[str]:
    """axe-core's serious and critical violations of the page, one line each."""
    tab.add_script_tag(path=str(AXE))
    result = tab.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"] if v["impact"] in impacts]


def axe_frame_violations(tab, impacts=("serious", "critical")) -> dict[str, list[str]]:
    """axe-core run inside each iframe of the page (table preview, map): frame URL -> violations.

    axe only follows frames when it is loaded in them too, so it is injected into each one."""
    problems = {}
    for frame in tab.main_frame.child_frames:
        frame.add_script_tag(path=str(AXE))
        result = frame.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        found = [f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
                 for v in result["violations"] if v["impact"] in impacts]
        if found:
            problems[frame.url] = found
    return problems
