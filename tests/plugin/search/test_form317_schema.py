"""With the portal's FORM.317 schema (ckanext-scheming): results equal package_show,
FORM.317 fields filter and facet, the data dictionary is searchable text."""

from __future__ import annotations

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from tests.plugin.metadata.conftest import PLUGINS, dataset_dict, organization_dict

from .conftest import names, search

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("clean_db", "with_plugins", "clean_index"),
]


@pytest.fixture
def wifi():
    sysadmin = factories.Sysadmin()
    context = {"user": sysadmin["name"]}
    org = call_action("organization_create", context=dict(context), **organization_dict())
    return call_action("package_create", context=dict(context), **dataset_dict(org["id"]))


def test_results_equal_package_show_with_scheming_fields(wifi):
    result = search(q="name:puntos-wifi", include_private=True)["results"]
    assert result == [call_action("package_show", id="puntos-wifi")]
    assert result[0]["tema"] == "infraestructura-y-servicios-publicos"
    assert result[0]["diccionario"][1]["termino"] == "latitud"


def test_form317_fields_filter_and_facet(wifi):
    kwargs = {"include_private": True, "facet.field": ["tema", "frecuencia", "res_extras_tipo_visualizacion"]}
    result = search(fq="tema:infraestructura-y-servicios-publicos frecuencia:mensual", **kwargs)
    assert names(result) == ["puntos-wifi"]
    assert result["facets"]["tema"] == {"infraestructura-y-servicios-publicos": 1}
    assert result["facets"]["res_extras_tipo_visualizacion"] == {"mapa": 1}
    assert names(search(fq='id_dataset:"3"', include_private=True)) == ["puntos-wifi"]
    assert names(search(fq="res_extras_nombre_archivo:puntos_wifi.csv", include_private=True)) == ["puntos-wifi"]


def test_data_dictionary_and_responsable_are_text(wifi):
    assert names(search(q="WGS84", include_private=True)) == ["puntos-wifi"]
    assert names(search(q="latitud grados", include_private=True)) == ["puntos-wifi"]
    assert names(search(q="Maria Lopez", include_private=True)) == ["puntos-wifi"]
