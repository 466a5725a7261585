"""The privacy rule on a portal WITHOUT the workflow (the live test CKAN has it): the plan
hides a public dataset before changing it and makes it public only as its very last step."""

from __future__ import annotations

import ckanapi
from pueblaabierto.publish import mapping
from pueblaabierto.publish.mapping import DatasetSpec, Layout, ResourceSpec
from pueblaabierto.publish.plan import Capabilities, Options, plan_dataset


class ReadOnlyPortal:
    """Answers the reads plan_dataset makes; any write would be a bug in the planner."""

    def call(self, action: str, **data):
        if action == "package_show":
            raise ckanapi.NotFound(data["id"])
        if action == "resource_view_list":
            return [{"view_type": "datatables_view"}]
        raise AssertionError(f"unexpected call {action}")


CAPS = Capabilities(layout=Layout(), workflow=False, extensions=["datatables_view"])


def spec(link: str = "https://example.org/a.csv") -> DatasetSpec:
    resource = ResourceSpec(name="Mercados", fields={"name": "Mercados", "nombre_archivo": link,
                                                     "tipo_visualizacion": "", "fecha_inicio": "2024-01-01",
                                                     "fecha_fin": "2024-12-31", "format": "CSV"}, url=link)
    return DatasetSpec(id_dataset="1", id_dependencia="12", title="Mercados", core={"title": "Mercados",
                       "notes": "n", "license_id": "libre-uso-mx"},
                       custom={"id_dataset": "1", "tema": "t", "frecuencia": "anual", "responsable_nombre": "r",
                               "responsable_correo": "c", "diccionario": []},
                       tags=[], terms={}, resources=[resource])


def published(desired: DatasetSpec, *, private: bool) -> dict:
    """What package_show returns for ``desired`` once it was fully published."""
    resource = {"id": "r1", "url_type": "", **mapping.resource_fields(desired.resources[0])}
    return {"id": "p1", "name": "mercados", "state": "active", "private": private, "tags": [],
            **desired.core, **desired.custom, "resources": [resource]}


def kinds(plan) -> list[str]:
    return [step.kind for step in plan.steps]


def test_new_dataset_is_created_private_and_made_public_last():
    plan = plan_dataset(ReadOnlyPortal(), spec(), None, CAPS, Options())
    assert kinds(plan) == ["dataset-create", "resource-create", "make-public"]


def test_changing_a_public_dataset_hides_it_first():
    current = published(spec(), private=False)
    plan = plan_dataset(ReadOnlyPortal(), spec("https://example.org/b.csv"), current, CAPS, Options())
    assert kinds(plan) == ["hide", "resource-update", "make-public"]


def test_unchanged_public_dataset_needs_nothing():
    plan = plan_dataset(ReadOnlyPortal(), spec(), published(spec(), private=False), CAPS, Options())
    assert kinds(plan) == []


def test_interrupted_private_dataset_is_only_made_public():
    plan = plan_dataset(ReadOnlyPortal(), spec(), published(spec(), private=True), CAPS, Options())
    assert kinds(plan) == ["make-public"]
