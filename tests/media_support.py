"""Real media files for tests: a small PNG and a 16 kHz, 16-bit mono WAV."""

from __future__ import annotations

import io
import wave

from PIL import Image


def png_bytes(width: int = 8, height: int = 4) -> bytes:
    """A real PNG file of one colour."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def wav_bytes(frames: int = 1600) -> bytes:
    """A real 16 kHz, 16-bit mono WAV file (a tenth of a second by default)."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\0\x10" * frames)
    return out.getvalue()
