# shellcheck shell=bash
# Helpers for integration targets that run against the Kapacitor emulator in tests/emulator.
# Source it from a target's runme.sh (whose aliases name needs/target/setup_kapacitor_emulator):
#
#   source ../setup_kapacitor_emulator/emulator.sh
#   emulator_start PLAIN_URL                       # http://127.0.0.1:<free port>, with test controls
#   emulator_start TLS_URL --config my.conf --tls-cert "$dir/server.pem" --tls-key "$dir/server-key.pem"
#   emulator_make_cert "$dir"                      # throwaway ca.pem, server.pem, server-key.pem (127.0.0.1)
#   emulator_token SECRET USERNAME                 # prints an HS256 JWT that Kapacitor accepts
#   chronograf_start CHRONOGRAF_URL [--htpasswd F] [--pub-key F] [--basepath /p]   # a Chronograf emulator
#   chronograf_make_keys "$dir"                    # chronograf-rsa (private) and chronograf-rsa.pub, as chronoctl
#   chronograf_htpasswd FILE USER PASSWORD         # an htpasswd file with one {SHA} entry
#   run_playbook "$out" -i inventory.ini play.yml  # ansible-playbook, its output appended to $out
#   secrets_in vars/secrets.yml | scan_secrets "$out" "$ANSIBLE_LOG_PATH"   # fails on any leaked secret
#
# Every emulator started is stopped when the sourcing script exits.

EMULATOR_PYTHON=${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}
EMULATOR_PIDS=()
EMULATOR_WORK=$(mktemp -d "${TMPDIR:-/tmp}/kapacitor-emulator.XXXXXX")

# The collection root holds tests/emulator; ansible-test runs targets from a copy inside it.
emulator_collection_root() {
  local dir
  dir=$(pwd)
  while [[ $dir != / ]]; do
    if [[ -f $dir/tests/emulator/kapacitor_emulator.py && -f $dir/galaxy.yml ]]; then
      echo "$dir"
      return 0
    fi
    dir=$(dirname "$dir")
  done
  echo "emulator.sh: no tests/emulator/kapacitor_emulator.py above $(pwd)" >&2
  return 1
}

EMULATOR_ROOT=$(emulator_collection_root)
EMULATOR_SCRIPT=$EMULATOR_ROOT/tests/emulator/kapacitor_emulator.py
CHRONOGRAF_SCRIPT=$EMULATOR_ROOT/tests/emulator/chronograf_emulator.py

emulator_stop_all() {
  local pid
  for pid in "${EMULATOR_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$EMULATOR_WORK"
}
trap emulator_stop_all EXIT

emulator_start() {
  local var=$1 scheme=http arg
  shift
  for arg in "$@"; do
    [[ $arg == --tls-cert ]] && scheme=https
  done
  server_start "$EMULATOR_SCRIPT" "$var" "$scheme" "$@"
}

# chronograf_start VAR ARGS...: a Chronograf emulator with test controls; VAR gets its URL without
# the basepath.
chronograf_start() {
  local var=$1
  shift
  server_start "$CHRONOGRAF_SCRIPT" "$var" http "$@"
}

# server_start SCRIPT VAR SCHEME ARGS...: starts an emulator on a free port, waits for it, and sets
# (and exports) VAR to its URL.
server_start() {
  local script=$1 var=$2 scheme=$3 n log port_file
  shift 3
  n=${#EMULATOR_PIDS[@]}
  port_file=$EMULATOR_WORK/port.$n
  log=$EMULATOR_WORK/emulator.$n.log
  "$EMULATOR_PYTHON" "$script" --listen 127.0.0.1:0 --port-file "$port_file" --test-controls "$@" >"$log" 2>&1 &
  EMULATOR_PIDS+=($!)
  for _ in $(seq 100); do
    [[ -s $port_file ]] && break
    if ! kill -0 "${EMULATOR_PIDS[$n]}" 2>/dev/null; then
      echo "emulator_start: $(basename "$script") exited:" >&2
      cat "$log" >&2
      return 1
    fi
    sleep 0.1
  done
  if [[ ! -s $port_file ]]; then
    echo "emulator_start: no port after 10 s" >&2
    cat "$log" >&2
    return 1
  fi
  printf -v "$var" '%s://127.0.0.1:%s' "$scheme" "$(cat "$port_file")"
  export "${var?}"
}

chronograf_make_keys() {
  mkdir -p "$1"
  "$EMULATOR_PYTHON" - "$1" <<'PY'
import os, sys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                            serialization.NoEncryption())
# Chronograf's odd public key: PKCS#1 in a block labelled PUBLIC KEY.
public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1)
with open(os.path.join(sys.argv[1], "chronograf-rsa"), "wb") as handle:
    handle.write(private)
os.chmod(os.path.join(sys.argv[1], "chronograf-rsa"), 0o600)
with open(os.path.join(sys.argv[1], "chronograf-rsa.pub"), "wb") as handle:
    handle.write(public.replace(b"RSA PUBLIC KEY", b"PUBLIC KEY"))
PY
}

chronograf_htpasswd() {
  "$EMULATOR_PYTHON" - "$@" <<'PY'
import base64, hashlib, sys
with open(sys.argv[1], "w") as handle:
    handle.write("%s:{SHA}%s\n" % (sys.argv[2], base64.b64encode(hashlib.sha1(sys.argv[3].encode()).digest()).decode()))
PY
}

emulator_make_cert() {
  mkdir -p "$1"
  "$EMULATOR_PYTHON" "$EMULATOR_ROOT/tests/emulator/make_certs.py" "$1" >/dev/null
}

emulator_token() {
  "$EMULATOR_PYTHON" - "$1" "$2" <<'PY'
import base64, hashlib, hmac, json, sys, time
def enc(data):
    return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).rstrip(b"=").decode()
head = enc({"alg": "HS256", "typ": "JWT"}) + "." + enc({"username": sys.argv[2], "exp": int(time.time()) + 3600})
sig = hmac.new(sys.argv[1].encode(), head.encode(), hashlib.sha256).digest()
print(head + "." + base64.urlsafe_b64encode(sig).rstrip(b"=").decode())
PY
}

# run_playbook OUTPUT ARGS...: ansible-playbook ARGS with its output appended to OUTPUT (the file
# the secret scan reads). On failure it prints the part of the run worth reading and returns the
# status; otherwise it prints the play recap.
run_playbook() {
  local output=$1 run_log rc=0
  shift
  run_log=$(dirname "$output")/run.log
  ansible-playbook "$@" > "$run_log" 2>&1 || rc=$?
  cat "$run_log" >> "$output"
  if [[ $rc != 0 ]]; then
    grep -vE '^(<|Using|Loading|Parsed|Skipping|redirecting|Read vars|    )' "$run_log" | tail -60
    echo "ansible-playbook $* failed (rc=$rc)" >&2
    return "$rc"
  fi
  grep -E '^PLAY RECAP' -A2 "$run_log"
}

# secrets_in FILE: the test secrets of a vars file (lines `  name: "value"`), as name=value lines.
secrets_in() {
  sed -n 's/^  \([a-z0-9_]*\): "\(.*\)"$/\1=\2/p' "$1"
}

# scan_secrets FILE...: reads name=value lines and fails when any value appears in any FILE.
scan_secrets() {
  local name secret file leaks=0
  while IFS='=' read -r name secret; do
    [[ -z $secret ]] && continue
    for file in "$@"; do
      if grep -qF -- "$secret" "$file"; then
        echo "LEAK: the secret $name appears in $(basename "$file")" >&2
        leaks=$((leaks + 1))
      fi
    done
  done
  [[ $leaks == 0 ]]
}
