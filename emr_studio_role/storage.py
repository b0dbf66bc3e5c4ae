"""Storage locations (page step 3 and the Serverless minimum policy): what each one adds.

A :class:`StorageLedger` checks a location, says which resources it adds to the three
storage statements (object ARN, bucket ARN, key ARN), and records it only once the
policies took it, so that a refused location leaves nothing behind.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from . import statements as st
from . import typecheck
from . import validation as v
from .limits import ArnKind, StatementShape, bound_length
from .options import StorageLocation
from .reads import read

OBJECT = StatementShape(st.OBJECT_ACTIONS_SID, st.S3_OBJECT_ACTIONS, ArnKind.BUCKET)
BUCKET = StatementShape(st.BUCKET_ACTIONS_SID, st.S3_BUCKET_ACTIONS, ArnKind.BUCKET)
KEY = StatementShape(st.KMS_ACTIONS_SID, st.KMS_ACTIONS, ArnKind.KMS_KEY)

Item = Tuple[StatementShape, List[str], bool]


class StorageLedger:
    """The locations a role grants, and the storage resources already in its policies."""

    def __init__(self, prop_types: Mapping[str, Any]) -> None:
        self._types = {k: prop_types[k] for k in ("bucket", "prefix", "encryption_key")}
        self.locations: List[StorageLocation] = []
        self._seen: Dict[Tuple[str, str, str], int] = {}
        self._granted: Dict[StatementShape, set] = {OBJECT: set(), BUCKET: set(), KEY: set()}
        #: Bounds of composite resources (object ARNs), for the packer.
        self.bounds: Dict[str, int] = {}
        #: The last location planned and its bucket ARN (a read is a round trip to the jsii runtime).
        self._planned: Tuple[Optional[StorageLocation], str] = (None, "")

    def plan(
        self, bucket: Any, prefix: Any, encryption_key: Any, *, checked: bool = False
    ) -> Tuple[List[str], List[Item], StorageLocation, str]:
        """``(problems, items, location, key ARN or "")`` for one location; changes nothing.
        ``checked``: the caller has checked the location already (``validation.check_location``)."""
        problems: List[str] = []
        if not checked:
            problems = typecheck.check_all(
                {"bucket": bucket, "prefix": prefix, "encryption_key": encryption_key}, self._types
            )
            if not problems:
                problems = v.check_location(bucket, prefix, encryption_key)
        if problems:
            return problems, [], None, ""  # type: ignore[return-value]
        key = encryption_key if encryption_key is not None else read(bucket, "encryption_key")
        norm = v.normalize_prefix(prefix)
        location = StorageLocation(bucket, norm, key)
        bucket_arn = read(bucket, "bucket_arn")
        self._planned = (location, bucket_arn)
        key_arn = read(key, "key_arn") if key is not None else ""
        seen = self._seen.get((bucket_arn, norm, key_arn))
        if seen is not None:
            return [], [], self.locations[seen], key_arn
        items: List[Item] = []
        object_arn = f"{bucket_arn}/{norm}*"
        # The bucket ARN at its kind's bound, and every token of the prefix at the unknown
        # bound: the kind's bound covers a bucket ARN, not a prefix after it.
        self.bounds[object_arn] = bound_length(bucket_arn, ArnKind.BUCKET) + bound_length(
            f"/{norm}*", ArnKind.ANY
        )
        if object_arn not in self._granted[OBJECT]:
            items.append((OBJECT, [object_arn], True))
        if bucket_arn not in self._granted[BUCKET]:
            items.append((BUCKET, [bucket_arn], True))
        if key_arn and key_arn not in self._granted[KEY]:
            items.append((KEY, [key_arn], True))
        return [], items, location, key_arn

    def key_item(self, key_arn: Optional[str]) -> List[Item]:
        """The KMS statement item for one more key (the Workspace key), unless it is there."""
        if not key_arn or key_arn in self._granted[KEY]:
            return []
        return [(KEY, [key_arn], True)]

    def record(self, location: StorageLocation, key_arn: str, extra_keys: Sequence[str] = ()) -> None:
        """The policies took ``location`` (and ``extra_keys``): remember it."""
        planned, bucket_arn = self._planned
        if planned is not location:
            bucket_arn = location.bucket.bucket_arn
        self._seen[(bucket_arn, location.prefix, key_arn)] = len(self.locations)
        self.locations.append(location)
        self._granted[OBJECT].add(f"{bucket_arn}/{location.prefix}*")
        self._granted[BUCKET].add(bucket_arn)
        self._granted[KEY].update(k for k in (key_arn, *extra_keys) if k)
