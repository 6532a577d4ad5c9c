"""The back office in a real headless Chromium: a receptionist's day, end to end.

Skipped, saying so, where Debian's ``chromium`` and ``chromium-driver`` are not installed
(``.ci/run`` installs them). Screenshots go to test-artifacts/browser/.
"""

import datetime as dt
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from appointments.models import Appointment, State
from backoffice.roles import RECEPTIONIST
from backoffice.staff import staff_create
from clinicians.tests.factories import ClinicianFactory, DepartmentFactory
from patients.tests.factories import PatientFactory

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "browser"
PASSWORD = "a long enough passphrase 42"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--window-size=1280,1000",
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (CHROMIUM and CHROMEDRIVER),
        reason="Chromium is not installed: apt-get install chromium chromium-driver",
    ),
]


@pytest.fixture
def browser():
    webdriver = pytest.importorskip("selenium.webdriver")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(CHROMEDRIVER))
    driver.implicitly_wait(5)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


class Page:
    """The few things the test does to a page, by what a person sees."""

    def __init__(self, driver, base_url: str):
        self.driver, self.base_url = driver, base_url

    def open(self, path: str) -> None:
        self.driver.get(self.base_url + path)

    def find(self, selector: str):
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def find_all(self, selector: str):
        from selenium.webdriver.common.by import By

        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def type(self, selector: str, text: str) -> None:
        field = self.find(selector)
        field.clear()
        field.send_keys(text)

    def choose(self, selector: str, value: str) -> None:
        from selenium.webdriver.support.ui import Select

        Select(self.find(selector)).select_by_value(value)

    def messages(self) -> list[str]:
        return [item.text for item in self.find_all("ul.messagelist li")]

    def screenshot(self, name: str) -> None:
        self.driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))


def local_time_of(day: dt.date) -> str:
    """How the back office writes 10:30 on ``day``."""
    starts = dt.datetime.combine(day, dt.time(10, 30), tzinfo=timezone.get_current_timezone())
    return f"{starts:%a} {starts.day} {starts:%b %Y %H:%M %Z}"


def test_a_receptionist_books_cancels_and_cannot_then_mark_attended(live_server, browser):
    staff_create(username="rita", password=PASSWORD, role=RECEPTIONIST)
    patient = PatientFactory(nhs_number="9434765919", name="Siân O'Brien", postcode="CF10 1AA")
    PatientFactory(nhs_number="4010232137", name="Ada Lovelace")
    clinician, department = ClinicianFactory(name="Dr Rhys Evans"), DepartmentFactory()
    page = Page(browser, live_server.url)

    page.open("/admin/login/")
    page.type("#id_username", "rita")
    page.type("#id_password", PASSWORD)
    page.find("input[type=submit]").click()
    assert page.find("#find-patient")
    page.screenshot("1-index")

    page.type("#find-patient-q", "943 476 5919")
    page.find("#find-patient input[type=submit]").click()
    rows = page.find_all("#result_list tbody tr")
    assert [row.find_element("css selector", "th").text for row in rows] == ["943 476 5919"]
    page.screenshot("2-patient-found")

    rows[0].find_element("css selector", "th a").click()
    page.find("#book-appointment").click()
    day = timezone.localdate() + dt.timedelta(days=7)
    page.type("#id_starts_at_0", day.isoformat())
    page.type("#id_starts_at_1", "10:30")
    page.type("#id_duration", "45m")
    page.choose("#id_clinician", str(clinician.pk))
    page.choose("#id_department", str(department.pk))
    assert page.find("#id_postcode").get_attribute("value") == "CF10 1AA"
    page.screenshot("3-booking")
    page.find("input[name=_save]").click()
    # Back on the patient's page, with the new appointment outlined.
    assert page.messages() == [f"Booked: Siân O'Brien (943 476 5919), {local_time_of(day)}."]
    appointment = Appointment.objects.get(patient=patient)
    assert timezone.localtime(appointment.starts_at).time() == dt.time(10, 30)
    link = page.find(f"#appointments-group a[href*='{appointment.pk}']")
    row = link.find_element("xpath", "./ancestor::tr")
    assert row.value_of_css_property("outline-style") == "solid"
    page.screenshot("4-booked")

    def act(action: str) -> list[str]:
        page.open(f"/admin/appointments/appointment/?q={patient.nhs_number}")
        page.find(f"input[name=_selected_action][value='{appointment.pk}']").click()
        page.choose("select[name=action]", action)
        page.find("button[name=index]").click()
        return page.messages()

    cancelled = act("cancel_selected")
    assert len(cancelled) == 1 and cancelled[0].startswith("Cancelled: Siân O'Brien")
    page.screenshot("5-cancelled")

    refused = act("attend_selected")
    assert len(refused) == 1 and refused[0].startswith("Not marked attended: Siân O'Brien")
    assert "This appointment is already cancelled." in refused[0]
    page.screenshot("6-attend-refused")

    page.open(f"/admin/appointments/appointment/{appointment.pk}/change/")
    assert not page.find_all("input[name=_save]")
    page.screenshot("7-cancelled-read-only")
    appointment.refresh_from_db()
    assert appointment.state == State.CANCELLED
