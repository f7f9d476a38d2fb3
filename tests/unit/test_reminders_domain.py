"""Service reminders as plain rules: the pace from the odometer, the projected day, due by date
or mileage whichever first, the states, the service types of the settings, similar words."""

from __future__ import annotations

from datetime import date

import pytest

from partsdesk.domain.errors import ValidationError
from partsdesk.domain.reminders import (
    DEFAULT_SERVICE_TYPES,
    ServiceType,
    add_months,
    assess,
    date_reached,
    due_date,
    match_service_type,
    pace,
    parse_service_types,
    significant_words,
    state_on,
)

JAN_1, MAR_31 = date(2024, 1, 1), date(2024, 3, 31)  # 90 days apart (2024 is a leap year)


def test_pace_is_the_slope_between_the_first_and_last_reading():
    found = pace([(JAN_1, 10_000), (MAR_31, 13_000)])
    assert (found.km, found.days, found.last_on, found.last_km) == (3_000, 90, MAR_31, 13_000)
    assert found.km_per_day == pytest.approx(33.33, abs=0.01)
    # readings in between do not change the slope; only the ends count
    assert pace([(JAN_1, 10_000), (date(2024, 2, 1), 12_500), (MAR_31, 13_000)]).km == 3_000


def test_pace_unknown_without_two_readings_14_days_apart():
    assert pace([]) is None
    assert pace([(JAN_1, 10_000)]) is None
    assert pace([(JAN_1, 10_000), (date(2024, 1, 14), 10_500)]) is None  # 13 days
    assert pace([(JAN_1, 10_000), (date(2024, 1, 15), 10_500)]).days == 14
    assert pace([(JAN_1, 10_000), (JAN_1, 10_100)]) is None  # one day


def test_pace_reads_the_last_two_years_only_and_ignores_later_readings():
    old = (date(2020, 1, 1), 1_000)  # a different life of the car: far slower
    found = pace([old, (date(2023, 6, 1), 40_000), (MAR_31, 46_000)])
    assert (found.km, found.days) == (6_000, 304)
    # a report for an earlier day does not see what came after it
    assert pace([(JAN_1, 10_000), (MAR_31, 13_000), (date(2024, 6, 1), 99_000)], as_of=MAR_31).km == 3_000


def test_pace_drops_readings_above_the_last_and_is_never_negative():
    # 31,000 was a typing mistake corrected by the last reading: it is not used
    found = pace([(JAN_1, 10_000), (date(2024, 2, 1), 31_000), (MAR_31, 13_000)])
    assert found.km == 3_000
    # only readings above the last: none left, pace unknown
    assert pace([(JAN_1, 20_000), (MAR_31, 13_000)]) is None
    # a car that stood still
    assert pace([(JAN_1, 10_000), (MAR_31, 10_000)]).km == 0


def test_projected_day_of_a_mileage():
    found = pace([(JAN_1, 10_000), (MAR_31, 13_000)])
    # 2,000 km to go at 3,000 km in 90 days: 60 days after the last reading
    assert date_reached(found, 15_000) == date(2024, 5, 30)
    assert date_reached(found, 13_001) == date(2024, 4, 1)  # rounded up to a whole day
    assert date_reached(found, 12_000) == MAR_31  # already reached at the last reading
    assert date_reached(None, 15_000) is None
    assert date_reached(None, 12_000, last=(MAR_31, 13_000)) == MAR_31  # reached, even without a pace
    assert date_reached(pace([(JAN_1, 10_000), (MAR_31, 10_000)]), 15_000) is None  # standing still


def test_due_is_whichever_comes_first():
    assert due_date(date(2024, 8, 1), date(2024, 5, 30)) == date(2024, 5, 30)
    assert due_date(date(2024, 5, 1), date(2024, 5, 30)) == date(2024, 5, 1)
    assert due_date(None, date(2024, 5, 30)) == date(2024, 5, 30)
    assert due_date(date(2024, 5, 1), None) == date(2024, 5, 1)
    assert due_date(None, None) is None


def test_states_with_the_lead_time():
    due = date(2024, 5, 30)
    assert state_on(due, as_of=date(2024, 5, 1), lead_days=14) == ("upcoming", 0, 29)
    assert state_on(due, as_of=date(2024, 5, 16), lead_days=14) == ("due_soon", 0, 14)
    assert state_on(due, as_of=due, lead_days=14) == ("due", 0, 0)
    assert state_on(due, as_of=date(2024, 6, 4), lead_days=14) == ("overdue", 5, 0)
    assert state_on(None, as_of=due, lead_days=14) == ("unknown", 0, 0)


def test_assess_by_date_and_by_projected_mileage():
    readings = [(JAN_1, 10_000), (MAR_31, 13_000)]
    by_km = assess(due_on=date(2024, 12, 31), due_km=15_000, readings=readings, as_of=date(2024, 5, 20),
                   lead_days=14)
    assert (by_km.projected_on, by_km.due, by_km.state, by_km.days_left) == (date(2024, 5, 30), date(2024, 5, 30),
                                                                             "due_soon", 10)
    assert by_km.last_km == 13_000 and by_km.km_per_day == pytest.approx(33.33, abs=0.01)
    by_date = assess(due_on=date(2024, 5, 1), due_km=15_000, readings=readings, as_of=date(2024, 5, 20),
                     lead_days=14)
    assert (by_date.due, by_date.state, by_date.days_overdue, by_date.state_label) == (
        date(2024, 5, 1), "overdue", 19, "Overdue 19 days")
    only_km_no_pace = assess(due_on=None, due_km=15_000, readings=[(MAR_31, 13_000)], as_of=date(2024, 5, 20),
                             lead_days=14)
    assert (only_km_no_pace.due, only_km_no_pace.state) == (None, "unknown")
    passed = assess(due_on=None, due_km=12_000, readings=[(MAR_31, 13_000)], as_of=date(2024, 5, 20), lead_days=14)
    assert (passed.due, passed.state, passed.days_overdue) == (MAR_31, "overdue", 50)


def test_service_types_of_the_settings():
    types = parse_service_types([dict(t) for t in DEFAULT_SERVICE_TYPES])
    assert types[0] == ServiceType("Oil service", 365, 15_000)
    assert types[1] == ServiceType("Brake fluid", 730, None)  # 0 km: not by mileage
    assert parse_service_types([{"name": "  Gearbox   oil ", "km": 60_000}]) == (ServiceType("Gearbox oil", None,
                                                                                                60_000),)
    bad = [
        ([], "at least one"),
        ("Oil", "at least one"),
        ([{"name": "Oil"}], "set the days, the km or both"),
        ([{"name": "", "days": 1}], "a name of 1 to 60"),
        ([{"name": "Oil", "days": -1}], "days is a whole number"),
        ([{"name": "Oil", "days": True}], "days is a whole number"),
        ([{"name": "Oil", "km": "15000"}], "km is a whole number"),
        ([{"name": "Oil", "days": 1, "colour": "red"}], "nothing else"),
        ([{"name": "Oil", "days": 1}, {"name": "OIL", "days": 2}], "used twice"),
    ]
    for value, message in bad:
        with pytest.raises(ValidationError) as error:
            parse_service_types(value)
        assert message in error.value.problems["workshop.service_types"]


def test_matching_a_job_to_a_service_type():
    types = parse_service_types([dict(t) for t in DEFAULT_SERVICE_TYPES] + [{"name": "Service", "days": 365}])
    assert match_service_type(["Oil service 5W-30"], types).name == "Oil service"
    assert match_service_type(["", "OIL SERVICE"], types).name == "Oil service"
    assert match_service_type(["Air con service, regas"], types).name == "Air-con service"  # punctuation ignored
    assert match_service_type(["Foil service"], types).name == "Service"  # whole words: not Oil service
    assert match_service_type(["Oil filter"], types) is None
    # the canned job's name decides before the line's description
    assert match_service_type(["Timing belt kit", "Oil service"], types).name == "Timing belt"


def test_significant_words_and_add_months():
    assert significant_words("Replace front brake pads (2 pcs)") == {"brake", "pads"}
    assert significant_words("刹车片") == {"刹车", "车片"}
    assert significant_words("") == frozenset()
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 11, 30), 12) == date(2025, 11, 30)
