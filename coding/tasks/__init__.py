"""Coding tasks: the schema, the shipped bank, input generators and validation."""

from coding.tasks.loader import TaskNotFound, bank, load_task_dir, pick_task
from coding.tasks.model import Task, TestCase

__all__ = ["Task", "TaskNotFound", "TestCase", "bank", "load_task_dir", "pick_task"]
