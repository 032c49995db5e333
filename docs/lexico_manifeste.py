"""Compare qualcoder's Reinert classification with the partition rainette publishes for a public corpus.

The corpus: the *Manifeste du parti communiste* (Marx and Engels, 1848; Laura Lafargue's translation, public
domain), in IRaMuTeQ format, as rainette ships it (``inst/extdata/manifeste_pc.txt`` of github.com/juba/rainette,
four texts: intro, I, II, III). It is not shipped here; give its path:

    .venv/bin/python docs/lexico_manifeste.py manifeste_pc.txt

rainette's French vignette (``introduction_usage``) cuts it into 278 segments of about 40 words, keeps word forms
(no lemmas) minus quanteda's French stop words and forms in fewer than 3 segments, and classifies with k = 5,
``min_segment_size = 10``, ``min_split_members = 10``. Its published results are printed next to ours: the
segments of each class per part (vignette of 2026) and the 20 most characteristic terms of each class (screenshot
of ``rainette_explor``, 2022, whose class sizes differ: rainette's own results changed between versions).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

PUBLISHED_BY_PART = pd.DataFrame(  # clusters_by_doc_table(corpus, clust_var = "groupe"), rainette 0.3.2 vignette
    [[0, 0, 0, 3, 0], [22, 35, 5, 26, 15], [44, 6, 7, 11, 7], [8, 5, 27, 35, 22]],
    index=["intro", "I", "II", "III"], columns=[1, 2, 3, 4, 5])
PUBLISHED_TERMS = {  # rainette_explor screenshot (vignettes/img/rainette_explor_plot_fr.png), positive chi2 only
    "classes, antagonisme": "classes systèmes antagonisme société éléments antagonismes premières formes maîtres "
                            "fantastique où toujours jusqu'à serfs renversement libre domination",
    "prolétariat, politique": "prolétariat classe politique contre petits mouvement bourgeoisie ouvrière sorte "
                              "monarchie allemagne action lutte parce autres absolue",
    "littérature, socialisme": "française littérature allemands philosophique allemand communisme vieille littéraire "
                               "français religion socialisme vérités socialiste morale être françaises volonté "
                               "nation ainsi contre",
    "forces productives": "forces production productives anciens nations détruit marché produits rapports a moyens "
                          "manufacture navigation deviennent grande système échange existence nouveaux mondial",
    "capital, propriété": "capital travail propriété a femmes personnelle abolir abolition famille vouloir salarié "
                          "il communauté privée est simple éducation ouvrier",
}


def main(path: Path) -> None:
    from scipy.optimize import linear_sum_assignment

    from qualcoder import Project, lexico

    with tempfile.TemporaryDirectory() as tmp:
        project = Project.create(Path(tmp) / "manifeste")
        report = project.import_files([path])
        assert not report.failures, report.failures
        project.segment("paragraph")
        run = lexico.fit(project, name="manifeste", classes=5, lemmas="forms", min_forms=10, min_class_size=10,
                         segment_size=40)
        segments = run.segments
        part = segments["partie"] if "partie" in segments else segments["doc"]
        ours = pd.crosstab(part, segments["class"]).reindex(PUBLISHED_BY_PART.index).fillna(0).astype(int)
        print(f"{len(segments)} segments (rainette: 278), {run.report['active_forms']} active forms")
        print("ours, segments per part and class:\n", ours)
        print("rainette, segments per part and cluster:\n", PUBLISHED_BY_PART)
        top = run.profile(kind="active", top=20)
        words = {cls: set(group["form"]) for cls, group in top.groupby("class")}
        names = list(PUBLISHED_TERMS)
        overlap = np.array([[len(words[c] & set(PUBLISHED_TERMS[n].split())) for n in names] for c in sorted(words)])
        rows, cols = linear_sum_assignment(-overlap)
        for r, c in zip(rows, cols):
            cls = sorted(words)[r]
            print(f"class {cls} ({int((run.labels == cls).sum())} segments) ~ rainette's '{names[c]}': "
                  f"{overlap[r, c]} of its terms among our top 20: {', '.join(top[top['class'] == cls]['form'][:10])}")
        profiles = ours.div(ours.sum(axis=0), axis=1)
        theirs = PUBLISHED_BY_PART.div(PUBLISHED_BY_PART.sum(axis=0), axis=1)
        distance = np.array([[0.5 * np.abs(profiles[a] - theirs[b]).sum() for b in theirs] for a in profiles])
        r, c = linear_sum_assignment(distance)
        print("part profiles matched (total variation distance per class pair, 0 = same):",
              {int(profiles.columns[i]): (int(theirs.columns[j]), round(float(distance[i, j]), 2)) for i, j in zip(r, c)})
        project.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
