"""A small GeoReport v2 client written from the specification (wiki.open311.org/GeoReport_v2), for the conformance test.

It speaks through any WSGI test client, parses JSON and XML into the same shape and checks every answer against
the fields the specification lists.
"""
from __future__ import annotations

from xml.etree import ElementTree as ET

SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
ATTRIBUTE_FIELDS = {"variable", "code", "datatype", "required", "datatype_description", "order", "description"}
DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}
REQUEST_FIELDS = {"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
                  "address", "address_id", "zipcode", "lat", "long", "media_url"}
UPDATE_FIELDS = {"update_id", "service_request_id", "status", "updated_datetime", "description", "media_url"}
LISTS = {"services", "service_requests", "attributes", "values", "errors", "endpoints", "formats", "service_request_updates"}


class SpecError(AssertionError):
    """An answer that breaks the specification."""


def _from_xml(node):
    children = list(node)
    if node.tag in LISTS:
        return [_from_xml(c) for c in children]
    if not children:
        return node.text or ""
    return {c.tag: _from_xml(c) for c in children}


class GeoReport:
    """GeoReport v2 over a test client: `fmt` is 'json' or 'xml'."""

    def __init__(self, http, base: str = "/open311/v2", api_key: str | None = None, fmt: str = "json"):
        self.http, self.base, self.api_key, self.fmt = http, base, api_key, fmt

    def _parse(self, response, root: str):
        if self.fmt == "xml":
            if not response.mimetype.endswith("xml"):
                raise SpecError(f"XML asked, got {response.mimetype}")
            node = ET.fromstring(response.data)
            if node.tag != root and node.tag != "errors":
                raise SpecError(f"root <{node.tag}>, expected <{root}>")
            return _from_xml(node)
        if response.mimetype != "application/json":
            raise SpecError(f"JSON asked, got {response.mimetype}")
        return response.get_json()

    def call(self, method: str, path: str, root: str, **kw):
        """(status, parsed body); an error body must be [{code, description}]."""
        response = getattr(self.http, method)(f"{self.base}/{path}.{self.fmt}", **kw)
        body = self._parse(response, root)
        if response.status_code >= 400:
            if not (isinstance(body, list) and body and {"code", "description"} <= set(body[0])):
                raise SpecError(f"error body is not [{{code, description}}]: {body!r}")
        return response.status_code, body

    def discovery(self):
        status, body = self.call("get", "discovery", "discovery")
        for endpoint in body["endpoints"]:
            if not {"specification", "url", "changeset", "type", "formats"} <= set(endpoint):
                raise SpecError(f"endpoint lacks fields: {endpoint}")
        return body

    def services(self):
        status, body = self.call("get", "services", "services")
        for s in body:
            if not SERVICE_FIELDS <= set(s) or str(s["metadata"]).lower() not in ("true", "false"):
                raise SpecError(f"service lacks fields: {s}")
            if s["type"] not in ("realtime", "batch", "blackbox"):
                raise SpecError(f"bad type {s['type']}")
        return body

    def definition(self, code: str):
        status, body = self.call("get", f"services/{code}", "service_definition")
        if status != 200:
            return status, body
        for a in body["attributes"]:
            if not ATTRIBUTE_FIELDS <= set(a) or a["datatype"] not in DATATYPES:
                raise SpecError(f"attribute lacks fields: {a}")
            if a["datatype"].endswith("valuelist") and not all({"key", "name"} <= set(v) for v in a["values"]):
                raise SpecError(f"values lack key/name: {a}")
        return status, body

    def post(self, data: dict, files=None, headers=None):
        payload = dict(data)
        if self.api_key is not None:
            payload["api_key"] = self.api_key
        for name, content in (files or []):
            payload.setdefault(name, []).append(content)
        status, body = self.call("post", "requests", "service_requests", data=payload, headers=headers or {},
                                 content_type="multipart/form-data")
        if status < 400 and not (len(body) == 1 and "service_request_id" in body[0]):
            raise SpecError(f"POST answer lacks service_request_id: {body}")
        return status, body

    def _check_requests(self, body):
        for r in body:
            if not REQUEST_FIELDS <= set(r):
                raise SpecError(f"request lacks {REQUEST_FIELDS - set(r)}")
            if r["status"] not in ("open", "closed"):
                raise SpecError(f"status must be open or closed: {r['status']}")
        return body

    def requests(self, **params):
        params = dict(params, **({"api_key": self.api_key} if self.api_key else {}))
        status, body = self.call("get", "requests", "service_requests", query_string=params)
        return status, self._check_requests(body) if status == 200 else body

    def request(self, rid: str):
        status, body = self.call("get", f"requests/{rid}", "service_requests", query_string={"api_key": self.api_key or ""})
        return status, self._check_requests(body) if status == 200 else body

    def updates(self, **params):
        params = dict(params, api_key=self.api_key or "")
        status, body = self.call("get", "servicerequestupdates", "service_request_updates", query_string=params)
        if status == 200:
            for u in body:
                if not UPDATE_FIELDS <= set(u):
                    raise SpecError(f"update lacks {UPDATE_FIELDS - set(u)}")
        return status, body
