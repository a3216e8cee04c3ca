"""The package's layers, read from the source with `ast` (no import runs):

- the command line reaches the rest only through the use cases and the views;
- the pure core (rules, renderers, views) has no database, no command line and no clock;
- only the store and the use cases touch `studyplan.db`;
- no module imports another that (directly or not) imports it back.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "studyplan"

CLI = {"cli", "cli_admin", "cli_cards"}
# What the command line may import: use cases, views, and the core's option types.
CLI_MAY_IMPORT = {
    "studyplan", "study", "study_review", "study_reports", "study_cards", "study_admin", "workspace",
    "views", "plan_views", "stats", "review_views", "cohort", "terminal", "session_jsonl",
    "errors", "plan", "advice", "dates", "text", "layout", "cli", "cli_admin", "cli_cards",
}
PURE = {
    "sm2", "plan", "planner", "forecast", "metrics", "catalog", "advice", "queue", "errors", "text", "dates", "layout",
    "plan_views", "views", "stats", "review_views", "cohort", "anki", "exporting", "renames", "deck_rules",
    "calendar", "calendar.html", "calendar.text", "calendar.ics",
}
USE_CASES = {"study", "study_review", "study_reports", "study_cards", "study_admin", "workspace", "session", "deck_sync"}
IMPURE_LIBRARIES = ("sqlalchemy", "alembic", "click", "sqlite3", "psycopg")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_nodes(path: Path) -> list[ast.AST]:
    """Every node of *path* outside `if TYPE_CHECKING:` blocks (type-only imports run never)."""
    tree = ast.parse(path.read_text())
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            skipped.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    return [n for n in ast.walk(tree) if id(n) not in skipped]


def _imports(path: Path) -> tuple[set[str], set[str]]:
    """(studyplan modules, other top-level packages) that *path* imports at run time."""
    name = _module_name(path)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    ours, theirs = set(), set()
    for node in _runtime_nodes(path):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
                ours.add(target)
            elif node.module and node.module.split(".")[0] == "studyplan":
                ours.add(node.module.removeprefix("studyplan").lstrip(".") or "studyplan")
            elif node.module and node.module != "__future__":
                theirs.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "studyplan":
                    ours.add(alias.name.removeprefix("studyplan").lstrip(".") or "studyplan")
                else:
                    theirs.add(alias.name.split(".")[0])
    modules = {_module_name(p) for p in PACKAGE.rglob("*.py")}
    # "from studyplan.db import cards" names the module studyplan.db.cards
    ours = {m for m in ours if m in modules} | {f"{m}.{a}" for m in ours for a in _names(path, m)
                                               if f"{m}.{a}" in modules}
    return ours - {name}, theirs


def _names(path: Path, module: str) -> set[str]:
    out = set()
    for node in _runtime_nodes(path):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.removeprefix("studyplan").lstrip(".") == module:
            out.update(a.name for a in node.names)
    return out


def _graph() -> dict[str, tuple[set[str], set[str]]]:
    return {_module_name(p): _imports(p) for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts}


GRAPH = _graph()


@pytest.mark.parametrize("module", sorted(CLI))
def test_the_command_line_imports_only_use_cases_and_views(module):
    ours, _ = GRAPH[module]
    assert ours <= CLI_MAY_IMPORT, f"{module} imports {sorted(ours - CLI_MAY_IMPORT)}"
    assert not {m for m in ours if m == "db" or m.startswith("db.")}


@pytest.mark.parametrize("module", sorted(PURE))
def test_the_pure_core_has_no_database_command_line_or_clock(module):
    ours, theirs = GRAPH[module]
    assert not [m for m in ours if m.startswith("db") or m in USE_CASES or m in CLI], f"{module}: {sorted(ours)}"
    assert not [lib for lib in theirs if lib in IMPURE_LIBRARIES], f"{module}: {sorted(theirs)}"
    path = PACKAGE / (module.replace(".", "/") + ".py")
    if not path.exists():
        path = PACKAGE / module.replace(".", "/") / "__init__.py"
    clock = [f"line {n.lineno}" for n in ast.walk(ast.parse(path.read_text()))
             if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
             and n.func.attr in ("today", "now", "utcnow") and isinstance(n.func.value, ast.Name)
             and n.func.value.id in ("date", "datetime")]
    assert not clock, f"{module} reads the clock at {clock}"


def test_only_the_store_and_the_use_cases_touch_the_database():
    for module, (ours, _) in GRAPH.items():
        if module == "db" or module.startswith("db.") or module in USE_CASES:
            continue
        assert not [m for m in ours if m == "db" or m.startswith("db.")], f"{module} imports {sorted(ours)}"


def test_the_store_never_imports_the_use_cases_or_the_command_line():
    for module, (ours, _) in GRAPH.items():
        if module.startswith("db."):
            assert not ours & (USE_CASES | CLI), f"{module} imports {sorted(ours & (USE_CASES | CLI))}"


def test_no_module_imports_itself_back():
    edges = {m: {d for d in ours if d in GRAPH} for m, (ours, _) in GRAPH.items()}
    edges = {m: {d for d in ds if not (m.startswith(d + ".") or d == "studyplan")} for m, ds in edges.items()}

    def reach(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for nxt in edges.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    cycles = sorted(m for m in edges if m in reach(m))
    assert not cycles, f"import cycles through {cycles}"


def test_the_layer_lists_name_real_modules():
    """A renamed module must not slip out of the checks above."""
    for group in (CLI, PURE, USE_CASES):
        assert group <= set(GRAPH), sorted(group - set(GRAPH))
