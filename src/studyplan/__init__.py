"""studyplan: a terminal spaced-repetition study planner for ML certification exams."""

__version__ = "0.1.0"
