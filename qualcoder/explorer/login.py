"""Who is using the explorer: a login for a shared project (one with users), nothing for a single person's project.

A login lives in the browser session (a reload or a new tab asks again) and expires after the project's idle
timeout (``Project.set_session_timeout``, 30 minutes unless an owner changes it). The name coded under is the
login's; what the user may do is decided by the API (``qualcoder.team.accounts.Gate``), never here: this module only
says who is asking.
"""

from __future__ import annotations

import time

import streamlit as st

from qualcoder.errors import QualcoderError
from qualcoder.explorer import safe
from qualcoder.explorer.actions import CODER
from qualcoder.project import Project
from qualcoder.team import accounts
from qualcoder.team.accounts import User

USER, EXPIRED = "login_user", "login_expired"


def _entry() -> dict | None:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if get_script_run_ctx(suppress_warning=True) is None:  # a thread outside any browser session
        return None
    return st.session_state.get(USER)


def _expired(entry: dict, now: float) -> bool:
    return now - entry["seen"] > entry["idle_minutes"] * 60


def session_user() -> User | None:
    """The browser session's user while the login is fresh (the source ``accounts.current_user`` falls back to)."""
    entry = _entry()
    if entry is None or _expired(entry, time.time()):
        return None
    return User(entry["name"], entry["role"])


def register() -> None:
    accounts.set_user_source(session_user)


def check(project: Project | None) -> tuple[User | None, bool]:
    """(the logged-in user, whether the login form must be shown): ``(None, False)`` for a project without users,
    ``(user, False)`` for a fresh login of a shared project (their name becomes the coder name), ``(None, True)``
    when nobody is logged in or the login has been idle too long."""
    if project is None:
        return None, False
    project.refresh_team()  # users added from the command line while the explorer runs count at once
    if not project.gate.team:
        return None, False
    entry, now, timeout = st.session_state.get(USER), time.time(), project.session_timeout()
    if entry is not None and _expired({**entry, "idle_minutes": timeout}, now):  # the owner's current setting
        del st.session_state[USER]
        st.session_state[EXPIRED] = timeout
        entry = None
    if entry is None:
        return None, True
    entry.update(seen=now, idle_minutes=timeout)
    st.session_state[CODER] = entry["name"]
    return User(entry["name"], entry["role"]), False


def form(project: Project) -> None:
    """The login form; the run stops here (the page asked for is drawn once logged in)."""
    _login_form(project)
    st.stop()


def _login_form(project: Project) -> None:
    with st.columns([1, 1.3])[0]:
        _login_fields(project)


def _login_fields(project: Project) -> None:
    st.title("Log in")
    st.caption(safe.md(f"{project.config.name} is a shared project: log in to read and code it."))
    expired = st.session_state.get(EXPIRED)
    if expired is not None:
        st.warning(f"Your session expired after {duration(expired)} idle: log in again.")
    with st.form("login_form"):
        name = st.text_input("User name", key="login_name")
        password = st.text_input("Password", type="password", key="login_password")
        submitted = st.form_submit_button("Log in", type="primary")
    if submitted:
        try:
            user = accounts.verify(project, name.strip(), password)
        except QualcoderError as error:
            safe.error(error)
            return
        st.session_state[USER] = {"name": user.name, "role": user.role, "seen": time.time(),
                                  "idle_minutes": project.session_timeout()}
        st.session_state.pop(EXPIRED, None)
        st.rerun()


def duration(minutes: float) -> str:
    """
    >>> duration(0.05), duration(1), duration(30)
    ('3 seconds', '1 minute', '30 minutes')
    """
    if minutes < 1:
        return f"{minutes * 60:.0f} seconds"
    return f"{minutes:g} minute" + ("s" if minutes != 1 else "")


def log_out() -> None:
    st.session_state.pop(USER, None)
    st.session_state.pop(CODER, None)


def sidebar(project: Project | None, user: User | None) -> None:
    """Who is logged in, a log-out button, and the owner's team settings (blind coding, idle timeout)."""
    if project is None or user is None:
        return
    with st.sidebar:
        st.caption(safe.md(f"Logged in as {user.name} ({user.role})"))
        st.button("Log out", key="login_logout", on_click=log_out)
        if user.role != "owner":
            return
        with st.expander("Team settings"):
            st.toggle("Blind coding for coders", value=project.blind(), key="login_blind",
                      on_change=_set_blind, args=(project, user.name),
                      help="Each coder sees only their own codings (no other coder, no rules, no model), for an "
                           "independent double-coding round.")
            st.number_input("Logins expire after (idle minutes)", min_value=1.0, max_value=7 * 24 * 60.0,
                            value=max(1.0, project.session_timeout()), step=5.0, key="login_timeout",
                            on_change=_set_timeout, args=(project, user.name))


def _set_blind(project: Project, actor: str) -> None:
    _write(lambda: project.set_blind(bool(st.session_state["login_blind"]), actor))


def _set_timeout(project: Project, actor: str) -> None:
    _write(lambda: project.set_session_timeout(float(st.session_state["login_timeout"]), actor))


def _write(action) -> None:
    try:
        action()
    except QualcoderError as error:
        safe.error(error)
