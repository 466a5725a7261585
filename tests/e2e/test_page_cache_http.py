"""What anonymous visitors see is served from a short-lived cache, never stale after a change,
and nobody with a session or a token is ever served from it (portal/page_cache.py)."""

from __future__ import annotations

import uuid

import requests

from tests.live_ckan import wait_for_validation


def _published(live_ckan, org_name: str, name: str, title: str, id_dataset: str) -> dict:
    api = live_ckan.api()
    dataset = api.action.package_create(
        name=name, title=title, notes="Conjunto para comprobar la caché de páginas.", owner_org=org_name,
        id_dataset=id_dataset, tema="finanzas", frecuencia="anual", responsable_nombre="Laura Pérez Gómez",
        responsable_correo="laura.perez@pueblacapital.gob.mx",
    )
    wait_for_validation(api, dataset["id"])
    api.action.workflow_demo_publish(id=dataset["id"])
    return dataset


def test_anonymous_pages_come_from_the_cache_until_a_dataset_changes(live_ckan):
    word = f"cachepagina{uuid.uuid4().hex[:8]}"
    org = live_ckan.api().action.organization_create(
        name=f"dep-{word}", title="Tesorería Municipal (caché)", id_dependencia=str(uuid.uuid4().int % 10**6),
        description="Dependencia de la prueba de la caché.")
    first = _published(live_ckan, org["name"], f"{word}-uno", f"Ingresos {word} uno", "1")
    search = f"{live_ckan.url}/dataset/?q={word}"

    miss = requests.get(search, timeout=60)
    hit = requests.get(search, timeout=60)
    assert (miss.status_code, miss.headers["X-Cache"]) == (200, "MISS")
    assert (hit.status_code, hit.headers["X-Cache"]) == (200, "HIT")
    assert hit.text == miss.text and first["title"] in hit.text

    # A dataset published meanwhile is on the very next page view.
    second = _published(live_ckan, org["name"], f"{word}-dos", f"Ingresos {word} dos", "2")
    after = requests.get(search, timeout=60)
    assert after.headers["X-Cache"] == "MISS"
    assert first["title"] in after.text and second["title"] in after.text

    # A dataset taken down is gone at once, page and API alike.
    page = f"{live_ckan.url}/dataset/{first['name']}"
    api_show = f"{live_ckan.url}/api/3/action/package_show?id={first['name']}"
    for url in (page, api_show):
        requests.get(url, timeout=60)
        assert requests.get(url, timeout=60).headers["X-Cache"] == "HIT"
    # (A published dataset is taken down by the sysadmin's reasoned deletion; purging it is refused.)
    live_ckan.api().action.package_delete(id=first["id"], motivo="Publicado por error: prueba de la caché.")
    assert requests.get(page, timeout=60).status_code == 404
    assert requests.get(api_show, timeout=60).json()["success"] is False
    assert first["title"] not in requests.get(search, timeout=60).text


def test_sessions_and_tokens_never_touch_the_cache(live_ckan):
    url = f"{live_ckan.url}/dataset/"
    requests.get(url, timeout=60)
    assert requests.get(url, timeout=60).headers["X-Cache"] == "HIT"  # anonymous: cached

    with_token = requests.get(url, headers={"Authorization": live_ckan.token}, timeout=60)
    with_cookie = requests.get(url, cookies={"ckan": "una-sesion"}, timeout=60)
    posted = requests.post(f"{live_ckan.url}/api/3/action/package_search", json={}, timeout=60)

    for response in (with_token, with_cookie, posted):
        assert response.status_code == 200
        assert "X-Cache" not in response.headers
    # The sysadmin's page is CKAN's own (his menu), not the anonymous one.
    assert live_ckan.sysadmin in with_token.text
