"""The template model: an app's templates, by path, and a finding about one of their resources."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

Json = Any
Template = Mapping[str, Json]

#: A finding's severity in the validation report.  ``error`` fails synth (unless
#: acknowledged); ``warning`` is printed in the report and does not fail synth
#: (CDK's strict construct-library mode excepted).
ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One broken rule, on one resource of one template."""

    rule: str
    template: str
    logical_id: str
    location: str
    message: str
    #: ``"error"`` (fails synth) or ``"warning"`` (reported only).
    severity: str = ERROR


@dataclass
class AppTemplates:
    """The app's templates, by path, with the exports that link them."""

    templates: Mapping[str, Template]
    #: Export name -> (template, the output's value).
    exports: Dict[str, Tuple[str, Json]] = field(default_factory=dict)
    #: Stack name -> template: from the cloud assembly's manifest when given, else
    #: the template's file name (``<artifact id>.template.json``).
    stacks: Dict[str, str] = field(default_factory=dict)
    _resources: Dict[str, Dict[str, Json]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        for path, template in self.templates.items():
            template = mapping(template)
            # Only mappings are resources: a template from anywhere may hold anything there.
            self._resources[path] = {
                k: v for k, v in mapping(template.get("Resources")).items() if isinstance(v, dict)
            }
            self.stacks.setdefault(stack_name_of(path), path)
            for output in mapping(template.get("Outputs")).values():
                name = mapping(mapping(output).get("Export")).get("Name")
                if isinstance(name, str):
                    self.exports[name] = (path, mapping(output).get("Value"))

    def stack_output(self, stack_name: str, output_name: str) -> Optional[Tuple[str, Json]]:
        """The value of ``Fn::GetStackOutput`` of another stack of the app."""
        path = self.stacks.get(stack_name)
        if path is None:
            return None
        output = mapping(mapping(self.templates[path]).get("Outputs")).get(output_name)
        return None if output is None else (path, mapping(output).get("Value"))

    def resources(self, path: str) -> Mapping[str, Json]:
        """The template's resources (those that are mappings), by logical id."""
        return self._resources[path]

    def all_resources(self, type_: Optional[str] = None) -> Iterable[Tuple[str, str, Json]]:
        for path in self.templates:
            for logical_id, resource in self.resources(path).items():
                if type_ is None or resource.get("Type") == type_:
                    yield path, logical_id, resource


def mapping(value: Json) -> Mapping[str, Json]:
    """``value`` when it is a mapping, else an empty one: templates from anywhere may hold
    anything where a mapping belongs, and a rule reads such a value as absent."""
    return value if isinstance(value, dict) else {}


def props(resource: Json) -> Mapping[str, Json]:
    """A resource's ``Properties`` (empty when it has none, or when they are not a mapping)."""
    return mapping(mapping(resource).get("Properties"))


#: File name endings taken off a template's file name to give its stack's name.
_TEMPLATE_SUFFIXES = (".template.json", ".template.yaml", ".template.yml", ".template",
                      ".json", ".yaml", ".yml")


def stack_name_of(path: str) -> str:
    """A template's stack name from its file name: ``<artifact id>.template.json`` (CDK's),
    or the name without ``.json``, ``.yaml``, ``.yml`` or ``.template``."""
    name = os.path.basename(path)
    for suffix in _TEMPLATE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def as_list(value: Json) -> List[Json]:
    """``value`` as a list: ``None`` is empty, a scalar is one item."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]
