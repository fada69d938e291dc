"""A finished build deletes the builds of the same project it supersedes, unless one is in use."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import copy_project

from kgraph.build import Inputs, build_embedded

pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")


def _edit(project: Path, note: str) -> None:
    curation = project / "data" / "curation.trig"
    curation.write_text(curation.read_text() + f"\n# {note}\n")


def test_a_new_build_deletes_the_one_it_supersedes(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    cache = tmp_path / "cache"
    old, _ = build_embedded(Inputs.from_dir(project), cache)
    _edit(project, "an edit")
    new, _ = build_embedded(Inputs.from_dir(project), cache)
    assert new.is_dir() and new != old
    assert not old.exists()


def test_builds_of_other_projects_and_other_folders_are_left_alone(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    one = copy_project(tmp_path / "one")
    two = copy_project(tmp_path / "two")
    first_two, _ = build_embedded(Inputs.from_dir(two), cache)
    (cache / "notes").mkdir()
    (cache / "notes" / "keep.txt").write_text("not a build")
    build_embedded(Inputs.from_dir(one), cache)
    _edit(one, "an edit")
    build_embedded(Inputs.from_dir(one), cache)
    assert first_two.is_dir() and (cache / "notes" / "keep.txt").is_file()


def test_a_build_another_process_has_open_is_kept(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    cache = tmp_path / "cache"
    old, _ = build_embedded(Inputs.from_dir(project), cache)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, pyoxigraph as ox; s = ox.Store.read_only(sys.argv[1]); "
         "print('open', flush=True); sys.stdin.read(); print(len(s))", str(old)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        _edit(project, "an edit while a server reads the old build")
        new, _ = build_embedded(Inputs.from_dir(project), cache)
        assert new != old and old.is_dir()
        out, _ = holder.communicate("", timeout=30)
        assert int(out.strip()) > 0  # the old build still answered after the new one was made
    finally:
        if holder.poll() is None:
            holder.kill()
    _edit(project, "another edit, nobody reading")
    build_embedded(Inputs.from_dir(project), cache)
    assert not old.exists() and not new.exists()


def test_an_abandoned_unfinished_build_is_deleted_a_live_one_kept(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    cache = tmp_path / "cache"
    cache.mkdir()
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead = cache / f".build-0123456789ab-{gone.stdout.strip()}-deadbeef"
    live = cache / f".build-0123456789ab-{os.getpid()}-cafecafe"
    fresh = cache / f".build-0123456789ab-{gone.stdout.strip()}-0badf00d"
    for d in (dead, live, fresh):
        d.mkdir()
        (d / "000001.sst").write_bytes(b"half a store")
    old = time.time() - 2 * 3600
    for d in (dead, live):
        os.utime(d, (old, old))
    build_embedded(Inputs.from_dir(project), cache)
    assert not dead.exists()  # its process is gone and it is two hours old
    assert live.is_dir()  # its process (this one) still runs
    assert fresh.is_dir()  # touched a moment ago: maybe still being written
