"""What a person sees from `make portal` / `make stop` when something is in the way."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys

import pytest
from ckanext.pueblaabierto.embedded import credentials
from ckanext.pueblaabierto.embedded.errors import SetupError
from ckanext.pueblaabierto.embedded.services import Mailbox, Redis


@pytest.fixture
def busy_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def run_embedded(*args: str, root, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ckanext.pueblaabierto.embedded", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PUEBLAABIERTO_ROOT": str(root), **env},
        timeout=120,
    )


def test_busy_postgres_port_stops_with_a_spanish_hint_and_no_traceback(tmp_path, busy_port):
    result = run_embedded("portal", root=tmp_path, PUEBLAABIERTO_PG_PORT=str(busy_port))
    assert result.returncode == 1
    assert f"El puerto {busy_port} que necesita PostgreSQL ya está ocupado" in result.stderr
    assert "PUEBLAABIERTO_PG_PORT" in result.stderr  # how to fix it
    assert "Traceback" not in result.stderr
    assert not (tmp_path / ".var" / "postgres" / "PG_VERSION").exists()  # nothing half-made


def test_busy_redis_port_is_refused(tmp_path, busy_port):
    redis = Redis(
        data_dir=tmp_path / "redis", pid_file=tmp_path / "redis.pid", log_file=tmp_path / "redis.log", port=busy_port
    )
    with pytest.raises(SetupError, match="ya está ocupado"):
        redis.start()


def test_stop_when_nothing_runs_says_so(tmp_path):
    result = run_embedded("stop", root=tmp_path)
    assert result.returncode == 0
    assert "No había servicios en marcha." in result.stdout


def test_credentials_file_is_shell_sourceable(tmp_path):
    path = tmp_path / "credentials"
    token = "eyJ0eXAiOiJKV1QifQ.eyJqdGkiOiJhYmMxMjMiLCJpYXQiOjF9.firma"
    values = {
        "CKAN_URL": "http://127.0.0.1:5000",
        "CKAN_SYSADMIN": "admin",
        "CKAN_PASSWORD": "a b'c",
        "CKAN_API_TOKEN": token,
    }
    credentials.write(path, values)

    assert credentials.read(path) == values
    shell = subprocess.run(
        ["bash", "-c", f"source {path} && printf '%s|%s' \"$CKAN_PASSWORD\" \"$CKAN_API_TOKEN\""],
        capture_output=True,
        text=True,
        check=True,
    )
    assert shell.stdout == f"a b'c|{token}"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert credentials.token_id(token) == "abc123"
    assert credentials.token_id("no-es-jwt") is None


def test_the_local_mailbox_keeps_what_the_portal_sends(tmp_path):
    import email
    import email.policy
    import smtplib
    from email.message import EmailMessage

    from tests.live_ckan import free_port

    mailbox = Mailbox(
        maildir=tmp_path / "correo", pid_file=tmp_path / "correo.pid", log_file=tmp_path / "correo.log",
        port=free_port(),
    )
    mailbox.start()
    try:
        message = EmailMessage()
        message["From"], message["To"] = "datosabiertos@pueblacapital.gob.mx", "seguridad@pueblacapital.gob.mx"
        message["Subject"] = "Conjunto en revisión: Obra pública 2024"
        message.set_content("Tiene un conjunto de datos pendiente de revisión.")
        with smtplib.SMTP("127.0.0.1", mailbox.port) as smtp:
            smtp.send_message(message)
        [kept] = (tmp_path / "correo" / "new").iterdir()
        received = email.message_from_bytes(kept.read_bytes(), policy=email.policy.default)
        assert received["Subject"] == "Conjunto en revisión: Obra pública 2024"
        assert "pendiente de revisión" in received.get_content()
    finally:
        assert mailbox.stop()
    assert not mailbox.is_running()


@pytest.mark.skipif(os.geteuid() != 0, reason="only root runs PostgreSQL as another user")
def test_postgres_runs_even_when_its_user_cannot_enter_the_checkout(tmp_path):
    """A clone in a private folder (CI, /root): the cluster lives in /var/tmp, linked from .var/."""
    from ckanext.pueblaabierto.embedded.services import Postgres

    from tests.live_ckan import free_port

    tmp_path.chmod(0o700)
    var = tmp_path / ".var"
    postgres = Postgres(
        data_dir=var / "postgres", socket_dir=var / "run" / "postgres", log_file=var / "log" / "postgres.log",
        port=free_port(), superuser_password="clave-de-prueba",
    )
    try:
        postgres.start()
        conn = postgres.connect()
        with conn.cursor() as cur:
            cur.execute("SELECT 1")
            assert cur.fetchone() == (1,)
        conn.close()
        assert (var / "postgres").is_symlink()
        assert (var / "postgres" / "PG_VERSION").exists()
    finally:
        postgres.stop()
        shutil.rmtree(postgres.data_dir.parent, ignore_errors=True)


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def test_make_test_stops_only_the_services_its_test_env_started(tmp_path):
    from ckanext.pueblaabierto.embedded.services import port_is_busy

    pg, redis_port, smtp = _free_ports(3)
    ports = {"PUEBLAABIERTO_PG_PORT": str(pg), "PUEBLAABIERTO_REDIS_PORT": str(redis_port),
             "PUEBLAABIERTO_SMTP_PORT": str(smtp)}
    try:
        started = run_embedded("test-env", root=tmp_path, **ports)
        assert started.returncode == 0, started.stderr
        assert all(port_is_busy(port) for port in (pg, redis_port, smtp))

        # A «make portal» running meanwhile (its supervisor is alive) keeps them.
        state = tmp_path / ".var" / "run" / "portal.json"
        state.write_text(f'{{"supervisor": {os.getpid()}}}')
        kept = run_embedded("stop", "--los-de-la-prueba", root=tmp_path, **ports)
        assert kept.returncode == 0 and all(port_is_busy(port) for port in (pg, redis_port, smtp))

        # Without it, the next test run that started them stops them: the ports are free again.
        state.unlink()
        run_embedded("test-env", root=tmp_path, **ports)  # finds them running: starts nothing
        marker = tmp_path / ".var" / "run" / "servicios-de-prueba"
        assert not marker.exists(), "services found running are not the test run's to stop"
        run_embedded("stop", root=tmp_path, **ports)
        run_embedded("test-env", root=tmp_path, **ports)
        stopped = run_embedded("stop", "--los-de-la-prueba", root=tmp_path, **ports)
        assert "PostgreSQL" in stopped.stdout and "Redis" in stopped.stdout
        assert not any(port_is_busy(port) for port in (pg, redis_port, smtp))
    finally:
        run_embedded("stop", root=tmp_path, **ports)
