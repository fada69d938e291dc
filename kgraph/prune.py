"""Drop the cached builds a new build supersedes, unless a process still has them open.

Each change to a project's files makes a new build directory in the cache (named by the content
hash); at a million triples one is ~360 MB. When a build finishes, the builds of the *same
project* (the same input directories, read from their markers) that it replaces are deleted —
except any that a running process holds open (a server, a notebook): on Linux those have file
descriptors into the directory under ``/proc``. Where ``/proc`` cannot tell, nothing is deleted.
Unfinished builds are deleted only when abandoned: their process is gone and nothing has touched
them for an hour. Builds of other projects and anything that is not a build are left alone.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterable
from pathlib import Path

__all__ = ["directories_in_use", "prune_superseded"]

def _project_of(files: Iterable[str]) -> frozenset[str]:
    """A build's project: the directories its input files were read from."""
    return frozenset(str(Path(f).parent) for f in files)


def directories_in_use(candidates: Iterable[Path]) -> set[Path] | None:
    """Which of ``candidates`` some process has a file open in (None: cannot tell)."""
    wanted = {str(c.resolve()) + os.sep: c for c in candidates}
    if not wanted:
        return set()
    proc = Path("/proc")
    if not (proc / "self" / "fd").is_dir():
        return None
    found: set[Path] = set()
    for pid in os.listdir(proc):
        if not pid.isdigit():
            continue
        try:
            fds = os.listdir(proc / pid / "fd")
        except OSError:  # gone, or another user's process (the cache is per user)
            continue
        for fd in fds:
            try:
                target = os.readlink(proc / pid / "fd" / fd)
            except OSError:
                continue
            for prefix, directory in wanted.items():
                if target.startswith(prefix):
                    found.add(directory)
    return found


#: an unfinished build left this long by a process that is gone is abandoned
ABANDONED_AFTER = 3600.0


def _abandoned(cache: Path) -> list[Path]:
    """Temporary build directories (``.build-<hash>-<pid>-...``) whose process has gone and
    that nothing has touched for :data:`ABANDONED_AFTER` seconds (a crash, a kill)."""
    out = []
    now = time.time()
    for entry in cache.glob(".build-*"):
        parts = entry.name.split("-")
        try:
            pid = int(parts[2])
            if now - entry.stat().st_mtime < ABANDONED_AFTER:
                continue
        except (IndexError, ValueError, OSError):
            continue
        try:
            os.kill(pid, 0)
            continue  # its process still runs
        except ProcessLookupError:
            out.append(entry)
        except OSError:
            continue  # another user's process: not ours to judge
    return out


def prune_superseded(cache: Path, kept: Path, files: Iterable[str], marker: str) -> list[Path]:
    """Delete the finished builds in ``cache`` (directories with a ``marker`` file) of the project
    that ``files`` belong to, other than ``kept`` and those in use; returns what was deleted."""
    project = _project_of(files)
    candidates = []
    for entry in cache.iterdir():
        if entry == kept or entry.name.startswith(".") or not entry.is_dir():
            continue
        try:
            built = json.loads((entry / marker).read_text())
            if _project_of(built.get("files", ())) == project:
                candidates.append(entry)
        except (OSError, ValueError, AttributeError, TypeError):
            continue  # not a finished build: leave it
    candidates += _abandoned(cache)
    in_use = directories_in_use(candidates)
    if in_use is None:
        return []
    deleted = []
    for entry in candidates:
        if entry not in in_use:
            shutil.rmtree(entry, ignore_errors=True)
            deleted.append(entry)
    return deleted
