"""Every option the plugin reads is declared in config_declaration.yaml, with a default and a description."""

from __future__ import annotations

import re
from pathlib import Path

import ckanext.pueblaabierto as extension
import yaml

SOURCE = Path(extension.__file__).parent
# The embedded launcher and the alembic scripts configure CKAN; they are not the plugin reading it.
NOT_THE_PLUGIN = ("embedded", "migration")
OPTION = re.compile(r"""["'](pueblaabierto\.[a-z_]+\.[a-z_.]+)["']""")
ENVIRONMENT = re.compile(r"""["']PUEBLAABIERTO_([A-Z_]+)["']""")


# The search backend is also a plugin of its own (pueblaabierto_search) with its own declaration.
DECLARATIONS = (SOURCE / "config_declaration.yaml", SOURCE / "search" / "config_declaration.yaml")


def declared() -> dict[str, dict]:
    options: dict[str, dict] = {}
    for path in DECLARATIONS:
        data = yaml.safe_load(path.read_text("utf-8"))
        options |= {option["key"]: option for group in data["groups"] for option in group["options"]}
    return options


def read_by_the_plugin() -> set[str]:
    keys: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        if path.relative_to(SOURCE).parts[0] in NOT_THE_PLUGIN:
            continue
        text = path.read_text("utf-8")
        keys |= set(OPTION.findall(text))
        # An environment variable the plugin reads stands for the option of the same name.
        keys |= {"pueblaabierto." + name.lower().replace("_", ".", 1) for name in ENVIRONMENT.findall(text)}
    return keys


def test_every_option_read_is_declared():
    assert read_by_the_plugin() - set(declared()) == set()


def test_every_declared_option_has_a_default_and_a_spanish_description():
    for key, option in declared().items():
        assert "default" in option, key
        assert len(option.get("description", "")) > 40, key
