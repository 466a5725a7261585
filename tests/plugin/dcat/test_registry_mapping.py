"""The DCAT profile writes what the FORM.317 registry maps, and only that (issue 15).

Each field with a ``form317.dcat`` entry in schemas/dataset.yaml / dependencia.yaml must reach
the catalogue under that property path; each property the profile builds from a FORM.317 field
must be one the registry names. A dataset with every field filled is serialized in-process with
ckanext-dcat's RDFSerializer and our profile, as /catalog.ttl does.
"""

from __future__ import annotations

import uuid

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import factories
from ckanext.dcat.processors import RDFSerializer
from ckanext.pueblaabierto.dcat import profile
from pueblaabierto.schemas import form317
from rdflib import URIRef

# Registry entries the catalogue does not carry, with the reason.
NOT_EMITTED = {
    # An uploaded logo is stored as a bare file name; no dependencia has one in the catalogue.
    (form317.ORGANIZATION, "image_url"),
}
SITE = "http://portal.example"

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "scheming_datasets scheming_organizations pueblaabierto activity dcat"),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]


def dependencia() -> dict:
    """A real organization: the base profile reads the publisher with organization_show."""
    admin = factories.Sysadmin()
    return tk.get_action("organization_create")(
        {"user": admin["name"], "ignore_auth": True},
        {"name": "dep-sit", "title": "Secretaría de Innovación", "id_dependencia": "400123",
         "description": "Dependencia de prueba."},
    )


def full_dataset(org: dict) -> dict:
    dataset_id, resource_id = (str(uuid.uuid4()) for _ in range(2))
    org_id = org["id"]
    return {
        "id": dataset_id, "name": "puntos-wifi", "title": "Puntos WiFi", "notes": "Puntos de acceso WiFi.",
        "type": "dataset", "private": False, "state": "active", "metadata_created": "2024-01-10T10:00:00",
        "metadata_modified": "2024-02-10T10:00:00", "owner_org": org_id, "id_dataset": "17",
        "tags": [{"name": "wifi"}], "tag_string": "wifi", "tema": "infraestructura-y-servicios-publicos",
        "frecuencia": "mensual", "responsable_nombre": "Laura Pérez Gómez",
        "responsable_correo": "laura.perez@pueblacapital.gob.mx", "license_id": "libre-uso-mx",
        "license_url": "https://datos.gob.mx/libreusomx", "license_title": "Libre Uso MX",
        "periodo_inicio": "2024-01-01", "periodo_fin": "2024-12-31",
        "organization": {"id": org_id, "name": org["name"], "title": org["title"], "image_url": "logo.png"},
        "resources": [{
            "id": resource_id, "package_id": dataset_id, "name": "puntos.csv", "description": "Los puntos.",
            "url": "http://portal.example/puntos.csv", "format": "CSV", "fecha_inicio": "2024-01-01",
            "fecha_fin": "2024-06-30",
        }],
    }


@pytest.fixture
def graph(ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckan.site_url", SITE)
    dataset = full_dataset(dependencia())
    serializer = RDFSerializer(profiles=["euro_dcat_ap_3", "pueblaabierto_form317"])
    dataset_ref = serializer.graph_from_dataset(dataset)
    return serializer.g, dataset_ref, dataset


def _follow(g, subject, path: tuple[URIRef, ...]) -> list:
    nodes = [subject]
    for step in path:
        nodes = [value for node in nodes for value in g.objects(node, step)]
    return nodes


@pytest.mark.parametrize("level", [form317.DATASET, form317.RESOURCE, form317.ORGANIZATION])
def test_every_registry_field_with_a_dcat_property_is_in_the_catalogue(graph, level):
    g, dataset_ref, dataset = graph
    subject = dataset_ref
    if level == form317.RESOURCE:
        subject = next(iter(g.objects(dataset_ref, profile.DCAT.distribution)))
    missing = []
    for key in form317.dcat_mapping(level):
        if (level, key) in NOT_EMITTED:
            continue
        path = profile.registry_path(key, level)
        if not _follow(g, subject, path):
            missing.append(f"{level}.{key} -> {form317.dcat_property(key, level)}")
    assert missing == []


def test_the_profile_builds_only_properties_the_registry_names():
    named = {path[0] for level in (form317.DATASET, form317.RESOURCE)
             for path in (profile.registry_path(key, level) for key in form317.dcat_mapping(level))}
    assert set(profile.Form317Profile.BUILDERS) <= named
    # and the test can fail: a property the registry does not name is caught
    assert profile.DCT.creator not in named
