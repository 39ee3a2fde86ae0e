"""Notebook 07's shared code: the bundled series, the block bootstrap, list metrics and the exercise checkers."""

import json

import numpy as np
import pytest

from rnn_course import record, setup
from rnn_course.data import load_daily_weather, load_hourly_temperatures
from rnn_course.exercises.lesson07 import (
    aligned_windows,
    check_forecast_windows,
    check_input_length_experiment,
    least_squares_mae,
    seasonal_naive_mae,
)
from rnn_course.stats import block_bootstrap_interval


def test_hourly_temperatures_are_two_aligned_cities_in_celsius():
    hours, temps = load_hourly_temperatures()
    assert len(hours) == 8759 and set(temps) == {"seattle", "san_francisco"}
    assert str(hours[0]) == "2010-01-01T00" and str(hours[-1]) == "2010-12-31T23"
    assert np.count_nonzero(np.diff(hours).astype(int) != 1) == 1  # only the daylight-saving hour is missing
    assert temps["seattle"][0] == pytest.approx((39.4 - 32) * 5 / 9)  # the file's first value, 39.4 °F
    for series in temps.values():
        assert series.dtype == np.float32 and len(series) == len(hours) and 0 < series.mean() < 20


def test_daily_weather_is_the_observed_record():
    weather = load_daily_weather()
    assert len(weather["date"]) == 1461 and str(weather["date"][0]) == "2012-01-01"
    assert weather["temp_max"][0] == pytest.approx(12.8) and weather["precipitation"][1] == pytest.approx(10.9)
    assert np.all(weather["temp_max"] >= weather["temp_min"])


def test_block_bootstrap_covers_the_mean_and_widens_with_correlation():
    rng = np.random.default_rng(0)
    noise = rng.normal(size=2000)
    low, high = block_bootstrap_interval(noise, block=1)
    assert low < 0 < high and high - low == pytest.approx(2 * 1.96 / np.sqrt(2000), rel=0.2)
    correlated = np.repeat(rng.normal(size=100), 20)  # blocks of 20 equal values: 100 independent draws
    narrow = block_bootstrap_interval(correlated, block=1)
    wide = block_bootstrap_interval(correlated, block=40)
    assert wide[1] - wide[0] > 2.5 * (narrow[1] - narrow[0])
    with pytest.raises(ValueError, match="block"):
        block_bootstrap_interval(noise, block=0)


def test_record_keeps_a_list_metric(tmp_path):
    setup("01_intro")
    path = record({"mae_by_horizon": np.array([0.1234567, 0.2]), "mae": 0.5}, runs_dir=tmp_path)
    assert json.loads(path.read_text())["metrics"] == {"mae_by_horizon": [0.123457, 0.2], "mae": 0.5}
    with pytest.raises(ValueError, match="конечное"):
        record({"mae_by_horizon": [0.1, float("nan")]}, runs_dir=tmp_path)


def windows_by_slicing(series, input_len, horizon):
    starts = np.arange(len(series) - input_len - horizon + 1)[:, None]
    return series[starts + np.arange(input_len)], series[starts + input_len + np.arange(horizon)]


def test_windows_checker_accepts_a_right_answer_and_rejects_off_by_one(capsys):
    assert check_forecast_windows(windows_by_slicing)

    def one_window_short(series, input_len, horizon):
        x, y = windows_by_slicing(series, input_len, horizon)
        return x[:-1], y[:-1]

    def future_overlaps_past(series, input_len, horizon):  # y starts at the window's last value
        starts = np.arange(len(series) - input_len - horizon + 1)[:, None]
        return series[starts + np.arange(input_len)], series[starts + input_len - 1 + np.arange(horizon)]

    def not_written(series, input_len, horizon):
        ...

    for wrong in (one_window_short, future_overlaps_past, not_written):
        assert not check_forecast_windows(wrong)
    out = capsys.readouterr().out
    assert "окон" in out and "ещё не написан" in out


@pytest.fixture(scope="module")
def series():
    _, temps = load_hourly_temperatures()
    return temps["seattle"][:3000], temps["seattle"][3000:4000]


def fitted(train, length):
    x, y = windows_by_slicing(train, length, 24)
    weights, *_ = np.linalg.lstsq(np.c_[x, np.ones(len(x))], y, rcond=None)
    return lambda windows: np.c_[windows, np.ones(len(windows))] @ weights


def test_input_length_checker_measures_the_students_own_models(series, capsys):
    train, val = series
    lengths = (3, 6, 12, 24, 48, 96)
    forecasters = {length: fitted(train, length) for length in lengths}
    errors = {length: least_squares_mae(train, val, length, 96, 24) for length in lengths}
    naive = seasonal_naive_mae(val, 96, 24)
    shortest = min(length for length in lengths if errors[length] < naive)
    assert errors[3] > naive and shortest > 3  # the question is not trivial on this series
    assert check_input_length_experiment(forecasters, shortest, train, val) == pytest.approx(errors)
    best = min(errors, key=errors.get)
    assert best != shortest and not check_input_length_experiment(forecasters, best, train, val)  # the best ≠ asked
    persistence = {**forecasters, 24: lambda windows: np.repeat(windows[:, -1:], 24, axis=1)}
    assert not check_input_length_experiment(persistence, shortest, train, val)  # a model that was not fitted
    peeked = {**forecasters, 48: fitted(np.r_[train, val], 48)}
    assert not check_input_length_experiment(peeked, shortest, train, val)  # fitted on validation too
    assert not check_input_length_experiment({3: forecasters[3]}, 3, train, val)  # lengths missing
    assert not check_input_length_experiment(forecasters, ..., train, val)  # not answered yet
    out = capsys.readouterr().out
    assert "ответ не" in out and "наименьших квадратов" in out and "нет прогнозов" in out


def test_seasonal_naive_is_scored_on_the_aligned_targets():
    series = np.tile(np.arange(24.0), 10)  # a perfect daily cycle: yesterday is exact
    assert seasonal_naive_mae(series, 96, 24) == 0
    assert seasonal_naive_mae(series + np.arange(240) / 24, 96, 24) == pytest.approx(1)  # +1 a day


def test_aligned_windows_score_every_length_on_the_same_hours():
    series = np.arange(100.0)
    for length in (3, 48):
        x, y = aligned_windows(series, length, 48, 24)
        assert y[0, 0] == 48 and x[0, -1] == 47 and len(x) == 100 - 48 - 24 + 1
