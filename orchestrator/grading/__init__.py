"""Evidence-based answer grading: key points judged by meaning, every score tied to quoted, timed words."""

from orchestrator.grading.grader import Evidence, Grade, Method, Section, Status, grade
from orchestrator.grading.spans import AnswerSpan

__all__ = ["AnswerSpan", "Evidence", "Grade", "Method", "Section", "Status", "grade"]
