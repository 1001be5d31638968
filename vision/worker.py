"""Vision inference off the event loop: one analyser thread shared by all interviews.

Each interview keeps at most one frame in flight; frames that arrive while its
last one is still being analysed are dropped. Video can wait; audio never waits
for it.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from vision.analyzer import FaceAnalyzer
from vision.signals import FrameSignals


class VisionWorker:
    def __init__(self, analyzer: FaceAnalyzer, threads: int = 1) -> None:
        self.analyzer = analyzer
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="vision")

    async def analyze(self, rgb: np.ndarray, t: float) -> FrameSignals:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self.analyzer.analyze, rgb, t)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
        self.analyzer.close()
