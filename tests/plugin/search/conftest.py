"""A small catalogue shared by the search behaviour tests.

Built through CKAN's factories and actions (so every write goes through the
indexing hook under test), with FORM.317 fields as extras/resource fields.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action


def _extras(**fields):
    return [{"key": k, "value": v} for k, v in fields.items()]


@pytest.fixture
def catalog(clean_db, with_plugins, clean_index):
    """Datasets chosen so each behaviour has one dataset that should and one that should not match.

    ``clean_index`` as well as ``clean_db``: CKAN's reset truncates only core tables.
    """
    sysadmin = factories.Sysadmin()
    member = factories.User()
    outsider = factories.User()
    org_a = factories.Organization(name="bienestar", title="Secretaría de Bienestar",
                                   users=[{"name": member["name"], "capacity": "editor"}])
    org_b = factories.Organization(name="tesoreria", title="Tesorería Municipal")
    group = factories.Group(name="sociedad", title="Sociedad")

    poblacion = factories.Dataset(
        name="poblacion-2020", title="Población de Puebla 2020", notes="Resultados del censo por colonia.",
        owner_org=org_a["id"], groups=[{"name": group["name"]}], license_id="cc-by",
        tags=[{"name": "censo"}, {"name": "demografia"}],
        extras=_extras(tema="demografia", frecuencia="anual", id_dataset="SB-001",
                       periodo_inicio="2020-01-01", periodo_fin="2020-12-31"),
        resources=[
            {"url": "http://example.com/p.csv", "name": "Tabla de población", "format": "CSV",
             "tipo_visualizacion": "tabla", "nombre_archivo": "poblacion.csv"},
            {"url": "http://example.com/p.xlsx", "name": "Libro", "format": "XLSX", "tipo_visualizacion": "tabla"},
        ],
    )
    licitaciones = factories.Dataset(
        name="licitaciones-publicas", title="Licitaciones públicas", notes="Contratos y compras del municipio.",
        owner_org=org_b["id"], license_id="odc-by", tags=[{"name": "compras"}],
        extras=_extras(tema="finanzas", frecuencia="mensual", id_dataset="TM-002",
                       periodo_inicio="2023-01-01", periodo_fin="2023-12-31"),
        resources=[{"url": "http://example.com/l.csv", "name": "Licitaciones", "format": "CSV",
                    "tipo_visualizacion": "mapa"}],
    )
    agua = factories.Dataset(
        name="calidad-agua", title="Calidad del agua", notes="Muestreos en pozos; incluye población atendida.",
        owner_org=org_a["id"], license_id="cc-by", tags=[{"name": "agua"}],
        extras=_extras(tema="medio-ambiente", frecuencia="mensual", id_dataset="SB-003"),
        resources=[{"url": "http://example.com/a.json", "name": "Muestras", "format": "JSON",
                    "description": "Mediciones de cloro", "tipo_visualizacion": "grafico"}],
    )
    private = factories.Dataset(
        name="presupuesto-interno", title="Presupuesto interno", notes="Borrador de presupuesto.",
        owner_org=org_a["id"], private=True, license_id="cc-by", tags=[{"name": "finanzas"}],
        extras=_extras(tema="finanzas", frecuencia="anual"),
        resources=[{"url": "http://example.com/x.csv", "format": "CSV", "tipo_visualizacion": "tabla"}],
    )
    draft = factories.Dataset(
        name="padron-borrador", title="Padrón en borrador", owner_org=org_a["id"], state="draft",
        extras=_extras(tema="demografia"),
    )
    harvested = factories.Dataset(
        name="cosechado", title="Dataset cosechado de agua", type="harvest", owner_org=org_b["id"],
    )
    return SimpleNamespace(
        sysadmin=sysadmin, member=member, outsider=outsider, org_a=org_a, org_b=org_b, group=group,
        poblacion=poblacion, licitaciones=licitaciones, agua=agua, private=private, draft=draft,
        harvested=harvested,
    )


def names(result) -> list[str]:
    return [d["name"] for d in result["results"]]


def search(**kwargs):
    kwargs.setdefault("rows", 100)
    return call_action("package_search", **kwargs)


def anon_search(**kwargs):
    """As an anonymous visitor: permission labels apply (call_action ignores auth)."""
    kwargs.setdefault("rows", 100)
    return call_action("package_search", context={"user": "", "ignore_auth": False}, **kwargs)


def user_search(user, **kwargs):
    kwargs.setdefault("rows", 100)
    return call_action("package_search", context={"user": user["name"], "ignore_auth": False}, **kwargs)
