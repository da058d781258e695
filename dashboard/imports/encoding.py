"""The text encoding of an uploaded file: byte-order marks, UTF-8, else charset-normalizer.

Valid UTF-8 (and any file with a BOM) takes the fast path: no detection at all. Anything else is
detected with charset-normalizer on a bounded sample (never a 200 MB file), which reads
Central European, Cyrillic, Greek, Japanese and Chinese exports (cp1250, cp1251, cp1253,
Shift_JIS, GB18030) and UTF-16 without a BOM. Two rules keep Western files as they were read
before: a tie between Windows-1252 and another code page goes to Windows-1252, and bytes
0x80-0x9F alone (both Windows code pages use them mostly for the same punctuation) do not
make a file Central European; a Western file Windows-1252 cannot read is Latin-1.
"""

from __future__ import annotations

import codecs

import charset_normalizer
import numpy as np

from dashboard.imports.limits import SurveyError

DETECT_BYTES = 64 * 1024
"""The sample charset-normalizer sees: a few hundred rows, enough to tell scripts apart."""
WESTERN = ("cp1252", "latin-1")
EXPORTED = frozenset(
    [
        *(f"cp{page}" for page in range(1250, 1259)),
        *("cp874", "cp932", "shift-jis", "euc-jp", "gb18030", "gbk", "big5", "cp949", "euc-kr"),
        *("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"),
    ]
)
"""Encodings that spreadsheet and survey tools write when they do not write UTF-8."""
_BINARY = "The file contains NUL bytes: it is not a text survey file (is it binary or damaged?)."
_NAMES = {"utf_8": "utf-8", "latin_1": "latin-1", "iso8859-1": "latin-1"}


def declared_encoding(head: bytes) -> str | None:
    """The encoding a byte-order mark or UTF-16's pattern of zero bytes gives away, if any."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if head.count(0) > len(head) // 4:
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if odd > 0.8 * len(head[1::2]) and even < 0.2 * len(head[0::2]):
            return "utf-16-le"
        if even > 0.8 * len(head[0::2]) and odd < 0.2 * len(head[1::2]):
            return "utf-16-be"
    return None


def detect_encoding(data: bytes) -> str:
    """The encoding of a text file; raises SurveyError for binary content (NUL bytes)."""
    return decode(data)[1]


def decode(data: bytes) -> tuple[str, str]:
    """The text of a file and its encoding (a Python codec name such as ``cp1250``).

    The whole file is decoded once; a large file's bytes are never copied for checks.
    """
    encoding = declared_encoding(data[:4096])
    if encoding is not None:
        candidates = [encoding]
    elif b"\x00" in data:  # binary, or UTF-16 whose text hides the zero-byte pattern (CJK)
        candidates = guess_encodings(_sample(data))
    else:
        try:
            return _text(data.decode("utf-8")), "utf-8"
        except UnicodeDecodeError:
            candidates = guess_encodings(_sample(data))
    failure = ""
    for candidate in candidates:
        try:
            return _text(data.decode(candidate)), candidate
        except UnicodeDecodeError as error:
            failure = error.reason
    raise SurveyError(f"The file looks like {candidates[0]} text but cannot be read as such ({failure}).")


def sample_encoding(head: bytes) -> str:
    """The encoding of a file judged from its first bytes only (for a cheap look at the header)."""
    declared = declared_encoding(head[:4096])
    if declared is not None:
        return declared
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # not just a character cut at the end of the sample
            return guess_encodings(head[:DETECT_BYTES])[0]
    return "utf-8"


def guess_encodings(sample: bytes) -> list[str]:
    """Encodings to try, best first, for a sample that is not UTF-8 and carries no BOM.

    Raises SurveyError when the sample holds NUL bytes and is not UTF-16 or UTF-32 either.
    """
    results = charset_normalizer.from_bytes(sample)
    names = [_name(match.encoding) for match in results]
    if b"\x00" in sample and not (names and names[0].startswith("utf")):
        raise SurveyError(_BINARY)
    if not names:
        return list(WESTERN)
    # Code pages that read a sample equally cleanly (chaos within 1%) are a tie that the library
    # settles by its own order; surveys come from Windows Excel and web tools, so the code pages
    # they write win such a tie (Greek cp1253 over Mac Cyrillic, which reads it as cleanly).
    chaos = [match.chaos for match in results]
    tied = [name for name, mess in zip(names, chaos, strict=True) if mess <= chaos[0] + 0.01]
    best = next((name for name in tied if name in EXPORTED), names[0])
    western = _western(sample)
    if western and ("cp1252" in tied or _only_c1_differs(sample, best, western)):
        return [western, *names, "latin-1"]
    return [best, *names, *WESTERN]


def _name(codec: str) -> str:
    """A codec's name as the preview shows it: ``utf-16-le``, ``cp1250``, ``latin-1``."""
    name = codecs.lookup(codec).name
    return _NAMES.get(name, name.replace("_", "-"))


def _western(sample: bytes) -> str | None:
    """The Western code page that reads ``sample`` (Windows-1252, else Latin-1), if any."""
    if b"\x00" in sample:
        return None
    try:
        sample.decode("cp1252")
    except UnicodeDecodeError:
        return "latin-1"
    return "cp1252"


def _only_c1_differs(sample: bytes, best: str, western: str) -> bool:
    """Whether ``best`` (a single-byte code page) reads the sample as ``western`` does, except
    in bytes 0x80-0x9F."""
    high = np.unique(np.frombuffer(sample, dtype=np.uint8))
    high = high[high >= 0xA0]
    try:
        return high.tobytes().decode(best) == high.tobytes().decode(western)
    except (UnicodeDecodeError, LookupError):
        return False


def _sample(data: bytes) -> bytes:
    """The start of a file, cut after a line end so no character is split (UTF-16: even length)."""
    if len(data) <= DETECT_BYTES:
        return data
    sample = data[:DETECT_BYTES]
    if b"\x00" in sample:
        return sample[: len(sample) // 2 * 2]
    cut = sample.rfind(b"\n")
    return sample[: cut + 1] if cut > DETECT_BYTES // 2 else sample


def _text(text: str) -> str:
    if "\x00" in text:
        raise SurveyError(_BINARY)
    return text.removeprefix("\ufeff")
