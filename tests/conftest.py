"""Shared fixtures: real SQLite files, a fresh PostgreSQL database per test run, sample documents."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import psycopg
import pytest

from qualcoder import Project

REPO = Path(__file__).resolve().parent.parent
PG_ADMIN = "host=127.0.0.1 port=5432 dbname=postgres"


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    return request.param


@pytest.fixture
def make_project(tmp_path, backend, request):
    """Create a project on the parametrised backend (SQLite file, or a fresh PostgreSQL database)."""
    created = []

    def factory(name: str = "study") -> Project:
        if backend == "postgresql":
            url = request.getfixturevalue("postgresql_fresh_url")
            project = Project.create(tmp_path / name, database=url)
        else:
            project = Project.create(tmp_path / name)
        created.append(project)
        return project

    yield factory
    for project in created:
        project.close()


@pytest.fixture
def postgresql_fresh_url():
    """A fresh PostgreSQL database for one test, dropped afterwards. Never skipped: if this fails, the
    local server is down (start it with pg_ctlcluster, see the README)."""
    name = f"qualcoder_t_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql://127.0.0.1:5432/{name}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def coded(make_project, sample_dir):
    """The sample documents imported, segmented by sentence, with the demo codebook (on both backends)."""
    project = make_project()
    project.import_files([sample_dir])
    project.segment("sentence")
    project.load_codebook(REPO / "codebooks" / "reseaux-sante.yaml")
    return project


@pytest.fixture
def sqlite_project(tmp_path):
    project = Project.create(tmp_path / "study")
    yield project
    project.close()


INTERVIEW_FR = """Enq. : Depuis quand êtes-vous coordinatrice du réseau ?

Mme Aubert : Depuis 2003. Avant, j'étais infirmière libérale. Les infirmières du secteur me connaissaient.

Et ça a beaucoup aidé au début.

Enq. : Et le financement ?

Mme Aubert : Le FAQSV, puis la DNDR. Chaque année il faut renouveler le dossier.
"""

MINUTES_FR = """Réseau Mémoire — Réunion de concertation
Date : 11 mars 2004
Lieu : centre mémoire
Présents : Dr Bernard Morel (neurologue), Sophie Lambert (infirmière coordinatrice), Dr Paul Garnier (médecin généraliste)
Ordre du jour : cas de Mme D. ; organisation

Cas n°1 : Mme D., 82 ans

La situation de Mme D. est présentée par l'infirmière.

Dr Morel : Le MMSE est à 18. Il faut revoir le traitement.

Sophie Lambert : La fille est épuisée. On ne peut pas attendre.

Dr Garnier : Je la vois mardi. Je préviendrai la famille.

Point n°2 : Organisation

Il est convenu que la coordinatrice appelle les familles.
"""

MINUTES_EN = """Northfield Integrated Care Team — MDT meeting
Date: 12 March 2019
Present: Dr Sarah Collins (geriatrician), Emma Wright (care coordinator)
Apologies: Dr James Patel (GP)

Case 1: Mrs A., 78

Dr Collins: Hospitals were funding the training. She fell twice.

Emma Wright: I called the daughter. Nurses funded it.

Item 2: Reporting

The team agreed to report to commissioners quarterly.
"""


@pytest.fixture
def sample_dir(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "entretien.txt").write_text(INTERVIEW_FR, encoding="utf-8")
    (folder / "cr-2004-03-11.txt").write_text(MINUTES_FR, encoding="utf-8")
    (folder / "mdt.txt").write_text(MINUTES_EN, encoding="utf-8")
    (folder / "metadata.csv").write_text(
        "file,type,date,network,language\n"
        "entretien.txt,interview,2007-03-14,Réseau A,fr\n"
        "cr-2004-03-11.txt,minutes,,Réseau Mémoire,fr\n"
        "mdt.txt,minutes,2019-03-12,Northfield,en\n",
        encoding="utf-8",
    )
    (folder / "speakers.csv").write_text(
        "speaker,role,profession,organisation,file\n"
        "Enq.,interviewer,sociologue,,entretien.txt\n"
        "Mme Aubert,participant,coordinatrice du réseau,Réseau A,entretien.txt\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory):
    """The demo project (corpora/, codebook, both coders, rules, suggestions, a topic run) and its import
    report, built once per session. Read it, never change it (use ``demo_copy`` for that)."""
    from qualcoder.demo import build_demo

    project, report = build_demo(tmp_path_factory.mktemp("demo-shared") / "demo", corpora=REPO / "corpora")
    yield project, report
    project.close()


@pytest.fixture(scope="session")
def demo_project(demo_build):
    """The shared demo project: read it, never change it (use ``demo_copy`` for that)."""
    return demo_build[0]


@pytest.fixture
def demo_copy(demo_project, tmp_path):
    """A private copy of the demo project (SQLite file and caches) that a test may change."""
    import shutil

    folder = tmp_path / "demo-copy"
    shutil.copytree(demo_project.folder, folder)
    project = Project.open(folder)
    yield project
    project.close()


# Opened at a page's own URL (/segments), Streamlit's frontend first probes /segments/_stcore/health and
# /segments/_stcore/host-config to find the server's base path, gets 404 and falls back to /_stcore: the one
# console error that is not ours.
BASE_PATH_PROBE = re.compile(r"^https?://[^/]+/[a-z_]+/_stcore/(health|host-config)$")


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright, one per test module (``BrowserMissing`` names the fix)."""
    from playwright.sync_api import sync_playwright

    from qualcoder.explorer.server import launch_chromium

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A 1440 px page that fails the test on any console error or uncaught exception."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" and not
            BASE_PATH_PROBE.match(m.location.get("url", "")) else None)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    yield page
    context.close()
    assert not problems, problems


@pytest.fixture(autouse=True)
def _no_user_left_behind():
    """The CLI logs in for the whole process (``set_current_user``): a test that runs it in-process (CliRunner) must
    not leave its user to the next test or doctest on the same worker."""
    yield
    from qualcoder.team.accounts import set_current_user

    set_current_user(None)
