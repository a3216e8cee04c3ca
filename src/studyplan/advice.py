"""The article's guidance on whether, and which, certification to take: pure rules.

Every reason quotes or closely paraphrases the source article (shared/seed), so the
learner sees why, not only what.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from studyplan.catalog import Catalog

CLOUDS = ("gcp", "aws", "azure", "databricks", "none")
EMPLOYERS = ("enterprise", "consulting", "cloud-vendor", "startup", "midsize-product", "research-lab")
ROLES = ("engineering", "research")
EXAM_FOR_CLOUD = {"gcp": "google-pmle", "none": "google-pmle", "aws": "aws-mls", "azure": "azure-ai-102",
                  "databricks": "databricks-ml-pro"}
ENTERPRISE = {"enterprise", "consulting", "cloud-vendor"}


@dataclass(frozen=True)
class Answers:
    cloud: str
    employer: str
    production_years: float
    employer_pays: bool
    role: str
    ml_knowledge: bool


@dataclass
class Advice:
    certify: bool
    exam: str | None
    background: str
    prep: str
    reasons: list[str] = field(default_factory=list)
    courses: list[str] = field(default_factory=list)


def advise(answers: Answers, catalog: Catalog, today: date) -> Advice:
    """Recommend an exam (or a portfolio instead), the background to plan with, and the prep length."""
    reasons: list[str] = []
    skip = False
    if answers.role == "research":
        skip = True
        reasons.append("For ML research or applied science roles, publications, research depth and technical rigor "
                       "matter; credentials don't.")
    if answers.employer in ("startup", "midsize-product"):
        skip = True
        reasons.append("Startups and mid-size product companies evaluate GitHub contributions, portfolio projects "
                       "and how clearly you explain past work, not certs.")
    if answers.production_years >= 2:
        skip = True
        reasons.append("With two or more years of production ML engineering, a certification won't move the needle "
                       "in interview loops where you talk through real systems you've shipped.")
    if answers.employer in ENTERPRISE:
        reasons.append("At enterprises, consulting firms and cloud vendors a Google or AWS ML certification is a "
                       "recognisable signal and sometimes unlocks higher pay bands; HR often filters on credentials.")
    if not answers.ml_knowledge:
        reasons.append("Moving into ML engineering from software or analytics: a structured path with a tangible "
                       "credential at the end helps, with foundational coursework first.")
    # "If your employer pays for it, the certification is almost always worth doing."
    certify = not skip or (answers.employer_pays and answers.role != "research")
    if answers.employer_pays:
        reasons.append("Your employer pays: at zero out-of-pocket cost the certification is almost always worth doing; "
                       "the learning alone justifies the time.")

    background = "experienced" if answers.ml_knowledge else "pivoting"
    prep = "4-8 weeks" if background == "experienced" else "3-6 months"
    exam_id = None
    if certify:
        exam_id = EXAM_FOR_CLOUD[answers.cloud]
        if answers.cloud in ("gcp", "none"):
            reasons.append("The Google Professional ML Engineer is the best default: the most widely recognised, and it "
                           "tests ML system design rather than vendor trivia.")
        elif answers.cloud == "aws":
            reasons.append("Your environment is AWS-first, so the AWS ML credential is the better target.")
        elif answers.cloud == "azure":
            reasons.append("The Azure AI Engineer credential leans on Azure's AI services: more AI application "
                           "development than core ML engineering.")
        else:
            reasons.append("Databricks ML Professional is gaining traction in data-heavy organisations running "
                           "Spark-based ML pipelines at scale.")
        exam_id = _current(exam_id, catalog, today, reasons)
    else:
        reasons.append("Build something demonstrable instead: a portfolio project you can explain beats a "
                       "certificate there.")
    courses = ["Production Machine Learning Systems", "Structuring Machine Learning Projects"]
    if background == "pivoting":
        courses = ["Applied Machine Learning in Python", "Machine Learning: Regression",
                   "Machine Learning: Classification"] + courses
    if certify and background == "pivoting":
        reasons.append("Pivoting from a non-ML background typically takes 3-6 months, including time to build "
                       "foundational ML skills before exam-specific material.")
    elif certify:
        reasons.append("Candidates with working ML knowledge report 4-8 weeks of focused study.")
    return Advice(certify, exam_id, background, prep, reasons, courses)


def _current(exam_id: str, catalog: Catalog, today: date, reasons: list[str]) -> str:
    """Follow successors past retired exams, saying so."""
    seen = set()
    while exam_id in catalog.exams and catalog.exams[exam_id].retired_by(today) and exam_id not in seen:
        seen.add(exam_id)
        exam = catalog.exams[exam_id]
        if not exam.successor:
            break
        reasons.append(f"{exam.name} retired on {exam.retirement_date}; its successor is "
                       f"{catalog.exams[exam.successor].name}.")
        exam_id = exam.successor
    return exam_id
