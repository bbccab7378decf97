"""Intervals and their feature flags, offsets, timezones, filters and models."""

from __future__ import annotations

import pytest

from tests.conftest import LocalServer
from tests.local.bx_helpers import body, create, error, export_path, exports_path

HIGH_FREQUENCY = "Higher frequency batch exports are not enabled for this team."


def test_sub_hour_intervals_need_the_flag(any_profile: LocalServer) -> None:
    server = any_profile
    project = server.new_project()
    response = server.api("POST", exports_path(project), json=body(interval="every 5 minutes"))
    error(response, 403, HIGH_FREQUENCY, type="authentication_error", code="permission_denied")
    server.set_flags(project, **{"high-frequency-batch-exports": True})
    created = create(server, project, interval="every 5 minutes")
    assert (created["interval"], created["offset_hour"], created["offset_day"]) == ("every 5 minutes", None, None)


def test_every_15_minutes_exists_only_in_latest(any_profile: LocalServer) -> None:
    server = any_profile
    project = server.new_project()
    server.set_flags(project, **{"high-frequency-batch-exports": True})
    response = server.api("POST", exports_path(project), json=body(interval="every 15 minutes"))
    if server.profile == "latest":
        assert response.status_code == 201, response.text
    else:
        error(response, 400, '"every 15 minutes" is not a valid choice.', "interval")


def test_latest_checks_the_flag_on_update_too(posthog_local: LocalServer) -> None:
    server = posthog_local
    project = server.new_project()
    created = create(server, project)
    response = server.api("PATCH", export_path(project, created["id"]), json={"interval": "every 5 minutes"})
    error(response, 403, HIGH_FREQUENCY)


def test_2025_checks_the_flag_only_on_create(posthog_local_2025: LocalServer) -> None:
    server = posthog_local_2025
    project = server.new_project()
    created = create(server, project)
    response = server.api("PATCH", export_path(project, created["id"]), json={"interval": "every 5 minutes"})
    assert response.status_code == 200 and response.json()["interval"] == "every 5 minutes"
    # 2025 checked the flag in create(), after validation: a validation error wins over the 403.
    response = server.api("POST", exports_path(project), json=body(interval="every 5 minutes", name=""))
    error(response, 400, "This field may not be blank.", "name")


@pytest.mark.parametrize(
    ("interval", "offsets", "day", "hour"),
    [
        ("day", {}, None, 0),
        ("day", {"offset_hour": 5}, None, 5),
        ("week", {}, 0, 0),
        ("week", {"offset_day": 1, "offset_hour": 2}, 1, 2),
        ("week", {"offset_hour": 3}, 0, 3),
        ("hour", {}, None, None),
    ],
)
def test_offsets_read_back(any_profile: LocalServer, interval: str, offsets: dict, day: int, hour: int) -> None:
    created = create(any_profile, any_profile.project, interval=interval, timezone="Asia/Kathmandu", **offsets)
    assert (created["offset_day"], created["offset_hour"], created["timezone"]) == (day, hour, "Asia/Kathmandu")


@pytest.mark.parametrize(
    ("interval", "offsets", "attr", "detail"),
    [
        ("day", {"offset_hour": 24}, "offset_hour", "Ensure this value is less than or equal to 23."),
        ("week", {"offset_day": 7}, "offset_day", "Ensure this value is less than or equal to 6."),
        ("week", {"offset_day": -1}, "offset_day", "Ensure this value is greater than or equal to 0."),
        ("hour", {"offset_hour": 2}, "offset_hour", "offset_hour is not applicable for non-daily/weekly intervals"),
        ("day", {"offset_day": 1}, "offset_day", "offset_day is not applicable for non-weekly intervals"),
    ],
)
def test_offset_validation(any_profile: LocalServer, interval: str, offsets: dict, attr: str, detail: str) -> None:
    response = any_profile.api("POST", exports_path(any_profile.project), json=body(interval=interval, **offsets))
    error(response, 400, detail, attr)


def test_offset_absent_keeps_null_resets_and_interval_change_resets(any_profile: LocalServer) -> None:
    server = any_profile
    created = create(server, server.project, interval="week", offset_day=3, offset_hour=4)
    path = export_path(server.project, created["id"])
    kept = server.api("PATCH", path, json={"interval": "week", "name": "renamed"}).json()
    assert (kept["offset_day"], kept["offset_hour"]) == (3, 4)
    changed = server.api("PATCH", path, json={"interval": "week", "offset_hour": 6}).json()
    assert (changed["offset_day"], changed["offset_hour"]) == (0, 6)  # both are recomputed from what was sent
    reset = server.api("PATCH", path, json={"interval": "day", "offset_hour": None}).json()
    assert (reset["offset_day"], reset["offset_hour"]) == (None, 0)
    hourly = server.api("PATCH", path, json={"interval": "hour"}).json()
    assert (hourly["offset_day"], hourly["offset_hour"]) == (None, None)
    weekly = server.api("PATCH", path, json={"interval": "week"}).json()
    assert (weekly["offset_day"], weekly["offset_hour"]) == (0, 0)


def test_offset_without_interval_on_patch_is_posthogs_500(any_profile: LocalServer) -> None:
    server = any_profile
    created = create(server, server.project, interval="day", offset_hour=2)
    path = export_path(server.project, created["id"])
    response = server.api("PATCH", path, json={"offset_hour": 5})
    assert response.status_code == 500
    assert response.json() == {
        "type": "server_error",
        "code": "error",
        "detail": "A server error occurred.",
        "attr": None,
    }
    assert server.api("GET", path).json()["offset_hour"] == 2


def test_put_without_offsets_resets_them(any_profile: LocalServer) -> None:
    server = any_profile
    created = create(server, server.project, interval="day", offset_hour=7)
    updated = server.api("PUT", export_path(server.project, created["id"]), json=body(interval="day")).json()
    assert updated["offset_hour"] == 0


def test_timezone_default_null_and_invalid(any_profile: LocalServer) -> None:
    server = any_profile
    assert create(server, server.project, timezone=None)["timezone"] == "UTC"
    created = create(server, server.project, timezone="US/Pacific")
    path = export_path(server.project, created["id"])
    assert server.api("PATCH", path, json={"timezone": None}).json()["timezone"] == "UTC"
    response = server.api("POST", exports_path(server.project), json=body(timezone="Mars/Olympus"))
    error(response, 400, '"Mars/Olympus" is not a valid choice.', "timezone", code="invalid_choice")


@pytest.mark.parametrize(
    ("filters", "detail"),
    [
        ({"filter_something": 123}, "'filters' should be an array of filters"),
        ([{"data_interval_start": "2025-01-01"}], None),
        (["not-an-object"], "Each filter must be an object"),
        (
            [{"key": "$browser", "type": "cohort"}],
            "Each filter must have a 'type' of one of: 'event', 'hogql', 'person'",
        ),
    ],
)
def test_filters_validation_latest(posthog_local: LocalServer, filters: object, detail: str | None) -> None:
    response = posthog_local.api("POST", exports_path(posthog_local.project), json=body(filters=filters))
    detail = detail or (
        "'data_interval_start' and 'data_interval_end' are run attributes and not 'filters'. "
        "Trigger a backfill if you wish to manually control which periods to batch export."
    )
    error(response, 400, detail, "filters")


def test_filters_are_stored_and_only_for_events_in_latest(posthog_local: LocalServer) -> None:
    server = posthog_local
    filters = [{"key": "$browser", "operator": "exact", "type": "event", "value": ["Firefox"]}]
    assert create(server, server.project, filters=filters)["filters"] == filters
    assert create(server, server.project, filters=[])["filters"] == []
    response = server.api("POST", exports_path(server.project), json=body(model="persons", filters=filters))
    error(response, 400, "'filters' is only supported for 'events' not 'persons' model", "filters")


def test_filters_2025_only_checks_list_and_interval_keys(posthog_local_2025: LocalServer) -> None:
    server = posthog_local_2025
    loose = [{"key": "$browser", "type": "cohort"}, "x"]
    assert create(server, server.project, model="persons", filters=loose)["filters"] == loose
    response = server.api("POST", exports_path(server.project), json=body(filters={"a": 1}))
    error(response, 400, "'filters' should be an array of filters", "filters")


def test_model_is_immutable_in_latest(posthog_local: LocalServer) -> None:
    server = posthog_local
    created = create(server, server.project, model="persons")
    path = export_path(server.project, created["id"])
    response = server.api("PATCH", path, json={"model": "events"})
    error(response, 400, "Changing models is not supported. Create a new batch export instead.", "model")
    assert server.api("PATCH", path, json={"model": "persons"}).status_code == 200
    put = server.api("PUT", path, json=body())  # model omitted: kept
    assert put.status_code == 200 and put.json()["model"] == "persons"


def test_model_may_change_in_2025(posthog_local_2025: LocalServer) -> None:
    server = posthog_local_2025
    created = create(server, server.project, model="persons")
    updated = server.api("PATCH", export_path(server.project, created["id"]), json={"model": "events"})
    assert updated.status_code == 200 and updated.json()["model"] == "events"


def test_hogql_model_needs_flag_and_query(posthog_local: LocalServer) -> None:
    server = posthog_local
    project = server.new_project()
    query = "SELECT event FROM events WHERE timestamp >= {data_interval_start}"
    response = server.api("POST", exports_path(project), json=body(model="hogql", hogql_query=query))
    error(response, 403, "HogQL batch exports are not enabled for this team.")
    # The flag is checked with the model field, before the other fields' errors.
    response = server.api("POST", exports_path(project), json={"model": "hogql", "filters": [{"type": "event"}]})
    error(response, 403, "HogQL batch exports are not enabled for this team.")
    server.set_flags(project, **{"hogql-batch-exports": True})
    response = server.api("POST", exports_path(project), json=body(model="hogql"))
    error(response, 400, "'hogql_query' is required when 'model' is 'hogql'", "hogql_query")
    response = server.api(
        "POST", exports_path(project), json=body(model="hogql", hogql_query=query, filters=[{"type": "event"}])
    )
    error(response, 400, "'filters' is only supported for 'events' not 'hogql' model", "filters")
    created = create(server, project, model="hogql", hogql_query=query)
    assert (created["model"], created["hogql_query"], created["schema"]) == ("hogql", query, None)


def test_sessions_model_is_flagged_in_2025_only(any_profile: LocalServer) -> None:
    server = any_profile
    project = server.new_project()
    response = server.api("POST", exports_path(project), json=body(model="sessions"))
    if server.profile == "latest":
        assert response.status_code == 201, response.text
        return
    error(response, 403, "Sessions batch exports are not enabled for this team.")
    server.set_flags(project, **{"sessions-batch-exports": True})
    assert create(server, project, model="sessions")["model"] == "sessions"


def test_model_choices(any_profile: LocalServer) -> None:
    response = any_profile.api("POST", exports_path(any_profile.project), json=body(model="groups"))
    error(response, 400, '"groups" is not a valid choice.', "model", code="invalid_choice")
