import pytest


@pytest.fixture(autouse=True)
def quick_profile(monkeypatch):
    """Unit tests run in the quick profile unless a test sets another one."""
    monkeypatch.setenv("RNN_COURSE_PROFILE", "quick")
