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
