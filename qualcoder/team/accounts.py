"""Accounts and roles for a shared project: who may do what, checked in the API and again at the database.

A project without users is a single person's project and works as it always did. The first user added (an owner)
turns on team mode: from then on every write needs a logged-in user, acting under their own name, and their role
decides what they may change:

- ``viewer`` reads everything and writes nothing;
- ``coder`` codes, decides suggestions, writes memos, adjudicates, undoes and redoes their own work, and never
  changes another person's codings;
- ``owner`` does everything else too: imports, the codebook, speakers and documents, models, users, settings.

Two locks, so that no write slips past: the action log asks ``authorize(actor, kind)`` before every logged action,
and a hook on the database engine refuses any INSERT, UPDATE or DELETE the role does not allow, whichever module
issues it. The logged-in user is per thread of work (a ``ContextVar``): the explorer sets it for each browser
session, the CLI once for the process. Passwords are hashed with argon2 (argon2-cffi).

>>> # add_user(project, "alice", "correct horse", "owner"); project.login("alice", "correct horse")
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Engine, event

from qualcoder.coding import HUMAN_SOURCES
from qualcoder.errors import QualcoderError
from qualcoder.store.journal import Changes, now

if TYPE_CHECKING:
    from qualcoder.project import Project

ROLES = ("owner", "coder", "viewer")
CODER_KINDS = {"apply", "remove", "edit", "resize", "accept", "reject", "memo", "memo-edit", "memo-remove",
               "adjudicate", "adjudicate-undo", "undo", "redo", "framework-summary"}
CODER_TABLES = {"codings", "memos", "adjudications", "actions", "framework_summaries"}
MACHINE_ACTORS = {"rules", "model", "import", "codebook"}  # what an owner's commands log their work under
_DML = re.compile(r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)


class PermissionDenied(QualcoderError):
    code = "Q261"


class NotLoggedIn(QualcoderError):
    code = "Q262"


class BadLogin(QualcoderError):
    code = "Q263"


class InvalidSetting(QualcoderError):
    """A team setting out of its range (the explorer's idle timeout)."""

    code = "Q264"


class SessionExpired(NotLoggedIn):
    """An explorer login left idle longer than the project's timeout."""

    code = "Q265"


@dataclass(frozen=True)
class User:
    name: str
    role: str


_current: ContextVar[User | None] = ContextVar("qualcoder_user", default=None)
_source: Callable[[], User | None] | None = None


@contextmanager
def acting_as(user: User | None) -> Iterator[None]:
    """Run a block as ``user`` (the explorer wraps each page run in it)."""
    token = _current.set(user)
    try:
        yield
    finally:
        _current.reset(token)


def current_user() -> User | None:
    """The user set for this thread of work, else the one the registered source gives (the explorer's session)."""
    user = _current.get()
    return user if user is not None or _source is None else _source()


def set_user_source(source: Callable[[], User | None] | None) -> None:
    """Where to find the user when none was set for the thread: the explorer registers its browser session's login
    here, because Streamlit runs a widget's callback before the page (outside any ``acting_as`` block the page
    opens), on whichever thread serves that session's next run.

    >>> set_user_source(lambda: User("alice", "coder")); current_user()
    User(name='alice', role='coder')
    >>> set_user_source(None); current_user() is None
    True
    """
    global _source
    _source = source


def set_current_user(user: User | None) -> None:
    """For a process that acts as one person throughout (the CLI after its login)."""
    _current.set(user)


# checks --------------------------------------------------------------------------------------------------------
class Gate:
    """The checks of one project: whether it is in team mode, and what the current user may do."""

    def __init__(self, team: bool):
        self.team = team

    def user(self) -> User | None:
        if not self.team:
            return None
        user = current_user()
        if user is None:
            raise NotLoggedIn("this project is shared: log in first", place="project",
                              fix="In the explorer, log in; on the command line, set QUALCODER_USER (and give the "
                                  "password when asked, or in QUALCODER_PASSWORD).")
        return user

    def authorize(self, actor: str, kind: str) -> None:
        """Refuse an action the logged-in user may not take (called by the action log before any change)."""
        user = self.user()
        if user is None:
            return
        if user.role == "viewer":
            raise PermissionDenied(f"{user.name} may read this project but not change it ({kind})", place=kind,
                                   fix="Ask an owner for the coder role.")
        if actor != user.name and not (user.role == "owner" and actor in MACHINE_ACTORS):
            raise PermissionDenied(f"{user.name} cannot act as {actor!r}", place=kind,
                                   fix=f"Act under your own name ({user.name}).")
        if user.role == "coder" and kind not in CODER_KINDS:
            raise PermissionDenied(f"a coder cannot {kind.replace('-', ' ')}", place=kind,
                                   fix="Ask an owner: only owners change the codebook, documents, speakers, models "
                                       "and users.")

    def may_change(self, coding: dict) -> None:
        """A coder changes their own codings and suggestions, never another person's."""
        user = self.user()
        if user is not None and user.role == "coder" and coding["source"] in HUMAN_SOURCES \
                and coding["coder"] != user.name:
            raise PermissionDenied(f"coding {coding['id']} is {coding['coder']}'s", place=f"coding {coding['id']}",
                                   fix="Change only your own codings; an owner can change anyone's.")

    def hide_others(self) -> str | None:
        """The coder whose codings alone are shown, when blind coding is on and the user is a coder."""
        user = current_user() if self.team else None
        return user.name if user is not None and user.role == "coder" else None

    def check_statement(self, statement: str) -> None:
        found = _DML.match(statement)
        if not found or not self.team:
            return
        user = self.user()
        table = found.group(1).lower()
        if user.role == "owner" or (user.role == "coder" and table in CODER_TABLES):
            return
        raise PermissionDenied(f"{user.name} ({user.role}) may not change {table}", place=table,
                               fix="Ask an owner.")


def guard_engine(engine: Engine, gate: Gate) -> None:
    """Refuse, at the database, any write the current user's role does not allow."""

    @event.listens_for(engine, "before_cursor_execute")
    def _check(conn, cursor, statement, parameters, context, executemany):
        gate.check_statement(statement)


# users --------------------------------------------------------------------------------------------------------
def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise QualcoderError(f"{role!r} is not a role", place="--role", fix=f"Use one of {', '.join(ROLES)}.")


def add_user(project: Project, name: str, password: str, role: str, *, actor: str | None = None) -> None:
    """Add a user. The first one must be an owner (it starts team mode); later ones need an owner logged in."""
    name = " ".join((name or "").split())
    _check_role(role)
    if not name or len(password or "") < 8:
        raise QualcoderError("a user needs a name and a password of at least 8 characters", place="user add",
                             fix="Choose a longer password.")
    users = project.repo.users()
    if not users and role != "owner":
        raise PermissionDenied("the first user must be an owner", place="--role", fix="Give --role owner.")
    if name in {u.name for u in users}:
        raise QualcoderError(f"there is already a user {name!r}", place="user add", fix="Choose another name.")
    values = {"name": name, "password_hash": _hasher().hash(password), "role": role, "created_at": now()}
    actor = actor or (current_user().name if current_user() else name)
    project.act(actor, "user-add", f"add user {name} ({role})", lambda changes: changes.insert("users", values))
    project.refresh_team()


def set_role(project: Project, name: str, role: str, actor: str) -> None:
    _check_role(role)

    def work(changes: Changes) -> None:
        row = _user_row(changes, name)
        owners = [u for u in changes.rows("users", role="owner") if u["id"] != row["id"]]
        if row["role"] == "owner" and role != "owner" and not owners:
            raise PermissionDenied("a shared project keeps at least one owner", place=name,
                                   fix="Make someone else an owner first.")
        changes.update("users", row["id"], {"role": role})

    project.act(actor, "user-role", f"user {name} becomes {role}", work)


def remove_user(project: Project, name: str, actor: str) -> None:
    def work(changes: Changes) -> None:
        row = _user_row(changes, name)
        if row["role"] == "owner" and len(changes.rows("users", role="owner")) == 1:
            raise PermissionDenied("the last owner cannot be removed", place=name,
                                   fix="Make someone else an owner first.")
        changes.delete("users", row["id"])

    project.act(actor, "user-remove", f"remove user {name} (their codings stay)", work)
    project.refresh_team()


def set_password(project: Project, name: str, password: str, actor: str) -> None:
    if len(password or "") < 8:
        raise QualcoderError("the password is too short", place="password", fix="Give at least 8 characters.")
    user = current_user()
    if user is not None and user.name != name and user.role != "owner":
        raise PermissionDenied("only an owner changes another person's password", place=name, fix="Ask an owner.")

    def work(changes: Changes) -> None:
        changes.update("users", _user_row(changes, name)["id"], {"password_hash": _hasher().hash(password)})

    project.act(actor, "user-password", f"new password for {name}", work)


def _user_row(changes: Changes, name: str) -> dict:
    rows = changes.rows("users", name=name)
    if not rows:
        raise QualcoderError(f"there is no user {name!r}", place=name, fix="List users with `qualcoder user list`.")
    return rows[0]


def verify(project: Project, name: str, password: str) -> User:
    """The user whose name and password these are; ``[Q263]`` otherwise (the same message for both cases)."""
    from argon2.exceptions import VerificationError

    found = {u.name: u for u in project.repo.users()}.get(name)
    try:
        if found is None:
            raise VerificationError
        _hasher().verify(found.password_hash, password)
    except VerificationError:
        raise BadLogin("wrong user name or password", place="login", fix="Try again, or ask an owner.") from None
    return User(found.name, found.role)
