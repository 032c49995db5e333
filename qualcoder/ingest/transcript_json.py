"""JSON transcripts: the podcast-namespace format, Whisper and WhisperX output.

- podcast namespace (``{"version": "1.0.0", "segments": [{"speaker", "startTime", "endTime", "body"}]}``), often
  one word per segment;
- Whisper (``{"text", "segments": [{"start", "end", "text"}], "language"}``), no speakers;
- WhisperX (segments with ``speaker``, words with ``speaker``), diarised.

Consecutive segments of one speaker become one turn, written ``[00:00:03] SPEAKER_00 : speech``; segments without
any speaker become paragraphs that start at a pause of two seconds or more.
"""

from __future__ import annotations

import json
from pathlib import Path

from qualcoder.errors import CorruptFile, EmptyFile
from qualcoder.ingest.raw import RawText, join_turns
from qualcoder.ingest.text import decode

_PAUSE = 2.0  # seconds of silence that open a new paragraph in a transcript without speakers


def read_json(path: Path, data: bytes) -> list[RawText]:
    try:
        document = json.loads(decode(data, path))
    except json.JSONDecodeError as exc:
        raise CorruptFile(f"is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})",
                          place=f"{path}:{exc.lineno}", fix="Re-export the transcript from its application.") from exc
    segments = document.get("segments") if isinstance(document, dict) else document
    if not isinstance(segments, list) or not all(isinstance(s, dict) for s in segments):
        raise CorruptFile("is not a JSON transcript (no list of segments)", place=path,
                          fix='Give a podcast-namespace, Whisper or WhisperX JSON file (a "segments" list).')
    rows = []
    for number, segment in enumerate(segments, start=1):
        body = segment.get("body", segment.get("text"))
        if not isinstance(body, str):
            raise CorruptFile(f"segment {number} has no text (neither body nor text)", place=f"{path}: segment "
                              f"{number}", fix="Re-export the transcript from its application.")
        start = segment.get("startTime", segment.get("start"))
        speaker = segment.get("speaker")
        end = segment.get("endTime", segment.get("end"))
        rows.append((str(speaker).strip() if speaker not in (None, "") else None, _seconds(start), _seconds(end),
                     body))
    parts = _turns(rows)
    raw = join_turns(parts, "json")
    if not raw.text.strip():
        raise EmptyFile("the transcript has no segment with text", place=path, fix="Check the export.")
    return [raw]


def _seconds(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _turns(rows: list[tuple[str | None, float | None, float | None, str]]
           ) -> list[tuple[str | None, str | None, str]]:
    diarised = any(speaker for speaker, _, _, _ in rows)
    turns: list[list] = []  # [speaker, start, words, end of the last segment]
    for speaker, start, end, body in rows:
        if not body.strip():
            continue
        same = turns and speaker == turns[-1][0]
        paused = (not diarised and start is not None and turns and turns[-1][3] is not None
                  and start - turns[-1][3] >= _PAUSE)
        if same and not paused:
            turns[-1][2].append(body.strip())
            turns[-1][3] = end if end is not None else turns[-1][3]
        else:
            turns.append([speaker, start, [body.strip()], end])
    return [(speaker, _stamp(start), " ".join(words)) for speaker, start, words, _ in turns]


def _stamp(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
