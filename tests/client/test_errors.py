"""Errors: PostHog's envelope parsed, messages a person can act on, and no API key anywhere."""

from __future__ import annotations

import pickle
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from pulumi_posthog.client import (
    AmbiguousWriteError,
    AuthenticationError,
    EndpointNotFoundError,
    HTTPStatusError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ReadTimeout,
    RedirectError,
    ServerError,
    UnexpectedResponseError,
    ValidationError,
)
from pulumi_posthog.client.errors import error_from_response, redact, register_secret


def envelope(type_: str, code: str, detail: str, attr: str | None = None) -> dict[str, str | None]:
    return {"type": type_, "code": code, "detail": detail, "attr": attr}


def make(status: int, body: object, headers: dict[str, str] | None = None, method: str = "POST") -> HTTPStatusError:
    return error_from_response(
        method=method, path="/api/projects/1/batch_exports/", status=status, body=body, headers=headers or {}
    )


def test_status_codes_map_to_types() -> None:
    cases = {
        400: ValidationError,
        401: AuthenticationError,
        403: PermissionDeniedError,
        404: NotFoundError,
        429: RateLimitError,
        500: ServerError,
        503: ServerError,
        302: RedirectError,
        418: UnexpectedResponseError,
    }
    for status, cls in cases.items():
        assert type(make(status, envelope("t", "c", "d"))) is cls, status


def test_permission_error_names_the_missing_scope() -> None:
    err = make(
        403,
        envelope("authentication_error", "permission_denied", "API key missing required scope 'batch_export:write'"),
    )
    assert isinstance(err, PermissionDeniedError)
    assert err.missing_scope == "batch_export:write"
    assert str(err) == (
        "POST /api/projects/1/batch_exports/ → 403 permission denied: API key missing required scope "
        "'batch_export:write'. Give the personal API key the scope 'batch_export:write' "
        "(PostHog → Settings → Personal API keys)."
    )


def test_other_403s_have_no_scope_but_a_hint() -> None:
    err = make(
        403, envelope("authentication_error", "permission_denied", "Your organization access level is insufficient.")
    )
    assert isinstance(err, PermissionDeniedError) and err.missing_scope is None
    assert "higher membership level" in str(err)


def test_validation_error_keeps_attr_code_detail_and_shows_the_field_path() -> None:
    err = make(
        400,
        envelope("validation_error", "invalid_input", "Configuration has unknown field/s: 'a'", "destination__config"),
    )
    assert isinstance(err, ValidationError)
    assert (err.attr, err.code, err.detail, err.field) == (
        "destination__config",
        "invalid_input",
        "Configuration has unknown field/s: 'a'",
        "destination.config",
    )
    assert str(err) == (
        "POST /api/projects/1/batch_exports/ → 400 invalid input: destination.config: Configuration has unknown "
        "field/s: 'a'. Fix 'destination.config' and try again."
    )


@pytest.mark.parametrize(
    "detail,seconds",
    [
        ("Request was throttled. Expected available in 1 second.", 1.0),
        ("Request was throttled. Expected available in 37 seconds.", 37.0),
    ],
)
def test_rate_limit_wait_is_parsed_from_posthogs_detail(detail: str, seconds: float) -> None:
    err = make(429, envelope("throttled_error", "throttled", detail), method="GET")
    assert isinstance(err, RateLimitError) and err.retry_after == seconds
    assert f"wait {seconds:g} s" in str(err)


def test_a_retry_after_header_wins_when_a_server_sends_one() -> None:
    err = make(429, envelope("throttled_error", "throttled", "Request was throttled."), {"Retry-After": "7"})
    assert isinstance(err, RateLimitError) and err.retry_after == 7.0
    when = datetime.now(timezone.utc) + timedelta(seconds=30)
    err = make(429, None, {"Retry-After": format_datetime(when, usegmt=True)})
    assert isinstance(err, RateLimitError) and err.retry_after is not None and 25 <= err.retry_after <= 31


def test_request_id_is_picked_up_from_headers() -> None:
    err = make(500, envelope("server_error", "error", "A server error occurred."), {"X-Request-Id": "req-123"})
    assert err.request_id == "req-123" and "[request id req-123]" in str(err)


def test_non_json_bodies_still_give_a_readable_error() -> None:
    err = error_from_response(
        method="GET",
        path="/api/x",
        status=502,
        body=None,
        headers={},
        text_hint="non-JSON text/html response (12 bytes)",
    )
    assert isinstance(err, ServerError) and "non-JSON text/html response" in str(err)


def test_endpoint_missing_is_told_apart_from_object_missing() -> None:
    route = make(404, envelope("invalid_request", "not_found", "Endpoint not found."), method="GET")
    obj = make(404, envelope("invalid_request", "not_found", "BatchExport not found."), method="GET")
    assert isinstance(route, EndpointNotFoundError) and route.endpoint_missing and not route.foreign
    assert not isinstance(route, NotFoundError), "code that reads NotFoundError as 'gone' must not catch it"
    assert isinstance(obj, NotFoundError) and not obj.endpoint_missing
    assert "nothing was treated as deleted" in str(route) and "does not exist" in str(obj)


def test_the_api_key_is_redacted_from_every_field() -> None:
    key = "legacyKeyWithoutPrefix0123456789"
    register_secret(key)
    err = error_from_response(
        method="GET",
        path=f"/api/organizations/?personal_api_key={key}",
        status=401,
        body=envelope("authentication_error", "authentication_failed", f"key {key} and phx_othertoken99 are bad"),
        headers={"X-Request-Id": key},
    )
    for text in (str(err), repr(err), *map(str, err.args), err.path, err.detail, err.request_id):
        assert key not in str(text) and "phx_othertoken99" not in str(text)
    assert redact(f"Authorization: Bearer {key}") == "Authorization: Bearer [REDACTED]"
    assert (
        redact("https://x/?a=1&personal_api_key=phx_12345678&b=2") == "https://x/?a=1&personal_api_key=[REDACTED]&b=2"
    )


def test_ambiguous_write_error_carries_what_reconciliation_needs_but_never_shows_the_body() -> None:
    sent = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=timezone.utc)
    body = {"name": "x", "destination": {"type": "HTTP", "config": {"token": "very-secret-token"}}}
    cause = ReadTimeout("no response within 30 s", method="POST", path="/api/projects/1/batch_exports/")
    err = AmbiguousWriteError(
        method="POST", path="/api/projects/1/batch_exports/", body=body, sent_at=sent, cause=cause
    )
    assert err.body is body and err.sent_at == sent and err.cause is cause
    assert str(err) == (
        "POST /api/projects/1/batch_exports/ outcome unknown: the request may or may not have been applied "
        "(read timed out: no response within 30 s; sent at 2026-01-02T03:04:05.678Z). It was not retried, so it "
        "cannot have created a duplicate; check whether the object exists before trying again."
    )
    assert "very-secret-token" not in str(err) and "very-secret-token" not in repr(err)


def test_errors_survive_pickling() -> None:
    err = make(403, envelope("authentication_error", "permission_denied", "API key missing required scope 'x:y'"))
    copy = pickle.loads(pickle.dumps(err))
    assert isinstance(copy, PermissionDeniedError) and type(copy) is type(err)
    assert str(copy) == str(err) and copy.missing_scope == "x:y"


def test_the_leak_audit_would_catch_a_leak() -> None:
    """The autouse audit (conftest) checks every error the tests create; make sure it is able to fail."""
    from tests.client.conftest import leaks

    key = "legacyKeyForTheAuditSelfTest0001"
    clean = NotFoundError(method="GET", path="/api/x", status=404, detail="Not found.")
    leaky = NotFoundError(method="GET", path="/api/x", status=404, detail="Not found.")
    leaky.message = f"oops {key}"  # bypassing redaction, as a careless change could
    chained = AmbiguousWriteError(method="POST", path="/p", body={}, sent_at=datetime.now(timezone.utc), cause=leaky)
    assert leaks([clean], ["GET /api/x → 404"], {key}) == []
    assert leaks([leaky], [], {key}) and leaks([chained], [], {key}), "errors and their causes are inspected"
    assert leaks([], [f"retrying {key}"], {key}), "log lines are inspected"
