"""Every request example in docs/api.md, run in order against a live PANDA on an empty database:
each must get the status (and, for an error, the code) that the page shows under it."""

import pytest
import requests

from .examples import examples
from .markdown import ROOT

API_PAGE = ROOT / "docs" / "api.md"
DOCUMENTED_BASE = "http://127.0.0.1:8000"


def answer(example, base: str) -> tuple[int, str | None, str]:
    response = requests.request(
        example.method,
        example.url.replace(DOCUMENTED_BASE, base, 1),
        headers=example.headers,
        data=example.body.encode() if example.body is not None else None,
        timeout=30,
    )
    is_json = response.headers.get("Content-Type", "").startswith("application/json")
    code = response.json().get("code") if is_json and response.status_code >= 400 else None
    return response.status_code, code, response.text[:300]


def test_the_api_page_has_an_example_for_each_method_and_each_error_it_shows():
    found = examples(API_PAGE.read_text())
    assert {example.method for example in found} == {"GET", "POST", "PUT", "PATCH", "DELETE"}
    assert all(example.url.startswith(DOCUMENTED_BASE + "/api/v1/") for example in found)
    assert len([example for example in found if example.status >= 400]) >= 3


@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_every_example_in_the_api_page_gets_the_answer_it_shows(live_server):
    wrong = []
    for example in examples(API_PAGE.read_text()):
        status, code, body = answer(example, live_server.url)
        if (status, code) != (example.status, example.code):
            wrong.append(f"{example}: got {status} {code or ''}\n    {body}")
    assert wrong == [], "docs/api.md examples that get another answer:\n" + "\n".join(wrong)
