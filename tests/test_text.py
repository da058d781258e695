"""The one text fold and the rules every stored name and text keeps."""

import pytest

from dashboard import text


def test_names_that_differ_only_in_case_spacing_accents_and_punctuation_share_a_key():
    assert {text.key(n) for n in ["Front-desk check-in", "front desk CHECK IN", " Front desk check\u2011in "]} == {
        "frontdeskcheckin"
    }
    assert text.key("Café <b>Crème</b> &amp; co") == "cafecremeco"
    assert text.key(None) == ""


def test_fold_keeps_word_boundaries():
    assert text.fold("Very   satisfied!") == "very satisfied"
    assert text.fold("How would you rate: Reception?") == "how would you rate reception"


def test_clean_name_normalises_to_nfc_and_removes_invisible_characters():
    decomposed = "Cafe\u0301"
    assert text.clean_name(decomposed) == "Caf\u00e9"
    assert text.clean_name("Invoice \u202egnp.exe") == "Invoice gnp.exe"
    assert text.clean_name("Front\u200bdesk\u00a0 \t check-in") == "Frontdesk check-in"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("   ", "needs a name"),
        ("<b></b>", "no letters or digits"),
        ("\u200b\u200f", "needs a name"),
        ("x" * 201, "at most 200 characters"),
    ],
)
def test_clean_name_refuses_names_that_could_never_be_matched_or_shown(raw, message):
    with pytest.raises(ValueError, match=message):
        text.clean_name(raw, "touchpoint")


def test_clean_text_keeps_line_breaks_and_caps_the_length():
    assert text.clean_text("  First line\r\nsecond \u202eline ") == "First line\nsecond line"
    assert text.clean_text(None) == ""
    with pytest.raises(ValueError, match="at most 5,000 characters"):
        text.clean_text("y" * 5001, "idea")
