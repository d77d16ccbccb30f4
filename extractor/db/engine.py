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


def make_engine(target: str | os.PathLike, writer: bool = False) -> Engine:
    """An engine with foreign keys enforced on SQLite.

    A ``writer`` engine uses WAL (readers go on reading the last committed state while it
    writes) and starts every transaction with BEGIN IMMEDIATE, taking the write lock before it
    reads what it will change, so a second writer waits (up to the busy timeout) instead of
    racing it.
    """
    url = database_url(target)
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        _check_file(url[len("sqlite:///"):])
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            if writer:
                cursor.execute("PRAGMA journal_mode=WAL")
                dbapi_connection.isolation_level = None  # transactions begin below, not in the driver
            cursor.close()

        if writer:
            @event.listens_for(engine, "begin")
            def _begin_immediate(connection):
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
        if upgrade:
            _upgrade(engine, target)
    finally:
        engine.dispose()
    return make_engine(target, writer=writer)


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


def _upgrade(engine: Engine, target) -> None:
    """Migrate to head in one transaction. On SQLite foreign keys are off meanwhile: a batch
    table rebuild would otherwise cascade-delete every row that points at the table."""
    if at_head(engine):
        return
    config = alembic_config()
    sqlite = engine.dialect.name == "sqlite"
    try:
        with engine.connect() as connection:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=OFF")  # outside any transaction
                connection.commit()
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                    raise DatabaseError(f"{target}: upgrade would break references between rows; nothing changed")
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()
    except OperationalError as exc:
        raise DatabaseError(f"{target}: cannot upgrade the database: {exc.orig}") from None
