"""The coding interviewer's words: what the rules provider says for each move of
orchestrator.coding_coach, and what the LLM provider is asked to say instead (it may word the
questions and hints around the candidate's code, and is checked for code in what it says)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from orchestrator.coding_coach import Move, RunSeen

if TYPE_CHECKING:
    from orchestrator.interviewer import TurnContext

LANGUAGE_NAMES = {"python": "Python", "javascript": "JavaScript"}
# what an LLM's line must not contain: code, or the shape of code (it is told never to write any)
CODE_IN_WORDS = re.compile(
    "|".join(
        (
            r"`",  # markdown code
            r"\bdef \w+\(",
            r"\bfunction\s*\w*\(",
            r"=>",
            r"\breturn\s+(not\s+)?[\w.]+(\[|\(|\s*[-+*/<>=%]|$)",  # "return not stack", not "return when"
            r"[{};]\s*$",
            r"\w+\[\w*\]\s*=",
            r"\bfor \w+ in \w+:",
            r"\bwhile\s*\(",
            r"\b(const|let|var) \w+ =",
            r"\w+\s*[+\-*/]?=\s*\w+\s*[+\-*/]",
        )
    ),
    re.M,
)
LLM_MOVES: tuple[Move, ...] = ("approach", "failing", "complexity", "edge_cases", "hint", "ack", "clarify")


@dataclass(frozen=True)
class CodingView:
    """The coding turn as a provider sees it: the move, the task, the latest code and run."""

    move: Move
    title: str
    statement: str
    language: str
    code: str = ""
    run: RunSeen | None = None
    hint: str | None = None
    after: Move | None = None  # for ack: what the candidate was answering
    last_words: str = ""  # the candidate's latest words
    last_said: str = ""  # the interviewer's latest words (for repeat)


def rules_text(ctx: TurnContext, view: CodingView) -> str:  # noqa: C901 - one phrase per move
    """Plain, kind and never the solution."""
    move = view.move
    if move == "opening":
        return _opening(ctx, view)
    if move == "resume":
        return "Welcome back. Your code is saved, so carry on where you left off."
    if move == "approach":
        lead = (
            "All the visible tests pass, nice. "
            if view.run and view.run.status == "passed"
            else "I see you've written some code. "
        )
        return lead + "Could you walk me through your approach?"
    if move == "failing":
        return _failing(view.run)
    if move == "complexity":
        lead = "All the visible tests pass. " if view.run and view.run.status == "passed" else "Thanks. "
        return lead + "What is the time complexity of your solution, and how much extra memory does it use?"
    if move == "edge_cases":
        return (
            "Thanks. Which edge cases would you test beyond the visible tests, and does your code "
            "handle them?"
        )
    if move == "hint":
        return f"Here's a hint, if it helps: {view.hint}"
    if move == "no_hints":
        return (
            "I've shared all the hints I have. Try a small example by hand and say what your code should "
            "do at each step; thinking out loud often helps."
        )
    if move == "ack":
        return {
            "failing": "Sounds like a plan. Give it a try.",
            "edge_cases": "Good, thank you. Keep going whenever you're ready.",
        }.get(view.after or "", "Thanks, that's clear. Carry on.")
    if move == "clarify":
        return (
            "Good question. The statement and its examples are all I can share; if something is open, "
            "choose a sensible reading and tell me what you assumed."
        )
    if move in ("time_left", "done"):
        minutes = max(1, round(ctx.seconds_left / 60))
        left = f"We have about {minutes} minute{'s' if minutes != 1 else ''} left."
        if move == "time_left":
            return left
        return (
            f"Thanks. If you're happy with your code, press End interview whenever you like, or keep "
            f"improving it. {left}"
        )
    if move == "time_warning":
        return "About five minutes left. Make sure the code you want us to look at is in the editor."
    if move == "repeat":
        return f"Of course. {view.last_said}" if view.last_said else "Of course. Take your time."
    if move == "closing":
        name = f", {ctx.candidate_name}" if ctx.candidate_name else ""
        return (
            f"That's the time we have. Thank you{name}: your last saved code is what the team will "
            "review, and they will get back to you. Goodbye!"
        )
    raise ValueError(f"nothing to say for {move}")


def _opening(ctx: TurnContext, view: CodingView) -> str:
    hello = f"Hi {ctx.candidate_name}." if ctx.candidate_name else "Hi there."
    language = LANGUAGE_NAMES.get(view.language, view.language)
    return (
        f"{hello} Thanks for joining this coding interview for the {ctx.role} role. It takes about "
        f"{ctx.minutes} minutes. Your task is on the screen: {view.title}. Write your solution in "
        f"{language} in the editor, and press Run to try the visible tests as often as you like. "
        "Feel free to think out loud. I'll ask about your approach as you go, and if you get stuck, "
        "just ask me for a hint."
    )


def _failing(run: RunSeen | None) -> str:
    if run is None or run.status == "failed":
        detail = ""
        if run is not None:
            detail = f"{run.passed} of {run.total} visible tests pass"
            detail += f', and the "{run.failing[0]}" test does not. ' if run.failing else ". "
        return detail + "What do you think is going wrong there?"
    return {
        "error": "The run stopped with an error. Can you see where it comes from?",
        "timeout": "The run hit the time limit. What in your code might take that long?",
        "memory_limit": "The run ran out of memory. What in your code could be using so much?",
    }.get(run.status, "The run did not pass. What do you think is going on?")


# -- the LLM's version -----------------------------------------------------------------------------
def llm_task(ctx: TurnContext, view: CodingView) -> str | None:
    """What the LLM is asked to say for this move, or None: rules say it (plain phrases)."""
    if view.move not in LLM_MOVES:
        return None
    ask = {
        "approach": "Ask the candidate, in one or two sentences, to walk you through their approach.",
        "failing": "Some visible tests fail. Ask what they think goes wrong, without saying what it is or "
        "how to fix it.",
        "complexity": "Ask about the time complexity of their solution and the extra memory it uses. Do not "
        "say what it is or what it should be.",
        "edge_cases": "Ask which edge cases they would test beyond the visible tests. Do not list any.",
        "hint": "The candidate is stuck. Give this hint, worded naturally and fitted to their code, adding "
        f'nothing more specific than it says: "{view.hint}"',
        "ack": "Acknowledge their answer in one short neutral sentence, without judging whether it is "
        "right, and let them carry on.",
        "clarify": "They asked about the task. Say that the statement and examples are all you can share, "
        "and that they may choose a sensible reading and say what they assumed.",
    }[view.move]
    run = _run_text(view.run)
    language = LANGUAGE_NAMES.get(view.language, view.language)
    return (
        f'{ask}\n\nThe task, {view.title}:\n"""{view.statement[:2500]}"""\n'
        f'Their {language} code now:\n"""{view.code[-4000:]}"""\n'
        f"The latest run of the visible tests: {run}\n"
        f'The candidate last said: "{view.last_words[-600:]}"'
    )


def _run_text(run: RunSeen | None) -> str:
    if run is None:
        return "none yet"
    failing = f"; failing: {', '.join(run.failing[:3])}" if run.failing else ""
    return f"{run.status}, {run.passed} of {run.total} passed{failing}"


def reveals_code(text: str) -> bool:
    """Whether an LLM's line looks like code (it is then said by rules instead)."""
    return bool(CODE_IN_WORDS.search(text))
