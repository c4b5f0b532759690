"""The models package loads its table modules on demand (publisher/models/__init__.py).

What must hold for that to be safe: every name is still importable from ``publisher.models``
(and type checkers see the same names); a table module alone brings the tables its foreign
keys name (a flush resolves them); :func:`load_all` brings every table of the schema the
migrations build. The import checks run in fresh interpreters: this test process has loaded
every table long ago (tests/conftest.py).
"""

from __future__ import annotations

import ast
import inspect
import json
import subprocess
import sys
from enum import StrEnum
from pathlib import Path

import pytest
from sqlalchemy import inspect as sa_inspect
from sqlmodel import SQLModel

import publisher.models as models
from publisher import db as dbmod
from publisher import migrate

PACKAGE = Path(models.__file__).parent


def _fresh(code: str) -> object:
    """Run ``code`` in a new interpreter; it prints one JSON value last."""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.splitlines()[-1])


def test_importing_the_package_loads_no_table_and_no_sqlalchemy() -> None:
    loaded = _fresh(
        "import json, sys\n"
        "import publisher.models\n"
        "from publisher.models import PostStatus, Role\n"  # the enums need no SQLAlchemy
        "print(json.dumps(sorted(m for m in sys.modules"
        " if m.startswith(('sqlalchemy', 'sqlmodel', 'publisher.models')))))"
    )
    assert loaded == ["publisher.models", "publisher.models.enums"]


def test_a_name_loads_its_module_and_the_modules_its_foreign_keys_name() -> None:
    loaded = _fresh(
        "import json, sys\n"
        "from publisher.models import Post\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('publisher.models.'))))"
    )
    assert loaded == [
        "publisher.models.accounts",
        "publisher.models.base",
        "publisher.models.campaigns",
        "publisher.models.channels",
        "publisher.models.enums",
        "publisher.models.posts",
    ]


@pytest.mark.parametrize("module", models.TABLE_MODULES)
def test_every_foreign_key_resolves_with_one_table_module_alone(module: str) -> None:
    # SQLAlchemy looks a foreign key's table up in the metadata when it flushes a row:
    # a module must import the modules of the tables its foreign keys name.
    result = _fresh(
        "import json, importlib\n"
        "from sqlmodel import SQLModel\n"
        f"importlib.import_module('publisher.models.{module}')\n"
        "bad = []\n"
        "for table in SQLModel.metadata.tables.values():\n"
        "    for fk in table.foreign_keys:\n"
        "        try:\n"
        "            fk.column\n"
        "        except Exception as exc:\n"
        "            bad.append(f'{table.name}: {exc}')\n"
        "print(json.dumps(bad))"
    )
    assert result == []


def test_load_all_gives_every_table_and_column_the_migrations_create(tmp_path: Path) -> None:
    models.load_all()
    engine = dbmod.make_engine(f"sqlite:///{tmp_path / 'schema.db'}")
    try:
        migrate.upgrade(engine)
        inspector = sa_inspect(engine)
        migrated = {
            name: {c["name"] for c in inspector.get_columns(name)}
            for name in inspector.get_table_names()
            if name != "alembic_version"
        }
    finally:
        engine.dispose()
    declared = {name: set(table.columns.keys()) for name, table in SQLModel.metadata.tables.items()}
    assert declared == migrated


def _defined_names() -> dict[str, set[str]]:
    """Module -> the public classes each module under publisher/models defines."""
    out: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.glob("*.py")):
        if path.name == "__init__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        out[path.stem] = {
            node.name
            for node in tree.body
            if isinstance(node, ast.ClassDef) and (not node.name.startswith("_"))
        }
    return out


def test_the_name_index_matches_what_the_modules_define() -> None:
    defined = _defined_names()
    index = {module: set(names) - {"_Table"} for module, names in models._NAMES.items()}
    assert index == defined
    assert set(models.TABLE_MODULES) == set(defined) - {"base", "enums"}
    public = sorted(name for names in defined.values() for name in names)
    assert sorted(models.__all__) == sorted([*public, "load_all"])
    for name in public:  # the lazy look-up gives the class its module defines
        value = getattr(models, name)
        assert (
            inspect.isclass(value)
            and value.__module__ == f"publisher.models.{models._MODULE_OF[name]}"
        )


def test_type_checkers_see_the_same_names_as_the_lazy_look_up() -> None:
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING"
    )
    seen: dict[str, str] = {}
    for node in block.body:
        assert isinstance(node, ast.ImportFrom) and node.module is not None
        for alias in node.names:
            seen[alias.name] = node.module.rsplit(".", 1)[1]
    assert seen == models._MODULE_OF


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError):
        models.Psot  # type: ignore[attr-defined]  # noqa: B018
    with pytest.raises(ImportError):
        exec("from publisher.models import Psot", {})


def test_enums_are_plain_string_enums() -> None:
    enums = [getattr(models, name) for name in models._NAMES["enums"]]
    assert all(issubclass(e, StrEnum) for e in enums)
