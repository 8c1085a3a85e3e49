"""Turn the bytes of a web page into text, and repair mojibake.

Order of trust when decoding (the WHATWG order, simplified):

1. a byte-order mark (UTF-8, UTF-16 LE/BE);
2. the charset the page declares in its first few kilobytes
   (``<meta charset>``, ``<meta http-equiv="Content-Type" content="...charset=...">``
   or an XML declaration), with ISO-8859-1/ASCII read as Windows-1252 as browsers do;
   a page that declares Latin-1/cp1252 but is valid UTF-8 with non-ASCII bytes is
   read as UTF-8 (a common mislabel);
3. UTF-8, strictly;
4. Windows-1252 (every byte decodes), unless charset-normalizer is installed and
   is confident of something else.

After decoding, :func:`repair_mojibake` undoes UTF-8 text that was decoded as
Windows-1252 somewhere upstream ("â€™" -> "’", "Ã©" -> "é"), and C1 control
characters (what ``&#146;`` and friends become) are mapped to the Windows-1252
characters they were meant to be.
"""

from __future__ import annotations

import codecs
import re

_HEAD_BYTES = 8192

_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.\-]+)["']""", re.IGNORECASE)

# Labels that browsers treat as Windows-1252.
_CP1252_ALIASES = {
    "iso-8859-1",
    "iso8859-1",
    "latin-1",
    "latin1",
    "l1",
    "us-ascii",
    "ascii",
    "iso_8859-1",
    "windows-1252",
    "cp1252",
    "x-cp1252",
    "ansi_x3.4-1968",
}


def _codec(label: str) -> str | None:
    label = label.strip().lower().strip("\"'")
    if label in _CP1252_ALIASES:
        return "cp1252"
    if label in {"utf8", "unicode-1-1-utf-8", "x-unicode20utf8"}:
        return "utf-8"
    if label in {"gb2312", "gbk", "x-gbk"}:  # WHATWG: all read as GB18030's superset
        return "gb18030"
    if label in {"shift_jis", "sjis", "x-sjis", "ms_kanji"}:
        return "cp932"
    if label in {"euc-kr", "ks_c_5601-1987"}:
        return "cp949"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name.startswith("utf-16") or name.startswith("utf-32"):
        # A page that reached us as ASCII-compatible bytes cannot really be UTF-16.
        return "utf-8"
    return name


def declared_charset(data: bytes) -> str | None:
    """The codec named by the page's own declaration, or None."""
    head = data[:_HEAD_BYTES]
    match = _XML_DECL.match(head) or _META_CHARSET.search(head)
    if not match:
        return None
    return _codec(match.group(1).decode("ascii", "ignore"))


def decode_html(data: bytes) -> str:
    """Decode page bytes to text (see the module docstring for the order)."""
    if data.startswith(codecs.BOM_UTF8):
        return repair_mojibake(data[3:].decode("utf-8", "replace"))
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return repair_mojibake(data.decode("utf-16", "replace"))
    declared = declared_charset(data)
    if declared and declared != "utf-8":
        if declared == "cp1252" and _is_utf8_with_non_ascii(data):
            text = data.decode("utf-8")
        else:
            try:
                text = data.decode(declared)
            except (UnicodeDecodeError, LookupError):
                text = _guess(data)
        return repair_mojibake(text)
    try:
        return repair_mojibake(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    return repair_mojibake(_guess(data))


def _is_utf8_with_non_ascii(data: bytes) -> bool:
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _guess(data: bytes) -> str:
    """Bytes that are neither declared nor UTF-8: Windows-1252 unless clearly otherwise."""
    high = sum(byte >= 0x80 for byte in data[:200_000])
    try:  # optional: only used when installed, and only for pages that are mostly non-Latin
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - depends on the environment
        from_bytes = None
    if high < 200 or high < 0.05 * min(len(data), 200_000):
        from_bytes = None  # a Western page with a few accented letters and curly quotes
    if from_bytes is not None:
        best = from_bytes(data[:200_000]).best()
        if best is not None and best.encoding and best.chaos < 0.1:
            codec = _codec(best.encoding)
            if (
                codec
                and codec not in {"utf-8", "ascii"}
                and not codec.startswith("cp125")
                and not codec.startswith("iso8859")
                and not codec.startswith("latin")
            ):
                try:
                    return data.decode(codec)
                except (UnicodeDecodeError, LookupError):
                    pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        # cp1252 leaves 0x81, 0x8D, 0x8F, 0x90, 0x9D undefined: read those as Latin-1.
        return "".join(
            chunk.decode("cp1252", "strict") if i % 2 == 0 else chunk.decode("latin-1")
            for i, chunk in enumerate(re.split(rb"([\x81\x8d\x8f\x90\x9d]+)", data))
        )


# ---------------------------------------------------------------- mojibake

# Characters that Windows-1252 produces for the bytes 0x80-0x9F.
_CP1252_HIGH = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
# What a UTF-8 continuation byte (0x80-0xBF) looks like after a cp1252 decode.
_CONT = "[\u0080-\u00bf" + re.escape(_CP1252_HIGH) + "]"
# A UTF-8 lead byte (0xC2-0xF4) decoded as cp1252/Latin-1, then its continuations.
_MOJIBAKE = re.compile(
    "(?:[\u00c2-\u00df]" + _CONT + "|[\u00e0-\u00ef]" + _CONT + "{2}|[\u00f0-\u00f4]" + _CONT + "{3})+"
)
# Tell-tale pairs, to decide cheaply whether a text needs the repair at all.
_SUSPECT = re.compile("[\u00c2-\u00f4][\u0080-\u00bf" + re.escape(_CP1252_HIGH) + "]")
_C1 = re.compile("[\u0080-\u009f]")


def _to_bytes(text: str) -> bytes:
    out = bytearray()
    for char in text:
        code = ord(char)
        if code < 0x100 and not 0x80 <= code <= 0x9F:
            out.append(code)
        elif 0x80 <= code <= 0x9F:  # C1 control left by a Latin-1 decode
            out.append(code)
        else:
            out += char.encode("cp1252")  # raises for anything outside cp1252
    return bytes(out)


def _fix_run(match: re.Match[str]) -> str:
    run = match.group(0)
    try:
        return _to_bytes(run).decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return run


def _c1_to_cp1252(match: re.Match[str]) -> str:
    try:
        return bytes([ord(match.group(0))]).decode("cp1252")
    except UnicodeDecodeError:
        return ""


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 decoded as Windows-1252/Latin-1 (once or twice); map stray C1 controls."""
    for _ in range(2):  # double-encoded pages need two rounds
        if not _SUSPECT.search(text):
            break
        fixed = _MOJIBAKE.sub(_fix_run, text)
        if fixed == text:
            break
        text = fixed
    if _C1.search(text):
        text = _C1.sub(_c1_to_cp1252, text)
    return text
