"""Routes: each parses the request, calls the engine, renders HTML or JSON."""
from __future__ import annotations

from dataclasses import asdict
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, jsonify, render_template, request

from search.errors import IndexMissing, QueryError
from search.models import SearchResult, result_to_dict
from search.requests import build_request
from search.tagging.sectors import sector_labels

bp = Blueprint("site", __name__)

# URL parameter -> SearchRequest attribute, for multi-valued facet filters.
FACET_PARAMS = {"sector": "sectors", "speaker": "speakers", "country": "countries"}
STATE_PARAMS = ("q", "sector", "speaker", "country", "from", "to", "sort", "per_page")


def engine():
    return current_app.extensions["diplosearch"]


def parse_request(args, per_page_default: int = 10):
    return build_request(
        q=args.get("q", ""),
        sectors=args.getlist("sector"), speakers=args.getlist("speaker"),
        countries=args.getlist("country"),
        date_from=args.get("from", ""), date_to=args.get("to", ""),
        page=args.get("page", 1), per_page=args.get("per_page", per_page_default),
        sort=args.get("sort", ""), facet_size=args.get("facet_size", 10),
    )


def state_pairs(args, drop: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """The search state as (name, value) pairs, without paging and without ``drop``."""
    return [(key, value) for key in STATE_PARAMS if key not in drop
            for value in args.getlist(key) if value != ""]


def link(pairs: list[tuple[str, str]], path: str = "/") -> str:
    return f"{path}?{urlencode(pairs)}" if pairs else path


def toggle_url(args, name: str, value: str) -> str:
    """The URL with ``name=value`` added, or removed when already selected; back to page 1."""
    pairs = state_pairs(args)
    if (name, value) in pairs:
        pairs.remove((name, value))
    else:
        pairs.append((name, value))
    return link(pairs)


def date_url(args, value: str, selected: bool) -> str:
    """A year (``2024``) or month (``2024-03``) as the date range; selected, back to any date."""
    pairs = state_pairs(args, drop=("from", "to"))
    return link(pairs if selected else pairs + [("from", value), ("to", value)])


def value_url(args, name: str, value: str, selected: bool) -> str:
    return date_url(args, value, selected) if name == "date" else toggle_url(args, name, value)


def facets_view(result: SearchResult, args) -> list[dict]:
    """Facets as plain data with a toggle URL on each value, as Datasette does."""
    return [
        {"name": facet.name, "label": facet.label, "truncated": facet.truncated,
         "values": [dict(asdict(v), toggle_url=value_url(args, facet.name, v.value, v.selected))
                    for v in facet.values]}
        for facet in result.facets
    ]


def active_filters(args) -> list[dict]:
    labels = sector_labels()
    filters = []
    for name in FACET_PARAMS:
        for value in args.getlist(name):
            if value:
                filters.append({"name": name, "value": value, "label": labels.get(value, value)
                                if name == "sector" else value, "remove_url": toggle_url(args, name, value)})
    for name, label in (("from", "from"), ("to", "to")):
        if args.get(name):
            filters.append({"name": name, "value": args[name], "label": f"{label} {args[name]}",
                            "remove_url": link(state_pairs(args, drop=(name,)))})
    return filters


def page_links(result: SearchResult, args) -> list[dict]:
    pages = result.pages
    current = result.request.page
    shown = sorted({1, pages, *range(max(1, current - 2), min(pages, current + 2) + 1)})
    base = state_pairs(args)
    return [{"number": n, "url": link(base + ([("page", str(n))] if n > 1 else [])), "current": n == current}
            for n in shown]


@bp.get("/")
def index():
    args = request.args
    try:
        search_request = parse_request(args)
        result = engine().search(search_request)
    except QueryError as error:
        return render_template("search.html", error=str(error), args=args, result=None,
                               filters=active_filters(args), facets=[], pages=[],
                               sectors=sector_labels()), 400
    return render_template("search.html", error=None, args=args, result=result,
                           facets=facets_view(result, args), filters=active_filters(args),
                           pages=page_links(result, args), sectors=sector_labels(),
                           suggestion_url=link([("q", result.suggestion)] + state_pairs(args, drop=("q",)))
                           if result.suggestion else "")


@bp.get("/api/search")
def api_search():
    try:
        result = engine().search(parse_request(request.args))
    except QueryError as error:
        return jsonify(error=str(error)), 400
    data = result_to_dict(result)
    for name, values in data["facets"].items():
        for value in values:
            value["toggle_url"] = value_url(request.args, name, value["value"], value["selected"])
    return jsonify(data)


@bp.get("/article/<path:article_id>")
def article(article_id: str):
    paragraphs = engine().article(article_id)
    if not paragraphs:
        abort(404, description=f"no article with id {article_id!r}")
    try:
        highlight = int(request.args.get("p", 0))
    except ValueError:
        highlight = 0
    return render_template("article.html", paragraphs=paragraphs, first=paragraphs[0],
                           highlight=highlight, sectors=sector_labels(), q=request.args.get("q", ""))


@bp.get("/api/article/<path:article_id>")
def api_article(article_id: str):
    paragraphs = engine().article(article_id)
    if not paragraphs:
        return jsonify(error=f"no article with id {article_id!r}"), 404
    first = paragraphs[0]
    return jsonify(article_id=article_id, title=first.title, date=first.date, dateline=first.dateline,
                   source=first.source, url=first.url, paragraphs=[p.to_dict() for p in paragraphs])


@bp.get("/api/facets/<name>")
def api_facet_values(name: str):
    try:
        limit = int(request.args.get("limit", 20))
        values = engine().facet_values(name, request.args.get("prefix", ""), max(1, min(limit, 200)))
    except (QueryError, ValueError) as error:
        return jsonify(error=str(error)), 400
    return jsonify(facet=name, values=[asdict(v) for v in values])


@bp.get("/help")
def help_page():
    return render_template("help.html", sectors=sector_labels())


@bp.app_context_processor
def search_state():
    return {"args": request.args}


def register_errors(app) -> None:
    @app.errorhandler(404)
    def not_found(error):
        if request.path.startswith("/api/"):
            return jsonify(error=error.description), 404
        return render_template("error.html", status=404, message=error.description), 404

    @app.errorhandler(IndexMissing)
    def no_index(error):
        if request.path.startswith("/api/"):
            return jsonify(error=str(error)), 503
        return render_template("error.html", status=503, message=str(error)), 503

    @app.errorhandler(500)
    def server_error(error):
        message = "Something went wrong on our side; the error has been logged."
        if request.path.startswith("/api/"):
            return jsonify(error=message), 500
        return render_template("error.html", status=500, message=message), 500
