"""Regenerate every figure and sound clip of the bundled decks, deterministically.

    python scripts/make_media.py            # write decks/**/media/*
    python scripts/make_media.py --check    # regenerate into a temporary folder and compare

Needs the `media` extra (numpy, scipy, matplotlib); users of quizzer need none of it, since the
outputs are committed. Figures computed from mathematics are exact (the formula is in each
function's docstring, and in the `source:` of the question that shows it); diagrams follow the
paper they cite. Determinism: fixed random seeds, the Agg backend, matplotlib's bundled DejaVu
Sans, PNGs saved without a Software or date chunk, clips written by the standard `wave` module
(16 kHz, 16-bit mono). `--check` accepts a PNG whose pixels are equal and a WAV whose samples
differ by at most one step (a different libm may round a sine the other way).
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import wave
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, Rectangle
from scipy import signal, stats

ROOT = Path(__file__).resolve().parents[1]
DECKS = ROOT / "decks"
RATE = 16_000

plt.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "font.size": 15,
        "axes.titlesize": 16,
        "axes.linewidth": 1.5,
        "lines.linewidth": 3,
        "figure.dpi": 100,
        "savefig.dpi": 100,
        "svg.hashsalt": "quizzer",
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)
BLUE, ORANGE, GREEN, RED, PURPLE, GREY = (
    "#1f5fbf",
    "#e8710a",
    "#188038",
    "#d93025",
    "#8430ce",
    "#9aa0a6",
)

FIGURES: dict[str, Callable[[], Figure]] = {}
CLIPS: dict[str, Callable[[], np.ndarray]] = {}


def figure(path: str) -> Callable[[Callable[[], Figure]], Callable[[], Figure]]:
    """Register a figure function under its path in decks/."""

    def register(fn: Callable[[], Figure]) -> Callable[[], Figure]:
        FIGURES[path] = fn
        return fn

    return register


def clip(path: str) -> Callable[[Callable[[], np.ndarray]], Callable[[], np.ndarray]]:
    """Register a clip function (float samples in [-1, 1] at 16 kHz) under its path."""

    def register(fn: Callable[[], np.ndarray]) -> Callable[[], np.ndarray]:
        CLIPS[path] = fn
        return fn

    return register


def new(width: float = 6.4, height: float = 2.8) -> tuple[Figure, plt.Axes]:
    fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
    return fig, ax


def bare(ax: plt.Axes) -> None:
    ax.set_axis_off()


# ---------------------------------------------------------------- foundations


@figure("foundations/media/alias-7k-at-8k.png")
def alias() -> Figure:
    """A 7 kHz tone sampled at 8 kHz: its samples lie on a 1 kHz tone, since
    cos(2π·7000·n/8000) = cos(2π·(7000 − 8000)·n/8000)."""
    fs, f, alias_f = 8000, 7000, 1000
    t = np.linspace(0, 0.002, 2000)
    n = np.arange(0, 17)
    fig, ax = new()
    ax.plot(t * 1000, np.cos(2 * np.pi * f * t), color=GREY, lw=1.5)
    ax.plot(t * 1000, np.cos(2 * np.pi * alias_f * t), color=ORANGE, lw=3.5)
    ax.plot(n / fs * 1000, np.cos(2 * np.pi * f * n / fs), "o", color=BLUE, ms=10)
    ax.set_xlabel("time (ms)")
    ax.set_yticks([])
    ax.set_xlim(0, 2)
    return fig


def quantise(x: np.ndarray, bits: int) -> np.ndarray:
    """Uniform mid-rise quantiser with 2**bits levels over [-1, 1]."""
    step = 2 / 2**bits
    return np.clip((np.floor(x / step) + 0.5) * step, -1 + step / 2, 1 - step / 2)


@figure("foundations/media/quantisation-3bit.png")
def quantisation() -> Figure:
    """A sine and its uniform quantisation to 3 bits: 2**3 = 8 levels."""
    t = np.linspace(0, 1, 1000)
    x = 0.97 * np.sin(2 * np.pi * t)
    fig, ax = new()
    for level in (np.arange(8) + 0.5) * 0.25 - 1:
        ax.axhline(level, color=GREY, lw=0.8, ls=":")
    ax.plot(t, x, color=GREY, lw=1.5)
    ax.step(t, quantise(x, 3), where="mid", color=BLUE, lw=3.5)
    ax.set_yticks([])
    ax.set_xticks([])
    ax.set_xlabel("time")
    return fig


def window_spectrum(window: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The window's DTFT magnitude in dB (0 dB at the peak), against frequency in bins."""
    n = len(window)
    pad = 64 * n
    spectrum = np.abs(np.fft.rfft(window, pad))
    db = 20 * np.log10(np.maximum(spectrum / spectrum.max(), 1e-12))
    return np.arange(len(db)) * n / pad, db


def window_figure(window: np.ndarray) -> Figure:
    bins, db = window_spectrum(window)
    fig, ax = new()
    keep = bins <= 12
    ax.plot(bins[keep], db[keep], color=BLUE, lw=2.5)
    ax.set_ylim(-80, 3)
    ax.set_xlim(0, 12)
    ax.set_yticks([0, -20, -40, -60, -80])
    ax.grid(axis="y", color=GREY, lw=0.8)
    ax.set_xlabel("frequency (bins)")
    ax.set_ylabel("dB")
    return fig


N_WINDOW = 64


@figure("foundations/media/window-spectrum-a.png")
def spectrum_rectangular() -> Figure:
    """The spectrum of a 64-point rectangular window (first side lobe ≈ −13 dB)."""
    return window_figure(np.ones(N_WINDOW))


@figure("foundations/media/window-spectrum-b.png")
def spectrum_hann() -> Figure:
    """The spectrum of a 64-point Hann window, 0.5 − 0.5 cos(2πn/N) (first side lobe ≈ −31 dB)."""
    return window_figure(signal.windows.hann(N_WINDOW, sym=False))


@figure("foundations/media/window-spectrum-c.png")
def spectrum_hamming() -> Figure:
    """The spectrum of a 64-point Hamming window, 0.54 − 0.46 cos(2πn/N) (side lobes ≈ −43 dB)."""
    return window_figure(signal.windows.hamming(N_WINDOW, sym=False))


def hz_to_mel(f: np.ndarray) -> np.ndarray:
    """HTK's mel scale: m = 2595 log10(1 + f / 700)."""
    return 2595 * np.log10(1 + f / 700)


def mel_to_hz(m: np.ndarray) -> np.ndarray:
    """The inverse of `hz_to_mel`."""
    return 700 * (10 ** (m / 2595) - 1)


@figure("foundations/media/mel-scale.png")
def mel_scale() -> Figure:
    """m = 2595 log10(1 + f/700) from 0 to 8 kHz."""
    f = np.linspace(0, 8000, 800)
    fig, ax = new()
    ax.plot(f / 1000, hz_to_mel(f), color=BLUE)
    ax.plot([0, 1], [0, 1000], color=ORANGE, lw=2, ls="--")
    ax.set_xlabel("frequency (kHz)")
    ax.set_ylabel("mel")
    ax.set_xlim(0, 8)
    ax.set_ylim(0, 3000)
    ax.grid(color=GREY, lw=0.6)
    return fig


def mel_filters(bands: int, area: bool) -> tuple[np.ndarray, np.ndarray]:
    """Triangular filters with centres equally spaced in HTK mel over 0-8 kHz; with `area`, each
    is divided by its width in Hz (the 'slaney' normalisation) instead of peaking at 1."""
    f = np.linspace(0, 8000, 1601)
    edges = mel_to_hz(np.linspace(0, hz_to_mel(np.array(8000.0)), bands + 2))
    weights = np.zeros((bands, len(f)))
    for i in range(bands):
        lo, mid, hi = edges[i], edges[i + 1], edges[i + 2]
        rise = (f - lo) / (mid - lo)
        fall = (hi - f) / (hi - mid)
        weights[i] = np.maximum(0, np.minimum(rise, fall))
        if area:
            weights[i] *= 2 / (hi - lo)
    return f, weights


def filterbank_figure(area: bool) -> Figure:
    f, weights = mel_filters(10, area)
    fig, ax = new()
    colours = [BLUE, ORANGE]
    for i, w in enumerate(weights):
        ax.plot(f / 1000, w / weights.max(), color=colours[i % 2], lw=2.5)
    ax.set_xlabel("frequency (kHz)")
    ax.set_yticks([])
    ax.set_xlim(0, 8)
    ax.set_ylim(0, 1.05)
    return fig


@figure("foundations/media/mel-10-htk.png")
def mel_htk() -> Figure:
    """Ten triangular mel filters over 0-8 kHz, each peaking at 1."""
    return filterbank_figure(area=False)


@figure("foundations/media/mel-10-slaney.png")
def mel_slaney() -> Figure:
    """The same ten filters, each divided by its bandwidth (equal area)."""
    return filterbank_figure(area=True)


@figure("foundations/media/dct-basis-3.png")
def dct_basis() -> Figure:
    """DCT-II basis vector k = 3 over N = 20 bands: cos(πk(n + 1/2)/N)."""
    n, k = np.arange(20), 3
    fig, ax = new()
    values = np.cos(np.pi * k * (n + 0.5) / 20)
    ax.axhline(0, color=GREY, lw=1.2)
    ax.vlines(n, 0, values, color=BLUE, lw=3)
    ax.plot(n, values, "o", color=BLUE, ms=8)
    ax.set_xlabel("mel band")
    ax.set_yticks([])
    ax.set_xticks([0, 5, 10, 15, 19])
    return fig


def pulse_train(f0: float | np.ndarray, seconds: float) -> np.ndarray:
    """A glottal-like source: one unit pulse per period of f0 (a scalar or a per-sample track)."""
    count = int(RATE * seconds)
    track = np.broadcast_to(np.asarray(f0, dtype=float), (count,))
    phase = np.cumsum(track) / RATE
    pulses = np.zeros(count)
    pulses[np.flatnonzero(np.diff(np.floor(phase), prepend=0.0))] = 1.0
    return pulses


def formant_filter(x: np.ndarray, formants: list[tuple[float, float]]) -> np.ndarray:
    """Pass `x` through second-order resonators in cascade, one per (frequency, bandwidth)."""
    for freq, bandwidth in formants:
        r = np.exp(-np.pi * bandwidth / RATE)
        theta = 2 * np.pi * freq / RATE
        a = [1, -2 * r * np.cos(theta), r * r]
        x = signal.lfilter([sum(a)], a, x)
    return x


VOWEL_A = [(730.0, 90.0), (1090.0, 110.0), (2440.0, 170.0)]
VOWEL_I = [(270.0, 60.0), (2290.0, 120.0), (3010.0, 200.0)]


def vowel(
    f0: float | np.ndarray, seconds: float, formants: list[tuple[float, float]]
) -> np.ndarray:
    """A synthetic vowel: a pulse train through formant resonators, faded in and out."""
    x = formant_filter(pulse_train(f0, seconds), formants)
    fade = min(len(x) // 2, int(0.02 * RATE))
    ramp = np.sin(np.linspace(0, np.pi / 2, fade)) ** 2
    x[:fade] *= ramp
    x[-fade:] *= ramp[::-1]
    return x / np.max(np.abs(x))


@figure("foundations/media/harmonics-200hz.png")
def harmonics() -> Figure:
    """The spectrogram of a vowel with f0 = 200 Hz: harmonics at 200, 400, 600 Hz, ..."""
    x = vowel(200.0, 0.6, VOWEL_A)
    f, t, s = signal.spectrogram(x, RATE, window="hann", nperseg=1024, noverlap=768)
    db = 10 * np.log10(s + 1e-12)
    keep = f <= 2000
    fig, ax = new()
    ax.pcolormesh(t, f[keep] / 1000, db[keep], cmap="magma", vmin=db.max() - 60, shading="auto")
    ax.set_yticks([0, 0.5, 1, 1.5, 2])
    ax.set_ylabel("kHz")
    ax.set_xlabel("time (s)")
    return fig


@clip("foundations/media/tone-16bit.wav")
def tone_16bit() -> np.ndarray:
    """A 440 Hz tone at half scale for 1.5 s, 16 bits."""
    t = np.arange(int(1.5 * RATE)) / RATE
    return fade(0.5 * np.sin(2 * np.pi * 440 * t))


@clip("foundations/media/tone-3bit.wav")
def tone_3bit() -> np.ndarray:
    """The same tone quantised to 3 bits (8 levels) before it is stored."""
    return quantise(tone_16bit(), 3)


@clip("foundations/media/alias-sweep.wav")
def alias_sweep() -> np.ndarray:
    """A sweep whose frequency rises linearly from 500 Hz to 12 kHz in 3 s, computed sample by
    sample at 16 kHz with no filter: past 8 kHz (Nyquist) it folds back to 16 kHz − f."""
    seconds = 3.0
    t = np.arange(int(seconds * RATE)) / RATE
    f0, f1 = 500.0, 12_000.0
    phase = 2 * np.pi * (f0 * t + (f1 - f0) * t**2 / (2 * seconds))
    return fade(0.5 * np.sin(phase))


@clip("foundations/media/beats-4hz.wav")
def beats() -> np.ndarray:
    """440 Hz plus 444 Hz for 3 s: the sum beats |444 − 440| = 4 times a second."""
    t = np.arange(3 * RATE) / RATE
    return fade(0.25 * (np.sin(2 * np.pi * 440 * t) + np.sin(2 * np.pi * 444 * t)))


def fade(x: np.ndarray, seconds: float = 0.01) -> np.ndarray:
    """Short raised-cosine fades, so clips start and stop without a click."""
    n = int(seconds * RATE)
    ramp = np.sin(np.linspace(0, np.pi / 2, n)) ** 2
    x = x.copy()
    x[:n] *= ramp
    x[-n:] *= ramp[::-1]
    return x


# ---------------------------------------------------------------- asr


def trellis_figure(label: str) -> Figure:
    """The CTC trellis (Graves et al. 2006, fig. 3): the label with blanks around and between
    its symbols, 2U + 1 rows; from row s a path may stay, go to s + 1, or skip to s + 2 when
    s + 2 is a label different from the one at s."""
    rows = ["-"]
    for ch in label:
        rows += [ch, "-"]
    frames = 6
    fig, ax = new(6.4, 3.6)
    bare(ax)
    height = len(rows)
    for s, sym in enumerate(rows):
        y = height - 1 - s
        ax.text(-0.8, y, sym if sym != "-" else "blank", ha="right", va="center", fontsize=14)
        for t in range(frames):
            colour = GREY if sym == "-" else BLUE
            ax.add_patch(Circle((t, y), 0.18, color=colour))
            if t == frames - 1:
                continue
            targets = [s, s + 1]
            if s + 2 < height and rows[s + 2] != "-" and rows[s + 2] != rows[s]:
                targets.append(s + 2)
            for target in targets:
                if target >= height:
                    continue
                arrow = FancyArrowPatch(
                    (t + 0.2, y),
                    (t + 0.8, height - 1 - target),
                    arrowstyle="-|>",
                    mutation_scale=10,
                    color=ORANGE if target == s + 2 else "#5f6368",
                    lw=2.2 if target == s + 2 else 1,
                )
                ax.add_patch(arrow)
    ax.set_xlim(-2.4, frames - 0.5)
    ax.set_ylim(-0.6, height - 0.4)
    ax.set_aspect("equal")
    return fig


@figure("asr/media/ctc-trellis-cat.png")
def trellis_cat() -> Figure:
    """The CTC trellis of the label CAT: 2·3 + 1 = 7 rows."""
    return trellis_figure("CAT")


@figure("asr/media/ctc-trellis-bee.png")
def trellis_bee() -> Figure:
    """The CTC trellis of the label BEE: no skip between the two Es."""
    return trellis_figure("BEE")


def synthetic_logmel(seed: int) -> np.ndarray:
    """A speech-like log-mel picture (80 bands x 300 frames): formant bands that move, with
    noise; only for showing masks on."""
    rng = np.random.default_rng(seed)
    bands, frames = 80, 300
    t = np.arange(frames)
    picture = rng.normal(0, 0.15, (bands, frames))
    for centre, speed, width in ((12, 0.021, 3), (30, 0.013, 4), (52, 0.017, 5)):
        track = centre + 6 * np.sin(speed * t * 2 * np.pi / 3)
        picture += 3 * np.exp(-((np.arange(bands)[:, None] - track[None, :]) ** 2) / width**2)
    loud = (np.sin(t / 300 * 2 * np.pi * 4) > -0.3).astype(float)
    return picture * (0.3 + 0.7 * loud)


@figure("asr/media/specaugment-masks.png")
def specaugment() -> Figure:
    """A log-mel spectrogram with one frequency mask (bands 40-51) and one time mask
    (frames 150-189) set to the mean, as in SpecAugment (Park et al. 2019, fig. 1)."""
    picture = synthetic_logmel(seed=7)
    mean = picture.mean()
    picture[40:52, :] = mean
    picture[:, 150:190] = mean
    fig, ax = new()
    ax.imshow(picture, origin="lower", aspect="auto", cmap="viridis", interpolation="nearest")
    ax.set_xlabel("frame")
    ax.set_ylabel("mel band")
    return fig


def room_impulse_response(rt60: float, seconds: float, seed: int) -> np.ndarray:
    """Exponentially decaying Gaussian noise whose energy falls 60 dB in `rt60` seconds, after a
    unit direct-path impulse."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    envelope = 10 ** (-3 * t / rt60)  # amplitude: energy falls 60 dB at t = rt60
    rir = rng.normal(0, 0.3, n) * envelope
    rir[0] = 1.0
    return rir


@figure("asr/media/decay-curve.png")
def decay_curve() -> Figure:
    """Schroeder's backward-integrated energy decay curve of a synthetic room with RT60 = 0.6 s:
    EDC(t) = ∫ₜ^∞ h²(τ) dτ, in dB."""
    rir = room_impulse_response(0.6, 1.2, seed=3)
    energy = np.cumsum(rir[::-1] ** 2)[::-1]
    edc = 10 * np.log10(energy / energy[0])
    t = np.arange(len(rir)) / RATE
    fig, ax = new()
    ax.plot(t, edc, color=BLUE)
    ax.set_xlim(0, 1.0)
    ax.set_ylim(-80, 2)
    ax.set_yticks([0, -20, -40, -60, -80])
    ax.set_xticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    ax.grid(color=GREY, lw=0.7)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("energy (dB)")
    return fig


def boxes(ax: plt.Axes, labels: list[str], colours: list[str]) -> None:
    """A left-to-right chain of labelled boxes joined by arrows."""
    for i, (text, colour) in enumerate(zip(labels, colours, strict=True)):
        ax.add_patch(Rectangle((i * 1.3, 0), 1.0, 1.6, facecolor=colour, edgecolor="black", lw=1.5))
        ax.text(i * 1.3 + 0.5, 0.8, text, ha="center", va="center", fontsize=14, color="white")
        if i:
            ax.annotate(
                "",
                (i * 1.3, 0.8),
                (i * 1.3 - 0.3, 0.8),
                arrowprops={"arrowstyle": "-|>", "lw": 2},
            )
    ax.set_xlim(-0.1, len(labels) * 1.3 - 0.2)
    ax.set_ylim(-0.1, 1.7)


@figure("asr/media/conformer-gap.png")
def conformer() -> Figure:
    """The Conformer block (Gulati et al. 2020, fig. 1) with its third module left out."""
    fig, ax = new(6.4, 2.0)
    bare(ax)
    boxes(
        ax,
        ["½\nFFN", "MHSA", "?", "½\nFFN", "Layer\nNorm"],
        [BLUE, PURPLE, GREY, BLUE, GREEN],
    )
    return fig


@clip("asr/media/clicks-dry.wav")
def clicks_dry() -> np.ndarray:
    """Four short clicks half a second apart, dry."""
    x = np.zeros(int(2.5 * RATE))
    burst = np.hanning(32) * np.sin(2 * np.pi * 2000 * np.arange(32) / RATE)
    for k in range(4):
        start = int((0.1 + 0.5 * k) * RATE)
        x[start : start + 32] += burst
    return 0.8 * x / np.max(np.abs(x))


@clip("asr/media/clicks-reverb.wav")
def clicks_reverb() -> np.ndarray:
    """The same clicks convolved with a synthetic room impulse response, RT60 = 0.6 s."""
    wet = np.convolve(clicks_dry(), room_impulse_response(0.6, 0.9, seed=3))[: int(2.5 * RATE)]
    return fade(0.8 * wet / np.max(np.abs(wet)))


# ---------------------------------------------------------------- tts


@figure("tts/media/wavenet-dilations.png")
def wavenet() -> Figure:
    """WaveNet's stack of causal convolutions with filter width 2 and dilations 1, 2, 4, 8
    (van den Oord et al. 2016, fig. 3); the last output's receptive field highlighted."""
    width, dilations = 16, [1, 2, 4, 8]
    fig, ax = new(6.4, 3.2)
    bare(ax)
    reach = {width - 1}
    levels = [reach]
    for d in reversed(dilations):
        reach = {i for j in reach for i in (j, j - d) if i >= 0}
        levels.append(reach)
    levels.reverse()  # levels[0]: the inputs the last output sees
    for row in range(len(dilations) + 1):
        for i in range(width):
            lit = i in levels[row]
            ax.add_patch(Circle((i, row), 0.22, color=ORANGE if lit else GREY))
        if row == 0:
            continue
        d = dilations[row - 1]
        for i in levels[row]:
            for j in (i, i - d):
                ax.plot([j, i], [row - 1 + 0.22, row - 0.22], color=ORANGE, lw=1.8)
    labels = ["input", "d = 1", "d = 2", "d = 4", "d = 8"]
    for row, text in enumerate(labels):
        ax.text(-0.8, row, text, ha="right", va="center", fontsize=13)
    ax.set_xlim(-3.2, width - 0.5)
    ax.set_ylim(-0.5, len(dilations) + 0.5)
    ax.set_aspect("equal")
    return fig


def mu_law(x: np.ndarray, mu: float = 255.0) -> np.ndarray:
    """μ-law companding (ITU-T G.711; WaveNet section 2.2): sign(x) ln(1 + μ|x|) / ln(1 + μ)."""
    return np.sign(x) * np.log1p(mu * np.abs(x)) / np.log1p(mu)


@figure("tts/media/mu-law-255.png")
def mu_law_curve() -> Figure:
    """F(x) = sign(x) ln(1 + 255|x|) / ln(256) against the identity."""
    x = np.linspace(-1, 1, 1001)
    fig, ax = new(4.8, 3.2)
    ax.plot(x, x, color=GREY, lw=2, ls="--")
    ax.plot(x, mu_law(x), color=BLUE)
    ax.axhline(0, color="black", lw=0.8)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel("input x")
    ax.set_ylabel("F(x)")
    ax.set_xticks([-1, 0, 1])
    ax.set_yticks([-1, 0, 1])
    return fig


def quiet_tone() -> np.ndarray:
    t = np.arange(int(1.5 * RATE)) / RATE
    return 0.02 * np.sin(2 * np.pi * 440 * t)


@clip("tts/media/quiet-8bit-linear.wav")
def quiet_linear() -> np.ndarray:
    """A quiet 440 Hz tone (peak 0.02, about −34 dBFS) quantised to 8 bits uniformly, then
    amplified 20 times so it can be heard."""
    return fade(20 * quantise(quiet_tone(), 8))


@clip("tts/media/quiet-8bit-mulaw.wav")
def quiet_mulaw() -> np.ndarray:
    """The same tone quantised to 8 bits after μ-law companding (μ = 255), expanded back, then
    amplified 20 times."""
    mu = 255.0
    coded = quantise(mu_law(quiet_tone(), mu), 8)
    decoded = np.sign(coded) * np.expm1(np.abs(coded) * np.log1p(mu)) / mu
    return fade(20 * decoded)


@figure("tts/media/mpd-period-3.png")
def mpd_period() -> Figure:
    """An MPD sub-discriminator's reshape (Kong et al. 2020, fig. 2): 12 samples of a 1-D
    signal become a 2-D array of T/p rows and p columns, here p = 3."""
    period, length = 3, 12
    colours = [BLUE, ORANGE, GREEN]
    fig, ax = new(6.4, 2.8)
    bare(ax)
    for i in range(length):
        ax.add_patch(Rectangle((i * 0.5, 3.2), 0.45, 0.6, color=colours[i % period]))
        ax.text(
            i * 0.5 + 0.225, 3.5, str(i + 1), ha="center", va="center", color="white", fontsize=11
        )
    for i in range(length):
        row, col = divmod(i, period)
        x, y = 2.2 + col * 0.55, 2.3 - row * 0.65
        ax.add_patch(Rectangle((x, y), 0.5, 0.6, color=colours[i % period]))
        ax.text(x + 0.25, y + 0.3, str(i + 1), ha="center", va="center", color="white", fontsize=11)
    ax.annotate("", (3.0, 2.95), (3.0, 3.15), arrowprops={"arrowstyle": "-|>", "lw": 2})
    ax.set_xlim(-0.1, 6.1)
    ax.set_ylim(-0.3, 3.9)
    ax.set_aspect("equal")
    return fig


@figure("tts/media/length-regulator.png")
def length_regulator() -> Figure:
    """FastSpeech's length regulator (Ren et al. 2019, fig. 1c, section 3.2): phoneme states
    repeated by their durations D = [2, 2, 3, 1]."""
    durations = [2, 2, 3, 1]
    colours = [BLUE, ORANGE, GREEN, PURPLE]
    fig, ax = new(6.4, 2.6)
    bare(ax)
    frame = 0
    for i, d in enumerate(durations):
        ax.add_patch(Rectangle((i * 1.6 + 0.8, 2.0), 1.0, 0.8, color=colours[i]))
        ax.text(i * 1.6 + 1.3, 2.4, f"h{i + 1}", ha="center", va="center", color="white")
        ax.text(i * 1.6 + 1.3, 3.1, f"d = {d}", ha="center", va="center", fontsize=14)
        for _ in range(d):
            ax.add_patch(Rectangle((frame * 0.85, 0), 0.75, 0.8, color=colours[i]))
            frame += 1
    ax.set_xlim(-0.1, max(frame * 0.85, 7.2))
    ax.set_ylim(-0.2, 3.5)
    ax.set_aspect("equal")
    return fig


# ---------------------------------------------------------------- speaker verification


@figure("speaker-verification/media/det-two-systems.png")
def det_curves() -> Figure:
    """DET curves of two systems whose target and non-target scores are unit-variance Gaussians
    d' apart (A: d' = 2, B: d' = 3), on normal-deviate axes where they are straight lines:
    P_miss = Φ(θ − d'), P_fa = 1 − Φ(θ); EER = Φ(−d'/2) (15.9 % and 6.7 %)."""
    theta = np.linspace(-4, 7, 500)
    fig, ax = new(4.8, 3.6)
    ticks = np.array([0.01, 0.02, 0.05, 0.1, 0.2, 0.4])
    for name, d, colour in (("A", 2.0, ORANGE), ("B", 3.0, BLUE)):
        miss = stats.norm.cdf(theta - d)
        fa = stats.norm.sf(theta)
        ax.plot(stats.norm.ppf(fa), stats.norm.ppf(miss), color=colour, label=name)
        eer = stats.norm.cdf(-d / 2)
        ax.plot(stats.norm.ppf(eer), stats.norm.ppf(eer), "o", color=colour, ms=9)
    ax.plot(stats.norm.ppf([0.005, 0.5]), stats.norm.ppf([0.005, 0.5]), color=GREY, lw=1, ls=":")
    ax.set_xticks(stats.norm.ppf(ticks), [f"{100 * v:g}" for v in ticks])
    ax.set_yticks(stats.norm.ppf(ticks), [f"{100 * v:g}" for v in ticks])
    ax.set_xlim(stats.norm.ppf(0.005), stats.norm.ppf(0.5))
    ax.set_ylim(stats.norm.ppf(0.005), stats.norm.ppf(0.5))
    ax.set_xlabel("false alarm (%)")
    ax.set_ylabel("miss (%)")
    ax.legend(frameon=False)
    return fig


@figure("speaker-verification/media/score-threshold.png")
def score_threshold() -> Figure:
    """Non-target scores N(0, 1) and target scores N(3, 1) with a threshold at 1.5: the shaded
    tails are the false alarms (non-targets above) and the misses (targets below)."""
    s = np.linspace(-4, 7, 1000)
    non, tar = stats.norm.pdf(s, 0, 1), stats.norm.pdf(s, 3, 1)
    threshold = 1.5
    fig, ax = new()
    ax.plot(s, non, color=ORANGE, label="non-target")
    ax.plot(s, tar, color=BLUE, label="target")
    ax.fill_between(s, non, where=s >= threshold, color=ORANGE, alpha=0.5)
    ax.fill_between(s, tar, where=s <= threshold, color=BLUE, alpha=0.5)
    ax.axvline(threshold, color="black", lw=2)
    ax.set_yticks([])
    ax.set_xlabel("score")
    ax.legend(frameon=False, loc="upper right")
    return fig


@clip("speaker-verification/media/vowel-noise.wav")
def vowel_noise() -> np.ndarray:
    """A synthetic vowel (f0 120 Hz) with white Gaussian noise added at 5 dB SNR."""
    x = vowel(120.0, 2.0, VOWEL_A)
    noise = np.random.default_rng(11).normal(0, 1, len(x))
    noise *= np.sqrt(np.mean(x**2) / np.mean(noise**2) / 10 ** (5 / 10))
    y = x + noise
    return fade(0.8 * y / np.max(np.abs(y)))


@clip("speaker-verification/media/vowel-reverb.wav")
def vowel_reverb() -> np.ndarray:
    """The same vowel convolved with a synthetic room impulse response, RT60 = 0.8 s."""
    x = vowel(120.0, 2.0, VOWEL_A)
    wet = np.convolve(x, room_impulse_response(0.8, 1.0, seed=5))[: len(x) + RATE // 2]
    return fade(0.8 * wet / np.max(np.abs(wet)))


# ---------------------------------------------------------------- diarization


@figure("diarization/media/der-timeline.png")
def der_timeline() -> Figure:
    """A reference and a hypothesis over 20 s with 16 s of reference speech; the errors marked:
    2 s missed, 1 s false alarm, 1 s confused. DER = (2 + 1 + 1) / 16 = 25 %."""
    reference = [(0, 6, "A"), (8, 18, "B")]
    hypothesis = [(0, 4, "A"), (6, 7, "A"), (8, 9, "A"), (9, 18, "B")]
    errors = [(4, 6, RED, "miss"), (6, 7, ORANGE, "false alarm"), (8, 9, PURPLE, "confusion")]
    colours = {"A": BLUE, "B": GREEN}
    fig, ax = new(6.4, 2.8)
    for y, segments in ((2, reference), (1, hypothesis)):
        for start, end, who in segments:
            ax.add_patch(Rectangle((start, y - 0.35), end - start, 0.7, color=colours[who]))
            ax.text((start + end) / 2, y, who, ha="center", va="center", color="white")
    for start, end, colour, _ in errors:
        ax.add_patch(Rectangle((start, 0.1), end - start, 0.35, color=colour))
    ax.set_yticks([2, 1, 0.27], ["ref", "hyp", "error"])
    ax.set_xticks(range(0, 21, 2))
    ax.set_xlim(0, 20)
    ax.set_ylim(0, 2.5)
    ax.set_xlabel("time (s)")
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    return fig


@figure("diarization/media/arrival-order.png")
def arrival_order() -> Figure:
    """Three speakers' activity; Cy speaks first (1 s), Ana second (3 s), Bo last (6 s)."""
    activity = {"Ana": [(3, 5), (8, 9)], "Bo": [(6, 8), (9.5, 11)], "Cy": [(1, 3), (5, 6)]}
    colours = {"Ana": BLUE, "Bo": GREEN, "Cy": ORANGE}
    fig, ax = new(6.4, 2.4)
    for y, (who, spans) in enumerate(activity.items()):
        for start, end in spans:
            ax.add_patch(Rectangle((start, 2 - y - 0.3), end - start, 0.6, color=colours[who]))
    ax.set_yticks([2, 1, 0], list(activity))
    ax.set_xlim(0, 12)
    ax.set_ylim(-0.5, 2.5)
    ax.set_xlabel("time (s)")
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    return fig


def place(x: np.ndarray, total: float, start: float) -> np.ndarray:
    out = np.zeros(int(total * RATE))
    begin = int(start * RATE)
    out[begin : begin + len(x)] += x[: len(out) - begin]
    return out


@clip("diarization/media/two-voices-overlap.wav")
def overlap() -> np.ndarray:
    """A low voice (f0 110 Hz) from 0 to 1.6 s and a high voice (f0 220 Hz) from 1.0 to 2.6 s:
    they overlap from 1.0 to 1.6 s."""
    low = place(vowel(110.0, 1.6, VOWEL_A), 2.8, 0.0)
    high = place(vowel(220.0, 1.6, VOWEL_I), 2.8, 1.0)
    y = low + high
    return 0.8 * y / np.max(np.abs(y))


@clip("diarization/media/two-voices-pause.wav")
def pause() -> np.ndarray:
    """A low voice from 0 to 1 s, silence until 1.6 s, then a high voice until 2.6 s."""
    low = place(vowel(110.0, 1.0, VOWEL_A), 2.8, 0.0)
    high = place(vowel(220.0, 1.0, VOWEL_I), 2.8, 1.6)
    y = low + high
    return 0.8 * y / np.max(np.abs(y))


# ---------------------------------------------------------------- voice conversion


@figure("voice-conversion/media/knn-matching.png")
def knn_matching() -> Figure:
    """kNN-VC's matching (Baas et al. 2023) drawn in two dimensions: a source frame (star), the
    target speaker's frames (dots), its k = 4 nearest by cosine distance circled, their mean (x)."""
    rng = np.random.default_rng(4)
    # unit-length features (as cosine distance sees them): nearest by angle is nearest on screen
    angles = np.linspace(0.1, np.pi / 2 - 0.1, 13) + rng.uniform(-0.03, 0.03, 13)
    target = np.c_[np.cos(angles), np.sin(angles)]
    source = np.array([np.cos(0.74), np.sin(0.74)])
    cosine = 1 - target @ source
    nearest = np.argsort(cosine)[:4]
    mean = target[nearest].mean(axis=0)
    fig, ax = new(4.8, 3.6)
    ax.plot(*target.T, "o", color=BLUE, ms=7)
    ax.plot(*target[nearest].T, "o", ms=16, mfc="none", mec=ORANGE, mew=2.5)
    ax.plot(*source, "*", color=RED, ms=28)
    ax.plot(*mean, "X", color="black", ms=10)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_aspect("equal")
    return fig


@clip("voice-conversion/media/pitch-change.wav")
def pitch_change() -> np.ndarray:
    """One vowel: f0 120 Hz for 1.2 s, then 190 Hz for 1.2 s; formants unchanged."""
    track = np.r_[np.full(int(1.2 * RATE), 120.0), np.full(int(1.2 * RATE), 190.0)]
    return 0.8 * vowel(track, 2.4, VOWEL_A)


@clip("voice-conversion/media/formant-change.wav")
def formant_change() -> np.ndarray:
    """f0 stays 120 Hz; the formants move up by 25 % half-way (a shorter vocal tract)."""
    first = vowel(120.0, 1.2, VOWEL_A)
    second = vowel(120.0, 1.2, [(f * 1.25, b * 1.25) for f, b in VOWEL_A])
    return 0.8 * np.r_[first, second]


# ---------------------------------------------------------------- transformers


@figure("transformers/media/causal-mask.png")
def causal_mask() -> Figure:
    """An 8 x 8 attention mask in which query i may attend to keys j ≤ i."""
    n = 8
    allowed = np.tril(np.ones((n, n)))
    fig, ax = new(3.6, 3.6)
    ax.imshow(allowed, cmap="Blues", vmin=-0.3, vmax=1.2)
    ax.set_xticks(range(n), [str(i + 1) for i in range(n)])
    ax.set_yticks(range(n), [str(i + 1) for i in range(n)])
    ax.set_xlabel("key position")
    ax.set_ylabel("query position")
    for spine in ax.spines.values():
        spine.set_visible(False)
    return fig


# ---------------------------------------------------------------- writing and checking


def png_bytes(fig: Figure) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", metadata={"Software": None})
    plt.close(fig)
    return out.getvalue()


def wav_bytes(samples: np.ndarray) -> bytes:
    pcm = np.clip(np.round(samples * 32767), -32768, 32767).astype("<i2")
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())
    return out.getvalue()


def build(out: Path) -> list[Path]:
    """Write every figure and clip under `out` (a decks folder); return the paths written."""
    written = []
    for name, make_figure in FIGURES.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(png_bytes(make_figure()))
        written.append(path)
    for name, make_clip in CLIPS.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(wav_bytes(make_clip()))
        written.append(path)
    return written


def same(made: Path, committed: Path) -> bool:
    """Equal bytes; or, for a PNG, equal pixels; or, for a WAV, samples within one step."""
    if not committed.is_file():
        return False
    if made.read_bytes() == committed.read_bytes():
        return True
    if made.suffix == ".png":
        from PIL import Image, ImageChops

        with Image.open(made) as a, Image.open(committed) as b:
            return (
                a.size == b.size
                and ImageChops.difference(a.convert("RGBA"), b.convert("RGBA")).getbbox() is None
            )
    if made.suffix == ".wav":
        with wave.open(str(made)) as a, wave.open(str(committed)) as b:
            if a.getparams() != b.getparams():
                return False
            x = np.frombuffer(a.readframes(a.getnframes()), "<i2").astype(int)
            y = np.frombuffer(b.readframes(b.getnframes()), "<i2").astype(int)
            return bool(np.max(np.abs(x - y), initial=0) <= 1)
    return False


def check() -> int:
    """Regenerate into a temporary folder and compare with the committed files."""
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        made = build(Path(tmp))
        names = {p.relative_to(tmp).as_posix() for p in made}
        for path in made:
            name = path.relative_to(tmp).as_posix()
            if not same(path, DECKS / name):
                problems.append(f"decks/{name}: differs from what scripts/make_media.py makes")
    for path in sorted(DECKS.glob("*/media/*")):
        name = path.relative_to(DECKS).as_posix()
        if name not in names:
            problems.append(f"decks/{name}: not made by scripts/make_media.py")
    for line in problems:
        print(line)
    print(f"{len(names)} files checked, {len(problems)} problems", file=sys.stderr)
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args()
    if args.check:
        return check()
    for path in build(DECKS):
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
