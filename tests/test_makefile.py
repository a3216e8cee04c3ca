"""`make run`: it prints how to put `studyplan` on the PATH and reinstalls only when sources changed.

Run with `make -n` (print, do not execute) against a stand-in venv in a temporary folder,
so nothing is installed and the repository is not touched.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def dry_run(venv: Path) -> str:
    result = subprocess.run(["make", "--no-print-directory", "-n", "-C", str(ROOT), "run", f"VENV={venv}"], capture_output=True, text=True,
                            timeout=60, check=True)
    return result.stdout


@pytest.fixture
def venv(tmp_path):
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "python").touch()
    return tmp_path


def test_run_prints_the_line_that_puts_studyplan_on_the_path(venv):
    out = dry_run(venv)
    assert f"source {venv}/bin/activate" in out
    assert "pipx install ." in out
    assert out.splitlines()[-1] == f"{venv}/bin/studyplan daily"


def test_run_installs_when_the_stamp_is_missing_or_older_than_a_source(venv):
    assert f"{venv}/bin/pip install" in dry_run(venv)
    stamp = venv / ".studyplan-installed"
    stamp.touch()
    os.utime(stamp, (0, 0))  # older than every file in the repository
    assert f"{venv}/bin/pip install" in dry_run(venv)


def test_run_skips_the_install_when_nothing_changed(venv):
    stamp = venv / ".studyplan-installed"
    stamp.touch()
    future = max(p.stat().st_mtime for p in [ROOT / "setup.cfg", *(ROOT / "src").rglob("*"), *(ROOT / "decks").rglob("*")])
    os.utime(stamp, (future + 60, future + 60))
    os.utime(venv / "bin" / "python", (future, future))
    out = dry_run(venv)
    assert "pip install" not in out
    assert f"{venv}/bin/studyplan daily" in out
