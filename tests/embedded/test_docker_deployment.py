"""The Docker deployments (Solr and PostgreSQL search) run the tested set-up.

Both compose files start the image through ops/container.py, which writes ckan.ini from
embedded/settings.py (the options of make portal and the tests) and runs the gunicorn and
worker command lines of ops/server.py.
"""

from __future__ import annotations

import configparser
import re
from pathlib import Path

import pytest
import yaml
from ckanext.pueblaabierto.embedded import settings
from ckanext.pueblaabierto.ops import container

DOCKER = Path(__file__).resolve().parents[2] / "docker"
VARIANTS = {"compose.yaml": "solr", "compose.postgres.yaml": "postgres"}
ENTRYPOINT = ["python3", "-m", "ckanext.pueblaabierto.ops.container"]


def load_compose(name: str) -> dict:
    return yaml.safe_load((DOCKER / name).read_text(encoding="utf-8"))


def example_env() -> dict[str, str]:
    lines = (DOCKER / ".env.example").read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


@pytest.mark.parametrize("name", VARIANTS)
def test_compose_runs_the_project_entrypoint_for_web_and_worker(name):
    services = load_compose(name)["services"]
    assert {"ckan", "worker", "db", "redis"} <= set(services)
    assert ("solr" in services) is (VARIANTS[name] == "solr")
    assert services["ckan"]["entrypoint"] == ENTRYPOINT and services["ckan"]["command"][0] == "web"
    assert services["worker"]["entrypoint"] == ENTRYPOINT and services["worker"]["command"] == ["trabajador"]
    for service in ("ckan", "worker", "db", "redis"):
        assert services[service]["restart"] == "unless-stopped"
    environment = services["ckan"]["environment"]
    for variable in [*container.REQUIRED.values(), "CKAN_SECRET_KEY"]:
        assert environment.get(variable), variable
    assert not any(key.startswith(("CKAN__", "CKANEXT__", "CKAN___")) for key in environment), (
        "options belong in embedded/settings.py, not in the compose file"
    )
    # Every ${VARIABLE} the file uses is in .env.example, so `cp .env.example .env` is enough.
    used = set(re.findall(r"\$\{(\w+)\}", (DOCKER / name).read_text(encoding="utf-8")))
    assert used <= set(example_env()), used - set(example_env())


def test_files_the_compose_files_mount_and_build_exist():
    for name in VARIANTS:
        compose = load_compose(name)
        assert (DOCKER.parent / compose["services"]["ckan"]["build"]["dockerfile"]).is_file()
        for volume in compose["services"]["db"]["volumes"]:
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (DOCKER / source).is_file(), source
    dockerfile = (DOCKER / "ckan" / "Dockerfile").read_text()
    assert "FROM ckan/ckan-base:2.11" in dockerfile
    assert "requirements/constraints.txt" in dockerfile


@pytest.mark.parametrize("name", VARIANTS)
def test_container_ini_has_the_settings_of_make_portal(name, tmp_path, monkeypatch):
    values = {**example_env(), "CKAN_DB_PASSWORD": "x", "DATASTORE_RO_PASSWORD": "y", "POSTGRES_PASSWORD": "z"}
    environment = {
        key: re.sub(r"\$\{(\w+)\}", lambda m: values[m.group(1)], str(value))
        for key, value in load_compose(name)["services"]["ckan"]["environment"].items()
    }
    ini = tmp_path / "ckan.ini"
    monkeypatch.setenv("CKAN_INI", str(ini))
    container.write_ini(environment)

    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.read(ini, encoding="utf-8")
    options = dict(parser["app:main"])
    assert options["ckan.plugins"].split() == settings.PLUGINS
    for key, value in settings.COMMON_OPTIONS.items():
        if key != "pueblaabierto.search.backend":
            assert options[key.lower()] == value, key
    assert options["pueblaabierto.search.backend"] == VARIANTS[name]
    assert options["sqlalchemy.url"] == "postgresql://ckan:x@db/ckan"
    assert options["secret_key"] == values["CKAN_SECRET_KEY"]
    assert parser["logger_ckanext"]["level"] == "INFO"
