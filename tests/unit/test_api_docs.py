"""docs/API.md is generated from the docstrings (make docs, scripts/api_docs.py) and is not stale."""

import inspect
from pathlib import Path

import pytest

import emr_studio_role
from scripts import api_docs

ROOT = Path(__file__).parents[2]
COMMITTED = ROOT / "docs" / "API.md"


@pytest.fixture(scope="module")
def generated() -> str:
    return api_docs.generate()


def test_committed_api_md_is_what_the_docstrings_generate(generated):
    assert COMMITTED.exists(), "run `make docs`"
    assert COMMITTED.read_text() == generated, "docs/API.md is stale: run `make docs`"


@pytest.mark.parametrize(
    "name", [n for n in emr_studio_role.__all__ if inspect.isclass(getattr(emr_studio_role, n))]
)
def test_every_exported_class_has_its_section(generated, name):
    assert f"\n## {name}\n" in generated


def test_the_construct_signature_shows_its_props(generated):
    start = generated.index('<a id="emr_studio_role.role.EmrStudioServiceRole.__init__">')
    signature = generated[start:generated.index("```\n", generated.index("```python", start) + 10)]
    props = ("bucket", "prefix", "encryption_key", "compute", "git_secret_access", "tag_imported_resources")
    for prop in props:
        assert prop in signature


def test_private_members_are_left_out(generated):
    assert "#emr_studio_role.checks._Renderer" not in generated
    assert "_GuardedStatementsValidation" not in generated


def test_check_mode_fails_on_a_stale_file(tmp_path, generated, monkeypatch):
    monkeypatch.setattr(api_docs, "generate", lambda: generated)
    stale = tmp_path / "API.md"
    stale.write_text(generated.replace("grant_pass_role", "grant_pass"))
    assert api_docs.main(["--check", str(stale)]) == 1
    stale.write_text(generated)
    assert api_docs.main(["--check", str(stale)]) == 0


# ------------------------------------------------------------------ rendering (issue 16)


def test_no_sphinx_role_is_left_unrendered(generated):
    assert not api_docs.SPHINX_ROLE.search(generated)


def test_a_description_is_not_cut_where_a_line_starts_with_a_role(generated):
    assert "bad input raises\n`EmrStudioRoleValidationError` naming the prop." in generated


@pytest.mark.parametrize(
    "member",
    ["IdcUserAssignment.REQUIRED", "IdcUserAssignment.OPTIONAL", "SessionIdentityType.USER",
     "SessionIdentityType.GROUP"],
)
def test_enum_members_have_their_entries(generated, member):
    assert f'<a id="emr_studio_role.options.{member}">' in generated


def test_roles_become_markdown_code():
    text = ":class:`~emr_studio_role.EmrStudio` and :meth:`EmrStudio.user_policy`, :mod:`a.b`"
    assert api_docs.markdown_roles(text) == "`EmrStudio` and `EmrStudio.user_policy()`, `a.b`"


@pytest.mark.parametrize("name", ["EmrStudioRoleStackSet", "StudioStackConfig", "StackSetCaller"])
def test_the_stackset_and_its_config_are_exported(name):
    assert name in emr_studio_role.__all__ and getattr(emr_studio_role, name).__name__ == name
