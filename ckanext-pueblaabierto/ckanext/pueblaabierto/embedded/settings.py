"""Ports, plugin list and CKAN options of every CKAN we run, in one place.

The embedded portal, the tests, the systemd units (which run the ini the operator writes from
these) and the Docker PostgreSQL variant (ops/container.py writes its ini with
:func:`instance_options`) all take their options from here; the Solr variant's compose file is
checked against them by a test.
"""

from __future__ import annotations

import os
from pathlib import Path

import pueblaabierto.schemas as schemas


def _port(variable: str, default: int) -> int:
    return int(os.environ.get(variable, default))


PG_PORT = _port("PUEBLAABIERTO_PG_PORT", 55432)
REDIS_PORT = _port("PUEBLAABIERTO_REDIS_PORT", 56379)
CKAN_PORT = _port("PUEBLAABIERTO_CKAN_PORT", 5000)
# The embedded portal's outgoing mail (workflow notices) lands in .var/correo/ through a local SMTP sink.
SMTP_PORT = _port("PUEBLAABIERTO_SMTP_PORT", 58025)
MAIL_FROM = "datosabiertos@pueblacapital.gob.mx"
CKAN_HOST = "127.0.0.1"

# PUEBLAABIERTO_TEST_SUFFIX gives concurrent test runs in one checkout their own databases
# and configs (ckan_test<suffix>, ckan_e2e<suffix>, .var/test<suffix>.ini); CI leaves it empty.
TEST_SUFFIX = os.environ.get("PUEBLAABIERTO_TEST_SUFFIX", "")

# Order matters to CKAN: our plugin first so its templates and schema win.
PLUGINS = [
    "pueblaabierto_search",  # dataset search on PostgreSQL (ckanext/pueblaabierto/search/)
    "pueblaabierto",
    "activity",
    "datastore",
    "pueblaabierto_datastore",  # after datastore: q complete while full text is pending (portal/datastore_plugin.py)
    "datatables_view",
    "text_view",
    "image_view",
    # FORM.317 metadata (issue 4): schemas/*.yaml through scheming, DCAT with our profile.
    "scheming_datasets",
    "scheming_organizations",
    "dcat",
    "dcat_json_interface",
    "structured_data",
    # Views for the form's "Tipo de Visualización" (issue 6): mapa -> GeoJSON map, gráfico -> chart.
    "geojson_view",
    "charts_view",
]

# Log levels of the generated ckan.ini (section -> level): INFO, not CKAN's DEBUG for ckanext.
LOG_LEVELS = {"logger_ckan": "INFO", "logger_ckanext": "INFO"}

SYSADMIN_NAME = "admin"
SYSADMIN_EMAIL = "admin@pueblacapital.gob.mx"

# Options every CKAN of ours runs with (embedded portal, tests, end-to-end server).
COMMON_OPTIONS = {
    "ckan.site_title": "Puebla Abierto",
    "ckan.site_description": "Portal de datos abiertos del Municipio de Puebla",
    "ckan.site_logo": "/pueblaabierto/logo.svg",
    "ckan.locale_default": "es",
    "ckan.locales_offered": "es en",
    "ckan.display_timezone": "America/Mexico_City",
    "ckan.auth.create_user_via_web": "false",
    # DataStore full text in Spanish without accents (portal/datastore_search.py creates it).
    "ckan.datastore.default_fts_lang": "spanish_unaccent",
    # GIN, not CKAN's GiST: DataStore tables are loaded whole by the server (loading/) and then
    # only read; GIN builds several times faster on a million rows and answers faster.
    "ckan.datastore.default_fts_index_method": "gin",
    "ckan.datastore.sqlsearch.enabled": "true",
    "ckan.views.default_views": "datatables_view image_view text_view",
    # Megabytes per uploaded resource file: a 1,000,000-row CSV of 10 columns is about 106 MB
    # (issue 17); above it the enlace gets a Spanish message (security/upload_size.py).
    "ckan.max_resource_size": "256",
    # Base map of the "mapa" previews (ckanext-geoview); without one it shows an English notice.
    "ckanext.spatial.common_map.type": "custom",
    "ckanext.spatial.common_map.custom_url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "ckanext.spatial.common_map.attribution": "Mapa © colaboradores de OpenStreetMap",
    "pueblaabierto.search.backend": "postgres",
    "debug": "false",
    # FORM.317 metadata (issue 4): schemas shipped in pueblaabierto.schemas, licence list from vocabularios.yaml.
    "scheming.dataset_schemas": "pueblaabierto.schemas:dataset.yaml",
    "scheming.organization_schemas": "pueblaabierto.schemas:dependencia.yaml",
    "scheming.presets": "ckanext.scheming:presets.json",
    "scheming.dataset_fallback": "false",
    "licenses_group_url": "file://" + str(Path(schemas.__file__).parent / "licencias.json"),
    "ckanext.dcat.rdf.profiles": "euro_dcat_ap_3 pueblaabierto_form317",
    "ckanext.dcat.resource.inherit.license": "true",
    # FORM.317 asks for the dependencia's logo and the resource files as uploads, not only URLs;
    # CKAN 2.11 hides the upload inputs unless this is on (storage_path alone is not enough).
    "ckan.uploads_enabled": "true",
    # Security (issue 11): dependencias and groups are created by sysadmins (and the enlace técnico
    # through his role, workflow/tecnico.py; workflow/creator.py records who created each one),
    # never by any logged-in user; every form of every plugin
    # is CSRF-protected; cookies stay first-party; accounts and avatars are not public.
    "ckan.auth.user_create_organizations": "false",
    "ckan.auth.user_create_groups": "false",
    "ckan.auth.public_user_details": "false",
    "ckan.gravatar_default": "disabled",
    "ckan.csrf_protection.ignore_extensions": "false",
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "ckan.datastore.search.rows_max": "32000",
    "pueblaabierto.datastore.sql_timeout": "5000",
}

# The sysadmin's demo walk (workflow_demo_publish, ``lote --ejemplos-demo``) publishes without
# the liaisons: on only for make portal's demo and the tests, never in instance_options
# (production, systemd, Docker).
DEMO_OPTIONS = {"pueblaabierto.workflow.demo": "true"}


def instance_options(
    *,
    database_url: str,
    datastore_write_url: str,
    datastore_read_url: str,
    redis_url: str,
    site_url: str,
    storage_path: str,
    smtp_server: str,
    backup_dir: str,
    plugins: list[str] | None = None,
    admin_url: str = "",
) -> dict[str, str]:
    """COMMON_OPTIONS plus what differs from one CKAN to another (databases, URLs, folders)."""
    return {
        **COMMON_OPTIONS,
        "sqlalchemy.url": database_url,
        "ckan.datastore.write_url": datastore_write_url,
        "ckan.datastore.read_url": datastore_read_url,
        "ckan.redis.url": redis_url,
        "ckan.site_url": site_url,
        "ckan.plugins": " ".join(PLUGINS if plugins is None else plugins),
        "ckan.storage_path": storage_path,
        "smtp.server": smtp_server,
        "smtp.mail_from": MAIL_FROM,
        # Backups of this instance and its maintenance switch (ops/backup.py, ops/maintenance.py).
        "pueblaabierto.respaldo.ruta": backup_dir,
        "pueblaabierto.respaldo.admin_url": admin_url,
    }
