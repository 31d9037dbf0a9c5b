# Sourced by slurm/local-slurm.sh when FOVEA_SLURM_NODES > 1: several Slurm "nodes" on one
# machine, each slurmd in its own network namespace (own address) and UTS namespace (own
# hostname), joined by a bridge that also carries slurmctld's address. File systems are shared,
# except the PMIx client folder, which each node bind-mounts privately (Slurm's PMIx plugin names
# it after the job step only, so two nodes of one job would collide).
#
# Names derive from the slurmctld port P, so that two private Slurms can coexist:
#   bridge fvP-br with 10.77.S.1/24 (S = (P - 6800) mod 250), namespaces fvP-nI with 10.77.S.(I+1)
#   on their eth0, host ends of the veth pairs fvP-vI. Node I is called nodeI.
# Needs root, iproute2 (`ip`), util-linux (`nsenter`, `unshare`).

net_prefix() { echo "10.77.$(( ($1 - 6800) % 250 ))"; }
net_bridge() { echo "fv$1-br"; }
net_namespace() { echo "fv$1-n$2"; }
net_veth() { echo "fv$1-v$2"; }

# net_up PORT NODES: creates the bridge and one namespace per node (removing leftovers first).
net_up() {
    local port="$1" nodes="$2" prefix bridge ns veth i
    prefix="$(net_prefix "$port")"; bridge="$(net_bridge "$port")"
    command -v ip >/dev/null && command -v nsenter >/dev/null && command -v unshare >/dev/null \
        || die "several nodes need ip (iproute2), nsenter and unshare (util-linux)"
    net_down "$port"
    if ip -4 -o addr show | grep -q " $prefix\."; then
        die "addresses $prefix.0/24 are already in use here; set FOVEA_SLURM_PORT to another value"
    fi
    ip link add "$bridge" type bridge || die "cannot create a bridge (needs root and CAP_NET_ADMIN)"
    ip addr add "$prefix.1/24" dev "$bridge"
    ip link set "$bridge" up
    for i in $(seq 1 "$nodes"); do
        ns="$(net_namespace "$port" "$i")"; veth="$(net_veth "$port" "$i")"
        ip netns add "$ns" || die "cannot create network namespace $ns"
        ip link add "$veth" type veth peer name eth0 netns "$ns"
        ip link set "$veth" master "$bridge" up
        ip -n "$ns" addr add "$prefix.$((i + 1))/24" dev eth0
        ip -n "$ns" link set eth0 up
        ip -n "$ns" link set lo up
    done
}

# net_down PORT: removes every namespace, veth and the bridge of this port (if any).
net_down() {
    local port="$1" ns
    command -v ip >/dev/null || return 0
    for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^fv$port-n[0-9]+$"); do
        ip netns del "$ns" 2>/dev/null || true
        ip link del "fv$port-v${ns##*-n}" 2>/dev/null || true
    done
    ip link del "$(net_bridge "$port")" 2>/dev/null || true
}

# net_start_slurmd PORT I NAME: starts node I's slurmd inside its namespaces, with hostname NAME
# and $SLURM_DIR/pmix-nodes/NAME mounted over $SLURM_DIR/pmix.
net_start_slurmd() {
    local port="$1" i="$2" name="$3"
    mkdir -p "$SLURM_DIR/pmix-nodes/$name"
    nsenter --net="/var/run/netns/$(net_namespace "$port" "$i")" \
        unshare --uts --mount --propagation private \
        bash -c 'hostname "$1" && mount --bind "$2" "$3" && exec slurmd -f "$4"' _ \
        "$name" "$SLURM_DIR/pmix-nodes/$name" "$SLURM_DIR/pmix" "$CONF"
}
