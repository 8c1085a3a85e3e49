"""The code's shape holds: stages import only earlier stages, Whoosh's internals stay fenced,
the engine never imports Flask, and the README's layout is the layout there is."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

from conftest import ROOT

# search/'s stages in pipeline order; a module may import its own stage or an earlier one
STAGES = ["base", "ingest", "tagging", "index", "query", "backends", "cli"]
WHOOSH_FENCE = "search.backends.whoosh"
# the query language: its tree and parser, and (for a backend that parses with the engine's parser
# and stems on its own side) the public field types and analyzers a parsing schema is made of
PUBLIC_WHOOSH = {
    "whoosh",
    "whoosh.query",
    "whoosh.qparser",
    "whoosh.qparser.dateparse",
    "whoosh.fields",
    "whoosh.analysis",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, module, names) of every import in a file, relative ones made absolute."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                module = importlib.util.resolve_name("." * node.level + module, package)
            found.append((node.lineno, module, [alias.name for alias in node.names]))
    return found


def stage(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "search":
        return None
    if len(parts) > 1 and parts[1] in STAGES:
        return parts[1]
    return "base"


def python_files(*folders: str) -> list[Path]:
    return [path for folder in folders for path in sorted((ROOT / folder).rglob("*.py"))]


def test_no_module_imports_from_a_later_stage():
    wrong = []
    for path in python_files("search"):
        own = stage(module_name(path))
        for line, module, _ in imports(path):
            other = stage(module)
            if other and STAGES.index(other) > STAGES.index(own):
                wrong.append(f"{path.relative_to(ROOT)}:{line} ({own}) imports {module} ({other})")
    assert not wrong, "\n".join(wrong)


def test_the_engine_never_imports_flask_or_the_web_layer():
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in python_files("search")
        for line, module, _ in imports(path)
        if module.split(".")[0] in ("flask", "web", "werkzeug")
    ]
    assert not wrong, "\n".join(wrong)


def test_only_the_whoosh_backend_uses_whoosh_internals():
    """Outside search/backends/whoosh, only Whoosh's public query language may be imported."""
    wrong = []
    for path in python_files("search", "web"):
        if module_name(path).startswith(WHOOSH_FENCE):
            continue
        for line, module, names in imports(path):
            if module.split(".")[0] != "whoosh":
                continue
            private = [name for name in names if name.startswith("_")]
            if module not in PUBLIC_WHOOSH or private or names == ["*"]:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {module} {names}")
    assert not wrong, "\n".join(wrong)


def test_the_readme_layout_is_the_code_layout():
    import sys

    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import layout
    finally:
        sys.path.remove(str(ROOT / "tools"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert layout.readme_section(readme) == layout.section(), (
        "README.md's layout is out of date: run `.venv/bin/python tools/layout.py --write`"
    )
