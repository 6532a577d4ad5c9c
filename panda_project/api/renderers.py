"""JSON in and out with orjson: the same bytes and errors as DRF's JSON classes, several times
faster (the list endpoints spent a third of their time in ``json.dumps``)."""

import orjson
from django.utils.encoding import force_str
from django.utils.functional import Promise
from rest_framework import negotiation, parsers, renderers
from rest_framework.exceptions import ParseError
from rest_framework.utils.encoders import JSONEncoder

_ENCODER = JSONEncoder()


def _default(value):
    """What orjson cannot encode natively (lazy translations, Decimals, querysets…), as DRF's
    encoder would encode it."""
    if isinstance(value, Promise):
        return force_str(value)
    return _ENCODER.default(value)


class JSONRenderer(renderers.JSONRenderer):
    """DRF's compact, UTF-8 JSON, written by orjson; ``; indent=N`` still pretty-prints."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        try:
            ret = _dumps(data)
        except orjson.JSONEncodeError:
            # Whatever orjson refuses (integers beyond 64 bits, NaN), DRF's encoder decides.
            return super().render(data, accepted_media_type, renderer_context)
        if self.get_indent(accepted_media_type, renderer_context or {}) is not None:
            # DRF's encoder pretty-prints what orjson wrote: a body may hold JSON written
            # beforehand (``orjson.Fragment``), which only orjson reads.
            return super().render(orjson.loads(ret), accepted_media_type, renderer_context)
        # Like DRF, escape U+2028 and U+2029 so that the JSON is also valid JavaScript. Most
        # bodies are ASCII, which is checked far faster than they are searched (a year of
        # daily figures is some 17 MB: 2 ms against 23).
        if not ret.isascii() and b"\xe2\x80" in ret:
            ret = ret.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
        return ret


def _dumps(data) -> bytes:
    """orjson's bytes; keys that are not strings written as DRF's encoder writes them. That
    option halves orjson's speed, so it is asked for only when a body needs it."""
    try:
        return orjson.dumps(data, default=_default)
    except orjson.JSONEncodeError:
        return orjson.dumps(data, default=_default, option=orjson.OPT_NON_STR_KEYS)


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with orjson for UTF-8 bodies (any other charset goes to DRF's)."""

    renderer_class = JSONRenderer

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        if encoding.lower().replace("-", "") != "utf8":
            return super().parse(stream, media_type, parser_context)
        try:
            return orjson.loads(stream.read() if stream is not None else b"")
        except orjson.JSONDecodeError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None


class ContentNegotiation(negotiation.DefaultContentNegotiation):
    """DRF's negotiation, answered at once for the usual request that accepts anything."""

    def select_renderer(self, request, renderers, format_suffix=None):
        accept = request.META.get("HTTP_ACCEPT", "*/*")
        if (
            accept in ("*/*", "", renderers[0].media_type)
            and not format_suffix
            and self.settings.URL_FORMAT_OVERRIDE not in request.query_params
        ):
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)
