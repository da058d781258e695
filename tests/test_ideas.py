"""Enhancement ideas move one way: proposed, adopted, made part of the standard."""

from __future__ import annotations

import pytest

from dashboard.ideas import Step, next_step, standard_with

pytestmark = pytest.mark.both_backends


def test_a_proposed_idea_may_next_be_adopted_without_rewriting_the_standard_by_default():
    assert next_step("proposed") == Step("adopted", "Adopt it", rewrite_standard=False)


def test_an_adopted_idea_may_next_be_made_a_standard_and_rewriting_it_is_offered_ticked():
    assert next_step("adopted") == Step("standard", "Make it a standard", rewrite_standard=True)


def test_an_idea_that_is_already_the_standard_has_no_next_step():
    assert next_step("standard") is None


def test_an_unknown_status_is_refused_with_its_name():
    with pytest.raises(ValueError, match="Unknown idea status 'rejected'"):
        next_step("rejected")


@pytest.mark.parametrize(
    ("standard", "idea", "proposal"),
    [
        ("Arrive on time.", "Text the customer first.", "Arrive on time. Text the customer first."),
        ("", "Text the customer first.", "Text the customer first."),
        ("  Arrive on time. ", " Call ahead ", "Arrive on time. Call ahead"),
    ],
    ids=["appended", "no-standard-yet", "spaces-trimmed"],
)
def test_the_proposed_standard_is_the_old_one_with_the_idea_added_at_its_end(standard: str, idea: str, proposal: str):
    assert standard_with(standard, idea) == proposal
