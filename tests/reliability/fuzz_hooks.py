"""schemathesis hooks for the fuzz run (loaded through SCHEMATHESIS_HOOKS).

gunicorn refuses a request line over 4094 bytes with its own 414 page before PANDA sees the
request; that limit is the HTTP server's, not the API's, so generated query strings are kept
under it.
"""

from urllib.parse import urlencode

import schemathesis

MAX_QUERY = 3000  # bytes, URL-encoded: room for the path within gunicorn's 4094


def _size(query: dict) -> int:
    return len(urlencode(query, doseq=True))


@schemathesis.hook
def map_query(ctx, query):
    if not query or _size(query) <= MAX_QUERY:
        return query
    query = {key: value[:3] if isinstance(value, list) else value for key, value in query.items()}
    while _size(query) > MAX_QUERY:
        longest = max(query, key=lambda key: _size({key: query[key]}))
        value = query[longest]
        if isinstance(value, str) and len(value) > 1:
            query[longest] = value[: len(value) // 2]
        else:
            del query[longest]
    return query
