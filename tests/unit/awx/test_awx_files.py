# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWX / Automation Platform files are what AWX and ansible-builder accept."""

from __future__ import annotations

import os
import re

import yaml

COLLECTION = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))

# Environment variables that the modules' connection options fall back to, and the credential
# field each one carries.
MODULE_ENV = {
    "KAPACITOR_URL": "kapacitor_url",
    "KAPACITOR_USERNAME": "kapacitor_username",
    "KAPACITOR_PASSWORD": "kapacitor_password",
    "KAPACITOR_TOKEN": "kapacitor_token",
    "KAPACITOR_CA_PATH": "kapacitor_ca_cert",
    "KAPACITOR_VALIDATE_CERTS": "kapacitor_validate_certs",
}
# Field types and keys AWX accepts in a credential type's inputs.
FIELD_TYPES = {"string", "boolean"}
FIELD_KEYS = {"id", "label", "type", "secret", "multiline", "help_text", "format", "choices", "ask_at_runtime"}


def load(name):
    with open(os.path.join(COLLECTION, "awx", name), encoding="utf-8") as f:
        return yaml.safe_load(f)


def test_credential_type_inputs():
    cred = load("credential_type.yml")
    assert cred["kind"] == "cloud"
    assert set(cred) == {"name", "description", "kind", "inputs", "injectors"}
    fields = cred["inputs"]["fields"]
    ids = [f["id"] for f in fields]
    assert len(ids) == len(set(ids))
    for field in fields:
        assert set(field) <= FIELD_KEYS, field
        assert field["type"] in FIELD_TYPES
        assert field["label"]
    secret = {f["id"] for f in fields if f.get("secret")}
    assert secret == {"kapacitor_password", "kapacitor_token"}
    assert set(cred["inputs"]["required"]) <= set(ids)
    types = {f["id"]: f["type"] for f in fields}
    assert types["kapacitor_validate_certs"] == "boolean"
    ca_cert = next(f for f in fields if f["id"] == "kapacitor_ca_cert")
    assert ca_cert["type"] == "string" and ca_cert.get("multiline") is True


def test_credential_type_injects_every_module_variable():
    cred = load("credential_type.yml")
    ids = {f["id"] for f in cred["inputs"]["fields"]}
    env = cred["injectors"]["env"]
    assert set(cred["injectors"]) == {"env", "file"}
    assert set(env) == set(MODULE_ENV)
    for name, template in env.items():
        used = set(re.findall(r"\b(kapacitor_[a-z_]+)\b", template))
        assert used == {MODULE_ENV[name]} and used <= ids, (name, template)


def test_credential_type_gives_the_ca_certificate_as_a_file():
    cred = load("credential_type.yml")
    # AWX's multi-file syntax: template.<name> writes a file, tower.filename.<name> is its path.
    assert cred["injectors"]["file"] == {"template.ca_cert": "{{ kapacitor_ca_cert | default('') }}"}
    ca_path = cred["injectors"]["env"]["KAPACITOR_CA_PATH"]
    assert "{{ tower.filename.ca_cert }}" in ca_path
    # Without a certificate the variable is empty (unset for the modules), not an empty file's path.
    assert re.match(r"^\{% if kapacitor_ca_cert \| default\(''\) %\}\{\{ tower\.filename\.ca_cert \}\}\{% endif %\}$",
                    ca_path)


EXECUTION_ENVIRONMENTS = ("execution-environment.yml", "execution-environment-tarball.yml")


def test_execution_environments_need_nothing_beyond_ansible_core():
    for name in EXECUTION_ENVIRONMENTS:
        ee = load(name)
        assert ee["version"] == 3
        deps = ee["dependencies"]
        assert set(deps) == {"ansible_core", "ansible_runner", "galaxy"}, name
        assert re.match(r"^ansible-core==2\.\d+\.\d+$", deps["ansible_core"]["package_pip"]), name
        assert re.match(r"^ansible-runner==\d+\.\d+\.\d+$", deps["ansible_runner"]["package_pip"]), name
        assert len(deps["galaxy"]["collections"]) == 1


def test_execution_environments_differ_only_in_where_the_collection_comes_from():
    galaxy, tarball = (load(name) for name in EXECUTION_ENVIRONMENTS)
    assert galaxy["images"] == tarball["images"]
    assert {k: v for k, v in galaxy["dependencies"].items() if k != "galaxy"} == \
        {k: v for k, v in tarball["dependencies"].items() if k != "galaxy"}
    assert [c["name"] for c in galaxy["dependencies"]["galaxy"]["collections"]] == ["tickstack.kapacitor"]
    (from_file,) = tarball["dependencies"]["galaxy"]["collections"]
    assert from_file["type"] == "file"
    # The tarball copied into the build context is the file that ansible-galaxy installs.
    (copy,) = tarball["additional_build_steps"]["prepend_galaxy"]
    source, dest = copy.split()[1:]
    assert dest == from_file["name"]
    (build_file,) = tarball["additional_build_files"]
    assert source == "_build/%s/%s" % (build_file["dest"], build_file["src"])


def test_collection_declares_no_execution_environment_dependencies():
    assert not os.path.exists(os.path.join(COLLECTION, "meta", "execution-environment.yml"))
    with open(os.path.join(COLLECTION, "galaxy.yml"), encoding="utf-8") as f:
        assert not yaml.safe_load(f).get("dependencies")
