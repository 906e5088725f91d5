#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tickstack.kapacitor contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: chronograf_kapacitor
short_description: Connect a Kapacitor to Chronograf
version_added: 0.2.0
description:
  - Creates, updates or removes one Kapacitor connection of a Chronograf source (what Chronograf's UI calls
    C(Configure Kapacitor Connection)), through Chronograf's API (Chronograf 1.8.1 or newer).
  - Once connected, the other modules of the collection can configure that Kapacitor through Chronograf's proxy, with
    their O(tickstack.kapacitor.kapacitor_alert_endpoint#module:chronograf_url) option.
  - Chronograf does not keep names unique. The connection is matched by O(name) among the source's connections; a
    source with two connections of that name is refused, so that the module never picks one at random.
  - This module talks to Chronograf only, never to Kapacitor; the Kapacitor is not contacted when it is connected.
author:
  - tickstack.kapacitor maintainers (@tickstack)
options:
  source:
    description:
      - The Chronograf source (InfluxDB connection) the Kapacitor belongs to, by id (V(1)) or by name.
      - Without it, the default source.
    type: str
  name:
    description:
      - Name of the connection in Chronograf.
    type: str
    required: true
  url:
    description:
      - URL of the Kapacitor as Chronograf reaches it, V(http://) or V(https://) with a host, such as
        V(http://kapacitor:9092). Checked before any request, since Chronograf itself stores values its proxy cannot
        use.
      - Required with O(state=present).
    type: str
  username:
    description:
      - User name Chronograf sends to Kapacitor (HTTP basic authentication), when Kapacitor runs with C([http]
        auth-enabled = true). Chronograf sends credentials only when both a user name and a password are stored.
      - V('') removes it. Left unset, a new connection has none and an existing one keeps its own.
    type: str
  password:
    description:
      - Password Chronograf sends to Kapacitor with O(username).
      - Chronograf never returns it, so the module cannot tell whether it differs; see O(update_password).
    type: str
  update_password:
    description:
      - V(on_create) sends O(password) only when the connection is created.
      - V(always) sends it on every run, which then always reports a change.
    type: str
    choices: [on_create, always]
    default: on_create
  insecure_skip_verify:
    description:
      - Let Chronograf skip the verification of Kapacitor's TLS certificate (an V(https) O(url) only).
      - Left unset, a new connection verifies it and an existing one keeps its setting.
    type: bool
  active:
    description:
      - Make this the active Kapacitor of the source, the one Chronograf's UI uses. Chronograf then deactivates the
        other Kapacitors of the source.
      - Left unset, a new connection is made active and an existing one keeps its state.
    type: bool
  state:
    description:
      - V(present) creates or updates the connection; V(absent) removes it (Kapacitor is not touched).
    type: str
    choices: [present, absent]
    default: present
  validate_certs:
    description:
      - Verify the TLS certificate of an C(https) O(chronograf_url).
    type: bool
    default: true
  ca_path:
    description:
      - PEM file of the certificate authority that signed Chronograf's certificate.
    type: path
  timeout:
    description:
      - Seconds to wait for each answer from Chronograf; a positive number.
    type: int
    default: 10
extends_documentation_fragment:
  - tickstack.kapacitor.connection.CHRONOGRAF
  - tickstack.kapacitor.connection.CHRONOGRAF_ATTRIBUTES
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details:
      - The password is shown as C(<set>) or C(<changed>) when it is sent, never as its value.
notes:
  - Chronograf's superadmin token (O(chronograf_private_key)) is signed with the C(cryptography) Python package, which
    ansible-core installs on the controller. On a managed host without it, delegate the task to C(localhost).
seealso:
  - module: tickstack.kapacitor.kapacitor_alert_endpoints
"""

EXAMPLES = r"""
- name: Connect the Kapacitor to Chronograf's default source
  tickstack.kapacitor.chronograf_kapacitor:
    chronograf_url: http://chronograf:8888
    name: prod
    url: http://kapacitor:9092
    username: chronograf
    password: "{{ vault_kapacitor_password }}"

- name: Through a Chronograf with OAuth, signing with the superadmin key
  tickstack.kapacitor.chronograf_kapacitor:
    chronograf_url: https://monitoring.example.com/chronograf
    chronograf_private_key: /etc/chronograf/chronograf-rsa
    source: Influx 1
    name: prod
    url: https://kapacitor.example.com:9092
  delegate_to: localhost

- name: Then configure that Kapacitor through Chronograf's proxy
  tickstack.kapacitor.kapacitor_alert_endpoint:
    chronograf_url: http://chronograf:8888
    chronograf_kapacitor: prod
    handler: slack
    name: ops
    config:
      enabled: true
      url: "{{ vault_slack_webhook }}"

- name: Remove the connection
  tickstack.kapacitor.chronograf_kapacitor:
    chronograf_url: http://chronograf:8888
    name: prod
    state: absent
"""

RETURN = r"""
connection:
  description:
    - The connection as Chronograf holds it (the password is never returned), V(null) with O(state=absent).
    - In check mode, a connection to be created has no C(id) and no C(links) yet.
  returned: always
  type: dict
  contains:
    id:
      description: Chronograf's id of the connection, a number in a string.
      type: str
      sample: "2"
    name:
      description: Its name.
      type: str
    url:
      description: The Kapacitor URL.
      type: str
    username:
      description: The user name sent to Kapacitor, V('') for none.
      type: str
    insecureSkipVerify:
      description: Whether Chronograf skips the verification of Kapacitor's certificate.
      type: bool
    active:
      description: Whether it is the active Kapacitor of the source.
      type: bool
    links:
      description:
        - Chronograf's links of the connection, with Chronograf's basepath, if any, in front.
        - C(proxy) is the path of Chronograf's Kapacitor proxy for this connection.
      type: dict
      sample: {"proxy": "/chronograf/v1/sources/1/kapacitors/2/proxy", "self": "/chronograf/v1/sources/1/kapacitors/2"}
  sample:
    id: "2"
    name: prod
    url: http://kapacitor:9092
    username: chronograf
    insecureSkipVerify: false
    active: true
    links: {"proxy": "/chronograf/v1/sources/1/kapacitors/2/proxy", "self": "/chronograf/v1/sources/1/kapacitors/2"}
source:
  description: The source the connection belongs to, its C(id) and C(name).
  returned: always
  type: dict
  sample: {"id": "1", "name": "Influx 1"}
method:
  description: HTTP method of the request that failed.
  returned: on a failed request
  type: str
  sample: POST
path:
  description: Path of the request that failed.
  returned: on a failed request
  type: str
  sample: /chronograf/v1/sources/9/kapacitors
status:
  description: HTTP status of the failed request, V(null) when no answer came.
  returned: on a failed request
  type: int
  sample: 404
chronograf_message:
  description: Chronograf's own error message.
  returned: on a failed request that Chronograf answered
  type: str
  sample: ID 9 not found
error_kind:
  description:
    - What kind of failure it was, V(chronograf_http) (Chronograf answered with an error status), V(chronograf_auth),
      V(chronograf_connection), V(chronograf_timeout), V(chronograf_tls), V(chronograf_not_chronograf) (the URL does not
      answer as Chronograf's API does), V(chronograf_not_found), V(chronograf_url).
  returned: on a failed request
  type: str
  sample: chronograf_http
"""

from ansible_collections.tickstack.kapacitor.plugins.module_utils import chronograf_connection
from ansible_collections.tickstack.kapacitor.plugins.module_utils.base import KapacitorModule
from ansible_collections.tickstack.kapacitor.plugins.module_utils.chronograf import ChronografConnection


def main():
    module = KapacitorModule(
        argument_spec=dict(
            source=dict(type="str"),
            name=dict(type="str", required=True),
            url=dict(type="str"),
            username=dict(type="str"),
            password=dict(type="str", no_log=True),
            update_password=dict(type="str", choices=["on_create", "always"], default="on_create", no_log=False),
            insecure_skip_verify=dict(type="bool"),
            active=dict(type="bool"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
        secrets_in=chronograf_connection.secrets_in_params,
        connection_options=ChronografConnection,
        required_if=[("state", "present", ["url"])],
        supports_check_mode=True,
    )
    module.run(chronograf_connection.run_module, what="Chronograf Kapacitor connection %r" % module.params["name"])


if __name__ == "__main__":
    main()
