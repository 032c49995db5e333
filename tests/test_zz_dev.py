import pytest
from test_codebook_browser import *  # noqa
from qualcoder import Project

@pytest.fixture(scope="session")
def demo_project():
    p = Project.open("/tmp/uicb/demo")
    yield p
    p.close()
