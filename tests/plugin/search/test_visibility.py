"""Item 6: visibility identical to CKAN's (include_* flags, permission labels)."""

from __future__ import annotations

import ckan.lib.plugins as lib_plugins
import pytest
from ckan.lib.search import rebuild

from .conftest import anon_search, names, search, user_search

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "pueblaabierto"),
    pytest.mark.usefixtures("catalog"),
]

PUBLIC = {"poblacion-2020", "licitaciones-publicas", "calidad-agua", "cosechado"}
FACETS = {"facet.field": ["organization", "tema", "tags"]}


def test_anonymous_never_sees_private_or_draft():
    for flags in ({}, {"include_private": True}, {"include_drafts": True},
                  {"include_private": True, "include_drafts": True, "include_deleted": True}):
        result = anon_search(**flags, **FACETS)
        assert set(names(result)) == PUBLIC, flags
        assert result["count"] == 4
        # facet counts leak nothing either: the private dataset is tema=finanzas in bienestar
        assert result["facets"]["organization"] == {"bienestar": 2, "tesoreria": 2}
        assert result["facets"]["tema"].get("finanzas") == 1
        assert "finanzas" not in result["facets"]["tags"]


def test_anonymous_fq_cannot_override_visibility():
    assert names(anon_search(fq="capacity:private", include_private=True)) == []
    assert names(anon_search(fq="+state:draft", include_drafts=True)) == []
    assert names(anon_search(fq="permission_labels:*", include_private=True)) == list(names(anon_search(
        fq="permission_labels:*", include_private=True)))  # a query on labels cannot widen them
    assert "presupuesto-interno" not in names(anon_search(fq="permission_labels:member-*", include_private=True))
    assert "presupuesto-interno" in names(search(fq="permission_labels:member-*", include_private=True))


def test_member_sees_their_organizations_private_datasets(catalog):
    result = user_search(catalog.member, include_private=True, **FACETS)
    assert set(names(result)) == PUBLIC | {"presupuesto-interno"}
    assert result["facets"]["tema"]["finanzas"] == 2
    assert set(names(user_search(catalog.member))) == PUBLIC  # include_private defaults to False


def test_outsider_does_not(catalog):
    result = user_search(catalog.outsider, include_private=True, include_drafts=True, **FACETS)
    assert set(names(result)) == PUBLIC
    assert result["facets"]["tema"]["finanzas"] == 1


def test_drafts_need_include_drafts_and_a_label(catalog):
    assert "padron-borrador" not in names(user_search(catalog.member, include_private=True))
    assert "padron-borrador" in names(user_search(catalog.member, include_drafts=True))
    assert "padron-borrador" not in names(user_search(catalog.outsider, include_drafts=True))


def test_sysadmin_sees_everything_asked_for(catalog):
    result = user_search(catalog.sysadmin, include_private=True, include_drafts=True)
    assert set(names(result)) == PUBLIC | {"presupuesto-interno", "padron-borrador"}


def test_deleted_datasets_leave_the_index_by_default(catalog):
    from ckan.tests.helpers import call_action

    call_action("package_delete", id="calidad-agua")
    assert "calidad-agua" not in names(user_search(catalog.sysadmin, include_deleted=True))


@pytest.mark.ckan_config("ckan.search.remove_deleted_packages", "false")
def test_deleted_only_with_include_deleted(catalog):
    from ckan.tests.helpers import call_action

    call_action("package_delete", id="calidad-agua")
    assert "calidad-agua" not in names(search())
    assert "calidad-agua" in names(user_search(catalog.sysadmin, include_deleted=True))
    assert "calidad-agua" not in names(anon_search(include_deleted=True))


def test_making_a_dataset_private_hides_it_at_once(catalog):
    from ckan.tests.helpers import call_action

    call_action("package_patch", id="calidad-agua", private=True)
    assert "calidad-agua" not in names(anon_search())
    assert "calidad-agua" in names(user_search(catalog.member, include_private=True))


class _WorkflowLabels(lib_plugins.DefaultPermissionLabels):
    """A plugin-provided policy: datasets tagged 'revision' are visible to reviewers only."""

    def get_dataset_labels(self, dataset_obj):
        if any(t.name == "revision" for t in dataset_obj.get_tags()):
            return ["reviewers"]
        return super().get_dataset_labels(dataset_obj)

    def get_user_dataset_labels(self, user_obj):
        labels = super().get_user_dataset_labels(user_obj)
        if user_obj and getattr(user_obj, "name", "").startswith("revisor"):
            labels.append("reviewers")
        return labels


def test_permission_labels_from_a_plugin_decide_visibility(catalog, monkeypatch):
    from ckan.tests import factories
    from ckan.tests.helpers import call_action

    monkeypatch.setattr(lib_plugins, "get_permission_labels", lambda: _WorkflowLabels())
    call_action("package_patch", id="calidad-agua", tags=[{"name": "revision"}])
    rebuild()
    reviewer = factories.User(name="revisor-uno")
    assert "calidad-agua" not in names(anon_search())
    assert "calidad-agua" not in names(user_search(catalog.outsider))
    assert "calidad-agua" in names(user_search(reviewer))
    assert "calidad-agua" in names(search())  # ignore_auth: no label filter, as in CKAN
