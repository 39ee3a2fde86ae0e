import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rnn_course.decoding import beam_search
from rnn_course.translation import (
    _resampled_scores,
    beam_search_batch,
    bootstrap_ci,
    corpus_scores,
    detokenize,
    group_references,
    length_batches,
    metrics,
    paired_bootstrap,
    reference_streams,
    signatures,
    source_key,
    split_by_source,
    tokenize,
)


@pytest.mark.parametrize("sentence", [
    "Том - ваш учитель.",
    "Кто-то отравил нашу собаку, ок?",
    "Tom's here; where is Mary?",
    "Он сказал: «Привет!»",
    "Это (кажется) правда.",
])
def test_detokenize_round_trip(sentence):
    assert detokenize(tokenize(sentence)) == sentence.lower()


def test_tokenize_keeps_hyphenated_words():
    assert tokenize("Кто-то - здесь.") == ["кто-то", "-", "здесь", "."]


PAIRS = [(f"sentence {i}.", f"перевод {i}.") for i in range(40)] + [("sentence 3.", "ещё перевод 3.")]


def test_group_references_keeps_all_translations():
    refs = group_references(PAIRS)
    assert refs["sentence 3."] == ["перевод 3.", "ещё перевод 3."] and len(refs) == 40


def test_split_by_source_holds_out_whole_sentences():
    (dev, test), train = split_by_source(PAIRS, [5, 7], seed=1)
    assert len(dev) == 5 and len(test) == 7
    held = {en for en, _ in dev + test}
    assert len(held) == 12
    assert not held & {en for en, _ in train}
    assert len(train) + sum(len(refs) for _, refs in dev + test) == len(PAIRS)
    assert split_by_source(PAIRS, [5, 7], seed=1) == ([dev, test], train)  # deterministic


def test_same_sentence_up_to_case_and_spacing_is_one_source():
    pairs = PAIRS + [("Sentence  3.", "третий перевод 3.")]
    assert group_references(pairs)["sentence 3."][-1] == "третий перевод 3."
    parts, train = split_by_source(pairs, [40])
    assert not train and sum(len(refs) for _, refs in parts[0]) == len(pairs)


def test_split_by_source_eligible_and_too_few():
    (part,), _ = split_by_source(PAIRS, [4], eligible=lambda en: en.endswith("1."))
    assert all(en.endswith("1.") for en, _ in part)
    with pytest.raises(ValueError):
        split_by_source(PAIRS, [5], eligible=lambda en: en.endswith("1."))


def test_reference_streams_pad_with_none():
    assert reference_streams([["a"], ["b", "c"]]) == [["a", "b"], [None, "c"]]


def test_scores_use_every_reference_and_lowercase():
    refs = [["Том - ваш учитель.", "Том — твой учитель."], ["Я люблю чай."]]
    bleu, chrf = corpus_scores(["том — твой учитель.", "я люблю чай."], refs)
    assert bleu == pytest.approx(100) and chrf == pytest.approx(100)
    bleu_one, _ = corpus_scores(["том — твой учитель.", "я люблю чай."], [r[:1] for r in refs])
    assert bleu_one < 100
    sigs = signatures(refs)
    assert "case:lc" in sigs["BLEU"] and "nrefs:var" in sigs["BLEU"] and "case:lc" in sigs["chrF"]


def test_paired_bootstrap():
    refs = [[f"это предложение номер {i} ."] for i in range(30)]
    good = [r[0] for r in refs]
    bad = [f"это номер {i} ." if i % 2 else r[0] for i, r in enumerate(refs)]
    result = paired_bootstrap(bad, good, refs, n_samples=200)
    for name in ("BLEU", "chrF"):
        r = result[name]
        assert r["system"] > r["baseline"] and r["delta"] > 0
        assert 0 < r["delta_low"] <= r["delta"] <= r["delta_high"]
        assert r["p_value"] < 0.05 and r["system_ci"] >= 0 and r["baseline_ci"] > 0
    same = paired_bootstrap(good, good, refs, n_samples=100)["BLEU"]
    assert same["delta_low"] == same["delta_high"] == 0


def test_bootstrap_ci():
    refs = [[f"это предложение номер {i} ."] for i in range(30)]
    hyps = [f"это номер {i} ." if i % 2 else r[0] for i, r in enumerate(refs)]
    ci = bootstrap_ci(hyps, refs, n_samples=200)
    bleu, chrf = corpus_scores(hyps, refs)
    assert ci["BLEU"][0] == pytest.approx(bleu) and ci["chrF"][0] == pytest.approx(chrf)
    assert 0 < ci["BLEU"][1] < 30 and 0 < ci["chrF"][1] < 30


# a small test set with a varying number of references and two systems (one drops words in every other sentence)
SCORING_REFS = [[f"это предложение номер {i} .", f"предложение {i} ."][: 1 + i % 2] for i in range(30)]
SCORING_GOOD = [refs[0] for refs in SCORING_REFS]
SCORING_BAD = [f"это номер {i} ." if i % 2 else refs[0] for i, refs in enumerate(SCORING_REFS)]
SCORING_OTHER = [f"это предложение {i} ." if i % 3 else refs[0] for i, refs in enumerate(SCORING_REFS)]


def test_resampled_scores_equal_public_corpus_score_of_resampled_lists():
    """The one private path (per-sentence statistics summed per resample) gives what sacrebleu's public
    ``corpus_score`` gives on the resampled sentences themselves."""
    indices = np.random.default_rng(3).choice(30, size=(4, 30))
    for metric in metrics().values():
        fast = _resampled_scores(metric, SCORING_BAD, reference_streams(SCORING_REFS), indices)
        public = [metric.corpus_score([SCORING_BAD[i] for i in rows],
                                      reference_streams([SCORING_REFS[i] for i in rows])).score for rows in indices]
        assert fast == pytest.approx(public, abs=1e-9)
        assert len(set(public)) > 1  # the resamples differ: the comparison is not of one number


def test_bootstrap_seed_is_sacrebleus_and_only_inside_the_call(monkeypatch):
    monkeypatch.setenv("SACREBLEU_SEED", "99")
    first = paired_bootstrap(SCORING_BAD, SCORING_OTHER, SCORING_REFS, n_samples=200, seed=7)
    assert os.environ["SACREBLEU_SEED"] == "99"  # restored
    assert paired_bootstrap(SCORING_BAD, SCORING_OTHER, SCORING_REFS, n_samples=200, seed=7) == first
    other = paired_bootstrap(SCORING_BAD, SCORING_OTHER, SCORING_REFS, n_samples=200, seed=8)
    for name, r in first.items():  # the seed reaches both CIs and the difference's interval
        assert all(other[name][key] != r[key] for key in ("baseline_ci", "system_ci", "delta_low"))
    monkeypatch.delenv("SACREBLEU_SEED")
    alone = bootstrap_ci(SCORING_BAD, SCORING_REFS, n_samples=200, seed=7)
    assert "SACREBLEU_SEED" not in os.environ
    for name, r in first.items():  # the same seed draws the same resamples for the baseline's CI alone
        assert alone[name] == (pytest.approx(r["baseline"]), pytest.approx(r["baseline_ci"]))


ROOT = Path(__file__).resolve().parents[1]
SACREBLEU_LOWER_BOUND = re.search(r'"sacrebleu>=([\d.]+)', (ROOT / "pyproject.toml").read_text())[1]
SCORING_SCRIPT = """
import json, sys
import sacrebleu
from rnn_course.translation import bootstrap_ci, corpus_scores, paired_bootstrap, signatures
refs, good, bad = json.load(sys.stdin)
print(json.dumps({"version": sacrebleu.__version__, "scores": corpus_scores(bad, refs), "signatures": signatures(refs),
                  "paired": paired_bootstrap(bad, good, refs, n_samples=200), "ci": bootstrap_ci(bad, refs, 200)}))
"""


def test_sacrebleu_lower_bound_gives_the_same_scores(tmp_path):
    """pyproject.toml's lower bound on sacrebleu, installed alone: the course's scores, CIs, p-values and
    signatures (but the version in them) are those of the installed sacrebleu. Needs PyPI; skipped without it
    unless RNN_COURSE_NETWORK_REQUIRED=1."""
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--disable-pip-version-check",
                          "--retries", "0", "--timeout", "15", "--target", str(tmp_path),
                          f"sacrebleu=={SACREBLEU_LOWER_BOUND}"], capture_output=True, text=True, timeout=120)
    if pip.returncode:
        message = f"pip could not install sacrebleu=={SACREBLEU_LOWER_BOUND}: {pip.stderr.strip()[-300:]}"
        if os.environ.get("RNN_COURSE_NETWORK_REQUIRED") == "1":
            pytest.fail(message)
        pytest.skip(message)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    env.pop("SACREBLEU_SEED", None)
    run = subprocess.run([sys.executable, "-c", SCORING_SCRIPT], input=json.dumps([SCORING_REFS, SCORING_GOOD,
                         SCORING_BAD]), capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    old = json.loads(run.stdout)
    assert re.fullmatch(re.escape(SACREBLEU_LOWER_BOUND) + r"(\.0)*", old["version"])
    assert old["scores"] == pytest.approx(list(corpus_scores(SCORING_BAD, SCORING_REFS)))
    paired = paired_bootstrap(SCORING_BAD, SCORING_GOOD, SCORING_REFS, n_samples=200)
    ci = bootstrap_ci(SCORING_BAD, SCORING_REFS, 200)
    assert old["paired"].keys() == paired.keys() == old["ci"].keys() == ci.keys()
    for name in paired:
        assert old["paired"][name] == pytest.approx(paired[name]) and old["ci"][name] == pytest.approx(list(ci[name]))
    unversioned = {name: re.sub(r"\|version:[^|]*", "", sig) for name, sig in signatures(SCORING_REFS).items()}
    assert {name: re.sub(r"\|version:[^|]*", "", sig) for name, sig in old["signatures"].items()} == unversioned


def test_source_key_ignores_case_spacing_and_punctuation():
    assert source_key("I'm tired.") == source_key("i'm  TIRED!") == "i'm tired"
    assert source_key("Tom is here.") != source_key("Tom is there.")


def test_split_keeps_punctuation_variants_together():
    pairs = [("I'm tired.", "Я устал."), ("I'm tired!", "Я устала!"), ("Go.", "Иди."), ("Run.", "Беги.")]
    (held_out,), rest = split_by_source(pairs, [1], seed=0, eligible=lambda en: "tired" in en)
    assert held_out == [("I'm tired.", ["Я устал.", "Я устала!"])]
    assert rest == [("Go.", "Иди."), ("Run.", "Беги.")]


def _toy_decoder(vocab=7, n=6, seed=0):
    """A deterministic toy decoder: log-probabilities depend on the sequence, the last token and the step."""
    rng = np.random.default_rng(seed)
    table = rng.normal(0, 2, (n, vocab, vocab))

    def log_softmax(x):
        return x - np.log(np.exp(x - x.max(-1, keepdims=True)).sum(-1, keepdims=True)) - x.max(-1, keepdims=True)

    def step_batch(tokens, states, rows):
        logits = table[rows, tokens] + 0.3 * states[0][:, :1]
        return log_softmax(logits), [states[0] + 1]

    return step_batch, [np.zeros((n, 2))]


@pytest.mark.parametrize("width", [1, 2, 4])
def test_beam_search_batch_matches_beam_search(width):
    step_batch, (states,) = _toy_decoder()
    batch = beam_search_batch(step_batch, [states], start_id=1, end_id=2, beam_width=width, max_len=6)
    for seq in range(len(states)):
        def step(tokens, hidden, seq=seq):
            return step_batch(np.asarray(tokens), hidden, np.full(len(tokens), seq))

        alone = beam_search(step, [states[seq:seq + 1]], 1, 2, beam_width=width, max_len=6)[0][0]
        assert batch[seq] == alone
    assert any(len(tokens) < 6 for tokens in batch) and any(len(tokens) == 6 for tokens in batch) or width == 1


def test_beam_search_batch_rejects_zero_width():
    step_batch, states = _toy_decoder()
    with pytest.raises(ValueError):
        beam_search_batch(step_batch, states, 1, 2, beam_width=0)


def test_length_batches_cut_only_padding_and_cover_every_row():
    rng = np.random.default_rng(0)
    lengths = rng.integers(1, 13, 50)
    src = np.array([[10 + i] * n + [0] * (12 - n) for i, n in enumerate(lengths)])  # row i holds 10 + i
    dec = np.array([[1] + [6] * n + [0] * (12 - n) for n in lengths])
    data = length_batches([src, dec], dec[:, 1:], lengths, edges=[4, 8, 12], batch_size=8, extra=[0, 1, 0])
    seen = set()
    (x0, _), (x1, _) = data[0], data[1]  # inputs and target only: no sample weights
    assert x0[0].shape[1] != x1[0].shape[1]  # the first two batches differ in width: TensorFlow keeps it variable
    for i in range(len(data)):
        (s, d), y = data[i]
        assert s.shape[1] in (4, 8, 12) and d.shape[1] == s.shape[1] + 1 and y.shape[1] == s.shape[1]
        assert ((s > 0).sum(1) == (y == 6).sum(1)).all() and len(s) == 8  # whole sequences, full batches
        assert ((s > 0).sum(1) == lengths[s[:, 0] - 10]).all()
        seen |= set(s[:, 0] - 10)
    assert seen == set(range(50))  # every example at least once per epoch
    with pytest.raises(ValueError):
        length_batches([src], src, lengths, edges=[4, 8], batch_size=8)


def test_cut_batch_has_the_loss_of_the_uncut_one():
    """With the loss notebook 05 compiles (``ignore_class`` = padding), cutting padding changes nothing: Keras
    averages over the non-padding tokens, so the batches need no weights (a weight width / full width would
    scale a short batch's loss down)."""
    import keras

    rng = np.random.default_rng(1)
    lengths = rng.integers(1, 9, 40)
    target = np.array([list(rng.integers(3, 9, n)) + [2] + [0] * (8 - n) for n in lengths])  # ... <end>, padding
    rows = np.arange(len(target))[:, None] + np.zeros_like(target)  # which example: the model's input
    model = keras.Sequential([keras.Input((None,), dtype="int32"), keras.layers.Embedding(40, 9)])
    model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0))
    data = length_batches([rows], target, lengths + 1, edges=[3, 6, 9], batch_size=8)
    widths = set()
    for i in range(len(data)):
        (x,), y = data[i]
        uncut = target[x[:, 0]]
        widths.add(y.shape[1])
        assert (y == uncut[:, :y.shape[1]]).all() and not uncut[:, y.shape[1]:].any()
        cut_loss = model.evaluate(x, y, verbose=0)
        uncut_loss = model.evaluate(rows[x[:, 0]], uncut, verbose=0)
        assert cut_loss == pytest.approx(uncut_loss, rel=1e-5)
    assert widths == {3, 6, 9} and len(data[0]) == 2
