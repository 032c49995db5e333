"""Caption transcripts (.vtt, .srt): cues merge into speaker turns; no cue is ever lost.

One tolerant reader for both formats, hand-written because the libraries lose text on real files (measured on
caption files from Zoom, Teams, YouTube and podcast hosts): webvtt-py and srt drop a cue whose timing line is
malformed or missing, or fold its number into the previous cue's text, without a word. Here a block whose timing
cannot be read keeps its text, and the import report names it. Cue text has its tags removed and its HTML entities
(``&amp;``) decoded; a speaker comes from ``<v Name>`` or a leading ``Name:``; consecutive cues of one speaker
form one turn. Rolling captions (YouTube's auto-captions repeat each line in the next cue) are de-duplicated.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from qualcoder.errors import EmptyFile, InvalidSubtitles
from qualcoder.ingest.raw import RawText, join_turns
from qualcoder.ingest.text import decode

# the start must be readable; Teams writes 0:0:0.210, a bad end time loses nothing
_TIMING = re.compile(r"^\s*(?P<start>(?:\d+:)?\d{1,2}:\d{1,2}(?:[.,]\d{1,3})?)\s*-->")
_END = re.compile(r"^\s*(?:\d+:)?\d{1,2}:\d{1,2}(?:[.,]\d{1,3})?(?:\s|$)")
_LOOSE_TIMING = re.compile(r"-->|^\s*\d{1,2}:\d{2}[:.,]")
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>\n]{1,60})>")
_TAGS = re.compile(r"</?[A-Za-z][^>\n]*>|<\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?>")
_INLINE_SPEAKER = re.compile(r"^\s*(?:-\s*)?([^\W\d][\w.'’ -]{0,38}?)\s?:\s+")
_HEADER_BLOCKS = ("WEBVTT", "NOTE", "STYLE", "REGION", "Kind:", "Language:")


@dataclass
class _Cue:
    start: str | None
    voice: str | None
    text: str
    line: int


def read_vtt(path: Path, data: bytes) -> list[RawText]:
    text = decode(data, path)
    if not text.lstrip().startswith("WEBVTT"):
        raise InvalidSubtitles("is not a WebVTT file (its first line is not WEBVTT)", place=path,
                               fix="The first line must be WEBVTT; a SubRip file must end in .srt.")
    return [_merge(_cues(text, path, "vtt"), path, "vtt")]


def read_srt(path: Path, data: bytes) -> list[RawText]:
    return [_merge(_cues(decode(data, path), path, "srt"), path, "srt")]


def _cues(text: str, path: Path, fmt: str) -> tuple[list[_Cue], list[str]]:
    cues: list[_Cue] = []
    warnings: list[str] = []
    for first_line, block in _blocks(text):
        if fmt == "vtt" and block[0].startswith(_HEADER_BLOCKS) and not _TIMING.match(block[0]):
            continue
        timing_index = next((i for i, line in enumerate(block[:3]) if _TIMING.match(line)), None)
        if timing_index is None:
            body = block[1:] if len(block) > 1 and block[0].strip().isdigit() else block
            body = [line for line in body if not _LOOSE_TIMING.search(line)]
            content = _clean(body)
            if content[1]:
                warnings.append(f"{path}:{first_line}: the cue's timing line is missing or unreadable "
                                f"({block[0][:40]!r}); its text was kept without a time")
                cues.append(_Cue(None, content[0], content[1], first_line))
            continue
        timing = block[timing_index]
        stamp = _stamp(_TIMING.match(timing).group("start"))
        if not _END.match(timing.split("-->", 1)[1]):
            warnings.append(f"{path}:{first_line + timing_index}: the cue's end time is unreadable "
                            f"({timing.strip()[:40]!r}); its text was kept with its start time")
        voice, content = _clean(block[timing_index + 1:])
        if content:
            cues.append(_Cue(stamp, voice, content, first_line))
    if cues and all(cue.start is None for cue in cues):
        raise InvalidSubtitles(f"is not a valid {'WebVTT' if fmt == 'vtt' else 'SubRip'} file (no cue has a "
                               "readable timing line)", place=path,
                               fix="Each cue needs a `00:00:01,000 --> 00:00:04,000` line (`.` in WebVTT) and its "
                                   "text.")
    if _rolling(cues):
        cues = _unroll(cues)
        warnings.append(f"{path}: rolling captions (each line repeated in the next cue) were de-duplicated")
    return cues, warnings


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Cue blocks (first line number, lines): split at blank lines, and at a timing line inside a block (YouTube's
    captions put the next timing right under a cue), with the cue number before it in SubRip."""
    blocks, current, start = [], [], 1
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            if current:
                blocks.append((start, current))
            current = []
            continue
        if current and _TIMING.match(line) and any(_TIMING.match(x) for x in current):
            carried = [current.pop()] if current[-1].strip().isdigit() and len(current) > 1 else []
            blocks.append((start, current))
            current, start = carried, number - len(carried)
        if not current:
            start = number
        current.append(line.rstrip())
    if current:
        blocks.append((start, current))
    return blocks


def _clean(lines: list[str]) -> tuple[str | None, str]:
    """A cue's voice and its text without tags, entities decoded, one space between words."""
    raw = "\n".join(lines)
    voice = _VOICE.search(raw)
    plain = html.unescape(_TAGS.sub("", raw))
    return (voice.group(1).strip() if voice else None), "\n".join(" ".join(line.split()) for line in
                                                                   plain.split("\n") if line.strip())


def _stamp(value: str) -> str:
    parts = value.replace(",", ".").split(".")[0].split(":")
    hours, minutes, seconds = (["0"] * (3 - len(parts)) + parts)[-3:]
    return f"{int(hours):02d}:{int(minutes):02d}:{int(seconds):02d}"


def _rolling(cues: list[_Cue]) -> bool:
    """Whether most cues repeat a line of the cue before (YouTube's rolling auto-captions)."""
    if len(cues) < 4:
        return False
    repeats = sum(1 for before, cue in zip(cues, cues[1:])
                  if set(before.text.split("\n")) & set(cue.text.split("\n")) or cue.text.startswith(before.text))
    return repeats >= 0.3 * (len(cues) - 1)


def _unroll(cues: list[_Cue]) -> list[_Cue]:
    """Keep only the new words of each cue: lines already shown are dropped, a growing line keeps its tail."""
    kept: list[_Cue] = []
    shown: list[str] = []
    for cue in cues:
        fresh = []
        for line in cue.text.split("\n"):
            if line in shown[-3:]:
                continue
            previous = shown[-1] if shown else ""
            if previous and line.startswith(previous + " "):
                fresh.append(line[len(previous):].strip())
                shown[-1] = line
                continue
            fresh.append(line)
            shown.append(line)
        if fresh:
            kept.append(_Cue(cue.start, cue.voice, "\n".join(fresh), cue.line))
    return kept


def _merge(read: tuple[list[_Cue], list[str]], path: Path, fmt: str) -> RawText:
    cues, warnings = read
    turns: list[list] = []  # [stamp, speaker, parts]
    for cue in cues:
        speaker, content = cue.voice, " ".join(cue.text.split())
        if speaker is None and (inline := _INLINE_SPEAKER.match(content)):
            speaker, content = inline.group(1).strip(), content[inline.end():]
        if turns and (speaker is None or speaker == turns[-1][1]):
            turns[-1][2].append(content)
        else:
            turns.append([cue.start, speaker, [content]])
    if not turns:
        raise EmptyFile(f"the {fmt} file has no cue with text", place=path, fix="Check the export.")
    return join_turns([(speaker, stamp, " ".join(parts)) for stamp, speaker, parts in turns], fmt, tuple(warnings))
