"""The exercise checkers of notebooks 02, 04 and 06 accept the notebook's solution and reject plausible wrong answers.

Each solution is read from the notebook's hidden solution cell, so the test follows the notebook.
"""

import collections
import json
import re
from pathlib import Path

import numpy as np
import pytest

import rnn_course
from rnn_course.exercises import lesson02, lesson04, lesson06
from rnn_course.russian import number

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def hidden_solution_code(notebook: str, marker: str) -> str:
    """The source of the notebook's one hidden solution cell that contains ``marker``, without its checker call."""
    cells = json.loads((NOTEBOOKS / f"{notebook}.ipynb").read_text(encoding="utf-8"))["cells"]
    sources = ["".join(c["source"]) for c in cells if c["metadata"].get("jupyter", {}).get("source_hidden")]
    matches = [s for s in sources if marker in s]
    assert len(matches) == 1, f"{notebook}: expected one hidden solution cell with {marker!r}"
    return "\n".join(line for line in matches[0].splitlines() if "check_" not in line)


def solution(notebook: str, name: str, **context):
    """The function ``name`` defined by the notebook's hidden solution cell."""
    namespace = {"np": np, **context}
    exec(hidden_solution_code(notebook, f"def {name}("), namespace)
    return namespace[name]


def notebook_namespace(notebook: str, *markers: str, **context) -> dict:
    """A namespace with the notebook's visible code cells that contain ``markers`` executed in order."""
    cells = json.loads((NOTEBOOKS / f"{notebook}.ipynb").read_text(encoding="utf-8"))["cells"]
    namespace = {"np": np, **context}
    for marker in markers:
        matches = ["".join(c["source"]) for c in cells if c["cell_type"] == "code" and marker in "".join(c["source"])
                   and not c["metadata"].get("jupyter", {}).get("source_hidden")]
        assert len(matches) == 1, f"{notebook}: expected one code cell with {marker!r}"
        exec(matches[0], namespace)
    return namespace


def rejected(capsys, checker, answer, *args) -> str:
    """Run the checker on a wrong answer; it must return False and explain in Russian, without a traceback."""
    assert checker(answer, *args) is False
    out = capsys.readouterr().out
    assert out.startswith("❌") and "Traceback" not in out
    return out


def accepted(capsys, checker, answer, *args) -> None:
    assert checker(answer, *args) is True
    assert "✅" in capsys.readouterr().out


def not_written(*args):
    raise NotImplementedError


# --- 02: tanh', BPTT step, GRU step, a GRU that remembers -----------------------------------------------


def test_tanh_grad(capsys):
    accepted(capsys, lesson02.check_tanh_grad, solution("02_rnn_from_scratch", "tanh_grad_from_output"))
    assert "ещё не написан" in rejected(capsys, lesson02.check_tanh_grad, lambda s: None)
    rejected(capsys, lesson02.check_tanh_grad, lambda s: s * (1 - s))  # the sigmoid's formula
    rejected(capsys, lesson02.check_tanh_grad, lambda s: 1 - s)
    rejected(capsys, lesson02.check_tanh_grad, lambda s: (1 - s) ** 2)
    rejected(capsys, lesson02.check_tanh_grad, lambda s: 1 - np.tanh(s) ** 2)  # takes s for z


def test_bptt_step(capsys):
    accepted(capsys, lesson02.check_bptt_step, solution("02_rnn_from_scratch", "bptt_step", sigmoid=sigmoid))

    def no_derivative(dh, x, h_prev, W_xh, W_hh, b_h):
        return dh @ W_hh.T

    def not_transposed(dh, x, h_prev, W_xh, W_hh, b_h):
        h = sigmoid(x @ W_xh + h_prev @ W_hh + b_h)
        return (dh * h * (1 - h)) @ W_hh

    def forgets_bias(dh, x, h_prev, W_xh, W_hh, b_h):
        h = sigmoid(x @ W_xh + h_prev @ W_hh)
        return (dh * h * (1 - h)) @ W_hh.T

    def derivative_at_h_prev(dh, x, h_prev, W_xh, W_hh, b_h):
        return (dh * h_prev * (1 - h_prev)) @ W_hh.T

    def tanh_derivative(dh, x, h_prev, W_xh, W_hh, b_h):
        h = sigmoid(x @ W_xh + h_prev @ W_hh + b_h)
        return (dh * (1 - h**2)) @ W_hh.T

    for wrong in (no_derivative, not_transposed, forgets_bias, derivative_at_h_prev, tanh_derivative):
        rejected(capsys, lesson02.check_bptt_step, wrong)
    assert "ещё не написан" in rejected(capsys, lesson02.check_bptt_step, not_written)


def gru_variant(*, reset="after", swap_bias=False, z_on_candidate=False, order="zrh"):
    """A GRU step with one deliberate change from Keras's reset_after=True cell."""

    def step(x, h, kernel, recurrent_kernel, bias):
        b_in, b_rec = (bias[1], bias[0]) if swap_bias else (bias[0], bias[1])
        x_parts = dict(zip(order, np.split(x @ kernel + b_in, 3, axis=-1), strict=True))
        h_parts = dict(zip(order, np.split(h @ recurrent_kernel + b_rec, 3, axis=-1), strict=True))
        z = sigmoid(x_parts["z"] + h_parts["z"])
        r = sigmoid(x_parts["r"] + h_parts["r"])
        if reset == "after":
            candidate = np.tanh(x_parts["h"] + r * h_parts["h"])
        elif reset == "ignored":
            candidate = np.tanh(x_parts["h"] + h_parts["h"])
        else:  # reset_after=False: r multiplies h before the matrix product
            units = h.shape[-1]
            candidate = np.tanh(x_parts["h"] + (r * h) @ recurrent_kernel[:, 2 * units :] + b_rec[2 * units :])
        return (1 - z) * h + z * candidate if z_on_candidate else z * h + (1 - z) * candidate

    return step


def test_gru_step(capsys):
    accepted(capsys, lesson02.check_gru_step, solution("02_rnn_from_scratch", "gru_step", sigmoid=sigmoid))
    accepted(capsys, lesson02.check_gru_step, gru_variant())  # the test's own correct cell agrees with Keras
    for wrong in (
        gru_variant(reset="ignored"),
        gru_variant(reset="before"),
        gru_variant(swap_bias=True),
        gru_variant(z_on_candidate=True),
        gru_variant(order="rzh"),
    ):
        out = rejected(capsys, lesson02.check_gru_step, wrong)
        assert "Подсказка" in out
    assert "ещё не написан" in rejected(capsys, lesson02.check_gru_step, not_written)


def gru_bias(units, value, block=0, row=0):
    """A GRU bias (2, 3H) that is zero except one block (0 = z, 1 = r, 2 = h̃) of one row."""
    bias = np.zeros((2, 3 * units))
    bias[row, block * units : (block + 1) * units] = value
    return bias


def test_memory_bias(capsys):
    accepted(capsys, lesson02.check_memory_bias, solution("02_rnn_from_scratch", "memory_bias"))
    accepted(capsys, lesson02.check_memory_bias, lambda units: gru_bias(units, 20.0, row=1))  # z's recurrent bias
    for wrong in (
        lambda units: gru_bias(units, 0.0),  # Keras's initial bias: the GRU forgets h_0 within a few steps
        lambda units: gru_bias(units, 20.0, block=1),  # the reset gate opened instead of the update gate
        lambda units: gru_bias(units, -20.0),  # z ≈ 0: the state is replaced by the candidate at every step
        lambda units: gru_bias(units, 5.0),  # the right gate, but inputs and h still move it: drift ≈ 1
    ):
        assert "вентиль" in rejected(capsys, lesson02.check_memory_bias, wrong)
    assert "(2, 12)" in rejected(capsys, lesson02.check_memory_bias, lambda units: np.full(3 * units, 20.0))
    assert "ещё не написан" in rejected(capsys, lesson02.check_memory_bias, not_written)


def exact_adder(hidden=3, k=20.0):
    """A hand-built adder: with n = a + b + carry, h1 = [n ≥ 1], h2 = [n ≥ 2] (the carry), h3 = [n ≥ 3];
    the sum bit is h1 − h2 + h3. Neurons beyond the third stay silent."""
    W_xh, W_hh, b_h, W_hy = np.zeros((2, hidden)), np.zeros((hidden, hidden)), np.zeros(hidden), np.zeros((hidden, 1))
    W_xh[:, :3], W_hh[1, :3], b_h[:3], W_hy[:3, 0] = k, k, -k * np.array([0.5, 1.5, 2.5]), k * np.array([1, -1, 1])
    return {"W_xh": W_xh, "W_hh": W_hh, "b_h": b_h, "W_hy": W_hy, "b_y": np.array([-0.5 * k])}


def untrained_adder(hidden, seed=0):
    rng = np.random.default_rng(seed)
    return {"W_xh": rng.normal(size=(2, hidden)), "W_hh": rng.normal(size=(hidden, hidden)), "b_h": np.zeros(hidden),
            "W_hy": rng.normal(size=(hidden, 1)), "b_y": np.zeros(1)}


def test_adder_accuracy_is_measured_independently():
    assert lesson02.adder_accuracy(exact_adder(), 8) == lesson02.adder_accuracy(exact_adder(), 60) == 1
    assert lesson02.adder_accuracy(exact_adder(16), 32) == 1
    broken = exact_adder()
    broken["W_hh"][:] = 0  # forgets the carry: right only on pairs without one, a & b == 0, (3/4)^8 of them
    assert abs(lesson02.adder_accuracy(broken, 8) - 0.75**8) < 0.03


def test_adder_sizes_hand_built(capsys):
    by_size = {1: untrained_adder(1), 2: untrained_adder(2), 3: exact_adder(3), 4: exact_adder(4)}
    accepted(capsys, lesson02.check_adder_sizes, by_size, 3)
    for wrong in (2, 4, 1, "3"):
        assert "не сходится" in rejected(capsys, lesson02.check_adder_sizes, by_size, wrong)
    exact = {h: exact_adder(16) for h in (1, 2, 3, 4)}
    assert "init_params(1" in rejected(capsys, lesson02.check_adder_sizes, exact, 1)
    assert "словарь весов" in rejected(capsys, lesson02.check_adder_sizes, {1: 0.0, 2: 0.5, 3: 1.0, 4: 1.0}, 3)
    assert "ровно для H" in rejected(capsys, lesson02.check_adder_sizes, {h: by_size[h] for h in (1, 2, 3)}, 3)
    # zero weights: the hidden neurons stay identical under SGD, so none of the networks can ever learn to add
    zeros = {h: {name: np.zeros_like(w) for name, w in untrained_adder(h).items()} for h in (1, 2, 3, 4)}
    assert "ни одна сеть" in rejected(capsys, lesson02.check_adder_sizes, zeros, 4)
    assert "ещё не написан" in rejected(capsys, lesson02.check_adder_sizes, ..., ...)
    assert "впишите" in rejected(capsys, lesson02.check_adder_sizes, by_size, ...)


def test_adder_sizes_notebook_solution(capsys):
    """The notebook's own experiment: SGD from section 5 with H = 1..4 (a few seconds of NumPy)."""
    notebook = "02_rnn_from_scratch"
    namespace = notebook_namespace(notebook, "def addition_data(", "def train_batch(", "def init_params(",
                                   "def backward(", pick=lambda quick, full: quick, number=number)
    cells = json.loads((NOTEBOOKS / f"{notebook}.ipynb").read_text(encoding="utf-8"))["cells"]
    (training,) = ["".join(c["source"]) for c in cells if "".join(c["source"]).startswith("HIDDEN =")]
    exec(training.split("\n\n")[0], namespace)  # HIDDEN, LEARNING_RATE, BATCH_SIZE, STEPS of section 5
    exec(training[training.index("def exact_accuracy(") :].split("\n\n\n")[0], namespace)
    exec(hidden_solution_code(notebook, "smallest_working_size ="), namespace)
    capsys.readouterr()
    by_size, smallest = namespace["adder_params_by_size"], namespace["smallest_working_size"]
    accepted(capsys, lesson02.check_adder_sizes, by_size, smallest)
    assert smallest == 3  # with the notebook's seeds; the explanation in the solution cell says so
    rejected(capsys, lesson02.check_adder_sizes, by_size, 4)  # «all four are 100 %» read as «the largest»
    rejected(capsys, lesson02.check_adder_sizes, by_size, 2)  # the 52 % of H = 2 taken for «learns»
    wrong_sizes = {**by_size, 2: by_size[3]}  # a network put under the wrong size
    assert "init_params(2" in rejected(capsys, lesson02.check_adder_sizes, wrong_sizes, 2)
    # under-trained networks: H = 3 stopped after 300 steps (52 % of sums) or never trained, so H = 4 looks smallest
    train_adder = namespace["train_adder"]
    for steps in (300, 0):
        under_trained = {**by_size, 3: train_adder(3, steps)}
        assert "H = 3 не доучена" in rejected(capsys, lesson02.check_adder_sizes, under_trained, 4)


# --- 04: windows and temperature ---------------------------------------------------------------------


def test_make_windows(capsys):
    accepted(capsys, lesson04.check_make_windows, solution("04_alice_gru_generator", "make_windows"))

    def one_window_short(ids, seq_len, stride):  # stops one window early
        starts = np.arange(0, len(ids) - seq_len - 1, stride)
        windows = ids[starts[:, None] + np.arange(seq_len + 1)]
        return windows[:, :-1], windows[:, 1:]

    def y_not_shifted(ids, seq_len, stride):
        starts = np.arange(0, len(ids) - seq_len, stride)
        windows = ids[starts[:, None] + np.arange(seq_len)]
        return windows, windows

    def swapped(ids, seq_len, stride):
        starts = np.arange(0, len(ids) - seq_len, stride)
        windows = ids[starts[:, None] + np.arange(seq_len + 1)]
        return windows[:, 1:], windows[:, :-1]

    def windows_of_seq_len(ids, seq_len, stride):  # y is cut from a window of seq_len, one symbol short
        starts = np.arange(0, len(ids) - seq_len + 1, stride)
        windows = ids[starts[:, None] + np.arange(seq_len)]
        return windows[:, :-1], windows[:, 1:]

    assert "окон 2, а должно быть 3" in rejected(capsys, lesson04.check_make_windows, one_window_short)
    for wrong in (y_not_shifted, swapped, windows_of_seq_len):
        rejected(capsys, lesson04.check_make_windows, wrong)
    assert "пару массивов" in rejected(capsys, lesson04.check_make_windows, lambda ids, n, s: np.zeros((2, n)))
    assert "ещё не написан" in rejected(capsys, lesson04.check_make_windows, not_written)


def test_apply_temperature(capsys):
    accepted(capsys, lesson04.check_apply_temperature, solution("04_alice_gru_generator", "apply_temperature"))

    def multiplies(logits, temperature):
        scaled = np.asarray(logits, dtype=float) * temperature
        exp = np.exp(scaled - scaled.max())
        return exp / exp.sum()

    def no_max_shift(logits, temperature):
        exp = np.exp(np.asarray(logits, dtype=float) / temperature)
        return exp / exp.sum()

    def ignores_temperature(logits, temperature):
        exp = np.exp(logits - np.max(logits))
        return exp / exp.sum()

    def divides_after_exp(logits, temperature):
        exp = np.exp(logits - np.max(logits)) / temperature
        return exp / exp.sum()

    rejected(capsys, lesson04.check_apply_temperature, multiplies)
    assert "NaN" in rejected(capsys, lesson04.check_apply_temperature, no_max_shift)
    rejected(capsys, lesson04.check_apply_temperature, ignores_temperature)
    rejected(capsys, lesson04.check_apply_temperature, divides_after_exp)


def test_temperature_expected_values_agree_with_keras():
    import keras

    for logits, temperature in lesson04.temperature_cases():
        expected = np.exp(logits / temperature - np.logaddexp.reduce(logits / temperature))
        keras_probs = keras.ops.convert_to_numpy(keras.ops.softmax(logits / temperature))
        np.testing.assert_allclose(expected, keras_probs, rtol=1e-5, atol=1e-12)


def ngram_generator(text, order=4):
    """A stand-in for the notebook's ``generate``: a smoothed character n-gram model of ``text``, sampled from
    softmax(log counts / T) as the GRU's logits are: nearly greedy at small T, nearly uniform at large T."""
    counts = collections.defaultdict(collections.Counter)
    for i in range(len(text) - order):
        counts[text[i : i + order]][text[i + order]] += 1
    alphabet = sorted(set(text))

    def generate(prompt, length=300, temperature=0.5, top_k=None, seed=0):
        rng, out = np.random.default_rng(seed), prompt
        for _ in range(length):
            following = counts.get(out[-order:], {})
            logits = np.log([following.get(ch, 0) + 0.01 for ch in alphabet]) / temperature
            probs = np.exp(logits - logits.max())
            out += alphabet[rng.choice(len(alphabet), p=probs / probs.sum())]
        return out[len(prompt) :]

    return generate


@pytest.fixture(scope="module")
def temperature_solution():
    """The notebook's hidden solution run with the stand-in ``generate``: its namespace."""
    text = rnn_course.load_alice().lower()
    namespace = {"text": text, "re": re, "generate": ngram_generator(text)}
    exec(hidden_solution_code("04_alice_gru_generator", "distinct_word_share ="), namespace)
    return namespace


def test_temperature_words(capsys, temperature_solution):
    namespace = temperature_solution
    text = namespace["text"]
    capsys.readouterr()
    samples, real, distinct, sample_at = (namespace[name] for name in (
        "samples_by_temperature", "real_word_share", "distinct_word_share", "sample_at"))
    check = lesson04.check_temperature_words
    accepted(capsys, check, samples, real, distinct, sample_at)
    assert "не проценты" in rejected(capsys, check, samples, {t: 100 * v for t, v in real.items()}, distinct,
                                     sample_at)
    rejected(capsys, check, samples, distinct, real, sample_at)  # the two shares swapped
    split_words = {t: np.mean([w in namespace["book_words"] for w in sample.split()]) for t, sample in samples.items()}
    assert "не сходится" in rejected(capsys, check, samples, split_words, distinct, sample_at)  # punctuation kept
    assert "совпадают" in rejected(capsys, check, {t: samples[0.3] for t in samples}, real, distinct, sample_at)
    short = {t: sample[:250] for t, sample in samples.items()}  # as long as the samples of section 4
    assert "не короче 300" in rejected(capsys, check, short, real, distinct, sample_at)
    start = text.index("alice was beginning")
    book_piece = {**samples, 0.3: text[start : start + 400]}
    assert "кусок самой книги" in rejected(capsys, check, book_piece, real, distinct, sample_at)
    section_4_keys = dict(zip((0.2, 0.5, 1.0, 1.5), samples.values(), strict=True))
    assert "ровно (0.3, 0.7, 1.0, 1.5)" in rejected(capsys, check, section_4_keys, real, distinct, sample_at)
    assert "ещё не написан" in rejected(capsys, check, samples, ..., ..., sample_at)
    assert "ещё не написан" in rejected(capsys, check, samples, real, distinct, ...)
    assert "функция" in rejected(capsys, check, samples, real, distinct, samples)


def shares_of(samples, book_words):
    """The solution's two shares of each text: the answers that go with ``samples``."""
    words = {t: re.findall(r"[a-z]+", sample) for t, sample in samples.items()}
    return ({t: sum(w in book_words for w in ws) / len(ws) for t, ws in words.items()},
            {t: len(set(ws)) / len(ws) for t, ws in words.items()})


def test_temperature_words_rejects_texts_not_written_at_their_temperature(capsys, temperature_solution):
    """The checker samples at each T itself: four texts at one T, swapped keys or a sampler that ignores T fail,
    even with shares that match the texts given."""
    namespace = temperature_solution
    generate, book_words, sample_at = namespace["generate"], namespace["book_words"], namespace["sample_at"]
    check = lesson04.check_temperature_words
    capsys.readouterr()

    one_temperature = {t: generate("alice", 300, temperature=0.7, seed=seed)  # four texts at T = 0.7
                       for seed, t in enumerate((0.3, 0.7, 1.0, 1.5))}
    assert "не тот текст" in rejected(capsys, check, one_temperature, *shares_of(one_temperature, book_words),
                                      sample_at)

    samples = namespace["samples_by_temperature"]
    swapped = {**samples, 0.3: samples[1.5], 1.5: samples[0.3]}
    assert "при T = 1.5" in rejected(capsys, check, swapped, *shares_of(swapped, book_words), sample_at)

    def ignores_temperature(temperature):  # a new seed for each T, the temperature itself never used
        return generate("alice", 300, temperature=0.7, seed=int(temperature * 100))

    texts = {t: ignores_temperature(t) for t in samples}
    assert "не следует за температурой" in rejected(capsys, check, texts, *shares_of(texts, book_words),
                                                    ignores_temperature)


# --- 06: receptive field and attention hits ------------------------------------------------------------


def test_receptive_field(capsys):
    accepted(capsys, lesson06.check_receptive_field, solution("06_image_captioning_attention", "receptive_field"))

    def no_jump(stack):
        return 1 + sum(kernel - 1 for kernel, _ in stack)

    def jump_updated_first(stack):
        r, j = 1, 1
        for kernel, stride in stack:
            j *= stride
            r += (kernel - 1) * j
        return r

    def product_of_kernels(stack):
        return int(np.prod([kernel for kernel, _ in stack])) if stack else 1

    for wrong in (no_jump, jump_updated_first, product_of_kernels):
        assert "Подсказка" in rejected(capsys, lesson06.check_receptive_field, wrong)
    assert "ещё не написан" in rejected(capsys, lesson06.check_receptive_field, not_written)


def test_receptive_field_known_answers_match_brute_force():
    cases, expected = lesson06.receptive_field_cases()
    assert [lesson06._field_by_brute_force(stack) for (stack,) in cases] == expected


@pytest.mark.parametrize("grid", [6, 8])
def test_attention_hits_box(capsys, grid):
    cell = 8
    accepted(
        capsys,
        lesson06.check_attention_hits_box,
        solution("06_image_captioning_attention", "attention_hits_box", CELL=cell),
        cell,
        grid,
    )

    def inclusive(alpha, box):
        row, col = np.unravel_index(np.argmax(alpha), alpha.shape)
        y0, x0, y1, x1 = box
        return bool(row * cell <= y1 and y0 <= (row + 1) * cell and col * cell <= x1 and x0 <= (col + 1) * cell)

    def rows_and_columns_swapped(alpha, box):
        col, row = np.unravel_index(np.argmax(alpha), alpha.shape)
        y0, x0, y1, x1 = box
        return bool(row * cell < y1 and y0 < (row + 1) * cell and col * cell < x1 and x0 < (col + 1) * cell)

    def box_centre_in_cell(alpha, box):
        row, col = np.unravel_index(np.argmax(alpha), alpha.shape)
        y0, x0, y1, x1 = box
        return bool(row * cell <= (y0 + y1) / 2 < (row + 1) * cell and col * cell <= (x0 + x1) / 2 < (col + 1) * cell)

    def cell_inside_box(alpha, box):
        row, col = np.unravel_index(np.argmax(alpha), alpha.shape)
        y0, x0, y1, x1 = box
        return bool(y0 <= row * cell and (row + 1) * cell <= y1 and x0 <= col * cell and (col + 1) * cell <= x1)

    for wrong in (inclusive, rows_and_columns_swapped, box_centre_in_cell, cell_inside_box):
        assert "не включаются" in rejected(capsys, lesson06.check_attention_hits_box, wrong, cell, grid)
    assert "ещё не написан" in rejected(capsys, lesson06.check_attention_hits_box, not_written, cell, grid)
