"""pytest plugin for CKAN's own tests run against the PostgreSQL search backend (see run.py).

- CKAN's ``reset_db`` drops every table on its first call of a session (the search
  table and our migration history with them); the table is put back right after,
  as ``ckan db upgrade -p pueblaabierto_search`` would.
- ``deselected.txt`` lists the Solr-internal tests that do not apply, with the reason.
- CKAN's test plugins are found where CKAN's entry points look for them.
- CKAN's factories fill titles and descriptions with random English words; each test
  gets its own fixed seed so a run can be repeated exactly (see ``_reproducible_fake_data``).
"""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

DESELECTED = Path(__file__).with_name("deselected.txt")
PLUGIN = "pueblaabierto_search"


def load_deselected(path: Path = DESELECTED) -> dict[str, str]:
    """``{test id: reason}`` from lines ``ckan/tests/...::Class::test  # reason``."""
    entries: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        test_id, _, reason = line.partition("#")
        test_id = test_id.strip()
        if test_id:
            entries[test_id] = reason.strip()
    return entries


def _ckan_id(nodeid: str) -> str:
    start = nodeid.find("ckan/tests/")
    return nodeid[start:] if start >= 0 else nodeid


def pytest_configure(config: pytest.Config) -> None:
    """CKAN registers its test plugins (``test_package_controller_plugin``...) as
    ``tests.plugins.ckantestplugins``, a path that only exists in CKAN's own checkout:
    point it at ``ckan.tests.plugins`` of the installed package."""
    import sys

    import ckan.tests.plugins

    sys.modules.setdefault("tests.plugins", ckan.tests.plugins)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    entries = load_deselected()
    kept, dropped = [], []
    for item in items:
        test_id = _ckan_id(item.nodeid)
        base = test_id.split("[", 1)[0]
        (dropped if test_id in entries or base in entries else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def _restore_search_table() -> None:
    # What ``ckan db upgrade -p pueblaabierto_search`` does, without needing the plugin
    # loaded (some CKAN tests load only their example plugins); also brings a table left
    # by an earlier run to the chain's head.
    from ckanext.pueblaabierto.search import schema as search_schema

    search_schema.upgrade()


@pytest.fixture(scope="session", autouse=True)
def _search_table_survives_reset_db():
    import ckan.model as model

    original = model.repo.rebuild_db

    def rebuild_db() -> None:
        original()
        _restore_search_table()

    model.repo.rebuild_db = rebuild_db  # type: ignore[method-assign]
    _restore_search_table()
    yield
    model.repo.rebuild_db = original  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _reproducible_fake_data(request: pytest.FixtureRequest) -> None:
    """Seed CKAN's Faker from the test's id.

    Unseeded, a description could draw the word «one» and ``test_search_page_results``
    (q=One, «1 dataset found») then found two datasets: about one run in fifty failed in
    CI for reasons that had nothing to do with the search backend. With a seed per test,
    a test's data no longer depends on which tests ran before it, and a failure repeats.
    """
    from ckan.tests import factories

    factories.fake.seed_instance(zlib.crc32(_ckan_id(request.node.nodeid).encode()))
