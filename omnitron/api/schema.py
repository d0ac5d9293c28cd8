r"""
The error answers of the OpenAPI document.

drf-spectacular documents the success answer of each operation; the errors every endpoint can
give come from shared plumbing (authentication, permissions, parsers, the exception handler),
so they are added here once, after the document is generated, for every operation:

- 400 with DRF's validation body (field errors by field, `non_field_errors`), or `detail` for a
  malformed body or query;
- 401 (with `WWW-Authenticate`) and 403 where the operation needs a user;
- 404 for an unknown object or a page past the end;
- 406 for a refusal by the service layer (`non_field_errors` as a string plus `error_code`),
  or for an `Accept` header no renderer satisfies;
- 413 and 415 where the operation takes a body;
- 503 with `Retry-After` where the operation writes: on SQLite, a write that waited in vain
  for another one to finish.

An optional query parameter sent empty (`?channel=`) is the same as one left out, as in an HTML
filter form (django-filter's rule); the document says so with `allowEmptyValue`.

Patterns are written for Python's `re`, where `\w` matches letters and digits of every script
(unicode slugs such as `ödeme-seceneği`); JSON Schema patterns are ECMA-262, where `\w` is ASCII
only, so such a pattern would declare valid values invalid. Those patterns are dropped.

A client generated from the document, and the property-based tests that call every operation
with generated data, then know every answer the service gives.
"""

DETAIL = "ErrorDetail"
VALIDATION = "ValidationErrors"
REFUSAL = "ServiceRefusal"
WRITES = {"post", "put", "patch", "delete"}

COMPONENTS = {
    DETAIL: {
        "type": "object",
        "description": "An error explained in one sentence.",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    VALIDATION: {
        "type": "object",
        "description": (
            "Field errors keyed by field name (`non_field_errors` for the object as a whole), "
            "each a list of messages; or `detail` when the body or query could not be read."
        ),
        "additionalProperties": {},
    },
    REFUSAL: {
        "type": "object",
        "description": "A valid request the service refused given the data it holds.",
        "properties": {
            "non_field_errors": {"type": "string"},
            "error_code": {"type": "string", "example": "pos_100_3"},
        },
        "required": ["non_field_errors", "error_code"],
    },
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: document the error answers of every operation."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, component in COMPONENTS.items():
        schemas.setdefault(name, component)

    _drop_unicode_word_patterns(result)

    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and not parameter.get("required"):
                    parameter.setdefault("allowEmptyValue", True)
            responses = operation["responses"]
            for status, response in _errors_of(method, operation).items():
                responses.setdefault(status, response)
    return result


def _drop_unicode_word_patterns(node):
    if isinstance(node, dict):
        if "\\w" in str(node.get("pattern", "")):
            del node["pattern"]
        for value in node.values():
            _drop_unicode_word_patterns(value)
    elif isinstance(node, list):
        for value in node:
            _drop_unicode_word_patterns(value)


def _errors_of(method, operation):
    errors = {
        "400": _answer("Invalid input.", VALIDATION),
        "404": _answer("No such object, or a page past the end.", DETAIL),
        "406": {
            "description": "Refused by the service, or no answer matches the Accept header.",
            "content": {
                "application/json": {
                    "schema": {"oneOf": [_ref(REFUSAL), _ref(DETAIL)]},
                }
            },
        },
    }
    if _needs_user(operation):
        errors["401"] = _answer("No valid credentials.", DETAIL)
        errors["401"]["headers"] = {
            "WWW-Authenticate": {
                "description": "The authentication scheme to use: `Token`.",
                "schema": {"type": "string"},
            }
        }
        errors["403"] = _answer("The user lacks the permission.", DETAIL)
    if "requestBody" in operation:
        errors["413"] = _answer("The body is larger than the service accepts.", DETAIL)
        errors["415"] = _answer("The body's Content-Type is not accepted.", DETAIL)
    if method in WRITES:
        errors["503"] = _answer("The database is busy with another write; retry later.", DETAIL)
        errors["503"]["headers"] = {
            "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {"type": "integer"},
            }
        }
    return errors


def _needs_user(operation):
    """False when the operation lets anonymous callers in (an empty security requirement)."""
    security = operation.get("security")
    return bool(security) and {} not in security


def _answer(description, component):
    return {
        "description": description,
        "content": {"application/json": {"schema": _ref(component)}},
    }


def _ref(component):
    return {"$ref": f"#/components/schemas/{component}"}
