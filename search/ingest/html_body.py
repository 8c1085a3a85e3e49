"""The article body of a web page as a list of paragraphs.

Two extractors, one cleaning pass:

- :func:`trafilatura_blocks` asks trafilatura (precision mode, links kept so
  that link density can be measured) for the main content and walks its XML
  blocks: paragraphs, headings, list items, quotes, table rows;
- :func:`soup_blocks` is a BeautifulSoup block scorer used when trafilatura is
  not installed or finds nothing: it drops boilerplate elements (nav, header,
  footer, aside, forms, figures/captions, share/related/newsletter/comment
  boxes by tag, role, class and id), scores each container by the text of its
  paragraphs less their link text, and reads the blocks of the best one;
- :func:`clean_blocks` then drops what is not article text in either case:
  the headline, datelines given as metadata, link lists ("Also on ...",
  "Read more: ..."), share prompts, newsletter and membership boxes, comment
  counters, captions/credits ("Reporting by ...", "... contributed to this
  report"), and blocks with no words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from search.ingest.html_meta import parse_date, words
from search.text import MONTH_ABBREVIATIONS, MONTH_NAMES


@dataclass
class Block:
    text: str
    link_chars: int = 0
    kind: str = "p"  # p, h (heading), li, quote, row

    @property
    def link_density(self) -> float:
        return self.link_chars / max(1, len(self.text))


def squash(text: str) -> str:
    return " ".join(text.replace("\u00ad", "").replace("\u200b", "").split())


# ================================================================ trafilatura


def trafilatura_blocks(html_text: str) -> list[Block] | None:
    """Blocks of trafilatura's main content; None when trafilatura is unavailable."""
    try:
        import trafilatura
        from lxml import etree
    except ImportError:  # pragma: no cover - depends on the environment
        return None
    try:
        xml = trafilatura.extract(
            html_text,
            output_format="xml",
            favor_precision=True,
            include_comments=False,
            include_tables=True,
            include_links=True,
            include_formatting=True,
            include_images=False,
            with_metadata=False,
            deduplicate=False,
        )
    except Exception:  # trafilatura is third-party: never let it break a reindex
        return None
    if not xml:
        return []
    try:
        root = etree.fromstring(xml.encode("utf-8"), etree.XMLParser(recover=True, huge_tree=True))
    except etree.XMLSyntaxError:
        return []
    main = root.find("main")
    if main is None:
        return []
    blocks: list[Block] = []
    _walk_xml(main, blocks)
    return blocks


_XML_LEAF = {"p": "p", "head": "h", "item": "li", "quote": "quote", "code": "p", "row": "row"}


def _walk_xml(element, blocks: list[Block]) -> None:
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in ("list", "table", "div", "main", "quote") and _has_block_child(child):
            _walk_xml(child, blocks)
            continue
        if tag in _XML_LEAF or tag == "quote":
            text = squash(_xml_text(child))
            if tag == "row":
                text = squash(" ".join(squash(_xml_text(cell)) for cell in child))
            links = sum(len(squash(_xml_text(ref))) for ref in child.iter("ref"))
            if text:
                blocks.append(Block(text, links, _XML_LEAF.get(tag, "p")))
        elif tag in ("list", "table"):
            _walk_xml(child, blocks)


def _xml_text(element) -> str:
    """The text of an element; line breaks and emptied links (whitespace-only
    anchors that trafilatura trims) count as spaces, so words do not run together."""
    parts = [element.text or ""]
    children = list(element)
    for i, child in enumerate(children):
        tag = child.tag if isinstance(child.tag, str) else ""
        inner = _xml_text(child) if tag else ""
        if tag == "lb" or (tag == "ref" and not inner.strip()):
            parts.append(" ")
        parts.append(inner)
        parts.append(child.tail or "")
        # two links in a row: trafilatura drops the space between them ("that</ref><ref>said")
        if tag == "ref" and not child.tail and i + 1 < len(children) and children[i + 1].tag == "ref":
            parts.append(" ")
    return "".join(parts)


def _has_block_child(element) -> bool:
    return any(
        isinstance(c.tag, str) and c.tag in ("p", "head", "item", "list", "row", "quote", "table") for c in element
    )


# ================================================================ BeautifulSoup scorer

DROP_TAGS = [
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "canvas",
    "iframe",
    "object",
    "embed",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "select",
    "input",
    "textarea",
    "figure",
    "figcaption",
    "picture",
    "video",
    "audio",
    "map",
    "dialog",
    "menu",
    "label",
]
BOILER = re.compile(
    r"(^|[-_ ])(nav|navbar|menu|breadcrumbs?|masthead|header|footer|sidebar|side-bar|rail|widget|"
    r"share|sharing|social|sociallinks|follow|related|recommend\w*|more-?stories|most-?(read|popular)|"
    r"trending|newsletter|subscribe|subscription|signup|sign-up|promo|sponsor\w*|advert\w*|ads?|"
    r"ad-?slot|dfp|outbrain|taboola|comments?|disqus|respond|reply|caption|credit|byline|author|"
    r"dateline|timestamp|tags?|topics|keywords|cookie|consent|banner|modal|popup|overlay|toolbar|"
    r"pagination|pager|skip|hidden|visually-?hidden|sr-only|print-only|teaser|card|tools|meta)"
    r"($|[-_ \d])",
    re.IGNORECASE,
)
CONTENT_HINT = re.compile(r"(article|story|body|content|main|entry|post|text)", re.IGNORECASE)
BLOCK_TAGS = {"p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "tr", "dd", "dt"}
CONTAINER_TAGS = {"div", "section", "article", "main", "td", "body", "span", "font", "center"}


def _is_boilerplate(tag: Tag) -> bool:
    if tag.name in ("body", "html", "article", "main"):
        return False
    if tag.get("hidden") is not None or tag.get("aria-hidden") == "true":
        return True
    style = (tag.get("style") or "").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style:
        return True
    role = (tag.get("role") or "").lower()
    if role in {"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "menu"}:
        return True
    names = " ".join(tag.get("class") or []) + " " + (tag.get("id") or "")
    if not names.strip():
        return False
    if CONTENT_HINT.search(names) and not re.search(r"related|comment|share|promo|newsletter|caption", names, re.I):
        return False
    return bool(BOILER.search(names))


def _holds_running_text(tag: Tag) -> bool:
    return sum(1 for p in tag.find_all("p") if len(squash(p.get_text(" "))) >= 100) >= 3


def _decomposed(tag: Tag) -> bool:
    """Whether ``tag`` was removed by an earlier ``decompose()``.

    Not ``tag.decomposed``: for a tag never decomposed, BeautifulSoup's property
    falls through to ``tag.find("_decomposed")``, a search of the whole subtree,
    which made pruning quadratic (100,000 nested <div>s took hours).
    """
    return bool(vars(tag).get("_decomposed"))


def prune(soup: BeautifulSoup) -> None:
    """Remove scripts, comments and boilerplate elements in place."""
    for node in soup.find_all(string=lambda s: isinstance(s, Comment)):
        node.extract()
    for tag in soup.find_all(DROP_TAGS):
        if _decomposed(tag):
            continue
        if tag.name in ("form", "header") and _holds_running_text(tag):
            continue  # ASP.NET pages wrap everything in one <form>; some sites put the story in <header>
        tag.decompose()
    for tag in soup.find_all(True):
        if _decomposed(tag):
            continue
        if _is_boilerplate(tag):
            tag.decompose()


def soup_blocks(html_text: str) -> list[Block]:
    soup = BeautifulSoup(html_text, "lxml")
    body = soup.body or soup
    prune(soup)
    # score containers by the non-link text of their paragraphs, readability-style
    scores: dict[int, float] = {}
    totals: dict[tuple[int, tuple[str, ...]], float] = {}
    nodes: dict[int, Tag] = {}
    for para in body.find_all(["p", "pre", "blockquote"]) + _text_divs(body):
        text = squash(para.get_text(" "))
        if len(text) < 25:
            continue
        links = sum(len(squash(a.get_text(" "))) for a in para.find_all("a"))
        score = (1 + text.count(",") + min(len(text) // 100, 3)) * (1 - links / max(1, len(text)))
        parent = para.parent
        for weight in (1.0, 0.5, 0.25):
            if not isinstance(parent, Tag):
                break
            scores[id(parent)] = scores.get(id(parent), 0.0) + score * weight
            nodes[id(parent)] = parent
            parent = parent.parent
        # everything below a node at full weight, by the kind of box each paragraph sits in
        box = _signature(para.parent)
        for ancestor in para.parents:
            key = (id(ancestor), box)
            totals[key] = totals.get(key, 0.0) + score
    if not scores:
        return []
    best = nodes[max(scores, key=lambda k: scores[k])]
    # an article split over several boxes (one per few paragraphs): climb while a
    # parent holds clearly more of the page's text than the box chosen
    # parent holds clearly more paragraphs in boxes of the same kind as the one chosen
    box = _signature(best)
    for ancestor in list(best.parents):
        if ancestor.name in ("body", "html", "[document]"):
            break
        if totals.get((id(ancestor), box), 0.0) >= 1.5 * totals.get((id(best), box), 0.0) > 0:
            best = ancestor
    parts = [best]
    blocks: list[Block] = []
    for part in parts:
        _collect(part, blocks)
    return blocks


def _signature(tag: Tag | None) -> tuple[str, ...]:
    if not isinstance(tag, Tag):
        return ()
    return (tag.name, *sorted(tag.get("class") or []))


def _text_divs(body: Tag) -> list[Tag]:
    """<div>s that hold running text directly (pages that use <br> instead of <p>)."""
    found = []
    for div in body.find_all(["div", "td", "section"]):
        direct = squash(
            " ".join(s for s in div.find_all(string=True, recursive=False) if isinstance(s, NavigableString))
        )
        if len(direct) >= 80:
            found.append(div)
    return found


def _collect(node: Tag, blocks: list[Block]) -> None:
    buffer: list[str] = []
    links = 0

    def flush() -> None:
        nonlocal links
        text = squash(" ".join(buffer))
        if text:
            blocks.append(Block(text, links, "p"))
        buffer.clear()
        links = 0

    for child in node.children:
        if isinstance(child, NavigableString):
            buffer.append(str(child))
            continue
        if not isinstance(child, Tag):
            continue
        if child.name == "br":
            if buffer and not squash(buffer[-1]):
                flush()
            buffer.append("\n")
            continue
        if child.name in BLOCK_TAGS or child.name == "h1":
            flush()
            if child.name == "h1":
                continue
            if child.name in {"ul", "ol"}:
                continue
            inner_blocks = (
                child.find(list(BLOCK_TAGS - {"tr"}) + ["div"]) if child.name in {"blockquote", "li", "dd"} else None
            )
            if inner_blocks is not None:
                _collect(child, blocks)
                continue
            text = squash(child.get_text(" "))
            link_chars = sum(len(squash(a.get_text(" "))) for a in child.find_all("a"))
            if text:
                kind = "h" if child.name.startswith("h") else ("li" if child.name == "li" else "p")
                blocks.append(Block(text, link_chars, kind))
            continue
        if (
            child.name in CONTAINER_TAGS | {"ul", "ol", "dl", "table", "tbody", "thead"}
            or child.find(list(BLOCK_TAGS)) is not None
        ):
            flush()
            _collect(child, blocks)
            continue
        # inline element: part of the running text
        buffer.append(child.get_text(" "))
        if child.name == "a":
            links += len(squash(child.get_text(" ")))
    flush()


# ================================================================ cleaning

PROMPT = re.compile(
    r"^\W*(also on|also read|see more|see also|read more|read also|read next|more from|more on this|"
    r"more:|related:|related stories|related articles|recommended|don'?t miss|most read|most popular|"
    r"trending|watch:|watch now|listen:|advertisement|sponsored|share this|share on|like this story|"
    r"click here|tap here|follow us|follow \S+ on|download the|get the app|scroll down|continue reading|"
    r"story continues|image copyright|image caption|media caption|photo:|photograph:|picture:|"
    r"caption:|credit:|source:|sources:|copyright|©|all rights reserved|leave a (comment|reply)|"
    r"comments?$|\d+\s+comments?$|sign up|subscribe|newsletter|top stories|editor'?s picks?|you may also like|"
    r"you might also like|also see|explore more|next article|previous article|back to top|print this)",
    re.IGNORECASE,
)
PROMO = re.compile(
    r"\b(sign up for (our|the)|subscribe to (our|the)|our (daily |weekly |free )?newsletters?\b|"
    r"if you (enjoyed|liked|value) this|support (our|independent|quality) journalism|"
    r"become an? (member|subscriber|supporter)|join \w*plus\b|members get all|"
    r"already a subscriber|log ?in to (continue|comment)|turn off your ad ?blocker|"
    r"to (continue reading|read more), (please )?(subscribe|log in|sign in)|"
    r"this (content|video) is not available|enable javascript)",
    re.IGNORECASE,
)
CREDIT = re.compile(
    r"(\bcontributed (reporting|to this (report|story|article))\b|"
    r"^\(?\s*(additional )?(reporting|writing|editing|compiled|edited|written|produced|translated|"
    r"research|graphics?) (by|from)\b|"
    r"^(follow|contact|email|e-mail|reach) (\S+ ){0,8}(on twitter|at https?://|on facebook|at @|@\w+)|"
    r"^\(?(this|the) (story|article) (has been|was) (updated|corrected)\b)",
    re.IGNORECASE,
)
SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s*$")
SHARE_WORDS = {
    "share",
    "shares",
    "tweet",
    "email",
    "e",
    "mail",
    "print",
    "facebook",
    "twitter",
    "whatsapp",
    "linkedin",
    "reddit",
    "pinterest",
    "messenger",
    "telegram",
    "copy",
    "link",
    "comments",
    "comment",
    "save",
    "reply",
    "close",
    "menu",
    "advertisement",
    "ad",
    "gift",
    "article",
    "this",
    "on",
    "via",
    "sms",
}
TIME_WORDS = {
    "am",
    "pm",
    "gmt",
    "utc",
    "est",
    "edt",
    "bst",
    "ist",
    "amt",
    "cet",
    "cest",
    "et",
    "pt",
    "pst",
    "pdt",
    "updated",
    "published",
    "posted",
    "last",
    "first",
    "on",
    "at",
    "hrs",
    "ago",
    "hours",
    "hour",
    "minutes",
    "min",
    "mins",
    "days",
    "day",
    "by",
    "date",
    "time",
    "modified",
    "h",
    "wib",
    "myt",
    "sgt",
    "ict",
    "pht",
    "hkt",
    "jst",
    "kst",
    "aest",
    "sast",
    "cat",
    "eat",
    "wat",
    "msk",
}
WEEKDAYS = {
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thur",
    "thurs",
    "fri",
    "sat",
    "sun",
}
# month names and abbreviations, as a dateline writes them ("Sept." too)
MONTH_WORDS = {m.lower() for m in (*MONTH_NAMES, *MONTH_ABBREVIATIONS)} | {"sept"}


def is_dateline_only(text: str) -> bool:
    """'November 20, 2019 - 11:28 AMT', 'Updated: 20 Nov 2019 08:02 GMT' and the like."""
    tokens = words(text)
    if not tokens or len(tokens) > 14:
        return False
    rest = [
        t
        for t in tokens
        if not t.isdigit()
        and t not in TIME_WORDS | WEEKDAYS | MONTH_WORDS
        and not re.fullmatch(r"\d+(st|nd|rd|th|am|pm|h)?", t)
    ]
    return not rest and (bool(parse_date(text)) or bool(re.search(r"\d{1,2}:\d\d", text)))


def _same_words(text: str, others: tuple[str, ...]) -> bool:
    mine = words(text)
    return bool(mine) and any(mine == words(other) for other in others)


def is_boilerplate_text(block: Block) -> bool:
    text = block.text
    tokens = words(text)
    if not tokens:
        return True
    n = len(tokens)
    # a link list entry: mostly link text and not a sentence ("Also on rt.com <headline>")
    if n <= 40 and block.link_density >= 0.6 and not SENTENCE_END.search(text):
        return True
    if block.link_density >= 0.9:
        return True
    if n <= 25 and PROMPT.match(text):
        return True
    if n <= 80 and PROMO.search(text):
        return True
    if n <= 45 and CREDIT.search(text):
        return True
    if n <= 8 and set(tokens) <= SHARE_WORDS | {str(i) for i in range(1000)}:
        return True
    if n <= 3 and ("[" in text or "]" in text):  # "[VIDEO]", "[INSIGHT]|" labels of link lists
        return True
    return is_dateline_only(text)


def clean_blocks(blocks: list[Block], headlines: tuple[str, ...] = ()) -> list[str]:
    """The paragraphs worth keeping, in order, without repeats."""
    kept: list[str] = []
    seen: set[tuple[str, ...]] = set()
    dropped_links = [False] * len(blocks)
    for i, block in enumerate(blocks):
        if is_boilerplate_text(block):
            dropped_links[i] = True
    for i, block in enumerate(blocks):
        if dropped_links[i]:
            continue
        tokens = tuple(words(block.text))
        if i < 3 or block.kind == "h":
            if _same_words(block.text, headlines):
                continue
        # a short, all-capital kicker between two link blocks ("DON'T MISS", "READ MORE")
        if len(tokens) <= 4 and block.text.upper() == block.text and any(c.isalpha() for c in block.text):
            before = i > 0 and dropped_links[i - 1]
            after = i + 1 < len(blocks) and dropped_links[i + 1]
            if before or after:
                continue
        if len(tokens) >= 6 and tokens in seen:  # the same paragraph twice (pull quotes, sticky copies)
            continue
        # a heading whose section was all boilerplate ("Something to Consider" over a promo box)
        if block.kind == "h" and (i + 1 >= len(blocks) or dropped_links[i + 1]):
            continue
        seen.add(tokens)
        kept.append(block.text)
    return kept
