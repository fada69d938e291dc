"""HTML rendering: Jinja2 with autoescape everywhere, one CSP without inline scripts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import HTMLResponse

from kgraph.server.errors import SECURITY_HEADERS

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
HTML_HEADERS = {**SECURITY_HEADERS, "Content-Security-Policy": CSP}

_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=select_autoescape(
        enabled_extensions=("html",), default_for_string=True, default=False
    ),
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(
    name: str, status: int = 200, headers: dict[str, str] | None = None, **context: Any
) -> HTMLResponse:
    html = _env.get_template(name).render(**context)
    all_headers = dict(HTML_HEADERS)
    if headers:
        all_headers.update(headers)
    return HTMLResponse(html, status_code=status, headers=all_headers)


def render_text(name: str, **context: Any) -> str:
    return _env.get_template(name).render(**context)
