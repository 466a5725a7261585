"""The search backend of an earlier commit, beside the current one, for side-by-side runs.

The machine is shared (load 3-13 on 2 cores), so a figure is only comparable with one
measured in the same run: this module loads ``ckanext/pueblaabierto/search`` as it was
at ``commit`` under another package name (``ckanext.pueblaabierto._search_ref``), so
``run.py`` can alternate its query class with the current one, query by query, and
time its ``search-index rebuild`` right before the current one.

    python benchmarks/search/reference.py rebuild <ini> [<commit>]   # timed by run.py
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "benchmarks" / ".work" / "search"
SOURCE = "ckanext-pueblaabierto/ckanext/pueblaabierto/search"
PACKAGE = "ckanext.pueblaabierto._search_ref"


def resolve(commit: str) -> str:
    return subprocess.run(["git", "rev-parse", "--short", commit], check=True, capture_output=True, text=True,
                          cwd=ROOT).stdout.strip()


def materialize(commit: str) -> Path:
    """The search package's files at ``commit``, in benchmarks/.work/search/ref-<commit>/."""
    target = WORK / f"ref-{commit}"
    if target.exists():
        return target
    target.mkdir(parents=True)
    listing = subprocess.run(["git", "ls-tree", "--name-only", f"{commit}:{SOURCE}"], check=True,
                             capture_output=True, text=True, cwd=ROOT).stdout.split()
    for name in listing:
        if name.endswith(".py"):
            text = subprocess.run(["git", "show", f"{commit}:{SOURCE}/{name}"], check=True, capture_output=True,
                                  text=True, cwd=ROOT).stdout
            (target / name).write_text(text, encoding="utf-8")
    return target


def load(commit: str) -> types.SimpleNamespace:
    """Import the package at ``commit``; returns its ``backend``, ``query`` and ``index`` modules."""
    import ckanext.pueblaabierto  # noqa: F401  (parent package of the copy)

    if PACKAGE not in sys.modules:
        package = types.ModuleType(PACKAGE)
        package.__path__ = [str(materialize(commit))]  # type: ignore[attr-defined]
        sys.modules[PACKAGE] = package
    return types.SimpleNamespace(**{name: importlib.import_module(f"{PACKAGE}.{name}")
                                    for name in ("backend", "query", "index")})


def rebuild_with(ini: str, commit: str | None) -> None:
    """What ``ckan search-index rebuild -q`` does, with the backend of ``commit`` (or the current one)."""
    from ckan.cli import load_config
    from ckan.common import config
    from ckan.config.middleware import make_app

    app: Any = make_app(load_config(ini))
    with app._wsgi_app.test_request_context():
        import ckan.lib.search as search

        if commit:
            load(commit).backend.configure(config)
        search.rebuild(None, only_missing=False, force=False, defer_commit=True, quiet=True, clear=False)
        search.commit()


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] != "rebuild":
        sys.exit(__doc__)
    rebuild_with(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
