#!/usr/bin/env bash
# Real ansible-playbook runs of kapacitor_alert_endpoint_info against two Kapacitor emulators
# started here on free ports:
#   plain  no kapacitor.conf: endpoints configured through the API, read back, applied again
#   hand   a kapacitor.conf that defines endpoints by hand: adopted without change
# Every run is at -vvv with ANSIBLE_LOG_PATH set; the output is then scanned for every secret.
set -euo pipefail

source ../setup_kapacitor_emulator/emulator.sh

work=$EMULATOR_WORK
secret() { sed -n "s/^  $1: \"\(.*\)\"$/\1/p" vars/secrets.yml; }

cat > "$work/hand.conf" <<CONF
[[slack]]
  enabled = true
  default = true
  workspace = "main"
  url = "$(secret hand_slack_main)"
  channel = "#alerts"
  username = "kapacitor"

[[slack]]
  enabled = false
  default = false
  workspace = "dev"
  url = "$(secret hand_slack_dev)"
  channel = "#dev"
  username = "kapacitor-dev"

[smtp]
  enabled = true
  host = "mail.example.com"
  port = 587
  username = "kapacitor"
  password = "$(secret hand_smtp_password)"
  from = "kapacitor@example.com"
  to = ["oncall@example.com", "ops@example.com"]
  idle-timeout = "60s"

[[kafka]]
  enabled = true
  id = "events"
  brokers = ["kafka-1.example.com:9092", "kafka-2.example.com:9092"]
  timeout = "10s"
  batch-size = 100
  batch-timeout = "1s"
  sasl-username = "kapacitor"
  sasl-password = "$(secret hand_kafka_password)"
  sasl-mechanism = "PLAIN"

[teams]
  enabled = true
  channel-url = "$(secret hand_teams_url)"

[zenoss]
  enabled = true
  url = "https://zenoss.example.com/zport/dmd/evconsole_router"
  [zenoss.severity-map]
    OK = "Clear"
    Info = "Info"
    Warning = "Warn"
    Critical = "Critical"
CONF

emulator_start KAPACITOR_URL
emulator_start HAND_URL --config "$work/hand.conf"

export ANSIBLE_LOG_PATH=$work/ansible.log
export ANSIBLE_PIPELINING=true
stdout=$work/stdout.log
start=$SECONDS
for playbook in ${PLAYBOOKS:-roundtrip.yml adopt.yml}; do
  run_playbook "$stdout" -vvv -i inventory.ini -e kapacitor_url="$KAPACITOR_URL" -e hand_url="$HAND_URL" \
    -e export_dir="$work" "$playbook"
done

# The exported vars file must hold no secret either.
secrets_in vars/secrets.yml | scan_secrets "$stdout" "$ANSIBLE_LOG_PATH" "$work/exported.yml"
echo "secret scan: $(grep -c '^  [a-z0-9_]*: "' vars/secrets.yml) secrets, $(wc -c < "$stdout") bytes of output, none leaked"
echo "kapacitor_alert_endpoint_info integration: $((SECONDS - start)) s"
