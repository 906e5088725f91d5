# -*- coding: utf-8 -*-
# Copyright (c) tickstack.kapacitor contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the tickstack.kapacitor collection. The matching argument spec is
# plugins/module_utils/connection.py; a unit test keeps the two in step.

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:

    DOCUMENTATION = r"""
options:
  kapacitor_url:
    description:
      - Base URL of the Kapacitor server, without the C(/kapacitor/v1) API path.
      - Credentials written into the URL (C(http://user:password@host)) are refused; give them as O(kapacitor_username)
        and O(kapacitor_password).
      - If not set, the environment variable E(KAPACITOR_URL) is used; an empty variable counts as unset.
    type: str
    default: http://localhost:9092
  kapacitor_username:
    description:
      - User name for HTTP basic authentication, when Kapacitor runs with C([http] auth-enabled = true).
      - The user needs Kapacitor's C(config) permission to manage alert endpoints, and C(api) to manage topic handlers
        and to send test alerts.
      - If not set, the environment variable E(KAPACITOR_USERNAME) is used; an empty variable counts as unset.
      - Requires O(kapacitor_password). Mutually exclusive with O(kapacitor_token).
    type: str
  kapacitor_password:
    description:
      - Password for HTTP basic authentication.
      - If not set, the environment variable E(KAPACITOR_PASSWORD) is used; an empty variable counts as unset.
    type: str
  kapacitor_token:
    description:
      - A JSON web token, sent in the C(Authorization) header with the C(Bearer) scheme. Kapacitor accepts tokens signed
        with its C([http] shared-secret) that carry C(username) and C(exp) claims.
      - If not set, the environment variable E(KAPACITOR_TOKEN) is used; an empty variable counts as unset.
    type: str
  validate_certs:
    description:
      - Verify the TLS certificate of an C(https) O(kapacitor_url).
      - Set to V(false) only for test servers with self-signed certificates; prefer O(ca_path).
      - If not set, the environment variable E(KAPACITOR_VALIDATE_CERTS) is used; an empty variable counts as unset.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file of the certificate authority that signed Kapacitor's certificate.
      - If not set, the environment variable E(KAPACITOR_CA_PATH) is used; an empty variable counts as unset.
    type: path
  client_cert:
    description:
      - PEM file with a client certificate, for Kapacitor servers that require one.
      - If not set, the environment variable E(KAPACITOR_CLIENT_CERT) is used; an empty variable counts as unset.
    type: path
  client_key:
    description:
      - PEM file with the private key of O(client_cert), if the certificate file does not hold it.
      - If not set, the environment variable E(KAPACITOR_CLIENT_KEY) is used; an empty variable counts as unset.
    type: path
  timeout:
    description:
      - Seconds to wait for each answer from Kapacitor; a positive number.
    type: int
    default: 10
  use_proxy:
    description:
      - Use the proxy named in the E(http_proxy), E(https_proxy) and E(no_proxy) environment variables.
    type: bool
    default: true
"""

    ATTRIBUTES = r"""
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
  action_group:
    description: Use C(group/tickstack.kapacitor.kapacitor) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - tickstack.kapacitor.kapacitor
"""
