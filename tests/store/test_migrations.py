"""Alembic owns the schema: a database made by release 0.1.0 upgrades in place, on SQLite
and on PostgreSQL (release 0.1.0's tables and rows, copied from the SQLite fixture)."""

import concurrent.futures
import json
import shutil
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, inspect, text

from api.app import create_app
from api.settings import Settings
from store.db import _run as _alembic
from store.db import make_engine, make_session_factory, migrate
from store.models import Base, SegmentRow
from store.repository import InterviewRepository

DATA = Path(__file__).parent / "data"


def test_a_fresh_database_matches_the_models(database_url):
    engine = make_engine(database_url)
    assert migrate(engine) is None
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], diff
    assert migrate(engine) == "0009_lease_fencing"  # idempotent


@pytest.fixture
def release_0_1_0(database_url, tmp_path) -> str:
    """A database as release 0.1.0 left it (no alembic_version), on either kind of server."""
    if database_url.startswith("sqlite"):
        shutil.copy(DATA / "release-0.1.0.db", tmp_path / "old.db")
        return f"sqlite:///{tmp_path}/old.db"
    shutil.copy(DATA / "release-0.1.0.db", tmp_path / "source.db")  # opening it writes to it
    copy_release_0_1_0(tmp_path / "source.db", database_url)
    return database_url


def copy_release_0_1_0(path: Path, url: str) -> None:
    """Release 0.1.0's schema (revision 0001 is exactly it) and the fixture's rows, then the
    sequences moved past the copied ids, as anyone moving that database over would do."""
    source = make_engine(f"sqlite:///{path}")
    target = make_engine(url)
    with target.begin() as conn:
        _alembic(conn, "upgrade", "0001")
        conn.execute(text("DROP TABLE alembic_version"))
    old, new = MetaData(), MetaData()
    old.reflect(source)
    new.reflect(target)
    with source.connect() as read, target.begin() as write:
        for table in old.sorted_tables:
            rows = [dict(row._mapping) for row in read.execute(table.select())]
            if rows:
                write.execute(new.tables[table.name].insert(), rows)
            if "id" in table.c and isinstance(rows[0]["id"] if rows else None, int):
                sequence = f"pg_get_serial_sequence('{table.name}', 'id')"
                write.execute(text(f"SELECT setval({sequence}, (SELECT max(id) FROM {table.name}))"))


def test_a_release_0_1_0_database_upgrades_in_place_and_keeps_its_data(release_0_1_0, tmp_path):
    known = json.loads((DATA / "release-0.1.0.json").read_text())
    settings = Settings(
        database_url=release_0_1_0,
        data_dir=str(tmp_path / "data"),
        admin_email="owner@legacy.test",
        admin_password="a long enough password",
        admin_org="Legacy",
        join_token_ttl_hours=24 * 365,
    )
    with TestClient(create_app(settings)) as c:
        token = c.post(
            "/api/v1/auth/login", json={"email": "owner@legacy.test", "password": "a long enough password"}
        )
        recruiter = {"Authorization": f"Bearer {token.json()['access_token']}"}
        # the first organisation adopts the interviews made before organisations existed
        listed = c.get("/api/v1/interviews", headers=recruiter).json()
        assert {i["id"] for i in listed["items"]} == {known["completed"]["id"], known["scheduled"]["id"]}
        done = f"/api/v1/interviews/{known['completed']['id']}"
        report = c.get(f"{done}/report", headers=recruiter).json()
        assert report["status"] == "completed" and report["questions"]
        segments = c.get(f"{done}/transcript", headers=recruiter).json()["segments"]
        assert any("payment APIs" in s["text"] for s in segments)
        # the old join links still open their interviews (now checked against a hash); a wrong
        # token is refused with 403, a matching one opens it (or, once the file is over a year
        # old, says the link expired: 410 also proves the hash matched)
        scheduled = f"/api/v1/interviews/{known['scheduled']['id']}"
        assert c.get(scheduled, headers={"Authorization": "Bearer wrong"}).status_code == 403
        r = c.get(scheduled, headers={"Authorization": f"Bearer {known['scheduled']['join_token']}"})
        assert r.status_code == 410 or (r.status_code == 200 and r.json()["status"] == "scheduled")
    # new rows get new ids after the old ones (on PostgreSQL: the sequences were moved past them)
    repo = InterviewRepository(make_session_factory(settings.database_url))
    row = repo.add_segment(
        SegmentRow(interview_id=known["completed"]["id"], speaker="candidate", text="x", start=99, end=100)
    )
    assert row.id > max(s.id for s in repo.segments(known["completed"]["id"]) if s.id != row.id)
    engine = make_engine(settings.database_url)
    with engine.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("interviews")}
    assert "join_token" not in columns and "join_token_hash" in columns  # no plaintext token is kept


def test_0006_upgrades_a_release_0_1_0_database_and_downgrades_to_0004_through_0005(release_0_1_0):
    engine = make_engine(release_0_1_0)
    sqlite = engine.dialect.name == "sqlite"
    assert migrate(engine) == "0001"
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        interviews = {c["name"] for c in inspect(conn).get_columns("interviews")}
    assert {"jobs", "candidates", "candidate_notes", "audit_log"} <= tables and "job_id" in interviews
    with engine.begin() as conn:
        if sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        _alembic(conn, "downgrade", "0004")
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        interviews = {c["name"] for c in inspect(conn).get_columns("interviews")}
        kept = conn.exec_driver_sql("SELECT count(*) FROM interviews").scalar()
    assert not {"jobs", "candidates", "candidate_notes", "audit_log"} & tables and "job_id" not in interviews
    assert kept == 2  # the interviews survive the way down
    assert migrate(engine) == "0004"  # and up again


def test_servers_starting_together_migrate_one_at_a_time(postgres_url):
    """Every server migrates at start; on one PostgreSQL the others wait for the first's lock
    and then find the schema at its head (several servers share PostgreSQL, not SQLite)."""
    engines = [make_engine(postgres_url) for _ in range(3)]
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        started_from = sorted(map(str, pool.map(migrate, engines)))
    assert started_from == ["0009_lease_fencing", "0009_lease_fencing", "None"]
