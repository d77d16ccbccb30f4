"""Page files: find them, read them, decode them, or say exactly why not."""

from __future__ import annotations

import codecs
import hashlib
import heapq
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .errors import BadInput


@dataclass(frozen=True, slots=True)
class PageFile:
    """A decoded page: ``text`` is stored unchanged and all offsets point into it."""

    name: str
    text: str
    sha256: str
    size: int
    encoding: str


def find_pages(paths: list[str]) -> Iterator[tuple[Path, str] | BadInput]:
    """(file, name) for every page under ``paths`` (folders recursively, ``*.txt``, in path
    order), or the error of a path, one at a time: an archive's list of files is never held whole.

    A file given directly is named by its file name; a file found in a folder by its path below
    that folder, so two folders' ``page1.txt`` stay apart. A name already given by an earlier
    path of the run is refused (it would be the same page twice): the earlier paths are asked
    whether they hold it, so no list of names grows with the archive.
    """
    for i, arg in enumerate(paths):
        path = Path(arg)
        if path.is_dir():
            found = False
            for file in _walk(path):
                if isinstance(file, BadInput):
                    yield file
                    continue
                found = True
                yield _unless_named_before(file, file.relative_to(path).as_posix(), paths[:i])
            if not found:
                yield BadInput(arg, "no *.txt pages in this folder")
        elif path.is_file():
            yield _unless_named_before(path, path.name, paths[:i])
        elif path.exists():
            yield BadInput(arg, "not a regular file")
        else:
            yield BadInput(arg, "no such file or directory")


def _unless_named_before(file: Path, name: str, earlier: list[str]) -> tuple[Path, str] | BadInput:
    for arg in earlier:
        first = _page_named(Path(arg), name)
        if first is not None:
            return BadInput(str(file), f"same name as {first} in this run; ingest it apart")
    return file, name


def _page_named(root: Path, name: str) -> Path | None:
    """The page ``find_pages([root])`` names ``name``, if there is one."""
    if root.is_file():
        return root if root.name == name else None
    if not name.endswith(".txt") or not root.is_dir():
        return None
    file, inside = root / name, root
    for part in name.split("/")[:-1]:  # the walk does not enter linked folders
        inside = inside / part
        if inside.is_symlink() or not inside.is_dir():
            return None
    return file if file.is_file() else None


WALK_BATCH = 10_000  # names of one folder held at a time; a bigger folder is read once per batch


def _walk(folder: Path) -> Iterator[Path | BadInput]:
    """The ``*.txt`` files below ``folder`` in the order of their sorted paths, holding at most
    WALK_BATCH names of a folder at a time: a folder of 100,000 pages is read in ten passes, each
    keeping the next 10,000 names in order, so memory does not grow with the folder. Links to
    folders are not followed: they may loop."""
    after = None
    while True:
        try:
            batch = _next_names(folder, after)
        except OSError as exc:
            yield BadInput(str(folder), f"cannot read folder: {exc.strerror or exc}")
            return
        for name, is_folder in batch:
            if is_folder:
                yield from _walk(folder / name)
            else:
                yield folder / name
        if len(batch) < WALK_BATCH:
            return
        after, batch = batch[-1][0], None  # let go of this batch before reading the next: one at a time


def _next_names(folder: Path, after: str | None) -> list[tuple[str, bool]]:
    """The first WALK_BATCH (name, is a folder) of ``folder`` sorted by name, after ``after``:
    subfolders and ``*.txt`` files only."""
    with os.scandir(folder) as scan:
        return heapq.nsmallest(WALK_BATCH, _listing(scan, after))


def _listing(scan: Iterator[os.DirEntry], after: str | None) -> Iterator[tuple[str, bool]]:
    for entry in scan:
        if after is not None and entry.name <= after:
            continue
        if entry.is_dir(follow_symlinks=False):
            yield entry.name, True
        elif entry.name.endswith(".txt") and entry.is_file():
            yield entry.name, False


def decode_page(data: bytes, where: str) -> tuple[str, str]:
    """(text, encoding) of a page's bytes; ``BadInput`` naming ``where`` when it is no text page."""
    if not data:
        raise BadInput(where, "empty file")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text, encoding = data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise BadInput(where, "broken UTF-16 text (odd length or unpaired surrogate)") from None
    elif b"\x00" in data:
        raise BadInput(where, f"binary file (NUL byte at offset {data.index(0)}), not a text page")
    else:
        encoding = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            if exc.end >= len(data) and exc.reason == "unexpected end of data":
                raise BadInput(where, "UTF-8 text cut off in the middle of a character") from None
            text = _gb18030(data)
            if text is None:
                raise BadInput(where, f"neither UTF-8 nor GB18030 text (byte 0x{data[exc.start]:02x} "
                                      f"at offset {exc.start})") from None
            encoding = "gb18030"
    if "\x00" in text:
        raise BadInput(where, "binary file (NUL character), not a text page")
    if not text.strip():
        raise BadInput(where, "no text (only whitespace)")
    return text, encoding


CHINESE_TEXT = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef\u2010-\u2027\u00b7]")
MIN_CHINESE_SHARE = 0.9  # of the non-ASCII characters, for bytes read as GB18030 to count as text


def _gb18030(data: bytes) -> str | None:
    """The text of GB18030/GBK bytes (common on Chinese sites), or None when they are not that:
    almost any bytes decode as GB18030, so the result must read as Chinese."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    wide = [c for c in text if ord(c) > 0x7F]
    if not wide or len(CHINESE_TEXT.findall("".join(wide))) < MIN_CHINESE_SHARE * len(wide):
        return None
    return text


def read_page(path: Path, name: str) -> PageFile:
    """Read and decode one page file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput(str(path), f"cannot read: {exc.strerror or exc}") from None
    text, encoding = decode_page(data, str(path))
    return PageFile(name, text, hashlib.sha256(data).hexdigest(), len(data), encoding)
