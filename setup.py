"""One install for the whole product: the CKAN plugin, the FORM.317 pipeline and its CLI.

The source folders follow the design card (``ckanext-pueblaabierto/``, ``pipeline/``,
``schemas/``); ``package_dir`` maps them to importable packages:

* ``ckanext.pueblaabierto`` — the CKAN 2.11 plugin,
* ``pueblaabierto`` — the pipeline library and the ``pueblaabierto`` command,
* ``pueblaabierto.schemas`` — scheming YAML, Table Schemas and vocabularies, shared by both.
"""

from pathlib import Path

from setuptools import find_namespace_packages, setup

HERE = Path(__file__).parent


SOURCE_ROOTS = {"ckanext": "ckanext-pueblaabierto/ckanext", "pueblaabierto": "pipeline/pueblaabierto"}


def packages_in(root: str, name: str) -> list[str]:
    """``name`` and every folder under its source folder, code or data (templates, i18n,
    migrations): a wheel must carry them all, and setuptools warns about data folders that
    are importable but not listed."""
    found = find_namespace_packages(HERE / root, exclude=["*__pycache__*", "*.egg-info*"])
    return [name] + [f"{name}.{sub}" for sub in found]


def read_requirements(name: str) -> list[str]:
    lines = (HERE / "requirements" / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


setup(
    name="pueblaabierto",
    version="0.1.0",
    description="Portal y flujo de publicación de datos abiertos del Municipio de Puebla (CKAN 2.11)",
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="AGPL-3.0-or-later",
    python_requires=">=3.10",
    package_dir={
        **SOURCE_ROOTS,
        "pueblaabierto.schemas": "schemas",
    },
    packages=[
        *packages_in(SOURCE_ROOTS["ckanext"], "ckanext"),
        *packages_in(SOURCE_ROOTS["pueblaabierto"], "pueblaabierto"),
        "pueblaabierto.schemas",
    ],
    include_package_data=True,
    package_data={
        "ckanext.pueblaabierto": [
            "templates/**/*", "public/**/*", "i18n/**/*", "migration/**/*", "config_declaration.yaml",
            "dcat/*.yaml", "search/config_declaration.yaml", "search/README.md",
        ],
        "pueblaabierto.schemas": ["*.yaml", "*.json", "table_schemas/*.json"],
    },
    # The ckan wheel declares no dependencies, so its pins are part of ours.
    install_requires=read_requirements("base.txt") + read_requirements("ckan.txt"),
    extras_require={"test": read_requirements("test.txt")},
    entry_points={
        "console_scripts": [
            "pueblaabierto = pueblaabierto.cli:main",
        ],
        "ckan.plugins": [
            "pueblaabierto = ckanext.pueblaabierto.plugin:PueblaAbiertoPlugin",
            # The PostgreSQL search backend alone, for any CKAN 2.11 (search/README.md).
            "pueblaabierto_search = ckanext.pueblaabierto.search.plugin:PostgresSearchPlugin",
            # IDatastore hook, listed after "datastore" (portal/datastore_plugin.py).
            "pueblaabierto_datastore = ckanext.pueblaabierto.portal.datastore_plugin:DatastoreSearchPlugin",
        ],
        # FORM.317 fields in DCAT (issue 4), selected by ckanext.dcat.rdf.profiles.
        "ckan.rdf.profiles": [
            "pueblaabierto_form317 = ckanext.pueblaabierto.dcat.profile:Form317Profile",
        ],
    },
    zip_safe=False,
)
