"""Every table of a store passed through a function, row by row: into another store (a copy) or back into the
same one (in place), in one transaction either way, so a failure leaves nothing half-written.

``transform(table_name, row) -> row | None`` returns the row to write (None: leave it out). Tables the caller
names in ``drop`` are not copied (in place: emptied). Used by ``qualcoder.privacy.apply``.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, delete, insert, select, text, update

from qualcoder.store.tables import Base

Transform = Callable[[str, dict], dict | None]
BATCH = 2000


def _tables():
    return [table for table in Base.metadata.sorted_tables if table.name != "alembic_version"]


def copy_store(source: Engine, target: Engine, transform: Transform, drop: Callable[[str], bool],
               progress: Callable[[str, int, int], None] | None = None) -> dict[str, int]:
    """Copy every table of ``source`` into the empty store ``target`` through ``transform``; rows per table."""
    tables = _tables()
    counts: dict[str, int] = {}
    with source.connect() as reader, target.begin() as writer:
        for table in reversed(tables):  # whatever the new store was created with (default settings) goes first
            writer.execute(delete(table))
        for done, table in enumerate(tables, start=1):
            if drop(table.name):
                continue
            batch, count = [], 0
            for row in reader.execute(select(table).order_by(*table.primary_key.columns)):
                written = transform(table.name, dict(row._mapping))
                if written is not None:
                    batch.append(written)
                if len(batch) >= BATCH:
                    writer.execute(insert(table), batch)
                    count, batch = count + len(batch), []
            if batch:
                writer.execute(insert(table), batch)
                count += len(batch)
            counts[table.name] = count
            if progress:
                progress("copy", done, len(tables))
        if target.dialect.name == "postgresql":
            for table in tables:
                if "id" in table.columns and not drop(table.name):
                    writer.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                        f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))
    return counts


def rewrite_store(engine: Engine, transform: Transform, drop: Callable[[str], bool],
                  progress: Callable[[str, int, int], None] | None = None) -> dict[str, int]:
    """Rewrite every row of ``engine``'s store through ``transform`` in place, in one transaction; rows changed."""
    tables = _tables()
    counts: dict[str, int] = {}
    with engine.begin() as connection:
        for done, table in enumerate(tables, start=1):
            if drop(table.name):
                counts[table.name] = connection.execute(delete(table)).rowcount
                continue
            keys = list(table.primary_key.columns)
            changed = 0
            for row in connection.execute(select(table).order_by(*keys)).mappings().all():
                row = dict(row)
                written = transform(table.name, dict(row))
                where = [column == row[column.name] for column in keys]
                if written is None:
                    connection.execute(delete(table).where(*where))
                    changed += 1
                elif written != row:
                    values = {name: value for name, value in written.items() if row.get(name) != value}
                    connection.execute(update(table).where(*where).values(**values))
                    changed += 1
            counts[table.name] = changed
            if progress:
                progress("rewrite", done, len(tables))
    return counts
