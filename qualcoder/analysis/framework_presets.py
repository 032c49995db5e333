"""Named framework matrices the demo study asks for, reachable by name from the CLI and the explorer.

A preset is only the options of ``framework_matrix`` (cases, codes, filter) and the name its summaries are kept
under; ``available_presets`` keeps those whose codes and filter values the project has, so a project without the
demo codebook lists none.

>>> [p.key for p in PRESETS]
['legrix', 'grenier-meetings', 'grenier-professions']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qualcoder.analysis.errors import InvalidOption, valid_values

if TYPE_CHECKING:
    from qualcoder.project import Project

LEGRIX_CODES = (
    "professionnalisation.avantages.rationalisation_couts", "professionnalisation.avantages.qualite_soins",
    "professionnalisation.avantages.reconnaissance", "professionnalisation.avantages.credibilite",
    "professionnalisation.inconvenients.budget_formation", "professionnalisation.inconvenients.controle_institutionnel",
    "professionnalisation.inconvenients.logique_hospitaliere", "professionnalisation.inconvenients.inertie_roles",
    "professionnalisation.inconvenients.perte_lien_clinique",
)
GRENIER_THEMES = ("territoire", "coordination", "apprentissage")
GRENIER_NETWORK = "Réseau Mémoire du Val-de-Lys"


@dataclass(frozen=True)
class FrameworkPreset:
    """The options of one framework matrix: ``framework_matrix(project, **preset.options())``."""

    key: str
    title: str
    description: str
    rows: str
    codes: tuple[str, ...]
    where: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def options(self) -> dict:
        """Keyword arguments of ``framework_matrix`` (the summaries are kept under the preset's key)."""
        return {"rows": self.rows, "codes": list(self.codes), "where": {k: list(v) for k, v in self.where.items()},
                "name": self.key}


PRESETS = (
    FrameworkPreset(
        "legrix", "Legrix: coordinators × advantages and drawbacks",
        "Legrix de la Salle & Lassaunière (2008): for each network coordinator interviewed, which advantages and "
        "which drawbacks of the coordinator's professionalisation they voice.",
        "speaker", LEGRIX_CODES, {"type": ("interview",), "role": ("participant",), "language": ("fr",)}),
    FrameworkPreset(
        "grenier-meetings", "Grenier: meetings × themes",
        "Grenier (2006): how territory, coordination and learning move across the memory network's meetings "
        "(each theme counts its sub-codes).",
        "doc", GRENIER_THEMES, {"type": ("minutes",), "network": (GRENIER_NETWORK,)}),
    FrameworkPreset(
        "grenier-professions", "Grenier: professions × themes (meetings)",
        "Grenier (2006): how the professions taking part in the memory network's meetings differ on territory, "
        "coordination and learning.",
        "profession", GRENIER_THEMES, {"type": ("minutes",), "network": (GRENIER_NETWORK,)}),
)


def framework_preset(key: str) -> FrameworkPreset:
    """The preset named ``key``, or an error listing them."""
    for candidate in PRESETS:
        if candidate.key == key:
            return candidate
    raise InvalidOption(f"there is no framework preset {key!r}", place="--preset",
                        fix=f"Use one of: {valid_values(p.key for p in PRESETS)}.")


def available_presets(project: Project) -> list[FrameworkPreset]:
    """The presets whose codes are all in the project's codebook and whose filter values all occur."""
    from qualcoder.analysis.units import segment_table

    if not project.has_codebook():
        return []
    known = {code.id for code in project.codebook().codes}
    table = segment_table(project)
    return [p for p in PRESETS if set(p.codes) <= known and p.rows in table.columns and all(
        column in table.columns and set(values) <= set(table[column]) for column, values in p.where.items())]
