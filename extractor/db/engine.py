"""Open a database, refuse what is not ours, and migrate it to head before use."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import OperationalError

from ..errors import DatabaseError

SQLITE_MAGIC = b"SQLite format 3\x00"


def database_url(target: str | os.PathLike) -> str:
    """A SQLAlchemy URL for a file path or a URL.

    >>> database_url("wujin.db"), database_url("postgresql://u@h/db")
    ('sqlite:///wujin.db', 'postgresql://u@h/db')
    """
    target = str(target)
    return target if "://" in target else f"sqlite:///{target}"


def alembic_config() -> Config:
    """Alembic configured in code, pointing at the migrations installed with the package."""
    config = Config()
    config.set_main_option("script_location", str(resources.files("extractor.migrations")))
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _check_file(target: str) -> None:
    path = Path(target)
    if path.is_dir():
        raise DatabaseError(f"{target}: is a directory, not a database file")
    if path.exists() and path.stat().st_size > 0:
        try:
            with path.open("rb") as handle:
                magic = handle.read(len(SQLITE_MAGIC))
        except OSError as exc:
            raise DatabaseError(f"{target}: cannot read: {exc.strerror}") from None
        if magic != SQLITE_MAGIC:
            raise DatabaseError(f"{target}: not a SQLite database")


def make_engine(target: str | os.PathLike, mode: str = "read") -> Engine:
    """An engine with foreign keys enforced on SQLite, for ``mode``:

    - "read": plain connections;
    - "write" (ingest, re-extract): WAL, so readers go on reading the last committed state while
      it writes, and every transaction starts with BEGIN IMMEDIATE, taking the write lock before
      it reads what it will change, so a second writer waits (up to the busy timeout);
    - "migrate": foreign keys off (a batch table rebuild would otherwise cascade-delete the rows
      pointing at the table) and a real transaction around the DDL, which the sqlite3 driver
      would otherwise run outside any transaction, so a migration is all or nothing.
    """
    url = database_url(target)
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        _check_file(url[len("sqlite:///"):])
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=" + ("OFF" if mode == "migrate" else "ON"))
            cursor.execute("PRAGMA busy_timeout=30000")
            if mode == "write":
                cursor.execute("PRAGMA journal_mode=WAL")
                # with WAL this never corrupts: a power cut can lose the last commits, not break one
                cursor.execute("PRAGMA synchronous=NORMAL")
            if mode in ("write", "migrate"):
                dbapi_connection.isolation_level = None  # transactions begin below, not in the driver
            cursor.close()

        if mode in ("write", "migrate"):
            @event.listens_for(engine, "begin")
            def _begin(connection):
                connection.exec_driver_sql("BEGIN IMMEDIATE")
    return engine


def open_database(target: str | os.PathLike, upgrade: bool = True, writer: bool = False) -> Engine:
    """The database at ``target``, migrated to head first (unless ``upgrade`` is off); a
    ``writer`` engine for ingest and re-extract (see make_engine).

    Refuses a file that is not SQLite, a database of some other program, and a database
    written by a newer wujin than this one. The caller disposes of the engine.
    """
    engine = make_engine(target)
    try:
        _check_revision(engine, target)
        behind = upgrade and not at_head(engine)
    finally:
        engine.dispose()
    if behind:
        _upgrade(target)
    return make_engine(target, "write" if writer else "read")


def _check_revision(engine: Engine, target) -> None:
    script = ScriptDirectory.from_config(alembic_config())
    known = {rev.revision for rev in script.walk_revisions()}
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_heads()
            tables = set(inspect(connection).get_table_names())
    except SADatabaseError as exc:
        raise DatabaseError(f"{target}: cannot open database: {exc.orig}") from None
    unknown = [rev for rev in current if rev not in known]
    if unknown:
        raise DatabaseError(
            f"{target}: unknown schema revision {', '.join(unknown)}: a database of another program, or "
            f"of a newer wujin-extractor than this one (which knows up to {script.get_current_head()})"
        )
    if not current and tables - {"alembic_version"}:
        raise DatabaseError(f"{target}: not a wujin database (it has tables but no wujin schema revision)")


def at_head(engine: Engine) -> bool:
    with engine.connect() as connection:
        return tuple(MigrationContext.configure(connection).get_current_heads()) == (head_revision(),)


def _upgrade(target) -> None:
    """Migrate to head in one transaction, foreign keys off meanwhile and checked at the end."""
    engine = make_engine(target, "migrate")
    config = alembic_config()
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            if engine.dialect.name == "sqlite" and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                raise DatabaseError(f"{target}: upgrade would break references between rows; nothing changed")
    except OperationalError as exc:
        raise DatabaseError(f"{target}: cannot upgrade the database: {exc.orig}") from None
    finally:
        engine.dispose()
