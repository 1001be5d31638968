"""The audio jitter buffer: prefetch 0 passes packets on at once, in order."""

from aiortc.rtp import RtpPacket

from media.webrtc.jitter import AudioJitterBuffer


def packet(seq: int) -> RtpPacket:
    p = RtpPacket(payload_type=111, sequence_number=seq, timestamp=seq * 960)
    p._data = bytes([seq % 256])  # type: ignore[attr-defined]  # what the receiver sets
    return p


def test_prefetch_zero_hands_each_packet_on_when_it_arrives() -> None:
    buffer = AudioJitterBuffer(prefetch=0)
    out = [buffer.add(packet(seq))[1] for seq in range(100, 105)]
    assert [f.timestamp // 960 for f in out if f is not None] == [100, 101, 102, 103, 104]


def test_prefetch_zero_waits_for_a_late_packet_and_keeps_order() -> None:
    buffer = AudioJitterBuffer(prefetch=0)
    assert buffer.add(packet(10))[1] is not None
    assert buffer.add(packet(12))[1] is None  # 11 is late: 12 waits
    frame = buffer.add(packet(11))[1]
    assert frame is not None and frame.timestamp == 11 * 960


def test_prefetch_two_keeps_aiortcs_behaviour() -> None:
    buffer = AudioJitterBuffer(prefetch=2)
    out = [buffer.add(packet(seq))[1] for seq in range(5)]
    assert [None if f is None else f.timestamp // 960 for f in out] == [None, None, 0, 1, 2]
