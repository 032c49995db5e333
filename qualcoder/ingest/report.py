"""The per-document import report: turns, speakers, the share of the text they cover, and what to check."""

from __future__ import annotations

from collections import Counter

from qualcoder.models import DocumentReport, ParsedDocument

LONG_TRANSCRIPT = 3000  # characters: below this a document without turns is not worth a warning
DOMINANT_SHARE = 0.9  # one speaker holding this share of the speech in a long transcript is suspicious
_NO_TURN_TYPES = ("survey", "minutes")


def document_report(document: ParsedDocument, segments: int | None = None) -> DocumentReport:
    """Count a parsed document's speaker turns and say what looks wrong.

    >>> from qualcoder.models import Turn
    >>> doc = ParsedDocument("a.txt", "Q : Oui ?\\n\\nR : Non.", "txt", "a.txt", "x", "interview", "fr", None, {},
    ...                      (), (Turn(4, 9, "Q"), Turn(15, 19, "R")), layout="colon")
    >>> r = document_report(doc); (r.turns, r.speakers, r.top_speaker_share)
    (2, 2, 0.56)
    """
    spoken = [t for t in document.turns if t.speaker]
    chars = Counter()
    for turn in spoken:
        chars[turn.speaker] += turn.end - turn.start
    total_speech = sum(chars.values())
    size = len(document.text.strip()) or 1
    top, top_chars = chars.most_common(1)[0] if chars else (None, 0)
    top_share = round(top_chars / total_speech, 2) if total_speech else 0.0
    warnings = list(document.warnings)
    long_transcript = len(document.text) >= LONG_TRANSCRIPT and document.doc_type not in _NO_TURN_TYPES
    if long_transcript and not spoken:
        warnings.append(f"no speaker turn found in {len(document.text):,} characters: if it is a transcript, name "
                        "its layout (--speakers-layout line, colon, parliament, … or regex:PATTERN) or list its "
                        "speakers in speakers.csv, then `qualcoder documents turns`")
    elif long_transcript and spoken and top_share >= DOMINANT_SHARE:
        warnings.append(f"one speaker ({top}) holds {top_share:.0%} of the speech: check that the other speakers' "
                        "labels were recognised (--speakers-layout, speakers.csv)")
    return DocumentReport(
        name=document.name, doc_type=document.doc_type, language=document.language, chars=len(document.text),
        turns=len(spoken), speakers=len(chars), speaker_share=round(total_speech / size, 2), top_speaker=top,
        top_speaker_share=top_share, layout=document.layout, segments=segments, warnings=tuple(warnings))
