"""Every command on real database files: output, exit status, and what the database holds."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from extractor.export import EXPORT_FIELDS

PAGE_A = """

全区金融运行平稳

本报讯(记者 周一)截至10月末,全区各项贷款余额达2865.4亿元,较年初增加312.6亿元,同比增长11.2%。

全年新增上市企业3家、高新技术企业120家。

重点项目 进行时

位于高新区的智能装备项目正在加紧建设,项目总投资8亿元,规划用地60亩。 张三 摄
"""
PAGE_B = "\n\n湖塘镇召开工作会\n\n本报讯(记者 吴二)昨天,湖塘镇召开工作会。今年全镇新建厂房12万平方米。\n"


def snapshot(db) -> list:
    """Everything the database holds except run timestamps, for before/after comparisons."""
    with sqlite3.connect(db) as con:
        out = []
        for table in ("pages", "articles", "facts"):
            out.append(con.execute(f"SELECT * FROM {table} ORDER BY id").fetchall())
        out.append(con.execute("SELECT count(*) FROM extraction_runs").fetchall())
        return out


def rows(db, sql):
    with sqlite3.connect(db) as con:
        return con.execute(sql).fetchall()


def test_ingest_reports_each_page_and_a_total(wujin, db, page):
    a, b = page("2024-11-05_a.txt", PAGE_A), page("b.txt", PAGE_B)
    status, out, err = wujin("ingest", a, b, "--db", db)
    assert status == 0 and err == ""
    assert "2024-11-05_a.txt: new, 2 articles, 7 facts" in out
    assert "b.txt: new, 1 articles, 1 facts" in out
    assert out.strip().endswith("total: 2 pages (2 new, 0 unchanged, 0 replaced), 3 articles, 8 facts")
    assert rows(db, "SELECT name, published_on, date_source FROM pages ORDER BY name") == [
        ("2024-11-05_a.txt", "2024-11-05", "filename"), ("b.txt", None, "inferred")]


def test_reingesting_the_same_page_changes_nothing(wujin, db, page):
    a = page("a.txt", PAGE_A)
    wujin("ingest", a, "--db", db, "--date", "2024-11-05")
    before = snapshot(db)[:3]
    status, out, _ = wujin("ingest", a, "--db", db, "--date", "2024-11-05")
    assert status == 0 and "a.txt: unchanged" in out
    assert snapshot(db)[:3] == before


def test_a_changed_page_is_a_new_version_replacing_its_facts(wujin, db, page):
    path = page("a.txt", PAGE_A)
    wujin("ingest", path, "--db", db, "--date", "2024-11-05")
    path.write_text(PAGE_A.replace("2865.4亿元", "2866.0亿元"), encoding="utf-8")
    status, out, _ = wujin("ingest", path, "--db", db, "--date", "2024-11-05")
    assert status == 0 and "a.txt: replaced, 2 articles, 7 facts" in out
    assert rows(db, "SELECT version, is_current FROM pages ORDER BY version") == [(1, 0), (2, 1)]
    assert rows(db, "SELECT value FROM loan_balances WHERE measure = 'level'") == [("286600000000",)]
    assert rows(db, "SELECT count(*) FROM articles a JOIN pages p ON p.id = a.page_id WHERE NOT p.is_current") == [(0,)]


def test_dates_from_the_command_line_and_a_manifest(wujin, db, page, tmp_path):
    a, b = page("a.txt", PAGE_A), page("b.txt", PAGE_B)
    manifest = tmp_path / "m.csv"
    manifest.write_text("file,published\nb.txt,2024-03-02\n", encoding="utf-8")
    wujin("ingest", a, "--db", db, "--date", "2024-11-05")
    wujin("ingest", b, "--db", db, "--manifest", manifest)
    assert rows(db, "SELECT name, published_on, date_source, date_precision FROM pages ORDER BY name") == [
        ("a.txt", "2024-11-05", "given", "day"), ("b.txt", "2024-03-02", "manifest", "day")]
    assert rows(db, "SELECT period_start, period_end FROM fact_details WHERE source = 'b.txt'") == [
        ("2024-01-01", "2024-12-31")]


@pytest.mark.parametrize("name,content,reason", [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", "  \n\n\u3000\n".encode(), "no text (only whitespace)"),
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (NUL byte at offset 8), not a text page"),
    ("latin1.txt", "Café crème: 12 £".encode("latin-1"), "neither UTF-8 nor GB18030 text (byte 0xe9 at offset 3)"),
    ("cut.txt", "全区贷款余额达100亿元".encode()[:-1], "UTF-8 text cut off in the middle of a character"),
], ids=["empty", "blank", "binary", "latin1", "cut"])
def test_a_bad_file_gets_one_line_and_leaves_the_database_as_it_was(wujin, db, page, name, content, reason):
    good = page("good.txt", PAGE_B)
    wujin("ingest", good, "--db", db)
    before = snapshot(db)
    bad = page(name, content)
    other = page("other.txt", PAGE_A)
    status, out, err = wujin("ingest", bad, other, "--db", db)
    assert status == 1
    assert err == f"error: {bad}: {reason}\n"
    assert "other.txt: new" in out and "1 errors" in out
    after = snapshot(db)
    assert after[0][: len(before[0])] == before[0]  # the good pages are untouched; other.txt went in
    assert len(after[0]) == len(before[0]) + 1


def test_an_unreadable_file_gets_one_line_and_the_others_go_in(wujin, db, page, monkeypatch):
    locked, other = page("locked.txt", PAGE_A), page("other.txt", PAGE_B)
    locked.chmod(0o000)
    if os.access(locked, os.R_OK):  # root reads it all the same: make the read fail as it would
        real = Path.read_bytes
        monkeypatch.setattr(Path, "read_bytes", lambda self: (_ for _ in ()).throw(
            PermissionError(13, "Permission denied")) if self == locked else real(self))
    try:
        status, out, err = wujin("ingest", locked, other, "--db", db)
    finally:
        locked.chmod(0o644)
    assert status == 1 and err == f"error: {locked}: cannot read: Permission denied\n"
    assert "other.txt: new" in out and rows(db, "SELECT name FROM pages") == [("other.txt",)]


def test_missing_paths_and_empty_folders_are_named(wujin, db, tmp_path):
    (tmp_path / "empty").mkdir()
    status, _, err = wujin("ingest", tmp_path / "nope.txt", tmp_path / "empty", "--db", db)
    assert status == 1
    assert err.splitlines() == [f"error: {tmp_path / 'nope.txt'}: no such file or directory",
                                f"error: {tmp_path / 'empty'}: no *.txt pages in this folder"]


def test_folders_are_read_recursively_and_named_below_the_folder(wujin, db, page):
    page("2024/01/p1.txt", PAGE_A)
    folder = page("2024/02/p1.txt", PAGE_B).parents[2]
    status, out, _ = wujin("ingest", folder, "--db", db)
    assert status == 0
    assert rows(db, "SELECT name FROM pages ORDER BY name") == [("2024/01/p1.txt",), ("2024/02/p1.txt",)]


def test_reextract_twice_changes_nothing_the_second_time(wujin, db, page):
    wujin("ingest", page("a.txt", PAGE_A), "--db", db, "--date", "2024-11-05")
    with sqlite3.connect(db) as con:  # as if the rules had read this figure differently before
        con.execute("UPDATE facts SET metric = 'other_money' WHERE surface = '8亿元'")
        con.execute("DELETE FROM facts WHERE surface = '3家'")
    before = snapshot(db)
    status, out, _ = wujin("re-extract", "--db", db, "--dry-run")
    assert status == 0 and "facts added 1, removed 0, changed 1" in out and "dry run: nothing written" in out
    assert snapshot(db) == before
    status, out, _ = wujin("re-extract", "--db", db)
    assert "facts added 1, removed 0, changed 1" in out
    assert "investment" in out and "count" in out
    status, out, _ = wujin("re-extract", "--db", db)
    assert "facts added 0, removed 0, changed 0" in out and "no changes" in out
    assert rows(db, "SELECT command, facts_added, facts_changed FROM extraction_runs ORDER BY id") == [
        ("ingest", 7, 0), ("re-extract", 1, 1), ("re-extract", 0, 0)]


def test_export_contract(wujin, db, page, tmp_path):
    wujin("ingest", page("a.txt", PAGE_A), "--db", db, "--date", "2024-11-05")
    status, out, _ = wujin("export", "--db", db)
    records = [json.loads(line) for line in out.splitlines()]
    assert status == 0 and len(records) == 7
    text = rows(db, "SELECT text FROM pages")[0][0]
    for record in records:
        assert tuple(record) == EXPORT_FIELDS
        assert text[record["source_start"]:record["source_end"]] == record["surface"]
        assert isinstance(record["value"], str) and "E" not in record["value"]
    loan = records[0]
    assert (loan["value"], loan["unit"], loan["metric"], loan["period_end"], loan["subject"]) == (
        "286540000000", "CNY", "loan_balance", "2024-10-31", "武进区")
    out_file = tmp_path / "facts.csv"
    status, _, err = wujin("export", "--db", db, "--format", "csv", "--out", out_file)
    assert status == 0 and "7 facts written" in err
    table = list(csv.DictReader(io.StringIO(out_file.read_text(encoding="utf-8"))))
    assert len(table) == 7 and tuple(table[0]) == EXPORT_FIELDS
    assert table[0]["value"] == "286540000000" and table[0]["value_high"] == ""


def test_parse_text_and_stdin():
    sentence = "该项目总投资3至5亿元,占地120亩。"
    for cmd in ([sys.executable, "-m", "extractor", "parse", sentence, "--date", "2024-05-01"],
                [sys.executable, "-m", "extractor", "parse", "-", "--date", "2024-05-01"]):
        done = subprocess.run(cmd, input=sentence.encode(), capture_output=True, check=True)
        records = [json.loads(line) for line in done.stdout.decode().splitlines()]
        assert [(r["surface"], r["value"], r["value_high"], r["unit"]) for r in records] == [
            ("3至5亿元", "300000000", "500000000", "CNY"), ("120亩", "8", None, "ha")]
        assert all(sentence[r["source_start"]:r["source_end"]] == r["surface"] for r in records)


def test_facts_table_filters(wujin, db, page):
    wujin("ingest", page("a.txt", PAGE_A), "--db", db, "--date", "2024-11-05")
    status, out, _ = wujin("facts", "--db", db, "--metric", "loan_balance")
    assert status == 0 and out.strip().endswith("(2 facts)") and "2865.4亿元" in out
    _, out, _ = wujin("facts", "--db", db, "--kind", "area", "--since", "2024-01-01", "--until", "2024-12-31")
    assert "(1 facts)" in out and "60亩" in out
    _, out, _ = wujin("facts", "--db", db, "--subject", "武进区", "--since", "2025-01-01")
    assert "(0 facts)" in out


def test_database_errors_are_one_line(wujin, tmp_path):
    not_db = tmp_path / "notes.db"
    not_db.write_text("hello", encoding="utf-8")
    status, _, err = wujin("export", "--db", not_db)
    assert status == 1 and err == f"error: {not_db}: not a SQLite database\n"
    newer = tmp_path / "newer.db"
    with sqlite3.connect(newer) as con:
        con.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        con.execute("INSERT INTO alembic_version VALUES ('9999_future')")
    status, _, err = wujin("db", "upgrade", "--db", newer)
    assert status == 1 and "unknown schema revision 9999_future" in err and str(newer) in err
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as con:
        con.execute("CREATE TABLE things (x)")
    status, _, err = wujin("facts", "--db", foreign)
    assert status == 1 and "not a wujin database" in err


def test_db_upgrade_schema_and_url_form(wujin, tmp_path):
    path = tmp_path / "u.db"
    status, out, _ = wujin("db", "upgrade", "--db", f"sqlite:///{path}")
    assert status == 0 and "at schema revision" in out
    assert ("loan_balances",) in rows(path, "SELECT name FROM sqlite_master WHERE type = 'view'")
    status, out, _ = wujin("db", "schema")
    assert status == 0 and "CREATE VIEW loan_balances" in out


def test_bad_dates_are_refused(wujin, db, page, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        wujin("ingest", page("a.txt", PAGE_A), "--db", db, "--date", "2024-13-40")
    assert exit_info.value.code == 2
    assert "not a valid date: '2024-13-40'" in capsys.readouterr().err
    manifest = tmp_path / "m.csv"
    manifest.write_text("file,published\na.txt,someday\n", encoding="utf-8")
    status, _, err = wujin("ingest", page("a.txt", PAGE_A), "--db", db, "--manifest", manifest)
    assert status == 1 and err.startswith(f"error: {manifest}: line 2:")


def test_every_command_has_help():
    for args in (["ingest"], ["re-extract"], ["export"], ["parse"], ["facts"], ["db", "upgrade"], ["db", "schema"]):
        done = subprocess.run([sys.executable, "-m", "extractor", *args, "--help"], capture_output=True, text=True)
        assert done.returncode == 0 and "usage: wujin" in done.stdout


def test_a_read_only_database_is_refused_with_one_line(wujin, db, page):
    wujin("ingest", page("a.txt", PAGE_B), "--db", db)
    before = snapshot(db)
    db.chmod(0o444)
    db.parent.chmod(0o555)
    try:
        status, _, err = wujin("ingest", page("b.txt", PAGE_A), "--db", db)
    finally:
        db.parent.chmod(0o755)
        db.chmod(0o644)
    if status == 0:
        pytest.skip("running as a user who can write read-only files")
    assert status == 1 and err.startswith(f"error: {db}: database error:") and len(err.splitlines()) == 1
    assert snapshot(db) == before


@pytest.mark.parametrize("command", [("ingest", "b.txt"), ("re-extract",)])
def test_a_database_opened_read_only_is_refused_with_one_line(wujin, db, page, command):
    """The same refusal whoever runs it (root may write read-only files, not a read-only open)."""
    wujin("ingest", page("a.txt", PAGE_B), "--db", db)
    before = snapshot(db)
    url = f"sqlite:///file:{db}?mode=ro&uri=true"
    args = [command[0]] + ([page(command[1], PAGE_A)] if len(command) > 1 else [])
    status, out, err = wujin(*args, "--db", url)
    assert status == 1 and err == f"error: {url}: database error: attempt to write a readonly database\n"
    assert snapshot(db) == before


@pytest.mark.parametrize("encoding,recorded", [("gb18030", "gb18030"), ("gbk", "gb18030"), ("utf-16", "utf-16"),
                                               ("utf-8-sig", "utf-8-sig")])
def test_chinese_encodings_are_decoded_and_recorded(wujin, db, page, encoding, recorded):
    path = page("p.txt", PAGE_A.encode(encoding))
    status, out, _ = wujin("ingest", path, "--db", db, "--date", "2024-11-05")
    assert status == 0 and "7 facts" in out
    with sqlite3.connect(db) as con:
        stored_encoding, text = con.execute("SELECT encoding, text FROM pages").fetchone()
        surfaces = [r[0] for r in con.execute("SELECT surface FROM facts ORDER BY source_start")]
    assert stored_encoding == recorded and text == PAGE_A
    assert surfaces[0] == "2865.4亿元"


def test_crlf_pages_keep_their_offsets(wujin, db, page):
    crlf = PAGE_A.replace("\n", "\r\n")
    wujin("ingest", page("crlf.txt", crlf.encode()), "--db", db, "--date", "2024-11-05")
    with sqlite3.connect(db) as con:
        text = con.execute("SELECT text FROM pages").fetchone()[0]
        facts = con.execute("SELECT surface, source_start, source_end FROM facts").fetchall()
    assert text == crlf and len(facts) == 7
    assert all(text[s:e] == surface for surface, s, e in facts)


def test_one_name_twice_in_a_run_is_refused_and_the_same_text_twice_is_stored_once(wujin, db, page, tmp_path):
    a = page("a/p.txt", PAGE_A)
    b = page("b/p.txt", PAGE_B)
    status, out, err = wujin("ingest", a, b, "--db", db, "--date", "2024-11-05")
    assert status == 1 and err == f"error: {b}: same name as {a} in this run; ingest it apart\n"
    copy = page("copy.txt", PAGE_A)
    status, out, _ = wujin("ingest", copy, "--db", db, "--date", "2024-11-05")
    assert status == 0 and "copy.txt: same text as p.txt, already stored; skipped" in out
    assert rows(db, "SELECT count(*) FROM pages") == [(1,)]


def test_a_name_an_earlier_folder_of_the_run_gave_is_refused_and_the_rest_go_in(wujin, db, page):
    first = page("one/x/p.txt", PAGE_A).parents[1]
    second = page("two/x/p.txt", PAGE_B).parents[1]
    page("two/r.txt", PAGE_B)
    status, out, err = wujin("ingest", first, second, first, "--db", db, "--date", "2024-11-05")
    assert status == 1
    assert err.splitlines() == [
        f"error: {second / 'x/p.txt'}: same name as {first / 'x/p.txt'} in this run; ingest it apart",
        f"error: {first / 'x/p.txt'}: same name as {first / 'x/p.txt'} in this run; ingest it apart",
    ]
    assert rows(db, "SELECT name FROM pages ORDER BY name") == [("r.txt",), ("x/p.txt",)]


def test_a_new_date_for_a_known_page_moves_its_periods(wujin, db, page):
    path = page("p.txt", PAGE_B)
    wujin("ingest", path, "--db", db, "--date", "2024-03-01")
    status, out, _ = wujin("ingest", path, "--db", db, "--date", "2025-03-01")
    assert status == 0 and "p.txt: redated" in out
    assert rows(db, "SELECT published_on FROM pages") == [("2025-03-01",)]
    assert rows(db, "SELECT period_start FROM fact_details") == [("2025-01-01",)]


def test_bad_arguments_and_paths_get_one_line(wujin, db, page, tmp_path, capsys):
    wujin("ingest", page("p.txt", PAGE_A), "--db", db, "--date", "2024-11-05")
    status, _, err = wujin("export", "--db", db, "--out", tmp_path / "missing" / "x.jsonl")
    assert status == 1 and err.startswith("error: ") and "No such file or directory" in err
    assert len(err.splitlines()) == 1
    with pytest.raises(SystemExit):
        wujin("facts", "--db", db, "--limit", "0")
    assert "not a positive whole number: '0'" in capsys.readouterr().err
    _, out, _ = wujin("facts", "--db", db, "--limit", "2")
    assert out.strip().endswith("(2 facts, limited)")


def test_a_dry_run_never_writes_even_to_upgrade(wujin, tmp_path):
    from alembic import command

    from extractor.db.engine import alembic_config, make_engine
    old = tmp_path / "old.db"
    engine = make_engine(old)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    engine.dispose()
    before = old.read_bytes()
    status, _, err = wujin("re-extract", "--db", old, "--dry-run")
    assert status == 1 and "run `wujin db upgrade` first" in err
    assert old.read_bytes() == before


def stored(db) -> list:
    """What a run stores, without the times it ran at."""
    return [rows(db, "SELECT id, name, version, is_current, sha256, text, published_on, date_source, "
                     "date_precision FROM pages ORDER BY id"),
            rows(db, "SELECT * FROM articles ORDER BY id"), rows(db, "SELECT * FROM facts ORDER BY id")]


def test_jobs_store_what_one_job_stores_in_the_same_order(wujin, page, tmp_path):
    for i in range(7):
        page(f"p{i}.txt", PAGE_A.replace("2865.4", f"{2800 + i}.4"))
    page("b.txt", PAGE_B)
    page("bad.txt", b"\x00\x01binary")
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    single = wujin("ingest", tmp_path / "pages", "--db", one)
    parallel = wujin("ingest", tmp_path / "pages", "--db", two, "--jobs", "2")
    assert single == parallel and single[0] == 1  # the same lines in the same order, the bad file named
    assert stored(one) == stored(two) and len(stored(one)[2]) == 7 * 7 + 1
    for db in (one, two):  # as if older rules had read some figures differently
        with sqlite3.connect(db) as con:
            con.execute("UPDATE facts SET metric = 'other_money' WHERE surface = '8亿元'")
            con.execute("DELETE FROM facts WHERE surface = '3家'")
    single = wujin("re-extract", "--db", one)
    parallel = wujin("re-extract", "--db", two, "--jobs", "2")
    assert single == parallel and "facts added 7, removed 0, changed 7" in single[1]
    assert stored(one) == stored(two)


def test_jobs_must_be_a_positive_number(wujin, db, page, capsys):
    with pytest.raises(SystemExit):
        main_args = ("ingest", page("a.txt", PAGE_A), "--db", db, "--jobs", "0")
        wujin(*main_args)
    assert "not a positive whole number" in capsys.readouterr().err


def test_reextract_repairs_articles_and_facts_to_what_a_fresh_ingest_stores(wujin, page, tmp_path):
    a = page("a.txt", PAGE_A)
    fresh, old = tmp_path / "fresh.db", tmp_path / "old.db"
    wujin("ingest", a, "--db", fresh, "--date", "2024-11-05")
    wujin("ingest", a, "--db", old, "--date", "2024-11-05")
    with sqlite3.connect(old) as con:  # as if older rules had split and read the page differently
        con.execute("UPDATE articles SET title = '旧标题' WHERE seq = 1")
        con.execute("INSERT INTO articles (page_id, seq, kind, title, source_start, source_end, body_start) "
                    "VALUES (1, 9, 'news', '多余', 0, 1, 0)")
        con.execute("INSERT INTO facts (article_id, run_id, kind, value, value_real, unit, metric, measure, "
                    "qualifier, status, surface, source_start, source_end, sentence) SELECT id, 1, 'money', '5', "
                    "5.0, 'CNY', 'other_money', 'level', 'none', 'actual', '5元', 0, 2, '' FROM articles WHERE seq = 9")
        con.execute("UPDATE facts SET value = '1', value_real = 1.0 WHERE surface = '8亿元'")
    status, out, _ = wujin("re-extract", "--db", old)
    assert status == 0 and "facts added 0, removed 1, changed 1; articles changed 2" in out
    assert stored(old)[1] == stored(fresh)[1]
    columns = "kind, value, unit, metric, subject, period_start, source_start, source_end"
    assert rows(old, f"SELECT {columns} FROM facts ORDER BY source_start") == \
        rows(fresh, f"SELECT {columns} FROM facts ORDER BY source_start")


def test_pages_are_found_in_path_order_below_folders_and_links_to_folders_are_not_followed(tmp_path):
    from extractor.pages import find_pages

    root = tmp_path / "archive"
    for name in ("c.txt", "b/2/x.txt", "b/1.txt", "ab.txt", "a.txt", "b/notes.md"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x", encoding="utf-8")
    (root / "loop").symlink_to(root, target_is_directory=True)
    assert [name for _, name in find_pages([str(root)])] == ["a.txt", "ab.txt", "b/1.txt", "b/2/x.txt", "c.txt"]


def test_a_folder_bigger_than_a_batch_is_walked_in_order_holding_one_batch(tmp_path, monkeypatch):
    from extractor import pages

    root = tmp_path / "archive"
    names = [f"p{i:02d}.txt" for i in range(11)] + ["m/1.txt", "m/2.txt", "m/3.txt", "m/4.txt", "z.md"]
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x", encoding="utf-8")
    read = []
    real = pages._next_names
    monkeypatch.setattr(pages, "WALK_BATCH", 3)
    monkeypatch.setattr(pages, "_next_names", lambda folder, after: read.append(real(folder, after)) or read[-1])
    found = [name for _, name in pages.find_pages([str(root)])]
    assert found == sorted(n for n in names if n.endswith(".txt"))  # the folder m/ in its place, z.md left
    assert max(len(batch) for batch in read) == 3  # never more names than a batch
