"""The README's generated parts: regenerated from the code, and checked by the suite."""

import pytest

from lago_infra import docs


def test_every_generated_part_of_the_readme_is_current():
    text = docs.README.read_text()
    _, stale = docs.render(text)
    assert stale == [], f"stale README parts {stale}: run `python -m lago_infra docs`"


def test_a_stale_part_is_rewritten_and_an_unknown_one_refused(monkeypatch):
    monkeypatch.setitem(docs.GENERATORS, "sample", lambda: "| a | b |")
    text = "before\n<!-- generated:sample -->\nold\n<!-- /generated:sample -->\nafter\n"
    new, changed = docs.render(text)
    assert changed == ["sample"]
    assert new == "before\n<!-- generated:sample -->\n| a | b |\n<!-- /generated:sample -->\nafter\n"
    assert docs.render(new)[1] == []
    with pytest.raises(KeyError, match="no generator"):
        docs.render("<!-- generated:nobody -->\nx\n<!-- /generated:nobody -->\n")
