"""Engines and migrations: SQLite by default, PostgreSQL by URL; SQLite is backed up before a migration."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from qualcoder.errors import DatabaseUnavailable, MigrationFailed

MIGRATIONS = Path(__file__).parent / "migrations"


def normalise_url(url: str) -> str:
    """``postgresql://`` uses psycopg 3, the driver qualcoder installs.

    >>> normalise_url("postgresql://127.0.0.1/test")
    'postgresql+psycopg://127.0.0.1/test'
    """
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseUnavailable(
            f"cannot connect to the database ({reason})",
            place=make_url(url).render_as_string(hide_password=True),
            fix="Check that the server runs and the URL is right (postgresql://HOST:PORT/DATABASE).",
        ) from exc
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _config():
    from alembic.config import Config  # alembic is imported when a project is opened, not when qualcoder starts

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, target: str = "head") -> Path | None:
    """Bring the schema to ``target`` (the newest revision); return the SQLite backup made first, if any."""
    current = current_revision(engine)
    if current == (head_revision() if target == "head" else target):
        return None
    from alembic import command

    backup = _backup_sqlite(engine, current) if current is not None else None
    config = _config()
    try:
        with engine.connect() as connection:
            sqlite = engine.dialect.name == "sqlite"
            if sqlite:  # recreating a table must not cascade-delete its children (and SQLite ignores this in a transaction)
                connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
                connection.commit()
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, target)
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                    raise MigrationFailed("the migrated tables break a foreign key", place=str(engine.url))
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()
    except Exception as exc:
        raise MigrationFailed(
            f"the migration from {current} to {head_revision()} failed ({exc})",
            place=engine.url.render_as_string(hide_password=True),
            fix=f"Nothing was changed{'; a backup is at ' + str(backup) if backup else ''}. Report this error.",
        ) from exc
    return backup


def _backup_sqlite(engine: Engine, revision: str) -> Path | None:
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    source = Path(database)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = source.with_name(f"{source.name}.bak-{revision}-{stamp}")
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target
