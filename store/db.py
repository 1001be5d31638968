"""Engine, session factory and schema migrations (Alembic)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"
BASELINE = "0001"  # the schema of release 0.1.0, made before Alembic
MIGRATION_LOCK = 0x1A7E_4B0C  # PostgreSQL advisory lock held while one server migrates


def make_engine(url: str) -> Engine:
    """SQLite gets WAL and cross-thread use; other URLs (PostgreSQL) pass through."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "postgresql":
        # PostgreSQL's text cannot hold NUL characters (SQLite's can): a NUL typed by a
        # candidate, pasted into a search or produced by an LLM would fail the whole write or
        # query; it carries no meaning in any of our texts, so it is dropped on the way in
        event.listen(engine, "before_cursor_execute", _without_nul, retval=True)
    return engine


def _without_nul(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
    return statement, _strip_nul(parameters)


def _strip_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, dict):
        return {k: _strip_nul(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_strip_nul(v) for v in value)
    return value


def migrate(engine: Engine) -> str | None:
    """Bring the schema to the newest revision; returns the revision it started from.

    A database made by release 0.1.0 has the tables but no `alembic_version`: it is
    stamped with the baseline first, then upgraded in place."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:  # SQLite rebuilds altered tables; foreign keys must be off meanwhile
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
        with conn.begin():
            if engine.dialect.name == "postgresql":  # servers starting together migrate one at a time
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
            current = MigrationContext.configure(conn).get_current_revision()
            if current is None and inspect(conn).has_table("interviews"):
                current = BASELINE
                _run(conn, "stamp", BASELINE)
            _run(conn, "upgrade", "head")
        if sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            conn.commit()
    return current


def _run(conn, verb: str, revision: str) -> None:  # type: ignore[no-untyped-def]
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    getattr(command, verb)(config, revision)


def make_session_factory(url: str, run_migrations: bool = True) -> sessionmaker[Session]:
    engine = make_engine(url)
    if run_migrations:
        migrate(engine)
    return sessionmaker(engine, expire_on_commit=False)
