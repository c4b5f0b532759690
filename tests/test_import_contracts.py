"""The import contracts of pyproject.toml ([tool.importlinter], docs/architecture.md) hold for
the tree, and each one fails `lint-imports` when a module breaks it.

The breaking modules are written into a copy of the four root packages (Python files only) in
a temporary directory, checked there with the project's own configuration: the working tree
is never touched.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("publisher", "ui", "connectors", "media")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` on ``tree`` (its packages come first on the path) with ``tree``'s
    pyproject.toml."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(tree / "pyproject.toml")],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _only_python(folder: str, names: list[str]) -> set[str]:
    return {
        n
        for n in names
        if n == "__pycache__" or (not n.endswith(".py") and not (Path(folder) / n).is_dir())
    }


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("contracts")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, root / package, ignore=_only_python)
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


def test_the_tree_keeps_every_contract() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 kept, 0 broken" in result.stdout


#: (module written into the copy, its source, the contract it breaks, the import reported)
BREACHES = [
    (
        "ui/views/_breach.py",
        "from sqlmodel import Session\n",
        "ui calls services only",
        "ui.views._breach -> sqlmodel",
    ),
    (
        "ui/components/_breach.py",
        "from publisher.models import Post\n",
        "ui calls services only",
        "ui.components._breach -> publisher.models",
    ),
    (
        "ui/_breach.py",
        "def f():\n    from publisher.db import session_scope\n    return session_scope\n",
        "ui calls services only",
        "ui._breach -> publisher.db",
    ),
    (
        "ui/views/_breach.py",
        "import connectors.telegram\n",
        "ui calls services only",
        "ui.views._breach -> connectors.telegram",
    ),
    (
        "connectors/_breach.py",
        "from publisher.timeutil import utcnow\n",
        "connectors and media never import publisher",
        "connectors._breach -> publisher.timeutil",
    ),
    (
        "media/_breach.py",
        "import publisher.config\n",
        "connectors and media never import publisher",
        "media._breach -> publisher.config",
    ),
    (
        "publisher/engine/_breach.py",
        "from ui import common\n",
        "the engine never imports the ui",
        "publisher.engine._breach -> ui.common",
    ),
    (
        # the engine imports the services: services -> engine closes a cycle
        "publisher/services/_breach.py",
        "import publisher.engine.claim\n",
        "no cycles between sibling packages and modules",
        "No cycles are allowed in publisher.",
    ),
    (
        # insight imports publishing, which imports studio: this also closes a cycle
        "publisher/services/studio/_breach.py",
        "from publisher.services.insight import periods\n",
        "services domains are layers",
        "publisher.services.studio._breach -> publisher.services.insight.periods",
    ),
]
#: Breaches that break more than the contract they are listed under (how many in all).
ALSO_BROKEN = {"publisher/services/studio/_breach.py": 2}


@pytest.mark.parametrize(("path", "source", "contract", "reported"), BREACHES)
def test_a_forbidden_import_fails_lint_imports(
    tree: Path, path: str, source: str, contract: str, reported: str
) -> None:
    module = tree / path
    module.write_text(source, encoding="utf-8")
    try:
        result = lint_imports(tree)
    finally:
        module.unlink()
    assert result.returncode != 0
    out = result.stdout
    assert f"{contract}" in out and "BROKEN" in out, out
    assert f"{ALSO_BROKEN.get(path, 1)} broken" in out, out
    assert reported in out, out


def test_the_copy_is_clean_without_a_breach(tree: Path) -> None:
    """The failures above come from the added module, not from the copy itself."""
    result = lint_imports(tree)
    assert result.returncode == 0, result.stdout + result.stderr
