"""Templates read from disk: JSON and YAML CloudFormation templates, and cloud assemblies
(``cdk.out``) with their stack names and metadata.

JSON is read with the standard library.  YAML, with CloudFormation's short-form tags
(``!Ref``, ``!Sub``, ``!GetAtt`` ...), is read with cfn-lint's template decoder, the
AWS-maintained reader behind ``cfn-lint``: install it with the ``yaml`` extra
(``pip install "emr-studio-role[yaml]"``).  Anything that cannot be read raises
:class:`InputError`, whose message names the file and says why in one line.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Tuple

from .model import Json, Template

#: The cloud assembly's manifest, in a ``cdk.out`` folder.
MANIFEST = "manifest.json"
#: The extra that brings the YAML reader.
YAML_EXTRA = "emr-studio-role[yaml]"


class InputError(Exception):
    """A path that is not a readable CloudFormation template or cloud assembly."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass
class Inputs:
    """Templates read from the paths given, by path, with what links them."""

    #: Template path -> the parsed template.
    templates: Dict[str, Template] = field(default_factory=dict)
    #: Stack name -> template path (from a cloud assembly's manifest; else file names).
    stacks: Dict[str, str] = field(default_factory=dict)
    #: Template path -> the file's text (for line numbers in reports).
    texts: Dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------------------- templates


def _no_duplicates(pairs: List[Tuple[str, Json]]) -> Dict[str, Json]:
    out: Dict[str, Json] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r}")
        out[key] = value
    return out


def _read_json(path: str, text: str) -> Json:
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates)
    except ValueError as error:  # json.JSONDecodeError is a ValueError
        raise InputError(path, f"not valid JSON ({error})") from None


def _read_yaml(path: str, text: str) -> Json:
    try:
        from cfnlint.decode import decode_str
    except ImportError:
        raise InputError(
            path,
            f"a YAML template needs cfn-lint's template reader: pip install \"{YAML_EXTRA}\" "
            "(JSON templates and cdk.out folders need nothing more)",
        ) from None
    try:
        template, problems = decode_str(text)
    except Exception as error:  # the decoder's own failure on such input is bad input too
        raise InputError(path, f"not a readable YAML template ({type(error).__name__}: {error})") from None
    if problems:
        first = problems[0]
        line = getattr(first, "linenumber", None)
        where = f" at line {line}" if isinstance(line, int) and line > 0 else ""
        message = str(getattr(first, "message", first)).splitlines()[0]
        raise InputError(path, f"not a readable YAML template{where}: {message}")
    return template


def _plain(value: Json) -> Json:
    """The decoder's node classes as plain dicts, lists and strings."""
    if isinstance(value, dict):
        return {(str(k) if isinstance(k, str) else k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def read_template(path: str) -> Tuple[Template, str]:
    """One CloudFormation template file, JSON or YAML: ``(template, the file's text)``."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as error:
        raise InputError(path, error.strerror or str(error)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(path, "not a text file (not UTF-8)") from None
    if not text.strip():
        raise InputError(path, "empty file, not a CloudFormation template")
    if text.lstrip().startswith(("{", "[")):
        template = _read_json(path, text)
    else:
        template = _plain(_read_yaml(path, text))
    if not isinstance(template, dict):
        raise InputError(path, f"not a CloudFormation template (a {type(template).__name__}, not a mapping)")
    if not isinstance(template.get("Resources"), dict):
        raise InputError(path, "not a CloudFormation template (no Resources section)")
    return template, text


def load_templates(paths: Iterable[str]) -> Dict[str, Template]:
    """The templates at ``paths``, parsed (JSON; the plugin's synthesized templates)."""
    out = {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            out[path] = json.load(f)
    return out


# ---------------------------------------------------------------------------- cloud assemblies


def _read_manifest(directory: str) -> Mapping[str, Any]:
    path = os.path.join(directory, MANIFEST)
    try:
        with open(path, encoding="utf-8") as f:
            manifest = json.load(f)
    except OSError as error:
        raise InputError(path, error.strerror or str(error)) from None
    except ValueError as error:
        raise InputError(path, f"not valid JSON ({error})") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("artifacts", {}), dict):
        raise InputError(path, "not a cloud assembly manifest (no artifacts)")
    return manifest


def _stack_artifacts(directory: str) -> Iterable[Tuple[str, str, Mapping[str, Any]]]:
    """``(stack name, template path, artifact)`` of each stack of the cloud assembly, nested
    assemblies (stages) included."""
    for artifact_id, artifact in (_read_manifest(directory).get("artifacts") or {}).items():
        if not isinstance(artifact, dict):
            continue
        artifact_props = artifact.get("properties") or {}
        if not isinstance(artifact_props, dict):
            continue
        if artifact.get("type") == "aws:cloudformation:stack" and "templateFile" in artifact_props:
            name = artifact_props.get("stackName") or artifact_id
            yield str(name), os.path.join(directory, str(artifact_props["templateFile"])), artifact
        elif artifact.get("type") == "cdk:cloud-assembly" and "directoryName" in artifact_props:
            yield from _stack_artifacts(os.path.join(directory, str(artifact_props["directoryName"])))


def stack_names(paths: Iterable[str]) -> Dict[str, str]:
    """Stack name -> template path, from the ``manifest.json`` beside the templates."""
    out: Dict[str, str] = {}
    for directory in sorted({os.path.dirname(p) for p in paths}):
        if not os.path.exists(os.path.join(directory, MANIFEST)):
            continue
        try:
            out.update({name: path for name, path, _ in _stack_artifacts(directory)})
        except InputError:
            continue
    return out


def assembly_metadata(paths: Iterable[str], entry_type: str) -> List[Tuple[str, Json]]:
    """``(template path, data)`` of every metadata entry of ``entry_type`` of the stacks whose
    templates are ``paths`` (each path as given), from their cloud assembly (inline in the
    manifest, or in the stack's ``additionalMetadataFile``, as CDK writes it)."""
    paths = list(paths)
    wanted = {os.path.abspath(p): p for p in paths}
    out: List[Tuple[str, Json]] = []
    for directory in sorted({os.path.dirname(p) for p in paths}):
        if not os.path.exists(os.path.join(directory, MANIFEST)):
            continue
        for _, template, artifact in _stack_artifacts(directory):
            if os.path.abspath(template) not in wanted:
                continue
            metadata = artifact.get("metadata") or {}
            extra = artifact.get("additionalMetadataFile")
            if isinstance(extra, str):
                try:
                    with open(os.path.join(os.path.dirname(template), extra), encoding="utf-8") as f:
                        metadata = {**metadata, **json.load(f)}
                except (OSError, ValueError):
                    pass
            for entries in metadata.values() if isinstance(metadata, dict) else ():
                for entry in entries if isinstance(entries, list) else ():
                    if isinstance(entry, dict) and entry.get("type") == entry_type:
                        out.append((wanted[os.path.abspath(template)], entry.get("data")))
    return out


# ---------------------------------------------------------------------------- the command line's inputs


def read_inputs(paths: Iterable[str]) -> Inputs:
    """Templates and ``cdk.out`` folders, as given on the command line."""
    inputs = Inputs()
    seen: Dict[str, str] = {}

    def add(path: str, stack: str = "") -> None:
        real = os.path.realpath(path)
        if real in seen:
            return
        template, text = read_template(path)
        seen[real] = path
        inputs.templates[path] = template
        inputs.texts[path] = text
        if stack:
            inputs.stacks.setdefault(stack, path)

    for path in paths:
        if os.path.isdir(path):
            if not os.path.exists(os.path.join(path, MANIFEST)):
                raise InputError(
                    path, f"a folder without {MANIFEST}, not a cdk.out folder: give the template files"
                )
            stacks = list(_stack_artifacts(path))
            for name, template, _ in stacks:
                add(template, name)
        else:
            add(path)
    return inputs


_KEY = r"[\"']?{}[\"']?\s*:"


def resource_line(text: str, logical_id: str) -> int:
    """The line (1-based) of a resource's key under ``Resources`` in a template's text, or 0."""
    section = re.search(r"^\s*[\"']?Resources[\"']?\s*:", text, flags=re.M)
    start = section.end() if section else 0
    found = re.compile(r"(?:^|[{,\s])" + _KEY.format(re.escape(logical_id)), flags=re.M).search(text, start)
    return text.count("\n", 0, found.start() + 1) + 1 if found else 0
