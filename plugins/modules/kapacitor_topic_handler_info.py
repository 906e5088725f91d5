#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tickstack.kapacitor contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kapacitor_topic_handler_info
short_description: Read Kapacitor's topic handlers in the shape that configures them
version_added: 0.2.0
description:
  - Reads the alert topic handlers of a Kapacitor server, of every topic (one request for the topics, then one per
    topic) or of one topic (one request).
  - Returns them in RV(handlers) in exactly the shape that M(tickstack.kapacitor.kapacitor_topic_handler), each entry
    of M(tickstack.kapacitor.kapacitor_topic_handlers) and the C(kapacitor_topic_handlers) variable of the
    C(tickstack.kapacitor.alert_endpoints) role take (options in module spelling, durations as Go duration strings).
    Applying the result to the same server changes nothing. This is how handlers defined by hand (with
    C(kapacitor define-topic-handler), Chronograf or the API) are adopted.
  - Secrets are never returned. They are left out of C(options) and the ones set are named in RV(secrets).
author:
  - tickstack.kapacitor maintainers (@tickstack)
options:
  topic:
    description:
      - Read only the handlers of this topic. Without it every topic is read.
      - A topic with no handler (or none at all) gives an empty RV(handlers).
    type: str
extends_documentation_fragment:
  - tickstack.kapacitor.connection
  - tickstack.kapacitor.connection.CHRONOGRAF
  - tickstack.kapacitor.connection.ATTRIBUTES
attributes:
  check_mode:
    support: full
    details:
      - The module only reads.
  diff_mode:
    support: N/A
    details:
      - The module only reads.
notes:
  - B(Secrets.) Kapacitor returns every option in clear text. The secret options (as listed in
    O(tickstack.kapacitor.kapacitor_topic_handler#module:options)) and values under keys that name no option of the
    kind are left out and named in RV(secrets). Applying the export keeps the values they have on the server; give them
    from a vault to apply the export to another server.
  - Handlers whose kind is disabled on the server (C(kapacitord -disable-handlers)) come back from Kapacitor without an
    ID; they are left out with a warning.
seealso:
  - module: tickstack.kapacitor.kapacitor_topic_handler
  - module: tickstack.kapacitor.kapacitor_topic_handlers
  - module: tickstack.kapacitor.kapacitor_alert_endpoint_info
"""

EXAMPLES = r"""
- name: Read every topic handler
  tickstack.kapacitor.kapacitor_topic_handler_info:
    kapacitor_url: http://kapacitor.example.com:9092
  register: current

- name: Adopt them as they are (the second run of the same list changes nothing)
  tickstack.kapacitor.kapacitor_topic_handlers:
    kapacitor_url: http://kapacitor.example.com:9092
    handlers: "{{ current.handlers }}"

- name: Read the handlers of topic cpu
  tickstack.kapacitor.kapacitor_topic_handler_info:
    topic: cpu
  register: cpu_handlers
"""

RETURN = r"""
handlers:
  description: The handlers, sorted by topic and then by ID, in the input shape of the modules.
  returned: always
  type: list
  elements: dict
  contains:
    topic:
      description: The topic.
      type: str
      returned: always
      sample: cpu
    id:
      description: The handler's ID.
      type: str
      returned: always
      sample: slack-cpu
    kind:
      description: The kind.
      type: str
      returned: always
      sample: slack
    options:
      description: The options in module spelling, durations as Go duration strings, secrets left out.
      type: dict
      returned: always
      sample: {"channel": "#cpu-alerts"}
    match:
      description: The match expression, V("") for none.
      type: str
      returned: always
      sample: changed()
  sample: [{"topic": "cpu", "id": "slack-cpu", "kind": "slack", "options": {"channel": "#cpu-alerts"},
            "match": "changed()"}]
secrets:
  description: One item per handler of RV(handlers), with C(topic), C(id) and C(set), the secret options set on the server.
  returned: always
  type: list
  elements: dict
  sample: [{"topic": "disk", "id": "pagerduty-disk", "set": ["routing_key"]}]
topics:
  description: The topics read.
  returned: always
  type: list
  elements: str
  sample: [cpu, disk]
skipped:
  description: Handlers left out (a kind disabled on the server), with C(topic) and C(reason).
  returned: always
  type: list
  elements: dict
  sample: []
kapacitor_version:
  description: The version Kapacitor reports in its answers.
  returned: always
  type: str
  sample: 1.8.3
"""

from ansible_collections.tickstack.kapacitor.plugins.module_utils import topic_handlers
from ansible_collections.tickstack.kapacitor.plugins.module_utils.base import KapacitorModule


def main():
    module = KapacitorModule(
        argument_spec=dict(topic=dict(type="str")),
        supports_check_mode=True,
    )
    module.run(topic_handlers.run_info_module)


if __name__ == "__main__":
    main()
