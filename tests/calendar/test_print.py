"""Print the HTML calendar to PDF with headless Chromium: one page per month plus the overview.

Needs ``chromium`` (and ``pdfinfo``/``pdftoppm`` from poppler-utils for the page count and
the PNG of page 1; without pdfinfo the pages are counted in the PDF's bytes). Skipped with
the reason when Chromium is missing; ``scripts/system-deps.sh`` installs both.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from calendar_plan import make_ctx, make_plan

from studyplan.calendar import render

# PDF page sizes in points, landscape
SIZES = {"a4": (841.9, 595.3), "letter": (792.0, 612.0)}


def chromium() -> str:
    for name in ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("chromium not installed: run scripts/system-deps.sh (apt-get install chromium poppler-utils)")


def print_pdf(html: str, tmp_path: Path, name: str) -> Path:
    exe = chromium()
    src = tmp_path / f"{name}.html"
    src.write_text(html, encoding="utf-8")
    out = tmp_path / f"{name}.pdf"
    profile = tmp_path / f"{name}-profile"
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile}", "--no-pdf-header-footer", f"--print-to-pdf={out}",
           src.resolve().as_uri()]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    except subprocess.TimeoutExpired:
        pytest.fail("chromium did not print the calendar within 180 s")
    assert out.exists() and out.stat().st_size > 1000, proc.stderr[-2000:]
    return out


def pdf_pages(pdf: Path) -> tuple[int, tuple[float, float] | None]:
    """(page count, size of page 1 in points or None when pdfinfo is missing)."""
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, timeout=60).stdout
        pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
        m = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
        return pages, (float(m.group(1)), float(m.group(2)))
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes())), None


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_prints_one_page_per_month_plus_overview(paper, tmp_path):
    plan = make_plan()
    html = render(plan, make_ctx(), "html", paper=paper)
    months = len({(d.date.year, d.date.month) for d in plan.days})
    pdf = print_pdf(html, tmp_path, f"calendar-{paper}")
    pages, size = pdf_pages(pdf)
    assert pages >= months
    # nothing spills: exactly one page per month, then the overview page
    assert pages == months + 1
    if size is not None:
        w, h = SIZES[paper]
        assert abs(size[0] - w) < 2 and abs(size[1] - h) < 2, size
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                       check=True, timeout=60)
        pngs = sorted(tmp_path.glob("page*.png"))
        assert len(pngs) == 1
        assert pngs[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert pngs[0].stat().st_size > 5000


def test_long_plan_prints_one_page_per_month(tmp_path):
    """A 6-month plan with crowded days still gives exactly one page per month."""
    from datetime import date, timedelta

    from calendar_plan import DOMAINS, Day, Plan, Task

    start, exam = date(2027, 3, 1), date(2027, 8, 27)
    names = DOMAINS + tuple((f"d{i}", f"A fairly long exam guide domain name number {i}", 0.1) for i in range(4))
    days = []
    d = start
    while d <= exam:
        if d == exam:
            days.append(Day(d, "exam", (Task("exam", "Exam: Tiny Exam (120 min)"),)))
        else:
            tasks = (Task("practice_exam", "Timed practice exam (120 of 120 min)", "", 0, 120),
                     Task("course", "Applied Machine Learning in Python: Evaluation and model selection (continued)",
                          "", 0, 40),
                     Task("course", "Machine Learning: Classification: Decision trees", "", 0, 20)) \
                + tuple(Task("new_cards", f"New cards: {n}", i, 3, 5) for i, n, _ in names) \
                + (Task("reviews", "Reviews: 140 cards due (SM-2 forecast)", "", 140, 70),
                   Task("reviews", "Drill: x (12 cards)", "d1", 12, 6))
            days.append(Day(d, "foundations" if d.month < 5 else "domains", tasks))
        d += timedelta(days=1)
    plan = Plan(exam="tiny", background="pivoting", start=start, exam_date=exam, minutes_per_day=300,
                study_weekdays=(0, 1, 2, 3, 4, 5, 6), days_off=(), days=tuple(days))
    html = render(plan, make_ctx(), "html", paper="letter")
    pages, _ = pdf_pages(print_pdf(html, tmp_path, "long"))
    assert pages == 6 + 1
