"""Backups of a project's store and their restoration: one ``.qcbackup`` file, whatever the database.

A backup is a gzip'd tar holding ``manifest.json`` (the project's name and creation stamp, which identify it,
the schema revision, the reason, the time) and the data: ``project.db``, a copy made with SQLite's online
backup API (consistent while others keep working), or ``database.sql`` from ``pg_dump`` for PostgreSQL.
Restoring refuses a backup of a newer schema than this qualcoder knows or of another project, backs the
current state up first, then replaces the store in one step (SQLite's backup API into the live file; one
``psql --single-transaction`` for PostgreSQL) and migrates it to the current schema.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from qualcoder.errors import BackupFailed, InvalidBackup, RestoreRefused
from qualcoder.store.database import _config, current_revision, head_revision, upgrade

SUFFIX = ".qcbackup"
FORMAT = "qualcoder-backup/1"
KEEP_AUTOMATIC = 10  # automatic backups (before destructive commands) kept per project; manual ones are never pruned
MAX_MANIFEST_BYTES = 1024 * 1024
_DATA = {"sqlite": "project.db", "postgresql": "database.sql"}


def default_path(folder: Path, reason: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    slug = re.sub(r"[^a-z0-9]+", "-", reason.lower()).strip("-")[:40] or "backup"
    return folder / "backups" / f"{stamp}-{slug}{SUFFIX}"


def write_backup(engine: Engine, identity: dict[str, str], output: Path, reason: str) -> Path:
    """Write a backup of ``engine``'s database to ``output`` (a temporary name first: never half-written)."""
    output = Path(output)
    if output.is_dir():
        raise BackupFailed("the output is a folder", place=output, fix=f"Give a file name, e.g. study{SUFFIX}.")
    output.parent.mkdir(parents=True, exist_ok=True)
    dialect = engine.dialect.name
    manifest = {"format": FORMAT, **identity, "schema_revision": current_revision(engine), "dialect": dialect,
                "reason": reason, "created_at": datetime.now().isoformat(timespec="seconds")}
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".backup-") as work:
        data = Path(work) / _DATA[dialect]
        if dialect == "sqlite":
            _sqlite_copy(Path(engine.url.database), data)
        else:
            _pg_dump(engine, data)
        partial = Path(work) / "backup.part"
        with tarfile.open(partial, "w:gz", compresslevel=1) as archive:
            payload = json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8")
            info = tarfile.TarInfo("manifest.json")
            info.size = len(payload)
            archive.addfile(info, io.BytesIO(payload))
            archive.add(data, arcname=data.name)
        os.replace(partial, output)
    return output


def prune_automatic(folder: Path, keep: int = KEEP_AUTOMATIC) -> None:
    """Keep the ``keep`` newest automatic backups in ``folder`` (names sort by time; manual ones stay)."""
    automatic = sorted(p for p in folder.glob(f"*{SUFFIX}") if not p.name.endswith(f"-manual{SUFFIX}"))
    for old in automatic[:-keep] if keep else automatic:
        old.unlink(missing_ok=True)


def read_manifest(path: Path) -> dict:
    """The manifest of a backup file; raise ``InvalidBackup`` when it is not one."""
    path = Path(path)
    if not path.is_file():
        raise InvalidBackup("no such backup file", place=path, fix="Give the path of a .qcbackup file.")
    try:
        with tarfile.open(path, "r:gz") as archive:
            member = archive.getmember("manifest.json")
            if not member.isfile() or member.size > MAX_MANIFEST_BYTES:
                raise InvalidBackup("its manifest is not a small file", place=path, fix=_NOT_A_BACKUP)
            manifest = json.loads(archive.extractfile(member).read())
    except (tarfile.TarError, KeyError, OSError, EOFError, ValueError) as exc:
        raise InvalidBackup(f"it is not a qualcoder backup ({type(exc).__name__}: {exc})", place=path,
                            fix=_NOT_A_BACKUP) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise InvalidBackup("it is not a qualcoder backup (no qualcoder-backup/1 manifest)", place=path,
                            fix=_NOT_A_BACKUP)
    return manifest


def check_restorable(manifest: dict, path: Path, engine: Engine, identity: dict[str, str], empty: bool) -> None:
    """Refuse a backup of another database kind, of a schema this qualcoder does not know, or of another project."""
    dialect = engine.dialect.name
    if manifest.get("dialect") != dialect:
        raise RestoreRefused(f"it is a backup of a {manifest.get('dialect')} project and this project is on {dialect}",
                             place=path, fix="Restore it into a project on the same kind of database.")
    revision = manifest.get("schema_revision")
    known = {script.revision for script in ScriptDirectory.from_config(_config()).walk_revisions()}
    if revision not in known:
        raise RestoreRefused(f"it was made with a newer schema ({revision}) than this qualcoder knows "
                             f"(up to {head_revision()})", place=path,
                             fix="Upgrade qualcoder (pip install -U qualcoder), then restore it.")
    theirs = (manifest.get("project"), manifest.get("created"))
    ours = (identity["project"], identity["created"])
    if theirs != ours and not empty:
        raise RestoreRefused(f"it is a backup of another project ({theirs[0]!r}, created {theirs[1]}), and this "
                             f"project ({ours[0]!r}, created {ours[1]}) holds documents", place=path,
                             fix="Restore it into a new, empty project: `qualcoder init NEW`, then "
                                 "`qualcoder restore FILE -p NEW`.")


def restore_backup(engine: Engine, path: Path) -> None:
    """Replace ``engine``'s database with the backup's, in one step, then migrate it to the current schema."""
    path = Path(path)
    dialect = engine.dialect.name
    with tempfile.TemporaryDirectory(prefix="qualcoder-restore-") as work:
        data = Path(work) / _DATA[dialect]
        try:
            with tarfile.open(path, "r:gz") as archive:
                member = archive.getmember(_DATA[dialect])
                if not member.isfile():
                    raise InvalidBackup("its data member is not a file", place=path, fix=_NOT_A_BACKUP)
                with archive.extractfile(member) as source, data.open("wb") as target:  # by name, never by path
                    shutil.copyfileobj(source, target, 1 << 20)
        except (tarfile.TarError, KeyError, EOFError, OSError) as exc:
            if isinstance(exc, OSError) and exc.errno is not None:
                raise
            raise InvalidBackup(f"its data cannot be read ({type(exc).__name__}: {exc})", place=path,
                                fix=_NOT_A_BACKUP) from exc
        if dialect == "sqlite":
            engine.dispose()
            _sqlite_copy(data, Path(engine.url.database))
        else:
            _psql_restore(engine, data)
    engine.dispose()
    upgrade(engine)


def _sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's online backup API: a consistent copy even while other connections write."""
    src = dst = None
    try:
        src = sqlite3.connect(source)
        if src.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise sqlite3.DatabaseError("quick_check failed")
        dst = sqlite3.connect(target, timeout=30)
        src.backup(dst)
    except sqlite3.DatabaseError as exc:
        full = "full" in str(exc)
        raise (BackupFailed if full else InvalidBackup)(
            f"the database cannot be copied ({exc})", place=source,
            fix="Free some disk space and try again." if full else "The file is damaged: use another backup.") from exc
    finally:
        for connection in (src, dst):
            if connection is not None:
                connection.close()


def _libpq_url(engine: Engine) -> str:
    return make_url(engine.url).set(drivername="postgresql").render_as_string(hide_password=False)


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupFailed(f"{name} is not installed", place="PostgreSQL backup",
                           fix="Install the client of your server's version, e.g. "
                               "`apt-get install postgresql-client-15`.")
    return found


def _pg_dump(engine: Engine, target: Path) -> None:
    command = [_pg_tool("pg_dump"), "--format=plain", "--no-owner", "--no-privileges", f"--file={target}",
               f"--dbname={_libpq_url(engine)}"]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        reason = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"
        raise BackupFailed(f"pg_dump failed ({reason})", place=engine.url.render_as_string(hide_password=True),
                           fix="If it names a version mismatch, install the postgresql-client of the server's "
                               "version; otherwise check that the server runs.")


def _psql_restore(engine: Engine, dump: Path) -> None:
    script = dump.with_suffix(".restore.sql")
    with script.open("w", encoding="utf-8") as out:
        out.write("DROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n")
        out.write(f"\\i {dump}\n")
    engine.dispose()  # our own pooled connections would hold locks on the tables dropped
    command = [_pg_tool("psql"), "--quiet", "--no-psqlrc", "--single-transaction", "-v", "ON_ERROR_STOP=1",
               f"--file={script}", f"--dbname={_libpq_url(engine)}"]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        reason = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"
        raise BackupFailed(f"the restore failed and was rolled back ({reason})",
                           place=engine.url.render_as_string(hide_password=True),
                           fix="Nothing was changed. Close the explorer and other sessions on this database, "
                               "then try again.")


_NOT_A_BACKUP = f"Give a {SUFFIX} file written by `qualcoder backup` (or found in the project's backups/ folder)."
