"""Values an enlace declares public although they look like personal data.

An office phone or a public official's institutional RFC looks exactly like a private
one; only the enlace can say it is public. They declare it in one of two places:

* a ``permitidos.txt`` file next to the workbook (or in the data folder): one value per
  line, ``#`` starts a comment; it travels with the submission, so the portal sees it too;
* ``pueblaabierto validar --permitir VALOR`` (repeatable), for a quick check.

The data checks (``pueblaabierto.data.personal``) decide what the values mean; this
module only collects them.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from pathlib import Path

from pueblaabierto.errors import UnusableInput

ALLOW_FILE = "permitidos.txt"


def allowed_values(folders: Iterable[Path], extra: Iterable[str] = ()) -> list[str]:
    """Every declared value, in order, without duplicates."""
    values: list[str] = []
    seen: set[Path] = set()
    for folder in folders:
        path = (folder / ALLOW_FILE).resolve()
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        values += _read(path)
    values += [v.strip() for v in extra if v.strip()]
    return list(dict.fromkeys(values))


def _read(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnusableInput(
            "permitidos-ilegible",
            f"«{path.name}» no está guardado en UTF-8.",
            "Ábralo en un editor de texto y guárdelo con codificación UTF-8.",
            file=path.name,
        ) from exc
    except OSError as exc:
        raise UnusableInput(
            "permitidos-ilegible", f"No se pudo leer «{path.name}».", "Revise sus permisos.", file=path.name
        ) from exc
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [line for line in lines if line]


def build_allow_list(values: list[str], addresses: Iterable[str] = ()) -> object | None:
    """The data checks' AllowList (None while ``pueblaabierto.data.personal`` is absent).

    ``addresses``: the responsables' e-mails written in the form; they are published as
    contact points anyway, so finding them in a data file is not a leak.
    """
    try:
        personal = importlib.import_module("pueblaabierto.data.personal")
    except ModuleNotFoundError as exc:
        if exc.name in ("pueblaabierto.data", "pueblaabierto.data.personal"):
            return None  # the data checks are not there yet: nothing would use the list
        raise
    allow_list = getattr(personal, "AllowList", None)
    if allow_list is None:
        return None
    return allow_list(values, addresses=[a for a in addresses if a])
