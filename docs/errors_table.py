"""Print the README's "Errors" table from the error classes: ``python docs/errors_table.py``.

tests/test_errors.py checks that the README lists exactly the codes the classes define."""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from test_errors import QualcoderError, _subclasses, defined_codes


def meaning(cls: type) -> str:
    doc = (cls.__doc__ or "").strip()
    if (doc and cls.__doc__ != QualcoderError.__doc__) or cls is QualcoderError:
        return doc.split("\n\n")[0].replace("\n", " ").replace("|", "/")
    return re.sub(r"(?<!^)([A-Z])", r" \1", cls.__name__).lower().capitalize()


def main() -> None:
    defined_codes()
    classes = {cls.code: cls for cls in {QualcoderError, *_subclasses(QualcoderError)} if "code" in vars(cls)}
    print("| code | error | meaning |\n|---|---|---|")
    for code in sorted(classes):
        cls = classes[code]
        print(f"| `{code}` | `{cls.__name__}` ({cls.__module__}) | {meaning(cls)} |")


if __name__ == "__main__":
    main()
