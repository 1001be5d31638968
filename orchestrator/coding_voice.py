"""The voice loop of a coding interview: the same listening and speaking as `VoiceAgent`, but
silence is the candidate working, not a missing answer. There is no "take your time" prompt and
no moving on after 30 s; at each pause the coding session is asked whether there is anything to
say (the reaction to a run, a hint when stuck, the time), and the code's saves and runs reach it
from the bus's `code_update` and `code_run` events."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from orchestrator.coding_session import CodingSession
from orchestrator.voice import VoiceAgent
from store.bus import Subscription

log = logging.getLogger(__name__)
CODE_EVENTS = frozenset({"code_update", "code_run"})


class CodingVoiceAgent(VoiceAgent):
    """Runs a coding interview's conversation over one transport."""

    session: CodingSession

    async def run(self) -> None:
        # recruiter-audience events: the code's saves and runs never reach a candidate's channel
        code_events = self.session.bus.subscribe(self.session.id, "recruiter")
        watcher = self._spawn(self._watch_code(code_events))
        try:
            await super().run()
        finally:
            code_events.close()
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher

    async def _watch_code(self, events: Subscription) -> None:
        async with events:
            async for ev in events:
                if ev.type not in CODE_EVENTS:
                    continue
                try:
                    await self.session.observe(ev)
                except Exception:  # a failed read costs one reaction, never the interview
                    log.exception("interview %s: could not read the code after %s", self.session.id, ev.type)

    async def _check_silence(self, now: float) -> None:
        """A pause in the conversation (nobody speaking, no turn being answered): the coach's turn."""
        if self._playback is not None or self.segmenter.in_utterance:
            return
        busy = (self._turn_task, self._opening)
        if any(task is not None and not task.done() for task in busy):
            return
        async with self.session.lock:
            reply = await self.session.nudge()
        if reply is not None:
            self._speak(reply)
