"""``python -m ckanext.pueblaabierto.ops.supervise``: the web server and the jobs worker, kept alive.

What systemd's ``Restart=always`` does on a server, for ``make portal`` and the end-to-end tests
where there is no systemd: start the two programs of :mod:`.server`, start again whichever dies,
stop both on SIGTERM/SIGINT or when the process that started us goes away. Gives up (exit 1)
when a program keeps dying right after starting, so a broken configuration is reported instead
of looping. The current process ids are kept in ``--estado`` (JSON) for ``make status`` and tests.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import click

from . import server

CRASH_WINDOW = 60.0  # seconds
MAX_CRASHES = 5  # in CRASH_WINDOW before giving up


@dataclass
class Program:
    name: str
    command: list[str]
    process: subprocess.Popen | None = None
    started: float = 0.0
    crashes: list[float] = field(default_factory=list)


class Supervisor:
    def __init__(self, programs: list[Program], *, log_file: Path, state_file: Path | None, cwd: Path) -> None:
        self.programs = programs
        self.log_file = log_file
        self.state_file = state_file
        self.cwd = cwd
        self.stopping = False
        self.stop_signal = signal.SIGTERM
        self.parent = os.getppid()

    def _say(self, message: str) -> None:
        with open(self.log_file, "a", encoding="utf-8") as log:
            log.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} [supervisor] {message}\n")

    def _spawn(self, program: Program) -> None:
        log = open(self.log_file, "ab")  # noqa: SIM115  (the child keeps it)
        # Its own process group, like a systemd unit's control group: when gunicorn's master dies
        # its orphaned workers are killed with it, so the port is free for the new master.
        program.process = subprocess.Popen(
            program.command,
            cwd=self.cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **server.quiet_environment()},
            start_new_session=True,
        )
        log.close()
        program.started = time.monotonic()
        self._say(f"{program.name} iniciado (pid {program.process.pid})")
        self._write_state()

    def _write_state(self) -> None:
        if self.state_file:
            state = {"supervisor": os.getpid()}
            state.update({p.name: p.process.pid for p in self.programs if p.process and p.process.poll() is None})
            self.state_file.write_text(json.dumps(state))

    def _request_stop(self, signum, frame) -> None:
        # Ctrl-C (SIGINT) is passed on: gunicorn then stops at once instead of draining requests.
        self.stop_signal = signal.SIGINT if signum == signal.SIGINT else signal.SIGTERM
        self.stopping = True

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._request_stop)
        signal.signal(signal.SIGINT, self._request_stop)
        for program in self.programs:
            self._spawn(program)
        code = 0
        while not self.stopping:
            if os.getppid() != self.parent:
                self._say("el proceso que nos inició terminó; se detiene todo")
                break
            for program in self.programs:
                assert program.process is not None
                returned = program.process.poll()
                if returned is None:
                    continue
                now = time.monotonic()
                program.crashes = [t for t in program.crashes if now - t < CRASH_WINDOW] + [now]
                if len(program.crashes) >= MAX_CRASHES:
                    self._say(f"{program.name} terminó {MAX_CRASHES} veces en {int(CRASH_WINDOW)} s; se detiene todo")
                    code = 1
                    self.stopping = True
                    break
                _signal_group(program.process.pid, signal.SIGKILL)
                self._say(f"{program.name} terminó (código {returned}); se reinicia")
                time.sleep(min(2 ** (len(program.crashes) - 1), 10) * 0.5)
                self._spawn(program)
            time.sleep(0.2)
        self._stop_all()
        return code

    def _stop_all(self) -> None:
        running = [p.process for p in self.programs if p.process and p.process.poll() is None]
        for process in running:
            process.send_signal(self.stop_signal)  # on SIGTERM gunicorn and rq finish the current request/job
        deadline = time.monotonic() + 40
        for process in running:
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for program in self.programs:
            if program.process:
                _signal_group(program.process.pid, signal.SIGKILL)  # anything left behind
        if self.state_file:
            self.state_file.unlink(missing_ok=True)
        self._say("detenido")


def _signal_group(pgid: int, signum: int) -> None:
    try:
        os.killpg(pgid, signum)
    except (ProcessLookupError, PermissionError):
        pass


@click.command()
@click.option("--ini", "ini", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--bind", required=True, help="host:puerto del servidor web")
@click.option("--log", "log_file", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--estado", "state_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--sin-trabajador", is_flag=True, help="Solo el servidor web.")
def main(ini: Path, bind: str, log_file: Path, state_file: Path | None, sin_trabajador: bool) -> None:
    """Servidor web (gunicorn) y trabajador de tareas de CKAN, reiniciados si terminan."""
    programs = [Program("web", server.web_command(ini, bind))]
    if not sin_trabajador:
        programs.append(Program("trabajador", server.worker_command(ini)))
    supervisor = Supervisor(programs, log_file=log_file, state_file=state_file, cwd=ini.resolve().parent)
    sys.exit(supervisor.run())


if __name__ == "__main__":
    main()
