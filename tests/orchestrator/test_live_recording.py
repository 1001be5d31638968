"""One connection's recording on the transcript's clock: what the candidate said and what the
interviewer played land where the transcript's `start` says, less the part's `start`."""

from __future__ import annotations

import time

import numpy as np
import pytest

from core.audio import AudioChunk
from core.events import Event
from media.recordings import Recordings
from media.transport import Transport
from orchestrator.recording import LiveRecording
from tests.helpers import decode_recording, tone
from tests.orchestrator.test_session import new_session, repo  # noqa: F401 (a fixture)


class QuietTransport(Transport):
    """A connection nobody is on: audio goes in and out through the real queues."""

    kind = "test"

    async def send_event(self, event: Event) -> None:
        pass

    async def close(self) -> None:
        self.closed.set()


def first_sound(samples: np.ndarray, rate: int) -> float:
    return float(np.flatnonzero(np.abs(samples) > 0.05)[0] / rate)


@pytest.mark.parametrize("output_rate", [48_000, 8_000])  # WebRTC and the phone
async def test_both_voices_land_on_the_transcripts_clock(repo, tmp_path, output_rate):  # noqa: F811
    session = await new_session(repo)
    session.interview.consent = {"recording": True}
    await session.start()
    time.sleep(0.2)  # the connection comes a little after the interview started
    recordings = Recordings(tmp_path)
    transport = QuietTransport(output_rate)
    live = LiveRecording(recordings, session, transport)
    live.begin()
    began = time.monotonic()
    for i in range(0, 16_000 * 4 // 10, 320):  # 0.4 s of the candidate, 0.3 s after the part began
        transport._push_audio(AudioChunk(tone(300, 0.02, 16_000), began + 0.3 + i / 16_000))
    answered_at = session.elapsed(began + 0.3)
    time.sleep(0.9)
    transport.output.enqueue(tone(1000, 0.4, 22_050), "reply", 22_050)  # a Piper sentence
    replied_at = session.elapsed()
    while transport.output.pop_frame() is not None:  # sent faster than real time: placed one after
        pass  # the other all the same (the recording holds what was played, as it was played)
    time.sleep(0.2)
    await live.stop()
    await live.stop()  # twice is harmless

    [part] = recordings.parts(session.id)
    assert part.start == pytest.approx(0.2, abs=0.05)
    samples, rate = decode_recording(part.path)
    ended = replied_at + 0.4 - part.start  # the reply's end: later than the part's close
    assert samples.shape[1] / rate == pytest.approx(ended, abs=0.03) == part.duration
    assert first_sound(samples[0], rate) == pytest.approx(answered_at - part.start, abs=0.03)
    assert first_sound(samples[1], rate) == pytest.approx(replied_at - part.start, abs=0.03)
    assert transport.on_audio is None and transport.output.on_frame is None


async def test_without_the_candidates_consent_nothing_is_recorded(repo, tmp_path):  # noqa: F811
    session = await new_session(repo)
    await session.start()
    recordings = Recordings(tmp_path)
    live = LiveRecording(recordings, session, QuietTransport())
    live.begin()
    await live.stop()
    assert live.recorder is None and recordings.parts(session.id) == []


class CameraTransport(QuietTransport):
    """A candidate with a camera: a new colour every second, at whatever rate is asked."""

    def __init__(self) -> None:
        super().__init__()
        self.has_video = True
        self.subscribers = 0

    async def video_frames(self, fps: float):  # type: ignore[override]
        import asyncio

        from core.video import VideoFrame

        self.subscribers += 1
        started = time.monotonic()
        while not self.closed.is_set():
            now = time.monotonic()
            rgb = np.zeros((480, 640, 3), np.uint8)
            rgb[:] = (200, 40, 40) if int(now - started) % 2 == 0 else (40, 40, 200)
            yield VideoFrame(rgb, now)
            await asyncio.sleep(1 / fps)


async def video_session(repo, consent: dict):  # noqa: F811
    session = await new_session(repo, mode="video")
    session.interview.consent = consent
    await session.start()
    return session


async def test_the_camera_is_recorded_beside_the_audio_when_agreed(repo, tmp_path):  # noqa: F811
    import asyncio

    import av

    session = await video_session(repo, {"recording": True, "camera_analysis": True, "video_recording": True})
    recordings = Recordings(tmp_path, video=True)
    transport = CameraTransport()
    live = LiveRecording(recordings, session, transport)
    live.begin()
    await asyncio.sleep(1.5)
    await live.stop()
    [part] = recordings.parts(session.id)
    assert part.video == part.path.with_suffix(".webm") and transport.subscribers == 1
    with av.open(str(part.video)) as container:
        frames = [f for f in container.decode(video=0)]
        duration = container.duration / 1e6
    assert 6 <= len(frames) <= 10 and frames[0].time == 0.0  # ~5 fps
    assert duration == pytest.approx(part.duration, abs=0.25)  # the audio part's length


@pytest.mark.parametrize(
    ("setting", "consent", "mode"),
    [
        (True, {"recording": True, "camera_analysis": True}, "video"),  # not agreed to the video
        (False, {"recording": True, "camera_analysis": True, "video_recording": True}, "video"),  # off
        (True, {"recording": True, "video_recording": True}, "audio"),  # no video interview
    ],
)
async def test_no_video_file_without_the_setting_the_consent_and_a_video_interview(
    repo, tmp_path, setting, consent, mode  # noqa: F811
):
    session = await new_session(repo, mode=mode)
    session.interview.consent = consent
    await session.start()
    recordings = Recordings(tmp_path, video=setting)
    transport = CameraTransport()
    live = LiveRecording(recordings, session, transport)
    live.begin()
    await live.stop()
    [part] = recordings.parts(session.id)
    assert part.video is None and transport.subscribers == 0
    assert [p.suffix for p in recordings.files(session.id)] == [".json", ".ogg"]
