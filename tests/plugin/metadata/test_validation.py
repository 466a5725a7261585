"""Every FORM.317 field: a good value is stored, a bad one is refused in Spanish naming the field."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from ckan.logic import ValidationError
from ckan.tests.helpers import call_action

from .conftest import PLUGINS, dataset_dict, organization_dict, resource_dict

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]


def create(sysadmin, **data):
    return call_action("package_create", {"user": sysadmin["name"]}, **data)


def refused(action, sysadmin, **data) -> dict:
    with pytest.raises(ValidationError) as caught:
        call_action(action, {"user": sysadmin["name"]}, **data)
    return caught.value.error_dict


def message(errors: dict, *path) -> str:
    value = errors
    for step in path:
        value = value[step]
    while isinstance(value, list):
        value = next(v for v in value if v)
    return value if isinstance(value, str) else str(value)


# -- Dependencia (organization) -------------------------------------------------------------


def test_dependencia_with_all_fields_round_trips(sysadmin):
    org = call_action("organization_create", {"user": sysadmin["name"]}, **organization_dict(id_dependencia="012"))
    shown = call_action("organization_show", id=org["id"])
    assert shown["id_dependencia"] == "12"  # leading zeros dropped: "012" and "12" are the same number
    assert shown["title"] == "Secretaría de Movilidad e Infraestructura"
    assert shown["description"].startswith("Planea")


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"id_dependencia": ""}, "id_dependencia", ["Falta", "ID de Dependencia"]),
        ({"id_dependencia": "12a"}, "id_dependencia", ["12a", "ID de Dependencia", "número entero"]),
        ({"id_dependencia": "-3"}, "id_dependencia", ["ID de Dependencia"]),
        ({"title": ""}, "title", ["Falta", "Nombre de la Dependencia"]),
        ({"description": " "}, "description", ["Falta", "funciones y atribuciones"]),
    ],
)
def test_dependencia_bad_values_are_refused(sysadmin, overrides, field, words):
    errors = refused("organization_create", sysadmin, **organization_dict(**overrides))
    text = message(errors, field)
    for word in words:
        assert word in text


def test_second_dependencia_with_same_id_fails_in_spanish(sysadmin, org):
    duplicate = organization_dict(name="otra", title="Otra", id_dependencia="12")
    errors = refused("organization_create", sysadmin, **duplicate)
    text = message(errors, "id_dependencia")
    assert "ID de Dependencia" in text and "ya lo tiene" in text and "Secretaría de Movilidad" in text


def test_dependencia_keeps_its_own_id_on_update(sysadmin, org):
    call_action("organization_patch", {"user": sysadmin["name"]}, id=org["id"], title="Nuevo nombre")
    assert call_action("organization_show", id=org["id"])["id_dependencia"] == "12"


# -- Dataset ---------------------------------------------------------------------------------


def test_dataset_with_all_fields_round_trips(sysadmin, org):
    create(sysadmin, **dataset_dict(org["id"]))
    pkg = call_action("package_show", id="puntos-wifi")
    assert pkg["id_dataset"] == "3"
    assert pkg["tema"] == "infraestructura-y-servicios-publicos"
    assert pkg["frecuencia"] == "mensual"
    assert pkg["responsable_nombre"] == "María López Hernández"
    assert pkg["responsable_correo"] == "maria.lopez@pueblacapital.gob.mx"
    assert pkg["license_id"] == "libre-uso-mx"
    assert pkg["license_title"] == "Libre Uso MX"
    assert [t["name"] for t in pkg["tags"]] == ["conectividad", "wifi"]
    assert pkg["diccionario"][1] == {
        "termino": "latitud", "descripcion": "Latitud en grados decimales (WGS84).", "recurso": "Puntos WiFi"}
    resource = pkg["resources"][0]
    for key in ("nombre_archivo", "tipo_visualizacion", "name", "fecha_inicio", "fecha_fin", "format", "url"):
        assert resource[key], key


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"title": ""}, "title", ["Falta", "Nombre del Dataset"]),
        ({"notes": ""}, "notes", ["Falta", "Descripción del dataset"]),
        ({"id_dataset": ""}, "id_dataset", ["Falta", "ID de Dataset"]),
        ({"id_dataset": "tres"}, "id_dataset", ["tres", "ID de Dataset", "número entero"]),
        ({"tema": ""}, "tema", ["Falta", "Tema"]),
        ({"tema": "Infraestructura"}, "tema", ["Tema", "¿Quiso decir «Infraestructura y Servicios Públicos»?"]),
        ({"tema": "deportes"}, "tema", ["deportes", "Tema", "Valores permitidos", "Turismo"]),
        ({"frecuencia": ""}, "frecuencia", ["Falta", "Frecuencia"]),
        ({"frecuencia": "mensualmente"}, "frecuencia", ["Frecuencia", "¿Quiso decir «mensual»?"]),
        ({"frecuencia": "cada siglo"}, "frecuencia", ["Frecuencia", "irregularmente"]),
        ({"responsable_nombre": ""}, "responsable_nombre", ["Falta", "persona responsable"]),
        ({"responsable_nombre": "María"}, "responsable_nombre", ["nombre completo", "persona responsable"]),
        ({"responsable_nombre": "Ana 123"}, "responsable_nombre", ["persona responsable"]),
        ({"responsable_correo": ""}, "responsable_correo", ["Falta", "Correo electrónico"]),
        ({"responsable_correo": "maria.lopez"}, "responsable_correo", ["no es un correo electrónico válido",
                                                                       "Correo electrónico"]),
        ({"responsable_correo": "maria@gmail.com"}, "responsable_correo", ["no es un correo institucional",
                                                                           "Correo electrónico"]),
        ({"license_id": "propietaria"}, "license_id", ["propietaria", "Licencia", "libre-uso-mx"]),
    ],
)
def test_dataset_bad_values_are_refused(sysadmin, org, overrides, field, words):
    errors = refused("package_create", sysadmin, **dataset_dict(org["id"], **overrides))
    text = message(errors, field)
    for word in words:
        assert word in text, (word, text)


@pytest.mark.parametrize(
    ("field", "given", "stored"),
    [
        ("tema", "Turismo", "turismo"),
        ("tema", "medio ambiente", "medio-ambiente"),
        ("frecuencia", "Mensual", "mensual"),
        ("responsable_correo", " Maria.Lopez@PueblaCapital.gob.mx ", "maria.lopez@pueblacapital.gob.mx"),
        ("id_dataset", "007", "7"),
        ("license_id", "", "libre-uso-mx"),
        ("license_id", "cc-by-4.0", "cc-by-4.0"),
    ],
)
def test_dataset_good_values_are_normalized(sysadmin, org, field, given, stored):
    pkg = create(sysadmin, **dataset_dict(org["id"], **{field: given}))
    assert pkg[field] == stored


def test_licence_defaults_to_libre_uso_mx_when_not_sent(sysadmin, org):
    data = dataset_dict(org["id"])
    data.pop("license_id", None)
    assert create(sysadmin, **data)["license_id"] == "libre-uso-mx"


def test_long_title_is_accepted_but_warned_in_the_form(sysadmin, org, app):
    title = " ".join(["palabra"] * 20)
    pkg = create(sysadmin, **dataset_dict(org["id"], title=title))
    assert pkg["title"] == title
    page = app.get(f"/dataset/edit/{pkg['name']}", extra_environ={"REMOTE_USER": sysadmin["name"]})
    assert "El nombre tiene 20 palabras; el FORM.317 recomienda no más de 15" in page.body


def test_id_dataset_is_unique_within_its_dependencia_only(sysadmin, org):
    create(sysadmin, **dataset_dict(org["id"]))
    errors = refused("package_create", sysadmin, **dataset_dict(org["id"], name="otro"))
    assert "ID de Dataset" in message(errors, "id_dataset") and "puntos-wifi" in message(errors, "id_dataset")

    other = call_action("organization_create", {"user": sysadmin["name"]},
                        **organization_dict(name="tesoreria", title="Tesorería", id_dependencia="13"))
    assert create(sysadmin, **dataset_dict(other["id"], name="otro"))["id_dataset"] == "3"


def test_dataset_keeps_its_own_id_dataset_on_update(sysadmin, org):
    pkg = create(sysadmin, **dataset_dict(org["id"]))
    updated = call_action("package_patch", {"user": sysadmin["name"]}, id=pkg["id"], title="Otro nombre")
    assert updated["id_dataset"] == "3"


def test_dictionary_terms_need_term_and_description(sysadmin, org):
    data = dataset_dict(org["id"], diccionario=[{"termino": "colonia", "descripcion": ""}])
    errors = refused("package_create", sysadmin, **data)
    assert "Descripción" in message(errors, "diccionario", 0, "descripcion")
    data = dataset_dict(org["id"], diccionario=[{"termino": "", "descripcion": "Algo"}])
    errors = refused("package_create", sysadmin, **data)
    assert "Término" in message(errors, "diccionario", 0, "termino")


# -- Resource --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"nombre_archivo": ""}, "nombre_archivo", ["Falta", "Nombre del archivo"]),
        ({"name": ""}, "name", ["Falta", "Nombre del Recurso"]),
        ({"url": ""}, "url", ["Falta", "Archivo o URL"]),
        ({"tipo_visualizacion": "tablas"}, "tipo_visualizacion", ["Tipo de Visualización", "¿Quiso decir «Tabla»?"]),
        ({"tipo_visualizacion": ""}, "tipo_visualizacion", ["Falta", "Tipo de Visualización"]),
        ({"format": "PDF"}, "format", ["PDF", "Formato", "CSV"]),
        ({"format": ""}, "format", ["Falta", "Formato"]),
        ({"fecha_inicio": "31/02/2024"}, "fecha_inicio", ["Fecha inicial", "AAAA-MM-DD"]),  # «31/01/2024» is a date
        ({"fecha_inicio": ""}, "fecha_inicio", ["Falta", "Fecha inicial"]),
        ({"fecha_fin": "2024-02-30"}, "fecha_fin", ["fecha de corte", "AAAA-MM-DD"]),
        ({"fecha_fin": (date.today() + timedelta(days=5)).isoformat()}, "fecha_fin", ["posterior a hoy"]),
        ({"fecha_inicio": "2024-03-01", "fecha_fin": "2024-01-31"}, "fecha_fin",
         ["Fecha final del periodo", "es anterior a la «Fecha inicial del periodo que cubre»"]),
    ],
)
def test_resource_bad_values_are_refused(sysadmin, org, overrides, field, words):
    errors = refused("package_create", sysadmin, **dataset_dict(org["id"], resources=[resource_dict(**overrides)]))
    text = message(errors, "resources", 0, field)
    for word in words:
        assert word in text, (word, text)


@pytest.mark.parametrize(("given", "stored"), [("xlsx", "XLSX"), ("GeoJSON", "GEOJSON"), (".csv", "CSV"),
                                               ("SHP", "SHP")])
def test_resource_formats_are_normalized(sysadmin, org, given, stored):
    pkg = create(sysadmin, **dataset_dict(org["id"], resources=[resource_dict(format=given)]))
    assert pkg["resources"][0]["format"] == stored


def test_resource_create_checks_fields_and_same_day_period_is_valid(sysadmin, org):
    pkg = create(sysadmin, **dataset_dict(org["id"], resources=[]))
    with pytest.raises(ValidationError) as caught:
        call_action("resource_create", {"user": sysadmin["name"]}, package_id=pkg["id"],
                    **resource_dict(tipo_visualizacion="tarta"))
    assert "Tipo de Visualización" in str(caught.value.error_dict)
    same_day = resource_dict(fecha_inicio="2024-01-31", fecha_fin="2024-01-31")
    call_action("resource_create", {"user": sysadmin["name"]}, package_id=pkg["id"], **same_day)


# -- Period covered (derived) ----------------------------------------------------------------


def test_period_is_derived_from_resources_and_not_typed(sysadmin, org):
    # The fixture's dictionary names "Puntos WiFi"; these resources are named by year.
    data = dataset_dict(org["id"], periodo_inicio="1900-01-01", periodo_fin="1900-12-31", diccionario=[], resources=[
        resource_dict(name="2023", fecha_inicio="2023-01-01", fecha_fin="2023-12-31"),
        resource_dict(name="2024", fecha_inicio="2024-01-01", fecha_fin="2024-06-30"),
    ])
    pkg = create(sysadmin, **data)
    assert (pkg["periodo_inicio"], pkg["periodo_fin"]) == ("2023-01-01", "2024-06-30")

    call_action("resource_create", {"user": sysadmin["name"]}, package_id=pkg["id"],
                **resource_dict(name="2024-b", fecha_inicio="2024-07-01", fecha_fin="2024-09-30"))
    assert call_action("package_show", id=pkg["id"])["periodo_fin"] == "2024-09-30"


def test_dataset_without_resources_has_no_period(sysadmin, org):
    pkg = create(sysadmin, **dataset_dict(org["id"], resources=[]))
    assert not pkg.get("periodo_inicio") and not pkg.get("periodo_fin")


# -- Dictionary entries scoped to a resource -------------------------------------------------


def test_dictionary_resource_must_name_a_resource_of_the_dataset(sysadmin, org):
    data = dataset_dict(org["id"], resources=[resource_dict(name="Obras 2024")],
                        diccionario=[{"termino": "monto", "descripcion": "Monto en pesos.", "recurso": "Obras 2023"}])
    errors = refused("package_create", sysadmin, **data)
    assert message(errors, "diccionario", 0, "recurso") == (
        "«Obras 2023» no es el nombre de ningún recurso del conjunto («Recurso» del término «monto»). Escriba el "
        "Nombre del archivo o el Nombre del Recurso tal como está registrado («Obras 2024»), o deje «Recurso» vacío "
        "si el término aplica a todos los recursos del conjunto.")


def test_dictionary_resource_accepts_case_accents_and_spacing(sysadmin, org):
    data = dataset_dict(org["id"], resources=[resource_dict(name="Obras Públicas 2024")],
                        diccionario=[{"termino": "monto", "descripcion": "Monto.", "recurso": " obras  PUBLICAS 2024"}])
    pkg = create(sysadmin, **data)
    assert pkg["diccionario"][0]["recurso"] == "Obras Públicas 2024"


def test_dictionary_resource_waits_for_resources_in_the_two_stage_form(sysadmin, org):
    # Stage one saves the dataset before any resource exists; adding resources re-saves it with
    # the dictionary untouched, which must not fail the resource action.
    entry = {"termino": "monto", "descripcion": "Monto.", "recurso": "Obras 2024"}
    pkg = create(sysadmin, **dataset_dict(org["id"], resources=[], diccionario=[entry]))
    call_action("resource_create", {"user": sysadmin["name"]}, package_id=pkg["id"],
                **resource_dict(name="Obras 2023"))
    # Editing the entry is when it is checked against the resources the dataset now has.
    errors = refused("package_patch", sysadmin, id=pkg["id"], diccionario=[dict(entry, recurso="Obras 2025")])
    assert "tal como está registrado («Obras 2023»)" in message(errors, "diccionario", 0, "recurso")
    patched = call_action("package_patch", {"user": sysadmin["name"]}, id=pkg["id"],
                          diccionario=[dict(entry, recurso="obras 2023")])
    assert patched["diccionario"][0]["recurso"] == "Obras 2023"


def test_resource_named_by_the_dictionary_can_still_be_renamed_and_deleted(sysadmin, org):
    # resource_update/delete re-save the dataset with the dictionary untouched: refusing there
    # would hide the error (resource_delete turns it into a server error). The entry is checked
    # again when someone edits it.
    pkg = create(sysadmin, **dataset_dict(org["id"], resources=[resource_dict(), resource_dict(name="Otro")]))
    first = pkg["resources"][0]
    call_action("resource_patch", {"user": sysadmin["name"]}, id=first["id"], name="Puntos WiFi 2025")
    call_action("resource_delete", {"user": sysadmin["name"]}, id=first["id"])
    assert call_action("package_show", id=pkg["id"])["diccionario"][1]["recurso"] == "Puntos WiFi"


def test_dictionary_resource_checked_against_saved_resources_when_form_sends_none(sysadmin, org):
    pkg = create(sysadmin, **dataset_dict(org["id"]))
    data = {k: v for k, v in pkg.items() if k != "resources"}  # what the dataset edit form sends
    data["diccionario"] = [{"termino": "x", "descripcion": "Equis.", "recurso": "Otro"}]
    errors = refused("package_update", sysadmin, **data)
    assert "tal como está registrado («Puntos WiFi»)" in message(errors, "diccionario", 0, "recurso")
