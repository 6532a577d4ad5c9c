"""Reception's day in a real headless Chromium, on a laptop (1366×768) and a phone (390×844):
running a morning from the day view, a clinic manager undoing an arrival, and no page wider
than the screen.

The clock is set (time-machine, ticking) to 10:10 on a Tuesday in London, in the live server's
thread too, so "overdue" and "due" do not depend on when the suite runs. Screenshots go to
test-artifacts/browser/ (git-ignored).
"""

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from addresses.tests.factories import AddressFactory
from appointments.models import State
from appointments.services import appointment_attend
from appointments.tests.factories import AppointmentFactory
from backoffice.roles import CLINIC_MANAGER, RECEPTIONIST
from backoffice.staff import staff_create
from clinicians.tests.factories import ClinicianFactory, DepartmentFactory
from patients.tests.factories import PatientFactory
from tests.test_browser import (
    CHROMEDRIVER,
    CHROMIUM,
    CHROMIUM_FLAGS,
    PASSWORD,
    SCREENSHOTS,
    Page,
)

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2030, 6, 4, 10, 10, tzinfo=LONDON)
SCREENS = {"laptop": (1366, 768), "phone": (390, 844)}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (CHROMIUM and CHROMEDRIVER),
        reason="Chromium is not installed: apt-get install chromium chromium-driver",
    ),
]


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2030, 6, 4, hour, minute, tzinfo=LONDON)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture(params=list(SCREENS))
def screen(request, clock):
    """A Chromium whose page area is exactly the screen's size; yields (driver, screen name)."""
    webdriver = pytest.importorskip("selenium.webdriver")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        if not flag.startswith("--window-size"):
            options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(CHROMEDRIVER))
    width, height = SCREENS[request.param]
    # The window's outer size includes no toolbars in headless mode, but set the viewport
    # exactly: the page area is what a person sees.
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500},
    )
    driver.implicitly_wait(5)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    yield driver, request.param
    driver.quit()


class DayPage(Page):
    def log_in(self, username: str) -> None:
        self.open("/admin/login/")
        self.type("#id_username", username)
        self.type("#id_password", PASSWORD)
        self.find("input[type=submit]").click()
        assert self.find("#nav-day")

    def row(self, appointment):
        return self.find(f"#appointment-{appointment.pk}")

    def status(self, appointment) -> str:
        return self.row(appointment).get_attribute("data-status")

    def press(self, appointment, button: str) -> None:
        self.row(appointment).find_element("css selector", f".day-{button}").click()

    def figure(self, name: str) -> str:
        return self.find(f"[data-figure={name}]").text

    def wait_for(self, condition, seconds: float = 10):
        """Until ``condition()`` is true (the page refreshes itself), or fail."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                if condition():
                    return
            except Exception:  # the element was swapped out mid-read: read it again
                if time.monotonic() > deadline:
                    raise
            if time.monotonic() > deadline:
                raise AssertionError(f"still not so after {seconds} s")
            time.sleep(0.2)

    def scroll_width(self) -> tuple[int, int]:
        return tuple(
            self.driver.execute_script(
                "const e = document.scrollingElement; return [e.scrollWidth, e.clientWidth];"
            )
        )

    def marked(self) -> bool:
        """Whether this is still the page that ``mark()`` marked: no full reload since."""
        return self.driver.execute_script("return window.pandaMark === 1;")

    def mark(self) -> None:
        self.driver.execute_script("window.pandaMark = 1;")


@pytest.fixture
def morning(db, clock):
    evans, clinic = ClinicianFactory(name="Dr Rhys Evans"), DepartmentFactory(name="Cardiology")

    def book(name, nhs_number, hour, minute=0, **kwargs):
        patient = PatientFactory(name=name, nhs_number=nhs_number)
        return AppointmentFactory(
            patient=patient,
            starts_at=at(hour, minute),
            clinician=evans,
            department=clinic,
            **kwargs,
        )

    return {
        "missed": book("Ada Lovelace", "4010232137", 9),
        "waiting": book("Mary Seacole", "4505577104", 9, 50),
        "first": book("Siân O'Brien", "9434765919", 10),
        "second": book("Alan Turing", "9876543210", 10, 5),
        "later": book("Grace Hopper", "1234567881", 11, 30),
    }


def test_a_receptionist_runs_the_morning_from_the_day_view(live_server, screen, morning):
    driver, name = screen
    staff_create(username="rita", password=PASSWORD, role=RECEPTIONIST)
    page = DayPage(driver, live_server.url)
    page.log_in("rita")
    page.find("#nav-day").click()
    assert page.find("h1").text == "Tuesday 4 June 2030 today"
    assert page.status(morning["waiting"]) == "overdue"
    assert page.status(morning["missed"]) == "missed"
    assert "943 476 5919" in page.row(morning["first"]).text
    assert page.figure("overdue") == "3"
    page.screenshot(f"day-{name}-1-morning")
    page.mark()

    page.press(morning["first"], "attend")
    page.wait_for(lambda: page.status(morning["first"]) == "arrived")
    page.press(morning["second"], "attend")
    page.wait_for(lambda: page.status(morning["second"]) == "arrived")
    assert page.find("#day-messages").text == "Marked arrived: Alan Turing, 10:05."

    page.press(morning["later"], "cancel")
    alert = driver.switch_to.alert
    assert alert.text == (
        "Cancel Grace Hopper’s 11:30 appointment? A cancellation cannot be undone."
    )
    alert.accept()
    page.wait_for(lambda: page.status(morning["later"]) == "cancelled")
    assert [page.figure(f) for f in ("booked", "arrived", "cancelled", "missed", "overdue")] == [
        "5",
        "2",
        "1",
        "1",
        "1",
    ]
    # Still overdue, and standing out: Mary Seacole has not arrived.
    waiting = page.row(morning["waiting"])
    assert waiting.get_attribute("data-status") == "overdue"
    assert waiting.value_of_css_property("background-color") == "rgba(253, 236, 234, 1)"
    assert page.marked(), "the actions reloaded the whole page"
    assert page.scroll_width()[0] <= page.scroll_width()[1]
    page.screenshot(f"day-{name}-2-after")

    # Another receptionist marks Mary Seacole arrived: this screen shows it within seconds.
    appointment_attend(appointment=morning["waiting"])
    page.wait_for(lambda: page.status(morning["waiting"]) == "arrived", seconds=10)
    assert page.figure("overdue") == "0"
    assert page.marked()
    for appointment in morning.values():
        appointment.refresh_from_db()
    assert [a.state for a in morning.values()] == [
        State.ACTIVE,
        State.ATTENDED,
        State.ATTENDED,
        State.ATTENDED,
        State.CANCELLED,
    ]


def _every_page(morning, manager: bool) -> list[str]:
    patient = morning["first"].patient
    AddressFactory(owner=patient)
    AddressFactory(owner=patient)
    pages = [
        "/admin/",
        "/admin/day/",
        "/admin/patients/patient/",
        f"/admin/patients/patient/{patient.pk}/change/",
        "/admin/patients/patient/add/",
        "/admin/appointments/appointment/",
        "/admin/appointments/appointment/?day=all",
        f"/admin/appointments/appointment/{morning['later'].pk}/change/",
        "/admin/appointments/appointment/add/",
        "/admin/addresses/address/",
        "/admin/clinicians/clinician/",
    ]
    if manager:
        # A year of history for the chart: some missed, some attended, some cancelled.
        clinician, department = morning["first"].clinician, morning["first"].department
        for week in range(1, 80, 3):
            AppointmentFactory(
                starts_at=NOW - dt.timedelta(weeks=week),
                clinician=clinician,
                department=department,
                **({"attended": True} if week % 2 else {}),
            )
        report = "/admin/analytics/missedappointmentsreport/?group_by=department"
        pages += [
            "/admin/analytics/missedappointmentsreport/",
            f"{report}&period=week&metric=missed_rate&first_day=2028-06-01&last_day=2030-06-04",
            "/admin/patients/historicalpatient/",
        ]
    return pages


@pytest.mark.parametrize("role", [RECEPTIONIST, CLINIC_MANAGER])
def test_no_page_scrolls_sideways(live_server, screen, morning, role):
    driver, name = screen
    staff_create(username="sam", password=PASSWORD, role=role)
    page = DayPage(driver, live_server.url)
    page.log_in("sam")
    wide = {}
    for number, path in enumerate(_every_page(morning, role == CLINIC_MANAGER)):
        page.open(path)
        scroll_width, client_width = page.scroll_width()
        if scroll_width > client_width:
            wide[path] = scroll_width
        if role == CLINIC_MANAGER or number < 6:
            page.screenshot(f"fit-{name}-{role.split()[-1]}-{number:02d}")
        if path.endswith(f"{morning['first'].patient.pk}/change/") and role == RECEPTIONIST:
            # The addresses and appointments, further down the patient's page.
            driver.execute_script("document.querySelector('.inline-group').scrollIntoView();")
            page.screenshot(f"fit-{name}-patient-inlines")
    assert wide == {}, f"wider than {SCREENS[name][0]} px"


def test_a_clinic_manager_undoes_a_mistaken_arrival(live_server, screen, morning):
    driver, name = screen
    appointment_attend(appointment=morning["first"])
    staff_create(username="max", password=PASSWORD, role=CLINIC_MANAGER)
    page = DayPage(driver, live_server.url)
    page.log_in("max")
    page.open("/admin/day/")
    assert page.status(morning["first"]) == "arrived"
    page.screenshot(f"undo-{name}-1-arrived")
    page.press(morning["first"], "undo")
    prompt = driver.switch_to.alert
    assert prompt.text == "Why is Siân O'Brien’s arrival undone?"
    prompt.send_keys("Marked the wrong Siân")
    prompt.accept()
    page.wait_for(lambda: page.status(morning["first"]) == "overdue")
    assert page.find("#day-messages").text == "Arrival undone: Siân O'Brien, 10:00."
    page.screenshot(f"undo-{name}-2-undone")
    record = morning["first"].history.order_by("-history_id").first()
    assert (record.history_user.username, record.history_change_reason) == (
        "max",
        "undo arrival: Marked the wrong Siân",
    )


def test_a_booking_into_a_clash_is_refused_with_the_services_message(live_server, screen, morning):
    driver, name = screen
    PatientFactory(name="Ada Byron", nhs_number="4857773456")
    staff_create(username="rita", password=PASSWORD, role=RECEPTIONIST)
    page = DayPage(driver, live_server.url)
    page.log_in("rita")
    page.open("/admin/day/")
    page.find(".day-gap .day-book").click()
    # Opened from the free time after the 10:05: clinician, department and start filled in,
    # and the patient search open.
    assert page.find("#id_starts_at_1").get_attribute("value") == "10:35:00"
    assert page.find("#id_duration").get_attribute("value") == "30m"
    page.type(".select2-search__field", "Byron")
    page.wait_for(
        lambda: (
            page.find(".select2-results__option--highlighted").text == "Ada Byron (485 777 3456)"
        )
    )
    page.find(".select2-search__field").send_keys("\n")
    page.type("#id_starts_at_1", "10:00")
    page.type("#id_postcode", "CF10 1AA")
    page.screenshot(f"clash-{name}-1-booking")
    page.find("input[name=_save]").click()
    refusal = page.find(".errorlist.nonfield").text
    waiting = morning["waiting"]
    assert refusal == (
        f"The clinician already has an appointment at this time: {waiting.pk}, "
        "from Tue 4 Jun 2030 09:50 to 10:20 BST."
    )
    page.screenshot(f"clash-{name}-2-refused")
    assert not morning["first"].clinician.appointments.filter(patient__name="Ada Byron").exists()
