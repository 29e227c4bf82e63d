"""docs/openapi.yaml against the request bodies the routes parse (api/bodies.py):
every field a route accepts is documented, every documented field is accepted,
required means required on both sides, and a route without a body class
documents no request body."""
from __future__ import annotations

from tests.api.test_openapi import json_content, load_doc, operations, resolve


def body_classes() -> dict:
    import app  # noqa: F401 - registers every route
    from chalicelib.api.http import body_classes

    return {(path, method.lower()): cls for (method, path), cls in body_classes().items()}


def request_schema(doc: dict, op: dict, pointer: str):
    body, body_pointer = resolve(doc, op["requestBody"], f"{pointer}/requestBody")
    content, _ = json_content(body, body_pointer)
    schema, _ = resolve(doc, (content or {}).get("schema", {}), "")
    return body, schema


def test_every_route_that_parses_a_body_has_a_body_class():
    """Only /api/ routes registered with `route(..., body=...)` read a body."""
    from app import app

    classes = body_classes()
    served = {(path, m.lower()) for path, methods in app.routes.items() for m in methods}
    assert set(classes) <= served
    assert classes, "no route declares a body class"


def test_documented_request_fields_match_the_body_classes():
    doc = load_doc()
    classes = body_classes()
    problems = []
    for path, method, op, pointer in operations(doc):
        where = f"{method.upper()} {path}"
        cls = classes.get((path, method))
        if cls is None:
            if "requestBody" in op:
                problems.append(f"{where}: documents a request body but the route parses none")
            continue
        if "requestBody" not in op:
            problems.append(f"{where}: the route parses {cls.__name__} but documents no request body")
            continue
        body, schema = request_schema(doc, op, pointer)
        accepted = set(cls.specs())
        documented = set(schema.get("properties", {}))
        for name in sorted(accepted - documented):
            problems.append(f"{where}: accepts {name!r} ({cls.__name__}) but does not document it")
        for name in sorted(documented - accepted):
            problems.append(f"{where}: documents {name!r} but {cls.__name__} refuses it")
        required = set(cls.required_names())
        doc_required = set(schema.get("required", []))
        if required != doc_required:
            problems.append(f"{where}: required fields {sorted(required)} in {cls.__name__}, "
                            f"{sorted(doc_required)} in the document")
        if body.get("required") is not True:
            problems.append(f"{where}: requestBody.required should be true")
    assert not problems, "\n".join(problems)


def test_documented_field_types_match_the_parsers():
    doc = load_doc()
    classes = body_classes()
    problems = []
    for path, method, op, pointer in operations(doc):
        cls = classes.get((path, method))
        if cls is None or "requestBody" not in op:
            continue
        _, schema = request_schema(doc, op, pointer)
        for name, (parser, _) in cls.specs().items():
            prop, _ = resolve(doc, schema.get("properties", {}).get(name, {}), "")
            if parser.json_type is None or not prop:
                continue
            types = prop.get("type")
            types = set(types) if isinstance(types, list) else {types}
            if parser.json_type not in types:
                problems.append(f"{method.upper()} {path}: {name} is {parser.json_type} in "
                                f"{cls.__name__}, {sorted(map(str, types))} in the document")
    assert not problems, "\n".join(problems)


def test_patch_bodies_take_a_revision():
    doc = load_doc()
    patches = [(path, cls) for (path, method), cls in body_classes().items() if method == "patch"]
    assert patches
    for path, cls in patches:
        assert "revision" in cls.specs() and "revision" not in cls.required_names(), cls.__name__
        _, schema = request_schema(doc, doc["paths"][path]["patch"], "")
        revision, _ = resolve(doc, schema["properties"]["revision"], "")
        assert revision.get("type") == "integer" and revision.get("minimum") == 0, path


def test_document_states_the_reply_envelope():
    text = load_doc()["info"]["description"]
    for phrase in ('"items"', '"next_cursor"', '"credentials"', "ETag", "If-Match", "revision", "conflict"):
        assert phrase in text, f"info.description does not explain {phrase}"
