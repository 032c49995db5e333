"""Build corpora/speaker-turns/ from public transcripts (run once; the result is committed).

    python benchmarks/build_speaker_corpus.py MARIAGE_REPO PODCAST_REPO

MARIAGE_REPO: a checkout of github.com/nlegrand/mariagepourtousInXML (Assemblée nationale debates of January and
February 2013: public records; the TEI encoding is CC BY 3.0 FR by Nicolas Legrand). PODCAST_REPO: a checkout of
github.com/Podcastindex-org/podcast-namespace (CC0 1.0; docs/examples/transcripts/).

For each sitting: the first ``TURNS`` ``<sp>`` of the TEI file (the truth), the same speeches as the author's
plain-text rendering (the speaker's name alone on its line) and as the Assemblée's own HTML (``M. Nom. Texte``),
both cut where the next speech starts, plus two re-layouts of the TEI written here: ``Name : speech`` and
``Name, role : speech`` (the role from ``<speaker>``), and ``Speaker N: speech`` (names replaced by numbers, as a
diarisation tool writes them).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

TURNS = 80
SITTINGS = ("20130129", "20130135", "20130125", "20130141")  # the last two were not looked at while tuning
OUT = Path(__file__).resolve().parent.parent / "corpora" / "speaker-turns"
TEI = "{http://www.tei-c.org/ns/1.0}"


def git_show(repo: Path, path: str) -> bytes:
    return subprocess.run(["git", "-C", str(repo), "show", f"HEAD:{path}"], check=True, capture_output=True).stdout


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower().replace("’", "'"))


def sp_turns(root) -> list[dict]:
    turns = []
    for sp in root.iter(f"{TEI}sp"):
        speaker = "".join(next(sp.iter(f"{TEI}speaker")).itertext()).strip()
        paragraphs = [" ".join("".join(p.itertext()).split()) for p in sp.iter(f"{TEI}p")]
        paragraphs = [p for p in paragraphs if p]
        who = sp.get("who", "").replace("_", " ").strip()
        if paragraphs:
            turns.append({"speaker": who, "label": speaker, "speech": paragraphs})
    return turns


def cut_tei(data: bytes, keep: int) -> bytes:
    """The TEI file up to the end of its ``keep``-th <sp>, closed properly."""
    text = data.decode("utf-8")
    ends = [m.end() for m in re.finditer(r"</sp>", text)]
    cut = text[: ends[keep - 1]]
    opened = len(re.findall(r"<div[ >]", cut)) - len(re.findall(r"</div>", cut))
    return (cut + "\n" + "</div>\n" * opened + "</body>\n</text>\n</TEI>\n").encode("utf-8")


def find_key(text: str, speech: str, start: int) -> int:
    """Character offset of the first words of ``speech`` in ``text`` at or after ``start``."""
    key = words(speech)[:6]
    masked = re.sub(r"<[^>]*>|&#?\w+;", lambda m: " " * len(m.group()), text)  # HTML: same offsets, no markup
    tokens = [(m.start(), m.group().lower()) for m in re.finditer(r"\w+", masked)]
    for index in range(len(tokens)):
        if tokens[index][0] < start:
            continue
        if [t for _, t in tokens[index: index + len(key)]] == key:
            return tokens[index][0]
    raise ValueError(f"speech not found: {speech[:60]!r}")


def main(mariage: Path, podcast: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    truth: dict[str, list[dict]] = {}
    files: dict[str, list[str]] = {}  # file -> [truth key, layout]
    for sitting in SITTINGS:
        tei = git_show(mariage, f"files/xml/{sitting}.xml")
        turns = sp_turns(ElementTree.fromstring(tei))
        kept, following = turns[:TURNS], turns[TURNS]
        (OUT / f"an-{sitting}.tei.xml").write_bytes(cut_tei(tei, TURNS))
        records = [{"speaker": t["speaker"], "speech": t["speech"][0][:80], "words": len(words(" ".join(t["speech"])))}
                   for t in kept]
        truth[f"an-{sitting}"] = records
        files.update({f"an-{sitting}.tei.xml": [f"an-{sitting}", "TEI <sp who><speaker>"],
                      f"an-{sitting}.line.txt": [f"an-{sitting}", "name on its own line"],
                      f"an-{sitting}.html": [f"an-{sitting}", "parliament HTML: M. Nom. Texte"],
                      f"an-{sitting}.colon.txt": [f"an-{sitting}", "Name : speech"],
                      f"an-{sitting}.role.txt": [f"an-{sitting}", "Name, role : speech"],
                      f"an-{sitting}.numbered.txt": [f"an-{sitting}.numbered", "Speaker N: speech"]})

        plain = git_show(mariage, f"files/txt/{sitting}.txt").decode("utf-8")
        stop = find_key(plain, following["speech"][0], find_key(plain, kept[-1]["speech"][0], 0))
        before = plain[:stop].rstrip()
        before = before[: before.rfind("\n") + 1]  # without the next speaker's name line
        (OUT / f"an-{sitting}.line.txt").write_text(before.rstrip() + "\n", encoding="utf-8")

        page = git_show(mariage, f"files/html/{sitting}.asp").decode("cp1252")
        first = page.find("Présidence de")
        first = page.rfind("<p", 0, first)
        stop = find_key(page, following["speech"][0], find_key(page, kept[-1]["speech"][0], first))
        stop = page.rfind("<p", 0, stop)
        title = re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip()
        html = (f'<html>\r\n<head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
                f"<title>{title}</title></head>\r\n<body>\r\n{page[first:stop]}</body>\r\n</html>\r\n")
        (OUT / f"an-{sitting}.html").write_bytes(html.encode("cp1252"))

        numbers: dict[str, int] = {}
        colon, role, numbered = [], [], []
        for turn in kept:
            name = turn["label"].split(",", 1)[0].strip()
            full = ", ".join(part.strip() for part in turn["label"].split(",")).rstrip(".")
            speech = "\n\n".join(turn["speech"]).lstrip(". ")
            number = numbers.setdefault(turn["speaker"], len(numbers) + 1)
            colon.append(f"{name} : {speech}")
            role.append(f"{full} : {speech}")
            numbered.append(f"Speaker {number}: {speech}")
        (OUT / f"an-{sitting}.colon.txt").write_text("\n\n".join(colon) + "\n", encoding="utf-8")
        (OUT / f"an-{sitting}.role.txt").write_text("\n\n".join(role) + "\n", encoding="utf-8")
        (OUT / f"an-{sitting}.numbered.txt").write_text("\n\n".join(numbered) + "\n", encoding="utf-8")
        truth[f"an-{sitting}.numbered"] = [{**record, "speaker": f"Speaker {numbers[t['speaker']]}"}
                                           for record, t in zip(records, kept)]

    examples = "docs/examples/transcripts"
    page = git_show(podcast, f"{examples}/example.html")
    (OUT / "podcast.html").write_bytes(page)
    (OUT / "podcast.srt").write_bytes(git_show(podcast, f"{examples}/example.srt"))
    (OUT / "podcast-trailer.vtt").write_bytes(git_show(podcast, f"{examples}/example.vtt"))
    (OUT / "podcast-words.json").write_bytes(git_show(podcast, f"{examples}/example.json"))
    cites = re.findall(r"<cite>(.*?):?</cite>\s*<time>(.*?)</time>\s*<p>(.*?)</p>", page.decode("utf-8"), re.S)
    import html as html_lib

    episode = [{"speaker": name.strip().rstrip(":").strip(), "speech": html_lib.unescape(speech)[:80],
                "words": len(words(html_lib.unescape(speech)))} for name, _, speech in cites]
    truth["podcast"] = episode
    files.update({"podcast.html": ["podcast", "podcast HTML <cite><time><p>"],
                  "podcast.srt": ["podcast", "captions .srt, Name: in cues"],
                  "podcast.otter.txt": ["podcast", "name and time on a line (Otter)"],
                  "podcast-trailer.vtt": ["podcast-trailer", "captions .vtt, <v Name>"]})
    otter = [f"{name.strip().rstrip(':').strip()}  {stamp}\n{html_lib.unescape(speech)}" for name, stamp, speech in cites]
    (OUT / "podcast.otter.txt").write_text("\n\n".join(otter) + "\n", encoding="utf-8")
    vtt = git_show(podcast, f"{examples}/example.vtt").decode("utf-8")
    voiced = re.findall(r"<v ([^>]+)>(.*)", vtt)
    trailer, previous = [], None
    for name, speech in voiced:
        if name != previous:
            trailer.append({"speaker": name, "speech": html_lib.unescape(speech)[:80], "words": 0})
        trailer[-1]["words"] += len(words(html_lib.unescape(speech)))
        previous = name
    truth["podcast-trailer"] = trailer
    document = {"files": files, "truth": truth}
    (OUT / "truth.json").write_text(json.dumps(document, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
