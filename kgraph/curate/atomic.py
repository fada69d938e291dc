"""Atomic writes to ``data/``: every file changes, or none does.

:func:`write_files` writes each new file to a hidden temporary file in the same directory
(``.NAME.kgraph-tmp``; the loader skips hidden files), fsyncs it, and only then renames it over
the target (``os.replace`` is atomic on POSIX) and fsyncs the directory. When several files
change together, a journal (``.kgraph-journal.json``, written and fsynced after every temporary
file is complete) lists the renames; a process killed half-way through the renames leaves the
journal behind and the next :func:`recover` (run by every write and by ``kgraph add``) finishes
them. A process killed before the journal exists leaves only hidden temporary files, which
:func:`recover` deletes: ``data/`` is then exactly as before.

:func:`locked` serialises writers with an advisory lock (flock) on the directory itself.

Test hook (documented, tiny, off unless set): ``KGRAPH_TEST_CRASH_AT=after-temp-write`` makes
the writer ``os._exit(70)`` once the temporary files are written, before any rename;
``KGRAPH_TEST_CRASH_AT=after-first-rename`` exits after the first of several renames.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Final

CRASH_ENV: Final = "KGRAPH_TEST_CRASH_AT"
CRASH_EXIT: Final = 70
JOURNAL: Final = ".kgraph-journal.json"
TMP_SUFFIX: Final = ".kgraph-tmp"


def _crash_point(name: str) -> None:
    if os.environ.get(CRASH_ENV) == name:
        os._exit(CRASH_EXIT)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_durably(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def temp_name(target: Path) -> Path:
    return target.with_name("." + target.name + TMP_SUFFIX)


def recover(directory: Path) -> list[str]:
    """Finish an interrupted multi-file write, or clean up after one that never began renaming.

    Returns the names of the files it completed (empty when there was nothing to finish).
    """
    done: list[str] = []
    journal = directory / JOURNAL
    if journal.exists():
        entries = json.loads(journal.read_text("utf-8"))
        for name in entries["files"]:
            target = directory / name
            tmp = temp_name(target)
            if tmp.exists():
                os.replace(tmp, target)
                done.append(name)
        _fsync_dir(directory)
        journal.unlink()
        _fsync_dir(directory)
    for stray in directory.glob("." + "*" + TMP_SUFFIX):
        stray.unlink()
    return done


@contextlib.contextmanager
def locked(directory: Path) -> Iterator[None]:
    """Hold the directory's writer lock (blocks while another kgraph process writes)."""
    directory.mkdir(parents=True, exist_ok=True)
    fd = os.open(directory, os.O_RDONLY)  # lock the directory itself: no lock file left behind
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def write_files(directory: Path, files: Mapping[str, bytes]) -> None:
    """Replace (or create) ``directory/NAME`` with ``files[NAME]``, all or nothing.

    Names are plain file names inside ``directory`` (no sub-directories).
    """
    if not files:
        return
    for name in files:
        if "/" in name or name.startswith(".") or name in ("", ".."):
            raise ValueError(f"not a plain file name: {name!r}")
    recover(directory)
    names = sorted(files)
    for name in names:
        _write_durably(temp_name(directory / name), files[name])
    _crash_point("after-temp-write")
    if len(names) > 1:
        journal = directory / JOURNAL
        _write_durably(journal, json.dumps({"files": names}).encode())
        _fsync_dir(directory)
    for i, name in enumerate(names):
        os.replace(temp_name(directory / name), directory / name)
        if i == 0 and len(names) > 1:
            _crash_point("after-first-rename")
    _fsync_dir(directory)
    if len(names) > 1:
        (directory / JOURNAL).unlink()
        _fsync_dir(directory)
