"""docs/permissions.md is generated from the code (make docs), and says what the page says."""

import json
from pathlib import Path

import pytest

from emr_studio_role import docs

ROOT = Path(__file__).parents[2]
COMMITTED = ROOT / "docs" / "permissions.md"
PAGE = json.loads((ROOT / "tests" / "fixtures" / "aws_page_policies.json").read_text())


@pytest.fixture(scope="module")
def generated() -> str:
    return docs.generate()


def _section(text: str, title: str) -> str:
    start = text.index(title)
    end = text.find("\n## ", start + len(title))
    return text[start:] if end == -1 else text[start:end]


def test_committed_permissions_md_is_what_the_code_generates(generated):
    assert COMMITTED.exists(), "run `make docs`"
    assert COMMITTED.read_text() == generated, "docs/permissions.md is stale: run `make docs`"


def _first_table(text: str) -> list:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| "))
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("|")), len(lines))
    return lines[start + 2:end]  # without the header and its rule


def test_operations_table_has_one_row_per_operation_of_the_page(generated):
    rows = _first_table(_section(generated, "## The page's operations"))
    assert len(rows) == len(PAGE["operations"])
    # In the page's order: row i grants every action of the page's operation i.
    for row, operation in zip(rows, PAGE["operations"]):
        actions_cell = row.split(" | ")[1]
        for action in operation["actions"]:
            assert f"`{action}`" in actions_cell, (operation["operation"], action)


@pytest.mark.parametrize(
    "sid",
    [s["Sid"] for s in PAGE["studio_policy"]["Statement"]]
    + [s["Sid"] for s in PAGE["serverless_policy"]["Statement"]],
)
def test_every_page_sid_is_in_the_operations_table(generated, sid):
    assert f"`{sid}`" in _section(generated, "## The page's operations")


@pytest.mark.parametrize(
    "action", sorted({a for op in PAGE["operations"] for a in op["actions"]})
)
def test_every_action_of_the_page_operations_table_is_documented(generated, action):
    assert f"`{action}`" in _section(generated, "## The page's operations")


def test_narrowed_resources_are_shown_with_the_stack_partition_region_and_account(generated):
    table = _section(generated, "## The page's operations")
    assert "`arn:${Partition}:ec2:${Region}:${Account}:network-interface/*`" in table
    assert "arn:aws:" not in generated


def test_every_mode_has_its_section(generated):
    for title in (
        "### EC2 or EKS (default)",
        "### EMR Serverless",
        "### Git secrets",
        "### Workspace collaboration",
        "### Storage and KMS",
    ):
        assert title in generated
    git = _section(generated, "### Git secrets")
    for mode in ("TAGGED_SECRETS", "LISTED_SECRETS", "USER_ROLE"):
        assert f"`{mode}`" in git


def test_serverless_section_lists_only_the_storage_statements(generated):
    serverless = generated.split("### EMR Serverless\n", 1)[1].split("\n### ", 1)[0]
    sids = [line.split("`")[1] for line in serverless.splitlines() if line.startswith("| `")]
    assert sids == [s["Sid"] for s in PAGE["serverless_policy"]["Statement"]]


def test_check_mode_fails_on_a_stale_file(tmp_path, generated, monkeypatch):
    monkeypatch.setattr(docs, "generate", lambda: generated)
    stale = tmp_path / "permissions.md"
    stale.write_text(generated.replace("AllowEC2ReadOnlyActions", "AllowEC2ReadActions"))
    assert docs.main(["--check", str(stale)]) == 1
    stale.write_text(generated)
    assert docs.main(["--check", str(stale)]) == 0


def test_tagging_section_covers_the_tagging_role_its_policies_and_conditions(generated):
    section = _section(generated, "## Tagging imported resources")
    for sid in ("TagImportedEc2Resources", "UntagImportedEc2Resources", "TagImportedSecrets",
                "UntagImportedSecrets"):
        assert f"| `{sid}` |" in section
    for action in ("ec2:CreateTags", "ec2:DeleteTags", "secretsmanager:TagResource",
                   "secretsmanager:UntagResource", "logs:CreateLogStream", "logs:PutLogEvents"):
        assert f"`{action}`" in section
    assert "`Null` `aws:TagKeys` = `false`" in section
    assert "`aws:RequestTag/for-use-with-amazon-emr-managed-policies` = `true`" in section
    assert "trusts `lambda.amazonaws.com`" in section
    assert "`arn:${Partition}:ec2:${Region}:${Account}:subnet/${SubnetId}`" in section
    assert "`${LogGroup.Arn}`" in section
