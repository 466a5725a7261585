"""The FORM.317 registry (schemas/*.yaml) is consistent and gives each half what it needs."""

from __future__ import annotations

from openpyxl.utils import column_index_from_string
from pueblaabierto.schemas import form317, vocabularies


def test_each_sheet_has_contiguous_columns_with_headers_from_a():
    for sheet in form317.sheets():
        columns = [column_index_from_string(f.column or "") for f in sheet.fields]
        assert columns == list(range(1, len(columns) + 1)), sheet.key
        assert all(f.header and f.definition for f in sheet.fields), sheet.key


def test_workbook_and_portal_use_the_same_key_for_a_field():
    recurso = form317.sheet("recurso")
    assert [f.key for f in recurso.fields] == [
        "nombre_archivo", "tipo_visualizacion", "name", "fecha_inicio", "fecha_fin", "id_dataset", "format",
    ]
    assert form317.field(form317.RESOURCE, "fecha_inicio").sheet == "recurso"


def test_required_and_vocabulary_come_from_the_validators():
    tema = form317.field(form317.DATASET, "tema")
    assert tema.required and tema.vocabulary == "temas" and tema.kind is form317.Kind.VOCABULARY
    assert not form317.field(form317.DATASET, "tag_string").required
    for item in form317.fields():
        if item.vocabulary:
            assert getattr(vocabularies.load(), item.vocabulary), item.key


def test_dcat_property_accessor_for_the_profile():
    assert form317.dcat_property("frecuencia") == "dct:accrualPeriodicity"
    assert form317.dcat_path("responsable_correo") == (("dcat", "contactPoint"), ("vcard", "hasEmail"))
    assert form317.dcat_property("fecha_fin", form317.RESOURCE) == "dct:temporal/dcat:endDate"
    assert form317.dcat_property("no_existe") is None and form317.dcat_path("no_existe") == ()
    assert set(form317.dcat_mapping()) >= {"title", "notes", "tema", "frecuencia", "periodo_inicio", "license_id"}
