"""The Flask front end: parses a request, calls ``search``, renders."""
from __future__ import annotations

import os

import click
from flask import Flask

from search.backends import open_backend


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(INDEX_DIR=os.environ.get("DIPLOSEARCH_INDEX", "index"), EXPORT_LIMIT=10_000)
    if config:
        app.config.from_mapping(config)
    app.extensions["diplosearch"] = open_backend(app.config["INDEX_DIR"])

    from . import views

    app.register_blueprint(views.bp)
    views.register_errors(app)
    app.cli.add_command(reindex_command)
    return app


@click.command("reindex")
@click.argument("sources", nargs=-1)
@click.option("--replace", is_flag=True, help="Make the index exactly SOURCES.")
@click.option("--full", is_flag=True, help="Re-read every source.")
def reindex_command(sources: tuple[str, ...], replace: bool, full: bool) -> None:
    """Add or update SOURCES in this app's index (``flask --app web reindex``), as ``diplosearch reindex``."""
    from flask import current_app

    from search.cli import print_report, run_reindex

    index_dir = current_app.config["INDEX_DIR"]
    print_report(run_reindex(index_dir, sources, replace=replace, full=full), index_dir)
