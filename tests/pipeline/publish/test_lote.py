"""``pueblaabierto lote``: many submissions, a summary, and the project's examples."""

from __future__ import annotations

from pathlib import Path

import requests

from .conftest import Form

REPO = Path(__file__).resolve().parents[3]
EJEMPLOS = REPO / "dataset_forms" / "ejemplos"


def test_lote_goes_on_past_a_failing_submission_and_summarizes(cli, tmp_path):
    good = Form(tmp_path / "lote" / "buena")
    good.write()
    bad = Form(tmp_path / "lote" / "mala", tema="Tema inventado")
    bad.write()

    run = cli("lote", str(tmp_path / "lote"), "--json")
    assert run.code == 1
    assert (run.data["total"], run.data["publicados"], run.data["fallidos"]) == (2, 1, 1)
    by_folder = {s["formato"]: s for s in run.data["solicitudes"]}
    assert by_folder["buena/FORM.317.xlsx"]["estado"] == "publicado"
    assert by_folder["mala/FORM.317.xlsx"]["estado"] == "invalido"
    assert "no se publicó nada" in by_folder["mala/FORM.317.xlsx"]["motivo"]

    text = cli("lote", str(tmp_path / "lote"))
    assert "Publicados: 0 Sin cambios: 1 Fallidos: 1" in text.output


def test_examples_publish_in_one_call_and_a_rerun_changes_nothing(cli, live_ckan):
    first = cli("lote", str(EJEMPLOS), "--ejemplos-demo", "--json")
    assert first.code == 0, first.output
    assert first.data["fallidos"] == 0 and first.data["total"] >= 5
    api = live_ckan.api()
    views_by_tipo: dict[str, set[str]] = {}
    for submission in first.data["solicitudes"]:
        for dataset in submission["datasets"]:
            pkg = api.action.package_show(id=dataset["nombre"])
            assert pkg["resources"], dataset["nombre"]
            assert pkg["diccionario"], dataset["nombre"]
            for resource in pkg["resources"]:
                found = {v["view_type"] for v in api.action.resource_view_list(id=resource["id"])}
                views_by_tipo.setdefault(resource["tipo_visualizacion"], set()).update(found)
            # make portal's demo: complete examples go through the workflow to the public.
            assert live_ckan.api(token="").action.package_show(id=dataset["nombre"])["private"] is False
            page = requests.get(dataset["url"], timeout=60)
            assert page.status_code == 200 and pkg["title"] in page.text
    # Tipo de Visualización -> the view the portal shows (geoview and charts are installed).
    assert "datatables_view" in views_by_tipo["tabla"]
    assert "geojson_view" in views_by_tipo["mapa"]
    assert "charts_view" in views_by_tipo["grafico"]

    again = cli("lote", str(EJEMPLOS), "--ejemplos-demo", "--json")
    assert again.code == 0, again.output
    assert again.data["publicados"] == 0 and again.data["fallidos"] == 0
    assert sum(s["escrituras"] for s in again.data["solicitudes"]) == 0


def test_lote_without_submissions_is_a_usage_problem(cli, tmp_path):
    (tmp_path / "vacia").mkdir()
    run = cli("lote", str(tmp_path / "vacia"))
    assert run.code == 2
    assert "No se encontró ningún FORM.317" in run.output
