"""``qualcoder pseudonymise ...``: detect names and identifying details, review them, apply pseudonyms to a copy
(or in place after a backup) with the key kept apart, reverse a passage with the key, check an export."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualcoder.cli.support import CsvOption, ProjectOption, console, errors, open_project, print_frame, progress_bar
from qualcoder.errors import UnknownDetection

privacy_app = typer.Typer(help="Pseudonymisation (GDPR): detect, review, decide, add, terms, preview, apply, "
                               "reverse, check.", no_args_is_help=True)
ActorOption = Annotated[str, typer.Option("--by", help="Who decides (recorded in the action log).")]
KeyOption = Annotated[Path, typer.Option("--key", help="The key file (kept outside the project folder).")]
StyleOption = Annotated[str, typer.Option("--style", help="label ([Infirmière 1], [Hôpital A]) or realistic "
                                                          "(invented names by gender and language).")]


def _fail(error: Exception) -> None:
    """Report a usage error the same way as the API's errors: its message, exit 2."""
    def raise_() -> None:
        raise error

    raise_()


def _warn(lines) -> None:
    for line in lines:
        errors.print(f"[yellow]warning: {line}[/yellow]", highlight=False, soft_wrap=True)


@privacy_app.command("detect")
def detect(
    project: ProjectOption = Path("."),
    by: ActorOption = "owner",
    model_fr: Annotated[str, typer.Option("--model-fr", help="spaCy NER model for French.")] = "fr_core_news_md",
    model_en: Annotated[str, typer.Option("--model-en", help="spaCy NER model for English (auto: en_core_web_sm "
                                                             "if installed).")] = "auto",
    terms: Annotated[Path | None, typer.Option("--terms", help="A CSV term,category of the project's own names "
                                                               "(stored with the project).")] = None,
) -> None:
    """Find persons, places, organisations, speakers' names, e-mails, phones, dates of birth, ages near a name,
    street addresses and the project's terms in every document; decisions already taken are kept."""
    from qualcoder.privacy import review
    from qualcoder.privacy.detect import DetectOptions

    p = open_project(project)
    if terms is not None:
        listed = review.load_terms(terms)
        review.set_terms(p, by, listed)
    options = DetectOptions(models={"fr": model_fr, "en": model_en})
    with progress_bar() as progress:
        report = review.detect(p, by, options, progress=progress)
    counts = ", ".join(f"{n} {c}" for c, n in sorted(report.by_category.items())) or "nothing"
    console.print(f"{report.documents} documents: {report.added} detections ({counts}); {report.kept} decided "
                  f"or added by hand kept. Review them with `qualcoder pseudonymise review`.")


@privacy_app.command("review")
def review_(
    project: ProjectOption = Path("."),
    status: Annotated[str | None, typer.Option("--status", help="pending, accepted or rejected.")] = "pending",
    doc: Annotated[str | None, typer.Option("--doc", help="Only this document (name or id).")] = None,
    category: Annotated[str | None, typer.Option("--category", help="Only this category.")] = None,
    as_csv: CsvOption = False,
) -> None:
    """Every detection in its context, with the review's progress."""
    from qualcoder.privacy import review

    p = open_project(project)
    frame = review.detections_df(p, status=status or None, doc=doc, category=category)
    counts = review.progress_counts(p)
    if not as_csv:
        console.print(f"Reviewed {counts['accepted'] + counts['rejected']} of {sum(counts.values())} "
                      f"({counts['accepted']} accepted, {counts['rejected']} rejected, {counts['pending']} pending).")
    print_frame(frame[["id", "doc", "before", "text", "after", "category", "source", "status"]], as_csv,
                 "Detections")


@privacy_app.command("decide")
def decide(
    ids: Annotated[list[int], typer.Argument(help="Detection ids.")],
    project: ProjectOption = Path("."),
    by: ActorOption = "owner",
    accept: Annotated[bool, typer.Option("--accept", help="Accept them.")] = False,
    reject: Annotated[bool, typer.Option("--reject", help="Reject them (left as they are in the text).")] = False,
    category: Annotated[str | None, typer.Option("--category", help="Change their category (accepts them).")] = None,
    everywhere: Annotated[bool, typer.Option("--all-occurrences", help="Every detection of the same text too.")
                          ] = False,
) -> None:
    """Accept, reject or re-categorise detections (undo with `qualcoder undo`)."""
    from qualcoder.privacy import review

    if accept == reject and category is None:
        _fail(UnknownDetection("say --accept, --reject or --category", place="pseudonymise decide",
                               fix="Add one of them."))
    status = "accepted" if accept else "rejected" if reject else None
    p = open_project(project)
    changed = review.decide(p, by, ids, status=status, category=category, all_occurrences=everywhere)
    console.print(f"{changed} detections changed.")


@privacy_app.command("add")
def add(
    doc: Annotated[str, typer.Option("--doc", help="The document (name or id).")],
    category: Annotated[str, typer.Option("--category", help="person, place, organisation, email, phone, "
                                                             "birthdate, age or address.")],
    project: ProjectOption = Path("."),
    by: ActorOption = "owner",
    text: Annotated[str | None, typer.Option("--text", help="The passage (its first occurrence), instead of "
                                                            "--start/--end.")] = None,
    start: Annotated[int | None, typer.Option("--start", help="Start offset.")] = None,
    end: Annotated[int | None, typer.Option("--end", help="End offset.")] = None,
    everywhere: Annotated[bool, typer.Option("--all-occurrences", help="Every occurrence in every document.")
                          ] = False,
) -> None:
    """Add a name the detection missed."""
    from qualcoder.privacy import review

    p = open_project(project)
    document = p.document(int(doc) if doc.isdigit() else doc)
    if text is not None:
        import re

        found = re.search(r"(?<!\w)" + re.escape(text) + r"(?!\w)", document.text)
        if not found:
            _fail(UnknownDetection(f"{text!r} is not in the document", place=document.name,
                                   fix="Check the spelling."))
        start, end = found.span()
    if start is None or end is None:
        _fail(UnknownDetection("give --text, or --start and --end", place="add", fix="Say which passage to add."))
    added = review.add(p, by, document.id, start, end, category, all_occurrences=everywhere)
    console.print(f"{added} detections added.")


@privacy_app.command("preview")
def preview(
    project: ProjectOption = Path("."),
    style: StyleOption = "label",
    accepted_only: Annotated[bool, typer.Option("--accepted-only", help="Only accepted detections (pending ones "
                                                                        "stay as they are).")] = False,
    as_csv: CsvOption = False,
) -> None:
    """The entities and their pseudonyms, before applying (nothing is written)."""
    from qualcoder.privacy import apply as privacy_apply

    p = open_project(project)
    planned = privacy_apply.plan(p, style=style, accepted_only=accepted_only)
    import pandas as pd

    _warn(planned.warnings)
    print_frame(pd.DataFrame(privacy_apply.summary(planned)), as_csv, "Pseudonyms")


@privacy_app.command("apply")
def apply(
    key: KeyOption,
    project: ProjectOption = Path("."),
    output: Annotated[Path | None, typer.Option("--output", help="A new folder for the pseudonymised copy "
                                                                 "(a SQLite project).")] = None,
    in_place: Annotated[bool, typer.Option("--in-place", help="Rewrite this project instead, after a backup "
                                                              "written next to the key.")] = False,
    by: ActorOption = "owner",
    style: StyleOption = "label",
    accepted_only: Annotated[bool, typer.Option("--accepted-only", help="Only accepted detections.")] = False,
    pseudonym: Annotated[list[str] | None, typer.Option("--pseudonym", help="ORIGINAL=PSEUDONYM, your own choice "
                                                                            "for one name (repeatable).")] = None,
) -> None:
    """Write the pseudonymised project and its key (mode 0600, outside the project folder)."""
    from qualcoder.privacy import apply as privacy_apply

    overrides = dict(item.split("=", 1) for item in (pseudonym or []) if "=" in item)
    p = open_project(project)
    with progress_bar() as progress:
        report = (privacy_apply.apply(p, by, key, output=output, in_place=in_place, style=style,
                                      accepted_only=accepted_only, overrides=overrides,
                                      progress=progress))
    _warn(report.warnings)
    console.print(f"Pseudonymised {report.documents} documents ({report.replacements} replacements, "
                  f"{report.entities} entities) into {report.folder}.")
    console.print(f"Key: {report.key} (mode 0600). Keep it apart; never share it with the project.")
    if report.backup:
        console.print(f"Backup of the original (it holds the names): {report.backup}")


@privacy_app.command("reverse")
def reverse(
    key: KeyOption,
    project: ProjectOption = Path("."),
    doc: Annotated[str | None, typer.Option("--doc", help="A document of the pseudonymised project.")] = None,
    start: Annotated[int, typer.Option("--start", help="Start offset in that document.")] = 0,
    end: Annotated[int | None, typer.Option("--end", help="End offset (default: the end).")] = None,
    text: Annotated[str | None, typer.Option("--text", help="A free passage (a quotation) instead of --doc.")
                    ] = None,
) -> None:
    """Restore the original of a passage, for an authorised person holding the key."""
    from qualcoder.privacy import key as keyfile

    p = open_project(project)
    content = keyfile.read(key, p)
    if text is not None:
        console.print(keyfile.reverse_text(content, text), highlight=False, markup=False)
        return
    if doc is None:
        _fail(UnknownDetection("give --doc (with --start/--end) or --text", place="reverse",
                               fix="Say which passage."))
    document = p.document(int(doc) if doc.isdigit() else doc)
    stop = len(document.text) if end is None else end
    console.print(keyfile.reverse(content, document.name, start, stop, document.text[start:stop]), highlight=False,
                  markup=False)


@privacy_app.command("check")
def check(
    export: Annotated[Path, typer.Argument(help="An exported file or folder (CSV, XLSX, .qdpx, IRaMuTeQ, ...).")],
    key: KeyOption,
) -> None:
    """Fail (exit 2) if any original name of the key remains in an export."""
    from qualcoder.privacy import check as privacy_check

    looked = privacy_check.check(export, key)
    console.print(f"No original name found in {export} ({looked} forms looked for).")
