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


def make_engine(target: str | os.PathLike) -> Engine:
    """An engine with foreign keys enforced on SQLite."""
    url = database_url(target)
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        _check_file(url[len("sqlite:///"):])
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.close()
    return engine


def open_database(target: str | os.PathLike, upgrade: bool = True) -> Engine:
    """The database at ``target``, migrated to head first (unless ``upgrade`` is off).

    Refuses a file that is not SQLite, a database of some other program, and a database
    written by a newer wujin than this one.
    """
    engine = make_engine(target)
    script = ScriptDirectory.from_config(alembic_config())
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_heads()
            tables = set(inspect(connection).get_table_names())
        unknown = [rev for rev in current if script.get_revision(rev) is None] if current else []
    except SADatabaseError as exc:
        raise DatabaseError(f"{target}: cannot open database: {exc.orig}") from None
    except Exception as exc:  # alembic raises its own error for an unknown revision
        if "Can't locate revision" in str(exc):
            unknown = list(current)
        else:
            raise
    if unknown:
        engine.dispose()
        raise DatabaseError(
            f"{target}: database schema revision {', '.join(unknown)} is newer than this wujin-extractor "
            f"knows (head {script.get_current_head()}); upgrade wujin-extractor"
        )
    if not current and tables - {"alembic_version"}:
        engine.dispose()
        raise DatabaseError(f"{target}: not a wujin database (it has tables but no wujin schema revision)")
    if upgrade and tuple(current) != (script.get_current_head(),):
        config = alembic_config()
        try:
            with engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        except OperationalError as exc:
            raise DatabaseError(f"{target}: cannot upgrade the database: {exc.orig}") from None
    return engine
