"""Numbered schema migrations for the SQLite files ``reviewer`` keeps (the batch store, the LLM cache).

Each file records its schema version in SQLite's ``PRAGMA user_version``. :func:`migrate` applies, in order and each
in its own transaction, the migrations above the recorded version, then records the new version. A file whose
version is above the newest migration was written by a newer ``reviewer`` and is refused (:class:`SchemaTooNew`),
so that an older tool never misreads or damages it. Files written before versions were recorded have version 0;
their tables are created with ``IF NOT EXISTS`` by migration 1, so that they upgrade in place.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

#: A migration: SQL text (run with ``executescript``) or a function of the connection.
Migration = str | Callable[[sqlite3.Connection], None]


from reviewer.errors import SchemaTooNew  # noqa: E402 - raised for a file written by a newer reviewer


def version(conn: sqlite3.Connection) -> int:
    """The schema version recorded in ``conn``'s database (0 when none was)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, migrations: Sequence[Migration], what: str) -> int:
    """Bring ``conn``'s database up to ``len(migrations)``; ``migrations[k]`` takes version ``k`` to ``k + 1``.
    Returns the version reached. Raises :class:`SchemaTooNew` for a newer file, ``sqlite3.Error`` when a migration
    fails (that migration is rolled back; the ones before it stay applied)."""
    current = version(conn)
    if current > len(migrations):
        raise SchemaTooNew(what, current, len(migrations))
    for number in range(current, len(migrations)):
        step = migrations[number]
        conn.execute("BEGIN")
        try:
            if isinstance(step, str):
                for statement in (s for s in step.split(";") if s.strip()):
                    conn.execute(statement)
            else:
                step(conn)
            conn.execute(f"PRAGMA user_version = {number + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return len(migrations)
