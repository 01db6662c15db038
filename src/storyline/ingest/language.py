"""Language identification with py3langid (its model ships inside the wheel; no download)."""

from __future__ import annotations

from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

UNDETERMINED = "und"
_SAMPLE_CHARS = 1200  # enough for a confident call; the cost grows with the sample
_MIN_CONFIDENCE = 0.5


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str, min_chars: int = 40) -> tuple[str, float]:
    """Return (ISO 639-1 code, confidence); ``("und", 0.0)`` when the text is too short or unclear."""
    sample = text[:_SAMPLE_CHARS].strip()
    if len(sample) < min_chars:
        return UNDETERMINED, 0.0
    lang, prob = _identifier().classify(sample)
    if prob < _MIN_CONFIDENCE:
        return UNDETERMINED, float(prob)
    return str(lang), float(prob)
