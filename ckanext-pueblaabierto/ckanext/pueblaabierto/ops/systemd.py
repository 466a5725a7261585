"""systemd units for one server: web server, jobs worker, and a backup timer.

The ``ExecStart`` lines are the command lines of :mod:`.server`, the very ones ``make portal``
and the end-to-end tests run, so what is deployed is what is tested. PostgreSQL and Redis are
the system's (``apt-get install postgresql redis-server``) or any others the ini points to.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from . import server

UNIT_DIR = Path("/etc/systemd/system")
WEB = "pueblaabierto-web.service"
WORKER = "pueblaabierto-trabajador.service"
BACKUP = "pueblaabierto-respaldo.service"
TIMER = "pueblaabierto-respaldo.timer"
CALENDAR = {"diaria": "*-*-* {hour}:00", "semanal": "Sun *-*-* {hour}:00", "mensual": "*-*-01 {hour}:00"}
_SAFE = re.compile(r"^[A-Za-z0-9_@%+=:,./-]+$")


def _quote(arg: str) -> str:
    """systemd's command-line quoting (double quotes, backslash escapes; ``%`` doubled)."""
    arg = arg.replace("%", "%%")
    if _SAFE.match(arg):
        return arg
    return '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'


def exec_line(command: list[str]) -> str:
    return " ".join(_quote(arg) for arg in command)


def _service(description: str, user: str, workdir: Path, commands: list[list[str]], *, oneshot: bool = False) -> str:
    lines = [
        "[Unit]",
        f"Description={description}",
        "After=network-online.target postgresql.service redis-server.service",
        "Wants=network-online.target",
        "",
        "[Service]",
        f"Type={'oneshot' if oneshot else 'simple'}",
        f"User={user}",
        f"Group={user}",
        f"WorkingDirectory={workdir}",
        "Environment=PYTHONUNBUFFERED=1",
        "Environment=PYTHONWARNINGS=ignore",
        *[f"ExecStart={exec_line(command)}" for command in commands],
    ]
    if not oneshot:
        # Back after a crash or a kill; SIGTERM lets gunicorn and rq finish the current request/job.
        lines += ["Restart=always", "RestartSec=3", "TimeoutStopSec=45"]
    lines += ["NoNewPrivileges=yes", "PrivateTmp=yes", "ProtectSystem=full"]
    if not oneshot:
        lines += ["", "[Install]", "WantedBy=multi-user.target"]
    return "\n".join(lines) + "\n"


def units(ini: Path, *, user: str, bind: str, workers: int | None = None) -> dict[str, str]:
    """File name -> contents of the four units, for the CKAN configured in ``ini``."""
    ini = Path(ini).resolve()
    ckan = str(server.bin_dir() / "ckan")
    frequency = server.read_option(ini, "pueblaabierto.respaldo.frecuencia", "diaria")
    hour = server.read_option(ini, "pueblaabierto.respaldo.hora", "02:30")
    if frequency not in CALENDAR or not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", hour):
        raise ValueError(
            f"pueblaabierto.respaldo.frecuencia debe ser diaria, semanal o mensual (es «{frequency}») "
            f"y pueblaabierto.respaldo.hora HH:MM (es «{hour}»)."
        )
    return {
        WEB: _service(
            "Puebla Abierto: servidor web (gunicorn + CKAN)", user, ini.parent,
            [server.web_command(ini, bind, workers=workers)],
        ),
        WORKER: _service(
            "Puebla Abierto: trabajador de tareas de CKAN", user, ini.parent, [server.worker_command(ini)]
        ),
        BACKUP: _service(
            "Puebla Abierto: respaldo completo programado y su verificación", user, ini.parent,
            [
                [ckan, "-c", str(ini), "pueblaabierto", "respaldo", "crear", "--programado"],
                [ckan, "-c", str(ini), "pueblaabierto", "respaldo", "verificar", "ultimo"],
            ],
            oneshot=True,
        ),
        TIMER: "\n".join([
            "[Unit]",
            f"Description=Puebla Abierto: respaldo {frequency} a las {hour}",
            "",
            "[Timer]",
            f"OnCalendar={CALENDAR[frequency].format(hour=hour)}",
            "Persistent=true",  # a backup missed while the server was off runs at the next boot
            f"Unit={BACKUP}",
            "",
            "[Install]",
            "WantedBy=timers.target",
        ]) + "\n",
    }


def write(target: Path, contents: dict[str, str]) -> list[Path]:
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in contents.items():
        path = target / name
        path.write_text(text, encoding="utf-8")
        path.chmod(0o644)
        written.append(path)
    return written


def enable() -> None:
    """Reload systemd and start the web server, the worker and the timer now and at every boot."""
    systemctl = shutil.which("systemctl")
    if not systemctl:
        raise FileNotFoundError("systemctl")
    subprocess.run([systemctl, "daemon-reload"], check=True)
    subprocess.run([systemctl, "enable", "--now", WEB, WORKER, TIMER], check=True)


def exec_commands(unit_text: str) -> list[str]:
    """The ``ExecStart`` lines of a unit (what systemd would run), for tests and ``--mostrar``."""
    return [line.split("=", 1)[1] for line in unit_text.splitlines() if line.startswith("ExecStart=")]
