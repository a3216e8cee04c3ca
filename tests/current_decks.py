"""A decks folder using the currency fields: renames in exam.toml, `verified` dates, refs.

The tiny exam of conftest (alpha 60%, beta 40%) with 6 + 4 cards, every card sourced,
two renames recorded, and cards that use the old names in the ways the rules care about.
"""

from __future__ import annotations

from pathlib import Path

from conftest import COURSES, TINY_EXAM

RENAMES = """
[[renames]]
old = "Vertex AI Pipelines"
new = "Agent Platform Pipelines"
date = 2026-06-01
ref = "https://docs.cloud.google.com/agent-platform/docs/pipelines/introduction"

[[renames]]
old = "Vertex AI"
new = "Agent Platform"
date = 2026-06-01
"""

# (front, back) by card number; the rest are plain questions.
ALPHA_TEXTS = {
    1: ("Which service orchestrates the training steps?", "Vertex AI Pipelines."),           # old long name only
    2: ("Which service orchestrates them now?", "Agent Platform Pipelines (formerly Vertex AI Pipelines)."),  # both
    3: ("Where do notebooks run?", "In vertex ai workbench (lower case: not the product name)."),
    4: ("Where do features live?", "In Vertex AI Feature Store."),  # the old short name: no rename of its own
}


def card(domain: str, number: int, front: str, back: str, ref: str | None = "https://example.com/doc") -> str:
    lines = ["", "[[cards]]", f'id = "tiny-{domain}-{number:03d}"', 'style = "recall"',
             f'front = "{front}"', f'back = "{back}"']
    if ref is not None:
        lines.append(f'ref = "{ref}"')
    return "\n".join(lines) + "\n"


def domain_file(domain: str, count: int, verified: str | None, texts: dict | None = None) -> str:
    head = f'domain = "{domain}"\n' + (f"verified = {verified}\n" if verified else "")
    texts = texts or {}
    return head + "".join(card(domain, i, *texts.get(i, (f"Question {i} about {domain}?", f"Answer {i}.")))
                          for i in range(1, count + 1))


def write_current_decks(root: Path) -> Path:
    """The folder, clean of every warning before 2026-06-01 (the rename date)."""
    exam = root / "tiny"
    exam.mkdir(parents=True)
    (exam / "exam.toml").write_text(TINY_EXAM + RENAMES)
    (exam / "01-alpha.toml").write_text(domain_file("alpha", 6, "2026-05-20", ALPHA_TEXTS))
    (exam / "02-beta.toml").write_text(domain_file("beta", 4, "2026-03-01"))
    (root / "courses.toml").write_text(COURSES)
    return root
