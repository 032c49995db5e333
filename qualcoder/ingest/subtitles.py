"""Subtitle transcripts (.vtt, .srt): cues merge into speaker turns.

A merged turn is written as ``[HH:MM:SS] Speaker : speech`` so that the transcript parser finds the
speaker and the time like in any timestamped transcript. A cue without a voice continues the current
speaker's turn.
"""

from __future__ import annotations

import re
from pathlib import Path

from qualcoder.errors import EmptyFile, InvalidSubtitles
from qualcoder.ingest.raw import RawText
from qualcoder.ingest.text import decode

_TAGS = re.compile(r"</?[^>]+>")
_INLINE_SPEAKER = re.compile(r"^\s*(?:-\s*)?([^\W\d][\w.'’ -]{0,38}?)\s?:\s+")


def read_vtt(path: Path, data: bytes) -> list[RawText]:
    import webvtt
    from webvtt.errors import MalformedFileError

    text = decode(data, path)
    try:
        captions = list(webvtt.from_string(text))
    except (MalformedFileError, ValueError) as exc:
        raise InvalidSubtitles(
            f"is not a valid WebVTT file ({exc})",
            place=path,
            fix="The first line must be WEBVTT and each cue needs a `00:00:01.000 --> 00:00:04.000` line.",
        ) from exc
    cues = [(c.start, c.voice, _TAGS.sub("", c.text)) for c in captions]
    return [_merge(cues, path, "vtt")]


def read_srt(path: Path, data: bytes) -> list[RawText]:
    import srt

    text = decode(data, path)
    try:
        subtitles = list(srt.parse(text))
    except srt.SRTParseError as exc:
        raise InvalidSubtitles(
            f"is not a valid SubRip file ({exc})",
            place=path,
            fix="Each cue needs a number, a `00:00:01,000 --> 00:00:04,000` line and its text.",
        ) from exc
    cues = []
    for sub in subtitles:
        seconds = int(sub.start.total_seconds())
        stamp = f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
        cues.append((stamp, None, _TAGS.sub("", sub.content)))
    return [_merge(cues, path, "srt")]


def _merge(cues: list[tuple[str, str | None, str]], path: Path, fmt: str) -> RawText:
    turns: list[tuple[str, str | None, list[str]]] = []
    for start, voice, content in cues:
        content = " ".join(content.split())
        if not content:
            continue
        speaker = voice
        if speaker is None:
            inline = _INLINE_SPEAKER.match(content)
            if inline:
                speaker, content = inline.group(1).strip(), content[inline.end() :]
        if turns and (speaker is None or speaker == turns[-1][1]):
            turns[-1][2].append(content)
        else:
            turns.append((start[:8], speaker, [content]))
    if not turns:
        raise EmptyFile(f"the {fmt} file has no cue with text", place=path, fix="Check the export.")
    paragraphs = []
    for stamp, speaker, parts in turns:
        label = f" {speaker} :" if speaker else ""
        paragraphs.append(f"[{stamp}]{label} {' '.join(parts)}")
    return RawText(text="\n\n".join(paragraphs), format=fmt)
