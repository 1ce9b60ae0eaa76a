"""The layout's rules, checked on the source (see the README's Layout section): pure cores,
a thin CLI, one engine that starts processes."""

from __future__ import annotations

import ast
import re

import pytest

from samples import ROOT

PACKAGE = ROOT / "src" / "newskit"
CORES = (
    "normalization",
    "segment",
    "quotes",
    "stats",
    "documents",
    "scripts",
    "formats",
    "languages",
    "langid",
)


def _modules() -> dict[str, ast.Module]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        out[name.removesuffix(".__init__")] = ast.parse(path.read_text("utf-8"))
    return out


MODULES = _modules()


def _imports(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def _uses(imports: set[str], *prefixes: str) -> set[str]:
    return {i for i in imports if any(i == p or i.startswith(p + ".") for p in prefixes)}


def test_only_the_parallel_package_starts_processes() -> None:
    starters = ("multiprocessing", "concurrent.futures", "subprocess", "os.fork")
    for name, tree in MODULES.items():
        if name.startswith("newskit.parallel"):
            continue
        assert not _uses(_imports(tree), *starters), name
        source = ast.unparse(tree)
        assert not re.search(r"\bos\.(fork|spawn\w*|exec\w*|system|posix_spawn)\(", source), name


@pytest.mark.parametrize("core", CORES)
def test_cores_read_no_files_start_nothing_and_draw_nothing(core: str) -> None:
    # (a core may be a package: every module of it)
    imports: set[str] = set()
    for name, tree in MODULES.items():
        if name == f"newskit.{core}" or name.startswith(f"newskit.{core}."):
            imports |= _imports(tree)
    forbidden = _uses(
        imports,
        "newskit.io",
        "newskit.parallel",
        "newskit.pipeline",
        "newskit.cli",
        "newskit.render",
        "newskit.diagnostics",
        "rich",
        "click",
    )
    assert not forbidden, forbidden


def test_nothing_imports_the_command_line() -> None:
    for name, tree in MODULES.items():
        if name.startswith("newskit.cli") or name == "newskit.__main__":
            continue
        assert not _uses(_imports(tree), "newskit.cli"), name


def test_the_pipeline_and_the_engine_do_not_know_click_or_rich() -> None:
    for name, tree in MODULES.items():
        if name.startswith(("newskit.pipeline", "newskit.parallel")):
            assert not _uses(_imports(tree), "click", "rich"), name
        if name.startswith("newskit.parallel"):
            assert not _uses(_imports(tree), "newskit.pipeline", "newskit.io"), name


def test_only_render_imports_rich() -> None:
    users = {n for n, t in MODULES.items() if _uses(_imports(t), "rich")}
    assert users == {"newskit.render"}


def test_the_readme_lists_every_command() -> None:
    from newskit.cli import COMMANDS

    readme = (ROOT / "README.md").read_text("utf-8")
    for name in COMMANDS:
        assert f"`newskit {name}`" in readme, name
