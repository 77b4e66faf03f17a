"""Text normalisation shared by the directory search, duplicate detection and imports.

Latin-script text is folded (lower case, accents removed, punctuation to spaces) and split
into words; text in scripts written without spaces between words (Chinese, Japanese, Thai,
Lao, Khmer, Myanmar) is cut into overlapping character bigrams, so that any substring of two
or more characters can be found with an array-containment query on a GIN index.
"""

import re
import unicodedata

# Scripts written without spaces between words.
_UNSPACED = (
    "\u0e00-\u0e7f"  # Thai
    "\u0e80-\u0eff"  # Lao
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff\u19e0-\u19ff"  # Khmer and Khmer symbols
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs
    "\uac00-\ud7af"  # Hangul syllables
)
UNSPACED_RUN = re.compile(f"[{_UNSPACED}]+")
_WORD = re.compile(r"[a-z0-9]+")


def fold(text: str) -> str:
    """Return ``text`` in lower case without accents (Hồ Chí Minh → ho chi minh)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    without_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return without_marks.replace("đ", "d").replace("ø", "o").replace("ł", "l").replace("ß", "ss")


def latin_words(text: str) -> list[str]:
    """Return the folded Latin-script words and numbers of ``text``, in order."""
    return _WORD.findall(fold(text))


def unspaced_runs(text: str) -> list[str]:
    """Return the runs of characters of scripts written without spaces (NFC-normalised)."""
    return UNSPACED_RUN.findall(unicodedata.normalize("NFC", text))


def bigrams(run: str) -> list[str]:
    """Return the overlapping character pairs of ``run`` (a single character stays alone)."""
    if len(run) < 2:
        return [run] if run else []
    return [run[i : i + 2] for i in range(len(run) - 1)]


def script_grams(*texts: str) -> list[str]:
    """Return the sorted, distinct bigrams of the unspaced-script text in ``texts``."""
    grams: set[str] = set()
    for text in texts:
        for run in unspaced_runs(text or ""):
            grams.update(bigrams(run))
    return sorted(grams)


def trigrams(word: str) -> list[str]:
    """Return the distinct character trigrams of ``word`` padded with spaces, as pg_trgm does."""
    padded = f"  {word} "
    return sorted({padded[i : i + 3] for i in range(len(padded) - 2)})
