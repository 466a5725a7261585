"""The Puebla Abierto CKAN plugin. Thin by design: every hook delegates to a module.

Sections, one per area (each owned by its package):
- configuration and CLI        -> config_declaration.yaml, cli.py
- search backend (PostgreSQL)  -> search/ (also its own plugin, ``pueblaabierto_search``)
- FORM.317 metadata            -> schema/ (validators), helpers.py, datastore_info.py, dcat/, i18n/
- exports (DCAT-JSON, /data.json, Data Packages) -> interop/
- validation workflow (FORM.317 review) -> workflow/ (hooks.py)
- security (headers, uploads, traces, DataStore SQL) -> security/ (hooks.py)
- Entregas (FORM.317 intake at /entregas) -> entregas/ (hooks.py)
- the server's validation of every dataset's data -> verification/ (hooks.py, actions.py)
"""

from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from . import cli, datastore_info, helpers
from .actualizacion import views as actualizacion
from .entregas import hooks as entregas
from .forms import hooks as forms
from .interop import views as interop
from .loading import guard as loading_guard
from .portal import datastore_search, page_cache
from .portal import pages as portal_pages
from .schema import facet_labels
from .schema import licenses as form317_licenses
from .schema import validators as form317_validators
from .search import backend as search_backend
from .search import facets as search_facets
from .security import hooks as security
from .verification import actions as verification_actions
from .verification import hooks as verification
from .verification import views as verification_views
from .workflow import hooks as workflow


# DefaultTranslation: i18n/<locale>/LC_MESSAGES/ckanext-pueblaabierto.mo (strings CKAN's "es" lacks).
# config_declarations: declares our options from config_declaration.yaml (defaults, validation).
@tk.blanket.config_declarations
class PueblaAbiertoPlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.IClick)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IValidators)
    p.implements(p.ITemplateHelpers)
    p.implements(p.ITranslation)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)
    p.implements(p.IPermissionLabels)
    p.implements(p.IBlueprint)
    p.implements(p.IMiddleware, inherit=True)
    p.implements(p.IResourceController, inherit=True)
    p.implements(p.IDomainObjectModification, inherit=True)

    # -- IConfigurer ------------------------------------------------------------
    def update_config(self, config: Any) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")
        tk.add_resource("assets", "pueblaabierto")
        # The pueblaabierto_search plugin (settings.PLUGINS) installs the backend; configuring
        # it here as well (idempotent) keeps search on PostgreSQL where only this plugin is listed.
        search_backend.configure(config)
        form317_licenses.configure(config)
        security.update_config(config)

    # -- IConfigurable: DataStore full text in Spanish without accents (portal/datastore_search.py)
    def configure(self, config: Any) -> None:
        if page_cache.seconds() > 0:  # the web server and the jobs worker alike
            page_cache.listen_for_commits()
        if p.plugin_loaded("datastore"):
            datastore_search.ensure_on_startup(config.get("ckan.datastore.write_url"))

    def update_config_schema(self, schema: Any) -> Any:
        return portal_pages.update_config_schema(schema)

    # -- IClick ---------------------------------------------------------------------
    def get_commands(self) -> list:
        return cli.get_commands()

    # -- IFacets (search/facets.py: Spanish titles, FORM.317 facets) -------------------
    def dataset_facets(self, facets_dict: Any, package_type: str) -> Any:
        return search_facets.dataset_facets(facets_dict, package_type)

    def organization_facets(self, facets_dict: Any, organization_type: str, package_type: Any) -> Any:
        return search_facets.organization_facets(facets_dict, organization_type, package_type)

    def group_facets(self, facets_dict: Any, group_type: str, package_type: Any) -> Any:
        return search_facets.group_facets(facets_dict, group_type, package_type)

    # -- FORM.317 metadata (schema/validators.py, helpers.py, datastore_info.py) ------------
    def get_validators(self) -> dict[str, Any]:
        return form317_validators.get_validators()

    def get_helpers(self) -> dict[str, Any]:
        return {**helpers.get_helpers(), **workflow.get_helpers(), **actualizacion.get_helpers(),
                **entregas.get_helpers(), **forms.get_helpers(), **verification_views.get_helpers()}

    def after_dataset_update(self, context: Any, pkg_dict: dict[str, Any]) -> None:
        datastore_info.after_dataset_update(pkg_dict)
        verification.after_dataset_change(context, pkg_dict)

    # -- The server's validation (verification/): every write of data asks for it ---------
    def after_dataset_create(self, context: Any, pkg_dict: dict[str, Any]) -> None:
        verification.after_dataset_change(context, pkg_dict)

    def after_resource_create(self, context: Any, resource: dict[str, Any]) -> None:
        verification.after_resource_change(context, resource)

    def after_resource_update(self, context: Any, resource: dict[str, Any]) -> None:
        verification.after_resource_change(context, resource)

    def after_resource_delete(self, context: Any, resources: list[dict[str, Any]]) -> None:
        verification.after_resource_delete(context, resources)

    def after_dataset_search(self, search_results: dict[str, Any], search_params: dict[str, Any]) -> dict[str, Any]:
        return facet_labels.label_facets(search_results)

    # -- Validation workflow (workflow/: actions, auth, visibility labels, pages) ----------
    def get_actions(self) -> dict[str, Any]:
        # datastore_search is chained by security (404 when unreadable) and by portal (Spanish
        # full text for the table preview); merge_actions composes both.
        # forms (kept uploads, file-name defaults) go outermost: a kept file passes the upload checks.
        return security.merge_actions(
            forms.get_actions(), workflow.get_actions(), security.get_actions(), interop.get_actions(),
            datastore_search.get_actions(), entregas.get_actions(), loading_guard.get_actions(),
            verification_actions.get_actions(),
        )

    def get_auth_functions(self) -> dict[str, Any]:
        return {**workflow.get_auth_functions(), **entregas.get_auth_functions(),
                **verification_actions.get_auth_functions(), **security.get_auth_functions()}

    # -- Security (security/: response headers, upload checks, hidden traces) -------------
    def make_middleware(self, app: Any, config: Any) -> Any:
        return page_cache.make_middleware(workflow.make_middleware(security.make_middleware(app, config)))

    # -- IDomainObjectModification --------------------------------------------------
    def notify(self, entity: Any, operation: str) -> None:
        from ckan import model

        page_cache.mark_dirty(model.Session())

    def get_dataset_labels(self, dataset_obj: Any) -> list[str]:
        return workflow.get_dataset_labels(dataset_obj)

    def get_user_dataset_labels(self, user_obj: Any) -> list[str]:
        return workflow.get_user_dataset_labels(user_obj)

    def get_blueprint(self) -> list[Any]:
        return [*workflow.get_blueprints(), *interop.get_blueprints(), portal_pages.get_blueprint(),
                actualizacion.get_blueprint(), *entregas.get_blueprints(), *verification_views.get_blueprints()]
