#!/usr/bin/env bash
# Real ansible-playbook runs against Kapacitor emulators started here on free ports:
#   plain    http, no auth: every handler's cycle, secrets, bad input, faults
#   secured  https (throwaway CA), auth on (basic and JWT), a kafka element from kapacitor.conf
#   locked   [config-override] enabled = false
# Every run is at -vvv with --diff and ANSIBLE_LOG_PATH set; the output is then scanned for
# every secret the playbooks used.
set -euo pipefail

source ../setup_kapacitor_emulator/emulator.sh

work=$EMULATOR_WORK
emulator_make_cert "$work/tls"
shared_secret="jwt-shared-S3cr3tX8"
kapacitor_password=$(sed -n 's/^  kapacitor_password: "\(.*\)"$/\1/p' vars/secrets.yml)

cat > "$work/secured.conf" <<CONF
[http]
auth-enabled = true
shared-secret = "$shared_secret"

[[emulator.users]]
username = "ansible"
password = "$kapacitor_password"
permissions = ["config"]

[[emulator.users]]
username = "reader"
password = "$kapacitor_password"
permissions = ["api"]

[[kafka]]
id = "fromfile"
enabled = false
brokers = ["kafka.conf.example:9092"]
CONF

cat > "$work/locked.conf" <<CONF
[config-override]
enabled = false
CONF

emulator_start PLAIN_URL
emulator_start SECURED_URL --config "$work/secured.conf" --tls-cert "$work/tls/server.pem" --tls-key "$work/tls/server-key.pem"
emulator_start LOCKED_URL --config "$work/locked.conf"
jwt=$(emulator_token "$shared_secret" ansible)

export ANSIBLE_LOG_PATH=$work/ansible.log
export ANSIBLE_PIPELINING=true
stdout=$work/stdout.log
: > "$stdout"

play() {
  run_playbook "$stdout" -vvv --diff -i inventory.ini \
    -e kapacitor_url="$PLAIN_URL" -e secured_url="$SECURED_URL" -e locked_url="$LOCKED_URL" \
    -e ca_path="$work/tls/ca.pem" -e kapacitor_token="$jwt" "$@"
}

start=$SECONDS
for playbook in ${PLAYBOOKS:-handlers.yml secrets.yml bad_input.yml faults.yml connection.yml}; do
  play "$playbook"
done
KAPACITOR_URL=$SECURED_URL KAPACITOR_USERNAME=ansible KAPACITOR_PASSWORD=$kapacitor_password play env.yml

# No secret may appear anywhere: not at -vvv, not in a diff, not in the log file.
{ secrets_in vars/secrets.yml; echo "jwt=$jwt"; echo "shared_secret=$shared_secret"; } |
  scan_secrets "$stdout" "$ANSIBLE_LOG_PATH"
[[ -s $ANSIBLE_LOG_PATH ]]
echo "secret scan: $(sed -n 's/^  [a-z0-9_]*: "\(.*\)"$/\1/p' vars/secrets.yml | wc -l) secrets + token, $(wc -c < "$stdout") bytes of output, none leaked"
echo "kapacitor_alert_endpoint integration: $((SECONDS - start)) s"
