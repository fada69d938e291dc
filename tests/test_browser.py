"""Tried as a person would: a real Chromium (Debian's, driven by Playwright) uses the site.

The browser comes from the project's own set-up (`bash scripts/setup.sh --browser` installs
Debian's `chromium`); Playwright never downloads one. Screenshots go to
test-output/screenshots/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from server_support import ROOT, built_store_path, serve_process

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "test-output" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    built_store_path()
    with serve_process() as (base, _proc):
        yield base


@pytest.fixture(scope="module")
def page(server: str) -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run `bash scripts/setup.sh --browser` (installs Debian's "
            "chromium) before the browser tests"
        )
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        pg = context.new_page()
        errors: list[str] = []
        pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        pg.on("pageerror", lambda e: errors.append(str(e)))
        yield pg
        browser.close()
        assert not errors, f"the pages logged errors: {errors}"


def test_search_open_qaani_see_timeline_and_graded_claim(server: str, page: object) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    page.goto(server + "/")
    expect(page.locator("h1")).to_contain_text("knowledge graph")
    page.screenshot(path=str(SHOTS / "01-home.png"), full_page=True)

    page.locator("form.big-search input[name=q]").fill("Qaani")
    page.locator("form.big-search button").click()
    page.wait_for_url(re.compile(r"/search\?q=Qaani"))
    first = page.locator("ol.hits li a").first
    expect(first).to_contain_text("Qaani")
    page.screenshot(path=str(SHOTS / "02-search.png"), full_page=True)

    first.click()
    page.wait_for_url(re.compile(r"/page/esmail-qaani$"))
    expect(page.locator("h1")).to_contain_text("Qaani")
    items = page.locator("#timeline li.tl-item")
    assert items.count() >= 1
    expect(items.first).to_be_visible()
    grade = page.locator("#claims .claim .grade").first
    expect(grade).to_have_text(re.compile(r"^[A-F][1-6] — .+ / .+$"))
    expect(page.locator("#claims .claim .status").first).to_be_visible()
    page.screenshot(path=str(SHOTS / "03-qaani.png"), full_page=True)


def test_run_an_example_query_and_see_the_table(server: str, page: object) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    page.goto(server + "/query")
    example = page.locator("a.example").first
    expect(example).to_be_visible()
    example.click()
    page.wait_for_url(re.compile(r"/query\?example="))
    expect(page.locator("#query")).not_to_be_empty()
    page.locator("#run").click()
    page.wait_for_load_state()
    table = page.locator("table#results")
    expect(table).to_be_visible()
    assert table.locator("tbody tr").count() >= 1
    page.screenshot(path=str(SHOTS / "04-query.png"))
