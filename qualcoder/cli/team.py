"""``qualcoder user ...`` and ``qualcoder blind``: the people of a shared project and their roles."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from qualcoder.cli.support import CsvOption, ProjectOption, console, open_project, print_frame

if TYPE_CHECKING:
    from qualcoder.project import Project

user_app = typer.Typer(help="Users of a shared project: add, list, remove, change a role or a password.",
                       no_args_is_help=True)
RoleOption = Annotated[str, typer.Option("--role", help="owner, coder or viewer.")]


def _password(given: str | None) -> str:
    return given or typer.prompt("Password (8 characters or more)", hide_input=True, confirmation_prompt=True)


def _me(project: Project) -> str:
    from qualcoder.team.accounts import current_user

    user = current_user()
    return user.name if user else "owner"


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="The user's name (recorded as coder on their codings).")],
    role: RoleOption = "coder",
    password: Annotated[str | None, typer.Option("--password", help="Leave out to type it (not echoed).")] = None,
    project: ProjectOption = Path("."),
) -> None:
    """Add a user; the first one must be an owner, and makes the project shared (logins and roles from then on)."""
    p = open_project(project)
    p.add_user(name, _password(password), role)
    console.print(f"Added {name} ({role}).", highlight=False)


@user_app.command("list")
def user_list(project: ProjectOption = Path("."), csv: CsvOption = False) -> None:
    """The users and their roles."""
    print_frame(open_project(project).users_df(), csv)


@user_app.command("role")
def user_role(name: Annotated[str, typer.Argument(help="The user.")], role: Annotated[str, typer.Argument(
        help="owner, coder or viewer.")], project: ProjectOption = Path(".")) -> None:
    """Give a user another role (owners only)."""
    p = open_project(project)
    p.set_role(name, role, _me(p))
    console.print(f"{name} is now {role}.", highlight=False)


@user_app.command("remove")
def user_remove(name: Annotated[str, typer.Argument(help="The user.")], project: ProjectOption = Path(".")) -> None:
    """Remove a user (their codings and memos stay, under their name)."""
    p = open_project(project)
    p.remove_user(name, _me(p))
    console.print(f"Removed {name}.", highlight=False)


@user_app.command("password")
def user_password(name: Annotated[str, typer.Argument(help="The user.")],
                  password: Annotated[str | None, typer.Option("--password", help="Leave out to type it.")] = None,
                  project: ProjectOption = Path(".")) -> None:
    """Change a password (your own, or anyone's as an owner)."""
    p = open_project(project)
    p.set_password(name, _password(password), _me(p))
    console.print(f"Password of {name} changed.", highlight=False)


@user_app.command("timeout")
def user_timeout(minutes: Annotated[float, typer.Argument(help="Idle minutes before an explorer login expires.")],
                 project: ProjectOption = Path(".")) -> None:
    """How long an explorer login stays valid without any action (owners; 30 minutes by default)."""
    p = open_project(project)
    p.set_session_timeout(minutes, _me(p))
    console.print(f"Explorer logins expire after {minutes:g} idle minutes.")


def register_team(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")

    @app.command("blind")
    def blind(state: Annotated[str, typer.Argument(help="on or off.")], project: ProjectOption = Path(".")) -> None:
        """Blind coding for a double-coding round (owners): each coder sees only their own codings."""
        if state not in ("on", "off"):
            raise typer.BadParameter("say on or off")
        p = open_project(project)
        p.set_blind(state == "on", _me(p))
        console.print(f"Blind coding is {state}.")
