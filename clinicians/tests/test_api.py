import pytest

from clinicians.tests.factories import DepartmentFactory
from panda_project.testing import assert_error

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", ["clinicians", "departments"])
def test_create_list_retrieve_and_rename(api, kind):
    created = api.post(f"/api/v1/{kind}/", {"name": "  Llŷr Ó Briain  "})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["name"] == "Llŷr Ó Briain"
    assert api.get(body["url"]).json()["id"] == body["id"]
    assert api.get(f"/api/v1/{kind}/").json()["count"] == 1
    assert api.patch(body["url"], {"name": "Renamed"}).json()["name"] == "Renamed"
    assert api.put(body["url"], {"name": "Again"}).json()["name"] == "Again"


@pytest.mark.parametrize("kind", ["clinicians", "departments"])
def test_names_are_required_and_free_of_control_characters(api, kind):
    assert_error(api.post(f"/api/v1/{kind}/", {"name": ""}), 400, "blank", "name")
    assert_error(
        api.post(f"/api/v1/{kind}/", {"name": "a\x07b"}), 400, "control_characters", "name"
    )
    assert_error(api.get(f"/api/v1/{kind}/999/"), 404, "not_found")


def test_department_names_are_unique(api):
    DepartmentFactory(name="oncology")
    assert_error(api.post("/api/v1/departments/", {"name": "oncology"}), 409, "department_exists")
    other = DepartmentFactory(name="paediatrics")
    assert_error(
        api.patch(f"/api/v1/departments/{other.pk}/", {"name": "oncology"}),
        409,
        "department_exists",
    )
