"""The ``diplosearch`` command: thin wrappers over the engine.

``serve`` is added by ``web.cli``, so this package never imports Flask.
"""

from __future__ import annotations

import functools
import json
import signal
import sys
import time
from contextlib import contextmanager
from dataclasses import asdict, replace

import click
from click.core import ParameterSource

from search.errors import DiploSearchError
from search.facets import FACETS
from search.ingest.limits import DEFAULT_FEED_ITEMS
from search.models import Skipped, result_to_dict

DEFAULT_INDEX = "index"
DEFAULT_SOURCES = ("seeds",)
EXIT_ERROR = 1  # nothing was changed (the message says why), or `check` found the index damaged
EXIT_SKIPPED = 3  # the work was done, but some sources (or URLs) could not be read (or fetched)
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT): the unfinished build was deleted

INDEX_OPTIONS = [
    click.option(
        "--index",
        "index_dir",
        default=DEFAULT_INDEX,
        show_default=True,
        envvar="DIPLOSEARCH_INDEX",
        type=click.Path(file_okay=False),
        help="Index folder (Whoosh backend).",
    ),
    click.option(
        "--backend",
        type=click.Choice(["whoosh", "opensearch"]),
        default=None,
        envvar="DIPLOSEARCH_BACKEND",
        help="Where the index is: whoosh (the --index folder; default) or opensearch (a cluster; the "
        "default when an OpenSearch URL is given).",
    ),
    click.option(
        "--opensearch-url",
        envvar="DIPLOSEARCH_OPENSEARCH_URL",
        default="",
        metavar="URL",
        help="The OpenSearch cluster (comma-separated URLs for several nodes); $DIPLOSEARCH_OPENSEARCH_URL.",
    ),
    click.option(
        "--opensearch-index",
        envvar="DIPLOSEARCH_OPENSEARCH_INDEX",
        default="diplosearch",
        show_default=True,
        metavar="NAME",
        help="The alias of the live build on the cluster.",
    ),
]


def index_options(command):
    """Where the index is (``--index``, or ``--backend opensearch --opensearch-url URL``); the
    command receives it as ``target`` (a ``search.backends.Target``)."""

    @functools.wraps(command)
    def wrapper(*args, index_dir, backend, opensearch_url, opensearch_index, **kwargs):
        from search.backends import Target

        context = click.get_current_context()

        def typed(name: str) -> bool:
            return context.get_parameter_source(name) == ParameterSource.COMMANDLINE

        if backend is None and typed("index_dir"):  # a folder named on the command line is a Whoosh index
            if opensearch_url and typed("opensearch_url"):
                raise click.UsageError(
                    "--index names a Whoosh folder and --opensearch-url a cluster: say which with --backend"
                )
            backend = "whoosh"
        try:
            target = Target.choose(index_dir, backend, opensearch_url, opensearch_index)
        except DiploSearchError as error:
            raise click.UsageError(str(error)) from None
        return command(*args, target=target, **kwargs)

    for option in reversed(INDEX_OPTIONS):
        wrapper = option(wrapper)
    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Search diplomatic-event articles paragraph by paragraph."""


@main.command()
@click.argument("sources", nargs=-1, type=click.Path())
@index_options
@click.option("--replace", is_flag=True, help="Make the index exactly SOURCES, dropping every other source.")
@click.option(
    "--remove",
    "remove",
    multiple=True,
    type=click.Path(),
    metavar="PATH",
    help="Drop an indexed file, or every indexed file under a folder (repeatable).",
)
@click.option("--prune", is_flag=True, help="Drop indexed files that no longer exist.")
@click.option("--full", is_flag=True, help="Re-read every source instead of keeping unchanged ones.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option(
    "--shards",
    type=click.IntRange(min=1),
    default=None,
    help="OpenSearch: primary shards of the new build (default 1).",
)
@click.option(
    "--replicas",
    type=click.IntRange(min=0),
    default=None,
    help="OpenSearch: replicas of the new build (default 1 on a cluster of several nodes, else 0).",
)
def reindex(
    sources: tuple[str, ...],
    target,
    replace: bool,
    remove: tuple[str, ...],
    prune: bool,
    full: bool,
    as_json: bool,
    shards: int | None,
    replicas: int | None,
) -> None:
    """Add or update SOURCES (files or folders) in the index, keeping every other source.

    Without SOURCES, re-read the sources the index holds (seeds/ for a new
    index). Exit status: 0 when everything was indexed, 1 when nothing
    changed (an error, a full disk), 3 when the index was built but some
    sources were skipped (listed with their reasons), 130 after Ctrl-C and
    143 after SIGTERM (the unfinished build is deleted; the index is as it was).
    """
    if (shards is not None or replicas is not None) and target.backend != "opensearch":
        raise click.UsageError("--shards and --replicas size an OpenSearch build (--backend opensearch)")
    target = replace_target(target, shards=shards, replicas=replicas)
    report = run_reindex(target, sources, replace=replace, remove=remove, prune=prune, full=full, announce=not as_json)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
    else:
        print_report(report, target)
    if report.skipped:
        raise SystemExit(EXIT_SKIPPED)


def replace_target(target, **options):
    """``target`` with the options that were given (``shards``, ``replicas``)."""
    return replace(target, **{k: v for k, v in options.items() if v is not None})


def run_reindex(target, sources=(), announce: bool = True, **options):
    """Reindex ``target`` (a ``search.backends.Target``, or an index folder) with the command
    line's defaults and messages: seeds/ for a new index, what will be removed said before the
    switch, errors as one line."""
    from search.backends import Target
    from search.index.build import reindex as build_reindex

    if not isinstance(target, Target):
        target = Target.choose(target)
    try:
        backend = target.open()
        try:
            with stop_on_signals():
                if not sources and not options.get("remove") and backend.live_state() is None:
                    sources = DEFAULT_SOURCES
                return build_reindex(backend, sources, on_plan=announce_plan if announce else None, **options)
        finally:
            backend.close()
    except DiploSearchError as error:
        raise click.ClickException(str(error)) from None
    except KeyboardInterrupt:
        stopped("Interrupted", EXIT_INTERRUPTED)
    except Stopped as stop:
        stopped(f"Stopped by {signal.Signals(stop.signum).name}", 128 + stop.signum)


class Stopped(BaseException):
    """The process was asked to stop (SIGTERM, SIGHUP): raised where it runs, as Ctrl-C raises
    KeyboardInterrupt, so that an unfinished build is deleted and its workers killed."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


@contextmanager
def stop_on_signals():
    """SIGTERM and SIGHUP raise Stopped in the main thread while the block runs (unless they
    are ignored, as under ``nohup``)."""

    def stop(signum, frame):
        raise Stopped(signum)

    previous = {}
    try:
        for signum in (signal.SIGTERM, signal.SIGHUP):
            if signal.getsignal(signum) is not signal.SIG_IGN:
                previous[signum] = signal.signal(signum, stop)
    except ValueError:  # not the main thread: signals stay as they were
        pass
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def stopped(how: str, code: int):
    click.echo(f"{how}: the reindex was stopped and its unfinished build deleted; the index was not changed.", err=True)
    raise SystemExit(code)


def announce_plan(plan) -> None:
    for path in plan.remove:
        click.echo(f"Removing from the index: {path}", err=True)


def print_report(report, target) -> None:
    """The human summary of a reindex into ``target`` (an index folder, or a ``search.backends.Target``)."""
    mode = "incremental" if report.incremental else "full"
    click.echo(
        f"Indexed {report.articles} articles, {report.paragraphs} paragraphs "
        f"into {target} ({mode} build {report.build}) in {report.seconds:.1f} s."
    )
    click.echo(
        f"Read {report.read_articles} articles ({report.read_paragraphs} paragraphs); "
        f"{report.duplicates} near-duplicate copies listed under their original; "
        f"{report.reused_sources} unchanged sources kept, {report.removed_sources} removed."
    )
    if report.repaired:
        click.echo(
            f"The live build was damaged ({len(report.repaired)} file(s), first: {report.repaired[0]}); "
            "every source was read again.",
            err=True,
        )
    if report.missing:
        click.echo(
            f"{len(report.missing)} indexed file(s) no longer exist and are still indexed "
            f"(first: {report.missing[0]}); `diplosearch reindex --prune` drops them.",
            err=True,
        )
    _report_skipped(report.skipped)


def _report_skipped(skipped: list[Skipped]) -> None:
    if skipped:
        click.echo(f"Skipped {len(skipped)} source(s):", err=True)
        for item in skipped:
            click.echo(f"  {item.path}: {item.reason}", err=True)


@main.command()
@index_options
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def check(target, as_json: bool) -> None:
    """Verify every file of the live index against the checksums written with it.

    Reads every byte (about a second per GB). Exit status: 0 when the index
    is intact; 1 when it is damaged or cannot be read, with the damaged files
    and the command that repairs it.
    """
    try:
        backend = target.open()
        try:
            report = backend.check()
        finally:
            backend.close()
    except DiploSearchError as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(json.dumps({"ok": not report.damaged, **asdict(report)}, ensure_ascii=False, indent=1))
    elif not report.damaged:
        click.echo(
            f"The index at {target} is intact: build {report.build}, {report.files} files "
            f"({report.bytes / 1e6:.1f} MB) verified."
        )
    else:
        click.echo(
            f"The index at {target} is damaged: {len(report.damaged)} of {report.files} file(s) "
            f"of build {report.build}:",
            err=True,
        )
        for line in report.damaged:
            click.echo(f"  {line}", err=True)
        click.echo(f"Fix: `{report.fix}` builds it again from its sources.", err=True)
    if report.damaged:
        raise SystemExit(EXIT_ERROR)


def facet_options(command):
    """A repeatable ``--<facet>`` filter option for every registered facet."""
    for facet in reversed(list(FACETS)):
        command = click.option(f"--{facet.name}", facet.name, multiple=True, help=facet.help)(command)
    return command


@main.command("search")
@click.argument("query", default="")
@facet_options
@click.option("--from", "date_from", default="", help="Earliest date, YYYY[-MM[-DD]].")
@click.option("--to", "date_to", default="", help="Latest date, YYYY[-MM[-DD]].")
@click.option("--limit", default=10, show_default=True, help="Hits per page.")
@click.option("--page", default=1, show_default=True)
@click.option("--sort", default="", help="relevance (default with a query), date, date-asc.")
@click.option(
    "--group/--no-group",
    default=True,
    show_default=True,
    help="At most 2 paragraphs of one article per page (--no-group: every paragraph in rank order).",
)
@click.option(
    "--correct/--no-correct",
    default=True,
    show_default=True,
    help="Search the corrected query when a word is in no paragraph (--no-correct: as typed).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the same JSON as /api/search.")
@index_options
def search_command(query, date_from, date_to, limit, page, sort, group, correct, as_json, target, **filters) -> None:
    """Search the index: words (paragraphs with all of them first, then most of them), "phrases",
    AND/OR/NOT, field:value, wildcards; and facet filters in the forms users type."""
    from search.query.params import build_request

    try:
        backend = target.open()
        try:
            request = build_request(query, filters, date_from, date_to, page, limit, sort, group=group, correct=correct)
            result = backend.search(request)
        finally:
            backend.close()
    except DiploSearchError as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(json.dumps(result_to_dict(result), ensure_ascii=False, indent=1))
        return
    for note in result.filter_notes:
        click.echo(note.message[:1].upper() + note.message[1:] + ".", err=not note.matched)
    if result.corrected_query:
        click.echo(f"Showing results for: {result.corrected_query} (search instead for {query!r} with --no-correct)")
    click.echo(
        f"{result.total} paragraph(s) match; page {request.page} of {result.pages}"
        f"{' (at most 2 of an article per page; --no-group for every paragraph)' if group and result.total else ''}."
    )
    if result.suggestion:
        click.echo(f"Did you mean: {result.suggestion}")
    for number, hit in enumerate(result.hits, (request.page - 1) * request.per_page + 1):
        p = hit.paragraph
        click.echo(
            f"\n{number}. {p.title or p.article_id} ({p.date or 'undated'}; {p.source or 'unknown source'}) "
            f"[{p.article_id} ¶{p.n}]"
        )
        click.echo("   " + _plain(hit.snippet))
        tags = "; ".join(f"{key}: {', '.join(values)}" for key, values in p.tags.items() if values)
        if tags:
            click.echo(f"   {tags}")
        if hit.more:
            click.echo(
                f"   {hit.more} more from this article (diplosearch search ... --no-group, or /article/{p.article_id})"
            )
    for facet in result.facets:
        if facet.values:
            listed = ", ".join(f"{'*' if v.selected else ''}{v.value} ({v.count})" for v in facet.values)
            click.echo(f"\n{facet.label}: {listed}")


def _plain(snippet: str) -> str:
    """Terminal form of an HTML snippet: marked terms in bold, entities decoded."""
    from html import unescape

    text = snippet.replace("<mark>", "\x1b[1m").replace("</mark>", "\x1b[0m")
    if not sys.stdout.isatty():
        text = text.replace("\x1b[1m", "").replace("\x1b[0m", "")
    return unescape(text)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--no-evidence", is_flag=True, help="Leave out the evidence field.")
def annotate(paths: tuple[str, ...], no_evidence: bool) -> None:
    """Print each paragraph of PATHS with its tags as JSON Lines; touches no index.

    Sources that cannot be read are listed with their reasons on stderr.
    Exit status: 0 when every source was read, 3 when some were skipped,
    1 when nothing could be read (a missing, empty or binary file).
    """
    from search.ingest.sources import read_sources
    from search.tagging.paragraphs import paragraphs_of

    started, count, skipped = time.perf_counter(), 0, []
    out = sys.stdout
    for item in read_sources(list(paths)):
        if isinstance(item, Skipped):
            skipped.append(item)
            continue
        for paragraph in paragraphs_of(item):
            row = paragraph.to_dict(skip=("source", "url", "dateline", *(("evidence",) if no_evidence else ())))
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    _report_skipped(skipped)
    seconds = time.perf_counter() - started
    click.echo(
        f"annotated {count} paragraphs in {seconds:.2f} s ({count / seconds if seconds else 0:.0f} paragraphs/s)",
        err=True,
    )
    if not count:
        if not skipped:
            click.echo(f"Error: no .txt, .html or .jsonl file to annotate in {' '.join(paths)}", err=True)
        raise SystemExit(EXIT_ERROR)
    if skipped:
        raise SystemExit(EXIT_SKIPPED)


@main.command()
@click.argument("urls", nargs=-1)
@click.option(
    "--feed",
    "feeds",
    multiple=True,
    metavar="FEED_URL",
    help="An RSS or Atom feed whose item pages are fetched (repeatable).",
)
@click.option(
    "--sources",
    "sources_dir",
    default="sources",
    show_default=True,
    envvar="DIPLOSEARCH_SOURCES",
    type=click.Path(file_okay=False),
    help="Where fetched pages are stored ($DIPLOSEARCH_SOURCES).",
)
@click.option(
    "--reindex/--no-reindex",
    "then_reindex",
    default=True,
    show_default=True,
    help="Reindex the sources folder into the index after fetching.",
)
@index_options
@click.option("--refresh", is_flag=True, help="Fetch again URLs that were fetched before.")
@click.option(
    "--limit",
    "max_items",
    type=click.IntRange(min=0),
    default=DEFAULT_FEED_ITEMS,
    show_default=True,
    help="Read at most N items of each feed.",
)
@click.option(
    "--allow-private",
    is_flag=True,
    help="Also fetch from loopback, private and link-local addresses (refused by default).",
)
@click.option(
    "--delay",
    default=1.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Seconds between requests to one host (a longer robots.txt Crawl-delay wins).",
)
@click.option(
    "--timeout",
    default=15.0,
    show_default=True,
    type=click.FloatRange(min=0.01),
    help="Seconds to wait to connect and for each piece of data.",
)
@click.option(
    "--deadline",
    default=120.0,
    show_default=True,
    type=click.FloatRange(min=0.01),
    help="Seconds for a whole page, however slowly the server sends it.",
)
@click.option(
    "--retries",
    default=3,
    show_default=True,
    type=click.IntRange(min=0),
    help="Retries after connection errors, timeouts, 429 and 5xx.",
)
@click.option(
    "--backoff",
    default=1.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Seconds before the first retry, doubled each time (Retry-After wins).",
)
@click.option("--max-redirects", default=5, show_default=True, type=click.IntRange(min=0))
@click.option(
    "--max-size", "max_mb", default=5.0, show_default=True, type=click.FloatRange(min=0.001), help="Largest page in MB."
)
def add(
    urls,
    feeds,
    sources_dir,
    then_reindex,
    target,
    refresh,
    max_items,
    allow_private,
    delay,
    timeout,
    deadline,
    retries,
    backoff,
    max_redirects,
    max_mb,
) -> None:
    """Fetch web pages (URLS, and the items of each --feed) into the sources folder, then reindex.

    Pages are stored as SOURCES/<host>/<name>.html with a <name>.json record
    (URL, final URL, fetch time, HTTP status, content type). robots.txt is
    obeyed. Hosts on loopback, private or link-local addresses are refused
    unless --allow-private. Failures are reported and the other URLs still
    fetched. Exit status: 0 when every URL was fetched (and indexed), 3 when
    some failed or the reindex skipped sources, 1 when nothing could be
    fetched or the reindex failed.
    """
    from search.ingest.fetch import FetchOptions, fetch

    if not urls and not feeds:
        raise click.UsageError("give at least one URL or --feed FEED_URL")
    options = FetchOptions(
        timeout=timeout,
        deadline=deadline,
        retries=retries,
        backoff=backoff,
        delay=delay,
        max_redirects=max_redirects,
        max_bytes=int(max_mb * 1024 * 1024),
        refresh=refresh,
        max_items=max_items,
        allow_private=allow_private,
    )

    def show(result) -> None:
        click.echo(result.line(), err=not result.ok)

    report = fetch(urls, feeds, sources_dir, options, on_result=show)
    click.echo(report.summary())
    if report.nothing_fetched:
        raise SystemExit(EXIT_ERROR)
    status = EXIT_SKIPPED if report.failed else 0
    if not then_reindex:
        raise SystemExit(status)
    if not report.fetched:
        click.echo("Nothing new to index.")
        raise SystemExit(status)
    try:
        build = run_reindex(target, [sources_dir])
    except click.ClickException as error:
        error.message += (
            f" (the fetched pages are stored in {sources_dir}; run `diplosearch reindex {sources_dir}` later)"
        )
        raise
    print_report(build, target)
    raise SystemExit(EXIT_SKIPPED if build.skipped else status)


if __name__ == "__main__":
    main()
