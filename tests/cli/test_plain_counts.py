"""The command line's plain-text output counts in words ("1 supplier", "2 items", "Item 99 is not ..."), never
"supplier(s)" or "item(s)"; --json output is unchanged."""
import json

from tests.cli.test_cli_core import assessed_workspace, dbfile, run  # noqa: F401 - fixture and helpers, shared


def test_lists_and_errors_count_in_words(capsys, dbfile):
    d = assessed_workspace(dbfile)
    code, out, err = run(capsys, "--db", dbfile, "suppliers", "list")
    assert code == 0, err
    assert out.rstrip().endswith("\n1 supplier") and "(s)" not in out
    code, out, err = run(capsys, "--db", dbfile, "caps", "items", "--supplier", "BD-0001")
    assert code == 0, err
    assert out.rstrip().endswith("\n2 items") and "(s)" not in out
    code, out, err = run(capsys, "--db", dbfile, "caps", "item-status", "verified", "999999")
    assert code == 2 and "(s)" not in err and "No CAP item 999999" in err
    code, out, err = run(capsys, "--db", dbfile, "laws", "list", "--country", "Bangladesh")
    assert code == 0 and "(s)" not in out and " law reference" in out
    code, out, _ = run(capsys, "--db", dbfile, "suppliers", "list", "--json")
    assert [r["code"] for r in json.loads(out)] == ["BD-0001"]
    assert d.cap_id is not None


def test_the_plural_helpers_agree():
    from csrdesk.domain.reporting import numbered, plural, verb

    assert plural(1, "supplier") == "1 supplier" and plural(0, "supplier") == "0 suppliers"
    assert numbered("Item", [4]) == "Item 4" and numbered("Item", [4, 5, 7]) == "Items 4, 5 and 7"
    assert verb(1, "is", "are") == "is" and verb(2, "is", "are") == "are"


def test_caps_items_help_explains_every_option(capsys):
    """`csrdesk caps items --help` says what each option does (it listed them without a word; fresh new-user pass)."""
    import pytest

    from csrdesk.cli import main

    with pytest.raises(SystemExit):
        main(["caps", "items", "--help"])
    out = capsys.readouterr().out
    for words in ("earliest due date first", "past their due date", "within DAYS days", "this supplier's items",
                  "as JSON"):
        assert words in out, out
