"""Renames: which old names a text uses, longest and whole names first, and how the review
screen shows them."""

from datetime import date

from studyplan.catalog import Rename
from studyplan.renames import current_names, names_in, outdated

PIPELINES = Rename("Vertex AI Pipelines", "Agent Platform Pipelines", date(2026, 6, 1))
VERTEX = Rename("Vertex AI", "Agent Platform", date(2026, 6, 1))
QUICKSIGHT = Rename("Amazon QuickSight", "Amazon Quick Sight", date(2025, 10, 9))
RENAMES = (VERTEX, PIPELINES, QUICKSIGHT)
AFTER = date(2026, 11, 29)


def olds(text: str, today: date = AFTER) -> list[str]:
    return [r.old for r in outdated(text, RENAMES, today)]


def test_an_old_name_alone_is_flagged_from_the_rename_date_on():
    text = "Which service orchestrates the steps? Vertex AI Pipelines."
    assert olds(text, date(2026, 5, 31)) == []
    assert olds(text, date(2026, 6, 1)) == ["Vertex AI Pipelines"]
    assert olds(text) == ["Vertex AI Pipelines"]


def test_the_longest_name_wins_so_a_product_is_not_also_its_platform():
    assert names_in("Vertex AI Pipelines runs it", RENAMES) == {"Vertex AI Pipelines"}
    assert olds("Vertex AI Pipelines runs it") == ["Vertex AI Pipelines"]
    assert olds("Vertex AI Workbench, not Agent Platform Pipelines") == []  # the new short name is in the long one
    assert olds("Vertex AI Workbench, not Agent Platform Pipelines", date(2026, 5, 31)) == []
    assert olds("Vertex AI Workbench") == ["Vertex AI"]


def test_both_names_present_is_not_flagged():
    assert olds("Agent Platform Pipelines (formerly Vertex AI Pipelines)") == []
    assert olds("Amazon Quick Sight (formerly Amazon QuickSight) dashboards") == []


def test_whole_words_and_case_only():
    assert olds("vertex ai pipelines and amazon quicksight") == []
    assert olds("Amazon QuickSightly is not a product") == []
    assert olds("MyVertex AI") == []
    assert olds("a Vertex AI-managed endpoint") == ["Vertex AI"]


def test_review_screen_shows_the_new_name_then_the_old_once():
    assert current_names("Use Vertex AI Pipelines; Vertex AI Pipelines caches steps.", RENAMES, AFTER) == (
        "Use Agent Platform Pipelines (Vertex AI Pipelines); Agent Platform Pipelines caches steps.")
    assert current_names("Amazon QuickSight on Vertex AI", RENAMES, AFTER) == (
        "Amazon Quick Sight (Amazon QuickSight) on Agent Platform (Vertex AI)")


def test_review_screen_leaves_text_alone_before_the_date_or_when_the_new_name_is_there():
    text = "Agent Platform Pipelines (formerly Vertex AI Pipelines) on Vertex AI"
    assert current_names(text, RENAMES, AFTER) == text
    assert current_names("Vertex AI Pipelines", RENAMES, date(2026, 5, 31)) == "Vertex AI Pipelines"
    assert current_names("Vertex AI Pipelines", (), AFTER) == "Vertex AI Pipelines"


def test_a_new_name_inside_a_longer_new_name_counts_but_not_inside_an_old_one():
    chain = (Rename("Form Recognizer", "Document Intelligence", date(2023, 7, 18)),
             Rename("Azure AI Document Intelligence", "Azure Document Intelligence", date(2025, 11, 18)),
             Rename("Vertex AI Model Garden", "Model Garden", date(2026, 4, 22)),
             Rename("Amazon SageMaker", "Amazon SageMaker AI", date(2024, 12, 3)))
    assert outdated("Azure Document Intelligence (formerly Form Recognizer)", chain, AFTER) == []
    # Inside the old "Azure AI Document Intelligence", "Document Intelligence" does not count.
    assert [r.old for r in outdated("Azure AI Document Intelligence (formerly Form Recognizer)", chain, AFTER)] == [
        "Form Recognizer", "Azure AI Document Intelligence"]
    assert [r.old for r in outdated("Open Vertex AI Model Garden", chain, AFTER)] == ["Vertex AI Model Garden"]
    assert current_names("Open Vertex AI Model Garden", chain, AFTER) == "Open Model Garden (Vertex AI Model Garden)"
    assert outdated("Amazon SageMaker AI endpoints", chain, AFTER) == []
    assert names_in("Amazon SageMaker AI endpoints", chain) == {"Amazon SageMaker AI"}
