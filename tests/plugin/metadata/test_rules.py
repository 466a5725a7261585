"""Pure rules: freshness, the period covered, dates, the licence file and the dictionary merge."""

from __future__ import annotations

import json
from datetime import date

import pytest
from ckanext.pueblaabierto import datastore_info, helpers
from ckanext.pueblaabierto.schema import licenses
from pueblaabierto.schemas import rules, vocabularies

TODAY = date(2024, 6, 30)


@pytest.mark.parametrize(
    ("cut_off", "frecuencia", "state"),
    [
        ("2024-05-16", "mensual", "actualizado"),  # exactly 45 days: still up to date
        ("2024-05-15", "mensual", "desactualizado"),  # 46 days
        ("2024-06-29", "diario", "actualizado"),
        ("2024-06-26", "diario", "desactualizado"),
        ("2024-04-01", "trimestral", "actualizado"),
        ("2023-06-01", "anual", "actualizado"),
        ("2023-05-01", "anual", "desactualizado"),
        ("2010-01-01", "irregularmente", "actualizado"),  # never stale
        (None, "mensual", "sin-datos"),
        ("2024-06-01", "cada siglo", "sin-datos"),
        ("no es fecha", "mensual", "sin-datos"),
    ],
)
def test_freshness_rule(cut_off, frecuencia, state):
    assert rules.freshness(cut_off, frecuencia, today=TODAY).state == state


def test_freshness_reports_limit_and_lateness():
    result = rules.freshness("2024-05-01", "mensual", today=TODAY)
    assert result.limit == date(2024, 6, 15)
    assert result.days_late == 15
    assert not result.up_to_date


def test_every_frecuencia_has_an_iso_code_and_a_validity():
    for term in vocabularies.load().frecuencias:
        assert term.extra["iso8601"] == "irregular" or term.extra["iso8601"].startswith("R/P")
        assert term.value == "irregularmente" or term.extra["vigencia_dias"] > 0


def test_period_covered_takes_min_start_and_max_end_and_skips_bad_dates():
    assert rules.period_covered([("2023-01-01", "2023-12-31"), ("2022-06-01", "2024-01-31"),
                                 ("basura", None)]) == (date(2022, 6, 1), date(2024, 1, 31))
    assert rules.period_covered([]) == (None, None)


@pytest.mark.parametrize(("value", "parsed"), [
    ("2024-01-31", date(2024, 1, 31)), ("2024-01-31T10:00:00", date(2024, 1, 31)),
    ("2024-01-31T10:00:00+00:00", date(2024, 1, 31)), (date(2024, 1, 31), date(2024, 1, 31)),
    ("31/01/2024", date(2024, 1, 31)), ("31-1-24", date(2024, 1, 31)), ("31 de enero de 2024", date(2024, 1, 31)),
    ("Enero 2024", date(2024, 1, 1)), ("ene. de 2024", date(2024, 1, 1)), ("2024-01", date(2024, 1, 1)),
    ("2024", date(2024, 1, 1)), (45322, date(2024, 1, 31)), (45322.5, date(2024, 1, 31)),
    ("2024-02-30", None), ("31/02/2024", None), ("no sé", None), ("45322", None), (12, None), (True, None),
    (float("nan"), None), (None, None), ("", None), ("2024-01-31basura", None),
])
def test_parse_date(value, parsed):
    assert rules.parse_date(value) == parsed


@pytest.mark.parametrize(("value", "parsed"), [
    ("enero 2024", date(2024, 1, 31)), ("2024-02", date(2024, 2, 29)), ("2024", date(2024, 12, 31)),
    (2024, date(2024, 12, 31)), ("31/01/2024", date(2024, 1, 31)),
])
def test_a_month_or_year_as_end_of_period_is_its_last_day(value, parsed):
    assert rules.parse_date(value, end_of_period=True) == parsed


def test_licence_file_is_generated_from_the_vocabularies():
    on_disk = json.loads(licenses.path().read_text(encoding="utf-8"))
    assert on_disk == licenses.licenses(), "Regenere con: python -m ckanext.pueblaabierto.schema.licenses"
    assert on_disk[0]["id"] == vocabularies.load().licencia_predeterminada == "libre-uso-mx"
    assert on_disk[0]["title"] == "Libre Uso MX"


def test_encoded_email_has_no_at_sign_and_decodes():
    import base64

    encoded = helpers.pa_correo_codificado("ana.ruiz@pueblacapital.gob.mx")
    assert "@" not in encoded and "pueblacapital" not in encoded
    assert base64.b64decode(encoded).decode()[::-1] == "ana.ruiz@pueblacapital.gob.mx"


def test_dictionary_scoping_by_resource_name():
    pkg = {"diccionario": [
        {"termino": "a", "descripcion": "todas", "recurso": ""},
        {"termino": "b", "descripcion": "solo 2024", "recurso": "Datos 2024"},
    ]}
    assert [e["termino"] for e in helpers.pa_diccionario(pkg)] == ["a", "b"]
    assert [e["termino"] for e in helpers.pa_diccionario(pkg, {"name": "datos 2024"})] == ["a", "b"]
    assert [e["termino"] for e in helpers.pa_diccionario(pkg, {"name": "Datos 2023"})] == ["a"]


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ("Obras 2024", "Obras 2024"),
        ("  obras   2024 ", "Obras 2024"),
        ("OBRAS PÚBLICAS", "Obras publicas"),
        ("Obras 2023", None),
        ("", None),
        (None, None),
    ],
)
def test_resource_named_folds_case_accents_and_spacing(value, found):
    assert rules.resource_named(value, ["Obras 2024", "Obras publicas"]) == found


def test_datastore_fields_get_label_and_notes_from_matching_terms():
    fields = [{"id": "_id", "type": "int"}, {"id": "Colonia", "type": "text", "info": {"type_override": "text"}},
              {"id": "monto", "type": "numeric"}]
    merged, changed = datastore_info.merged_fields(fields, [{"termino": "colonia", "descripcion": "La colonia."}])
    assert changed
    assert merged == [
        {"id": "Colonia", "type": "text",
         "info": {"type_override": "text", "label": "colonia", "notes": "La colonia."}},
        {"id": "monto", "type": "numeric", "info": {}},
    ]
    again, changed = datastore_info.merged_fields(merged, [{"termino": "colonia", "descripcion": "La colonia."}])
    assert not changed and again == merged


def test_title_warning_only_above_fifteen_words():
    assert helpers.pa_aviso_titulo(" ".join(["x"] * 15)) == ""
    assert "16 palabras" in helpers.pa_aviso_titulo(" ".join(["x"] * 16))


def test_licence_list_is_configured_when_the_deployment_did_not():
    config = {"licenses_group_url": ""}
    licenses.configure(config)
    assert config["licenses_group_url"] == licenses.url() and licenses.url().startswith("file:///")
    config = {"licenses_group_url": "file:///otra/lista.json"}
    licenses.configure(config)
    assert config["licenses_group_url"] == "file:///otra/lista.json"


@pytest.mark.parametrize(
    ("text", "day"),
    [("02/05/2024", date(2024, 5, 2)), ("2024-05-02", date(2024, 5, 2)), ("2 de mayo de 2024", date(2024, 5, 2)),
     ("enero 2024", None), ("2024", None), ("31/02/2024", None), ("", None)],
)
def test_an_oficio_date_names_one_day(text: str, day: date | None) -> None:
    # The oficio is dated: a month or a year alone is not an answer, whatever the format.
    assert rules.parse_day(text) == day
