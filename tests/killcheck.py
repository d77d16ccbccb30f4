"""Kill ingest and re-extract at random moments (SIGKILL) and check that nothing is half-written.

A page is in with all its articles and facts, or not at all; a re-extract run is all or
nothing; re-running finishes the job. `tests/test_robustness.py` runs a few kills;
`python -m tests.killcheck --kills 50` runs the campaign whose figures the README reports.
"""

from __future__ import annotations

import argparse
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from extractor.pipeline import extract_page

PAGE = """

全区经济运行稳中有进

本报讯(记者 周一)截至{m}月末,全区各项贷款余额达{a}.4亿元,较年初增加{b}.6亿元,同比增长{c}.2%。

今年以来,全区新增上市企业{d}家、高新技术企业{e}家,完成工业投资{f}亿元,腾退低效用地{g}亩。

重点项目 进行时

位于高新区的智能装备项目正在加紧建设,项目总投资{h}亿元,规划用地{g}亩。 张三 摄
"""


def write_pages(folder: Path, count: int, seed: int) -> None:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        values = {k: rng.randint(2, 999) for k in "abcdefgh"} | {"m": rng.randint(1, 12)}
        (folder / f"p{i:04d}.txt").write_text(PAGE.format(**values), encoding="utf-8")


def run(args: list[str], kill_after: float | None) -> int | None:
    """Run wujin; SIGKILL it after ``kill_after`` seconds. Returns its exit status, or None if killed.
    Run to the end, a failure raises with what the command said."""
    if kill_after is None:
        done = subprocess.run([sys.executable, "-m", "extractor", *args], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"wujin {' '.join(args)} failed: {done.stderr.strip()[-500:]}")
        return done.returncode
    process = subprocess.Popen([sys.executable, "-m", "extractor", *args],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        return process.wait(timeout=kill_after)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return None


def integrity(db: Path) -> list[str]:
    """What is wrong with the database: empty when every stored page is whole."""
    problems = []
    with sqlite3.connect(db) as con:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        wanted = {"pages", "articles", "facts", "extraction_runs", "alembic_version"}
        if not tables & wanted:
            return []  # killed before the schema was created: an empty database is a whole one
        if wanted - tables:
            return [f"half a schema: {sorted(wanted - tables)} missing"]
        if con.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            problems.append("integrity_check failed")
        if con.execute("PRAGMA foreign_key_check").fetchall():
            problems.append("rows point at missing rows")
        orphans = con.execute("SELECT count(*) FROM articles a LEFT JOIN pages p ON p.id = a.page_id "
                              "WHERE p.id IS NULL").fetchone()[0]
        if orphans:
            problems.append(f"{orphans} articles without their page")
        for page_id, name, text, published in con.execute(
                "SELECT id, name, text, published_on FROM pages WHERE is_current"):
            stored = sorted(con.execute(
                "SELECT f.source_start, f.source_end, f.kind FROM facts f JOIN articles a ON a.id = f.article_id "
                "WHERE a.page_id = ?", (page_id,)).fetchall())
            day = None if published is None else __import__("datetime").date.fromisoformat(published)
            expected = sorted((f.quantity.span.start, f.quantity.span.end, f.kind.value)
                              for f in extract_page(text, day).facts)
            if stored != expected:
                problems.append(f"{name}: {len(stored)} of its {len(expected)} facts stored")
        runs = con.execute("SELECT count(DISTINCT run_id) FROM facts").fetchone()[0]
        if runs > 2:
            problems.append(f"facts from {runs} runs")
    return problems


def fact_rows(db: Path) -> list:
    with sqlite3.connect(db) as con:
        return con.execute("SELECT article_id, source_start, kind, metric, subject FROM facts ORDER BY id").fetchall()


def campaign(folder: Path, kills: int, pages: int, seed: int = 7) -> dict:
    """Kill ingest and re-extract ``kills`` times each; returns what was seen."""
    rng = random.Random(seed)
    write_pages(folder / "pages", pages, seed)
    seen = {"ingest kills": 0, "re-extract kills": 0, "problems": []}
    for k in range(kills):
        db = folder / f"ingest{k}.db"
        if run(["ingest", str(folder / "pages"), "--db", str(db)], rng.uniform(0.5, 3.0)) is None:
            seen["ingest kills"] += 1
        if db.exists():
            seen["problems"] += [f"ingest kill {k}: {p}" for p in integrity(db)]
        if run(["ingest", str(folder / "pages"), "--db", str(db)], None) != 0:
            seen["problems"].append(f"ingest kill {k}: re-running did not finish")
        with sqlite3.connect(db) as con:
            stored = con.execute("SELECT count(*) FROM pages WHERE is_current").fetchone()[0]
        if stored != pages:
            seen["problems"].append(f"ingest kill {k}: {stored} of {pages} pages after re-running")
        # a rule change, as the database sees it: every fact's subject differs from what the rules give
        with sqlite3.connect(db) as con:
            con.execute("UPDATE facts SET subject = 'stale'")
        before = fact_rows(db)
        if run(["re-extract", "--db", str(db)], rng.uniform(0.5, 3.0)) is None:
            seen["re-extract kills"] += 1
        after = fact_rows(db)
        if after != before and any(row[4] == "stale" for row in after):
            seen["problems"].append(f"re-extract kill {k}: old and new facts mixed")
        seen["problems"] += [f"re-extract kill {k}: {p}" for p in integrity(db)]
        if run(["re-extract", "--db", str(db)], None) != 0 or any(r[4] == "stale" for r in fact_rows(db)):
            seen["problems"].append(f"re-extract kill {k}: re-running did not finish")
        db.unlink()
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--pages", type=int, default=200)
    args = parser.parse_args()
    import tempfile
    started = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        seen = campaign(Path(tmp), args.kills, args.pages)
    print(f"{seen['ingest kills']} ingests and {seen['re-extract kills']} re-extracts killed mid-run "
          f"({args.pages} pages each, {time.time() - started:.0f} s); problems: {len(seen['problems'])}")
    for problem in seen["problems"]:
        print("  " + problem)
    sys.exit(1 if seen["problems"] else 0)


if __name__ == "__main__":
    main()
