"""Counts read as a person would write them."""

import pytest

from explorer.wording import counted


@pytest.mark.parametrize(
    "number, noun, plural, expected",
    [
        (1, "article", None, "1 article"),
        (0, "article", None, "0 articles"),
        (2, "passage", None, "2 passages"),
        (1, "query", "queries", "1 query"),
        (3, "query", "queries", "3 queries"),
    ],
)
def test_counted_uses_the_singular_only_for_one(number, noun, plural, expected):
    assert counted(number, noun, plural) == expected
