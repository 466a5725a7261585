"""The «Actualización» workbook: the template pre-filled with what the portal holds.

What an enlace would notice: the same sheets, drop-downs, help and Instructivo as the blank
template; every value of the portal in its cell; ``validar`` finds nothing to fix; and reading
it back gives exactly what ``publicar`` compares with the portal (so re-publishing writes nothing).
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pueblaabierto.publish import mapping
from pueblaabierto.validation import validate_submission
from pueblaabierto.workbook import spec
from pueblaabierto.workbook.prefill import logo_file_name, prefill, write_prefilled
from pueblaabierto.workbook.reader import read_submission
from pueblaabierto.workbook.template import build_template

from tests.pipeline.conftest import EJEMPLOS
from tests.pipeline.test_template import describe

VALID = sorted(p.name for p in EJEMPLOS.iterdir() if p.is_dir() and p.name != "rotos")


def as_portal(folder: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The example as ``organization_show`` / ``package_show`` return it after ``publicar``."""
    desired = mapping.desired_state(read_submission(folder / "FORM.317.xlsx"), folder)
    [org_spec] = desired.organizations
    organization = {
        "name": org_spec.slug, **org_spec.core, "id_dependencia": org_spec.id_dependencia,
        # CKAN stores an upload as «<timestamp><file name>».
        "image_url": f"2024-05-02-101010.000000{org_spec.logo_upload_name}",
    }
    datasets = []
    for spec_ in desired.datasets:
        pkg = spec_.to_ckan(mapping.Layout(dataset_fields=frozenset(spec_.custom)), owner_org="org-id")
        pkg.pop("tag_string")
        pkg["tags"] = [{"name": tag} for tag in spec_.tags]
        pkg["name"] = spec_.slug
        pkg["resources"] = [
            {**mapping.resource_fields(res), "url_type": "upload", "id": f"r{n}",
             "url": f"http://portal/dataset/x/resource/r{n}/download/{res.upload_name}"}
            for n, res in enumerate(spec_.resources)
        ]
        datasets.append(pkg)
    return organization, datasets


def delivery(folder: Path, tmp_path: Path, organization: dict[str, Any], datasets: list[dict[str, Any]]) -> Path:
    """The pre-filled workbook and the same files, as an enlace would deliver them again."""
    out = tmp_path / "actualizacion"
    out.mkdir()
    for item in folder.iterdir():
        if item.name != "FORM.317.xlsx":
            shutil.copy(item, out / item.name)
    logo = next(p for p in folder.iterdir() if p.name.startswith("logo"))
    shutil.copy(logo, out / logo_file_name(organization["image_url"]))
    return write_prefilled(out / "FORM.317.xlsx", organization, datasets)


@pytest.mark.parametrize("name", VALID)
def test_prefilled_example_validates_clean_and_reads_back_as_the_portal_holds_it(name, tmp_path):
    folder = EJEMPLOS / name
    organization, datasets = as_portal(folder)
    path = delivery(folder, tmp_path, organization, datasets)

    report = validate_submission(path)
    assert [f.to_dict() for f in report.findings] == []

    desired = mapping.desired_state(read_submission(path), path.parent)
    [org_spec] = desired.organizations
    assert mapping.org_desired_state(org_spec) == mapping.org_state(organization)
    assert org_spec.logo_upload_name in organization["image_url"]  # the same logo: not uploaded again
    assert len(desired.datasets) == len(datasets)
    for spec_, pkg in zip(desired.datasets, datasets, strict=True):
        assert mapping.dataset_desired_state(spec_) == mapping.dataset_state(pkg)
        assert spec_.slug == pkg["name"]
        assert [mapping.resource_desired_state(r) for r in spec_.resources] == [
            mapping.resource_state(r) for r in pkg["resources"]
        ]


def test_every_value_is_in_its_cell_as_an_enlace_types_it(tmp_path):
    organization = {"title": "Secretaría de Movilidad", "description": "Movilidad.", "id_dependencia": "12",
                    "image_url": "https://otro.sitio/logos/movilidad.png"}
    dataset = {
        "title": "Obras", "notes": "Obras públicas.", "id_dataset": "3",
        "tags": [{"name": "obras"}, {"name": "presupuesto"}],
        "extras": [{"key": "tema", "value": "infraestructura-y-servicios-publicos"}],
        "frecuencia": "mensual", "responsable_nombre": "Laura Pérez",
        "responsable_correo": "laura.perez@pueblacapital.gob.mx",
        "diccionario": '[{"termino": "folio", "descripcion": "Folio de la obra.", "recurso": ""}, '
                       '{"termino": "avance", "descripcion": "Avance.", "recurso": "Obras 2024"}]',
        "resources": [
            {"name": "Obras 2024", "format": "csv", "tipo_visualizacion": "grafico",
             "fecha_inicio": "2024-01-01T00:00:00", "fecha_fin": "2024-06-30", "url_type": "upload",
             "url": "http://portal/dataset/d/resource/r/download/obras_2024.csv"},
            {"name": "Obras 2024 (GeoJSON)", "format": "GEOJSON", "derivado_de": "Obras 2024",
             "nombre_archivo": "obras.geojson"},
        ],
    }
    workbook = prefill(organization, [dataset])
    assert workbook["Dependencia"]["A2"].value == 12
    assert workbook["Dependencia"]["D2"].value == "movilidad.png"
    row = [c.value for c in workbook["Dataset"][2]]
    assert row == [3, "Obras", "Obras públicas.", "obras, presupuesto", 12, "Infraestructura y Servicios Públicos",
                   "mensual", "Laura Pérez", "laura.perez@pueblacapital.gob.mx"]
    recurso = workbook["Recurso"]
    assert [c.value for c in recurso[2]][:3] == ["obras_2024.csv", "Gráfico", "Obras 2024"]
    assert recurso["D2"].value == date(2024, 1, 1) and recurso["D2"].number_format == "yyyy-mm-dd"
    assert recurso["F2"].value == 3 and recurso["G2"].value == "CSV"
    assert recurso["A3"].value is None, "the GeoJSON that publicar derives is not a row of the form"
    assert [c.value for c in workbook["Diccionario de Datos"][2]] == [3, "folio", "Folio de la obra.", None]
    # The term's resource (column «Recurso») comes back as the portal stores it: the resource's name.
    assert [c.value for c in workbook["Diccionario de Datos"][3]] == [3, "avance", "Avance.", "Obras 2024"]
    assert "actualización prellenado" in workbook["Instructivo"]["A3"].value


def test_same_sheets_dropdowns_help_and_instructivo_as_the_template(tmp_path):
    folder = EJEMPLOS / VALID[0]
    organization, datasets = as_portal(folder)
    path = write_prefilled(tmp_path / "prefill.xlsx", organization, datasets)
    blank = tmp_path / "plantilla.xlsx"
    build_template().save(blank)
    filled, template = describe(path), describe(blank)
    assert list(filled) == list(template)
    for sheet in template:
        assert filled[sheet]["validations"] == template[sheet]["validations"]
        assert filled[sheet]["freeze"] == template[sheet]["freeze"]
    # Only the note differs in the Instructivo; the catalogue sheet is the template's.
    instructivo = [row for n, row in enumerate(filled["Instructivo"]["cells"]) if n != 2]
    assert instructivo == [row for n, row in enumerate(template["Instructivo"]["cells"]) if n != 2]
    assert filled["Tipo de Datos"]["cells"] == template["Tipo de Datos"]["cells"]
    ws = openpyxl.load_workbook(path)["Dataset"]
    assert [c.value for c in ws[1]] == [f.header for f in spec.DATASET.fields]
    assert ws["B2"].value == datasets[0]["title"]


def test_portal_text_never_becomes_a_formula_or_breaks_the_file(tmp_path):
    organization = {"title": "Tesorería", "description": "Hacienda.", "id_dependencia": "7"}
    dataset = {"title": '=HYPERLINK("http://malo.example","Clic")', "notes": "Texto\x00 con\x07 controles.",
               "id_dataset": "1", "tags": [], "resources": []}
    path = write_prefilled(tmp_path / "f.xlsx", organization, [dataset])
    ws = openpyxl.load_workbook(path)["Dataset"]
    assert ws["B2"].data_type == "s" and ws["B2"].value == dataset["title"]
    assert ws["C2"].value == "Texto con controles."
    assert read_submission(path).datasets[0].title == dataset["title"]
