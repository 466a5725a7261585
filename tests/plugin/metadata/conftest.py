"""Fixtures for the FORM.317 metadata tests: a dependencia and a complete, valid dataset dict.

Every test starts from values that pass, then breaks one field, so a failure points at that field.
"""

from __future__ import annotations

import copy
from datetime import date, timedelta

import pytest
from ckan.tests import factories

# The plugins the portal runs for metadata; datastore only where a test needs it.
PLUGINS = "pueblaabierto scheming_datasets scheming_organizations"


def organization_dict(**overrides) -> dict:
    data = {
        "name": "movilidad",
        "title": "Secretaría de Movilidad e Infraestructura",
        "id_dependencia": "12",
        "description": "Planea y ejecuta la obra pública y la movilidad del municipio.",
    }
    data.update(overrides)
    return data


def resource_dict(**overrides) -> dict:
    today = date.today()
    data = {
        "url": "http://example.com/wifi.csv",
        "nombre_archivo": "puntos_wifi.csv",
        "name": "Puntos WiFi",
        "tipo_visualizacion": "mapa",
        "fecha_inicio": (today - timedelta(days=60)).isoformat(),
        "fecha_fin": (today - timedelta(days=10)).isoformat(),
        "format": "CSV",
    }
    data.update(overrides)
    return data


def dataset_dict(owner_org: str, **overrides) -> dict:
    data = {
        "name": "puntos-wifi",
        "title": "Puntos de acceso WiFi gratuito",
        "notes": "Ubicación de los **puntos de acceso** a internet gratuito del municipio.",
        "owner_org": owner_org,
        "id_dataset": "3",
        "tag_string": "wifi,conectividad",
        "tema": "infraestructura-y-servicios-publicos",
        "frecuencia": "mensual",
        "responsable_nombre": "María López Hernández",
        "responsable_correo": "maria.lopez@pueblacapital.gob.mx",
        "diccionario": [
            {"termino": "colonia", "descripcion": "Colonia donde está el punto de acceso.", "recurso": ""},
            {"termino": "latitud", "descripcion": "Latitud en grados decimales (WGS84).", "recurso": "Puntos WiFi"},
        ],
        "resources": [resource_dict()],
    }
    data.update(overrides)
    return copy.deepcopy(data)


@pytest.fixture
def sysadmin(clean_db):
    return factories.Sysadmin()


@pytest.fixture
def org(sysadmin):
    from ckan.tests.helpers import call_action

    return call_action("organization_create", {"user": sysadmin["name"]}, **organization_dict())

