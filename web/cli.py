"""The full ``diplosearch`` command: the engine's commands plus ``serve``."""

from __future__ import annotations

from pathlib import Path

import click
from click.core import ParameterSource

from search.cli import DEFAULT_SOURCES, index_options, main, print_report, run_reindex
from search.errors import DiploSearchError, IndexDamaged, IndexMissing

from . import create_app
from .server import THREADS


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@index_options
@click.option(
    "--seeds",
    "seeds_dir",
    default=DEFAULT_SOURCES[0],
    show_default=True,
    help="What to index first when there is no index yet.",
)
@click.option("--workers", default=0, help="Server worker processes (default: one per core).")
@click.option(
    "--threads",
    default=THREADS,
    show_default=True,
    type=click.IntRange(min=1),
    help="Threads per worker process, most of them waiting on slow clients; 1 runs gunicorn's "
    "sync workers, which slow clients can block.",
)
@click.option("--debug", is_flag=True, help="Flask's development server with reloader (not for production).")
def serve(host: str, port: int, target, seeds_dir: str, workers: int, threads: int, debug: bool) -> None:
    """Serve the search site (building the index from seeds/ first if there is none).

    Only a new Whoosh index is built here: the default folder, or an existing
    empty one. A folder named by hand that does not exist is a typo, and an
    index whose live build is missing, unreadable or damaged (every file is
    checked against its checksums first) is reported with the fix, never
    rebuilt. With ``--backend opensearch`` (or $DIPLOSEARCH_OPENSEARCH_URL) the
    site serves the cluster's index, which must exist; serve never writes to a cluster.
    """
    given = click.get_current_context().get_parameter_source("index_dir")
    try:
        backend = target.open()
        try:
            backend.check_ready()  # every file of the live build verified
        except IndexMissing as missing:
            # a new index is built from the seeds; a damaged one, or another version's, is only reported
            new = target.backend == "whoosh" and not isinstance(missing, IndexDamaged) and backend.live_state() is None
            if not new or not (Path(target.index_dir).is_dir() or given == ParameterSource.DEFAULT):
                raise
            click.echo(f"No index in {target}: building it from {seeds_dir} ...")
            print_report(run_reindex(target, [seeds_dir], replace=True), target)
            backend.check_ready()
        finally:
            backend.close()  # the site's workers open their own (an OpenSearch client is made after the fork)
    except DiploSearchError as error:
        raise click.ClickException(str(error)) from None
    app = create_app(
        {
            "INDEX_DIR": str(Path(target.index_dir).resolve()),
            "BACKEND": target.backend,
            "OPENSEARCH_URL": target.opensearch_url,
            "OPENSEARCH_INDEX": target.opensearch_index,
        }
    )
    click.echo(f"Serving on http://{host}:{port}/  (Ctrl-C to stop)")
    if debug:
        app.run(host=host, port=port, debug=True)
        return
    from .server import serve as run_server

    run_server(app, host, port, workers, threads)


__all__ = ["main"]
