"""Lexicometry as IRaMuTeQ does it: Reinert's descending hierarchical classification (simple and double, as
rainette), class profiles, star variables, correspondence analysis and similarity graphs, next to the codebook and
the topics.

>>> from qualcoder import lexico
>>> # run = lexico.fit(project, classes=8, lemmas="lexique"); run.classes(); run.profile(1, top=20)
>>> # lexico.runs(project); lexico.run(project, "chd-1").variables(); lexico.compare(run_a, run_b)

Modules: ``lexicon`` (Lexique 3.83), ``segments`` (text segments from the stored parses), ``matrix`` (forms and
the presence matrix), ``ca`` (correspondence analysis), ``chd`` (the classification), ``double`` (crossing two
classifications), ``profiles``, ``simi``, ``crossings`` (codes, topics, time), ``runs`` (fit and store),
``results`` (a stored run), ``figures`` (Plotly).
"""

from qualcoder.lexico.errors import LexicoError
from qualcoder.lexico.results import LexicoRun, compare, run
from qualcoder.lexico.runs import LexicoOptions, fit, runs

__all__ = ["LexicoError", "LexicoOptions", "LexicoRun", "compare", "fit", "run", "runs"]
