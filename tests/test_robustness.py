"""Interrupted and concurrent work: the database is whole at every instant."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys

from .killcheck import campaign, integrity, write_pages


def test_killed_ingests_and_re_extracts_leave_whole_pages_and_finish_when_re_run(tmp_path):
    seen = campaign(tmp_path, kills=2, pages=40, seed=3)
    assert seen["problems"] == []


def test_ctrl_c_stops_with_a_message_and_a_whole_database(tmp_path):
    write_pages(tmp_path / "pages", 300, seed=5)
    db = tmp_path / "t.db"
    process = subprocess.Popen([sys.executable, "-m", "extractor", "ingest", str(tmp_path / "pages"), "--db", str(db)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first_line = process.stdout.readline()  # it is at work: the first page is stored
    assert first_line.startswith("p0000.txt: new")
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, "the ingest was not interrupted"
    assert err.strip().splitlines()[-1].startswith("error: interrupted")
    assert integrity(db) == []


def test_a_reader_sees_the_old_facts_or_the_new_never_a_mix(tmp_path):
    write_pages(tmp_path / "pages", 5, seed=9)
    db = tmp_path / "t.db"
    subprocess.run([sys.executable, "-m", "extractor", "ingest", str(tmp_path / "pages"), "--db", str(db)],
                   check=True, capture_output=True)
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE facts SET subject = 'new'")
    reader = sqlite3.connect(db)
    assert {r[0] for r in reader.execute("SELECT DISTINCT subject = 'new' FROM facts")} == {0}
    writer.execute("COMMIT")
    assert {r[0] for r in reader.execute("SELECT DISTINCT subject = 'new' FROM facts")} == {1}
    writer.close()
    reader.close()


def test_a_second_writer_waits_instead_of_corrupting(tmp_path):
    write_pages(tmp_path / "a", 30, seed=1)
    write_pages(tmp_path / "b", 30, seed=2)
    db = tmp_path / "t.db"
    subprocess.run([sys.executable, "-m", "extractor", "db", "upgrade", "--db", str(db)], check=True, capture_output=True)
    first, second = (subprocess.Popen([sys.executable, "-m", "extractor", "ingest", str(tmp_path / d), "--db", str(db)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for d in "ab")
    for process in (first, second):
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    assert integrity(db) == []
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM pages").fetchone()[0] == 60
