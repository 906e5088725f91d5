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
      - Mutually exclusive with O(chronograf_url). When neither is given, V(http://localhost:9092). An option given in
        the task wins over the other one set in the environment; both given in the task, or both in the environment,
        are refused.
    type: str
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
  chronograf_source:
    description:
      - With O(chronograf_url), the Chronograf source (InfluxDB connection) whose Kapacitor connection is used, by id
        (V(1)) or by name. Without it, the default source.
    type: str
  chronograf_kapacitor:
    description:
      - With O(chronograf_url), the Kapacitor connection of the source to go through, by name or by id (as
        M(tickstack.kapacitor.chronograf_kapacitor) creates it). Without it, the active connection of the source.
      - Two connections with that name are refused; give the id then.
      - Through Chronograf, O(kapacitor_username), O(kapacitor_password) and O(kapacitor_token) are refused, since Chronograf
        removes the C(Authorization) header and sends the credentials stored with the connection.
      - O(validate_certs), O(ca_path), O(client_cert), O(client_key), O(timeout) and O(use_proxy) then apply to
        Chronograf.
    type: str
"""

    CHRONOGRAF = r"""
options:
  chronograf_url:
    description:
      - Base URL of Chronograf (1.8.1 or newer), such as V(http://chronograf:8888). A path in it is Chronograf's
        C(--basepath) (V(https://example.com/chronograf)); a trailing C(/chronograf/v1) is left out.
      - For the Kapacitor modules, Kapacitor is then reached through Chronograf's Kapacitor proxy instead of
        C(kapacitor_url), with the same requests and the same answers.
      - Credentials written into the URL are refused.
      - If not set, the environment variable E(CHRONOGRAF_URL) is used; an empty variable counts as unset.
    type: str
  chronograf_username:
    description:
      - User name for HTTP basic authentication, when Chronograf runs with C(--htpasswd).
      - If not set, the environment variable E(CHRONOGRAF_USERNAME) is used; an empty variable counts as unset.
      - Requires O(chronograf_password). Mutually exclusive with O(chronograf_private_key).
    type: str
  chronograf_password:
    description:
      - Password of O(chronograf_username).
      - If not set, the environment variable E(CHRONOGRAF_PASSWORD) is used; an empty variable counts as unset.
    type: str
  chronograf_private_key:
    description:
      - PEM file of the RSA private key whose public half Chronograf was started with (C(--pub-key-file), as C(chronoctl
        gen-keypair) writes them), for Chronograf's superadmin token (Chronograf with OAuth). The module signs
        Chronograf's current nonce with it, and signs a fresh one when Chronograf rotated it.
      - Needs the C(cryptography) Python package where the module runs; ansible-core brings it on the controller, so
        delegate the task to C(localhost) where a managed host lacks it.
      - If not set, the environment variable E(CHRONOGRAF_PRIVATE_KEY) is used; an empty variable counts as unset.
    type: path
  chronograf_basepath:
    description:
      - Chronograf's C(--basepath), such as V(/chronograf), when it is not the path of O(chronograf_url).
    type: str
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

    CHRONOGRAF_ATTRIBUTES = r"""
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
  action_group:
    description: Use C(group/tickstack.kapacitor.chronograf) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - tickstack.kapacitor.chronograf
"""
