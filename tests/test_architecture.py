"""The one convention, read from the source with ``ast``: features take a typed ``Project`` and ask it for what they
need; only ``store/`` knows tables and sessions; nobody touches the project's private attributes."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "qualcoder"

# Modules that still reach into ``project.repo``, each with what keeps it there. The list only shrinks: a module
# listed here that no longer reads ``.repo`` fails the test too, so that it is struck off.
REPO_STILL_READ = {
    "team/accounts.py": "users are read as their table rows (password hashes)",
    "team/merge.py": "reads the whole store of the other project",
}


def _modules() -> dict[str, ast.Module]:
    return {path.relative_to(PACKAGE).as_posix(): ast.parse(path.read_text(encoding="utf-8"), str(path))
            for path in sorted(PACKAGE.rglob("*.py")) if "migrations" not in path.parts}


MODULES = _modules()


def _outside_store() -> dict[str, ast.Module]:
    return {name: tree for name, tree in MODULES.items() if not name.startswith("store/")}


def _store_imports(tree: ast.Module) -> list[str]:
    """``qualcoder.store.tables`` and SQLAlchemy ORM sessions imported by a module, in any spelling."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith(("qualcoder.store.tables", "sqlalchemy.orm"))]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = {a.name for a in node.names}
            tables = node.module.startswith("qualcoder.store.tables") or (node.module == "qualcoder.store"
                                                                          and "tables" in names)
            sessions = node.module.startswith("sqlalchemy.orm") and names & {"Session", "sessionmaker", "*"}
            if tables or sessions:
                found.append(f"{node.module}: {', '.join(sorted(names))}")
    return found


def _repo_reads(tree: ast.Module) -> list[int]:
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Attribute) and node.attr == "repo"]


def _untyped_project(tree: ast.Module) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            arguments = node.args
            for argument in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs):
                if argument.arg == "project" and (isinstance(node, ast.Lambda) or argument.annotation is None):
                    found.append(f"{getattr(node, 'name', 'lambda')} (line {node.lineno})")
    return found


def _private_project_reads(tree: ast.Module) -> list[str]:
    """``project._x`` and ``self.project._x`` (not dunders)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            owner = node.value
            name = owner.id if isinstance(owner, ast.Name) else owner.attr if isinstance(owner, ast.Attribute) else ""
            if name == "project":
                found.append(f"{ast.unparse(node)} (line {node.lineno})")
    return found


def _private_imports(name: str, tree: ast.Module) -> list[str]:
    """Private names imported from a module of another qualcoder package (``from qualcoder.cli.x import _y``)."""
    package = name.split("/")[0] if "/" in name else ""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("qualcoder."):
            parts = node.module.split(".")
            source = parts[1] if len(parts) > 2 else ""
            found += [f"{node.module}.{a.name}" for a in node.names
                      if a.name.startswith("_") and not a.name.startswith("__") and source != package]
    return found


def test_the_scan_sees_the_package():
    assert {"project.py", "store/repository.py", "explorer/app.py", "cli/main.py"} <= set(MODULES)
    assert _store_imports(MODULES["store/repository.py"]), "the repository imports the tables: the scan must see it"
    assert _repo_reads(MODULES["project.py"])


def test_only_the_store_imports_tables_and_sessions():
    offenders = {name: found for name, tree in _outside_store().items() if (found := _store_imports(tree))}
    assert offenders == {}, "build the query in a Repository method taking plain arguments"


def test_features_ask_the_project_not_its_repository():
    reads = {name: _repo_reads(tree) for name, tree in _outside_store().items() if name != "project.py"}
    offenders = {name: lines for name, lines in reads.items() if lines and name not in REPO_STILL_READ}
    assert offenders == {}, "call a public Project method (add a small delegating one, named for what it returns)"
    struck_off = sorted(name for name in REPO_STILL_READ if not reads.get(name))
    assert struck_off == [], "these no longer read .repo: remove them from REPO_STILL_READ"


@pytest.mark.parametrize("check", [_untyped_project, _private_project_reads], ids=["untyped", "private"])
def test_project_parameters_are_typed_and_its_privates_stay_home(check):
    offenders = {name: found for name, tree in MODULES.items() if name != "project.py" and (found := check(tree))}
    assert offenders == {}


def test_no_module_imports_another_packages_private_names():
    offenders = {name: found for name, tree in MODULES.items() if (found := _private_imports(name, tree))}
    assert offenders == {}, "make the name public (and documented) where it is defined"


def test_the_checks_catch_what_they_forbid():
    bad = ast.parse("from qualcoder.store.tables import CodingRow\nfrom sqlalchemy.orm import Session\n"
                    "def f(project, x: int):\n    return project.repo.texts(), project._codebook\n")
    assert len(_store_imports(bad)) == 2
    assert _repo_reads(bad) == [4]
    assert _untyped_project(bad) == ["f (line 3)"]
    assert _private_project_reads(bad) == ["project._codebook (line 4)"]
    private = ast.parse("from qualcoder.cli.support import _open\nfrom qualcoder.store.database import _config\n")
    assert _private_imports("analysis/x.py", private) == ["qualcoder.cli.support._open",
                                                          "qualcoder.store.database._config"]
    assert _private_imports("store/backup.py", private) == ["qualcoder.cli.support._open"]
