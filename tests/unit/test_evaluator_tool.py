"""The IAM evaluator's own helper (tests/tools/locale_compare.mjs, imported by simulate.mjs):
its ``String.prototype.localeCompare`` compares as V8's own, on the calls iam-simulate makes and
on the others, which it hands to V8's.  And the batch as ``tests.helpers.simulate`` sends it:
each distinct policy once, named by its index."""

import json
import subprocess

import pytest

from tests.helpers import SIMULATE, _evaluator_input, simulate, suite_node

LOCALE_COMPARE = SIMULATE.parent / "locale_compare.mjs"

#: Strings that collators treat differently by sensitivity, locale, or neither.
WORDS = [
    "", "a", "A", "á", "Á", "b", "ß", "ss", "SS", "i", "I", "İ", "ı", "résumé", "Resume",
    "elasticmapreduce", "ElasticMapReduce", "s3:GetObject", "S3:getobject", "arn:aws:s3:::b/*",
    "ARN:AWS:S3:::B/*", "\u00e9", "e\u0301", "secret-1", "secret-10", "secret-2",
]
#: (locales, options) as the library passes them, and some it does not (V8's own path).
CALLS = [
    (None, {"sensitivity": "accent"}), ("en", {"sensitivity": "base"}),
    (None, {"sensitivity": "case"}), (None, {"sensitivity": "variant"}), ("tr", {"sensitivity": "base"}),
    (None, None), (None, {"sensitivity": "base", "numeric": True}), ("de", {"usage": "search"}),
]

_COMPARE = """
const native = String.prototype.localeCompare
await import(process.argv[1])
const { words, calls } = JSON.parse(process.argv[2])
const differ = []
for (const [locales, options] of calls)
  for (const a of words)
    for (const b of words) {
      const mine = a.localeCompare(b, locales ?? undefined, options ?? undefined)
      const theirs = native.call(a, b, locales ?? undefined, options ?? undefined)
      if (Math.sign(mine) !== Math.sign(theirs)) differ.push([a, b, locales, options, mine, theirs])
    }
const refuses = (compare) => {
  try { compare(); return false } catch (e) { return e instanceof TypeError }
}
const accent = { sensitivity: 'accent' }
const threw = [
  refuses(() => String.prototype.localeCompare.call(undefined, 'a', undefined, accent)),
  refuses(() => 'a'.localeCompare(Symbol('b'), undefined, accent)),
  refuses(() => native.call('a', Symbol('b'), undefined, accent)),
]
process.stdout.write(JSON.stringify({
  replaced: String.prototype.localeCompare !== native, differ, threw,
  compared: calls.length * words.length * words.length,
}))
"""


@pytest.fixture(scope="module")
def compared():
    node = suite_node()  # the Node the evaluator runs on
    done = subprocess.run(
        [node, "--input-type=module", "-e", _COMPARE, LOCALE_COMPARE.as_uri(),
         json.dumps({"words": WORDS, "calls": CALLS})],
        capture_output=True, text=True, check=True,
    )
    return json.loads(done.stdout)


def test_the_evaluator_imports_the_helper():
    assert "import './locale_compare.mjs'" in SIMULATE.read_text()


def test_the_helper_replaces_v8s_localecompare(compared):
    assert compared["replaced"] is True


def test_the_helper_orders_every_pair_as_v8s_localecompare_does(compared):
    assert compared["compared"] == len(CALLS) * len(WORDS) ** 2
    assert compared["differ"] == []


def test_the_helper_refuses_a_missing_string_or_a_symbol_as_v8s_does(compared):
    # no string to compare (this), a Symbol with the helper's path, a Symbol with V8's
    assert compared["threw"] == [True, True, True]


def _policy(action):
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]}


def test_each_distinct_policy_is_sent_once_and_requests_name_it_by_index():
    shared, equal_copy, other = _policy("s3:GetObject"), _policy("s3:GetObject"), _policy("s3:PutObject")
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"},
    ]}
    batch = [
        {"id": "1", "identityPolicies": [shared, other], "sessionPolicy": shared},
        {"id": "2", "identityPolicies": [equal_copy], "resourcePolicy": trust},
        {"id": "3"},
    ]
    sent = _evaluator_input(batch)
    assert sent["policies"] == [shared, other, trust]
    assert sent["requests"] == [
        {"id": "1", "identityPolicies": [0, 1], "sessionPolicy": 0},
        {"id": "2", "identityPolicies": [0], "resourcePolicy": 2},
        {"id": "3"},
    ]
    assert batch[0]["identityPolicies"] == [shared, other]  # the caller's requests are unchanged


def test_a_policy_shared_by_requests_gives_each_its_own_verdict():
    role = "arn:aws:iam::111122223333:role/r"
    policy = _policy("s3:GetObject")
    verdicts = simulate([
        {"id": "get", "principal": role, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k",
         "resourceAccount": "111122223333", "identityPolicies": [policy]},
        {"id": "put", "principal": role, "action": "s3:PutObject", "resource": "arn:aws:s3:::b/k",
         "resourceAccount": "111122223333", "identityPolicies": [policy]},
        {"id": "session", "principal": "arn:aws:sts::111122223333:assumed-role/r/s",
         "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "resourceAccount": "111122223333",
         "identityPolicies": [policy], "sessionPolicy": _policy("s3:PutObject")},
    ])
    assert [(v["id"], v["decision"]) for v in verdicts] == [
        ("get", "Allowed"), ("put", "Denied"), ("session", "Denied"),
    ]


def test_the_evaluator_refuses_a_batch_in_another_form():
    for wrong in ([], {"requests": []}, {"policies": [], "requests": [{"id": "x", "identityPolicies": [0]}]}):
        done = subprocess.run(
            [suite_node(), str(SIMULATE)], input=json.dumps(wrong), capture_output=True, text=True,
            cwd=SIMULATE.parents[2],
        )
        assert done.returncode != 0 and "simulate.mjs" in done.stderr, (wrong, done.stderr)
