"""The Docker deployment (Solr mode) stays in step with the embedded default."""

from __future__ import annotations

from pathlib import Path

import yaml
from ckanext.pueblaabierto.embedded import settings

DOCKER = Path(__file__).resolve().parents[2] / "docker"


def load_compose() -> dict:
    return yaml.safe_load((DOCKER / "compose.yaml").read_text(encoding="utf-8"))


def test_compose_has_the_production_services():
    services = load_compose()["services"]
    assert {"ckan", "worker", "db", "solr", "redis"} <= set(services)
    assert "solr9" in services["solr"]["image"] and "2.11" in services["solr"]["image"]
    assert services["worker"]["command"][-3:] == ["jobs", "worker", "default"]
    assert set(services["ckan"]["depends_on"]) == {"db", "solr", "redis"}


def test_compose_runs_the_embedded_plugin_list_in_solr_mode():
    environment = load_compose()["services"]["ckan"]["environment"]
    plugins = environment["CKAN__PLUGINS"].split()
    assert plugins[-1] == "envvars"  # the ckan-base image reads the variables through it
    assert plugins[:-1] == settings.PLUGINS
    assert environment["CKAN___PUEBLAABIERTO__SEARCH__BACKEND"] == "solr"
    assert environment["CKAN__LOCALE_DEFAULT"] == settings.COMMON_OPTIONS["ckan.locale_default"]
    assert environment["CKAN_SOLR_URL"].startswith("http://solr:8983/")


def test_compose_files_it_mounts_and_builds_exist():
    compose = load_compose()
    assert (DOCKER.parent / compose["services"]["ckan"]["build"]["dockerfile"]).is_file()
    for volume in compose["services"]["db"]["volumes"]:
        source = volume.split(":")[0]
        if source.startswith("./"):
            assert (DOCKER / source).is_file(), source
    dockerfile = (DOCKER / "ckan" / "Dockerfile").read_text()
    assert "FROM ckan/ckan-base:2.11" in dockerfile
    assert "requirements/constraints.txt" in dockerfile
