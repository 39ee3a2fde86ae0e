import numpy as np

from rnn_course.exercises.common import check_function, check_value


def test_check_value_right_and_wrong(capsys):
    assert check_value("форма", (32, 10, 64), (32, 10, 64))
    assert not check_value("форма", (32, 64), (32, 10, 64))
    assert not check_value("число", 12, 13)
    assert not check_value("число", None, 13)
    assert not check_value("число", ..., 13)
    assert not check_value("число", "abc", 13)
    assert check_value("слово", "tanh", "tanh")
    out = capsys.readouterr().out
    assert "✅ «форма»: верно!" in out
    assert "форма ответа (2,), а должна быть (3,)" in out
    assert "получено 12, а ожидалось 13" in out
    assert "ещё не написан" in out
    assert "Traceback" not in out


def test_check_function_reports_errors_without_raising(capsys):
    def reference(x):
        return np.tanh(x)

    def not_written(x):
        raise NotImplementedError

    def crashes(x):
        return x @ np.ones((5, 5))

    def wrong_values(x):
        return np.tanh(x) + 1

    cases = [(np.ones((2, 3)),), (np.zeros((4, 3)),)]
    assert check_function("шаг", reference, reference, cases)
    assert not check_function("шаг", not_written, reference, cases)
    assert not check_function("шаг", crashes, reference, cases)
    assert not check_function("шаг", wrong_values, reference, cases)
    out = capsys.readouterr().out
    assert "ещё не написан" in out
    assert "завершилась ошибкой на проверке 1: ValueError" in out
    assert "значения отличаются" in out
