"""The HTTP client: transient errors are retried with back-off, permanent ones explained in Spanish."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pueblaabierto.publish.client import Portal, PortalError


class FlakyCKAN(BaseHTTPRequestHandler):
    """Answers 503 (a restarting CKAN behind its proxy) a given number of times, then success."""

    failures = 0
    seen: list[str] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        FlakyCKAN.seen.append(self.headers.get("Authorization", ""))
        if FlakyCKAN.failures > 0:
            FlakyCKAN.failures -= 1
            self.send_response(503)
            self.end_headers()
            self.wfile.write(b"<html>Service Unavailable</html>")
            return
        body = json.dumps({"success": True, "result": {"ok": True}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def flaky():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FlakyCKAN)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FlakyCKAN.seen = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_transient_errors_are_retried_with_growing_waits(flaky):
    FlakyCKAN.failures = 2
    waits: list[float] = []
    portal = Portal(flaky, "secreto", attempts=4, backoff=0.5, sleep=waits.append)
    assert portal.call("package_patch", id="x") == {"ok": True}
    assert waits == [0.5, 1.0]
    assert len(FlakyCKAN.seen) == 3
    assert portal.writes == 1  # one logical write, however many attempts


def test_persistent_unavailability_becomes_a_spanish_error_without_the_token(flaky):
    FlakyCKAN.failures = 10
    portal = Portal(flaky, "secreto-que-no-se-muestra", attempts=3, backoff=0, sleep=lambda _s: None)
    with pytest.raises(PortalError) as error:
        portal.call("status_show")
    assert error.value.message.startswith(f"No se pudo conectar con el portal en {flaky}")
    assert "HTTP 503" in error.value.message
    assert "secreto-que-no-se-muestra" not in error.value.message
    assert "secreto-que-no-se-muestra" not in repr(portal)


def test_a_create_refused_with_503_is_retried(flaky):
    """503 means CKAN did not process the request, so even a create may be sent again."""
    FlakyCKAN.failures = 1
    portal = Portal(flaky, "t", attempts=4, backoff=0, sleep=lambda _s: None)
    assert portal.call("resource_create", package_id="x") == {"ok": True}
    assert len(FlakyCKAN.seen) == 2


def test_lost_connection_during_a_create_is_reported_not_retried(flaky, monkeypatch):
    """A timeout may come after CKAN created the resource: repeating would duplicate it."""
    import requests
    from pueblaabierto.publish import client

    calls: list[str] = []

    def reset(*args, **kwargs):
        calls.append("post")
        raise requests.exceptions.ReadTimeout("read timed out")

    portal = Portal(flaky, "t", attempts=4, backoff=0, sleep=lambda _s: None)
    monkeypatch.setattr(requests.Session, "post", reset)
    with pytest.raises(client.PortalError) as error:
        portal.call("resource_create", package_id="x")
    assert calls == ["post"]
    assert "vuelva a ejecutar el comando" in error.value.message
    calls.clear()
    with pytest.raises(client.PortalError):
        portal.call("resource_patch", id="x")  # idempotent: retried up to the limit
    assert calls == ["post"] * 4
