"""Interrupted and concurrent work: the database is whole at every instant."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from .killcheck import campaign, integrity, write_pages


def test_killed_ingests_and_re_extracts_leave_whole_pages_and_finish_when_re_run(tmp_path):
    seen = campaign(tmp_path, kills=2, pages=40, seed=3)
    assert seen["problems"] == []


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_stops_with_a_message_and_a_whole_database(tmp_path, jobs):
    write_pages(tmp_path / "pages", 300, seed=5)
    db = tmp_path / "t.db"
    process = subprocess.Popen([sys.executable, "-m", "extractor", "ingest", str(tmp_path / "pages"), "--db", str(db),
                                "--jobs", jobs], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    first_line = process.stdout.readline()  # it is at work: the first page is stored
    assert first_line.startswith("p0000.txt: new")
    os.killpg(process.pid, signal.SIGINT)  # as Ctrl-C at a terminal: to the command and its workers
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, "the ingest was not interrupted"
    assert err.strip().splitlines()[-1].startswith("error: interrupted")
    assert integrity(db) == []
    with pytest.raises(ProcessLookupError):  # no worker left behind
        os.killpg(process.pid, 0)


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


def test_a_killed_parallel_ingest_leaves_no_workers_and_a_whole_database(tmp_path):
    write_pages(tmp_path / "pages", 200, seed=11)
    db = tmp_path / "t.db"
    command = [sys.executable, "-m", "extractor", "ingest", str(tmp_path / "pages"), "--db", str(db), "--jobs", "2"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, start_new_session=True)
    assert process.stdout.readline().startswith("p0000.txt: new")
    process.kill()
    process.wait()
    process.stdout.close()
    for _ in range(100):  # the workers notice their parent is gone and end
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("workers outlived their killed parent by 10 s")
    assert integrity(db) == []
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0 and integrity(db) == []
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM pages").fetchone() == (200,)
