"""A throw-away copy of the kgraph project for the curation tests (never the real data/)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHEETS = REPO / "tests" / "fixtures" / "sheets"


def make_project(tmp: Path, *, with_data: bool = True) -> Path:
    """Copy ontology/, shapes/ and (optionally) data/ into ``tmp/project``; return it."""
    root = tmp / "project"
    root.mkdir()
    for part in ("ontology", "shapes"):
        shutil.copytree(REPO / part, root / part)
    if with_data:
        shutil.copytree(REPO / "data", root / "data")
    else:
        (root / "data").mkdir()
    return root


def snapshot(directory: Path) -> dict[str, str]:
    """Every file under ``directory`` (hidden ones too) -> the SHA-256 of its bytes."""
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def write_sheet(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path
