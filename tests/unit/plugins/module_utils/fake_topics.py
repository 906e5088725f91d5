# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An in-memory stand-in for KapacitorClient's view of the alert topics API, for unit tests.

It keeps specs exactly as sent (keys as spelled, secrets in clear text, as Kapacitor does),
answers POST with 200 and the spec, PUT only for a handler that exists, DELETE with nothing,
refuses a kafka handler whose cluster is not configured (500, as Kapacitor), and can fail any
request whose path ends with a given text.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
from urllib.parse import unquote

from ansible_collections.tickstack.kapacitor.plugins.module_utils.client import KapacitorError
from ansible_collections.tickstack.kapacitor.tests.unit.plugins.module_utils.fake_kapacitor import FakeKapacitor

PREFIX = "/alerts/topics"


class FakeTopics:
    def __init__(self, clusters=("default",)):
        self.specs = {}  # (topic, id) -> spec as sent
        self.requests = []
        self.writes = 0
        self.clusters = set(clusters)
        self.failures = {}  # (method, path suffix) -> (status, message)
        self.kapacitor_version = "1.8.3"

    def add(self, topic, handler_id, kind, options=None, match=""):
        self.specs[(topic, handler_id)] = {"id": handler_id, "kind": kind, "options": copy.deepcopy(options),
                                           "match": match}

    def _fail(self, method, path):
        for (fmethod, suffix), (status, message) in self.failures.items():
            if fmethod == method and path.endswith(suffix):
                raise KapacitorError("%s /kapacitor/v1%s: HTTP %d: %s" % (method, path, status, message), method,
                                     "/kapacitor/v1" + path, status, message)

    def _parts(self, path):
        assert not path.endswith("/"), "a trailing slash on %s" % path
        rest = path[len(PREFIX) + 1:].split("/") if path != PREFIX else []
        return [unquote(p) for p in rest]

    def _shown(self, topic, spec):
        out = {"link": {"rel": "self", "href": "/kapacitor/v1/alerts/topics/%s/handlers/%s" % (topic, spec["id"])}}
        out.update(copy.deepcopy(spec))
        return out

    def get(self, path):
        self.requests.append(("GET", path, None))
        self._fail("GET", path)
        parts = self._parts(path)
        if not parts:
            topics = sorted(set(t for t, _i in self.specs))
            return {"topics": [{"id": t, "level": "OK"} for t in topics]}
        if len(parts) == 2:
            found = sorted((i, s) for (t, i), s in self.specs.items() if t == parts[0])
            return {"topic": parts[0], "handlers": [self._shown(parts[0], s) for _i, s in found]}
        spec = self.specs.get((parts[0], parts[2]))
        if spec is None:
            raise KapacitorError("GET: 404", "GET", "/kapacitor/v1" + path, 404, 'unknown handler: "%s"' % parts[2])
        return self._shown(parts[0], spec)

    get_or_none = FakeKapacitor.get_or_none

    def _build(self, method, path, body):
        self._fail(method, path)
        if body["kind"] == "kafka" and (body.get("options") or {}).get("cluster") not in self.clusters:
            what = "create" if method == "POST" else "update"
            message = 'failed to %s handler: unknown cluster "%s"' % (what, (body.get("options") or {}).get("cluster"))
            raise KapacitorError("%s: HTTP 500: %s" % (method, message), method, "/kapacitor/v1" + path, 500, message)

    def post(self, path, body, write=True):
        self.requests.append(("POST", path, copy.deepcopy(body)))
        parts = self._parts(path)
        assert len(parts) == 2 and parts[1] == "handlers", path
        self._build("POST", path, body)
        if (parts[0], body["id"]) in self.specs:
            message = 'failed to create handler: cannot register handler, handler with ID "%s" already exists' % body["id"]
            raise KapacitorError("POST: HTTP 500: " + message, "POST", "/kapacitor/v1" + path, 500, message)
        assert set(body) == {"id", "kind", "options", "match"}, body
        self.specs[(parts[0], body["id"])] = copy.deepcopy(body)
        self.writes += int(write)
        return self._shown(parts[0], body)

    def put(self, path, body):
        self.requests.append(("PUT", path, copy.deepcopy(body)))
        parts = self._parts(path)
        assert len(parts) == 3 and parts[1] == "handlers", path
        if (parts[0], parts[2]) not in self.specs:
            raise KapacitorError("PUT: HTTP 404", "PUT", "/kapacitor/v1" + path, 404, 'unknown handler: "%s"' % parts[2])
        self._build("PUT", path, body)
        assert body["id"] == parts[2], "a PUT that renames"
        assert set(body) == {"id", "kind", "options", "match"}, body
        self.specs[(parts[0], parts[2])] = copy.deepcopy(body)
        self.writes += 1
        return self._shown(parts[0], body)

    def delete(self, path):
        self.requests.append(("DELETE", path, None))
        parts = self._parts(path)
        assert len(parts) == 3 and parts[1] == "handlers", "a DELETE of a whole topic: %s" % path
        self._fail("DELETE", path)
        self.specs.pop((parts[0], parts[2]), None)
        self.writes += 1
        return None
