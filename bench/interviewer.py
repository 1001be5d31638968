"""Time from the end of the candidate's turn to the first audio of the interviewer's reply,
per interviewer provider: rules, and the LLM provider against a local server that speaks
the OpenAI protocol with a simulated first-token delay (and with a failing model, where
rules must answer within the step budget).

    python -m bench.interviewer [--turns 12] [--first-token-ms 300]

Measured in-process: `session.answer()` (grading, the decision) -> the first sentence of
the reply -> its first synthesised audio. Transport and jitter buffers are not included
(bench.turn_latency measures those end to end).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from typing import Any

from llm import LlmClient, LlmOptions
from orchestrator.grading import embeddings
from orchestrator.interviewer import Interviewer, RulesInterviewer
from orchestrator.llm_interviewer import FallbackInterviewer, LlmInterviewer
from orchestrator.plan import plan_interview
from orchestrator.session import InterviewSession
from store.bus import InProcessBus
from store.db import make_session_factory
from store.repository import InterviewRepository
from tests.fakes.openai_server import FakeOpenAIServer
from tts.synth import SpeechSynthesizer, TtsOptions, make_synthesizer

ANSWERS = [
    "I would start by reading the query plan, then add an index on the columns in the where clause.",
    "Maybe, I guess it depends, kind of whatever works.",
    "On my last team I led the migration to PostgreSQL and we cut the batch from four hours to forty.",
    "I split the work into small services with clear APIs, because that lets teams deploy on their own.",
]


def responder(messages: list[dict[str, Any]]) -> Any:
    if "Answer with JSON" in messages[0]["content"]:
        if "kind of whatever" in messages[0]["content"]:
            say = "Could you give me one concrete example from a project you worked on yourself?"
            return {"action": "followup", "reason": "vague", "point": None, "claim": None, "say": say}
        return {
            "action": "next",
            "reason": None,
            "point": None,
            "claim": None,
            "say": "Thanks, that is clear.",
        }
    return "Could you give me one concrete example from a project you worked on yourself?"


async def turn_times(interviewer: Interviewer, tts: SpeechSynthesizer, turns: int) -> list[float]:
    repo = InterviewRepository(make_session_factory(f"sqlite:///{tempfile.mkdtemp()}/bench.db"))
    times: list[float] = []
    while len(times) < turns:
        row, questions, _ = plan_interview("Backend Engineer", duration_minutes=60)
        repo.create(row, questions)
        s = await InterviewSession.load(row.id, repo, InProcessBus(), interviewer, max_followups=1)
        await (await s.start()).full_text()
        for answer in ANSWERS:
            started = time.perf_counter()
            reply = await s.answer(answer)
            async for _first_audio in tts.stream(reply.chunks()):
                times.append((time.perf_counter() - started) * 1000)
                break
            await reply.full_text()  # the rest of the reply, off the clock
    return times[:turns]


def figures(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {
        "turns": len(times),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 1),
        "max_ms": round(ordered[-1], 1),
    }


async def main(turns: int, first_token_ms: int) -> dict[str, Any]:
    tts = make_synthesizer(TtsOptions())
    await tts.synthesize_async("Ready.")
    embeddings.embedder().load()  # as the server does at start
    results: dict[str, Any] = {"rules": figures(await turn_times(RulesInterviewer(), tts, turns))}
    with FakeOpenAIServer(responder=responder, first_token_delay_s=first_token_ms / 1000) as model:
        llm = FallbackInterviewer(
            LlmInterviewer(LlmClient(LlmOptions(model.base_url, "fake"))), RulesInterviewer()
        )
        results[f"llm_first_token_{first_token_ms}ms"] = figures(await turn_times(llm, tts, turns))
        results["llm_fallbacks"] = llm.fallbacks
        model.status = 500
        broken = FallbackInterviewer(
            LlmInterviewer(LlmClient(LlmOptions(model.base_url, "fake"))), RulesInterviewer()
        )
        results["llm_failing_rules_fallback"] = figures(await turn_times(broken, tts, turns))
        results["llm_failing_fallbacks"] = broken.fallbacks
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--turns", type=int, default=12)
    parser.add_argument("--first-token-ms", type=int, default=300)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.turns, args.first_token_ms)), indent=1))
