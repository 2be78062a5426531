#!/usr/bin/env bash
# NovaCron local network: 4 validators on 127.0.0.1 with distinct ports.
#
#   scripts/localnet.sh start            build homes + genesis and start 4 validators
#   scripts/localnet.sh stop             stop every node by its pid
#   scripts/localnet.sh status [--json]  home, RPC, gRPC, REST, pid and height of each node
#   scripts/localnet.sh add-node         start one more (non-validator) node that joins the network
#   scripts/localnet.sh restart-node I   start node I again (after a crash or kill) and wait until it serves
#
# Environment: NOVACROND (binary, default build/novacrond), LOCALNET_DIR (default networks/local),
# LOCALNET_PORT_BASE (default 26000), CHAIN_ID (default novacron-local-1), LOCALNET_NODES (default 4).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${NOVACROND:-$ROOT/build/novacrond}
DIR=${LOCALNET_DIR:-$ROOT/networks/local}
TEMPLATES=$ROOT/networks/localnet
BASE=${LOCALNET_PORT_BASE:-26000}
CHAIN_ID=${CHAIN_ID:-novacron-local-1}
NODES=${LOCALNET_NODES:-4}
DENOM=unova
KR=(--keyring-backend test)

die() { echo "localnet: $*" >&2; exit 1; }

# q CMD...: run quietly, logging to $DIR/setup.log; on failure show what the command said.
q() {
  if ! "$@" >>"$DIR/setup.log" 2>&1; then
    echo "localnet: failed: $*" >&2
    grep -v '^ \|^Usage\|^Flags\|^Global Flags\|^$' "$DIR/setup.log" | tail -n 5 >&2
    return 1
  fi
}

# Ports of node i: p2p, rpc, api (REST), grpc, pprof, prometheus, artifacts (libp2p bitswap, local API).
ports() {
  local o=$((BASE + 100 * $1))
  P2P_PORT=$((o + 56)); RPC_PORT=$((o + 57)); API_PORT=$((o + 17))
  GRPC_PORT=$((o + 90)); PPROF_PORT=$((o + 60)); PROM_PORT=$((o + 66))
  ART_PORT=$((o + 41)); ARTAPI_PORT=$((o + 51))
}

home_of() { echo "$DIR/node$1"; }
pid_of() { local f="$DIR/node$1.pid"; [ -f "$f" ] && cat "$f" || true; }
alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
node_count() { local n=0; while [ -d "$(home_of $n)" ]; do n=$((n + 1)); done; echo $n; }

port_busy() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

check_ports() {
  local i busy=()
  for i in "$@"; do
    ports "$i"
    for p in $P2P_PORT $RPC_PORT $API_PORT $GRPC_PORT $PPROF_PORT $PROM_PORT $ART_PORT $ARTAPI_PORT; do
      port_busy "$p" && busy+=("node$i:$p")
    done
  done
  [ ${#busy[@]} -eq 0 ] || die "ports already in use: ${busy[*]} (another localnet or service?); set LOCALNET_PORT_BASE to move the network"
}

running_pids() {
  local i pids=()
  for f in "$DIR"/node*.pid; do
    [ -f "$f" ] || continue
    local p; p=$(cat "$f")
    alive "$p" && pids+=("$p")
  done
  echo "${pids[*]:-}"
}

# apply_overrides FILE TEMPLATE: sets "section.key = value" lines of TEMPLATE in TOML FILE.
apply_overrides() {
  local file=$1 tmpl=$2 line key value section k
  while IFS= read -r line; do
    case "$line" in ''|'#'*) continue ;; esac
    key=${line%% = *}; value=${line#* = }
    value=$(subst "$value")
    if [[ $key == *.* ]]; then section=${key%%.*}; k=${key#*.}; else section=""; k=$key; fi
    toml_set "$file" "$section" "$k" "$value"
  done < "$tmpl"
}

subst() {
  local v=$1
  v=${v//\$\{MONIKER\}/$MONIKER}; v=${v//\$\{RPC_PORT\}/$RPC_PORT}; v=${v//\$\{P2P_PORT\}/$P2P_PORT}
  v=${v//\$\{API_PORT\}/$API_PORT}; v=${v//\$\{GRPC_PORT\}/$GRPC_PORT}; v=${v//\$\{PPROF_PORT\}/$PPROF_PORT}
  v=${v//\$\{PROM_PORT\}/$PROM_PORT}; v=${v//\$\{PEERS\}/$PEERS}; v=${v//\$\{CHAIN_ID\}/$CHAIN_ID}
  v=${v//\$\{ART_PORT\}/$ART_PORT}; v=${v//\$\{ARTAPI_PORT\}/$ARTAPI_PORT}; v=${v//\$\{ART_PEERS\}/$ART_PEERS}
  printf '%s' "$v"
}

# toml_set FILE SECTION KEY VALUE: replace KEY's value inside [SECTION] ("" = top level).
toml_set() {
  local tmp; tmp=$(mktemp)
  awk -v sec="$2" -v key="$3" -v val="$4" '
    BEGIN { cur = ""; done = 0 }
    /^\[[^]]*\][[:space:]]*$/ { s = $0; gsub(/^\[|\][[:space:]]*$/, "", s); cur = s }
    {
      if (!done && cur == sec) {
        line = $0; sub(/^[[:space:]]+/, "", line)
        if (index(line, key " =") == 1 || index(line, key "=") == 1) { print key " = " val; done = 1; next }
      }
      print
    }
    END { if (!done) { print "toml_set: key " sec "." key " not found" > "/dev/stderr"; exit 3 } }
  ' "$1" > "$tmp" && mv "$tmp" "$1"
}

configure_node() { # i peers artifact-peers
  local i=$1 h; h=$(home_of "$i")
  ports "$i"; MONIKER="node$i"; PEERS=$2; ART_PEERS=$3
  apply_overrides "$h/config/config.toml" "$TEMPLATES/config.overrides"
  apply_overrides "$h/config/app.toml" "$TEMPLATES/app.overrides"
  apply_overrides "$h/config/client.toml" "$TEMPLATES/client.overrides"
}

node_id() { "$BIN" comet show-node-id --home "$(home_of "$1")"; }

artifact_id() { "$BIN" artifacts id --offline --home "$(home_of "$1")" | head -n 1; }

# artifact_peers_except i n: the other nodes' bitswap multiaddrs as a TOML array body.
artifact_peers_except() {
  local j out=()
  for ((j = 0; j < $2; j++)); do
    [ "$j" -eq "$1" ] && continue
    ports "$j"; out+=("\"/ip4/127.0.0.1/tcp/$ART_PORT/p2p/$(artifact_id "$j")\"")
  done
  local IFS=,; echo "${out[*]}"
}

peers_except() { # i n
  local j out=()
  for ((j = 0; j < $2; j++)); do
    [ "$j" -eq "$1" ] && continue
    ports "$j"; out+=("$(node_id "$j")@127.0.0.1:$P2P_PORT")
  done
  local IFS=,; echo "${out[*]}"
}

start_node() { # i
  local i=$1 h; h=$(home_of "$i")
  nohup "$BIN" start --home "$h" >"$DIR/node$i.log" 2>&1 &
  echo $! >"$DIR/node$i.pid"
}

height_of() { # rpc_port -> latest height or empty
  curl -fsS --max-time 2 "http://127.0.0.1:$1/status" 2>/dev/null | jq -r '.result.sync_info.latest_block_height' 2>/dev/null || true
}

wait_height() { # i min_height timeout_s
  local i=$1 want=$2 deadline=$((SECONDS + $3)) h
  ports "$i"
  while [ $SECONDS -lt $deadline ]; do
    alive "$(pid_of "$i")" || return 2
    h=$(height_of "$RPC_PORT")
    [ -n "$h" ] && [ "$h" != null ] && [ "$h" -ge "$want" ] && return 0
    sleep 0.5
  done
  return 1
}

cmd_start() {
  [ -x "$BIN" ] || die "binary $BIN not found: run 'make build' first"
  command -v jq >/dev/null || die "jq is required (apt-get install -y jq)"
  local pids; pids=$(running_pids)
  [ -z "$pids" ] || die "a localnet is already running (pids $pids); run 'make localnet-stop' first"
  local idx=(); for ((i = 0; i < NODES; i++)); do idx+=("$i"); done
  check_ports "${idx[@]}"

  rm -rf "$DIR"; mkdir -p "$DIR"
  trap 'echo "localnet: start failed; stopping what was started" >&2; cmd_stop >/dev/null 2>&1 || true' ERR
  for ((i = 0; i < NODES; i++)); do
    local h; h=$(home_of "$i")
    q "$BIN" init "node$i" --chain-id "$CHAIN_ID" --default-denom $DENOM --home "$h"
    "$BIN" keys add "val$i" "${KR[@]}" --home "$h" --output json >"$DIR/val$i.key.json" 2>&1
  done
  local h0; h0=$(home_of 0)
  # A faucet for tests and walkthroughs; its mnemonic stays in the localnet folder.
  "$BIN" keys add faucet "${KR[@]}" --home "$h0" --output json >"$DIR/faucet.key.json" 2>&1
  "$BIN" genesis add-genesis-account faucet 1000000000000000$DENOM "${KR[@]}" --home "$h0"
  for ((i = 0; i < NODES; i++)); do
    local addr; addr=$("$BIN" keys show "val$i" -a "${KR[@]}" --home "$(home_of "$i")")
    "$BIN" genesis add-genesis-account "$addr" 100000000000$DENOM --home "$h0"
    local valoper; valoper=$("$BIN" keys show "val$i" --bech val -a "${KR[@]}" --home "$(home_of "$i")")
    "$BIN" genesis allow-operator "$valoper" --note "localnet node$i" --home "$h0"
  done
  # Host operators (x/vmlifecycle allowlist, sorted): the validators' accounts and the faucet.
  local ops=("$("$BIN" keys show faucet -a "${KR[@]}" --home "$h0")")
  for ((i = 0; i < NODES; i++)); do ops+=("$("$BIN" keys show "val$i" -a "${KR[@]}" --home "$(home_of "$i")")"); done
  local ops_json; ops_json=$(printf '%s\n' "${ops[@]}" | sort | jq -R . | jq -sc .)
  jq -f "$TEMPLATES/genesis.jq" --argjson hostops "$ops_json" "$h0/config/genesis.json" >"$DIR/genesis.tmp" && mv "$DIR/genesis.tmp" "$h0/config/genesis.json"
  for ((i = 0; i < NODES; i++)); do
    local h; h=$(home_of "$i")
    [ "$i" -eq 0 ] || cp "$h0/config/genesis.json" "$h/config/genesis.json"
    q "$BIN" genesis gentx "val$i" 10000000000$DENOM --chain-id "$CHAIN_ID" "${KR[@]}" --home "$h" \
      --moniker "node$i" --output-document "$DIR/gentx-$i.json"
  done
  mkdir -p "$DIR/gentxs"; cp "$DIR"/gentx-*.json "$DIR/gentxs/"
  q "$BIN" genesis collect-gentxs --gentx-dir "$DIR/gentxs" --home "$h0"
  q "$BIN" genesis validate --home "$h0"
  for ((i = 0; i < NODES; i++)); do
    [ "$i" -eq 0 ] || cp "$h0/config/genesis.json" "$(home_of "$i")/config/genesis.json"
  done
  for ((i = 0; i < NODES; i++)); do
    configure_node "$i" "$(peers_except "$i" "$NODES")" "$(artifact_peers_except "$i" "$NODES")"
  done
  for ((i = 0; i < NODES; i++)); do start_node "$i"; done
  for ((i = 0; i < NODES; i++)); do
    if ! wait_height "$i" 2 90; then
      echo "localnet: node$i did not reach height 2; last log lines:" >&2
      tail -n 30 "$DIR/node$i.log" >&2
      false
    fi
  done
  trap - ERR
  echo "localnet: $NODES validators running (chain $CHAIN_ID); homes and logs in $DIR"
  cmd_status
}

# add-node: one more full node (node<N>) that follows the chain; the caller may turn it into a validator.
cmd_add_node() {
  local n; n=$(node_count)
  [ "$n" -gt 0 ] || die "no localnet in $DIR; run 'make localnet' first"
  check_ports "$n"
  local h; h=$(home_of "$n")
  q "$BIN" init "node$n" --chain-id "$CHAIN_ID" --default-denom $DENOM --home "$h"
  "$BIN" keys add "val$n" "${KR[@]}" --home "$h" --output json >"$DIR/val$n.key.json" 2>&1
  cp "$(home_of 0)/config/genesis.json" "$h/config/genesis.json"
  configure_node "$n" "$(peers_except "$n" "$n")" "$(artifact_peers_except "$n" "$n")"
  start_node "$n"
  wait_height "$n" 1 90 || { tail -n 30 "$DIR/node$n.log" >&2; die "node$n did not sync"; }
  echo "node$n"
}

cmd_restart_node() { # i
  local i=${1:-}
  [[ "$i" =~ ^[0-9]+$ ]] && [ -d "$(home_of "$i")" ] || die "restart-node: no node '$i' (have 0..$(($(node_count) - 1)))"
  alive "$(pid_of "$i")" && die "restart-node: node$i is running (pid $(pid_of "$i"))"
  start_node "$i"
  wait_height "$i" 1 90 || { tail -n 30 "$DIR/node$i.log" >&2; die "node$i did not come back"; }
  echo "node$i"
}

cmd_stop() {
  local stopped=0 f p
  for f in "$DIR"/node*.pid; do
    [ -f "$f" ] || continue
    p=$(cat "$f")
    if alive "$p"; then kill "$p" 2>/dev/null || true; stopped=$((stopped + 1)); fi
  done
  local deadline=$((SECONDS + 20))
  for f in "$DIR"/node*.pid; do
    [ -f "$f" ] || continue
    p=$(cat "$f")
    while alive "$p" && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    alive "$p" && kill -9 "$p" 2>/dev/null || true
    rm -f "$f"
  done
  echo "localnet: stopped $stopped node(s)"
}

cmd_status() {
  local json=0; [ "${1:-}" = "--json" ] && json=1
  local n; n=$(node_count)
  local out="[" sep=""
  for ((i = 0; i < n; i++)); do
    ports "$i"
    local p; p=$(pid_of "$i"); local run=false h=null
    if alive "$p"; then run=true; h=$(height_of "$RPC_PORT"); [ -n "$h" ] || h=null; fi
    out+="$sep{\"name\":\"node$i\",\"home\":\"$(home_of "$i")\",\"rpc\":\"tcp://127.0.0.1:$RPC_PORT\",\"grpc\":\"127.0.0.1:$GRPC_PORT\",\"rest\":\"http://127.0.0.1:$API_PORT\",\"p2p\":\"127.0.0.1:$P2P_PORT\",\"pprof\":\"127.0.0.1:$PPROF_PORT\",\"artifacts_api\":\"127.0.0.1:$ARTAPI_PORT\",\"artifacts_p2p\":\"/ip4/127.0.0.1/tcp/$ART_PORT\",\"prometheus\":\"127.0.0.1:$PROM_PORT\",\"pid\":${p:-null},\"running\":$run,\"height\":$h,\"log\":\"$DIR/node$i.log\"}"
    sep=","
  done
  out+="]"
  if [ $json -eq 1 ]; then echo "$out" | jq -c '{chain_id: "'"$CHAIN_ID"'", nodes: .}'
  else echo "$out" | jq -r '.[] | "\(.name)\tpid=\(.pid)\trunning=\(.running)\theight=\(.height)\trpc=\(.rpc)\tgrpc=\(.grpc)\trest=\(.rest)\thome=\(.home)"'
  fi
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) shift; cmd_status "$@" ;;
  add-node) cmd_add_node ;;
  restart-node) shift; cmd_restart_node "$@" ;;
  *) echo "usage: $0 start|stop|status [--json]|add-node|restart-node I" >&2; exit 2 ;;
esac
