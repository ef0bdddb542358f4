"""The layer ladder is enforced, not a habit.

``./dev lint`` (and so CI) runs ``lint-imports`` with the contracts in pyproject.toml.
These tests show that the contracts hold on the tree as it is, that they fail on a
deliberately upward import, and that no function body imports our own code to dodge a
cycle (only ``AppConfig.ready`` and the CLI, which must set Django up first, may).
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "safepassage"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own tool on our own copy of the tree
        [str(LINT_IMPORTS), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        env={"PYTHONPATH": str(tree / "src"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def tree_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = tmp_path_factory.mktemp("layers")
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    shutil.copytree(
        SRC,
        tree / "src" / "safepassage",
        ignore=shutil.ignore_patterns("__pycache__", "locale", "static", "templates"),
    )
    return tree


@pytest.mark.slow
def test_the_contracts_hold_on_the_tree(tree_copy: Path) -> None:
    result = _lint_imports(tree_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    ("module", "upward"),
    [
        ("cases/domain/transitions.py", "safepassage.register.models"),
        ("crypto/sealing.py", "safepassage.cases.models"),
        ("intake/views/entry.py", "safepassage.crypto.keyfile"),
    ],
)
def test_an_upward_import_breaks_the_build(tree_copy: Path, module: str, upward: str) -> None:
    target = tree_copy / "src" / "safepassage" / module
    original = target.read_text()
    target.write_text(original + f"\nimport {upward}  # deliberately upward\n")
    try:
        result = _lint_imports(tree_copy)
    finally:
        target.write_text(original)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert upward in result.stdout


def _function_level_imports(path: Path) -> list[tuple[str, str]]:
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for inner in ast.walk(node):
            names: list[str] = []
            if isinstance(inner, ast.ImportFrom) and inner.module:
                names = [inner.module]
            elif isinstance(inner, ast.Import):
                names = [alias.name for alias in inner.names]
            found += [(node.name, name) for name in names if name.startswith("safepassage")]
    return found


def test_no_function_imports_our_code_to_dodge_a_cycle() -> None:
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC)
        if "migrations" in relative.parts or relative.parts[0] == "cli":
            continue  # the CLI imports Django code only after setting Django up
        for function, module in _function_level_imports(path):
            if path.name == "apps.py" and function == "ready":
                continue  # Django's app registry: models load after every app is known
            offenders.append(f"{relative}:{function} imports {module}")
    assert offenders == []
