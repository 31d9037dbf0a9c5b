#!/usr/bin/env bash
# A private Slurm on this machine (one node, or several in network namespaces), for testing the
# sbatch templates in slurm/.
#
# Usage:  slurm/local-slurm.sh up|down|status
#         eval "$(slurm/local-slurm.sh up)"      # then sbatch/squeue/scontrol talk to it
#
# `up` installs the Debian packages if missing (slurmctld slurmd slurm-client munge), writes a
# private munge key and slurm.conf under $FOVEA_SLURM_DIR, starts munged, slurmctld and slurmd,
# waits until every node is idle and prints `export SLURM_CONF=...` on stdout (messages go to
# stderr). It is idempotent: when the daemons already run with the same configuration it only
# prints the exports; when the configuration changed it restarts them.
# `down` cancels every job, waits for an empty queue, stops the daemons by the PIDs in their pid
# files (never by name) and removes the namespaces. `status` prints the daemons, nodes and queue.
#
# Runs as root (or through sudo), without systemd and without cgroups. Debian bookworm's
# slurm-wlm 22.05 + munge 0.5.15; docs/hpc.md (end) lists the pitfalls these settings avoid.
#
# Environment (all optional):
#   FOVEA_SLURM_DIR   private folder for keys, sockets, state, logs   [/tmp/fovea-slurm]
#   FOVEA_SLURM_NODES 1: one node named `hostname -s` at 127.0.0.1; N > 1: nodes node1..nodeN,
#                     each slurmd in its own network and UTS namespace (local-slurm-network.sh)  [1]
#   FOVEA_SLURM_CPUS  CPUs each node declares (more than the cores lets 3+ ranks run on 2 cores)
#                     [the detected count]
#   FOVEA_SLURM_PORT  slurmctld port; slurmd uses PORT+1   [the port in an existing slurm.conf
#                     there, else the first free pair from 6817]
set -euo pipefail

SLURM_DIR="${FOVEA_SLURM_DIR:-/tmp/fovea-slurm}"
CONF="$SLURM_DIR/slurm.conf"
MUNGE_SOCKET="$SLURM_DIR/munge/munge.socket"
PID_MUNGED="$SLURM_DIR/run/munged.pid"
PID_SLURMCTLD="$SLURM_DIR/run/slurmctld.pid"
NODES="${FOVEA_SLURM_NODES:-1}"
[[ "$NODES" =~ ^[1-9][0-9]?$ ]] || { echo "local-slurm: FOVEA_SLURM_NODES must be 1-99 (got '$NODES')" >&2; exit 1; }
source "$(dirname "$0")/local-slurm-network.sh"

say() { echo "local-slurm: $*" >&2; }
STARTING=0   # set while `up` starts daemons: a failure then stops what was started
die() {
    say "error: $*"
    if [ "$STARTING" -eq 1 ]; then STARTING=0; cmd_down >/dev/null 2>&1 || true; fi
    exit 1
}

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

install_packages() {
    local missing=() p
    for p in slurmctld slurmd slurm-client munge; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "installing ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# --- processes -----------------------------------------------------------------------------------

# The PID in pid file $1 when that process is alive (not a zombie) and its command name is $2.
live_pid() {
    local file="$1" name="$2" pid state
    [ -s "$file" ] || return 1
    pid="$( { tr -dc '0-9' < "$file"; } 2>/dev/null)"
    [ -n "$pid" ] && [ -r "/proc/$pid/comm" ] || return 1
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ] || return 1
    # Field 3 of /proc/PID/stat is the state; the command name (field 2) may hold spaces.
    state="$(sed -E 's/^.*\) ([A-Za-z]).*$/\1/' "/proc/$pid/stat" 2>/dev/null)" || return 1
    [ "$state" != "Z" ] && [ "$state" != "X" ] || return 1
    echo "$pid"
}

# Stops the daemon named $2 whose pid file is $1: SIGTERM, then SIGKILL after 5 s.
stop_daemon() {
    local file="$1" name="$2" pid i
    pid="$(live_pid "$file" "$name")" || { rm -f "$file"; return 0; }
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do
        live_pid "$file" "$name" >/dev/null || { rm -f "$file"; return 0; }
        sleep 0.1
    done
    say "$name (pid $pid) ignored SIGTERM for 5 s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$file"
}

# The node names of the configuration in $CONF (NodeName=... lines).
conf_nodes() { sed -nE 's/^NodeName=([^ ]+) .*/\1/p' "$CONF" 2>/dev/null; }
# slurmd's pid file for node $1 (SlurmdPidFile=.../slurmd-%n.pid).
slurmd_pid_file() { echo "$SLURM_DIR/run/slurmd-$1.pid"; }

all_running() {
    local node
    live_pid "$PID_MUNGED" munged >/dev/null && live_pid "$PID_SLURMCTLD" slurmctld >/dev/null || return 1
    for node in $(conf_nodes); do live_pid "$(slurmd_pid_file "$node")" slurmd >/dev/null || return 1; done
}
any_running() {
    local file
    if live_pid "$PID_MUNGED" munged >/dev/null || live_pid "$PID_SLURMCTLD" slurmctld >/dev/null; then return 0; fi
    for file in "$SLURM_DIR"/run/slurmd-*.pid; do live_pid "$file" slurmd >/dev/null && return 0; done
    return 1
}

# --- configuration -------------------------------------------------------------------------------

# True when TCP port $1 is listened on by anything (reads /proc, needs no tools).
port_in_use() {
    local hex
    hex="$(printf '%04X' "$1")"
    awk -v p=":$hex" 'FNR > 1 && $4 == "0A" && substr($2, length($2) - 4) == p { found = 1 }
                      END { exit !found }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

choose_port() {
    if [ -n "${FOVEA_SLURM_PORT:-}" ]; then echo "$FOVEA_SLURM_PORT"; return; fi
    if [ -s "$CONF" ]; then
        local existing
        existing="$(sed -n 's/^SlurmctldPort=//p' "$CONF")"
        if [ -n "$existing" ]; then echo "$existing"; return; fi
    fi
    local p
    for p in $(seq 6817 2 6899); do
        port_in_use "$p" || port_in_use $((p + 1)) || { echo "$p"; return; }
    done
    die "no free port pair between 6817 and 6900"
}

# Writes slurm.conf for this host and $NODES nodes to stdout.
generate_conf() {
    local port="$1" host node_line cpus ctld_addr i nodes_expr
    host="$(hostname -s)"
    # `slurmd -C` prints the detected topology: "NodeName=h CPUs=2 Boards=1 SocketsPerBoard=1
    # CoresPerSocket=2 ThreadsPerCore=1 RealMemory=24105".
    node_line="$(slurmd -C | grep '^NodeName=')" || die "slurmd -C printed no NodeName line"
    node_line="$(echo "$node_line" | sed -E 's/^NodeName=[^ ]+ //')"
    if [ -n "${FOVEA_SLURM_CPUS:-}" ]; then
        cpus="$FOVEA_SLURM_CPUS"
        [[ "$cpus" =~ ^[1-9][0-9]*$ ]] || die "FOVEA_SLURM_CPUS must be a positive integer (got '$cpus')"
        # Declare CPUs cores on one socket, one thread each; config_overrides lets slurmd accept it.
        node_line="$(echo "$node_line" | sed -E "s/CPUs=[0-9]+/CPUs=$cpus/; s/Boards=[0-9]+/Boards=1/;
            s/SocketsPerBoard=[0-9]+/SocketsPerBoard=1/; s/CoresPerSocket=[0-9]+/CoresPerSocket=$cpus/;
            s/ThreadsPerCore=[0-9]+/ThreadsPerCore=1/")"
    fi
    if [ "$NODES" -eq 1 ]; then ctld_addr=127.0.0.1; nodes_expr="$host"
    else ctld_addr="$(net_prefix "$port").1"; nodes_expr="node[1-$NODES]"; fi
    cat <<EOF
# Generated by slurm/local-slurm.sh: a private Slurm with $NODES node(s). Edit the script, not this.
ClusterName=fovea
SlurmctldHost=$host($ctld_addr)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# cred_expire is also how long a requeued job waits before it may start again (default 120 s).
AuthInfo=socket=$MUNGE_SOCKET,cred_expire=10
StateSaveLocation=$SLURM_DIR/state
# %n: the node name, so that several slurmd can share this folder.
SlurmdSpoolDir=$SLURM_DIR/spool/%n
SlurmctldPidFile=$PID_SLURMCTLD
SlurmdPidFile=$SLURM_DIR/run/slurmd-%n.pid
SlurmctldLogFile=$SLURM_DIR/log/slurmctld.log
SlurmdLogFile=$SLURM_DIR/log/slurmd-%n.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=pmix
MailProg=/bin/true
EnforcePartLimits=ALL
SchedulerType=sched/backfill
# Schedule at once after submission and re-test pending jobs every 2 s (defaults: 3 s and 60 s).
SchedulerParameters=batch_sched_delay=0,sched_interval=2,bf_interval=2
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmdParameters=config_overrides
ReturnToService=2
KillWait=5
EOF
    if [ "$NODES" -eq 1 ]; then
        echo "NodeName=$host NodeAddr=127.0.0.1 $node_line State=UNKNOWN"
    else
        for i in $(seq 1 "$NODES"); do
            echo "NodeName=node$i NodeAddr=$(net_prefix "$port").$((i + 1)) $node_line State=UNKNOWN"
        done
    fi
    echo "PartitionName=debug Nodes=$nodes_expr Default=YES MaxTime=INFINITE State=UP"
}

# --- commands ------------------------------------------------------------------------------------

print_exports() {
    echo "export SLURM_CONF=$CONF"
}

# Waits until every node is up (idle, mixed or allocated); fails after 30 s, or after 5 s of a
# node being down or drained.
wait_for_idle() {
    local states="" i
    for i in $(seq 1 300); do
        states="$(SLURM_CONF="$CONF" sinfo -h -N -o '%N=%T' 2>/dev/null | sort -u | tr '\n' ' ')" || true
        if [ "$(echo "$states" | grep -oE '=(idle|mixed|allocated)' | wc -l)" -eq "$NODES" ]; then return 0; fi
        if [ "$i" -gt 50 ] && echo "$states" | grep -qE '=(drain|down|fail)'; then
            die "node state: $states; $(SLURM_CONF="$CONF" scontrol show nodes | grep -o 'Reason=.*' | sort -u)"
        fi
        sleep 0.1
    done
    die "nodes not idle after 30 s ($states); logs in $SLURM_DIR/log"
}

cmd_up() {
    [ "$(id -u)" -eq 0 ] || die "run as root (slurmd must start job steps as their users)"
    install_packages
    local port new_conf
    port="$(choose_port)"
    new_conf="$(generate_conf "$port")"
    if all_running && [ -s "$CONF" ] && [ "$(cat "$CONF")" = "$new_conf" ]; then
        wait_for_idle
        print_exports
        return 0
    fi
    if any_running; then
        say "configuration changed or a daemon is missing: restarting"
        cmd_down >/dev/null
    fi
    if [ -z "${FOVEA_SLURM_PORT:-}" ] && { port_in_use "$port" || port_in_use $((port + 1)); }; then
        rm -f "$CONF"; port="$(choose_port)"; new_conf="$(generate_conf "$port")"
    fi
    port_in_use "$port" && die "port $port is in use by another program (set FOVEA_SLURM_PORT)"

    mkdir -p "$SLURM_DIR"/{state,spool,run,log,munge,pmix}
    # munged refuses a socket under a folder that user, group and others cannot all search (a+x).
    local d
    d="$(cd "$SLURM_DIR" && pwd -P)"
    while [ "$d" != "/" ]; do
        [ "$(( 0$(stat -c "%a" "$d") & 0111 ))" -eq $((0111)) ] \
            || die "munged needs a+x (search permission for all) on every folder above its socket: chmod a+x $d (or choose another FOVEA_SLURM_DIR)"
        d="$(dirname "$d")"
    done
    chmod 0711 "$SLURM_DIR" "$SLURM_DIR/munge"
    echo "$new_conf" > "$CONF"
    # PMIx client files in a private folder (by default /tmp/spmix_appdir_<uid>_<step>, which two
    # private Slurms, or two namespace nodes, would share). mpi.conf sits next to slurm.conf.
    echo "PMIxCliTmpDirBase=$SLURM_DIR/pmix" > "$SLURM_DIR/mpi.conf"
    local node
    for node in $(conf_nodes); do mkdir -p "$SLURM_DIR/spool/$node"; done

    if [ ! -s "$SLURM_DIR/munge/munge.key" ]; then
        mungekey --create --keyfile="$SLURM_DIR/munge/munge.key" 2>/dev/null \
            || dd if=/dev/urandom of="$SLURM_DIR/munge/munge.key" bs=1024 count=1 status=none
    fi
    chmod 0600 "$SLURM_DIR/munge/munge.key"
    STARTING=1
    munged --socket="$MUNGE_SOCKET" --key-file="$SLURM_DIR/munge/munge.key" \
        --pid-file="$PID_MUNGED" --log-file="$SLURM_DIR/log/munged.log" \
        --seed-file="$SLURM_DIR/munge/munged.seed" --origin=127.0.0.1 \
        || die "munged did not start; see $SLURM_DIR/log/munged.log"
    slurmctld -c -f "$CONF" || die "slurmctld did not start; see $SLURM_DIR/log/slurmctld.log"
    if [ "$NODES" -eq 1 ]; then
        slurmd -f "$CONF" || die "slurmd did not start; see $SLURM_DIR/log/slurmd-$(hostname -s).log"
    else
        net_up "$port" "$NODES"
        local i
        for i in $(seq 1 "$NODES"); do
            net_start_slurmd "$port" "$i" "node$i" || die "slurmd of node$i did not start; see $SLURM_DIR/log/slurmd-node$i.log"
        done
    fi
    wait_for_idle
    STARTING=0
    say "up: $NODES node(s) ($(conf_nodes | tr '\n' ' ')), $(sed -nE 's/^NodeName.* CPUs=([0-9]+).*/\1/p' "$CONF" | head -1) CPUs each, port $port, folder $SLURM_DIR"
    print_exports
}

cmd_down() {
    if live_pid "$PID_SLURMCTLD" slurmctld >/dev/null; then
        export SLURM_CONF="$CONF"
        scancel --full --quiet --user=root 2>/dev/null || true
        local i
        for i in $(seq 1 150); do
            squeue -h -t all -o '%i %T' 2>/dev/null \
                | grep -qvE 'COMPLETED|CANCELLED|FAILED|TIMEOUT|PREEMPTED|NODE_FAIL|OUT_OF_MEMORY|BOOT_FAIL|DEADLINE' \
                || break
            if [ "$i" -eq 50 ]; then scancel --signal=KILL --full --quiet --user=root 2>/dev/null || true; fi
            sleep 0.1
        done
    fi
    local file port
    for file in "$SLURM_DIR"/run/slurmd-*.pid; do [ -e "$file" ] && stop_daemon "$file" slurmd; done
    stop_daemon "$PID_SLURMCTLD" slurmctld
    stop_daemon "$PID_MUNGED" munged
    port="$(sed -n 's/^SlurmctldPort=//p' "$CONF" 2>/dev/null || true)"
    if [ -n "$port" ]; then net_down "$port"; fi
    say "down ($SLURM_DIR)"
}

cmd_status() {
    local name file pid
    for file in "$PID_MUNGED" "$PID_SLURMCTLD" "$SLURM_DIR"/run/slurmd-*.pid; do
        [ -e "$file" ] || continue
        name="$(basename "$file" .pid)"
        if pid="$(live_pid "$file" "${name%%-*}")"; then echo "$name: running (pid $pid)"; else echo "$name: stopped"; fi
    done
    if live_pid "$PID_SLURMCTLD" slurmctld >/dev/null; then
        export SLURM_CONF="$CONF"
        sinfo -N -o '%N %T %c %m'
        squeue
    else
        echo "no private Slurm runs from $SLURM_DIR"
    fi
}

case "${1:-}" in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    *) echo "usage: $0 up|down|status   (eval \"\$($0 up)\" to use it)" >&2; exit 2 ;;
esac
