"""Run a notebook under other seeds, oneDNN off and one thread; print every assert's value and margin.

    python scripts/robustness.py 02                      # notebooks/02_*.ipynb, all four variants
    python scripts/robustness.py 04 --variants default seed
    python scripts/robustness.py 03 --backend jax        # KERAS_BACKEND for every variant
    python scripts/robustness.py 02 --report-only        # rebuild the table from the last runs
    python scripts/robustness.py 02 --markdown ~/robustness_02.md   # the table in a second place too

Variants: ``default`` (as CI runs it), ``seed`` (RNN_COURSE_SEED=7, read by ``rnn_course.setup``),
``onednn-off`` (TF_ENABLE_ONEDNN_OPTS=0, set before the kernel starts, so the first cell's setdefault
keeps it), ``one-thread`` (the kernel started under ``taskset -c <one core>`` with OMP_NUM_THREADS,
TF_NUM_INTRAOP_THREADS and TF_NUM_INTEROP_THREADS = 1).

How: a copy of the notebook has each ``assert`` rewritten (with ``ast``) so that every comparison in it —
``a >= b``, each link of ``a < b < c``, each operand of ``and``/``or`` — goes through a recorder, which
keeps the values and returns the comparison's own result; the ``assert`` statement stays, so the notebook
fails exactly where and how it failed (same message). The recorder lives in this file and is loaded by a
hidden first cell. Asserts that are not order comparisons (``assert x``, ``np.allclose``, ``==``) are
recorded as passed/failed only. ``np.testing.assert_allclose(actual, desired, rtol, atol)`` calls are
recorded too, as max(|actual − desired| − rtol·|desired|) against atol. An assert run many times (in a
loop, in a function) reports its worst run.

Margin: how far a comparison is from failing, signed: ``a >= b`` → a − b, ``a < b`` → b − a (negative:
failed; 0 fails a strict comparison). Relative margin: margin / |bound|, where the bound is the literal
side if one side is a number written in the code, else the right side. Cells are numbered from 0, as
nbformat does (the hidden cell is not counted).

Everything goes under ``runs/robustness/<notebook>/`` (git-ignored): ``<variant>.ipynb`` (executed),
``<variant>.json`` (records), ``<variant>/`` (what the notebook's ``rnn_course.record`` wrote: a variant's
figures never overwrite ``runs/<profile>/``), ``report.md`` and ``report.json``.
"""

from __future__ import annotations

import argparse
import ast
import json
import math
import operator
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS_DIR = ROOT / "notebooks"
OUT_DIR = ROOT / "runs" / "robustness"
RECORDER = "_robust"  # the recorder's name in the kernel

VARIANTS: dict[str, dict[str, str]] = {
    "default": {},
    "seed": {"RNN_COURSE_SEED": "7"},
    "onednn-off": {"TF_ENABLE_ONEDNN_OPTS": "0"},
    "one-thread": {"OMP_NUM_THREADS": "1", "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1"},
}
PINNED_VARIANTS = {"one-thread"}  # the kernel runs under taskset on one core
# Variables a variant sets: removed from the inherited environment, so that `default` is CI's run.
VARIANT_VARIABLES = sorted({name for env in VARIANTS.values() for name in env})

ORDER_OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
OTHER_OPS = {
    "==": operator.eq,
    "!=": operator.ne,
    "in": lambda a, b: a in b,
    "not in": lambda a, b: a not in b,
    "is": operator.is_,
    "is not": operator.is_not,
}
ALLCLOSE = {"np.testing.assert_allclose", "numpy.testing.assert_allclose", "assert_allclose"}
AST_OPS = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
           ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not"}


# ----------------------------------------------------------------------------------------------------------
# The recorder: runs inside the kernel (this file is loaded there), so it needs only the standard library.

class Recorder:
    """Keeps, for every checked comparison (an "atom"), how often it ran, how often it failed and its worst run.

    ``cmp`` and ``truth`` return exactly what the original expression returns; bookkeeping errors are
    swallowed, so the recorder can never change what the notebook does.
    """

    def __init__(self, path: str | os.PathLike, runs_dir: str | os.PathLike | None = None) -> None:
        self.path = Path(path)
        self.runs_dir = Path(runs_dir) if runs_dir else None
        self.atoms: dict[str, dict] = {}
        self.asserts: dict[str, dict] = {}
        self.facts = {
            "cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
            "env": {name: os.environ.get(name) for name in [*VARIANT_VARIABLES, "KERAS_BACKEND",
                                                            "RNN_COURSE_PROFILE"]},
        }

    def cmp(self, atom: str, left, op: str, right):
        result = (ORDER_OPS.get(op) or OTHER_OPS[op])(left, right)
        try:
            self._note(atom, result, left, op, right)
        except Exception:  # noqa: BLE001 - never let the bookkeeping change the notebook
            pass
        return result

    def truth(self, atom: str, value):
        try:
            self._note(atom, value, None, None, None)
        except Exception:  # noqa: BLE001
            pass
        return value

    def done(self, assert_id: str, value):
        """The whole assert's test: passed or failed (each run)."""
        try:
            entry = self.asserts.setdefault(assert_id, {"runs": 0, "failures": 0})
            entry["runs"] += 1
            entry["failures"] += not _truth(value)
        except Exception:  # noqa: BLE001
            pass
        return value

    def allclose(self, atom: str, function, *args, **kwargs):
        """``np.testing.assert_allclose(actual, desired, rtol, atol)``: margin = atol − max(|a − d| − rtol·|d|)."""
        try:
            run = _allclose_run(*args, **kwargs)
        except Exception:  # noqa: BLE001 - shapes that do not broadcast etc.: the call itself will say
            run = {}
        try:
            result = function(*args, **kwargs)
        except AssertionError:
            self._store(atom, {**run, "passed": False}, atom.rsplit(".", 1)[0])
            raise
        self._store(atom, {**run, "passed": True}, atom.rsplit(".", 1)[0])
        return result

    def _note(self, atom: str, result, left, op, right) -> None:
        passed = _truth(result)
        run = {"passed": passed}
        if op in ORDER_OPS:
            a, b = _number(left), _number(right)
            if a is not None and b is not None:
                run.update(left=a, right=b, margin=(a - b) if op[0] == ">" else (b - a))
        if not passed or "margin" not in run:
            run.update(left_repr=_short(left), right_repr=_short(right)) if op else run.update(value=_short(result))
        self._store(atom, run)

    def _store(self, atom: str, run: dict, assert_id: str | None = None) -> None:
        passed = run["passed"]
        if assert_id is not None:  # a call that raises has no `done`: count the assert here
            self.done(assert_id, passed)
        entry = self.atoms.setdefault(atom, {"runs": 0, "failures": 0, "worst": None})
        entry["runs"] += 1
        entry["failures"] += not passed
        worst = entry["worst"]
        if worst is None or _worse(run, worst):
            entry["worst"] = run

    def dump(self, *_args) -> None:
        """Write everything so far as JSON (after every cell: a dead kernel loses one cell at most)."""
        self._redirect_results()
        data = {"facts": self.facts, "atoms": self.atoms, "asserts": self.asserts}
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
        tmp.replace(self.path)

    def _redirect_results(self) -> None:
        """Once the notebook has imported rnn_course.results, its record() writes under our folder."""
        module = sys.modules.get("rnn_course.results")
        if self.runs_dir is not None and module is not None and getattr(module, "RUNS_DIR", None) != self.runs_dir:
            module.RUNS_DIR = self.runs_dir

    def install(self, shell) -> None:
        shell.events.register("post_run_cell", self.dump)
        self.dump()


def _allclose_run(actual, desired, rtol=1e-7, atol=0.0, *_args, **_kwargs) -> dict:
    import numpy as np

    a, d = np.asarray(actual, dtype=float), np.asarray(desired, dtype=float)
    excess = np.abs(a - d) - rtol * np.abs(d)
    value = float(np.nanmax(excess)) if excess.size else 0.0
    return {"left": value, "right": float(atol), "margin": float(atol) - value}


def _truth(value) -> bool | None:
    try:
        return bool(value)
    except Exception:  # noqa: BLE001 - e.g. an array's ambiguous truth: the assert itself will raise
        return None


def _number(value) -> float | None:
    if isinstance(value, str | bytes):
        return None
    try:
        number = float(value)
    except Exception:  # noqa: BLE001
        return None
    return number if math.isfinite(number) else None


def _short(value, limit: int = 120) -> str:
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _worse(run: dict, than: dict) -> bool:
    if run["passed"] != than["passed"]:
        return not run["passed"]
    if "margin" in run and "margin" in than:
        return run["margin"] < than["margin"]
    return False


# ----------------------------------------------------------------------------------------------------------
# The rewrite: every assert's test goes through the recorder.

class _AssertRewriter(ast.NodeTransformer):
    def __init__(self, cell: int, source: str) -> None:
        self.cell, self.source = cell, source
        self.asserts: list[dict] = []

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if ast.unparse(node.func) not in ALLCLOSE or any(isinstance(a, ast.Starred) for a in node.args):
            return node
        assert_id = f"c{self.cell}.a{len(self.asserts)}"
        text = ast.get_source_segment(self.source, node) or ast.unparse(node)
        self.asserts.append({"id": assert_id, "cell": self.cell, "line": node.lineno, "source": text, "atoms": [
            {"id": f"{assert_id}.0", "source": text, "in_or": False, "bound": "right"}]})
        return _call("allclose", ast.Constant(f"{assert_id}.0"), node.func, *node.args, keywords=node.keywords)

    def visit_Assert(self, node: ast.Assert) -> ast.Assert:
        self.generic_visit(node)
        assert_id = f"c{self.cell}.a{len(self.asserts)}"
        meta = {"id": assert_id, "cell": self.cell, "line": node.lineno,
                "source": ast.get_source_segment(self.source, node.test) or ast.unparse(node.test), "atoms": []}
        test = self._atoms(node.test, meta, in_or=False)
        node.test = _call("done", ast.Constant(assert_id), test)
        self.asserts.append(meta)
        return node

    def _atoms(self, expr: ast.expr, meta: dict, in_or: bool) -> ast.expr:
        if isinstance(expr, ast.BoolOp):
            inner = in_or or isinstance(expr.op, ast.Or)
            return ast.BoolOp(op=expr.op, values=[self._atoms(value, meta, inner) for value in expr.values])
        if isinstance(expr, ast.Compare) and all(type(op) in AST_OPS for op in expr.ops):
            return self._compare(expr, meta, in_or)
        atom = self._new_atom(meta, expr, None, in_or, bound=None)
        return _call("truth", ast.Constant(atom), expr)

    def _compare(self, expr: ast.Compare, meta: dict, in_or: bool) -> ast.expr:
        operands = [expr.left, *expr.comparators]
        links, left = [], expr.left
        for k, (op, right) in enumerate(zip(expr.ops, expr.comparators, strict=True)):
            symbol = AST_OPS[type(op)]
            text = f"{ast.get_source_segment(self.source, operands[k]) or ast.unparse(operands[k])} {symbol} " \
                   f"{ast.get_source_segment(self.source, right) or ast.unparse(right)}"
            bound = "left" if _is_literal(operands[k]) and not _is_literal(right) else "right"
            atom = self._new_atom(meta, expr, text, in_or, bound)
            if k < len(expr.ops) - 1:  # a middle operand is evaluated once: keep it in a temporary
                name = f"_robust_t_{atom.replace('.', '_')}"
                right_node = ast.NamedExpr(target=ast.Name(name, ast.Store()), value=right)
                links.append(_call("cmp", ast.Constant(atom), left, ast.Constant(symbol), right_node))
                left = ast.Name(name, ast.Load())
            else:
                links.append(_call("cmp", ast.Constant(atom), left, ast.Constant(symbol), right))
        return links[0] if len(links) == 1 else ast.BoolOp(op=ast.And(), values=links)

    def _new_atom(self, meta: dict, expr: ast.expr, text: str | None, in_or: bool, bound: str | None) -> str:
        atom = f"{meta['id']}.{len(meta['atoms'])}"
        meta["atoms"].append({
            "id": atom,
            "source": text or ast.get_source_segment(self.source, expr) or ast.unparse(expr),
            "in_or": in_or,
            "bound": bound,
        })
        return atom


def _call(method: str, *args: ast.expr, keywords: list[ast.keyword] | None = None) -> ast.Call:
    return ast.Call(func=ast.Attribute(ast.Name(RECORDER, ast.Load()), method, ast.Load()), args=list(args),
                    keywords=keywords or [])


def _is_literal(node: ast.expr) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        node = node.operand
    return isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool)


def python_source(cell_source: str) -> str:
    """A cell's source as plain Python (IPython magics turned into calls), the way the kernel sees it."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:
        return cell_source
    return TransformerManager().transform_cell(cell_source)


def rewrite_cell(cell_source: str, cell: int) -> tuple[str, list[dict]]:
    """Rewrite one code cell; return the new source and its asserts' descriptions (unchanged if none)."""
    if "assert" not in cell_source:  # also finds np.testing.assert_allclose
        return cell_source, []
    source = python_source(cell_source)
    try:
        tree = compile(source, "<cell>", "exec", flags=ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    except SyntaxError:
        return cell_source, []
    rewriter = _AssertRewriter(cell, source)
    tree = ast.fix_missing_locations(rewriter.visit(tree))
    if not rewriter.asserts:
        return cell_source, []
    return ast.unparse(tree) + "\n", rewriter.asserts


def recorder_cell(record_path: Path, runs_dir: Path) -> str:
    """The hidden first cell: load the Recorder from this file and hook it to the kernel."""
    return (
        "import importlib.util as _robust_util\n"
        f"_robust_spec = _robust_util.spec_from_file_location('_robustness', {str(Path(__file__).resolve())!r})\n"
        "_robust_module = _robust_util.module_from_spec(_robust_spec)\n"
        "_robust_spec.loader.exec_module(_robust_module)\n"
        f"{RECORDER} = _robust_module.Recorder({str(record_path)!r}, {str(runs_dir)!r})\n"
        f"{RECORDER}.install(get_ipython())\n"
        "del _robust_util, _robust_spec, _robust_module\n"
    )


def instrument(nb, record_path: Path, runs_dir: Path):
    """A copy of the notebook with the recorder cell first and every assert rewritten; and the asserts."""
    import nbformat

    copy = nbformat.from_dict(json.loads(json.dumps(nb)))
    asserts = []
    for index, cell in enumerate(copy.cells):
        if cell.cell_type == "code":
            cell.source, found = rewrite_cell(cell.source, index)
            asserts += found
    copy.cells.insert(0, nbformat.v4.new_code_cell(recorder_cell(record_path, runs_dir)))
    return copy, asserts


# ----------------------------------------------------------------------------------------------------------
# Running the variants.

def find_notebook(name: str) -> Path:
    path = Path(name)
    if path.suffix == ".ipynb" and path.exists():
        return path.resolve()
    matches = sorted(NOTEBOOKS_DIR.glob(f"{name}*.ipynb"))
    if len(matches) != 1:
        raise SystemExit(f"no single notebook matches {name!r} in {NOTEBOOKS_DIR}: {[m.name for m in matches]}")
    return matches[0]


def variant_env(variant: str, backend: str | None, profile: str | None) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in VARIANT_VARIABLES}
    env.update(VARIANTS[variant])
    if backend:
        env["KERAS_BACKEND"] = backend
    if profile:
        env["RNN_COURSE_PROFILE"] = profile
    env["PYTHONUNBUFFERED"] = "1"
    return env


def kernel_manager(spec_dir: Path, pinned: bool):
    """A kernel with this interpreter (as nbval's --current-env), under taskset on one core if pinned."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    if pinned:
        core = min(os.sched_getaffinity(0))
        argv = [shutil.which("taskset") or "taskset", "-c", str(core), *argv]
    name = "robustness-pinned" if pinned else "robustness"
    (spec_dir / name).mkdir(parents=True, exist_ok=True)
    (spec_dir / name / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": name, "language": "python"}), encoding="utf-8")
    return AsyncKernelManager(kernel_name=name, kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(spec_dir)]))


def error_of(executed) -> dict | None:
    """The first cell that raised (numbered as in the original notebook), its exception and first line."""
    for index, cell in enumerate(executed.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return {"cell": index - 1, "ename": output.get("ename"),
                        "evalue": str(output.get("evalue", "")).splitlines()[0][:200] if output.get("evalue") else ""}
    return None


def run_variant(notebook: Path, variant: str, out: Path, *, backend: str | None = None,
                profile: str | None = "quick", timeout: int = 1800) -> dict:
    """Execute the instrumented notebook in one variant; return a summary (records are in out/<variant>.json)."""
    import nbformat
    from nbclient import NotebookClient

    out.mkdir(parents=True, exist_ok=True)
    record_path, runs_dir = out / f"{variant}.json", out / variant
    record_path.unlink(missing_ok=True)
    shutil.rmtree(runs_dir, ignore_errors=True)
    nb = nbformat.read(notebook, as_version=4)
    instrumented, asserts = instrument(nb, record_path, runs_dir)
    (out / "asserts.json").write_text(json.dumps(asserts, ensure_ascii=False, indent=1), encoding="utf-8")
    summary = {"variant": variant, "error": None, "seconds": None, "backend": backend, "profile": profile}
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as spec_dir:
        km = kernel_manager(Path(spec_dir), variant in PINNED_VARIANTS)
        client = NotebookClient(instrumented, km=km, timeout=timeout, allow_errors=False,
                                resources={"metadata": {"path": str(notebook.parent)}})
        with open(out / f"{variant}.kernel.log", "w", encoding="utf-8") as log:  # TensorFlow's chatter
            try:
                client.execute(env=variant_env(variant, backend, profile), stdout=log, stderr=log)
            except Exception as exc:  # noqa: BLE001 - report it and go on with the next variant
                message = str(exc).strip().splitlines()
                summary["error"] = error_of(client.nb) or {"cell": None, "ename": type(exc).__name__,
                                                           "evalue": message[0][:200] if message else ""}
    summary["seconds"] = round(time.perf_counter() - start, 1)
    nbformat.write(client.nb, out / f"{variant}.ipynb")
    data = json.loads(record_path.read_text(encoding="utf-8")) if record_path.exists() else {}
    data["summary"] = summary
    record_path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return summary


# ----------------------------------------------------------------------------------------------------------
# The report.

def atom_rows(asserts: list[dict], runs: dict[str, dict]) -> list[dict]:
    """One row per atom: each variant's worst run and the minimum margin across variants."""
    rows = []
    for meta in asserts:
        for atom in meta["atoms"]:
            row = {"cell": meta["cell"], "assert": meta["source"], "atom": atom["source"], "in_or": atom["in_or"],
                   "several": len(meta["atoms"]) > 1, "variants": {}}
            margins, relatives, failed = [], [], False
            for variant, data in runs.items():
                entry = data.get("atoms", {}).get(atom["id"])
                row["variants"][variant] = entry
                if entry is None:
                    continue
                worst = entry["worst"]
                # A failed operand of `or` need not fail its assert: there the assert's own result counts.
                whole = data.get("asserts", {}).get(meta["id"], {"failures": 0})
                failed |= (whole["failures"] if atom["in_or"] else entry["failures"]) > 0
                if "margin" in worst:
                    margins.append(worst["margin"])
                    bound = worst["left"] if atom["bound"] == "left" else worst["right"]
                    relatives.append(worst["margin"] / abs(bound) if bound else math.inf)
            row["failed"] = failed
            row["margins"] = margins
            row["min_margin"] = min(margins) if margins else None
            row["min_relative"] = min(relatives) if relatives else None
            row["margin_spread"] = (max(margins) - min(margins)) if len(margins) > 1 else None
            rows.append(row)
    return rows


def _num(x: float) -> str:
    if x == 0:
        return "0"
    if abs(x) >= 1e5 or abs(x) < 1e-3:
        return f"{x:.2e}"
    return f"{x:.4g}"


def _signed(x: float) -> str:
    return ("+" if x >= 0 else "−") + _num(abs(x))


def _cell_text(entry: dict | None) -> str:
    if entry is None:
        return "—"
    worst, runs = entry["worst"], entry["runs"]
    several = f" ({entry['failures']}/{runs} ✗)" if entry["failures"] else (f" (×{runs})" if runs > 1 else "")
    if "margin" in worst:
        text = f"{_num(worst['left'])} vs {_num(worst['right'])}: {_signed(worst['margin'])}"
    else:
        text = "ok" if worst["passed"] else "FAIL"
    if "margin" in worst and not worst["passed"]:
        text += " ✗"
    return text + several


def _shorten(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def flag(row: dict, tiny: float) -> str:
    """FAIL somewhere; 'tiny' below `tiny` of the bound; '< spread' when the variants' spread exceeds the margin."""
    if row["failed"]:
        return "FAIL"
    flags = []
    if row["min_relative"] is not None and row["min_relative"] < tiny:
        flags.append("tiny")
    if row["margin_spread"] is not None and row["margin_spread"] > row["min_margin"]:
        flags.append("< spread")
    return ", ".join(flags)


def changed(rows: list[dict], variant: str, reference: str = "default") -> str:
    """How many measured values of a variant differ from the reference run's: a seed that changes nothing
    shows up here."""
    pairs = []
    for row in rows:
        mine, theirs = row["variants"].get(variant), row["variants"].get(reference)
        if mine and theirs and "margin" in mine["worst"] and "margin" in theirs["worst"]:
            pairs.append(mine["worst"]["margin"] != theirs["worst"]["margin"])
    return f"{sum(pairs)} of {len(pairs)}" if pairs else ""


def markdown(notebook: str, rows: list[dict], runs: dict[str, dict], tiny: float) -> str:
    variants = list(runs)
    lines = [f"# Robustness of {notebook}", ""]
    lines += ["| variant | time, s | result | values ≠ default | kernel CPUs | environment |",
              "|---|---|---|---|---|---|"]
    for variant, data in runs.items():
        summary = data.get("summary", {})
        error = summary.get("error")
        result = "passed" if not error else f"error in cell {error['cell']}: {error['ename']}: {error['evalue']}"
        facts = data.get("facts", {})
        env = ", ".join(f"{k}={v}" for k, v in facts.get("env", {}).items() if v is not None)
        difference = changed(rows, variant) if variant != "default" and "default" in runs else ""
        lines.append(f"| {variant} | {summary.get('seconds')} | {result.replace('|', '/')} | {difference} | "
                     f"{facts.get('cpus', '?')} | {env} |")
    lines += ["", "Each variant: left vs right of the worst run, and its margin (how far from failing; "
              "negative = failed). `ok` = a check without a margin that passed; `—` = not reached. "
              f"Flags: FAIL in some variant; tiny = min margin < {tiny:.0%} of the bound; < spread = the margins' "
              "spread across variants exceeds the smallest margin. Cells numbered from 0.", ""]
    lines.append("| cell | assert | " + " | ".join(variants) + " | min margin | rel. | spread | flag |")
    lines.append("|---" * (len(variants) + 6) + "|")
    for row in rows:
        label = row["atom"] if not row["several"] else f"{row['atom']}  ⟨in: {row['assert']}⟩"
        label = ("(or) " if row["in_or"] else "") + _shorten(label)
        cells = [_cell_text(row["variants"].get(v)) for v in variants]
        minimum = _signed(row["min_margin"]) if row["min_margin"] is not None else ""
        relative = f"{row['min_relative']:+.1%}" if row["min_relative"] not in (None, math.inf) else ""
        spread = _num(row["margin_spread"]) if row["margin_spread"] is not None else ""
        lines.append(f"| {row['cell']} | `{label.replace('|', '/').replace('`', '')}` | " + " | ".join(cells)
                     + f" | {minimum} | {relative} | {spread} | {flag(row, tiny)} |")
    return "\n".join(lines) + "\n"


def report(out: Path, notebook: str, variants: list[str], tiny: float) -> tuple[str, list[dict]]:
    asserts = json.loads((out / "asserts.json").read_text(encoding="utf-8"))
    runs = {}
    for variant in variants:
        path = out / f"{variant}.json"
        if path.exists():
            runs[variant] = json.loads(path.read_text(encoding="utf-8"))
    rows = atom_rows(asserts, runs)
    text = markdown(notebook, rows, runs, tiny)
    (out / "report.md").write_text(text, encoding="utf-8")
    (out / "report.json").write_text(json.dumps({"notebook": notebook, "rows": rows,
                                                 "runs": {v: d.get("summary") for v, d in runs.items()}},
                                                ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return text, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebook", help="a path, or the start of a name in notebooks/: 02, 04_alice…")
    parser.add_argument("--variants", nargs="+", choices=list(VARIANTS), default=list(VARIANTS))
    parser.add_argument("--backend", help="KERAS_BACKEND for every variant (default: the environment's)")
    parser.add_argument("--profile", default="quick", help="RNN_COURSE_PROFILE (default quick)")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per cell (default 1800)")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="folder for the runs (default runs/robustness)")
    parser.add_argument("--tiny", type=float, default=0.05, help="flag margins below this share of the bound")
    parser.add_argument("--report-only", action="store_true", help="no run: the table from the last runs")
    parser.add_argument("--markdown", type=Path, help="also write the table here")
    args = parser.parse_args(argv)

    notebook = find_notebook(args.notebook)
    out = args.out / notebook.stem
    if not args.report_only:
        for variant in args.variants:
            print(f"{notebook.stem}: {variant}…", flush=True)
            summary = run_variant(notebook, variant, out, backend=args.backend, profile=args.profile,
                                  timeout=args.timeout)
            error = summary["error"]
            print(f"  {summary['seconds']} s, " + ("passed" if not error else
                  f"error in cell {error['cell']}: {error['ename']}: {error['evalue']}"), flush=True)
    text, rows = report(out, notebook.stem, args.variants, args.tiny)
    print(text)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(text, encoding="utf-8")
    return 1 if any(row["failed"] for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
