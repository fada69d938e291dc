"""``kgraph serve`` and ``kgraph publish``: the endpoint and linked-data site, live or static."""

from __future__ import annotations

import ipaddress
import logging
import os
from pathlib import Path

import click

from kgraph.errors import InputError


def _open(source: str | None, cache_dir: str | None) -> object:
    from kgraph.graph import open as open_graph

    return open_graph(source, cache_dir=cache_dir)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to bind; anything but loopback exposes the server to the network.",
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--base-iri",
    default=None,
    help="IRI namespace the server answers for (default https://w3id.org/kgraph/).",
)
@click.option(
    "--token-env",
    default="KGRAPH_TOKEN",
    show_default=True,
    help="Environment variable holding the bearer token that enables updates "
    "and uploads; unset or empty means read-only.",
)
@click.option(
    "--timeout",
    default=30.0,
    show_default=True,
    type=click.FloatRange(0.1, 3600),
    help="Seconds a query may run before its worker is killed (503).",
)
@click.option(
    "--workers",
    default=None,
    type=click.IntRange(1, 64),
    help="Query worker processes (default: 2 x CPUs + 2, at least 6).",
)
@click.option(
    "--source",
    default=None,
    help="Directory of curated files or a built store (default: the bundled graph).",
)
@click.option("--cache-dir", default=None, help="Where built stores are kept.")
@click.option(
    "--log-level",
    default="info",
    show_default=True,
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
)
def serve_command(
    host: str,
    port: int,
    base_iri: str | None,
    token_env: str,
    timeout: float,
    workers: int | None,
    source: str | None,
    cache_dir: str | None,
    log_level: str,
) -> None:
    """Serve the SPARQL 1.1 endpoint and the linked-data site (read-only by default)."""
    from kgraph.server.app import create_app, run_server

    token = os.environ.get(token_env) or None
    kg = _open(source, cache_dir)
    app = create_app(kg, base_iri=base_iri, token=token, timeout=timeout, workers=workers)
    mode = "updates enabled with a bearer token" if token else "read-only"
    if not _is_loopback(host):
        click.echo(
            f"kgraph: warning: binding {host}: the server is reachable from the network", err=True
        )
    click.echo(
        f"kgraph: serving http://{host}:{port}/ ({mode}); SPARQL at /sparql; Ctrl-C stops", err=True
    )
    logging.basicConfig(level=log_level.upper())
    run_server(app, host=host, port=port, log_level=log_level)


@click.command("publish")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--source", default=None, help="Directory of curated files or a built store.")
@click.option("--cache-dir", default=None)
@click.option("--base-iri", default=None)
@click.option(
    "--site-url",
    default="http://localhost",
    show_default=True,
    help="Where the static site will be served from (used in absolute links).",
)
def publish_command(
    out_dir: Path,
    source: str | None,
    cache_dir: str | None,
    base_iri: str | None,
    site_url: str,
) -> None:
    """Write the linked-data site (every page, data file, ontology, VoID, dumps) as files."""
    from kgraph.publish import publish

    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / ".kgraph-site").exists():
        raise InputError(f"{out_dir} exists and is not a kgraph site; choose an empty directory")
    kg = _open(source, cache_dir)
    report = publish(kg, out_dir, base_iri=base_iri, site_url=site_url)
    click.echo(f"kgraph: wrote {report.files} files ({report.bytes} bytes) to {out_dir}")
