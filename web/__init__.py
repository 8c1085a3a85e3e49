"""The Flask front end: parses a request, calls ``search``, renders."""

from __future__ import annotations

import os

import click
from flask import Flask

from search.backends import Target

# On every response, pages, API, exports, static files and errors alike. The pages
# load only their own script, style sheet and icon (no inline script, style or
# style attribute), so the policy needs no 'unsafe-inline'.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",  # a search's URL is never sent to another site
}


def add_security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def create_app(config: dict | None = None) -> Flask:
    """The site over the index the config names: ``INDEX_DIR`` (Whoosh, the default), or
    ``BACKEND="opensearch"`` with ``OPENSEARCH_URL`` (and ``OPENSEARCH_INDEX``, the alias);
    an ``OPENSEARCH_URL`` alone chooses OpenSearch. Defaults come from $DIPLOSEARCH_INDEX,
    $DIPLOSEARCH_BACKEND, $DIPLOSEARCH_OPENSEARCH_URL and $DIPLOSEARCH_OPENSEARCH_INDEX (an
    ``INDEX_DIR`` in ``config`` without a backend is a Whoosh index, whatever they say). The
    OpenSearch client is made on the first request of each process (after gunicorn forks)."""
    app = Flask(__name__)
    app.config.from_mapping(
        INDEX_DIR=os.environ.get("DIPLOSEARCH_INDEX", "index"),
        EXPORT_LIMIT=10_000,
        BACKEND=os.environ.get("DIPLOSEARCH_BACKEND", ""),
        OPENSEARCH_URL=os.environ.get("DIPLOSEARCH_OPENSEARCH_URL", ""),
        OPENSEARCH_INDEX=os.environ.get("DIPLOSEARCH_OPENSEARCH_INDEX", "diplosearch"),
    )
    if config:
        if "INDEX_DIR" in config and not config.get("BACKEND") and not config.get("OPENSEARCH_URL"):
            config = {**config, "BACKEND": "whoosh"}  # a folder given by the caller is a Whoosh index
        app.config.from_mapping(config)
    app.extensions["diplosearch"] = target_of(app).open()

    from . import views

    app.register_blueprint(views.bp)
    views.register_errors(app)
    app.after_request(add_security_headers)
    app.cli.add_command(reindex_command)
    return app


def target_of(app: Flask):
    """Where the app's index is (a ``search.backends.Target``)."""
    return Target.choose(
        app.config["INDEX_DIR"],
        app.config.get("BACKEND") or None,
        app.config.get("OPENSEARCH_URL"),
        app.config.get("OPENSEARCH_INDEX"),
    )


@click.command("reindex")
@click.argument("sources", nargs=-1)
@click.option("--replace", is_flag=True, help="Make the index exactly SOURCES.")
@click.option("--full", is_flag=True, help="Re-read every source.")
def reindex_command(sources: tuple[str, ...], replace: bool, full: bool) -> None:
    """Add or update SOURCES in this app's index (``flask --app web reindex``), as ``diplosearch reindex``."""
    from flask import current_app

    from search.cli import print_report, run_reindex

    target = target_of(current_app)
    print_report(run_reindex(target, sources, replace=replace, full=full), target)
