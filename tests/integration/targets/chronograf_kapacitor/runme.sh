#!/usr/bin/env bash
# Real ansible-playbook runs of chronograf_kapacitor, and of the Kapacitor modules through
# Chronograf's Kapacitor proxy, against a Kapacitor emulator behind Chronograf emulators started
# here on free ports: one without authentication, one with htpasswd under a basepath, one with
# the superadmin token (OAuth mode), whose nonce is replaced during a run. Every run is at -vvv
# --diff with ANSIBLE_LOG_PATH set; the output is then scanned for every secret the playbooks used.
set -euo pipefail

source ../setup_kapacitor_emulator/emulator.sh

work=$EMULATOR_WORK
chronograf_make_keys "$work/keys"
chronograf_make_keys "$work/other-keys"
chronograf_htpasswd "$work/htpasswd" ops "$(sed -n 's/^  chronograf_password: "\(.*\)"$/\1/p' vars/secrets.yml)"

emulator_start KAPACITOR_URL
chronograf_start CHRONOGRAF_URL
chronograf_start CHRONOGRAF_HTPASSWD_URL --htpasswd "$work/htpasswd" --basepath /monitoring/chronograf
chronograf_start CHRONOGRAF_TOKEN_URL --pub-key "$work/keys/chronograf-rsa.pub"

export ANSIBLE_LOG_PATH=$work/ansible.log
export ANSIBLE_PIPELINING=true
# auth.yml runs a module in the background: its job files in a place of their own, whatever HOME is.
export ANSIBLE_ASYNC_DIR=$work/async
stdout=$work/stdout.log
start=$SECONDS
for playbook in ${PLAYBOOKS:-connection.yml proxy.yml auth.yml faults.yml}; do
  run_playbook "$stdout" -vvv --diff -i inventory.ini \
    -e kapacitor_url="$KAPACITOR_URL" -e chronograf_url="$CHRONOGRAF_URL" \
    -e chronograf_htpasswd_url="$CHRONOGRAF_HTPASSWD_URL" -e chronograf_token_url="$CHRONOGRAF_TOKEN_URL" \
    -e private_key="$work/keys/chronograf-rsa" -e other_private_key="$work/other-keys/chronograf-rsa" \
    "$playbook"
done

{ secrets_in vars/secrets.yml; secrets_in ../kapacitor_test_alert/vars/secrets.yml
  echo "private_key=$(sed -n 2p "$work/keys/chronograf-rsa")"; } | scan_secrets "$stdout" "$ANSIBLE_LOG_PATH"
if grep -q 'Traceback (most recent call last)' "$stdout"; then
  echo "a module failed with a traceback" >&2
  exit 1
fi
echo "secret scan: $(wc -c < "$stdout") bytes of output, none leaked"
echo "chronograf_kapacitor integration: $((SECONDS - start)) s"
