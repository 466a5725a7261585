"""The publisher adopts only dependencias a sysadmin or its own account created (issue 11).

Before, anyone could create an organization with a dependencia's ``id_dependencia`` and, as
its admin, read what ``pueblaabierto publicar`` later loaded into it. The enlace técnico
publishes with his own token: nothing daily needs a sysadmin's.
"""

from __future__ import annotations

import uuid

from tests.e2e.test_workflow_http import _user
from tests.live_ckan import wait_for_datastore

from .conftest import Form


def _tecnico(live_ckan, name: str) -> str:
    admin = live_ckan.api()
    token = _user(admin, name)
    admin.action.workflow_role_assign(user=name, role="enlace_tecnico")
    return token


def test_enlace_tecnico_publishes_with_his_own_token(cli, tmp_path, live_ckan):
    suffix = uuid.uuid4().hex[:6]
    token = _tecnico(live_ckan, f"tecpub{suffix}")
    form = Form(tmp_path / "entrega", id_dependencia=880000 + int(suffix, 16) % 100000)
    form.write()
    run = cli("publicar", str(form.path), "--json", token=token)
    assert run.code == 0, run.output
    [dataset] = run.data["datasets"]
    admin = live_ckan.api()
    pkg = admin.action.package_show(id=dataset["nombre"])
    assert pkg["private"] is True
    # publicar uploads the file; the server validates it and loads the DataStore.
    assert wait_for_datastore(admin, pkg["resources"][0]["id"])["datastore_active"] is True
    org = admin.action.organization_show(id=pkg["owner_org"], include_users=True)
    # He created the dependencia but is not its member: drafts of others stay out of his sight.
    assert f"tecpub{suffix}" not in [u["name"] for u in org["users"]]
    again = cli("publicar", str(form.path), "--json", token=token)
    assert again.code == 0 and again.data["escrituras"] == 0, again.output


def test_a_dependencia_planted_by_someone_else_is_not_adopted(cli, tmp_path, live_ckan):
    suffix = uuid.uuid4().hex[:6]
    admin = live_ckan.api()
    form = Form(tmp_path / "entrega", id_dependencia=780000 + int(suffix, 16) % 100000)
    form.write()
    # Another enlace técnico (who may create organizations) plants the dependencia with its
    # identifier, and claims that the victim created it: the server keeps its own record.
    victim_token = _tecnico(live_ckan, f"tecnu{suffix}")
    victim_id = admin.action.user_show(id=f"tecnu{suffix}")["id"]
    planter = live_ckan.api(token=_tecnico(live_ckan, f"planta{suffix}"))
    # Past the first page of organization_list (CKAN gives 25 with all_fields): a name that sorts
    # after at least 25 others, as on any portal with a few dozen dependencias.
    for i in range(25):
        admin.action.organization_create(name=f"relleno-{suffix}-{i:02d}", title=f"Relleno {i}",
                                         id_dependencia=str(int(suffix, 16) % 10**6 * 100 + i),
                                         description="Dependencia de relleno de la prueba.")
    planted = planter.action.organization_create(
        name=f"zz-planta-{suffix}", title="Sembrada", id_dependencia=str(form.id_dependencia), description="x",
        pueblaabierto_creador=victim_id, extras=[{"key": "pueblaabierto_creador", "value": victim_id}])
    planter.action.organization_patch(id=planted["id"], pueblaabierto_creador=victim_id,
                                      extras=[{"key": "pueblaabierto_creador", "value": victim_id}])
    recorded = admin.action.organization_show(id=planted["id"])["creada_por"]
    assert recorded["name"] == f"planta{suffix}" and recorded["sysadmin"] is False

    run = cli("publicar", str(form.path), "--json", token=victim_token)
    assert run.code != 0, run.output
    assert "no la creó la administración del portal ni la cuenta con la que publica" in run.output
    assert f"planta{suffix}" in run.output
    assert admin.action.organization_show(id=planted["id"], include_datasets=True)["package_count"] == 0
    found = admin.action.package_search(fq=f'owner_org:"{planted["id"]}"', include_private=True)
    assert found["count"] == 0
