"""Alembic owns the schema: a database made by release 0.1.0 upgrades in place."""

import json
import shutil
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import inspect

from api.app import create_app
from api.settings import Settings
from store.db import _run as _alembic
from store.db import make_engine, migrate
from store.models import Base

DATA = Path(__file__).parent / "data"


def test_a_fresh_database_matches_the_models(database_url):
    engine = make_engine(database_url)
    assert migrate(engine) is None
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], diff
    assert migrate(engine) == "0009_lease_fencing"  # idempotent


def test_a_release_0_1_0_database_upgrades_in_place_and_keeps_its_data(tmp_path):
    shutil.copy(DATA / "release-0.1.0.db", tmp_path / "old.db")
    known = json.loads((DATA / "release-0.1.0.json").read_text())
    settings = Settings(
        database_url=f"sqlite:///{tmp_path}/old.db",
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
    engine = make_engine(settings.database_url)
    with engine.connect() as conn:
        columns = {row[1] for row in conn.exec_driver_sql("PRAGMA table_info(interviews)")}
    assert "join_token" not in columns and "join_token_hash" in columns  # no plaintext token is kept


def test_0006_upgrades_a_release_0_1_0_database_and_downgrades_to_0004_through_0005(tmp_path):
    shutil.copy(DATA / "release-0.1.0.db", tmp_path / "old.db")
    engine = make_engine(f"sqlite:///{tmp_path}/old.db")
    assert migrate(engine) == "0001"
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        interviews = {c["name"] for c in inspect(conn).get_columns("interviews")}
    assert {"jobs", "candidates", "candidate_notes", "audit_log"} <= tables and "job_id" in interviews
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        _alembic(conn, "downgrade", "0004")
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        interviews = {c["name"] for c in inspect(conn).get_columns("interviews")}
        kept = conn.exec_driver_sql("SELECT count(*) FROM interviews").scalar()
    assert not {"jobs", "candidates", "candidate_notes", "audit_log"} & tables and "job_id" not in interviews
    assert kept == 2  # the interviews survive the way down
    assert migrate(engine) == "0004"  # and up again
