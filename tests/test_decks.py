"""The deck loader: a good folder loads; every problem is reported with its file and line."""

from pathlib import Path

from conftest import COURSES, TINY_EXAM, deck_file

from studyplan.decks import load_catalog


def problems_of(root: Path) -> list[str]:
    return [str(p) for p in load_catalog(root)[1]]


def test_tiny_decks_load(tiny_decks):
    catalog, problems = load_catalog(tiny_decks)
    assert problems == []
    exam = catalog.exam("tiny")
    assert [d.id for d in exam.domains] == ["alpha", "beta"]
    assert exam.card_counts() == {"alpha": 6, "beta": 4}
    card = exam.cards[0]
    assert (card.id, card.domain, card.style, card.tags, card.file, card.line) == (
        "tiny-alpha-001", "alpha", "scenario", ("alpha",), "decks/tiny/01-alpha.toml", 4)
    assert [c.id for c in catalog.courses] == ["production-ml-systems"]


def test_every_problem_reported_at_once_with_lines(tiny_decks):
    exam_dir = tiny_decks / "tiny"
    (exam_dir / "exam.toml").write_text(TINY_EXAM.replace("weight = 0.4", "weight = 0.3"))
    alpha = deck_file("alpha", range(1, 4)).replace('front = "Question 2 about alpha?"', 'front = "  "')
    alpha += deck_file("alpha", range(1, 2)).split("\n", 1)[1]  # tiny-alpha-001 again
    (exam_dir / "01-alpha.toml").write_text(alpha)
    (exam_dir / "02-beta.toml").write_text('domain = "gamma"\n')
    (exam_dir / "03-bad.toml").write_text('domain = "beta"\n[[cards]\nid = 1\n')
    problems = problems_of(tiny_decks)
    assert "decks/tiny/exam.toml:15: domain weights sum to 0.9000, not 1" in problems
    assert "decks/tiny/01-alpha.toml:13: 'front' is missing or empty" in problems
    assert any(p.startswith("decks/tiny/01-alpha.toml:25: duplicate card id 'tiny-alpha-001' (also in decks/tiny/01-alpha.toml:4)") for p in problems)
    assert any(p.startswith("decks/tiny/02-beta.toml:1: unknown domain 'gamma'") for p in problems)
    assert any(p.startswith("decks/tiny/03-bad.toml:2: invalid TOML") for p in problems)
    assert any(p.startswith("decks/tiny/exam.toml:21: domain 'beta' has no cards") for p in problems)


def test_card_id_scheme_style_and_unknown_keys(tiny_decks):
    path = tiny_decks / "tiny" / "02-beta.toml"
    text = deck_file("beta", range(1, 3)).replace("tiny-beta-002", "tiny-alpha-099").replace('style = "recall"', 'style = "trivia"')
    path.write_text(text.replace('tags = ["beta"]', 'tags = ["beta"]\nfornt = "typo"', 1))
    problems = problems_of(tiny_decks)
    assert "decks/tiny/02-beta.toml:12: card id 'tiny-alpha-099' should look like 'tiny-beta-NNN'" in problems
    assert "decks/tiny/02-beta.toml:13: card 'tiny-alpha-099' style must be 'scenario' or 'recall', not 'trivia'" in problems
    assert "decks/tiny/02-beta.toml:9: card 'tiny-beta-001' has unknown key 'fornt'" in problems


def test_exam_id_must_match_folder_and_successor_must_exist(tiny_decks):
    text = TINY_EXAM.replace('id = "tiny"', 'id = "other"').replace('status = "active"', 'status = "retired"\nsuccessor = "nope"')
    (tiny_decks / "tiny" / "exam.toml").write_text(text)
    problems = problems_of(tiny_decks)
    assert "decks/tiny/exam.toml:1: exam id 'other' differs from its folder 'tiny'" in problems
    assert "decks/tiny/exam.toml:13: successor 'nope' is not a known exam" in problems


def test_missing_folder_is_one_problem(tmp_path):
    assert problems_of(tmp_path / "nowhere") == [f"{tmp_path / 'nowhere'}:0: decks folder not found"]


def test_courses_are_validated(tiny_decks):
    (tiny_decks / "courses.toml").write_text(COURSES.replace('phase = "core"', 'phase = "later"'))
    assert "decks/courses.toml:5: course 'production-ml-systems' phase must be 'core' or 'foundations'" in problems_of(tiny_decks)
