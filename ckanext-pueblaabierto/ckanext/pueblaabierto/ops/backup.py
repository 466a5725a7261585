"""Full backups of the portal: both databases and the uploaded files, verified and logged.

A backup is a folder ``<ruta>/<AAAAMMDDTHHMMSSZ>-completo/`` with

* ``ckan.dump`` and ``datastore.dump`` — ``pg_dump --format=custom`` of each database, taken
  in the same snapshot as the row counts of every table (``pg_export_snapshot``), so the counts
  in the manifest are exactly what the dump holds;
* ``archivos.tar`` — ``ckan.storage_path`` (uploaded resources, logos);
* ``manifiesto.json`` — row counts, SHA-256 of every dump and every uploaded file.

It is written under a hidden name and renamed at the end, so a backup cut short never shows up
as a backup. Full backups only: see the commit that introduced this module for why pg_dump and
not pgBackRest. Every operation is a line of the bitácora (:mod:`.bitacora`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import psycopg2
from psycopg2 import sql
from psycopg2.extensions import make_dsn, parse_dsn

from . import bitacora, maintenance

KIND_FULL = "completo"
DUMPS = {"ckan": "ckan.dump", "datastore": "datastore.dump"}
FILES_ARCHIVE = "archivos.tar"
MANIFEST = "manifiesto.json"
FREQUENCIES = ("diaria", "semanal", "mensual")
ON_DEMAND = "a petición"


class BackupError(Exception):
    """A backup operation failed in a way the operator can act on; the message (Spanish) says how."""


@dataclass
class Instance:
    """What to back up and where, from the CKAN configuration."""

    main_url: str
    datastore_url: str
    storage_path: Path
    backup_dir: Path
    admin_url: str
    system: str
    frequency: str
    retention: int
    ini: Path | None = None

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Instance:
        storage = config.get("ckan.storage_path")
        if not storage:
            raise BackupError("ckan.storage_path no está configurado: no se sabe dónde están los archivos subidos.")
        if not config.get("ckan.datastore.write_url"):
            raise BackupError("ckan.datastore.write_url no está configurado: falta la base del DataStore.")
        ini = config.get("__file__")
        return cls(
            main_url=config["sqlalchemy.url"],
            datastore_url=config["ckan.datastore.write_url"],
            storage_path=Path(storage),
            backup_dir=maintenance.backup_dir(config),
            admin_url=config.get("pueblaabierto.respaldo.admin_url") or config["sqlalchemy.url"],
            system=config.get("pueblaabierto.respaldo.sistema") or "Puebla Abierto",
            frequency=config.get("pueblaabierto.respaldo.frecuencia") or "diaria",
            retention=int(config.get("pueblaabierto.respaldo.retencion") or 14),
            ini=Path(ini) if ini else None,
        )

    def urls(self) -> dict[str, str]:
        return {"ckan": self.main_url, "datastore": self.datastore_url}

    @property
    def log(self) -> bitacora.Bitacora:
        return bitacora.Bitacora(self.backup_dir / bitacora.FILE_NAME)

    def location(self, folder: Path) -> str:
        return f"{socket.gethostname()}:{folder}"


# -- PostgreSQL helpers ------------------------------------------------------------------
def _libpq(url: str, **overrides: str) -> tuple[str, dict[str, str]]:
    """A conninfo without the password, and the environment that carries it (not visible in ps)."""
    params = parse_dsn(make_dsn(url, **overrides))
    password = params.pop("password", None)
    env = {**os.environ, **({"PGPASSWORD": password} if password else {})}
    return make_dsn(**params), env


def _dbname(url: str) -> str:
    return parse_dsn(make_dsn(url))["dbname"]


def _owner(url: str) -> str:
    return parse_dsn(make_dsn(url))["user"]


def _connect(url: str, **overrides: str):
    conn = psycopg2.connect(make_dsn(url, **overrides))
    conn.autocommit = True
    return conn


def _tool(name: str) -> str:
    """pg_dump / pg_restore of the server's major version when we can find it, else PATH's."""
    from ..embedded.errors import SetupError
    from ..embedded.services import find_postgres_bindir

    try:
        candidate = find_postgres_bindir() / name
        if candidate.exists():
            return str(candidate)
    except SetupError:
        pass
    found = shutil.which(name)
    if not found:
        raise BackupError(f"No se encontró {name}. Instálelo con: apt-get install postgresql-client")
    return found


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"Falló {what}:\n{result.stderr.strip()[-2000:]}")


def _count_rows(cur) -> dict[str, int]:
    """Exact row count of every table (not views) outside PostgreSQL's own schemas."""
    cur.execute(
        "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
        "AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1, 2"
    )
    counts = {}
    for schema, table in cur.fetchall():
        cur.execute(sql.SQL("SELECT count(*) FROM {}.{}").format(sql.Identifier(schema), sql.Identifier(table)))
        counts[f"{schema}.{table}"] = cur.fetchone()[0]
    return counts


def count_rows(url: str, **overrides: str) -> dict[str, int]:
    conn = _connect(url, **overrides)
    try:
        with conn.cursor() as cur:
            return _count_rows(cur)
    finally:
        conn.close()


def _dump(url: str, target: Path) -> dict[str, int]:
    """pg_dump in the snapshot where the rows are counted: counts and dump agree exactly."""
    conn = psycopg2.connect(url)
    try:
        conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with conn.cursor() as cur:
            cur.execute("SELECT pg_export_snapshot()")
            snapshot = cur.fetchone()[0]
            counts = _count_rows(cur)
            conninfo, env = _libpq(url)
            _run(
                [_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot}", f"--file={target}", conninfo],
                env,
                f"pg_dump de la base {_dbname(url)}",
            )
        conn.rollback()
    finally:
        conn.close()
    return counts


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _file_checksums(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {
        str(path.relative_to(root)): sha256(path) for path in sorted(root.rglob("*")) if path.is_file()
    }


# -- backups on disk ---------------------------------------------------------------------
@dataclass
class Backup:
    folder: Path

    @property
    def manifest(self) -> dict[str, Any]:
        return json.loads((self.folder / MANIFEST).read_text(encoding="utf-8"))

    @property
    def name(self) -> str:
        return self.folder.name

    def size(self) -> int:
        return sum(path.stat().st_size for path in self.folder.iterdir() if path.is_file())


def list_backups(instance: Instance) -> list[Backup]:
    """Completed backups, oldest first (half-written ones start with a dot and are skipped)."""
    if not instance.backup_dir.exists():
        return []
    return [
        Backup(folder)
        for folder in sorted(instance.backup_dir.iterdir())
        if folder.is_dir() and not folder.name.startswith(".") and (folder / MANIFEST).exists()
    ]


def find_backup(instance: Instance, name: str | None) -> Backup:
    backups = list_backups(instance)
    if not backups:
        raise BackupError(f"No hay respaldos en {instance.backup_dir}. Cree uno con: ckan pueblaabierto respaldo crear")
    if name is None or name == "ultimo":
        return backups[-1]
    for backup in backups:
        if backup.name == name or backup.folder == Path(name).resolve():
            return backup
    raise BackupError(
        f"No existe el respaldo «{name}» en {instance.backup_dir}. Vea los disponibles con: "
        "ckan pueblaabierto respaldo listar"
    )


def create(instance: Instance, *, frequency: str = ON_DEMAND) -> Backup:
    """A full backup, recorded in the bitácora; then the oldest beyond the retention are removed."""
    started = datetime.now(timezone.utc)
    name = started.strftime("%Y%m%dT%H%M%SZ") + f"-{KIND_FULL}"
    instance.backup_dir.mkdir(parents=True, exist_ok=True)
    final = instance.backup_dir / name
    partial = instance.backup_dir / f".{name}.parcial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(mode=0o700)
    try:
        databases: dict[str, dict[str, Any]] = {}
        for key, url in instance.urls().items():
            target = partial / DUMPS[key]
            counts = _dump(url, target)
            databases[key] = {"base": _dbname(url), "archivo": DUMPS[key], "sha256": sha256(target), "filas": counts}
        files = _file_checksums(instance.storage_path)
        with tarfile.open(partial / FILES_ARCHIVE, "w") as archive:
            if instance.storage_path.exists():
                archive.add(instance.storage_path, arcname=".")
        manifest = {
            "creado": started.isoformat(timespec="seconds"),
            "tipo": KIND_FULL,
            "frecuencia": frequency,
            "sistema": instance.system,
            "ubicacion": instance.location(final),
            "bases": databases,
            "archivos": {"archivo": FILES_ARCHIVE, "sha256": sha256(partial / FILES_ARCHIVE), "sumas": files},
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        partial.rename(final)
    except BaseException as error:
        shutil.rmtree(partial, ignore_errors=True)
        instance.log.record("respaldo", KIND_FULL, frequency, instance.system, instance.location(final), "FALLA",
                            str(error).splitlines()[0] if str(error) else type(error).__name__)
        raise
    backup = Backup(final)
    rows = sum(sum(db["filas"].values()) for db in databases.values())
    instance.log.record(
        "respaldo", KIND_FULL, frequency, instance.system, instance.location(final), "OK",
        f"{rows} filas en 2 bases, {len(files)} archivos, {backup.size()} bytes",
    )
    _apply_retention(instance)
    return backup


def _apply_retention(instance: Instance) -> None:
    backups = list_backups(instance)
    for old in backups[: max(len(backups) - instance.retention, 0)]:
        shutil.rmtree(old.folder)
        instance.log.record(
            "eliminación por retención", old.manifest.get("tipo", KIND_FULL), old.manifest.get("frecuencia", ""),
            instance.system, instance.location(old.folder), "OK",
            f"se conservan los {instance.retention} más recientes",
        )


# -- verification and restore ------------------------------------------------------------------
@dataclass
class Check:
    """What a verification found: empty ``problems`` means the backup is sound."""

    problems: list[str]
    tables: int = 0
    rows: int = 0
    files: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.ok:
            return (
                f"{self.tables} tablas y {self.rows} filas coinciden; "
                f"{self.files} archivos con la misma suma SHA-256"
            )
        return "; ".join(self.problems[:5]) + (f" (y {len(self.problems) - 5} más)" if len(self.problems) > 5 else "")


def _check_checksums(backup: Backup) -> list[str]:
    manifest = backup.manifest
    problems = []
    for entry in [*manifest["bases"].values(), manifest["archivos"]]:
        path = backup.folder / entry["archivo"]
        if not path.exists():
            problems.append(f"falta el archivo {entry['archivo']}")
        elif sha256(path) != entry["sha256"]:
            problems.append(f"{entry['archivo']} está dañado (su SHA-256 no coincide con el del manifiesto)")
    return problems


def _recreate_database(instance: Instance, name: str, owner: str) -> None:
    conn = _connect(instance.admin_url)
    try:
        with conn.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            cur.execute(
                sql.SQL("CREATE DATABASE {} OWNER {} ENCODING 'UTF8' TEMPLATE template0").format(
                    sql.Identifier(name), sql.Identifier(owner)
                )
            )
    finally:
        conn.close()


def _drop_database(instance: Instance, name: str) -> None:
    conn = _connect(instance.admin_url)
    try:
        with conn.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    finally:
        conn.close()


def _restore_into(instance: Instance, backup: Backup, suffix: str) -> dict[str, str]:
    """Each dump into a fresh ``<base><suffix>`` database; returns key -> that database's name."""
    created = {}
    for key, entry in backup.manifest["bases"].items():
        url = instance.urls()[key]
        scratch = f"{_dbname(url)}{suffix}"
        _recreate_database(instance, scratch, _owner(url))
        created[key] = scratch
        conninfo, env = _libpq(instance.admin_url, dbname=scratch)
        _run(
            [_tool("pg_restore"), "--exit-on-error", "--no-privileges", "--dbname", conninfo,
             str(backup.folder / entry["archivo"])],
            env,
            f"pg_restore de {entry['archivo']}",
        )
    return created


def _compare_rows(instance: Instance, backup: Backup, databases: dict[str, str], check: Check) -> None:
    for key, entry in backup.manifest["bases"].items():
        found = count_rows(instance.admin_url, dbname=databases[key])
        for table, expected in entry["filas"].items():
            check.tables += 1
            check.rows += expected
            if found.get(table) != expected:
                check.problems.append(
                    f"{entry['base']}: la tabla {table} tiene {found.get(table, 'ninguna')} filas restauradas, "
                    f"el respaldo dice {expected}"
                )


def _extract_and_compare(backup: Backup, target: Path, check: Check) -> None:
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    with tarfile.open(backup.folder / FILES_ARCHIVE) as archive:
        archive.extractall(target, filter="data")
    expected = backup.manifest["archivos"]["sumas"]
    found = _file_checksums(target)
    check.files = len(expected)
    for relpath, digest in expected.items():
        if found.get(relpath) != digest:
            check.problems.append(f"el archivo {relpath} no coincide con su suma SHA-256")
    for relpath in sorted(set(found) - set(expected)):
        check.problems.append(f"el archivo {relpath} sobra")


def verify(instance: Instance, backup: Backup) -> Check:
    """Restore into scratch databases and a scratch folder, compare counts and checksums, clean up."""
    check = Check(problems=_check_checksums(backup))
    if check.ok:
        scratch: dict[str, str] = {}
        try:
            scratch = _restore_into(instance, backup, "_verificacion")
            _compare_rows(instance, backup, scratch, check)
            with tempfile.TemporaryDirectory(prefix="verificacion-", dir=instance.backup_dir) as folder:
                _extract_and_compare(backup, Path(folder) / "archivos", check)
        except BackupError as error:
            check.problems.append(str(error))
        finally:
            for name in scratch.values():
                _drop_database(instance, name)
    instance.log.record(
        "verificación", backup.manifest["tipo"], backup.manifest["frecuencia"], instance.system,
        instance.location(backup.folder), "OK" if check.ok else "FALLA", check.summary(),
    )
    return check


def _swap_database(instance: Instance, current: str, restored: str, previous: str) -> None:
    """Close every connection to ``current``, keep it as ``previous`` and put ``restored`` in its place."""
    conn = _connect(instance.admin_url)
    try:
        with conn.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(previous)))
            cur.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(sql.Identifier(current)))
            cur.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (current,),
            )
            rename = sql.SQL("ALTER DATABASE {} RENAME TO {}")
            cur.execute(rename.format(sql.Identifier(current), sql.Identifier(previous)))
            cur.execute(rename.format(sql.Identifier(restored), sql.Identifier(current)))
    finally:
        conn.close()


def _datastore_permissions(instance: Instance, config: Mapping[str, Any]) -> None:
    """Database-level grants are not in a dump: give the read-only user its access again."""
    from ckanext.datastore.cli import permissions_sql

    read_url = config.get("ckan.datastore.read_url")
    if not read_url:
        return
    statements = permissions_sql(
        maindb=_dbname(instance.main_url),
        datastoredb=_dbname(instance.datastore_url),
        mainuser=_owner(instance.main_url),
        writeuser=_owner(instance.datastore_url),
        readuser=_owner(read_url),
    )
    statements = "\n".join(line for line in statements.splitlines() if not line.lstrip().startswith("\\connect"))
    conn = _connect(instance.admin_url, dbname=_dbname(instance.datastore_url))
    try:
        with conn.cursor() as cur:
            cur.execute(statements)
    finally:
        conn.close()


def restore(
    instance: Instance,
    backup: Backup,
    config: Mapping[str, Any],
    *,
    reindex: Callable[[], None],
    progress: Callable[[str], None] = lambda message: None,
) -> Check:
    """Put the portal back as it was when ``backup`` was taken.

    The dumps are restored and checked beside the live databases first; only a sound copy is
    swapped in, with the portal in maintenance (503) meanwhile. The replaced databases stay as
    ``<base>_antes_de_restaurar`` and the replaced files as ``<storage>.antes-de-restaurar``
    until the next restore, to go back by hand if needed.
    """
    location = instance.location(backup.folder)
    manifest = backup.manifest

    def record(result: str, detail: str) -> None:
        instance.log.record("restauración", manifest["tipo"], manifest["frecuencia"], instance.system, location,
                            result, detail)

    check = Check(problems=_check_checksums(backup))
    restored: dict[str, str] = {}
    staged_files = instance.storage_path.with_name(instance.storage_path.name + ".restaurando")
    try:
        if check.ok:
            progress("Restaurando las bases en copias aparte y comparando filas")
            restored = _restore_into(instance, backup, "_restauracion")
            _compare_rows(instance, backup, restored, check)
        if check.ok:
            progress("Extrayendo los archivos subidos y comparando sus sumas SHA-256")
            _extract_and_compare(backup, staged_files, check)
    except BackupError as error:
        check.problems.append(str(error))
    if not check.ok:
        for name in restored.values():
            _drop_database(instance, name)
        shutil.rmtree(staged_files, ignore_errors=True)
        record("FALLA", "no se tocó el portal: " + check.summary())
        return check

    flag = maintenance.flag_path(config)
    progress("Portal en mantenimiento: se cambian las bases y los archivos")
    maintenance.switch_on(flag, f"Se está restaurando el respaldo del {manifest['creado']}.")
    try:
        for key, url in instance.urls().items():
            current = _dbname(url)
            _swap_database(instance, current, restored[key], f"{current}_antes_de_restaurar")
        _datastore_permissions(instance, config)
        previous_files = instance.storage_path.with_name(instance.storage_path.name + ".antes-de-restaurar")
        shutil.rmtree(previous_files, ignore_errors=True)
        if instance.storage_path.exists():
            instance.storage_path.rename(previous_files)
        staged_files.rename(instance.storage_path)
        progress("Reconstruyendo el índice de búsqueda")
        reindex()
        after = Check(problems=[])
        for key, entry in manifest["bases"].items():
            found = count_rows(instance.urls()[key])
            for table, expected in entry["filas"].items():
                after.tables += 1
                if found.get(table) != expected:
                    after.problems.append(
                        f"{entry['base']}: {table} tiene {found.get(table)} filas, se esperaban {expected}"
                    )
        check.problems += after.problems
    except Exception as error:
        check.problems.append(f"la restauración se interrumpió: {error}")
        record("FALLA", check.summary() + ". El portal sigue en mantenimiento; revise y borre "
               f"{flag} cuando esté en orden.")
        raise BackupError(
            f"La restauración se interrumpió: {error}\nEl portal sigue en mantenimiento ({flag})."
        ) from error
    maintenance.switch_off(flag)
    record("OK" if check.ok else "FALLA", check.summary() + "; índice de búsqueda reconstruido")
    return check
