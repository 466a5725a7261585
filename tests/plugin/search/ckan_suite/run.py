"""Run CKAN 2.11's own search-related tests against the PostgreSQL backend (``make test-ckan-search``).

The test files are CKAN's, from the installed ``ckan`` package (the same release we pin):
``ckan/tests/logic/action/test_get.py``, ``ckan/tests/lib/search/``, the dataset,
organization and group page tests (``ckan/tests/controllers/test_{package,organization,group}.py``),
``ckan search-index`` (``ckan/tests/cli/test_search_index.py``), the Atom feeds
(``ckan/tests/controllers/test_feed.py``) and the autocomplete endpoints of
``ckan/tests/controllers/test_api.py``.
They run with only ``pueblaabierto_search`` enabled and CKAN's test settings
(``test-core.ini``), so they see the backend exactly as any CKAN site that enables it.

Tests that exercise Solr itself (its HTTP client, its schema) and do not apply are
deselected, each with its reason, in ``deselected.txt`` beside this file.

Usage: ``python tests/plugin/search/ckan_suite/run.py TEST_INI [pytest args...]`` where
TEST_INI is the embedded test environment's ini (databases, Redis).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
# Located without importing ckan, so pytest can still rewrite the asserts of CKAN's tests.
CKAN_TESTS = Path(list(importlib.util.find_spec("ckan").submodule_search_locations)[0]) / "tests"
TEST_FILES = [
    "logic/action/test_get.py",
    "lib/search",
    "controllers/test_package.py",
    "controllers/test_organization.py",
    "controllers/test_group.py",
    "cli/test_search_index.py",
    "controllers/test_feed.py",
    # The autocomplete endpoints of test_api.py (the rest of that file does not search).
    *(f"controllers/test_api.py::TestApiController::test_{name}" for name in (
        "dataset_autocomplete_name", "dataset_autocomplete_title", "tag_autocomplete",
        "group_autocomplete_by_name", "group_autocomplete_by_title", "organization_autocomplete_by_name",
        "organization_autocomplete_by_title", "format_autocomplete")),
]

# CKAN's test-core.ini, less what the embedded test ini already says for our services.
SUITE_SETTINGS = """\
ckan.plugins = pueblaabierto_search
pueblaabierto.search.backend = postgres
ckan.site_id = test.ckan.net
ckan.site_url = http://test.ckan.net
ckan.site_title = CKAN
ckan.site_logo = /images/ckan_logo_fullname_long.png
ckan.site_description =
ckan.locale_default = en
ckan.locales_offered =
ckan.locale_order = en pt_BR ja it cs_CZ ca es fr el sv sr sr@latin no sk fi ru de pl nl bg ko_KR hu sa sl lv
ckan.display_timezone = UTC
ckan.auth.user_create_organizations = true
ckan.auth.user_create_groups = true
ckan.auth.create_user_via_api = false
ckan.auth.create_user_via_web = true
ckan.auth.create_dataset_if_not_in_organization = true
ckan.auth.anon_create_dataset = false
ckan.auth.user_delete_groups = true
ckan.auth.user_delete_organizations = true
ckan.auth.create_unowned_dataset = true
# The portal's own policies (embedded/settings.py COMMON_OPTIONS, issue 11) back to CKAN's defaults:
# this suite checks the search backend as any CKAN site sees it, not the portal's policies.
ckan.auth.public_user_details = true
ckan.gravatar_default = identicon
ckan.csrf_protection.ignore_extensions = true
ckan.uploads_enabled = false
ckan.max_resource_size = 10
ckan.extra_resource_fields = alt_url
package_new_return_url = http://localhost/dataset/<NAME>?test=new
package_edit_return_url = http://localhost/dataset/<NAME>?test=edit
ckan.datasets_per_page = 20
ckan.activity_list_limit = 15
ckan.tracking_enabled = true
ckan.views.default_views =
licenses_group_url =
search.facets = organization groups tags res_format license_id
smtp.test_server = localhost:6675
smtp.mail_from = info@test.ckan.net
ckan.site_custom_css =
ckan.template_head_end = <link rel="stylesheet" href="TEST_TEMPLATE_HEAD_END.css" type="text/css">
ckan.template_footer_end = <strong>TEST TEMPLATE_FOOTER_END TEST</strong>
"""

# ``use = config:`` inherits options, not the logging sections Python's fileConfig reads.
LOGGING = """
[loggers]
keys = root

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(asctime)s %(levelname)-5.5s [%(name)s] %(message)s
"""


# Databases of their own: CKAN's tests drop every table, ours must not be disturbed.
SUITE_DATABASES = ("ckan_search_suite", "datastore_search_suite")
_PREPARE_DATABASES = """
import sys
from ckanext.pueblaabierto.embedded.environment import DatabasePair, Embedded
Embedded().ensure_databases(DatabasePair(sys.argv[1], sys.argv[2]))
"""


def _database_urls(base_ini: Path) -> dict[str, str]:
    """The embedded test ini's database URLs, pointed at the suite's own databases."""
    urls = {}
    names = {"sqlalchemy.url": SUITE_DATABASES[0], "ckan.datastore.write_url": SUITE_DATABASES[1],
             "ckan.datastore.read_url": SUITE_DATABASES[1]}
    for line in base_ini.read_text(encoding="utf-8").splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip() in names:
            urls[key.strip()] = value.strip().rsplit("/", 1)[0] + "/" + names[key.strip()]
    return urls


def write_ini(base_ini: Path) -> Path:
    """An ini that inherits the embedded test ini (``use = config:``) with CKAN's test settings."""
    # In a child process: importing ckan here would keep pytest from rewriting its asserts.
    subprocess.run([sys.executable, "-c", _PREPARE_DATABASES, *SUITE_DATABASES], check=True)
    urls = "".join(f"{key} = {value}\n" for key, value in _database_urls(base_ini).items())
    target = base_ini.with_name("ckan-search-suite.ini")
    target.write_text(f"[app:main]\nuse = config:{base_ini.name}\n{urls}{SUITE_SETTINGS}{LOGGING}",
                      encoding="utf-8")
    return target


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    ini = write_ini(Path(argv[0]).resolve())
    sys.path.insert(0, str(HERE.parents[3]))  # the checkout, for ``-p tests.plugin...``
    paths = [str(CKAN_TESTS / name) for name in TEST_FILES]
    args = ["--ckan-ini", str(ini), "-p", "tests.plugin.search.ckan_suite.pytest_plugin",
            "-o", "testpaths=", "--rootdir", str(CKAN_TESTS.parent.parent), "-q", "-p", "no:cacheprovider",
            *paths, *argv[1:]]
    return pytest.main(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
