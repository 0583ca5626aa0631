"""The bundled decks cover every roadmap topic and meet the bar for a good deck."""

from __future__ import annotations

from collections import Counter

import pytest

from quizzer.decks.models import Typed
from quizzer.decks.tree import DeckTree, load_tree
from quizzer.paths import bundled_decks

# Every topic of the roadmap's topic list, by domain, and the deck that teaches it.
TOPICS: dict[str, dict[str, str]] = {
    "foundations": {
        "digital audio (sampling, Nyquist, aliasing, PCM quantization)": "digital-audio",
        "STFT and windows": "stft",
        "mel scale and mel spectrograms": "mel-spectrogram",
        "MFCCs": "mfcc",
        "waveform vs spectral features": "waveform-vs-spectral",
        "neural-network training basics": "nn-training",
    },
    "tools": {
        "PyTorch for audio": "pytorch-audio",
        "librosa": "librosa",
        "torchaudio": "torchaudio",
        "ffmpeg / sox / pydub": "ffmpeg-sox-pydub",
        "noisereduce": "noisereduce",
        "Hugging Face datasets and the Audio Course": "huggingface-audio",
        "Audacity for data debugging": "audacity",
    },
    "transformers": {
        "attention and multi-head attention": "attention",
        "positional encoding and encoder-decoder": "transformer",
    },
    "asr": {
        "CTC": "ctc",
        "SpecAugment": "specaugment",
        "wav2vec 2.0": "wav2vec2",
        "Conformer": "conformer",
        "Whisper": "whisper",
        "Fast Conformer": "fast-conformer",
        "Zipformer": "zipformer",
        "ChunkFormer": "chunkformer",
        "room simulation for far-field data": "room-simulation",
        "SpeechBrain recipes": "speechbrain",
        "ASR metrics (WER, CER)": "asr-metrics",
    },
    "tts": {
        "WaveNet": "wavenet",
        "Tacotron": "tacotron",
        "WaveGlow": "waveglow",
        "FastSpeech and FastSpeech 2": "fastspeech",
        "HiFi-GAN": "hifi-gan",
        "VITS": "vits",
        "JETS": "jets",
        "NaturalSpeech": "naturalspeech",
        "Kokoro": "kokoro",
        "Vietnamese G2P": "vietnamese-g2p",
        "TTS metrics (MOS, CMOS)": "tts-metrics",
    },
    "speaker-verification": {
        "i-vectors": "i-vectors",
        "x-vectors": "x-vectors",
        "VoxCeleb": "voxceleb",
        "ECAPA-TDNN": "ecapa-tdnn",
        "ResNet / Res2Net backbones": "resnet-res2net",
        "CAM++": "campplus",
        "ERes2NetV2": "eres2netv2",
        "ReDimNet": "redimnet",
        "3D-Speaker": "3d-speaker",
        "metrics (EER, minDCF)": "metrics",
        "scoring (cosine, PLDA)": "scoring",
    },
    "diarization": {
        "the classic pipeline": "pipeline",
        "pyannote.audio": "pyannote",
        "NeMo multi-scale diarization (MSDD)": "msdd",
        "DiarizationLM": "diarizationlm",
        "Sortformer and Sort Loss": "sortformer",
        "Streaming Sortformer": "streaming-sortformer",
        "DER and its parts": "der",
    },
    "voice-conversion": {
        "AutoVC": "autovc",
        "AGAIN-VC": "again-vc",
        "YourTTS": "yourtts",
        "kNN-VC": "knn-vc",
        "Seed-VC": "seed-vc",
        "VC evaluation": "vc-evaluation",
    },
    "research-trends": {
        "audio-language models (Qwen-Audio)": "qwen-audio",
        "neural codecs and speech tokens": "neural-codecs",
        "CosyVoice and CosyVoice 3": "cosyvoice",
        "F5-TTS and flow matching": "f5-tts",
        "Qwen3-ASR and Qwen3-TTS": "qwen3-asr-tts",
        "speech dialogue models": "speech-dialogue",
    },
}
PART_ONE = ("foundations", "tools", "transformers", "asr", "tts")
PART_TWO = ("speaker-verification", "diarization", "voice-conversion", "research-trends")


@pytest.fixture(scope="module")
def tree() -> DeckTree:
    return load_tree(bundled_decks())


def test_bundled_decks_lint_clean(tree: DeckTree) -> None:
    assert [str(p) for p in tree.problems] == []


@pytest.mark.parametrize(
    ("domain", "topic", "slug"),
    [(d, t, s) for d, topics in TOPICS.items() for t, s in topics.items()],
)
def test_every_topic_has_a_deck(tree: DeckTree, domain: str, topic: str, slug: str) -> None:
    assert f"{domain}/{slug}" in tree.decks, f"no deck for {topic!r}"


def test_every_deck_meets_the_bar(tree: DeckTree) -> None:
    for deck_id, loaded in tree.decks.items():
        deck = loaded.deck
        assert len(deck.questions) >= 12, deck_id
        assert len({q.type for q in deck.questions}) >= 3, deck_id
        assert deck.sources, f"{deck_id} lists no sources"
        for q in deck.questions:
            assert q.source, f"{deck_id}:{q.id} names no source"
            assert q.explanation, f"{deck_id}:{q.id} has no explanation"


def test_no_unexpected_decks(tree: DeckTree) -> None:
    expected = {f"{d}/{s}" for d, topics in TOPICS.items() for s in topics.values()}
    assert set(tree.decks) == expected


@pytest.mark.parametrize(("domains", "minimum"), [(PART_ONE, 350), (PART_TWO, 300)])
def test_domain_totals(tree: DeckTree, domains: tuple[str, ...], minimum: int) -> None:
    total = sum(len(d.deck.questions) for d in tree.decks.values() if d.domain in domains)
    assert total >= minimum


def test_typed_answers_are_short(tree: DeckTree) -> None:
    """The answer shown (the first) is short enough to type; longer aliases are accepted too."""
    for deck_id, loaded in tree.decks.items():
        for q in loaded.deck.questions:
            if isinstance(q, Typed):
                assert len(q.answers[0]) <= 32, f"{deck_id}:{q.id}"


def test_known_citation_traps(tree: DeckTree) -> None:
    """arXiv 2005.08100 is Conformer, not wav2vec 2.0 (2006.11477)."""
    for deck_id, loaded in tree.decks.items():
        for q in loaded.deck.questions:
            src = (q.source or "").lower()
            if "2005.08100" in src:
                assert "wav2vec" not in src, f"{deck_id}:{q.id}"
            if "wav2vec" in src and "arxiv" in src:
                assert "2005.08100" not in src, f"{deck_id}:{q.id}"


def test_type_counts_are_varied(tree: DeckTree) -> None:
    counts = Counter(q.type for d in tree.decks.values() for q in d.deck.questions)
    assert set(counts) == {"basic", "cloze", "choice", "typed", "numeric", "order"}


def test_bundled_decks_have_no_lint_warnings(tree: DeckTree) -> None:
    """`quizzer lint --strict` passes: every wrong choice says why, every question has a source
    and an explanation, no control characters, no typed answer accepted by two questions."""
    from quizzer.decks.lint import deck_warnings

    warnings = [str(w) for d in tree.decks.values() for w in deck_warnings(d, str(d.path))]
    assert warnings == []


def test_media_files_are_sound_and_used_where_they_teach(tree: DeckTree) -> None:
    """Every figure and clip passes lint, asks an auto-graded question, names its source, and
    the decks use them across the domains."""
    from quizzer.decks.media import check_tree, question_media

    assert check_tree(tree) == []
    figures: Counter[str] = Counter()
    clips: Counter[str] = Counter()
    for deck_id, loaded in tree.decks.items():
        for q in loaded.deck.questions:
            refs = question_media(q)
            if not refs:
                continue
            assert q.auto_graded, f"{deck_id}:{q.id}"
            assert "scripts/make_media.py" in (q.source or ""), f"{deck_id}:{q.id}"
            for ref in refs:
                (figures if ref.kind == "image" else clips)[deck_id] += 1
    assert sum(figures.values()) >= 25 and len(figures) >= 15
    assert sum(clips.values()) >= 12 and len(clips) >= 6
    domains = {d.split("/")[0] for d in figures} | {d.split("/")[0] for d in clips}
    assert {
        "foundations",
        "asr",
        "tts",
        "speaker-verification",
        "diarization",
        "voice-conversion",
    } <= domains
