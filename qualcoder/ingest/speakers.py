"""Which lines open a speaker's turn, in every common transcript layout.

Layouts (``SpeakerLayout`` presets; ``auto`` tries them all and keeps the ones the document uses):

- ``colon``: ``Name: speech``, ``NAME : speech`` (French typography), ``Speaker 8: speech``,
  ``Erwann Binet, rapporteur : speech``, ``Name (00:01:02): speech``;
- ``line``: the name alone on its line, the speech on the following lines (published debates, Otter exports:
  ``Speaker 1  0:03``), ``Name, role`` allowed;
- ``parliament``: ``M. le président. La séance est ouverte.``, ``Mme X, garde des sceaux. Texte``,
  ``Mr. SMITH. Mr. Speaker, …``, ``The SPEAKER pro tempore. …``;
- ``bracket``: ``[Name] speech``; ``timestamp``: ``[00:12:03] Name : speech``; ``voice``: ``<v Name>speech``;
- ``regex:PATTERN``: a user's own pattern, matched at the start of each line, with a ``speaker`` group (the speech
  starts where the match ends, or at a ``text`` group);
- ``none``: no speaker detection.

Names listed in speakers.csv are speakers wherever they open a line, in any layout.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from qualcoder.errors import InvalidSpeakerLayout

LAYOUTS = {
    "auto": "found per document",
    "colon": "Name : speech",
    "line": "the name on a line of its own",
    "parliament": "M. Nom. Speech (debates)",
    "bracket": "[Name] speech",
    "timestamp": "00:12:03 Name: speech",
    "voice": "caption voices <v Name>",
    "none": "no speaker turns",
}
"""The speaker layouts a user can choose (``SpeakerLayout``), with how each writes a turn."""
PRESETS = tuple(LAYOUTS)

_TS = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
TIMESTAMPED = re.compile(rf"^\[?(?P<ts>{_TS})\]?\s+(?:(?P<label>[^\W\d_][^:\n]{{0,39}}?)\s?:(?:\s+|$))?")
BRACKETED = re.compile(r"^\[(?P<label>[^\[\]\n\d][^\[\]\n]{0,39})\]\s*:?(?:\s+|$)")
VOICE_TAG = re.compile(r"^<v(?:\.[\w.-]+)?\s+(?P<label>[^>\n]{1,40})>\s*")
COLON_LABEL = re.compile(
    rf"^(?P<label>[^\W\d_][\w.'’ -]{{0,39}}?)(?:\s?,\s?(?P<role>[^:.!?\n]{{1,200}}?))?"
    rf"(?:\s*[(\[](?P<ts>{_TS})[)\]])?\s?:(?:\s+\[?(?P<after>{_TS})\]?)?(?:\s+|$)")
_TITLE_WORDS = r"(?:M|MM|Mme|Mmes|Mlle|Mr|Mrs|Ms|Miss|Dr|Pr|Sir|Dame|Lord|Lady|The|Le|La)"
PARLIAMENT = re.compile(
    rf"^(?P<label>{_TITLE_WORDS}\.?\s+(?:[^\W\d_][\w'’-]*\.?\s+){{0,5}}?[^\W\d_][\w'’-]*"
    rf"(?:\s+(?:pro tempore|of [A-Z][a-z]+(?: [A-Z][a-z]+)?))?)"
    r"(?:\s?,\s?(?P<role>[^.\n]{1,160}?))?\.\s+(?=\S)")
LONE_LINE = re.compile(rf"^\s*(?P<label>[^\W\d_][^\n]{{0,159}}?)(?:\s+\(?(?P<ts>{_TS})\)?)?\s*$")

STANDARD_LABELS = {
    "q", "r", "i", "p", "e", "enq", "enq.", "enquêteur", "enquêtrice", "enqueteur", "enquetrice", "interviewer",
    "intervieweur", "intervieweuse", "int", "int.", "participant", "participante", "répondant", "répondante",
    "interviewé", "interviewée", "interviewee", "respondent", "chercheur", "chercheuse", "moderator",
}
ANNOTATIONS = {"rires", "rire", "laughs", "laughter", "inaudible", "pause", "silence", "crosstalk", "coupure",
               "interruption", "sic", "incompréhensible", "inaudible]", "hésitation", "soupir", "sighs", "music",
               "musique", "applause", "applaudissements", "exclamations", "bruit", "noise"}
TITLES = {"dr", "dr.", "pr", "pr.", "m", "m.", "mme", "mme.", "mlle", "mr", "mr.", "mrs", "mrs.", "ms", "ms.",
          "miss", "prof", "prof.", "docteur", "professeur", "madame", "monsieur", "mm.", "mmes", "sir", "dame",
          "lord", "lady", "the"}
PARTICLES = {"de", "du", "des", "d'", "d’", "le", "la", "les", "l'", "l’", "van", "von", "der", "den", "di", "da",
             "del", "della", "dos", "ben", "bin", "ibn", "al", "el", "y", "e", "et", "and", "of", "pro", "tempore"}
ROLE_NOUNS = {"président", "présidente", "ministre", "rapporteur", "rapporteure", "secrétaire", "garde", "doyen",
              "doyenne", "questeur", "questrice", "vice-président", "vice-présidente", "premier", "première",
              "speaker", "chair", "chairman", "chairwoman", "chairperson", "clerk", "presiding", "officer",
              "moderator", "moderatrice", "modératrice", "animateur", "animatrice", "maire", "adjoint", "adjointe",
              "greffier", "greffière", "juge", "témoin", "witness", "mayor", "commissioner", "senator", "sénateur",
              "sénatrice", "député", "députée", "sceaux", "gouvernement", "host", "guest", "invité", "invitée"}
_COLLECTIVE = (r"(?:[Pp]lusieurs|[Uu]ne?|[Dd]e nombreux|[Dd]e nombreuses|[Qq]uelques|[Dd]es|[Ss]everal|[Ss]ome|"
               r"[Mm]any|[Aa]n?)\s+(?:députés?|députées?|membres?|voix|sénateurs?|sénatrices?|members?|voices?|"
               r"participants?|participantes?|élus?|élues?)")
COLLECTIVE = re.compile(rf"^{_COLLECTIVE}\b")
COLLECTIVE_LABEL = re.compile(  # Plusieurs députés du groupe UMP. Très bien !
    rf"^(?P<label>{_COLLECTIVE}(?:\s+(?:du|de la|des|de l'|on the|of the|from the)\s*[^.,:\n]{{1,40}}?)?)"
    r"\.\s+(?=\S)")
_SENTENCE_STARTS = {"merci", "oui", "non", "bien", "tres", "bravo", "eh", "ah", "oh", "mais", "alors", "voila", "donc",
                    "enfin", "bon", "si", "quoi", "exactement", "absolument", "pourquoi", "comment", "thank", "thanks",
                    "yes", "no", "well", "so", "okay", "ok", "right", "exactly", "why", "how", "hello", "bonjour",
                    # prepositions and adverbs that open sentences ("Depuis 2002, les réseaux … : le fonds")
                    "depuis", "dans", "pour", "avec", "selon", "en", "au", "aux", "apres", "avant", "lors", "entre",
                    "sur", "sous", "par", "puis", "ensuite", "aujourd'hui", "hier", "demain", "in", "on", "at", "for",
                    "with", "since", "after", "before", "during", "according", "today", "then", "when", "quand"}
_PRONOUNS = {"vous", "je", "j'", "il", "elle", "nous", "on", "tu", "ils", "elles", "ce", "c'", "cela", "ca", "i",
             "you", "we", "he", "she", "they", "it", "this", "that", "there"}
# diarisation and anonymised labels: Speaker 8, SPEAKER_00, Intervenant 2, Committee 1, P3
GENERIC_LABEL = re.compile(r"^(?:speaker|intervenante?|locut(?:eur|rice)|participante?|person|personne|spk|committee|"
                           r"commissioner|member|membre|voice|voix|interviewee|respondent|r[ée]pondante?|guest|"
                           r"invit[ée]e?|[pqrie])[ _#-]?\d{1,3}$", re.I)
_ELIDED = re.compile(r"^(?:c|j|qu|n|s|m|t)['’]", re.I)  # C'est, J'ai, Qu'il: a sentence, not a name
NOT_NAMES = {"note", "notes", "remarque", "remarques", "conclusion", "decision", "decisions", "objectif", "resume",
             "summary", "action", "actions", "question", "questions", "proposition", "rappel", "attention", "nb",
             "ps", "source", "contexte", "context", "outcome", "plan", "suivi", "follow-up", "conclusions",
             "important", "exemple", "example", "total", "bilan", "synthese", "motif", "diagnostic", "traitement",
             "presidence", "presidency", "ouverture", "suspension", "reprise", "cloture", "discussion", "article",
             "articles", "amendement", "amendements", "vote", "votes", "scrutin", "ordre", "seance", "sommaire",
             "annexe", "table", "chapitre", "chapter", "section", "part", "partie", "titre", "title", "introduction",
             "transcript", "transcription", "minutes", "agenda", "date", "lieu", "heure", "time", "page", "suite",
             "fin", "end", "debut", "explications", "reponse", "reponses", "projet", "rapport",
             "report", "avis", "motion", "explication"}
HEADER_WORDS = {"date", "lieu", "venue", "location", "presents", "present", "participants", "attendees", "excuses",
                "apologies", "absents", "redacteur", "redactrice", "minutes", "chair", "ordre du jour", "agenda",
                "objet", "subject", "secretaire de seance", "minutes taken by"}


def fold(value: str) -> str:
    """Lower case without accents: ``Enquêtrice`` → ``enquetrice``."""
    decomposed = unicodedata.normalize("NFKD", value.strip().lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_STANDARD = frozenset(fold(s) for s in STANDARD_LABELS)
_ANNOTATIONS = frozenset(fold(s) for s in ANNOTATIONS)
_NOT_NAMES = frozenset(fold(s) for s in NOT_NAMES)
_ROLE_NOUNS = frozenset(fold(s) for s in ROLE_NOUNS)


@dataclass(frozen=True)
class SpeakerLayout:
    """How speaker labels are written: a preset (``auto``, ``colon``, ``line``, ...) or ``regex:PATTERN``.

    >>> SpeakerLayout.parse("line").preset
    'line'
    >>> SpeakerLayout.parse(r"regex:^(?P<speaker>[A-Z]+)>").pattern.pattern
    '^(?P<speaker>[A-Z]+)>'
    """

    preset: str = "auto"
    pattern: re.Pattern | None = None

    @classmethod
    def parse(cls, value: str | None, place: str = "--speakers-layout") -> SpeakerLayout:
        text = (value or "auto").strip()
        if text.lower().startswith("regex:"):
            source = text[len("regex:"):]
            try:
                pattern = re.compile(source)
            except re.error as exc:
                raise InvalidSpeakerLayout(f"the pattern {source!r} is not a valid regular expression ({exc})",
                                           place=place, fix="Fix the pattern, e.g. regex:^(?P<speaker>[^:]+):") from exc
            if "speaker" not in pattern.groupindex:
                raise InvalidSpeakerLayout(f"the pattern {source!r} has no group named speaker", place=place,
                                           fix="Name the group that holds the name: (?P<speaker>...).")
            return cls("regex", pattern)
        if text.lower() not in PRESETS:
            raise InvalidSpeakerLayout(f"{text!r} is not a speaker layout", place=place,
                                       fix=f"Use one of {', '.join(PRESETS)}, or regex:PATTERN with a (?P<speaker>…) "
                                           "group.")
        return cls(text.lower())

    def __str__(self) -> str:
        return f"regex:{self.pattern.pattern}" if self.pattern is not None else self.preset


@dataclass(frozen=True)
class Label:
    """A line that opens a turn: who speaks, when, and where the speech starts in the line."""

    speaker: str | None
    timestamp: str | None
    offset: int
    kind: str


@dataclass(frozen=True)
class _Candidate:
    kind: str
    label: str | None
    timestamp: str | None
    offset: int
    role: bool = False  # written with a role after a comma: "Erwann Binet, rapporteur :"


def position_label(label: str | None) -> bool:
    """``Q``, ``R``, ``Enquêtrice``, ``Interviewer``, ``Speaker 2``: a label that names a place in the conversation,
    not a person — the ``R`` of one interview is not the ``R`` of the next.

    >>> [position_label(x) for x in ("R", "Enquêtrice", "SPEAKER_01", "Mme Aubert", "Dr Morel")]
    [True, True, True, False, False]
    """
    return bool(label) and (fold(label) in _STANDARD or bool(GENERIC_LABEL.match(label.strip())))


def name_like(label: str | None) -> bool:
    """``Paul``, ``Dr Morel``, ``Sophie Lambert``, ``Speaker 8``, ``le président``, ``Marc Le Fur``: a person's
    label, not a heading word.

    >>> [name_like(x) for x in ("Speaker 8", "Marc Le Fur", "le président", "Le point clé", "Remarque")]
    [True, True, True, False, False]
    """
    if not label:
        return False
    words = label.replace("’", "'").split()
    if not words or len(words) > 6 or fold(words[0]).strip(".") in _NOT_NAMES or fold(label) in _NOT_NAMES:
        return False
    if fold(words[0]).strip(".,!") in _SENTENCE_STARTS:
        return False
    if COLLECTIVE.match(label):
        return True
    if _ELIDED.match(label):
        return False
    if any(ch in label for ch in "()[]{}?!;«»\""):
        return False
    if label.rstrip().endswith((".", ",")) and not _ends_in_title(label):
        return False
    folded = [fold(w) for w in words]
    if folded[0] in ("monsieur", "madame", "mesdames", "messieurs", "mademoiselle") and len(folded) > 1 \
            and folded[1] in ("le", "la", "les"):
        return False  # "Monsieur le député, …" addresses someone: a speech, not a label
    if folded[0] in ("le", "la", "the") or (folded[0] in TITLES and len(words) > 1 and folded[1] in ("le", "la")):
        rest = [w for w in folded if w not in TITLES and w not in ("le", "la", "the")]
        return bool(rest) and all(w in _ROLE_NOUNS or w in PARTICLES for w in rest) and rest[0] in _ROLE_NOUNS
    for index, (word, low) in enumerate(zip(words, folded)):
        if low in TITLES or (index > 0 and low in PARTICLES):
            continue
        if word.isdigit() and len(word) <= 3 and index == len(words) - 1 and index > 0:
            continue  # Speaker 8, Committee 1 (not a year)
        if not (word[0].isupper() or word.split("'")[-1][:1].isupper()):
            return False
    return any(low not in TITLES and low not in PARTICLES for low in folded)


def _ends_in_title(label: str) -> bool:
    last = label.split()[-1]
    return fold(last) in TITLES or bool(re.fullmatch(r"[^\W\d_]{1,3}\.", last))  # an initial: Mme A., Enq.


def _name_part(label: str) -> tuple[str, str | None]:
    """``Erwann Binet,rapporteur de la commission`` → (``Erwann Binet``, ``rapporteur de la commission``)."""
    if "," not in label:
        return label.strip(), None
    name, role = label.split(",", 1)
    return name.strip(), role.strip().rstrip(".") or None


def _candidates(line: str, known: re.Pattern | None, lone: bool) -> list[_Candidate]:
    """Every reading of a line as a turn opener, most specific first."""
    found = []
    if match := TIMESTAMPED.match(line):
        label = match.group("label")
        label = label.strip() if label else None
        if label and (len(label.split()) > 5 or "," in label):
            found.append(_Candidate("timestamp", None, match.group("ts"), match.start("label")))
        else:
            found.append(_Candidate("timestamp", label, match.group("ts"), match.end()))
    if match := VOICE_TAG.match(line):
        found.append(_Candidate("voice", match.group("label").strip(), None, match.end()))
    if match := BRACKETED.match(line):
        found.append(_Candidate("bracket", match.group("label").strip(), None, match.end()))
    if known is not None and (match := known.match(line)):
        found.append(_Candidate("known", match.group("speaker"), None, match.end()))
    if match := COLON_LABEL.match(line):
        label = match.group("label").strip()
        if len(label.split()) <= 5:
            stamp = match.group("ts") or match.group("after")
            found.append(_Candidate("colon", label, stamp, match.end(), match.group("role") is not None))
    if match := PARLIAMENT.match(line) or COLLECTIVE_LABEL.match(line):
        found.append(_Candidate("parliament", match.group("label").strip(), None, match.end()))
    if lone and (match := LONE_LINE.match(line)) and not line.rstrip().endswith(_SPEECH_ENDS):
        name, role = _name_part(match.group("label"))
        sentence = role is not None and (len(role.split()) > 30 or fold(role.split()[0]) in _PRONOUNS)
        if name and not sentence and len(name.split()) <= 6 and len(name) <= 60 and not name.endswith(
                (":", "?", "!", "…")):
            found.append(_Candidate("line", name, match.group("ts"), len(line)))
    return found


_SPEECH_ENDS = ("!", "?", "…", "...", "»", '"', ";")


def known_pattern(known: frozenset[str]) -> re.Pattern | None:
    """A pattern matching any listed name at the start of a line, followed by the end of the line or a separator."""
    names = sorted({k.strip() for k in known if k.strip()}, key=len, reverse=True)
    if not names:
        return None
    alternatives = "|".join(re.escape(name) for name in names)
    return re.compile(rf"^\s*(?P<speaker>{alternatives})(?:\s*(?:[:.]|,[^:\n]{{0,100}}?[:.]|[-–—])\s*|\s*$)", re.I)


def detect_labels(
    lines: list[str],
    skip: list[bool],
    known: frozenset[str] = frozenset(),
    attendees: list[str] = (),
    layout: SpeakerLayout = SpeakerLayout(),
) -> dict[int, Label]:
    """Line index → ``Label`` for the lines that open a turn (``skip`` marks headings and header lines)."""
    if layout.preset == "none":
        return {}
    if layout.pattern is not None:
        return _regex_labels(lines, skip, layout.pattern)
    known_re = known_pattern(known)
    canonical = {fold(k): k for k in known}
    candidates: dict[int, list[_Candidate]] = {}
    for index, line in enumerate(lines):
        if skip[index] or not line.strip():
            continue
        lone = _alone(lines, index)
        found = _candidates(line, known_re, lone)
        if found:
            candidates[index] = found
    counts: dict[str, Counter] = {}
    for found in candidates.values():
        for candidate in found:
            if candidate.label:
                counts.setdefault(candidate.kind, Counter())[fold(candidate.label)] += 1
    roles_or_times = Counter(c.kind for found in candidates.values() for c in found if c.role or c.timestamp)
    accepted: dict[int, Label] = {}
    for index, found in candidates.items():
        for candidate in found:
            if _accept(candidate, counts, layout.preset, canonical, attendees, lines, index, roles_or_times):
                speaker = canonical.get(fold(candidate.label), candidate.label) if candidate.label else None
                accepted[index] = Label(speaker, candidate.timestamp, candidate.offset, candidate.kind)
                break
    return _speech_after_lone_names(lines, accepted, counts.get("line", Counter()))


def _speech_after_lone_names(lines: list[str], accepted: dict[int, Label], uses: Counter) -> dict[int, Label]:
    """A name alone on its line is followed by its speech, so two name lines never follow each other. The one
    whose label is used less often goes: a heading (``PMA et GPA`` before ``le président``) or a one-line speech
    (``Merci, monsieur Lamblin.`` after ``le président``); on a tie, the second is the first's speech."""
    dropped: set[int] = set()
    for index in sorted(accepted):
        if index in dropped or accepted[index].kind != "line":
            continue
        following = _next_text_line(lines, index)
        if following is None or following not in accepted or accepted[following].kind != "line":
            continue
        first, second = uses[fold(accepted[index].speaker or "")], uses[fold(accepted[following].speaker or "")]
        dropped.add(index if first < second else following)
    return {index: label for index, label in accepted.items() if index not in dropped}


def _next_text_line(lines: list[str], index: int) -> int | None:
    following = index + 1
    while following < len(lines) and not lines[following].strip():
        following += 1
    return following if following < len(lines) else None


def _alone(lines: list[str], index: int) -> bool:
    """A one-line paragraph followed, after blank lines, by more text."""
    # the speech may follow on the next line or after blank lines
    return (index == 0 or not lines[index - 1].strip()) and _followed_by_speech(lines, index)


def _accept(candidate: _Candidate, counts: dict[str, Counter], preset: str, canonical: dict[str, str],
            attendees, lines: list[str], index: int, roles_or_times: Counter) -> bool:
    label, kind = candidate.label, candidate.kind
    folded = fold(label) if label else ""
    if label and (folded.strip("[]()") in _ANNOTATIONS or folded in HEADER_WORDS):
        return False
    if kind == "known":
        return True
    if preset != "auto":
        if kind != preset or (kind == "line" and not _followed_by_speech(lines, index)):
            return False
        return kind == "timestamp" or name_like(label) or _recurs(counts, kind, folded)
    if kind in ("timestamp", "voice"):
        return True
    if folded in canonical or folded in _STANDARD or (label and any(same_person(label, a) for a in attendees)):
        return True
    if label and GENERIC_LABEL.match(label) and kind in ("colon", "bracket", "line"):
        return kind != "line" or _followed_by_speech(lines, index)
    recurring = _recurs(counts, kind, folded)
    if kind == "bracket":
        return recurring or (_established(counts) and name_like(label))
    if kind == "colon":
        if label.isupper() and len(label) >= 2 and folded not in _NOT_NAMES:
            return True
        if (candidate.timestamp or candidate.role) and name_like(label) and roles_or_times.get(kind, 0) >= 2:
            return True  # "Kevin: 0:00 …", "Erwann Binet, rapporteur : …" written so twice or more
        return (recurring and folded not in _NOT_NAMES) or (_established(counts) and name_like(label))
    if kind == "parliament":
        return _layout_used(counts, kind, 2) and (name_like(label) or recurring)
    if kind == "line":
        if not _layout_used(counts, kind, 3) or not _followed_by_speech(lines, index):
            return False
        return (recurring and not _heading_like(label) and not _sentence_like(label)) or name_like(label)
    return False


def _recurs(counts: dict[str, Counter], kind: str, folded: str) -> bool:
    return counts.get(kind, Counter())[folded] >= 2


def _established(counts: dict[str, Counter]) -> bool:
    """The document already uses labels: one recurs, or is a usual interviewer/respondent or numbered label."""
    return any(n >= 2 or label in _STANDARD or GENERIC_LABEL.match(label)
               for found in counts.values() for label, n in found.items())


def _layout_used(counts: dict[str, Counter], kind: str, minimum: int) -> bool:
    """A layout is in use when its labels recur: at least ``minimum`` openers, one label used twice."""
    found = counts.get(kind, Counter())
    return sum(found.values()) >= minimum and any(n >= 2 for n in found.values())


def _sentence_like(label: str) -> bool:
    first = fold(label.replace("’", "'").split()[0]).strip(".,!")
    return first in _SENTENCE_STARTS or first in _PRONOUNS or bool(_ELIDED.match(label))


def _heading_like(label: str) -> bool:
    words = fold(label).split()
    return bool(words) and (words[0].strip(".") in _NOT_NAMES or any(ch.isdigit() for ch in label))


def _followed_by_speech(lines: list[str], index: int) -> bool:
    following = index + 1
    while following < len(lines) and not lines[following].strip():
        following += 1
    return following < len(lines)


def _regex_labels(lines: list[str], skip: list[bool], pattern: re.Pattern) -> dict[int, Label]:
    found = {}
    for index, line in enumerate(lines):
        if skip[index] or not line.strip():
            continue
        match = pattern.match(line)
        if not match or not (match.group("speaker") or "").strip():
            continue
        offset = match.start("text") if "text" in pattern.groupindex and match.group("text") is not None \
            else match.end()
        found[index] = Label(match.group("speaker").strip(), None, offset, "regex")
    return found


def same_person(label: str, name: str) -> bool:
    """Whether a turn label names an attendee: ``Dr Morel`` is ``Dr Bernard Morel``.

    >>> same_person("Dr Morel", "Dr Bernard Morel"), same_person("Sophie", "Sophie Lambert")
    (True, True)
    >>> same_person("Q", "Quentin")
    False
    """
    label_words = [w for w in re.split(r"[\s.]+", fold(label)) if w and w not in TITLES]
    name_words = {w for w in re.split(r"[\s.]+", fold(name)) if w and w not in TITLES}
    return bool(label_words) and all(w in name_words and len(w) > 1 for w in label_words)
