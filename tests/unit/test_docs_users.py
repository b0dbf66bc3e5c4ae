"""docs/permissions.md says what is synthesized: the guarded statements' ARNs (issue 15: rows 7
and 10 described them as narrowed), and the users' departures, table notes and broad grants."""

from pathlib import Path

from emr_studio_role import statements as st
from emr_studio_role import user_notes as un

TEXT = (Path(__file__).parents[2] / "docs" / "permissions.md").read_text()


def _row(sid: str) -> str:
    (line,) = [row for row in TEXT.splitlines() if f"| `{sid}` | TAGGING |" in row]
    return line


def test_the_guarded_statements_rows_say_region_and_account_stay_star_as_synthesized():
    for sid in st.GUARDED_SIDS:
        row = _row(sid)
        assert ":ec2:*:*:" in row
        assert "region and account stay `*`" in row
        assert "the stack's partition, region and account" not in row


def test_every_departure_from_the_pages_user_policies_is_documented():
    section = TEXT[TEXT.index("### Where the user policies differ from the page"):]
    for departure in un.DEPARTURES:
        assert f"| `{departure.sid}` |" in section


def test_every_table_note_is_documented_with_the_pages_words_and_the_choice():
    section = TEXT[TEXT.index("### The page's operations table against its own example policies"):]
    for note in un.TABLE_NOTES:
        assert f"| {note.operation} | {', '.join(level.name for level in note.levels)} |" in section
        assert note.choice.replace("|", "\\|") in section


def test_every_broad_grant_of_the_advanced_policy_is_documented_row_by_row():
    section = TEXT[TEXT.index("### The advanced policy's broad grants"):]
    for grant in un.BROAD_GRANTS:
        assert "<br>".join(f"`{a}`" for a in grant.actions) in section


def test_the_readme_names_exactly_the_studio_properties_whose_change_replaces_it():
    """README, 'Changes that replace the Studio': the create-only properties of the resource
    schema that the pinned cfn-lint ships."""
    import importlib.util
    import json
    import re

    # cfn-lint's folder, found without importing cfn-lint (about 0.45 CPU-s on a worker that
    # does not lint): the schemas are read as files.
    spec = importlib.util.find_spec("cfnlint")
    assert spec is not None and spec.origin, "cfn-lint is not installed: run `make setup`"
    schemas = Path(spec.origin).parent / "data" / "schemas"
    provider = json.loads((schemas / "providers" / "us-east-1.json").read_text())
    schema = json.loads((schemas / "resources" / f"{provider['AWS::EMR::Studio']}.json").read_text())
    create_only = {p.rsplit("/", 1)[-1] for p in schema["createOnlyProperties"]}
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    section = readme[readme.index("**Changes that replace the Studio.**"):]
    section = section[: section.index("A replaced Studio")]
    assert set(re.findall(r"`([A-Z][A-Za-z]+)`", section)) == create_only
