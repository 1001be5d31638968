"""The interviewer's side of a LiveKit room, as far as the SDK goes without a LiveKit server:
the SDK's real tracks and streams (its Rust core, in this process) carry the candidate's voice
and camera into the transport and the interviewer's voice out of it. Only the room connection
is missing: the transport's room-event handlers are called the way `rtc.Room` calls them
(`track_subscribed(track, publication, participant)`, `participant_disconnected(participant)`),
with a local track standing in for the subscribed remote one."""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace

import numpy as np
import pytest
from livekit import rtc

from core.audio import CHUNK_SAMPLES, SAMPLE_RATE
from media.livekit.frames import VOICE_RATE, audio_pcm, video_rgb, voice_frame
from media.livekit.transport import LiveKitTransport

CANDIDATE = SimpleNamespace(identity="candidate", sid="PA_candidate")


def tone(freq: float, seconds: float, rate: int, amplitude: int = 8000) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (np.sin(2 * np.pi * freq * t) * amplitude).astype(np.int16)


def dominant_hz(pcm: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(pcm.astype(np.float32)))
    return float(np.fft.rfftfreq(len(pcm), 1 / rate)[int(np.argmax(spectrum))])


async def play(source: rtc.AudioSource, pcm: np.ndarray, rate: int) -> None:
    """Into an SDK audio source in 10 ms frames, at real-time pace (like a browser microphone)."""
    step = rate // 100
    due = time.monotonic()
    for start in range(0, len(pcm) - step + 1, step):
        await source.capture_frame(rtc.AudioFrame(pcm[start : start + step].tobytes(), rate, 1, step))
        due += 0.01
        await asyncio.sleep(max(0.0, due - time.monotonic()))


async def collect(transport: LiveKitTransport, seconds: float) -> tuple[list[np.ndarray], bool]:
    """The chunks heard within `seconds`, and whether the audio ended by then."""
    chunks: list[np.ndarray] = []

    async def read() -> None:
        async for chunk in transport.audio_chunks():
            chunks.append(chunk.pcm)

    try:
        await asyncio.wait_for(read(), seconds)
    except TimeoutError:
        return chunks, False
    return chunks, True


async def test_the_candidates_microphone_arrives_as_16khz_20ms_chunks():
    transport = LiveKitTransport(expect_video=False)
    microphone = rtc.AudioSource(48_000, 1)
    track = rtc.LocalAudioTrack.create_audio_track("microphone", microphone)
    try:
        transport.on_track_subscribed(track, None, CANDIDATE)
        assert transport.connected.is_set() and transport.candidate_sid == "PA_candidate"
        player = asyncio.ensure_future(play(microphone, tone(440, 1.0, 48_000), 48_000))
        chunks, _ = await collect(transport, 1.6)
        await player
    finally:
        await transport.close()
        await microphone.aclose()
    assert chunks and all(len(c) == CHUNK_SAMPLES and c.dtype == np.int16 for c in chunks)
    pcm = np.concatenate(chunks)
    loud = pcm[np.abs(pcm) > 1000]
    assert len(loud) > 0.5 * SAMPLE_RATE, "less than half of the second of tone came through"
    start = int(np.argmax(np.abs(pcm) > 1000))
    assert abs(dominant_hz(pcm[start : start + SAMPLE_RATE // 2], SAMPLE_RATE) - 440) < 10


async def test_only_the_candidate_is_heard_and_their_leaving_closes_the_transport():
    transport = LiveKitTransport(expect_video=False)
    source = rtc.AudioSource(48_000, 1)
    track = rtc.LocalAudioTrack.create_audio_track("microphone", source)
    try:
        transport.on_track_subscribed(track, None, SimpleNamespace(identity="interviewer-old", sid="PA_x"))
        assert not transport.connected.is_set()
        transport.on_track_subscribed(track, None, CANDIDATE)
        # an older connection of the same candidate leaving (a reload) is not this one leaving
        transport.on_participant_disconnected(SimpleNamespace(identity="candidate", sid="PA_older"))
        await asyncio.sleep(0.05)
        assert not transport.closed.is_set()
        transport.on_participant_disconnected(CANDIDATE)
        await asyncio.wait_for(transport.closed.wait(), 2)
        _, ended = await collect(transport, 1.0)
        assert ended  # the listener's loop ends instead of waiting for audio that never comes
    finally:
        await transport.close()
        await source.aclose()


async def test_the_room_disconnecting_closes_the_transport():
    transport = LiveKitTransport(expect_video=False)
    transport.on_disconnected(rtc.DisconnectReason.SERVER_SHUTDOWN)
    await asyncio.wait_for(transport.closed.wait(), 2)
    await transport.close()  # twice is fine


async def test_the_camera_arrives_as_the_newest_rgb_frame_at_most_fps_times_a_second():
    transport = LiveKitTransport(expect_video=True)
    camera = rtc.VideoSource(64, 48)
    track = rtc.LocalVideoTrack.create_video_track("camera", camera)

    async def film() -> None:
        for i in range(40):  # 2 s at 20 fps, each frame one shade brighter
            rgba = np.zeros((48, 64, 4), np.uint8)
            rgba[..., 0], rgba[..., 3] = 5 * i + 10, 255
            camera.capture_frame(rtc.VideoFrame(64, 48, rtc.VideoBufferType.RGBA, rgba.tobytes()))
            await asyncio.sleep(0.05)

    frames = []
    try:
        transport.on_track_subscribed(track, None, CANDIDATE)
        filming = asyncio.ensure_future(film())
        started = time.monotonic()
        async for frame in transport.video_frames(fps=4):
            frames.append(frame)
            if time.monotonic() - started > 1.5:
                break
        await filming
    finally:
        await transport.close()
    assert 4 <= len(frames) <= 8, len(frames)  # ~4 a second, not the camera's 20
    assert all(f.rgb.shape == (48, 64, 3) and f.rgb.dtype == np.uint8 for f in frames)
    reds = [int(f.rgb[..., 0].mean()) for f in frames]
    assert reds == sorted(reds) and reds[-1] > reds[0] + 20, reds  # newer and newer frames
    assert int(frames[0].rgb[..., 1].max()) <= 2  # red stays red through the conversion


async def test_the_interviewers_voice_leaves_at_real_time_pace_and_barge_in_stops_it():
    transport = LiveKitTransport(expect_video=False)
    heard = rtc.AudioStream(transport.voice, sample_rate=SAMPLE_RATE, num_channels=1)
    received: list[np.ndarray] = []

    async def listen() -> None:
        async for event in heard:
            received.append(audio_pcm(event.frame))

    listener = asyncio.ensure_future(listen())
    try:
        transport.start_voice()
        queued = transport.output.enqueue(tone(300, 1.0, SAMPLE_RATE), "u1", SAMPLE_RATE)
        assert queued == VOICE_RATE  # resampled once, to the 48 kHz the track sends
        started = time.monotonic()
        await asyncio.wait_for(transport.output.drained(), 3)
        took = time.monotonic() - started
        await asyncio.sleep(0.3)
        assert 0.85 < took < 1.3, took  # paced: one second of speech takes about one second
        voice = np.concatenate(received)
        start = int(np.argmax(np.abs(voice) > 1000))
        assert abs(dominant_hz(voice[start : start + SAMPLE_RATE // 2], SAMPLE_RATE) - 300) < 10
        # barge-in: of five seconds queued, sending stops at once
        transport.output.enqueue(tone(300, 5.0, SAMPLE_RATE), "u2", SAMPLE_RATE)
        await asyncio.sleep(0.5)
        await transport.clear()
        played = transport.output.played_seconds("u2")
        await asyncio.sleep(0.3)
        assert 0.3 < played < 0.8 and transport.output.played_seconds("u2") == played
    finally:
        listener.cancel()
        await heard.aclose()
        await transport.close()


def test_frames_convert_both_ways():
    pcm = tone(1000, 0.02, VOICE_RATE)
    frame = voice_frame(pcm)
    assert (frame.sample_rate, frame.num_channels, frame.samples_per_channel) == (VOICE_RATE, 1, len(pcm))
    assert np.array_equal(audio_pcm(frame), pcm)
    stereo = rtc.AudioFrame(np.repeat(pcm, 2).tobytes(), VOICE_RATE, 2, len(pcm))
    assert np.array_equal(audio_pcm(stereo), pcm)
    rgba = np.zeros((4, 6, 4), np.uint8)
    rgba[..., 2], rgba[..., 3] = 200, 255
    rgba_frame = rtc.VideoFrame(6, 4, rtc.VideoBufferType.RGBA, rgba.tobytes())
    rgb = video_rgb(rgba_frame)
    assert rgb.shape == (4, 6, 3) and int(rgb[..., 2].min()) == 200 and int(rgb[..., :2].max()) == 0
    # what a remote camera delivers without a format asked for: I420, converted by the SDK
    i420 = video_rgb(rgba_frame.convert(rtc.VideoBufferType.I420))
    assert i420.shape == (4, 6, 3) and 170 < int(i420[..., 2].mean()) < 230 and int(i420[..., 0].max()) < 40


@pytest.mark.parametrize("fps", [0.5])
async def test_without_a_camera_video_frames_yield_nothing(fps):
    transport = LiveKitTransport(expect_video=False)
    frames = [frame async for frame in transport.video_frames(fps)]
    assert frames == []
    await transport.close()
