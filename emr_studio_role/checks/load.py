"""Templates read from disk, and the stack names of a cloud assembly."""

from __future__ import annotations

import json
import os
from typing import Dict, Iterable

from .model import Template


def load_templates(paths: Iterable[str]) -> Dict[str, Template]:
    """The templates at ``paths``, parsed."""
    out = {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            out[path] = json.load(f)
    return out


def stack_names(paths: Iterable[str]) -> Dict[str, str]:
    """Stack name -> template path, from the ``manifest.json`` beside the templates."""
    out: Dict[str, str] = {}
    for directory in sorted({os.path.dirname(p) for p in paths}):
        manifest = os.path.join(directory, "manifest.json")
        if not os.path.exists(manifest):
            continue
        with open(manifest, encoding="utf-8") as f:
            artifacts = json.load(f).get("artifacts") or {}
        for artifact_id, artifact in artifacts.items():
            artifact_props = artifact.get("properties") or {}
            if artifact.get("type") == "aws:cloudformation:stack" and "templateFile" in artifact_props:
                name = artifact_props.get("stackName") or artifact_id
                out[name] = os.path.join(directory, artifact_props["templateFile"])
    return out
