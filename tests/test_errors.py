"""One error catalogue: every ``Qnnn`` is defined by exactly one class, every code the package prints is defined, and
the README's table lists them all."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import qualcoder
from qualcoder.errors import QualcoderError

ROOT = Path(__file__).resolve().parent.parent
# imported only by the explorer's pages (they need a Streamlit session) or by Alembic
SKIPPED = ("qualcoder.store.migrations", "qualcoder.explorer.")


def _all_modules() -> None:
    for module in pkgutil.walk_packages(qualcoder.__path__, "qualcoder."):
        if not module.name.startswith(SKIPPED) and module.name != "qualcoder.explorer" \
                and not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    importlib.import_module("qualcoder.explorer.server")


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def defined_codes() -> dict[str, list[str]]:
    _all_modules()
    owners: dict[str, list[str]] = {}
    for cls in {QualcoderError, *_subclasses(QualcoderError)}:
        if "code" in vars(cls):
            owners.setdefault(cls.code, []).append(f"{cls.__module__}.{cls.__qualname__}")
    return owners


def test_every_code_is_defined_by_one_class():
    shared = {code: owners for code, owners in defined_codes().items() if len(owners) > 1}
    assert not shared, shared


def test_every_code_written_in_the_source_is_defined():
    codes = set(defined_codes())
    written = set()
    for path in (ROOT / "qualcoder").rglob("*.py"):
        written |= set(re.findall(r"\[(Q\d{3})\]", path.read_text(encoding="utf-8")))
    assert written - codes == set(), "codes printed or documented but defined by no class"


def test_the_readme_lists_every_code():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `(Q\d{3})` \|", readme, flags=re.MULTILINE))
    codes = set(defined_codes())
    assert codes - listed == set(), "missing from the README's error table"
    assert listed - codes == set(), "listed in the README but defined nowhere"
