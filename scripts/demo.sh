#!/usr/bin/env bash
# `make demo` / `make demo-down`: the quickstart stack (Pulumi.yaml → examples/quickstart) against posthog-local.
#
#   scripts/demo.sh up     check for the Pulumi CLI (exit 2 without it, before anything starts: it offers to
#                          download a pinned release into .pulumi-cli/, see scripts/get_pulumi.py), bootstrap .venv,
#                          start posthog-local in the background (or reuse the running one), select or create the
#                          stack `local` in a file backend inside the repo, point it at the server, `pulumi up --yes`,
#                          print the outputs and how to look at the objects
#   scripts/demo.sh down   `pulumi destroy --yes` on that stack, then stop posthog-local (its data stays)
#
# Everything lives in the repo: .posthog-local/ (SQLite database, server.pid, server.log, server.url) and
# .pulumi-state/ (the stack's state). The Pulumi backend and passphrase are set in this script's environment only:
# your own `pulumi login` is left alone.
#
# The virtualenv is .venv-demo at the repo root, the one Pulumi.yaml names (`make .venv-demo/.installed`: this
# package and posthog-local only). The language host resolves it against the project root, the dynamic-provider plugin
# against main's directory (examples/quickstart/.venv-demo, a link to ../../.venv-demo), so both run the same
# environment (pulumi/pulumi#7061).
#
# Settings (environment): POSTHOG_LOCAL_PORT (default 8010; 0 = any free port), POSTHOG_LOCAL_API_KEY (the server's
# bootstrap key), POSTHOG_DEMO_PASSPHRASE (the stack's passphrase), PY and MAKE (passed by the Makefile).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PY:-python3}
VENV=.venv-demo # what Pulumi.yaml names (runtime.options.virtualenv)
CLI_DIR=$ROOT/.pulumi-cli
MAKE=${MAKE:-make}
STACK=local
LOCAL_DIR=$ROOT/.posthog-local
STATE_DIR=$ROOT/.pulumi-state
DB=$LOCAL_DIR/posthog-local.sqlite3
PID_FILE=$LOCAL_DIR/server.pid
LOG_FILE=$LOCAL_DIR/server.log
URL_FILE=$LOCAL_DIR/server.url
PORT=${POSTHOG_LOCAL_PORT:-8010}
API_KEY=${POSTHOG_LOCAL_API_KEY:-phx_posthog_local_development_key}
READY_TIMEOUT=${POSTHOG_LOCAL_READY_TIMEOUT:-60}
INSTALL_URL=https://www.pulumi.com/docs/iac/download-install/
PULUMI_PIN=$(sed -n 's/^PINNED = "\([0-9.]*\)".*/\1/p' "$ROOT/scripts/get_pulumi.py")
PASSPHRASE=${POSTHOG_DEMO_PASSPHRASE:-posthog-local-demo}
URL=

say() { printf '==> %s\n' "$*"; }

use_repo_cli() { # a CLI that `make pulumi-cli` downloaded into the repo, on this script's PATH only
    if ! command -v pulumi >/dev/null 2>&1 && [[ -x $CLI_DIR/pulumi/pulumi ]]; then
        PATH="$CLI_DIR/pulumi:$PATH"
        export PATH
    fi
}

MIN_CLI=3.139 # dynamic providers get the stack config in configure() from this CLI on (pulumi/pulumi#17673)

cli_too_old() { # 0 when `pulumi version` is older than MIN_CLI (prints the version it found)
    local version major minor
    version=$(pulumi version 2>/dev/null | head -n1 | tr -d 'v\r')
    IFS=. read -r major minor _ <<<"$version"
    [[ $major =~ ^[0-9]+$ && $minor =~ ^[0-9]+$ ]] || return 1 # unknown: let the CLI speak for itself
    echo "$version"
    ((major < ${MIN_CLI%%.*} || (major == ${MIN_CLI%%.*} && minor < ${MIN_CLI#*.})))
}

require_pulumi() {
    use_repo_cli
    if command -v pulumi >/dev/null 2>&1; then
        local found old=0
        found=$(cli_too_old) || old=$?
        if ((old == 0)) && [[ -x $CLI_DIR/pulumi/pulumi ]]; then # too old: the repo's pinned one, if any
            PATH="$CLI_DIR/pulumi:$PATH"
            export PATH
            old=0
            found=$(cli_too_old) || old=$?
        fi
        if ((old == 0)); then
            echo "make $1: Pulumi CLI v$found is older than $MIN_CLI, which the provider needs to receive stack config." >&2
            echo "Upgrade it ($INSTALL_URL) or run \`make pulumi-cli\` for a pinned one in .pulumi-cli/. Nothing was started." >&2
            exit 2
        fi
        return 0
    fi
    if [[ -t 0 && -t 2 && -z ${CI:-} ]]; then
        printf 'make %s: the Pulumi CLI is not installed. Download Pulumi v%s into .pulumi-cli/ now\n' "$1" "$PULUMI_PIN" >&2
        printf '(SHA-256 checked; nothing outside this repo changes)? [y/N] ' >&2
        local answer=""
        read -r answer || true
        if [[ $answer == [yY]* ]]; then
            if "$PY" "$ROOT/scripts/get_pulumi.py"; then
                use_repo_cli
                command -v pulumi >/dev/null 2>&1 && return 0
            fi
            echo "make $1: the download did not work; nothing was started." >&2
            exit 2
        fi
    fi
    cat >&2 <<EOF
make $1: the Pulumi CLI is not installed (no \`pulumi\` on PATH).
Either let the repo fetch a pinned release: \`make pulumi-cli\` downloads Pulumi v$PULUMI_PIN into .pulumi-cli/
(SHA-256 checked against Pulumi's published checksums; nothing outside this repo changes), then run \`make $1\` again;
or install it from $INSTALL_URL
(for example: curl -fsSL https://get.pulumi.com | sh).
Nothing was started.
EOF
    exit 2
}

use_demo_backend() {
    # This script's environment only: the stack's state in the repo, its secrets under the demo passphrase.
    mkdir -p "$STATE_DIR"
    export PULUMI_BACKEND_URL="file://$STATE_DIR"
    export PULUMI_CONFIG_PASSPHRASE=$PASSPHRASE
    unset PULUMI_CONFIG_PASSPHRASE_FILE
    export PULUMI_SKIP_UPDATE_CHECK=true
    # refresh and destroy run the program too (CLI >= 3.165), so they use the stack config this script just set
    # (posthog:host may have a new port), not only what the state recorded at the last `up`.
    export PULUMI_RUN_PROGRAM=true
}

bootstrap_venv() {
    say "python environment: $VENV"
    "$MAKE" --no-print-directory -s PY="$PY" "$VENV/.installed" >/dev/null
}

# --- posthog-local ------------------------------------------------------------------------------------------------

answers() { # answers URL: does a posthog-local that knows our key answer at URL?
    "$VENV/bin/python" - "$1" "$API_KEY" <<'PY' >/dev/null 2>&1
import sys, urllib.request
request = urllib.request.Request(sys.argv[1] + "/_local/info", headers={"Authorization": "Bearer " + sys.argv[2]})
with urllib.request.urlopen(request, timeout=3) as response:
    sys.exit(0 if response.status == 200 else 1)
PY
}

server_pid() { # the pid in the pid file, if that process is alive
    [[ -s $PID_FILE ]] || return 1
    local pid
    pid=$(cat "$PID_FILE")
    kill -0 "$pid" 2>/dev/null || return 1
    echo "$pid"
}

is_ours() { # is_ours PID: is it a posthog-local?
    if [[ -r /proc/$1/cmdline ]]; then
        tr '\0' ' ' <"/proc/$1/cmdline" | grep -q 'pulumi_posthog\.local'
    else
        ps -p "$1" -o command= 2>/dev/null | grep -q 'pulumi_posthog\.local'
    fi
}

stop_server() {
    local pid
    if pid=$(server_pid) && is_ours "$pid"; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
        say "stopped posthog-local (pid $pid); its data stays in ${DB#"$ROOT"/}"
    fi
    rm -f "$PID_FILE" "$URL_FILE"
}

ensure_server() { # sets URL; reuses a running server, else starts one; FRESH_DB=1 when the database is new
    local pid
    FRESH_DB=0
    if pid=$(server_pid) && [[ -s $URL_FILE ]] && answers "$(cat "$URL_FILE")"; then
        URL=$(cat "$URL_FILE")
        say "posthog-local is already running at $URL (pid $pid)"
        return
    fi
    stop_server # a stale pid file, or a server that no longer answers
    [[ -e $DB ]] || FRESH_DB=1
    mkdir -p "$LOCAL_DIR"
    : >"$LOG_FILE"
    local launcher=(nohup)
    command -v setsid >/dev/null 2>&1 && launcher+=(setsid) # its own session: Ctrl-C in this terminal spares it
    "${launcher[@]}" "$VENV/bin/python" -m pulumi_posthog.local --port "$PORT" --db "$DB" --api-key "$API_KEY" \
        >>"$LOG_FILE" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$PID_FILE"
    local line deadline=$((SECONDS + READY_TIMEOUT))
    while :; do
        line=$(grep -m1 '^posthog-local ready ' "$LOG_FILE" || true)
        [[ -n $line ]] && break
        if ! kill -0 "$pid" 2>/dev/null || ((SECONDS >= deadline)); then
            kill -TERM "$pid" 2>/dev/null || true
            rm -f "$PID_FILE"
            echo "posthog-local did not start; the end of ${LOG_FILE#"$ROOT"/}:" >&2
            tail -n 20 "$LOG_FILE" >&2
            echo "(port $PORT busy? set POSTHOG_LOCAL_PORT to another port, or 0 for any free one)" >&2
            exit 1
        fi
        sleep 0.2
    done
    URL=$(awk '{print $3}' <<<"$line")
    echo "$URL" >"$URL_FILE"
    say "started posthog-local at $URL (pid $pid, log ${LOG_FILE#"$ROOT"/})"
}

# --- the stack ----------------------------------------------------------------------------------------------------

select_stack() { # 0 when the stack exists (and is now selected)
    pulumi stack select "$STACK" >/dev/null 2>&1
}

# Prints the stack outputs, curl lines for the objects, and how to go on. argv: url key backend passphrase.
SHOW_OUTPUTS=$(
    cat <<'PY'
import json
import sys

outputs = json.load(sys.stdin)
url, key, backend, passphrase = sys.argv[1:]


def shown(value):
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value if isinstance(value, str) else json.dumps(value)


print("\nStack outputs:")
for name in sorted(outputs):
    print(f"  {name:22} {shown(outputs[name])}")
auth = f'-H "Authorization: Bearer {key}"'
project = shown(outputs.get("project_id", "@current"))
export = outputs.get("batch_export_id", "<batch export id>")
print("\nLook at the objects (posthog-local answers PostHog's REST API):")
print(f"  curl -s {auth} {url}/api/organizations/@current/")
print(f"  curl -s {auth} {url}/api/projects/{project}/batch_exports/")
print(f"  curl -s {auth} {url}/api/projects/{project}/batch_exports/{export}/backfills/")
print("\nRun Pulumi on this stack yourself:")
print(f"  export PULUMI_BACKEND_URL={backend} PULUMI_CONFIG_PASSPHRASE={passphrase}")
print("  pulumi stack output    # or preview, refresh, up ...")
print("\nTear down: make demo-down   (pulumi destroy, then stop posthog-local; the organization is only released)")
PY
)

show_outputs() {
    pulumi stack output --json |
        "$VENV/bin/python" -c "$SHOW_OUTPUTS" "$URL" "$API_KEY" "$PULUMI_BACKEND_URL" "$PULUMI_CONFIG_PASSPHRASE"
}

up() {
    require_pulumi demo
    use_demo_backend
    bootstrap_venv
    ensure_server
    local existed=0
    if select_stack; then
        existed=1
        say "stack '$STACK' (state in ${STATE_DIR#"$ROOT"/})"
    else
        say "creating stack '$STACK' (state in ${STATE_DIR#"$ROOT"/})"
        pulumi stack init "$STACK"
    fi
    pulumi config set posthog:host "$URL"
    pulumi config set --secret posthog:apiKey "$API_KEY"
    if ((existed && FRESH_DB)); then
        say "posthog-local's database is new: refreshing the stack first"
        pulumi refresh --yes
    fi
    pulumi up --yes
    show_outputs
}

down() {
    local status=0
    use_repo_cli
    if ! command -v pulumi >/dev/null 2>&1; then
        echo "make demo-down: no \`pulumi\` on PATH, so the stack was not destroyed (install it: $INSTALL_URL)." >&2
        status=2
    else
        use_demo_backend
        if select_stack; then
            bootstrap_venv
            ensure_server
            pulumi config set posthog:host "$URL"
            pulumi destroy --yes
        else
            say "no stack '$STACK': nothing to destroy"
        fi
    fi
    stop_server
    exit "$status"
}

case "${1:-up}" in
up) up ;;
down) down ;;
*)
    echo "usage: $0 [up|down]" >&2
    exit 64
    ;;
esac
