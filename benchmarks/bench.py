"""Throughput of extraction, ingest and re-extract, with peak memory, and peers side by side.

    python benchmarks/bench.py --pages 1000            # one size
    python benchmarks/bench.py --scaling 1000 10000    # how throughput changes with size
    python benchmarks/bench.py --big-page 1 4 16       # one page of 1, 4, 16 million characters
    python benchmarks/bench.py --stages --pages 200    # extraction's time by stage

The corpus is built from the pages at hand (the sample pages in ../shared/corpus when present,
and the project's own test pages), varied so that no two pages are identical: each copy gets a
different number in every figure and a different file name. Each measurement runs in a fresh
process (so peak RSS is its own) and reports the median of --runs runs.

Peers run when importable in the same interpreter: JioNLP's extract_money and
Recognizers-Text's currency/percentage/dimension/number models (Chinese), each called once per
page. Install them apart from the project, e.g. in another virtual environment with this
project installed too: `pip install jionlp` and `pip install --pre recognizers-text-suite 'emoji<2'`.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCES = [REPO.parent / "shared" / "corpus", REPO / "tests" / "devset" / "pages",
           REPO / "tests" / "devset2" / "pages"]


def base_pages() -> list[str]:
    pages = []
    for folder in SOURCES:
        if folder.is_dir():
            pages += [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    if not pages:
        sys.exit("error: no pages to build a corpus from")
    return pages


def build_corpus(folder: Path, count: int) -> int:
    """Write ``count`` distinct pages into ``folder``; returns their total characters."""
    pages = base_pages()
    folder.mkdir(parents=True, exist_ok=True)
    chars = 0
    for i in range(count):
        text = pages[i % len(pages)]
        copy = i // len(pages)
        if copy:  # vary every figure so no two pages are identical
            text = re.sub(r"\d+", lambda m: str(int(m.group()) + copy), text)
        (folder / f"p{i:07d}.txt").write_text(text, encoding="utf-8")
        chars += len(text)
    return chars


# ---- measurements, each run in a child process: `bench.py --child WHAT FOLDER` ---------------

def _runner(what: str, folder: Path, db: Path):
    """The work to time, with its imports done beforehand (start-up is not throughput)."""
    from extractor.pages import find_pages

    def files():  # the pages in ingest's order, never all their paths at once
        return (path for path, _ in find_pages([str(folder)]))
    if what == "extract":
        from extractor.pipeline import extract_page

        def run():
            for f in files():
                extract_page(f.read_text(encoding="utf-8"), None)  # results are not kept, as in use
        return run
    if what.split()[0] in ("ingest", "re-extract"):  # "ingest", or "ingest --jobs 2"
        import contextlib
        import os

        from extractor.cli import main
        command, *jobs = what.split()
        args = (["ingest", str(folder)] if command == "ingest" else ["re-extract"]) + ["--db", str(db)] + jobs

        def run():
            # a page's line goes where a terminal's would, not into memory: kept in a StringIO,
            # 100,000 pages' lines alone raise the peak RSS by ~9 MB (10,000 pages': ~1 MB)
            with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
                main(args)
        return run
    if what == "jionlp":
        import jionlp as jio

        def run():
            for f in files():
                jio.ner.extract_money(f.read_text(encoding="utf-8"))
        return run
    if what == "recognizers":
        from recognizers_number import recognize_number, recognize_percentage
        from recognizers_number_with_unit import recognize_currency, recognize_dimension
        from recognizers_text import Culture
        calls = (recognize_currency, recognize_percentage, recognize_dimension, recognize_number)

        def run():
            for f in files():
                text = f.read_text(encoding="utf-8")
                for call in calls:
                    call(text, Culture.Chinese)
        return run
    raise SystemExit(f"unknown measurement {what}")


def big_page(folder: Path, chars: int) -> int:
    """One page of about ``chars`` characters: the base pages one after another, figures varied."""
    pages, parts, total, copy = base_pages(), [], 0, 0
    while total < chars:
        for text in pages:
            text = re.sub(r"\d+", lambda m: str(int(m.group()) + copy), text) if copy else text
            parts.append(text)
            total += len(text)
        copy += 1
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "big.txt").write_text("\n\n".join(parts), encoding="utf-8")
    return total


def big_pages(millions: list[float], runs: int) -> None:
    """Extraction and ingest of single pages of growing size: flat chars/s means linear time."""
    print(f"\none page of growing size, median of {runs} runs")
    print(f"{'chars':>12} {'what':<8} {'seconds':>9} {'chars/s':>12} {'peak RSS MB':>12}")
    for size in millions:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "pages"
            chars = big_page(folder, int(size * 1_000_000))
            for what in ("extract", "ingest"):
                r = measure(what, folder, runs, Path(tmp) / "bench.db")
                print(f"{chars:>12,} {what:<8} {r['seconds']:>9.2f} {chars / r['seconds']:>12,.0f} {r['rss_mb']:>12.1f}")


def stages(count: int, runs: int) -> None:
    """Where extraction's time goes: each stage's share, and how fast the first stages run alone."""
    from extractor.articles import split_articles
    from extractor.pipeline import extract_page
    from extractor.quantities import extract_quantities
    from extractor.text import normalize

    def figures(text):
        norm = normalize(text)
        return [extract_quantities(norm, s, e) for a in split_articles(norm) for s, e in a.segments]

    steps = [("repair text (text.normalize)", normalize),
             ("+ articles (articles.split_articles)", lambda t: split_articles(normalize(t))),
             ("+ figures (quantities.extract_quantities)", figures),
             ("+ meaning, subject, period: all (extract_page)", lambda t: extract_page(t, None))]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pages"
        chars = build_corpus(folder, count)
        texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    print(f"\nextraction by stage, {count} pages, {chars:,} characters in memory, CPU time, median of {runs} runs")
    print(f"{'stages run':<48} {'chars/s':>12} {'share of all':>13}")
    seconds = {}
    for name, step in steps:
        step(texts[0])  # rule tables compiled before timing
        times = []
        for _ in range(runs):
            started = time.process_time()
            for text in texts:
                step(text)
            times.append(time.process_time() - started)
        seconds[name] = statistics.median(times)
    every = seconds[steps[-1][0]]
    for name, _ in steps:
        print(f"{name:<48} {chars / seconds[name]:>12,.0f} {seconds[name] / every:>12.0%}")


def child(what: str, folder: Path, db: Path) -> dict:
    run = _runner(what, folder, db)
    started = time.perf_counter()
    run()
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def measure(what: str, folder: Path, runs: int, db: Path) -> dict | None:
    """Median seconds and peak RSS of ``runs`` runs of ``what``. An ingest starts each run from no
    database and leaves its last one, which a re-extract after it runs over."""
    results = []
    if what.startswith("re-extract") and not db.exists():
        subprocess.run([sys.executable, __file__, "--child", "ingest", str(folder), str(db)], check=True,
                       capture_output=True)
    for _ in range(runs):
        if what.startswith("ingest"):
            for leftover in db.parent.glob(db.name + "*"):
                leftover.unlink()
        done = subprocess.run([sys.executable, __file__, "--child", what, str(folder), str(db)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            return None  # a peer that is not installed
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {"seconds": statistics.median(r["seconds"] for r in results),
            "rss_mb": max(r["rss_mb"] for r in results), "worker_mb": max(r["worker_mb"] for r in results)}


def report(count: int, runs: int, peers: bool, jobs: int, only: set[str] | None = None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pages"
        chars = build_corpus(folder, count)
        rows = {}
        db = Path(tmp) / "bench.db"
        plan = ["extract", "ingest", "re-extract"]
        if jobs > 1:
            plan += [f"ingest --jobs {jobs}", f"re-extract --jobs {jobs}"]
        for what in plan:
            if only is None or what.split()[0] in only:
                rows[what] = measure(what, folder, runs, db)
        if peers:
            for peer in ("jionlp", "recognizers"):
                result = measure(peer, folder, runs, db)
                if result:
                    rows[peer] = result
        shutil.rmtree(folder)
    print(f"\n{count} pages, {chars:,} characters, median of {runs} runs")
    print(f"{'what':<22} {'seconds':>9} {'chars/s':>12} {'pages/s':>9} {'peak RSS MB':>12} {'each worker':>12}")
    for what, r in rows.items():
        worker = f"{r['worker_mb']:>12.1f}" if "--jobs" in what else ""
        print(f"{what:<22} {r['seconds']:>9.2f} {chars / r['seconds']:>12,.0f} {count / r['seconds']:>9.1f} "
              f"{r['rss_mb']:>12.1f} {worker}")
    if only is not None:
        return {what: count / r["seconds"] for what, r in rows.items()}
    ours = rows["extract"]["seconds"]
    for peer in ("jionlp", "recognizers"):
        if peer in rows:
            print(f"extraction speed / {peer}: {rows[peer]['seconds'] / ours:.2f}x")
            for what in ("ingest", "re-extract") + ((f"ingest --jobs {jobs}", f"re-extract --jobs {jobs}") if jobs > 1 else ()):
                print(f"  {what} speed / {peer}: {rows[peer]['seconds'] / rows[what]['seconds']:.2f}x")
    for what in ("ingest", "re-extract"):
        if jobs > 1:
            print(f"{what} --jobs {jobs} / one job: {rows[what]['seconds'] / rows[f'{what} --jobs {jobs}']['seconds']:.2f}x")
    return {what: count / r["seconds"] for what, r in rows.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=1000, help="corpus size (default 1000)")
    parser.add_argument("--scaling", type=int, nargs="+", help="several sizes: shows throughput by size")
    parser.add_argument("--big-page", type=float, nargs="+", metavar="MILLION_CHARS",
                        help="instead: single pages of these sizes in millions of characters")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement; the median is shown")
    parser.add_argument("--no-peers", action="store_true", help="skip the peers even when installed")
    parser.add_argument("--only", nargs="+", choices=("extract", "ingest", "re-extract"),
                        help="time only these (no peers, no ratios)")
    parser.add_argument("--jobs", type=int, default=2, help="also time ingest and re-extract with --jobs N (1: not)")
    parser.add_argument("--stages", action="store_true", help="instead: extraction's time by stage (in memory)")
    parser.add_argument("--child", nargs=3, metavar=("WHAT", "FOLDER", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        what, folder, db = args.child
        print(json.dumps(child(what, Path(folder), Path(db))))
        return
    if args.stages:
        stages(args.pages, args.runs)
        return
    if args.big_page:
        big_pages(args.big_page, args.runs)
        return
    sizes = args.scaling or [args.pages]
    by_size = {size: report(size, args.runs, not args.no_peers and not args.only, args.jobs,
                            set(args.only) if args.only else None) for size in sizes}
    if len(sizes) > 1:
        print("\npages/s by corpus size (flat means linear):")
        for what in by_size[sizes[0]]:
            print(f"{what:<22} " + "  ".join(f"{size}: {by_size[size][what]:8.1f}" for size in sizes))


if __name__ == "__main__":
    main()
