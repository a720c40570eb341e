"""The folder tree is the architecture, and imports only point down it (docs/architecture.md).

Layers, from the top: the command line, the commands, the build, the stages, validation, the model, the engine,
then the words, the look and text safety, and at the bottom paths and errors. A module imports its own layer or
lower ones, a stage only stages that run before it (``build.STAGES``), and nothing imports in a circle. Only the
command line imports inside functions (for its start-up time). The graph is read from the modules' syntax, so
an import inside a function or under ``TYPE_CHECKING`` counts as well.
"""

from __future__ import annotations

import ast
from pathlib import Path

from helpers import ROOT

from pipeline.build import STAGES

LAYERS = [["cli"], ["commands"], ["build"], ["stages"], ["validation"], ["model"], ["engine"],
          ["words", "look", "text"], ["paths", "errors"]]
RANK = {part: rank for rank, parts in enumerate(LAYERS) for part in parts}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[str, bool]]:
    """Every module of the project that ``path`` imports, and whether the import sits inside a function."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []

    def visit(node: ast.AST, local: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parent = package.split(".")[:len(package.split(".")) - child.level + 1]
                    base = ".".join([*parent, *([child.module] if child.module else [])])
                if base.split(".")[0] == "pipeline":
                    found.extend((f"{base}.{a.name}" if _is_module(f"{base}.{a.name}") else base, local)
                                 for a in child.names)
            elif isinstance(child, ast.Import):
                found.extend((a.name, local) for a in child.names if a.name.split(".")[0] == "pipeline")
            visit(child, local or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef))

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return found


def _is_module(name: str) -> bool:
    path = ROOT / Path(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def graph() -> dict[str, list[tuple[str, bool]]]:
    return {module_name(path): imports(path) for path in sorted((ROOT / "pipeline").rglob("*.py"))}


def _place(module: str) -> tuple[int, int]:
    """(layer, position among the stages) of a module: the second counts only inside ``stages``."""
    parts = module.split(".")[1:] or ["cli"]
    rank = RANK[parts[0]]
    stage = STAGES.index(parts[1]) if parts[0] == "stages" and len(parts) > 1 else -1
    return rank, stage


def violations(edges: dict[str, list[tuple[str, bool]]]) -> list[str]:
    """Every import that points up a layer, to a later stage, sits in a function outside the command line, or
    closes a circle."""
    found = []
    for source, targets in edges.items():
        for target, local in targets:
            (rank, stage), (target_rank, target_stage) = _place(source), _place(target)
            if target_rank < rank or (rank == target_rank == RANK["stages"] and target_stage > stage >= 0
                                      and source.split(".")[2] != target.split(".")[2]):
                found.append(f"{source} imports {target}, which lies above it")
            if local and source != "pipeline.cli":
                found.append(f"{source} imports {target} inside a function")
            if rank == target_rank == RANK["words"] and source.split(".")[1] != target.split(".")[1]:
                found.append(f"{source} imports {target}: words, look and text stand side by side")
    return found + [f"an import circle: {' -> '.join(circle)}" for circle in _circles(edges)]


def _circles(edges: dict[str, list[tuple[str, bool]]]) -> list[list[str]]:
    """Circles in the graph of module-level imports (a package's ``__init__`` does not import its children's
    importers, so a child importing its package is a circle too)."""
    graph_ = {source: {t for t, _ in targets if t != source} for source, targets in edges.items()}
    found, state = [], {}

    def walk(node: str, path: list[str]) -> None:
        state[node] = "open"
        for target in sorted(graph_.get(node, ())):
            if state.get(target) == "open":
                found.append([*path[path.index(target):], target] if target in path else [node, target])
            elif target not in state:
                walk(target, [*path, target])
        state[node] = "done"

    for node in sorted(graph_):
        if node not in state:
            walk(node, [node])
    return found


def test_every_import_points_down_and_none_closes_a_circle():
    assert violations(graph()) == []


def test_the_check_sees_an_upward_import_a_later_stage_a_local_import_and_a_circle():
    edges = graph()
    edges["pipeline.model.package"] = [*edges["pipeline.model.package"], ("pipeline.stages.pages", False)]
    edges["pipeline.stages.charts"] = [*edges["pipeline.stages.charts"], ("pipeline.stages.council", False)]
    edges["pipeline.engine.memo"] = [*edges["pipeline.engine.memo"], ("pipeline.engine.output", True)]
    edges["pipeline.engine.output"] = [*edges["pipeline.engine.output"], ("pipeline.engine.memo", False)]
    edges["pipeline.engine.memo"] = [*edges["pipeline.engine.memo"], ("pipeline.engine.output", False)]
    found = violations(edges)
    assert "pipeline.model.package imports pipeline.stages.pages, which lies above it" in found
    assert "pipeline.stages.charts imports pipeline.stages.council, which lies above it" in found
    assert "pipeline.engine.memo imports pipeline.engine.output inside a function" in found
    assert any(v.startswith("an import circle:") and "pipeline.engine.memo" in v for v in found)


def test_the_top_of_the_tree_is_small_enough_to_read_at_a_glance():
    top = sorted(p.name for p in (ROOT / "pipeline").iterdir() if not p.name.startswith(("_", ".")) or
                 p.name == "__init__.py")
    assert len(top) <= 14, top
    assert set(RANK) <= {p.removesuffix(".py") for p in top}
