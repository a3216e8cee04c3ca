"""The article's certification guidance: which exam, or a portfolio instead, and why."""

from datetime import date

import pytest
from click.testing import CliRunner

from studyplan.advice import Answers, advise
from studyplan.cli import cli
from studyplan.decks import load_catalog, shipped_decks_dir

CATALOG, _ = load_catalog(shipped_decks_dir())
TODAY = date(2026, 11, 25)


def ask(**kw):
    base = dict(cloud="gcp", employer="enterprise", production_years=0.5, employer_pays=False, role="engineering",
                ml_knowledge=True)
    return advise(Answers(**{**base, **kw}), CATALOG, TODAY)


def test_enterprise_gcp_engineer_gets_the_pmle_in_four_to_eight_weeks():
    advice = ask()
    assert (advice.certify, advice.exam, advice.background, advice.prep) == (True, "google-pmle", "experienced", "4-8 weeks")
    assert advice.courses == ["Production Machine Learning Systems", "Structuring Machine Learning Projects"]


def test_aws_follows_the_retired_specialty_to_its_successor():
    advice = ask(cloud="aws")
    assert advice.exam == "aws-mla"
    assert any("retired on 2026-03-31" in r for r in advice.reasons)


def test_azure_follows_ai_102_to_ai_103():
    assert ask(cloud="azure").exam == "azure-ai-103"


@pytest.mark.parametrize("kw", [dict(employer="startup"), dict(production_years=3), dict(role="research")])
def test_skip_certification_cases_recommend_a_portfolio(kw):
    advice = ask(**kw)
    assert (advice.certify, advice.exam) == (False, None)
    assert any("portfolio" in r for r in advice.reasons)


def test_employer_paying_makes_it_worth_it_except_for_research_roles():
    assert ask(employer="startup", employer_pays=True).certify
    assert not ask(role="research", employer_pays=True).certify


def test_pivoter_plans_three_to_six_months_with_foundations_first():
    advice = ask(ml_knowledge=False, production_years=0)
    assert (advice.background, advice.prep) == ("pivoting", "3-6 months")
    assert advice.courses[:3] == ["Applied Machine Learning in Python", "Machine Learning: Regression",
                                  "Machine Learning: Classification"]


def test_cli_flags_and_missing_flags_without_a_terminal(tmp_path):
    args = ["--db", str(tmp_path / "a.db"), "--today", "2026-11-25", "advise"]
    full = args + ["--cloud", "aws", "--employer", "enterprise", "--production-years", "1", "--employer-pays",
                   "--role", "engineering", "--ml-knowledge"]
    result = CliRunner().invoke(cli, full)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Recommendation: AWS Certified Machine Learning Engineer - Associate (aws-mla)")
    assert "Next: studyplan plan create --exam aws-mla --background experienced" in result.stdout
    missing = CliRunner().invoke(cli, args + ["--cloud", "aws"])
    assert missing.exit_code == 2
    assert "--employer is required when standard input is not a terminal" in missing.stderr
