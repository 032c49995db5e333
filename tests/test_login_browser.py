"""A shared project (PostgreSQL, with users) behind the explorer's login page, in a real browser: the login is
required and a wrong password refused; a coder codes under their login's name and, when an owner enforces blind
coding, sees no one else's codings; an idle login expires."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from conftest import INTERVIEW_FR, PG_ADMIN, REPO
from test_study_browser import shoot

from qualcoder import Project
from qualcoder.explorer.server import running, settle
from qualcoder.team.accounts import User, acting_as

pytestmark = pytest.mark.browser
OWNER, CODER, OTHER = ("olga", "owner-pass-1"), ("cora", "coder-pass-1"), ("cody", "coder-pass-2")


@pytest.fixture(scope="module")
def team(tmp_path_factory):
    """A PostgreSQL project with an owner and two coders who each coded a passage; blind coding enforced."""
    name = f"qualcoder_t_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    root = tmp_path_factory.mktemp("team")
    (root / "corpus").mkdir()
    (root / "corpus" / "entretien.txt").write_text(INTERVIEW_FR, encoding="utf-8")
    project = Project.create(root / "study", database=f"postgresql://127.0.0.1:5432/{name}")
    project.add_user(*OWNER, "owner")
    with acting_as(User(OWNER[0], "owner")):
        project.add_user(*CODER, "coder")
        project.add_user(*OTHER, "coder")
        assert project.import_files([root / "corpus"]).ok
        project.load_codebook(REPO / "codebooks" / "reseaux-sante.yaml")
    document = project.document("corpus/entretien.txt")
    text = document.text
    ids = {}
    for (user, _), passage in ((CODER, "Depuis 2003"), (OTHER, "Le FAQSV, puis la DNDR")):
        start = text.index(passage)
        with acting_as(User(user, "coder")):
            ids[user] = project.apply_codes(document.id, start, start + len(passage), ["financement"], user)[0]
    with acting_as(User(OWNER[0], "owner")):
        project.set_blind(True, OWNER[0])
    project.close()
    with running(root / "study") as url:
        yield url, root / "study", ids
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    yield page
    context.close()


def _title(page) -> str:
    return page.locator('[data-testid="stMain"] h1').first.inner_text()


def _log_in(page, name: str, password: str) -> None:
    page.get_by_role("textbox", name="User name").fill(name)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_timeout(300)
    settle(page)


def _nav(page, title: str) -> None:
    page.locator('[data-testid="stSidebarNav"]').get_by_text(title, exact=True).click()
    page.wait_for_timeout(300)
    settle(page)


def test_the_login_is_required_and_a_wrong_password_refused(team, page):
    url, _, _ = team
    page.goto(f"{url}/workbench")
    settle(page)
    assert _title(page) == "Log in"
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0  # no page is reachable before the login
    assert page.locator(".qc-run").count() == 0
    _log_in(page, CODER[0], "not-the-password")
    error = " ".join(page.locator('[data-testid="stAlertContentError"]').all_inner_texts())
    assert "[Q263]" in error and "wrong user name or password" in error
    assert _title(page) == "Log in"
    shoot(page, "login", full_page=False)
    _log_in(page, *CODER)
    assert _title(page) == "Coding studio"
    assert "Logged in as cora (coder)" in page.locator('[data-testid="stSidebar"]').inner_text()


def test_a_coder_codes_under_their_login_and_enforced_blind_coding_hides_the_others(team, page):
    url, _, ids = team
    page.goto(f"{url}/workbench")
    settle(page)
    _log_in(page, *CODER)
    page.wait_for_selector(".qc-run")
    coder = page.get_by_role("textbox", name="Coder")
    assert coder.input_value() == "cora" and coder.is_disabled()
    assert page.locator(f'.qc-chip[data-coding="{ids["cora"]}"]').count() == 1
    assert page.locator(f'.qc-chip[data-coding="{ids["cody"]}"]').count() == 0  # blind coding, enforced
    blind = page.locator('[data-testid="stSidebar"] .st-key-studio_blind input')
    assert blind.is_checked() and blind.is_disabled()
    assert "Enforced by an owner" in page.locator('[data-testid="stSidebar"]').inner_text()
    shoot(page, "studio-logged-in-blind", full_page=False)


def test_an_idle_login_expires(team, page):
    url, folder, _ = team
    project = Project.open(folder)
    try:
        page.goto(url)
        settle(page)
        _log_in(page, *OWNER)
        assert _title(page) != "Log in"
        _nav(page, "Documents")
        assert _title(page) == "Documents"
        with acting_as(User(OWNER[0], "owner")):
            project.set_session_timeout(0.05, OWNER[0])  # 3 s, applied at the session's next run
        page.wait_for_timeout(4000)
        _nav(page, "Overview")
        assert _title(page) == "Log in"
        warning = " ".join(page.locator('[data-testid="stAlertContentWarning"]').all_inner_texts())
        assert "Your session expired after 3 seconds idle" in warning
    finally:
        with acting_as(User(OWNER[0], "owner")):
            project.set_session_timeout(30, OWNER[0])
        project.close()
