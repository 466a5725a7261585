"""How long the README's two commands take on a fresh clone: make portal (first run and re-run), make test.

    python3 benchmarks/setup/run.py            # appends a row to benchmarks/setup/RESULTS.md

The clone uses its own ports so it can run next to a portal that is already up. The first
`make portal` includes creating .venv and installing every dependency (pip's cache may be warm).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from machine import describe, now  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
PORTS = {
    "PUEBLAABIERTO_PG_PORT": "55532",
    "PUEBLAABIERTO_REDIS_PORT": "56479",
    "PUEBLAABIERTO_SMTP_PORT": "58125",
    "PUEBLAABIERTO_CKAN_PORT": "5099",
}


def time_portal(clone: Path, env: dict[str, str]) -> float:
    """Seconds from `make portal` to the portal announcing it is up (then stop it like Ctrl-C)."""
    start = time.monotonic()
    process = subprocess.Popen(
        ["make", "portal"],
        cwd=clone,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    seen: list[str] = []
    for line in process.stdout:
        seen.append(line)
        if "Puebla Abierto está en" in line:
            elapsed = time.monotonic() - start
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=60)
            return elapsed
    tail = "".join(seen[-30:])
    raise SystemExit(f"{tail}\nmake portal terminó sin levantar el portal (código {process.wait()})")


def main() -> None:
    clone = Path(tempfile.mkdtemp(prefix="pueblaabierto-bench-", dir="/var/tmp"))
    os.chmod(clone, 0o755)  # noqa: S103  (PostgreSQL runs as another user and must enter the clone)
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    env = {**os.environ, **PORTS}
    try:
        first = time_portal(clone, env)
        again = time_portal(clone, env)
        start = time.monotonic()
        tests = subprocess.run(["make", "test"], cwd=clone, env=env, capture_output=True, text=True)
        test_seconds = time.monotonic() - start
        summary = (tests.stdout.strip().splitlines() or ["?"])[-1]
    finally:
        subprocess.run(["make", "stop"], cwd=clone, env=env, capture_output=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    row = (
        f"| {now()} | {commit.stdout.strip()} | {describe()} | {first:.0f} s | {again:.0f} s | "
        f"{test_seconds:.0f} s ({summary}) |\n"
    )
    results = Path(__file__).with_name("RESULTS.md")
    if not results.exists():
        results.write_text(
            "# make portal y make test en un clon nuevo\n\n"
            "| Fecha | Commit | Máquina | make portal (1.ª vez) | make portal (de nuevo) | make test |\n"
            "|---|---|---|---|---|---|\n"
        )
    with results.open("a") as handle:
        handle.write(row)
    print(row, end="")


if __name__ == "__main__":
    main()
