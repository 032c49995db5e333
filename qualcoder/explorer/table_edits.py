"""What a researcher changed in an editable table (``st.data_editor``): the cells that differ, row by row, as the
values the API is given (``""`` for a cleared cell). Nothing here writes; the pages hand each change to the API."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd


def cell(value: object) -> str:
    """A cell as the text it shows: missing values (None, NaN, NA) are ``""``.

    >>> cell(None), cell(float("nan")), cell(" GP "), cell(3)
    ('', '', 'GP', '3')
    """
    if value is None or (not isinstance(value, (list, dict, tuple)) and pd.isna(value)):
        return ""
    return str(value).strip()


def changed_cells(before: pd.DataFrame, after: pd.DataFrame, fields: Iterable[str]) -> dict[object, dict[str, str]]:
    """index -> {field: new text} for each row of ``after`` whose ``fields`` differ from ``before`` (same index).

    >>> a = pd.DataFrame({"profession": ["GP", None], "role": ["x", "y"]})
    >>> b = pd.DataFrame({"profession": ["médecin", ""], "role": ["x", ""]})
    >>> changed_cells(a, b, ["profession", "role"])
    {0: {'profession': 'médecin'}, 1: {'role': ''}}
    """
    fields = [f for f in fields if f in after.columns]
    found: dict[object, dict[str, str]] = {}
    for index in after.index:
        if index not in before.index:
            continue
        diff = {f: cell(after.at[index, f]) for f in fields
                if cell(after.at[index, f]) != (cell(before.at[index, f]) if f in before.columns else "")}
        if diff:
            found[index] = diff
    return found


def group_changes(before: pd.DataFrame, after: pd.DataFrame) -> tuple[dict[str, list[str]], list[str]]:
    """From a (value, group) table: the values to put in each group, and the values taken out of any group.

    >>> a = pd.DataFrame({"value": ["GP", "nurse", "MG"], "group": ["", "", "médecin"]})
    >>> b = pd.DataFrame({"value": ["GP", "nurse", "MG"], "group": ["médecin", "", ""]})
    >>> group_changes(a, b)
    ({'médecin': ['GP']}, ['MG'])
    """
    grouped: dict[str, list[str]] = {}
    ungrouped = []
    for index, diff in changed_cells(before, after, ["group"]).items():
        value = cell(after.at[index, "value"])
        if diff["group"]:
            grouped.setdefault(diff["group"], []).append(value)
        else:
            ungrouped.append(value)
    return grouped, ungrouped
