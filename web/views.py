"""Routes: each parses the request, calls the engine, renders HTML, JSON or CSV.

Nothing here searches: the views turn URL parameters into a ``SearchRequest``,
call ``search.backends.whoosh.searcher.Index`` and shape its plain-data answer for a template
(facets with toggle URLs, timeline bars with links, page links). Every state
of the page is in its URL, so every link works without JavaScript.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from datetime import date
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request
from markupsafe import Markup, escape

from search.errors import IndexMissing, QueryError
from search.facets import FACETS, export_fields, sector_labels
from search.models import SearchResult, plain, result_to_dict
from search.query.names import prefix_matches
from search.query.params import build_request
from search.text import MONTH_ABBREVIATIONS, fold, http_url

from .openapi import openapi_spec

bp = Blueprint("site", __name__)

FACET_SIZE = 10  # values shown per facet
MORE_FACET_SIZE = 100  # values shown with ?more=<facet>
ALL_FACET_VALUES = 1000  # values fetched to filter by a prefix
MIN_TIMELINE_SLOTS = 24  # fewer bars than this are drawn at this width, centred


def search_params() -> tuple[str, ...]:
    """What selects the matching paragraphs (exports and facet searches take these)."""
    return ("q", *FACETS.names(), "from", "to")


def state_params() -> tuple[str, ...]:
    """What a search page's URL carries from link to link (paging is added per link)."""
    return (*search_params(), "sort", "per_page", "more", "group", "correct")


def searchable_facets() -> list[str]:
    """Long facets, which get a box to find a value."""
    return [facet.name for facet in FACETS if facet.searchable]


def engine():
    return current_app.extensions["diplosearch"]


def parse_request(args, per_page_default: int = 10, **overrides):
    params = dict(
        q=args.get("q", ""),
        filters={name: args.getlist(name) for name in FACETS.names()},
        date_from=args.get("from", ""),
        date_to=args.get("to", ""),
        page=args.get("page", 1),
        per_page=args.get("per_page", per_page_default),
        sort=args.get("sort", ""),
        facet_size=args.get("facet_size", FACET_SIZE),
        group=args.get("group"),
        correct=args.get("correct"),
    )
    params.update(overrides)
    return build_request(**params)


# -- URLs -----------------------------------------------------------------
def state_pairs(args, drop: tuple[str, ...] = (), keep: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    """The search state as (name, value) pairs, without paging and without ``drop``."""
    return [
        (key, value)
        for key in (keep or state_params())
        if key not in drop
        for value in args.getlist(key)
        if value != ""
    ]


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


class ValueURLs:
    """``value_url`` for every facet value of one page, with the search state encoded once.

    A page links each of its facet values, and encoding the whole state again
    for each link was about a fifth of rendering it. A value that is not yet
    selected only appends its own pair; ``urlencode`` joins pairs with ``&``,
    so the URL is the same as ``value_url``'s.
    """

    def __init__(self, args):
        self.args = args
        self.pairs = state_pairs(args)
        self.state = urlencode(self.pairs)
        self.undated = urlencode(state_pairs(args, drop=("from", "to")))

    def __call__(self, name: str, value: str, selected: bool) -> str:
        if name == "date":
            return (
                value_url(self.args, name, value, selected)
                if selected
                else self._append(self.undated, [("from", value), ("to", value)])
            )
        if (name, value) in self.pairs:  # removing it: the rare case, done the long way
            return value_url(self.args, name, value, selected)
        return self._append(self.state, [(name, value)])

    @staticmethod
    def _append(encoded: str, pairs: list[tuple[str, str]]) -> str:
        added = urlencode(pairs)
        return f"/?{encoded}&{added}" if encoded else f"/?{added}"


def more_url(args, name: str, expanded: bool) -> str:
    pairs = state_pairs(args)
    if expanded:
        pairs = [pair for pair in pairs if pair != ("more", name)]
    else:
        pairs.append(("more", name))
    return link(pairs)


# -- facets -----------------------------------------------------------------
def facet_prefixes(args) -> dict[str, str]:
    return {
        name: args.get(f"{name}_prefix", "").strip()
        for name in searchable_facets()
        if args.get(f"{name}_prefix", "").strip()
    }


def expanded_facets(args) -> set[str]:
    return {name for name in args.getlist("more") if FACETS.get(name)}


def facets_view(result: SearchResult, args) -> list[dict]:
    """Facets as plain data with a toggle URL on each value, as Datasette does.

    A facet shows its ``FACET_SIZE`` most frequent values (and every selected
    one); ``?more=<facet>`` shows up to ``MORE_FACET_SIZE``; ``?<facet>_prefix=``
    keeps the values with a word starting with the prefix.
    """
    expanded = expanded_facets(args)
    prefixes = facet_prefixes(args)
    url = ValueURLs(args)
    typed_as = {(note.facet, value): note.value for note in result.filter_notes for value in note.matched}

    def toggle(name: str, value) -> str:
        typed = typed_as.get((name, value.value))  # "Türkiye" selected as country=Turkey
        if value.selected and typed is not None:
            return toggle_url(args, name, typed)
        return url(name, value.value, value.selected)

    views = []
    for facet in result.facets:
        values = list(facet.values)
        prefix = prefixes.get(facet.name, "")
        if prefix:
            values = [v for v in values if v.selected or prefix_matches(prefix, v.value, v.label)]
        size = MORE_FACET_SIZE if facet.name in expanded or prefix else FACET_SIZE
        if facet.name == "date":
            size = len(values)
        shown = values[:size] + [v for v in values[size:] if v.selected]
        truncated = len(values) > size or (facet.truncated and not prefix)
        views.append(
            {
                "name": facet.name,
                "label": facet.label,
                "truncated": truncated,
                "expanded": facet.name in expanded,
                "more_url": more_url(args, facet.name, facet.name in expanded),
                "searchable": facet.name in searchable_facets()
                and (facet.truncated or bool(prefix) or len(facet.values) > FACET_SIZE),
                "prefix": prefix,
                "clear_prefix_url": link(state_pairs(args)) if prefix else "",
                "any_selected": (
                    bool(result.request.date_from or result.request.date_to)
                    if facet.name == "date"
                    else any(v.selected for v in facet.values)
                ),
                "clear_url": (
                    link(state_pairs(args, drop=("from", "to")))
                    if facet.name == "date"
                    else link([p for p in state_pairs(args) if p[0] != facet.name])
                ),
                "values": [dict(plain(v), toggle_url=toggle(facet.name, v)) for v in shown],
            }
        )
    return views


def facet_size_for(args) -> int:
    if facet_prefixes(args):
        return ALL_FACET_VALUES
    return MORE_FACET_SIZE if expanded_facets(args) else FACET_SIZE


# -- timeline ---------------------------------------------------------------
def timeline_view(result: SearchResult, args) -> dict | None:
    """The timeline's bars as plain data: position, height, label and a link to its dates."""
    buckets = result.timeline
    if not buckets or not any(b.count for b in buckets):
        return None
    peak = max(b.count for b in buckets)
    req = result.request
    base = state_pairs(args, drop=("from", "to"))
    width = 10  # each bar's slot in the SVG's own units
    slots = max(len(buckets), MIN_TIMELINE_SLOTS)  # a few bars stay bars, centred
    offset = (slots - len(buckets)) // 2
    bars = []
    for i, b in enumerate(buckets, start=offset):
        height = 0 if not b.count else max(2.0, round(96 * b.count / peak, 2))
        exact = req.date_from == b.start and req.date_to == b.end
        noun = "paragraph" if b.count == 1 else "paragraphs"
        bars.append(
            {
                "x": i * width + 1,
                "width": width - 2,
                "y": round(100 - height, 2),
                "height": height,
                "hit_x": i * width,
                "hit_width": width,
                "count": b.count,
                "label": b.label,
                "start": b.start,
                "end": b.end,
                "selected": b.selected,
                "title": f"{b.label}: {b.count} {noun}" + (" (selected; select again for any date)" if exact else ""),
                "url": link(base if exact else base + [("from", b.start), ("to", b.end)]),
            }
        )
    return {
        "unit": result.timeline_unit,
        "bars": bars,
        "peak": peak,
        "width": slots * width,
        "ticks": _ticks(buckets, result.timeline_unit, slots, offset),
        "first": buckets[0].label,
        "last": buckets[-1].label,
        "any_selected": any(b.selected for b in buckets),
    }


def _ticks(buckets, unit: str, slots: int, offset: int, most: int = 8) -> list[dict]:
    """A few axis labels, as percentages of the width: years at January, else every k-th bar."""
    n = len(buckets)

    def left(i: int) -> float:
        return round(100 * (i + offset) / slots, 3)

    if unit == "month":
        marks = [(i, b.start[:4]) for i, b in enumerate(buckets) if b.start[5:7] == "01"]
        if len(marks) >= 2:
            step = -(-len(marks) // most)
            return [{"left": left(i), "text": t} for i, t in marks[::step]]
    step = max(1, -(-n // most))
    short = (
        (lambda b: f"{int(b.start[8:10])} {MONTH_ABBREVIATIONS[int(b.start[5:7]) - 1]}")
        if unit == "week"
        else (lambda b: b.label)
    )
    return [{"left": left(i), "text": short(buckets[i])} for i in range(0, n, step)]


# -- pages --------------------------------------------------------------------
def active_filters(args) -> list[dict]:
    filters = []
    for facet in FACETS:
        labels = facet.value_labels()
        for value in args.getlist(facet.name):
            if value:
                filters.append(
                    {
                        "name": facet.name,
                        "value": value,
                        "label": labels.get(value, value),
                        "remove_url": toggle_url(args, facet.name, value),
                    }
                )
    for name in ("from", "to"):
        if args.get(name):
            filters.append(
                {
                    "name": name,
                    "value": args[name],
                    "label": f"{name} {args[name]}",
                    "remove_url": link(state_pairs(args, drop=(name,))),
                }
            )
    return filters


def page_links(result: SearchResult, args) -> list[dict]:
    pages = result.pages
    current = result.request.page
    shown = sorted({1, pages, *range(max(1, current - 2), min(pages, current + 2) + 1)})
    base = state_pairs(args)
    return [
        {"number": n, "url": link(base + ([("page", str(n))] if n > 1 else [])), "current": n == current} for n in shown
    ]


def sort_links(result: SearchResult, args) -> list[dict]:
    base = state_pairs(args, drop=("sort",))
    return [
        {"value": value, "label": label, "current": result.request.sort == value, "url": link(base + [("sort", value)])}
        for value, label in (("relevance", "relevance"), ("date", "newest"), ("date-asc", "oldest"))
        if value != "relevance" or result.request.q
    ]  # without a query there is no relevance


def export_links(args) -> dict:
    pairs = state_pairs(args, keep=(*search_params(), "sort"))
    return {"csv": link(pairs, "/export.csv"), "json": link(pairs, "/export.json"), "api": link(pairs, "/api/search")}


def correction_view(result: SearchResult, args) -> dict | None:
    """ "Showing results for <corrected>; search instead for <typed>" (with correct=off)."""
    if not result.corrected_query:
        return None
    return {
        "text": result.corrected_query,
        "typed": result.request.q,
        "instead_url": link(state_pairs(args, drop=("correct",)) + [("correct", "off")]),
    }


def filter_notes_view(result: SearchResult, args) -> list[dict]:
    """Filter values read as other values, and values that match nothing with links to
    the closest ones (replacing the value typed)."""
    notes = []
    for note in result.filter_notes:
        pairs = state_pairs(args)
        closest = []
        for value in note.closest:
            replaced = [(k, value if (k, v) == (note.facet, note.value) else v) for k, v in pairs]
            closest.append({"value": value, "url": link(replaced)})
        notes.append(
            {
                "facet": note.facet,
                "value": note.value,
                "matched": note.matched,
                "closest": closest,
                "message": note.message,
            }
        )
    return notes


def grouping_view(result: SearchResult, args) -> dict | None:
    """The switch between at most 2 paragraphs of an article per page and every paragraph."""
    if not result.total:
        return None
    pairs = state_pairs(args, drop=("group",))
    if result.request.group:
        return {"grouped": True, "url": link(pairs + [("group", "off")])}
    return {"grouped": False, "url": link(pairs)}


def article_more_url(result: SearchResult, hit) -> str:
    """The article with the query's matching paragraphs marked, at the first one not shown."""
    p = hit.paragraph
    first = hit.more_first or p.n
    query = result.corrected_query or result.request.q
    pairs = ([("q", query)] if query else []) + [("p", str(first))]
    return link(pairs, f"/article/{quote(p.article_id, safe='')}") + f"#p{first}"


def suggestion_view(result: SearchResult, args) -> dict | None:
    """ "Did you mean": the corrected query's link and how many paragraphs it finds (hidden at 0)."""
    if not result.suggestion:
        return None
    return {
        "text": result.suggestion,
        "total": result.suggestion_total,
        "url": link([("q", result.suggestion)] + state_pairs(args, drop=("q",))),
    }


@bp.get("/")
def index():
    args = request.args
    context = dict(args=args, filters=active_filters(args), prefixes=facet_prefixes(args))
    try:
        search_request = parse_request(args, facet_size=facet_size_for(args))
        result = engine().search(search_request)
    except QueryError as error:
        return render_template(
            "search.html",
            error=str(error),
            result=None,
            facets=[],
            pages=[],
            prev_url="",
            next_url="",
            timeline=None,
            suggestion=None,
            sorts=[],
            exports=None,
            correction=None,
            filter_notes=[],
            grouping=None,
            **context,
        ), 400
    pages = page_links(result, args)
    by_number = {page["number"]: page["url"] for page in pages}
    return render_template(
        "search.html",
        error=None,
        result=result,
        facets=facets_view(result, args),
        pages=pages,
        prev_url=by_number.get(result.request.page - 1, ""),
        next_url=by_number.get(result.request.page + 1, ""),
        timeline=timeline_view(result, args),
        sorts=sort_links(result, args),
        suggestion=suggestion_view(result, args),
        exports=export_links(args),
        correction=correction_view(result, args),
        filter_notes=filter_notes_view(result, args),
        grouping=grouping_view(result, args),
        more_urls=[article_more_url(result, hit) if hit.more else "" for hit in result.hits],
        export_limit=current_app.config["EXPORT_LIMIT"],
        **context,
    )


@bp.get("/api/search")
def api_search():
    try:
        result = engine().search(parse_request(request.args))
    except QueryError as error:
        return jsonify(error=str(error)), 400
    data = result_to_dict(result)
    url = ValueURLs(request.args)
    for name, values in data["facets"].items():
        for value in values:
            value["toggle_url"] = url(name, value["value"], value["selected"])
    return jsonify(data)


# -- export -----------------------------------------------------------------
def export_request(args):
    """The search of ``args`` for export: every page, in the requested order, up to the cap."""
    search_request = parse_request(args, page=1, per_page=10, facet_size=1)
    cap = int(current_app.config["EXPORT_LIMIT"])
    total, paragraphs = engine().export(search_request, cap)
    return search_request, cap, total, paragraphs


# what a spreadsheet may read as the start of a formula (OWASP, "CSV Injection")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A value as a CSV cell: a list joined with "; ", and a text that a
    spreadsheet could run as a formula (``=HYPERLINK(...)``, ``-2+3``,
    ``@SUM(...)``) prefixed with ``'``, as OWASP advises, so it shows as text.
    The JSON export keeps every value as it is."""
    if isinstance(value, list):
        value = "; ".join(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_row(paragraph) -> dict:
    data = paragraph.to_dict()
    return {name: data[name] for name in export_fields()}


def export_filename(args, extension: str) -> str:
    words = re.sub(r"[^A-Za-z0-9]+", "-", fold(args.get("q", ""))).strip("-").lower()[:40].strip("-")
    return f"diplosearch-{words or 'all'}-{date.today().isoformat()}.{extension}"


def export_headers(args, extension: str, total: int, cap: int, exported: int) -> dict:
    return {
        "Content-Disposition": f'attachment; filename="{export_filename(args, extension)}"',
        "X-Total-Count": str(total),
        "X-Export-Limit": str(cap),
        "X-Export-Count": str(exported),
    }


@bp.get("/export.csv")
def export_csv():
    try:
        _, cap, total, paragraphs = export_request(request.args)
    except QueryError as error:
        return Response(f"error: {error}\n", status=400, mimetype="text/plain")
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(export_fields())
    for paragraph in paragraphs:
        row = export_row(paragraph)
        writer.writerow([csv_cell(value) for value in row.values()])
    return Response(
        out.getvalue(), mimetype="text/csv", headers=export_headers(request.args, "csv", total, cap, len(paragraphs))
    )


@bp.get("/export.json")
def export_json():
    try:
        search_request, cap, total, paragraphs = export_request(request.args)
    except QueryError as error:
        return jsonify(error=str(error)), 400
    body = {
        "query": search_request.q,
        "filters": {**search_request.filters, "from": search_request.date_from, "to": search_request.date_to},
        "sort": search_request.sort,
        "total": total,
        "limit": cap,
        "exported": len(paragraphs),
        "truncated": total > len(paragraphs),
        "rows": [export_row(p) for p in paragraphs],
    }
    # columns in the documented order (jsonify would sort them)
    return Response(
        json.dumps(body, ensure_ascii=False),
        mimetype="application/json",
        headers=export_headers(request.args, "json", total, cap, len(paragraphs)),
    )


# -- articles -----------------------------------------------------------------
ARTICLE_ID_QUERYABLE = re.compile(r"^[\w.\-]+$")
MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


def matching_paragraphs(article_id: str, q: str) -> dict[int, list[str]]:
    """Paragraph numbers of the article that match ``q``, each with the words the engine marked."""
    if not q.strip() or not ARTICLE_ID_QUERYABLE.match(article_id):
        return {}
    found: dict[int, list[str]] = {}
    page = 1
    while True:
        try:
            result = engine().search(
                build_request(q=f"({q}) article:{article_id}", per_page=100, page=page, facet_size=1, group=False)
            )
        except QueryError:
            return found
        for hit in result.hits:  # the snippet is HTML: its marked words as text
            found[hit.paragraph.n] = sorted(
                {html.unescape(m) for m in MARK.findall(hit.snippet)}, key=len, reverse=True
            )
        if page >= result.pages or page >= 10:
            return found
        page += 1


def mark_words(text: str, words: list[str]) -> Markup:
    """The paragraph as HTML, escaped, with the engine's marked words wrapped in <mark>.

    The words are found in the text as it is and each piece is escaped on its
    own, so a mark never lands inside an entity (``&amp;``, ``&#39;``) that
    escaping made."""
    words = [w for w in words if w]
    if not words:
        return escape(text)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)
    pieces, last = [], 0
    for match in pattern.finditer(text):
        pieces += [escape(text[last : match.start()]), Markup("<mark>%s</mark>") % match.group()]
        last = match.end()
    pieces.append(escape(text[last:]))
    return Markup("").join(pieces)


@bp.get("/article/<path:article_id>")
def article(article_id: str):
    paragraphs = engine().article(article_id)
    if not paragraphs:
        abort(404, description=f"no article with id {article_id!r}")
    try:
        highlight = int(request.args.get("p", 0))
    except ValueError:
        highlight = 0
    q = request.args.get("q", "")
    matches = matching_paragraphs(article_id, q)
    texts = {p.n: mark_words(p.text, matches.get(p.n, [])) for p in paragraphs}
    back_pairs = state_pairs(request.args, drop=("more",))
    return render_template(
        "article.html",
        paragraphs=paragraphs,
        first=paragraphs[0],
        highlight=highlight,
        q=q,
        matches=sorted(matches),
        texts=texts,
        back_url=link(back_pairs),
        alternates=engine().alternates(article_id),
    )


@bp.get("/api/article/<path:article_id>")
def api_article(article_id: str):
    paragraphs = engine().article(article_id)
    if not paragraphs:
        return jsonify(error=f"no article with id {article_id!r}"), 404
    first = paragraphs[0]
    return jsonify(
        article_id=article_id,
        title=first.title,
        date=first.date,
        dateline=first.dateline,
        alternates=engine().alternates(article_id),
        source=first.source,
        url=first.url,
        paragraphs=[p.to_dict() for p in paragraphs],
    )


# -- facet values ---------------------------------------------------------------
@bp.get("/api/facets/<name>")
def api_facet_values(name: str):
    """Values of one facet whose words start with ``prefix``.

    With search parameters (q, sector, speaker, country, from, to), counts are
    within that search, as in the sidebar (a facet's own selection does not
    narrow its counts); without them, over the whole index.
    """
    args = request.args
    prefix = args.get("prefix", "")
    try:
        limit = int(args.get("limit", 20))
    except ValueError:
        return jsonify(error=f"limit must be a whole number, not {args.get('limit')!r}"), 400
    limit = max(1, min(limit, 200))
    if FACETS.get(name) is None:
        return jsonify(error=f"unknown facet {name!r}; facets are: {', '.join(FACETS.names())}"), 400
    scoped = bool(state_pairs(args, keep=search_params()))
    try:
        values = engine().facet_values(name, prefix, limit, parse_request(args) if scoped else None)
    except QueryError as error:
        return jsonify(error=str(error)), 400
    return jsonify(
        facet=name,
        prefix=prefix,
        scope="search" if scoped else "index",
        values=[dict(plain(v), toggle_url=toggle_url(args, name, v.value)) for v in values],
    )


@bp.get("/api/openapi.json")
def api_openapi():
    # in the written order (jsonify would sort the keys), so columns read as documented
    return Response(json.dumps(openapi_spec(current_app.config["EXPORT_LIMIT"]), indent=1), mimetype="application/json")


@bp.get("/help")
def help_page():
    return render_template(
        "help.html",
        sectors=sector_labels(),
        export_fields=export_fields(),
        export_limit=current_app.config["EXPORT_LIMIT"],
    )


@bp.app_template_filter("http_url")
def http_url_filter(value) -> str:
    """A stored URL as a link target, or "" when it is not http(s) (``javascript:``, ``data:``)."""
    return http_url(value)


@bp.app_context_processor
def search_state():
    def hidden_state(drop=(), keep=None):
        """(name, value) pairs to carry the current search through a GET form."""
        return state_pairs(request.args, drop=tuple(drop), keep=tuple(keep) if keep else None)

    return {"args": request.args, "hidden_state": hidden_state, "facet_specs": list(FACETS)}


def register_errors(app) -> None:
    @app.errorhandler(404)
    def not_found(error):
        if request.path.startswith("/api/"):
            return jsonify(error=error.description), 404
        return render_template("error.html", status=404, message=error.description), 404

    @app.errorhandler(IndexMissing)
    def no_index(error):
        if request.path.startswith("/api/") or request.path.startswith("/export."):
            return jsonify(error=str(error)), 503
        return render_template("error.html", status=503, message=str(error)), 503

    @app.errorhandler(500)
    def server_error(error):
        message = "Something went wrong on our side; the error has been logged."
        if request.path.startswith("/api/"):
            return jsonify(error=message), 500
        return render_template("error.html", status=500, message=message), 500
