"""The ``wujin`` command: each subcommand parses its options and calls the library.

Errors become one line, ``error: <file>: <reason>``, and a non-zero exit status.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
import unicodedata
from datetime import date
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from . import __version__
from .dates import DateError, date_from_filename, infer_date, parse_date, read_manifest
from .db.engine import at_head, head_revision, open_database
from .db.models import ExtractionRun
from .db.schema import dump_schema
from .db.store import Changes, finish_run, needs_extraction, reextract_all, save_page, start_run
from .errors import BadInput, DatabaseError, WujinError
from .evaluate import evaluate, report
from .export import fact_records, record_of_fact, write_records
from .facts import PublicationDate
from .pages import decode_page, find_pages, read_page
from .parallel import in_order
from .pipeline import extract_page
from .rows import date_columns, page_rows
from .rules import RuleError, load_rules
from .vocab import DateSource, Kind, Metric, Precision, values

DEFAULT_DB = "wujin.db"


def _err(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text!r}")
    return int(text)


def _date_arg(text: str) -> date:
    try:
        return parse_date(text)
    except DateError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


# ---- ingest ------------------------------------------------------------------------------------

class _HeldInterrupts:
    """Ctrl-C stops at once, except inside a ``held()`` block (a database transaction), where it
    waits for the block to end: an interrupt inside a commit could leave the write lock held,
    and the run's closing record would then wait for it in vain."""

    def __init__(self):
        self.depth, self.pending = 0, False

    def handle(self, signum, frame):
        if self.depth:
            self.pending = True
        else:
            raise KeyboardInterrupt

    @contextlib.contextmanager
    def held(self):
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1
            if not self.depth and self.pending:
                self.pending = False
                raise KeyboardInterrupt

    @contextlib.contextmanager
    def installed(self):
        if threading.current_thread() is not threading.main_thread():
            yield  # only the main thread receives signals
            return
        previous = signal.signal(signal.SIGINT, self.handle)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)


def cmd_ingest(args) -> int:
    rules = load_rules()
    manifest = read_manifest(Path(args.manifest)) if args.manifest else {}
    engine = open_database(args.db, writer=True)
    interrupts = _HeldInterrupts()
    changes = Changes()
    counts = {"new": 0, "unchanged": 0, "replaced": 0, "redated": 0, "duplicate": 0}
    total_articles = total_facts = 0
    errors: list = []
    run_id = None
    with interrupts.installed():
        try:
            with interrupts.held(), Session(engine) as session, session.begin():
                run_id = start_run(session, "ingest", rules).id
            tasks = _ingest_tasks(find_pages(args.paths), engine, args.date, manifest, interrupts)
            for (path, name, page_file, published, problem), rows in in_order(page_rows, tasks, args.jobs):
                try:
                    if problem is not None:
                        raise problem
                    with interrupts.held(), Session(engine) as session, session.begin():
                        saved = save_page(session, page_file, published, run_id, rules, changes, rows)
                except WujinError as exc:
                    errors.append(exc)
                    _err(str(exc))
                    continue
                except SQLAlchemyError as exc:
                    errors.append(exc)
                    _err(f"{path}: not stored: database error: {getattr(exc, 'orig', None) or exc}")
                    continue
                counts[saved.status] += 1
                if saved.status == "duplicate":
                    print(f"{name}: same text as {saved.name}, already stored; skipped")
                    continue
                total_articles += saved.articles
                total_facts += saved.facts
                print(f"{name}: {saved.status}, {saved.articles} articles, {saved.facts} facts", flush=True)
        finally:
            if run_id is not None:
                with interrupts.held(), Session(engine) as session, session.begin():
                    finish_run(session.get(ExtractionRun, run_id), changes)
            engine.dispose()
    done = ", ".join(f"{n} {k}" for k, n in counts.items() if n or k in ("new", "unchanged", "replaced"))
    print(f"total: {sum(counts.values())} pages ({done}), {total_articles} articles, {total_facts} facts"
          + (f"; {len(errors)} errors" if errors else ""))
    return 1 if errors else 0


def _ingest_tasks(pages, engine, given: date | None, manifest: dict[str, date], interrupts: _HeldInterrupts):
    """Each page read, dated and checked: ``(context, args)`` for ``page_rows``, args None when
    the page needs no extraction (stored as it is) or cannot be read (context carries the problem)."""
    for found in pages:
        if isinstance(found, BadInput):
            yield (found.path, None, None, None, found), None
            continue
        path, name = found
        try:
            page_file = read_page(path, name)
            published = _publication(given, manifest, path, name)
        except WujinError as exc:
            yield (path, name, None, None, exc), None
            continue
        with interrupts.held(), Session(engine) as session:
            needed = needs_extraction(session, page_file, published)
        args = (page_file.text, *date_columns(published)) if needed else None
        yield (path, name, page_file, published, None), args


def _publication(given: date | None, manifest: dict[str, date], path: Path, name: str) -> PublicationDate | None:
    """The date the user gave, else the manifest's, else the file name's; None means infer."""
    if given:
        return PublicationDate(given, DateSource.GIVEN)
    for key in (name, path.name):
        if key in manifest:
            return PublicationDate(manifest[key], DateSource.MANIFEST)
    from_name = date_from_filename(name)
    return PublicationDate(from_name, DateSource.FILENAME) if from_name else None


# ---- re-extract --------------------------------------------------------------------------------

def cmd_reextract(args) -> int:
    rules = load_rules()
    engine = open_database(args.db, upgrade=not args.dry_run, writer=not args.dry_run)
    try:
        if args.dry_run and not at_head(engine):
            raise DatabaseError(f"{args.db}: the schema is older than this wujin-extractor's; a dry run "
                                "writes nothing, so run `wujin db upgrade` first")
        with Session(engine) as session:
            with session.begin():
                _, changes = reextract_all(session, rules, args.jobs)
                summary = _summary(changes)
                if args.dry_run:
                    session.rollback()
    finally:
        engine.dispose()
    print(summary)
    if args.dry_run:
        print("dry run: nothing written")
    return 0


def _summary(changes: Changes) -> str:
    lines = [
        f"pages: {changes.pages}; facts added {sum(changes.added.values())}, removed "
        f"{sum(changes.removed.values())}, changed {sum(changes.changed.values())}; articles changed "
        f"{changes.articles_changed}; publication dates changed {changes.dates_changed}"
    ]
    metrics = sorted(set(changes.added) | set(changes.removed) | set(changes.changed))
    if metrics:
        lines.append(f"{'metric':<16} {'added':>7} {'removed':>7} {'changed':>7}")
        for m in metrics:
            lines.append(f"{m:<16} {changes.added[m]:>7} {changes.removed[m]:>7} {changes.changed[m]:>7}")
    else:
        lines.append("no changes")
    return "\n".join(lines)


# ---- export, parse, facts ----------------------------------------------------------------------

def cmd_export(args) -> int:
    engine = open_database(args.db)
    try:
        if args.out:
            with open(args.out, "w", encoding="utf-8", newline="") as out:
                count = write_records(fact_records(engine), out, args.format)
            print(f"{count} facts written to {args.out}", file=sys.stderr)
        else:
            write_records(fact_records(engine), sys.stdout, args.format)
    finally:
        engine.dispose()
    return 0


def cmd_parse(args) -> int:
    if args.text in (None, "-"):
        data = sys.stdin.buffer.read()
        text, _ = decode_page(data, "<stdin>")
    else:
        text = args.text
        if not text.strip():
            raise BadInput("<text>", "no text (only whitespace)")
    if args.date:
        published = PublicationDate(args.date, DateSource.GIVEN)
    else:
        published = infer_date(text)
    day, source, precision = date_columns(published)
    extraction = extract_page(text, day, precision=Precision(precision or "day"))
    articles = {a.seq: a for a in extraction.articles}
    records = (record_of_fact(f, articles[f.article_seq], None, None, day, source if published else None)
               for f in extraction.facts)
    write_records(records, sys.stdout, "jsonl")
    return 0


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def cmd_facts(args) -> int:
    conditions, params = [], {}
    for column in ("metric", "kind", "subject"):
        value = getattr(args, column)
        if value:
            conditions.append(f"{column} = :{column}")
            params[column] = value
    if args.since:
        conditions.append("published_on >= :since")
        params["since"] = args.since.isoformat()
    if args.until:
        conditions.append("published_on <= :until")
        params["until"] = args.until.isoformat()
    where = ("WHERE " + " AND ".join(conditions)) if conditions else ""
    engine = open_database(args.db)
    try:
        records = list(fact_records(engine, where, params, limit=args.limit))
    finally:
        engine.dispose()
    header = ("published", "source", "art", "metric", "value", "unit", "qual", "subject", "period", "surface")
    rows = [header]
    for r in records:
        value = r["value"] + (f"..{r['value_high']}" if r["value_high"] else "")
        period = f"{r['period_start']}..{r['period_end']}" if r["period_start"] else ""
        rows.append((r["published_on"] or "", r["source"], str(r["article_seq"]), r["metric"], value, r["unit"],
                     r["qualifier"], r["subject"] or "", period, r["surface"].replace("\n", "⏎")))
    widths = [max(_width(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        print("  ".join(_pad(cell, w) for cell, w in zip(row, widths)).rstrip())
    print(f"({len(records)} facts{', limited' if args.limit and len(records) == args.limit else ''})")
    return 0


def cmd_evaluate(args) -> int:
    score = evaluate(Path(args.gold), Path(args.pages))
    print(report(score))
    if args.verbose:
        print()
        print("\n".join(score.misses) or "no differences")
    return 0


# ---- db ------------------------------------------------------------------------------------------

def cmd_db_upgrade(args) -> int:
    open_database(args.db).dispose()
    print(f"{args.db}: at schema revision {head_revision()}")
    return 0


def cmd_db_schema(args) -> int:
    sys.stdout.write(dump_schema())
    return 0


# ---- wiring --------------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wujin", description="Chinese local-newspaper pages to typed, dated facts in SQLite.")
    parser.add_argument("--version", action="version", version=f"wujin-extractor {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def jobs_option(p):
        p.add_argument("--jobs", type=_positive, default=1, metavar="N",
                       help="extract in N processes (one writer; results as with one job; default 1)")

    def db_option(p):
        p.add_argument("--db", default=DEFAULT_DB, help="database file or SQLAlchemy URL (default: %(default)s)")

    p = sub.add_parser("ingest", help="store pages, their articles and facts",
                       description="Store page files (folders: every *.txt below them) with their articles and facts. "
                                   "An identical page changes nothing; a changed page replaces its facts.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="page files or folders")
    db_option(p)
    p.add_argument("--date", type=_date_arg, help="publication date YYYY-MM-DD of every page given")
    p.add_argument("--manifest", help="CSV with columns file,published giving each page's date")
    jobs_option(p)
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("re-extract", help="re-run the current rules over every stored page",
                       description="Re-run the current rules over every stored page in one transaction and "
                                   "print what changed, by metric.")
    db_option(p)
    p.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    jobs_option(p)
    p.set_defaults(func=cmd_reextract)

    p = sub.add_parser("export", help="write every fact as JSON Lines or CSV",
                       description="One record per fact with the fields of the export contract (README).")
    db_option(p)
    p.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    p.add_argument("--out", help="file to write (default: standard output)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("parse", help="the facts in a piece of text, as JSON Lines",
                       description="Extract the facts of TEXT (or standard input with '-' or no TEXT); "
                                   "offsets point into the text given.")
    p.add_argument("text", nargs="?", metavar="TEXT")
    p.add_argument("--date", type=_date_arg, help="publication date YYYY-MM-DD for relative periods")
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("facts", help="a readable table of stored facts",
                       description="Show stored facts as a table, filtered.")
    db_option(p)
    p.add_argument("--metric", choices=values(Metric), metavar="METRIC", help="e.g. loan_balance, output_value")
    p.add_argument("--kind", choices=values(Kind))
    p.add_argument("--subject", help="exact subject, e.g. 武进区")
    p.add_argument("--since", type=_date_arg, help="published on or after YYYY-MM-DD")
    p.add_argument("--until", type=_date_arg, help="published on or before YYYY-MM-DD")
    p.add_argument("--limit", type=_positive, help="show at most this many rows")
    p.set_defaults(func=cmd_facts)

    p = sub.add_parser("evaluate", help="precision, recall and attribute accuracy against gold annotations",
                       description="Score the rules on pages against gold annotations (tests/gold/FORMAT.md).")
    p.add_argument("gold", metavar="GOLD_DIR", help="folder of gold *.toml files")
    p.add_argument("--pages", required=True, metavar="PAGES_DIR", help="folder holding the pages they annotate")
    p.add_argument("--verbose", action="store_true", help="list every difference")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("db", help="database maintenance: upgrade, schema")
    dbsub = p.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    q = dbsub.add_parser("upgrade", help="migrate the database to the newest schema")
    db_option(q)
    q.set_defaults(func=cmd_db_upgrade)
    q = dbsub.add_parser("schema", help="print the DDL of the newest schema (schema.sql)")
    q.set_defaults(func=cmd_db_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (WujinError, DateError, RuleError) as exc:
        _err(str(exc))
        return 1
    except SQLAlchemyError as exc:
        _err(f"{getattr(args, 'db', 'database')}: database error: {getattr(exc, 'orig', None) or exc}")
        return 1
    except OSError as exc:
        _err(f"{exc.filename or getattr(args, 'db', '')}: {exc.strerror or exc}")
        return 1
    except KeyboardInterrupt:
        _err("interrupted; pages already reported were saved, the page in progress was not")
        return 130
    except BrokenPipeError:
        return 0
