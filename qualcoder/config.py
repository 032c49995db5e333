"""``qualcoder.toml``: the project's name, database URL and language models."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import tomli_w
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from qualcoder.errors import InvalidConfig, ProjectNotFound

CONFIG_NAME = "qualcoder.toml"
DEFAULT_DATABASE = "sqlite:///project.db"
DEFAULT_MODELS = {"fr": "fr_core_news_sm", "en": "auto"}


@dataclass
class ProjectConfig:
    name: str
    database: str = DEFAULT_DATABASE
    models: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_MODELS))
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    speakers_layout: str = "auto"  # [import] speakers_layout: how transcripts write speaker labels

    def database_url(self, folder: Path) -> str:
        """The URL with a relative SQLite path resolved against the project folder."""
        url = make_url(self.database)
        if url.drivername.startswith("sqlite") and url.database and not Path(url.database).is_absolute():
            url = url.set(database=str((folder / url.database).resolve()))
        return url.render_as_string(hide_password=False)


def write_config(folder: Path, config: ProjectConfig) -> None:
    document = {
        "project": {"name": config.name, "created": config.created},
        "database": {"url": config.database},
        "nlp": config.models,
    }
    if config.speakers_layout != "auto":
        document["import"] = {"speakers_layout": config.speakers_layout}
    (folder / CONFIG_NAME).write_text(tomli_w.dumps(document), encoding="utf-8")


def read_config(folder: Path) -> ProjectConfig:
    path = folder / CONFIG_NAME
    if not path.is_file():
        raise ProjectNotFound(
            f"no {CONFIG_NAME} here, so this is not a qualcoder project",
            place=folder,
            fix="Give the project folder with --project, or create one with `qualcoder init NAME`.",
        )
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidConfig(f"the file is not valid TOML ({exc})", place=path,
                            fix="Fix the line it names, or restore the file from a backup.") from exc
    project = document.get("project", {})
    database = document.get("database", {}).get("url", DEFAULT_DATABASE)
    try:
        make_url(database)
    except ArgumentError as exc:
        raise InvalidConfig(f"[database] url {database!r} is not a database URL", place=path,
                            fix="Use sqlite:///project.db or postgresql://HOST/DATABASE.") from exc
    models = {**DEFAULT_MODELS, **document.get("nlp", {})}
    layout = str(document.get("import", {}).get("speakers_layout", "auto"))
    from qualcoder.ingest.speakers import SpeakerLayout

    SpeakerLayout.parse(layout, place=f"{path} [import] speakers_layout")  # refused at once, not at the import
    return ProjectConfig(name=project.get("name", folder.name), database=database, models=models,
                         created=project.get("created", ""), speakers_layout=layout)
