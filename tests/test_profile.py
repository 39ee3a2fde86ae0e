import numpy as np
import pytest

from utils import get_profile, pick, setup
from utils.profile import ProfileError


def test_default_profile_is_quick(monkeypatch):
    monkeypatch.delenv("RNN_COURSE_PROFILE")
    assert get_profile() == "quick"


@pytest.mark.parametrize("value, expected", [("quick", "quick"), ("full", "full"), (" FULL ", "full"), ("", "quick")])
def test_profile_names(monkeypatch, value, expected):
    monkeypatch.setenv("RNN_COURSE_PROFILE", value)
    assert get_profile() == expected


def test_wrong_profile_gives_russian_message_with_valid_names(monkeypatch):
    monkeypatch.setenv("RNN_COURSE_PROFILE", "fast")
    with pytest.raises(ProfileError) as error:
        get_profile()
    message = str(error.value)
    assert "Неизвестный профиль 'fast'" in message
    assert "quick" in message and "full" in message


def test_pick_follows_profile(monkeypatch):
    assert pick(quick=2, full=10) == 2
    monkeypatch.setenv("RNN_COURSE_PROFILE", "full")
    assert pick(quick=2, full=10) == 10


def test_pick_rejects_wrong_profile(monkeypatch):
    monkeypatch.setenv("RNN_COURSE_PROFILE", "quik")
    with pytest.raises(ProfileError):
        pick(quick=1, full=2)


def test_setup_seeds_and_prints_one_line(capsys):
    import keras

    assert setup(seed=7) == "quick"
    first = np.random.rand(), float(keras.random.uniform((1,))[0])
    setup(seed=7)
    second = np.random.rand(), float(keras.random.uniform((1,))[0])
    assert first == second
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 2 and out[0].startswith("Профиль: quick") and "Keras" in out[0]
