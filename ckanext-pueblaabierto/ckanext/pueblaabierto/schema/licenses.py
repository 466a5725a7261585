"""The portal's licence list (CKAN ``licenses_group_url``), generated from vocabularios.yaml.

CKAN reads licences from a JSON file, not from Python; the file is committed next to the
vocabularies (schemas/licencias.json) and a test keeps it in step with them. Regenerate with
``python -m ckanext.pueblaabierto.schema.licenses``.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from pueblaabierto.schemas import vocabularies

FILE_NAME = "licencias.json"


def licenses() -> list[dict[str, Any]]:
    """CKAN licence records for every licence in the vocabularies, the default one first."""
    vocab = vocabularies.load()
    items = sorted(vocab.licencias, key=lambda item: item["id"] != vocab.licencia_predeterminada)
    return [
        {
            "id": item["id"],
            "title": item["title"],
            "url": item["url"],
            "od_conformance": item.get("od_conformance", "not reviewed"),
            "osd_conformance": "not reviewed",
            "status": "active",
            "maintainer": "",
            "family": "",
            "domain_content": True,
            "domain_data": True,
            "domain_software": False,
            "is_generic": False,
        }
        for item in items
    ]


def render() -> str:
    return json.dumps(licenses(), ensure_ascii=False, indent=2) + "\n"


def path() -> Path:
    """Where the installed licence file is (what ``licenses_group_url`` points to)."""
    return Path(str(resources.files("pueblaabierto.schemas").joinpath(FILE_NAME)))


def url() -> str:
    return "file://" + str(path())


def configure(config: Any) -> None:
    """Point CKAN at our licence list when the deployment did not (e.g. Docker via env vars)."""
    if not config.get("licenses_group_url"):
        config["licenses_group_url"] = url()


if __name__ == "__main__":
    path().write_text(render(), encoding="utf-8")
    print(path())
