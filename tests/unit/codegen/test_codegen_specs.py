"""Selection, supplement merge, spec building and the normalised spec format."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from codegen.merge import deep_merge, merge_supplement
from codegen.pull import PullError, fetch_openapi
from codegen.selection import (
    V1_OPERATIONS,
    Operation,
    missing_operations,
    operation_keys,
    select_operations,
)
from codegen.spec_io import (
    Spec,
    dumps_spec,
    iter_refs,
    prune_unreferenced_schemas,
    read_spec,
    rewrite_refs,
    write_spec,
)
from codegen.specs import V0_OPENAPI, V1_OPENAPI, SpecBuildError, build_all, build_v0, build_v1

REF = "#/components/schemas/"
V1_REF = "../v1/openapi.json" + REF


def operation(response: str) -> dict[str, Any]:
    return {
        "operationId": "fastapi_generated_name_post",
        "summary": "s",
        "responses": {
            "200": {
                "description": "ok",
                "content": {"application/json": {"schema": {"$ref": REF + response}}},
            }
        },
    }


def three_route_document() -> Spec:
    return {
        "openapi": "3.1.0",
        "info": {"title": "server", "version": "9.9"},
        "paths": {
            "/infer": {
                "parameters": [{"name": "shared", "in": "query"}],
                "get": operation("Kept"),
                "post": operation("DroppedOnly"),
            },
            "/dashboard": {"get": operation("DroppedOnly")},
        },
        "components": {
            "schemas": {
                "Kept": {"properties": {"child": {"$ref": REF + "Child"}}},
                "Child": {"properties": {"grandchild": {"$ref": REF + "Grandchild"}}},
                "Grandchild": {"type": "string"},
                "DroppedOnly": {"type": "object"},
            }
        },
    }


# --- selection -----------------------------------------------------------------------------


def test_select_operations_names_tags_and_reports_dropped() -> None:
    spec = three_route_document()

    dropped = select_operations(spec, {"GET /infer": Operation("inference", "run_inference")})

    assert dropped == ["GET /dashboard", "POST /infer"]
    assert list(spec["paths"]) == ["/infer"]
    kept = spec["paths"]["/infer"]
    assert set(kept) == {"parameters", "get"}
    assert kept["get"]["operationId"] == "run_inference"
    assert kept["get"]["tags"] == ["inference"]
    assert kept["get"]["summary"] == "s"
    assert set(spec["components"]["schemas"]) == {"Kept", "Child", "Grandchild"}


def test_select_operations_keeps_everything_the_table_names() -> None:
    spec = three_route_document()
    table = {
        "GET /infer": Operation("a", "one"),
        "POST /infer": Operation("a", "two"),
        "GET /dashboard": Operation("b", "three"),
    }

    assert select_operations(spec, table) == []
    assert operation_keys(spec) == ["GET /dashboard", "GET /infer", "POST /infer"]
    assert "DroppedOnly" in spec["components"]["schemas"]


def test_missing_operations_lists_table_entries_the_document_lacks() -> None:
    spec = three_route_document()
    table = {
        "GET /infer": Operation("a", "one"),
        "PUT /infer": Operation("a", "two"),
        "GET /gone": Operation("a", "three"),
    }

    assert missing_operations(spec, table) == ["GET /gone", "PUT /infer"]
    assert missing_operations(spec, {"GET /infer": Operation("a", "one")}) == []


def test_selection_table_names_are_unique_valid_module_names() -> None:
    names = [operation.name for operation in V1_OPERATIONS.values()]

    assert len(names) == len(set(names))
    assert all(name.isidentifier() and name.islower() for name in names)
    assert all(op.group.isidentifier() for op in V1_OPERATIONS.values())


# --- supplement merge ----------------------------------------------------------------------


def test_deep_merge_recurses_into_mappings_and_overlay_wins() -> None:
    base: dict[str, Any] = {"a": {"b": 1, "c": {"d": 2}}, "list": [1, 2], "keep": "base"}
    overlay: dict[str, Any] = {"a": {"c": {"e": 3}, "b": 10}, "list": [3], "new": {"x": 1}}
    base_before, overlay_before = copy.deepcopy(base), copy.deepcopy(overlay)

    merged = deep_merge(base, overlay)

    assert merged == {
        "a": {"b": 10, "c": {"d": 2, "e": 3}},
        "list": [3],
        "keep": "base",
        "new": {"x": 1},
    }
    assert (base, overlay) == (base_before, overlay_before)
    merged["new"]["x"] = 2
    assert overlay["new"]["x"] == 1


def test_merge_supplement_takes_paths_and_components_only() -> None:
    server = {
        "openapi": "3.1.0",
        "info": {"title": "server", "version": "1.8.3"},
        "paths": {"/a": {"get": {"summary": "server"}}},
        "components": {"schemas": {"A": {"type": "string", "description": "server"}}},
    }
    supplement = {
        "info": {"title": "supplement", "version": "0"},
        "paths": {"/a": {"get": {"summary": "supplement"}}, "/b": {"post": {"summary": "b"}}},
        "components": {"schemas": {"A": {"description": "supplement"}, "B": {"type": "integer"}}},
    }

    merged = merge_supplement(server, supplement)

    assert merged["info"] == {"title": "server", "version": "1.8.3"}
    assert merged["paths"] == {
        "/a": {"get": {"summary": "supplement"}},
        "/b": {"post": {"summary": "b"}},
    }
    assert merged["components"]["schemas"] == {
        "A": {"type": "string", "description": "supplement"},
        "B": {"type": "integer"},
    }
    assert server["paths"] == {"/a": {"get": {"summary": "server"}}}


def test_merge_supplement_tolerates_a_document_without_components() -> None:
    merged = merge_supplement({"paths": {}}, {"components": {"schemas": {"B": {}}}})

    assert merged["components"] == {"schemas": {"B": {}}}


# --- build_v1 ------------------------------------------------------------------------------


def test_build_v1_from_the_committed_sources_is_the_committed_spec() -> None:
    built = build_all()

    assert set(built) == {V1_OPENAPI, V0_OPENAPI}
    assert dumps_spec(built[V1_OPENAPI]) == V1_OPENAPI.read_text(encoding="utf-8")
    assert dumps_spec(built[V0_OPENAPI]) == V0_OPENAPI.read_text(encoding="utf-8")


def test_build_v1_names_an_operation_the_server_no_longer_describes(
    server_spec: Spec, supplement: Spec
) -> None:
    del server_spec["paths"]["/infer/object_detection"]
    del server_spec["paths"]["/sam2/segment_image"]["post"]

    with pytest.raises(SpecBuildError) as raised:
        build_v1(server_spec, supplement)

    message = str(raised.value)
    assert "POST /infer/object_detection, POST /sam2/segment_image" in message
    assert "spec/v1/supplement.json" in message


def test_build_v1_takes_a_route_from_the_supplement(server_spec: Spec, supplement: Spec) -> None:
    route = server_spec["paths"].pop("/infer/object_detection")
    supplement["paths"]["/infer/object_detection"] = route

    built = build_v1(server_spec, supplement)

    post = built["paths"]["/infer/object_detection"]["post"]
    assert (post["operationId"], post["tags"]) == ("infer_object_detection", ["inference"])


def test_build_v1_keeps_exactly_the_selected_operations(
    server_spec: Spec, supplement: Spec
) -> None:
    server_before, supplement_before = copy.deepcopy(server_spec), copy.deepcopy(supplement)

    built = build_v1(server_spec, supplement)

    assert operation_keys(built) == sorted(V1_OPERATIONS)
    assert len(operation_keys(server_spec)) > len(V1_OPERATIONS)
    assert (server_spec, supplement) == (server_before, supplement_before)


# --- build_v0 ------------------------------------------------------------------------------


def v0_source(*refs: str, schemas: dict[str, Any] | None = None) -> Spec:
    return {
        "openapi": "3.1.0",
        "info": {"title": "v0", "version": "v0"},
        "paths": {
            "/{dataset}/{version}": {
                "post": {
                    "operationId": "infer",
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {"anyOf": [{"$ref": ref} for ref in refs]}
                                }
                            },
                        }
                    },
                }
            }
        },
        "components": {"schemas": schemas or {}},
    }


def v1_document() -> Spec:
    return {
        "components": {
            "schemas": {
                "Response": {"properties": {"p": {"items": {"$ref": REF + "Prediction"}}}},
                "Prediction": {"properties": {"image": {"$ref": REF + "Image"}}},
                "Image": {"type": "object"},
                "Unrelated": {"type": "object"},
            }
        }
    }


def test_build_v0_copies_referenced_v1_schemas_transitively() -> None:
    source = v0_source(V1_REF + "Response", REF + "Local", schemas={"Local": {"type": "string"}})
    source_before = copy.deepcopy(source)

    built = build_v0(source, v1_document())

    assert set(built["components"]["schemas"]) == {"Local", "Response", "Prediction", "Image"}
    assert all(ref.startswith(REF) for ref in iter_refs(built))
    response = built["paths"]["/{dataset}/{version}"]["post"]["responses"]["200"]
    members = response["content"]["application/json"]["schema"]["anyOf"]
    assert members == [{"$ref": REF + "Response"}, {"$ref": REF + "Local"}]
    assert source == source_before


def test_build_v0_rejects_a_schema_v1_lacks() -> None:
    with pytest.raises(SpecBuildError, match="v1 schema 'Missing'"):
        build_v0(v0_source(V1_REF + "Missing"), v1_document())


def test_build_v0_rejects_a_name_defined_locally_and_taken_from_v1() -> None:
    source = v0_source(V1_REF + "Response", schemas={"Image": {"type": "string"}})

    with pytest.raises(SpecBuildError, match="defines 'Image' and also takes it from v1"):
        build_v0(source, v1_document())


def test_build_v0_rejects_references_it_cannot_resolve() -> None:
    with pytest.raises(SpecBuildError, match=r"cannot resolve.*other\.json"):
        build_v0(v0_source("other.json#/components/schemas/X"), v1_document())


# --- spec_io -------------------------------------------------------------------------------


def test_prune_unreferenced_schemas_keeps_what_paths_reach_transitively() -> None:
    spec = three_route_document()
    spec["components"]["schemas"]["Cycle"] = {"properties": {"me": {"$ref": REF + "Cycle"}}}
    spec["components"]["schemas"]["Child"]["properties"]["loop"] = {"$ref": REF + "Kept"}
    spec["components"]["schemas"]["Child"]["properties"]["ghost"] = {"$ref": REF + "Nowhere"}
    del spec["paths"]["/infer"]["post"]
    del spec["paths"]["/dashboard"]

    prune_unreferenced_schemas(spec)

    assert set(spec["components"]["schemas"]) == {"Kept", "Child", "Grandchild"}


def test_prune_unreferenced_schemas_without_paths_empties_the_schemas() -> None:
    spec: Spec = {"components": {"schemas": {"A": {}, "B": {"$ref": REF + "A"}}}}

    prune_unreferenced_schemas(spec)

    assert spec["components"]["schemas"] == {}


def test_refs_are_found_and_rewritten_everywhere() -> None:
    node = {"a": [{"$ref": "x"}, {"b": {"$ref": "y"}}], "$ref": "x", "c": "x"}

    assert sorted(iter_refs(node)) == ["x", "x", "y"]
    rewrite_refs(node, {"x": "z"})
    assert sorted(iter_refs(node)) == ["y", "z", "z"]
    assert node["c"] == "x"


def test_dumps_spec_is_sorted_indented_and_ends_with_a_newline() -> None:
    one = {"b": {"z": 1, "a": [3, {"y": "é", "x": None}]}, "a": True}
    two = {"a": True, "b": {"a": [3, {"x": None, "y": "é"}], "z": 1}}

    text = dumps_spec(one)

    assert text == dumps_spec(two)
    assert text == (
        "{\n"
        '  "a": true,\n'
        '  "b": {\n'
        '    "a": [\n'
        "      3,\n"
        "      {\n"
        '        "x": null,\n'
        '        "y": "é"\n'
        "      }\n"
        "    ],\n"
        '    "z": 1\n'
        "  }\n"
        "}\n"
    )
    assert json.loads(text) == one


def test_write_spec_then_read_spec_round_trips(tmp_path: Path) -> None:
    spec = three_route_document()
    path = tmp_path / "deep" / "openapi.json"

    write_spec(path, spec)

    assert read_spec(path) == spec
    assert path.read_text(encoding="utf-8") == dumps_spec(spec)


def test_read_spec_rejects_a_document_that_is_not_an_object(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text("[1, 2]", encoding="utf-8")

    with pytest.raises(ValueError, match="does not hold a JSON object"):
        read_spec(path)


def test_committed_specs_are_in_normalised_form() -> None:
    for path in sorted(V1_OPENAPI.parent.parent.rglob("*.json")):
        text = path.read_text(encoding="utf-8")
        assert text == dumps_spec(json.loads(text)), path


# --- spec-pull (no network: only what is refused before connecting) ------------------------


@pytest.mark.parametrize("url", ["file:///etc", "localhost:9001", "ftp://server"])
def test_spec_pull_refuses_a_url_that_is_not_http(url: str) -> None:
    with pytest.raises(PullError, match="is not an http"):
        fetch_openapi(url)
