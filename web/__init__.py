"""The Flask front end: parses a request, calls ``search``, renders."""
from __future__ import annotations

import os

import click
from flask import Flask

from search.query import Index


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(INDEX_DIR=os.environ.get("DIPLOSEARCH_INDEX", "index"), EXPORT_LIMIT=10_000)
    if config:
        app.config.from_mapping(config)
    app.extensions["diplosearch"] = Index(app.config["INDEX_DIR"])

    from . import views

    app.register_blueprint(views.bp)
    views.register_errors(app)
    app.cli.add_command(reindex_command)
    return app


@click.command("reindex")
@click.argument("sources", nargs=-1)
@click.option("--full", is_flag=True)
def reindex_command(sources: tuple[str, ...], full: bool) -> None:
    """Rebuild this app's index (``flask --app web reindex``)."""
    from flask import current_app

    from search.build import reindex
    from search.cli import DEFAULT_SOURCES, print_report

    index_dir = current_app.config["INDEX_DIR"]
    print_report(reindex(sources or DEFAULT_SOURCES, index_dir, full=full), index_dir)
