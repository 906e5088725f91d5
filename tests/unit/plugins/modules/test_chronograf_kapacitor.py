# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""chronograf_kapacitor on an in-memory Chronograf."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

import pytest

from ansible_collections.tickstack.kapacitor.plugins.module_utils.chronograf import ChronografClient
from ansible_collections.tickstack.kapacitor.plugins.module_utils.chronograf import ChronografConnection
from ansible_collections.tickstack.kapacitor.plugins.module_utils.chronograf import ChronografError
from ansible_collections.tickstack.kapacitor.plugins.modules import chronograf_kapacitor
from ansible_collections.tickstack.kapacitor.tests.unit.plugins.modules.module_runner import run_main

PASSWORD = "kap-PASSW0RD-cq"


class FakeChronograf(ChronografClient):
    """Chronograf's Kapacitor routes of the raw store, in memory: call() is the only way in."""

    # pylint: disable=super-init-not-called
    def __init__(self, basepath=""):
        self.basepath = basepath
        self.sources_list = [{"id": "1", "name": "Influx 1", "default": True}, {"id": "2", "name": "Influx 2"}]
        self.records = {}
        self.next_id = 1
        self.requests = []
        self.writes = 0

    def add(self, **record):
        record = dict(dict(srcId="1", username="", password="", insecureSkipVerify=False, active=False), **record)
        record["id"] = str(self.next_id)
        self.next_id += 1
        self.records[record["id"]] = record
        return record

    def view(self, record):
        out = dict((k, record[k]) for k in ("id", "name", "url", "insecureSkipVerify", "active"))
        if record["username"]:
            out["username"] = record["username"]
        self_link = "/chronograf/v1/sources/%s/kapacitors/%s" % (record["srcId"], record["id"])
        out["links"] = {"self": self_link, "proxy": self_link + "/proxy"}
        return out

    def call(self, method, target, body=None):
        self.requests.append((method, target, copy.deepcopy(body)))
        parts = target.split("/")[3:]  # sources, id, kapacitors, kid
        if method == "GET" and parts == ["sources"]:
            return {"sources": self.sources_list}
        source = parts[1]
        if method == "GET" and len(parts) == 2:
            for item in self.sources_list:
                if item["id"] == source:
                    return item
            raise ChronografError("GET %s: HTTP 404 from Chronograf: ID %s not found" % (target, source),
                                  "GET", target, 404, "ID %s not found" % source)
        if method == "GET":
            return {"kapacitors": [self.view(r) for r in sorted(self.records.values(), key=lambda r: int(r["id"]))
                                   if r["srcId"] == source]}
        self.writes += 1
        if method == "POST":
            if source not in [s["id"] for s in self.sources_list]:
                raise ChronografError("POST: HTTP 404 from Chronograf: ID %s not found" % source, "POST", target, 404)
            record = self.add(srcId=source, **body)
        else:
            record = self.records[parts[3]]
        if method == "DELETE":
            del self.records[record["id"]]
            return None
        if method == "PATCH":
            record.update(body)
        if body.get("active"):
            for other in self.records.values():
                if other is not record and other["srcId"] == record["srcId"]:
                    other["active"] = False
        return self.view(record)


@pytest.fixture
def chrono(monkeypatch):
    fake = FakeChronograf()
    monkeypatch.setattr(ChronografConnection, "client_from_module", staticmethod(lambda module: fake))
    return fake


def run(capsys, **args):
    args.setdefault("chronograf_url", "http://chronograf:8888")
    args.setdefault("name", "prod")
    return run_main(capsys, chronograf_kapacitor, args)


def writes(fake):
    return [(m, t) for m, t, _b in fake.requests if m != "GET"]


def test_create_check_mode_then_create_then_unchanged(capsys, chrono):
    args = dict(url="http://kapacitor:9092", username="chronograf", password=PASSWORD, _ansible_diff=True)
    out = run(capsys, _ansible_check_mode=True, **args)
    assert out["changed"] and out["connection"]["id"] is None and not writes(chrono)
    assert out["diff"]["after"]["password"] == "<set>"
    out = run(capsys, **args)
    assert out["changed"] and out["connection"]["id"] == "1"
    assert out["connection"]["links"]["proxy"] == "/chronograf/v1/sources/1/kapacitors/1/proxy"
    assert chrono.records["1"]["password"] == PASSWORD and chrono.records["1"]["active"] is True
    assert writes(chrono) == [("POST", "/chronograf/v1/sources/1/kapacitors")]
    assert PASSWORD not in str(out)
    chrono.requests = []
    out = run(capsys, **args)
    assert not out["changed"] and not writes(chrono)
    assert [t for _m, t, _b in chrono.requests] == ["/chronograf/v1/sources", "/chronograf/v1/sources/1/kapacitors"]


def test_update_changes_only_what_differs_and_the_password_when_asked(capsys, chrono):
    chrono.add(name="prod", url="http://old:9092", username="u", password="old", active=True)
    out = run(capsys, url="http://kapacitor:9092", active=False, password="new", _ansible_diff=True)
    assert out["changed"]
    assert chrono.requests[-1] == ("PATCH", "/chronograf/v1/sources/1/kapacitors/1",
                                   {"url": "http://kapacitor:9092", "active": False})
    assert out["diff"]["before"]["url"] == "http://old:9092" and out["diff"]["after"]["active"] is False
    assert "password" not in out["diff"]["after"]
    out = run(capsys, url="http://kapacitor:9092", password="new", update_password="always", _ansible_diff=True)
    assert out["changed"] and chrono.records["1"]["password"] == "new"
    assert out["diff"]["after"]["password"] == "<changed>"
    assert "new" not in str(out["diff"])


def test_absent_twice(capsys, chrono):
    chrono.add(name="prod", url="http://kapacitor:9092")
    out = run(capsys, state="absent")
    assert out["changed"] and out["connection"] is None and not chrono.records
    out = run(capsys, state="absent")
    assert not out["changed"]


def test_two_connections_of_that_name_are_refused(capsys, chrono):
    chrono.add(name="prod", url="http://a:9092")
    chrono.add(name="prod", url="http://b:9092")
    out = run(capsys, url="http://a:9092")
    assert out["failed"] and not writes(chrono)
    assert "Chronograf source 1 has 2 Kapacitor connections named 'prod' (ids 1, 2)" in out["msg"]


def test_source_by_name_or_id_and_an_unknown_one(capsys, chrono):
    out = run(capsys, url="http://kapacitor:9092", source="Influx 2")
    assert out["source"] == {"id": "2", "name": "Influx 2"} and chrono.records["1"]["srcId"] == "2"
    out = run(capsys, url="http://kapacitor:9092", source="9")
    assert out["failed"] and "ID 9 not found" in out["msg"] and out["status"] == 404
    out = run(capsys, url="http://kapacitor:9092", source="Influx 9")
    assert out["failed"] and "Chronograf has no source named 'Influx 9'" in out["msg"]


@pytest.mark.parametrize("url", ["localhost:9092", "ftp://kapacitor", "http:/kapacitor", "http://k:9092 ",
                                 "http://admin:pw@k:9092"])
def test_the_url_is_checked_before_any_request(capsys, chrono, url):
    out = run(capsys, url=url)
    assert out["failed"] and not chrono.requests, out
    assert "url" in out["msg"]
    assert "pw@" not in str(out)


def test_the_basepath_is_in_the_returned_links(capsys, chrono):
    chrono.basepath = "/mon"
    out = run(capsys, url="http://kapacitor:9092")
    assert out["connection"]["links"]["proxy"] == "/mon/chronograf/v1/sources/1/kapacitors/1/proxy"


def test_chronograf_url_is_required_and_kapacitor_options_are_not_taken(capsys, chrono):
    out = run(capsys, chronograf_url=None, url="http://kapacitor:9092")
    assert out["failed"] and "chronograf_url is required" in out["msg"]
    out = run(capsys, url="http://kapacitor:9092", kapacitor_url="http://k:9092")
    assert out["failed"] and "kapacitor_url" in out["msg"]
