"""scripts/robustness.py: the assert rewrite, the recorder, and a real kernel run of a tiny notebook."""

import importlib.util
import json
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("robustness", ROOT / "scripts" / "robustness.py")
robustness = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(robustness)

CELLS = [
    "import os\nx = 5.0",
    'assert x >= 3, f"x = {x}"',  # a comparison: margin 2
    "assert 1 < x < 10",  # chained: two comparisons
    "for i in range(4):\n    assert i * 2 <= 8  # the worst run is i = 3: margin 2",
    'assert isinstance(x, float) and "a" == "a"',  # no margins: passed/failed only
    'seed = int(os.environ.get("RNN_COURSE_SEED", "42"))\nassert seed > 10, "seed too small"',  # fails with seed 7
    "after = True",
]


def fixture_notebook(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Tiny")] + [nbformat.v4.new_code_cell(c) for c in CELLS]
    path = folder / "00_tiny.ipynb"
    nbformat.write(nb, path)
    return path


def run_cells(cells: list[str], env_seed: str | None = None, tmp_path: Path | None = None):
    """Rewrite and exec the cells in one namespace (as a kernel would); return the recorder and the error."""
    recorder = robustness.Recorder(tmp_path / "records.json")
    namespace = {robustness.RECORDER: recorder}
    asserts = []
    for index, source in enumerate(cells, start=1):
        if env_seed is not None:
            source = source.replace('os.environ.get("RNN_COURSE_SEED", "42")', repr(env_seed))
        new, found = robustness.rewrite_cell(source, index)
        asserts += found
        try:
            exec(compile(new, f"<cell {index}>", "exec"), namespace)
        except AssertionError as error:
            return recorder, asserts, (index, str(error))
    return recorder, asserts, None


def test_rewrite_keeps_the_assert_and_finds_every_comparison():
    new, asserts = robustness.rewrite_cell("assert 1 < x < 10, 'msg'", 2)
    assert new.startswith("assert _robust.done(") and new.rstrip().endswith("'msg'")
    assert [a["source"] for a in asserts[0]["atoms"]] == ["1 < x", "x < 10"]
    assert asserts[0]["atoms"][0]["bound"] == "left" and asserts[0]["atoms"][1]["bound"] == "right"
    assert robustness.rewrite_cell("y = 1  # no assert here", 0) == ("y = 1  # no assert here", [])
    assert robustness.rewrite_cell("np.testing.assert_equal(a, b)", 0)[1] == []  # a call, not a statement


def test_recorder_margins_loops_and_truth_only(tmp_path):
    recorder, asserts, error = run_cells(CELLS[:5], tmp_path=tmp_path)
    assert error is None
    atoms = recorder.atoms
    assert atoms["c2.a0.0"]["worst"]["margin"] == 2.0
    assert atoms["c3.a0.0"]["worst"]["margin"] == 4.0 and atoms["c3.a0.1"]["worst"]["margin"] == 5.0
    assert atoms["c4.a0.0"]["runs"] == 4 and atoms["c4.a0.0"]["worst"]["margin"] == 2.0  # 8 − 3·2
    assert atoms["c5.a0.0"]["worst"] == {"passed": True, "value": "True"}
    assert "margin" not in atoms["c5.a0.1"]["worst"]  # == has no margin
    assert len(asserts) == 4 and recorder.asserts["c4.a0"] == {"runs": 4, "failures": 0}


def test_a_failing_assert_still_fails_with_its_message_and_is_recorded(tmp_path):
    recorder, _, error = run_cells(CELLS, env_seed="7", tmp_path=tmp_path)
    assert error == (6, "seed too small")
    worst = recorder.atoms["c6.a0.0"]["worst"]
    assert worst["passed"] is False and worst["margin"] == -3.0
    recorder, _, error = run_cells(CELLS, env_seed="42", tmp_path=tmp_path)
    assert error is None and recorder.atoms["c6.a0.0"]["worst"]["margin"] == 32.0


def test_assert_allclose_is_recorded_and_still_raises(tmp_path):
    cells = ["import numpy as np\nfrom numpy.testing import assert_allclose",
             "np.testing.assert_allclose(np.array([1.0, 2.0]), [1.0, 2.0 + 2e-6], atol=1e-5)",
             "assert_allclose([1.0], [1.1], atol=1e-3)"]
    recorder, asserts, error = run_cells(cells, tmp_path=tmp_path)
    assert [a["source"] for a in asserts] == [cells[1], cells[2]]
    worst = recorder.atoms["c2.a0.0"]["worst"]
    assert worst["passed"] and worst["margin"] == pytest.approx(1e-5 - (2e-6 - 1e-7 * 2.000002))  # rtol = 1e-7
    assert error[0] == 3 and "Not equal to tolerance" in error[1]
    assert recorder.atoms["c3.a0.0"]["worst"]["margin"] == pytest.approx(-0.099, rel=1e-5)
    assert recorder.asserts["c3.a0"] == {"runs": 1, "failures": 1}


def test_middle_operand_is_evaluated_once(tmp_path):
    cells = ["calls = []\ndef middle():\n    calls.append(1)\n    return 5", "assert 0 < middle() < 10"]
    recorder, _, error = run_cells(cells, tmp_path=tmp_path)
    assert error is None and recorder.atoms["c2.a0.1"]["worst"]["margin"] == 5.0


def test_report_flags_failures_and_tiny_margins():
    asserts = [{"id": "c1.a0", "cell": 1, "source": "a >= 1", "atoms": [
        {"id": "c1.a0.0", "source": "a >= 1", "in_or": False, "bound": "right"}]}]

    def run(value):
        margin = value - 1
        return {"atoms": {"c1.a0.0": {"runs": 1, "failures": int(margin < 0), "worst": {
            "passed": margin >= 0, "left": value, "right": 1.0, "margin": margin}}}}

    rows = robustness.atom_rows(asserts, {"default": run(1.5), "seed": run(1.01)})
    assert rows[0]["min_margin"] == pytest.approx(0.01) and rows[0]["margin_spread"] == pytest.approx(0.49)
    assert robustness.flag(rows[0], 0.05) == "tiny, < spread"
    rows = robustness.atom_rows(asserts, {"default": run(1.5), "seed": run(1.4)})
    assert robustness.flag(rows[0], 0.05) == ""
    rows = robustness.atom_rows(asserts, {"default": run(1.5), "seed": run(0.9)})
    assert robustness.flag(rows[0], 0.05) == "FAIL"


def test_real_kernel_runs_variants_and_reports_the_failing_assert(tmp_path):
    notebook = fixture_notebook(tmp_path)
    out = tmp_path / "out" / notebook.stem
    default = robustness.run_variant(notebook, "default", out, profile=None, timeout=60)
    assert default["error"] is None
    seed = robustness.run_variant(notebook, "seed", out, profile=None, timeout=60)
    assert seed["error"]["cell"] == 6 and seed["error"]["ename"] == "AssertionError"
    assert "seed too small" in seed["error"]["evalue"]
    pinned = robustness.run_variant(notebook, "one-thread", out, profile=None, timeout=60)
    assert pinned["error"] is None
    records = json.loads((out / "one-thread.json").read_text(encoding="utf-8"))
    assert records["facts"]["cpus"] == 1 and records["facts"]["env"]["OMP_NUM_THREADS"] == "1"
    text, rows = robustness.report(out, notebook.stem, ["default", "seed", "one-thread"], 0.05)
    seed_row = next(row for row in rows if row["cell"] == 6)
    assert seed_row["failed"] and seed_row["min_margin"] == -3.0
    assert "error in cell 6: AssertionError: seed too small" in text
    after = nbformat.read(out / "seed.ipynb", as_version=4)
    assert not after.cells[-1].get("outputs") and after.cells[-1].get("execution_count") is None  # stopped there
