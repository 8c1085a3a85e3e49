"""The full ``diplosearch`` command: the engine's commands plus ``serve``."""
from __future__ import annotations

from pathlib import Path

import click

from search.cli import DEFAULT_INDEX, DEFAULT_SOURCES, main, print_report
from search.errors import DiploSearchError
from search.store import IndexStore

from . import create_app


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--index", "index_dir", default=DEFAULT_INDEX, show_default=True,
              type=click.Path(file_okay=False), help="Index folder.")
@click.option("--seeds", "seeds_dir", default=DEFAULT_SOURCES[0], show_default=True,
              help="What to index first when there is no index yet.")
@click.option("--workers", default=0, help="Server worker processes (default: one per core).")
@click.option("--threads", default=1, show_default=True,
              help="Threads per worker process; above 1, threaded workers that keep connections alive.")
@click.option("--debug", is_flag=True, help="Flask's development server with reloader (not for production).")
def serve(host: str, port: int, index_dir: str, seeds_dir: str, workers: int, threads: int,
          debug: bool) -> None:
    """Serve the search site (building the index from seeds/ first if there is none)."""
    store = IndexStore(index_dir)
    try:
        if not store.exists():
            click.echo(f"No index in {index_dir}: building it from {seeds_dir} ...")
            from search.build import reindex

            print_report(reindex([seeds_dir], index_dir, full=True), index_dir)
        store.check_format(store.current())
    except DiploSearchError as error:
        raise click.ClickException(str(error)) from None
    app = create_app({"INDEX_DIR": str(Path(index_dir).resolve())})
    click.echo(f"Serving on http://{host}:{port}/  (Ctrl-C to stop)")
    if debug:
        app.run(host=host, port=port, debug=True)
        return
    from .server import serve as run_server

    run_server(app, host, port, workers, threads)


__all__ = ["main"]
