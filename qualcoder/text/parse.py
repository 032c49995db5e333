"""A document's stored parse: token offsets, lower-cased lemmas and sentences, in a compact binary form.

Kept apart from ``qualcoder.text.nlp`` (which imports spaCy) so that reading parses, rules and segments never loads
spaCy: ``qualcoder --help`` must start at once.
"""

from __future__ import annotations

import json
import re
import zlib
from array import array
from dataclasses import dataclass

_FORMAT = b"QCP1"
# a lemma that can carry content: a letter first, then letters, digits, apostrophes or hyphens (topic models,
# specificities and the lexicon count only these)
WORD = re.compile(r"^[^\W\d_][\w'’-]*$")


@dataclass(frozen=True)
class Parse:
    """Tokens (absolute character offsets, lower-cased lemmas) and sentences of one document."""

    starts: list[int]
    ends: list[int]
    lemmas: list[str]
    sentences: list[tuple[int, int]]

    def to_bytes(self) -> bytes:
        """Compact storage: offsets as 32-bit arrays, lemmas joined by a unit separator (fast to read back)."""
        offsets = array("I", self.starts).tobytes() + array("I", self.ends).tobytes()
        sentences = array("I", [x for pair in self.sentences for x in pair]).tobytes()
        lemmas = "\x1f".join(self.lemmas).encode("utf-8")
        header = array("I", [len(self.starts), len(self.sentences)]).tobytes()
        return _FORMAT + zlib.compress(header + offsets + sentences + lemmas, 1)

    @classmethod
    def from_bytes(cls, data: bytes) -> Parse:
        if not data.startswith(_FORMAT):
            starts, ends, lemmas, sentences = json.loads(zlib.decompress(data))  # parses stored before 0.1
            return cls(starts, ends, lemmas, [tuple(s) for s in sentences])
        raw = zlib.decompress(data[len(_FORMAT):])
        n_tokens, n_sentences = array("I", raw[:8])
        cursor = 8
        starts = array("I", raw[cursor : cursor + 4 * n_tokens]).tolist()
        cursor += 4 * n_tokens
        ends = array("I", raw[cursor : cursor + 4 * n_tokens]).tolist()
        cursor += 4 * n_tokens
        flat = array("I", raw[cursor : cursor + 8 * n_sentences]).tolist()
        cursor += 8 * n_sentences
        lemmas = raw[cursor:].decode("utf-8").split("\x1f") if n_tokens else []
        return cls(starts, ends, lemmas, list(zip(flat[0::2], flat[1::2])))

    def lemmas_between(self, start: int, end: int) -> list[str]:
        from bisect import bisect_left

        first = bisect_left(self.starts, start)
        last = bisect_left(self.starts, end)
        return self.lemmas[first:last]
