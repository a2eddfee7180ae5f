"""The live app keeps the committed OpenAPI document: generated requests over the whole API, with valid
credentials, never get a 5xx, an undocumented status, a body off its schema, or an error that is not
problem details. Then sequences of calls that feed each other (register a token, fill its wallet, read it).

Bounded: a few dozen examples per operation, so the whole run stays within about two minutes on two cores.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import Case, CheckContext, Response

from tests._live import DEMO_OPERATOR_KEY, DEMO_PARTNER_KEY, live_server

COMMITTED = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"
PROBLEM_JSON = "application/problem+json"
PROBLEM_FIELDS = {"type", "title", "status", "code", "detail", "instance", "requestId"}
EXAMPLES_PER_OPERATION = 25
STATEFUL_STEPS = 40


def credentials_for(path: str) -> dict[str, str]:
    """Valid credentials for an operation: the operator key for the operator API, the partner key elsewhere."""
    key = DEMO_OPERATOR_KEY if path.startswith("/v1/operator") else DEMO_PARTNER_KEY
    return {"Authorization": f"Bearer {key}"}


@schemathesis.check
def problem_details_on_every_error(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """Every 4xx and 5xx is an RFC 9457 problem document with the API's fields."""
    if response.status_code < 400:
        return None
    media_type = response.headers.get("content-type", [""])[0].split(";")[0]
    assert media_type == PROBLEM_JSON, f"{response.status_code} answered as {media_type!r}"
    body = response.json()
    assert isinstance(body, dict), "the problem document is not an object"
    missing = PROBLEM_FIELDS - body.keys()
    assert not missing, f"the problem document lacks {sorted(missing)}"
    assert body["status"] == response.status_code, "the problem's status differs from the response's"
    return True


@pytest.fixture(scope="module")
def contract_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A demo server of this module's own: the generated calls change its data."""
    path = tmp_path_factory.mktemp("contract-live") / "chargeassist.db"
    # Schemathesis sends a wrong credential to every operation to see it refused: past a handful, the address
    # would be throttled and every later call answered 429, so the run would check little else.
    with live_server(f"sqlite+aiosqlite:///{path}", rate_limit_auth_failures="off") as url:
        yield url


POSITIVE_DATA_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "429"]
# Answers an operation documents for a request that is valid by the schema, beyond POSITIVE_DATA_STATUSES:
# - 400 where the rule is beyond a JSON Schema: a box's corners in order, minKw not above maxKw, continuation
#   tokens the server signed, OCPI objects valid as OCPI;
# - 400 for an OCPI Token that is not valid as OCPI, a webhook URL that is not an http(s) URL of a public
#   address, and a Stripe event without a valid signature (a schema cannot sign);
# - 402 for a declined card or a token that owes a failed payment; 422 for a payment method the wallet does
#   not hold or that is not valid;
# - 502, 503 and 504 when the charge point is offline, fails or does not answer (a schema cannot know that the
#   charge point the test created is not connected).
DOCUMENTED_REFUSALS: dict[str, list[str]] = {
    "searchLocationsInBoundingBox": ["400"],
    "searchLocationsNearby": ["400"],
    "listSessions": ["400"],
    "listChargePoints": ["400"],
    "putLocation": ["400"],
    "patchLocation": ["400"],
    "putTariff": ["400"],
    "startSession": ["402", "422", "503"],
    "listIssuedTokens": ["400"],
    "putIssuedToken": ["400"],
    "patchIssuedToken": ["400"],
    "listOperatorPaymentMethods": ["400"],
    "retryFailedPayment": ["402", "422", "503"],
    "receiveStripeWebhook": ["400"],
    "putWebhookEndpoint": ["400"],
    "resetChargePoint": ["502", "503", "504"],
    "unlockConnector": ["502", "503", "504"],
    "changeAvailability": ["502", "503", "504"],
    "triggerMessage": ["502", "503", "504"],
    "getConfiguration": ["502", "503", "504"],
    "changeConfiguration": ["502", "503", "504"],
}


def _operation_config(operation_id: str, statuses: list[str]) -> dict[str, Any]:
    checks: dict[str, Any] = {"positive_data_acceptance": {"expected-statuses": [*POSITIVE_DATA_STATUSES, *statuses]}}
    dependency_failures = [status for status in statuses if status.startswith("5")]
    if dependency_failures:
        checks["not_a_server_error"] = {"expected-statuses": ["2xx", "3xx", "4xx", *dependency_failures]}
    return {"include-operation-id": operation_id, "checks": checks}


CONFIG = schemathesis.Config.from_dict(
    {
        "request-timeout": 30,
        # The API refuses NUL in every string with a 400 naming it (PostgreSQL cannot store it; README, Request
        # content), a rule the document's string schemas do not spell out on each field.
        "generation": {"allow-x00": False},
        "checks": {"positive_data_acceptance": {"expected-statuses": POSITIVE_DATA_STATUSES}},
        "operations": [
            _operation_config(operation_id, statuses) for operation_id, statuses in DOCUMENTED_REFUSALS.items()
        ],
    }
)
schema = schemathesis.openapi.from_path(COMMITTED, config=CONFIG)
# Schemathesis draws from `random` inside some of its strategies, which this Hypothesis deprecates.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Do not use the `random` module inside strategies:hypothesis.errors.HypothesisDeprecationWarning"
)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_every_operation_keeps_the_contract(case: Case, contract_url: str) -> None:
    case.call_and_validate(
        base_url=contract_url,
        headers=credentials_for(case.path),
        additional_checks=[problem_details_on_every_error],
    )


def test_call_sequences_keep_the_contract(contract_url: str) -> None:
    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Case) -> dict[str, Any]:
            return {"base_url": contract_url, "headers": credentials_for(case.path)}

        def validate_response(self, response: Response, case: Case, **kwargs: Any) -> None:
            case.validate_response(response, additional_checks=[problem_details_on_every_error])

    Workflow.run(
        settings=settings(
            max_examples=STATEFUL_STEPS,
            stateful_step_count=6,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
    )
