"""The attention timeline as a PNG: presence, looking at the screen, faces; flags shaded."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from vision.attention import AttentionSample

FLAG_COLOURS = {
    "second_face": "#d62728",
    "face_absent": "#ff7f0e",
    "camera_covered": "#7f7f7f",
    "camera_quality": "#bcbd22",
}


def render_png(samples: Sequence[AttentionSample], flags: Sequence[dict[str, Any]], title: str = "") -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = [s.t for s in samples]
    fig, axes = plt.subplots(3, 1, figsize=(10, 4.2), sharex=True, constrained_layout=True)
    rows = [
        ("face present", [1 if s.faces > 0 else 0 for s in samples]),
        ("looking at screen", [1 if s.looking else 0 for s in samples]),
        ("faces", [s.faces for s in samples]),
    ]
    for ax, (label, values) in zip(axes, rows, strict=True):
        ax.step(t, values, where="post", color="#1f77b4", linewidth=1.2)
        ax.fill_between(t, values, step="post", alpha=0.25, color="#1f77b4")
        ax.set_ylabel(label, rotation=0, ha="right", va="center", fontsize=9)
        ax.set_ylim(-0.1, max(2.2, max(values, default=0) + 0.2) if label == "faces" else 1.2)
        ax.set_yticks([0, 1, 2] if label == "faces" else [0, 1])
        for flag in flags:
            ax.axvspan(flag["start"], flag["end"], color=FLAG_COLOURS.get(flag["type"], "#999"), alpha=0.25)
    axes[-1].set_xlabel("seconds from interview start")
    names = sorted({f["type"] for f in flags})
    axes[0].set_title(title + (f"  (flags: {', '.join(names)})" if names else ""), fontsize=10)
    if not samples:
        axes[0].text(0.5, 0.5, "no video frames were received", transform=axes[0].transAxes, ha="center")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    plt.close(fig)
    return buffer.getvalue()
