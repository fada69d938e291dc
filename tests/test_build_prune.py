"""A finished build deletes the builds of the same project it supersedes, unless one is in use."""

from __future__ import annotations

import subprocess
import sys
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
