"""The OpenAPI document tells the truth (issue 9.8): a bounded, derandomized schemathesis run over every
operation, as an admin and as a member (API tokens), finds no server error and no answer outside the document."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from watch.accounts import service

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 3  # per operation and user: the whole run stays well under a minute


def _operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("role", ["admin", "member"])
def test_every_operation_keeps_to_the_document(app, session, make_user, role):
    user = make_user(admin=role == "admin", police=False, municipality="Nyköping")
    _token, plaintext = service.create_token(session, user, name="schemathesis")
    headers = {"Authorization": f"Bearer {plaintext}", "Accept-Encoding": "identity"}
    operations = _operations(app)
    assert len(operations) > 60
    failures = []
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None, print_blob=False,
                  suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
        def run(case):
            case.validate_response(case.call(headers=headers), checks=CHECKS)

        try:
            run()
        except BaseException as exc:  # noqa: BLE001  (collect every operation's failure, then report them all)
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)


def test_the_document_names_every_general_error_in_the_envelope(client):
    doc = client.get("/api/v1/openapi.json").json
    error = next(name for name in doc["components"]["schemas"] if name.split(".")[0] == "Error")
    for path, item in doc["paths"].items():
        if path in ("/api/v1/openapi.json", "/api/v1/"):
            continue
        for method, op in item.items():
            responses = op["responses"]
            wanted = {"401"} | ({"400"} if method in ("post", "put", "patch", "delete") else set())
            wanted |= {"413", "422"} if "requestBody" in op else set()
            assert wanted <= set(responses), (method, path, sorted(responses))
            for status, answer in responses.items():
                if status.startswith(("4", "5")):
                    assert answer["content"]["application/json"]["schema"]["$ref"].endswith(error), (method, path, status)


def test_an_unverified_member_registering_an_area_gets_a_documented_403(client, session, make_user):
    user = make_user(email_verified_at=None)
    _token, plaintext = service.create_token(session, user, name="x")
    body = {"kind": "grannsamverkan", "name": "Nya gatan", "municipality": "Nyköping",
            "geometry": {"type": "Polygon", "coordinates": [[[17.0, 58.75], [17.01, 58.75], [17.01, 58.755], [17.0, 58.75]]]}}
    response = client.post("/api/v1/areas", json=body, headers={"Authorization": f"Bearer {plaintext}"})
    assert response.status_code == 403 and response.json["error"]["code"] == "email_unverified"
    doc = client.get("/api/v1/openapi.json").json
    assert "403" in doc["paths"]["/api/v1/areas"]["post"]["responses"]
