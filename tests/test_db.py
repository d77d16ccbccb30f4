"""Migrations, models and the generated files agree, and stay current."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from decimal import Decimal

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from extractor.db.engine import alembic_config, make_engine, open_database
from extractor.db.models import Base
from extractor.db.schema import dump_schema
from extractor.db.store import reextract_all
from extractor.db.types import DecimalText
from extractor.rules import load_rules

from .conftest import REPO


def test_single_head_revision():
    assert len(ScriptDirectory.from_config(alembic_config()).get_heads()) == 1


def test_models_match_the_migrations(tmp_path):
    engine = open_database(tmp_path / "m.db")
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    engine.dispose()


def test_downgrade_and_upgrade_round_trip(tmp_path):
    path = tmp_path / "r.db"
    open_database(path).dispose()
    engine = make_engine(path)
    config = alembic_config()
    for target in ("base", "head", "base", "head"):
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            (command.downgrade if target == "base" else command.upgrade)(config, target)
        names = {r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
        assert ("facts" in names and "loan_balances" in names) == (target == "head")
    engine.dispose()


def test_schema_sql_is_current():
    """Regenerate with: wujin db schema > schema.sql"""
    assert (REPO / "schema.sql").read_text(encoding="utf-8") == dump_schema()


def test_wujin_db_is_current(tmp_path):
    """Rebuild with: rm wujin.db && wujin ingest ../shared/corpus --db wujin.db"""
    copy = tmp_path / "copy.db"
    shutil.copy(REPO / "wujin.db", copy)
    engine = open_database(copy, upgrade=False)
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    assert current == (ScriptDirectory.from_config(alembic_config()).get_current_head(),)
    with Session(engine) as session, session.begin():
        _, changes = reextract_all(session, load_rules())
    engine.dispose()
    assert changes.none, f"re-extract would change wujin.db: {changes}"
    assert changes.pages >= 1


def test_wujin_db_holds_the_sample_pages_unchanged(corpus):
    with sqlite3.connect(REPO / "wujin.db") as con:
        stored = dict(con.execute("SELECT name, sha256 FROM pages WHERE is_current"))
    expected = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in corpus.glob("*.txt")}
    assert stored == expected


def test_no_fact_without_its_article_and_page():
    with sqlite3.connect(REPO / "wujin.db") as con:
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("SELECT count(*) FROM facts").fetchone()[0] > 0
        bad = con.execute("SELECT count(*) FROM facts f JOIN articles a ON a.id = f.article_id "
                          "JOIN pages p ON p.id = a.page_id WHERE substr(p.text, f.source_start + 1, "
                          "f.source_end - f.source_start) <> f.surface").fetchone()[0]
        assert bad == 0


def test_views_answer_plain_sql():
    with sqlite3.connect(REPO / "wujin.db") as con:
        for view in ("loan_balances", "output_values", "project_investments", "land_areas", "percentages"):
            row = con.execute(f"SELECT article_title, published_on, value, unit FROM {view} LIMIT 1").fetchone()
            assert row is not None and row[2] and row[3], view
        assert {r[0] for r in con.execute("SELECT unit FROM land_areas")} == {"ha"}


@settings(max_examples=100, deadline=None)
@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=0, max_value=Decimal("1e20"), places=4))
def test_decimal_text_round_trips_exactly(value):
    column = DecimalText()
    stored = column.process_bind_param(value, None)
    assert "E" not in stored and Decimal(stored) == value
    assert column.process_result_value(stored, None) == value


def test_real_companion_columns_agree_with_the_exact_values():
    with sqlite3.connect(REPO / "wujin.db") as con:
        for value, real in con.execute("SELECT value, value_real FROM facts"):
            assert float(Decimal(value)) == real


def _rows(path) -> list:
    with sqlite3.connect(path) as con:
        return [con.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in ("pages", "articles", "facts")]


def test_every_earlier_revision_upgrades_to_head_with_its_data_intact(tmp_path):
    from extractor.db.store import Changes, save_page, start_run
    from extractor.pages import PageFile

    script = ScriptDirectory.from_config(alembic_config())
    earlier = [r.revision for r in script.walk_revisions() if r.revision != script.get_current_head()]
    assert earlier, "only one revision: nothing to upgrade from"
    page = PageFile("p.txt", "本报讯(记者 周一)截至9月末,全区贷款余额达2865.4亿元,增长11.2%。", "0" * 64, 90, "utf-8")
    for revision in earlier:
        path = tmp_path / f"at_{revision}.db"
        engine = make_engine(path)
        config = alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
        with Session(engine) as session, session.begin():
            run = start_run(session, "ingest", load_rules())
            save_page(session, page, None, run.id, load_rules(), Changes())
        engine.dispose()
        before = _rows(path)
        assert before[2], "the test database holds facts"
        open_database(path).dispose()
        assert _rows(path) == before
        with sqlite3.connect(path) as con:
            assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == script.get_current_head()


def test_migrations_run_with_foreign_keys_off_so_table_rebuilds_keep_rows(tmp_path, monkeypatch):
    """A batch ALTER on SQLite copies a table and drops the old one; with foreign keys on, that
    drop would cascade into every article and fact. The upgrade turns them off meanwhile."""
    import extractor.db.engine as engine_module

    seen = []
    real_upgrade = engine_module.command.upgrade

    def spy(config, revision):
        seen.append(config.attributes["connection"].exec_driver_sql("PRAGMA foreign_keys").scalar())
        real_upgrade(config, revision)

    monkeypatch.setattr(engine_module.command, "upgrade", spy)
    engine = open_database(tmp_path / "fk.db")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1  # back on for the work
    engine.dispose()
    assert seen == [0]


def test_a_migration_is_one_transaction(tmp_path, monkeypatch):
    """The sqlite3 driver runs DDL outside transactions unless told otherwise; a migration that
    fails half-way must leave no table behind (a killed one left tables without a revision)."""
    import extractor.db.engine as engine_module

    real_upgrade = engine_module.command.upgrade

    def fail_after(config, revision):
        real_upgrade(config, "0001")
        raise RuntimeError("killed half-way")

    monkeypatch.setattr(engine_module.command, "upgrade", fail_after)
    path = tmp_path / "half.db"
    with pytest.raises(RuntimeError):
        open_database(path).dispose()
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0


def test_storing_a_page_never_scans_a_whole_table(tmp_path):
    """Every lookup of ingest and re-extract goes through an index: a scan (of pages, to find the
    same text under another name) made ingest slow down with the size of the archive."""
    from sqlalchemy import event

    from extractor.db.store import Changes, save_page, start_run
    from extractor.pages import PageFile

    engine = open_database(tmp_path / "t.db", writer=True)
    selects = []

    @event.listens_for(engine, "before_cursor_execute")
    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("SELECT", "DELETE", "UPDATE")):
            selects.append((statement, parameters))

    text = "本报讯(记者 周一)截至9月末,全区贷款余额达2865.4亿元,增长11.2%。"
    versions = [PageFile("p.txt", text, "a" * 64, 90, "utf-8"), PageFile("p.txt", text + "新增企业3家。", "b" * 64, 99, "utf-8"),
                PageFile("q.txt", text, "a" * 64, 90, "utf-8")]  # new, replaced, a duplicate of the first text
    with Session(engine) as session, session.begin():
        run_id = start_run(session, "ingest", load_rules()).id
        for version in versions:
            save_page(session, version, None, run_id, load_rules(), Changes())
        reextract_all(session, load_rules())
    assert len(selects) > 5
    scanning = []
    with engine.connect() as connection:
        for statement, parameters in selects:
            plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            if any(row[-1].startswith("SCAN") for row in plan):
                scanning.append(" ".join(statement.split()))
    engine.dispose()
    # not even the list of the pages to re-extract: it is read along the primary key, in chunks
    assert scanning == []


def test_re_extract_visits_every_current_page_once_in_id_order_across_chunks(tmp_path):
    from sqlalchemy import select

    from extractor.db.models import Page
    from extractor.db.store import Changes, _current_page_ids, save_page, start_run
    from extractor.pages import PageFile

    engine = open_database(tmp_path / "c.db")
    text = "本报讯(记者 周一)截至9月末,全区贷款余额达2865.4亿元。"
    with Session(engine) as session, session.begin():
        run_id = start_run(session, "ingest", load_rules()).id
        for i in range(7):
            save_page(session, PageFile(f"p{i}.txt", text + "新增企业%d家。" % (i + 1), f"{i:064d}", 90, "utf-8"),
                      None, run_id, load_rules(), Changes())
        save_page(session, PageFile("p3.txt", text + "新增企业99家。", "f" * 64, 90, "utf-8"), None, run_id,
                  load_rules(), Changes())  # p3 replaced: its first version is no longer current
        expected = session.scalars(select(Page.id).where(Page.is_current).order_by(Page.id)).all()
        assert list(_current_page_ids(session, chunk=3)) == expected and len(expected) == 7
    engine.dispose()


def test_rows_inserted_by_the_driver_are_stored_as_sqlalchemy_stores_them(tmp_path):
    from datetime import date, datetime

    from sqlalchemy import insert

    from extractor.db.models import Article, FactRow, Page
    from extractor.db.store import insert_rows, start_run

    fact = {"kind": "money", "value": Decimal("3764E+8"), "value_real": 3.764e11, "value_high": None,
            "value_high_real": None, "unit": "CNY", "metric": "loan_balance", "metric_phrase": "贷款余额",
            "subject": "武进区", "measure": "level", "direction": None, "qualifier": "over", "status": "actual",
            "counted": None, "period_start": date(2024, 1, 1), "period_end": date(2024, 6, 30),
            "period_phrase": "6月末", "surface": "3764亿元", "source_start": 7, "source_end": 13, "sentence": "…"}
    stored = []
    for way in ("sqlalchemy", "driver"):
        engine = open_database(tmp_path / f"{way}.db")
        with Session(engine) as session, session.begin():
            run_id = start_run(session, "ingest", load_rules()).id
            session.execute(insert(Page.__table__), [{"id": 1, "name": "p.txt", "version": 1, "is_current": True,
                                                      "sha256": "0" * 64, "size_bytes": 1, "encoding": "utf-8",
                                                      "text": "x", "date_source": "given",
                                                      "ingested_at": datetime(2024, 7, 1)}])
            session.execute(insert(Article.__table__), [{"id": 1, "page_id": 1, "seq": 1, "kind": "news",
                                                         "source_start": 0, "source_end": 1, "body_start": 0}])
            ranged = {"value_high": Decimal("4000E+8"), "value_high_real": 4e11, "period_start": None,
                      "period_end": None, "period_phrase": None}  # values where the first has NULLs, and NULLs
            rows = [{**fact, "article_id": 1, "run_id": run_id}, {**fact, **ranged, "article_id": 1, "run_id": run_id}]
            if way == "driver":
                insert_rows(session, FactRow.__table__, rows)
            else:
                session.execute(insert(FactRow.__table__), rows)
        engine.dispose()
        with sqlite3.connect(tmp_path / f"{way}.db") as db:
            stored.append(db.execute("SELECT * FROM facts ORDER BY id").fetchall())
    assert stored[0] == stored[1] and stored[0][0][4] == "376400000000"  # plain decimal text, dates as text
    with pytest.raises(ValueError, match="differ in their columns"):
        insert_rows(None, FactRow.__table__, [{"kind": "money"}, {"unit": "CNY"}])
