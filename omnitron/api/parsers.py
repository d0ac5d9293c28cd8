"""
JSON request bodies, read strictly.

DRF's JSON parser accepts any text `json` can decode, and some of it later breaks far from the
parser, as a server error instead of a 400:

- nesting thousands of levels deep makes the decoder itself, or any later walk of the data,
  run out of stack (`RecursionError`);
- `"\\ud800"` decodes to an unpaired surrogate, which is not a character: it cannot be encoded
  as UTF-8 to be stored, nor rendered back in an error message.

This parser refuses both with DRF's `400 {"detail": "JSON parse error - ..."}`.
`json_value_problem` applies the same rules to a JSON value that arrives inside a form field.

A JSON number with a fraction or an exponent is decoded as a `JSONNumber`: a float, as usual,
that also keeps the text it was written as. A float has lost that text: `1.10000000000000001`
and `1.1` are the same float, so a field that must refuse more decimal places than it keeps,
rather than round them away, reads the text instead (see `PlainDecimalField`).
"""

import codecs
import json

from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils.json import strict_constant

MAX_DEPTH = 32


class JSONNumber(float):
    """A float decoded from JSON, with `text`, the number as the client wrote it."""

    def __new__(cls, text):
        number = super().__new__(cls, text)
        number.text = text
        return number


# DRF's messages name the type of what was received ("Expected pk value, received float."); to a
# client this is the float it sent.
JSONNumber.__name__ = "float"


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        try:
            data = json.load(
                codecs.getreader(encoding)(stream),
                parse_constant=strict_constant if self.strict else None,
                parse_float=JSONNumber,
            )
        except RecursionError:
            raise ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels.") from None
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        problem = json_value_problem(data)
        if problem:
            raise ParseError(f"JSON parse error - {problem}")
        return data


def json_value_problem(value, max_depth=MAX_DEPTH):
    """Why a decoded JSON value cannot be accepted, or None. Walks without recursion."""
    pending = [(value, 1)]
    while pending:
        node, depth = pending.pop()
        if depth > max_depth:
            return f"nested deeper than {max_depth} levels."
        if isinstance(node, dict):
            pending.extend((key, depth) for key in node)
            pending.extend((item, depth + 1) for item in node.values())
        elif isinstance(node, list):
            pending.extend((item, depth + 1) for item in node)
        elif isinstance(node, str) and _has_surrogate(node):
            return "the text holds an unpaired surrogate (U+D800 to U+DFFF), not a character."
    return None


def _has_surrogate(text):
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
