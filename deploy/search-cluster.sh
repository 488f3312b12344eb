#!/usr/bin/env bash
# A three-node OpenSearch cluster on loopback, for tests and developers.
#
#   deploy/search-cluster.sh start          build if needed, start the three nodes, wait for green
#   deploy/search-cluster.sh stop           stop every node
#   deploy/search-cluster.sh status         each node's state and the cluster's health
#   deploy/search-cluster.sh urls           the nodes' addresses, comma-separated (SEARCH_URLS)
#   deploy/search-cluster.sh stop-node N    stop node N (1-3): the fault tests use these two
#   deploy/search-cluster.sh start-node N   start node N again; it rejoins the cluster
#   deploy/search-cluster.sh reset          stop, then forget every index (the data folders)
#
# The node is built by Maven from the server's modules and plugins on Maven Central
# (deploy/search-cluster/pom.xml: the packaged distribution is not published there) with
# Lucene's Japanese analyser as the `kuromoji` analysis, and the k-NN plugin's jars (the
# `knn_vector` field on Lucene's engine; its native libraries are left out). Everything
# lives under .cache/search-cluster/ (ignored by git). Security is not loaded: loopback only.
#
# Settings (environment): SEARCH_CLUSTER_HTTP_PORT (9250: nodes on 9250-9252),
# SEARCH_CLUSTER_TRANSPORT_PORT (9350), SEARCH_CLUSTER_HEAP (512m), SEARCH_CLUSTER_DIR,
# JAVA_HOME (OpenSearch 2.19 runs on Java 17 or 21).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PROJECT="$ROOT/deploy/search-cluster"
DIR="${SEARCH_CLUSTER_DIR:-$ROOT/.cache/search-cluster}"
HTTP_PORT="${SEARCH_CLUSTER_HTTP_PORT:-9250}"
TRANSPORT_PORT="${SEARCH_CLUSTER_TRANSPORT_PORT:-9350}"
HEAP="${SEARCH_CLUSTER_HEAP:-512m}"
NODES=(1 2 3)
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

http_port() { echo $((HTTP_PORT + $1 - 1)); }
transport_port() { echo $((TRANSPORT_PORT + $1 - 1)); }
pid_file() { echo "$DIR/node$1/node.pid"; }

urls() {
    local out=() n
    for n in "${NODES[@]}"; do out+=("http://127.0.0.1:$(http_port "$n")"); done
    (IFS=,; echo "${out[*]}")
}

build() {
    # Rebuilt when the project changes; Maven keeps its downloads in ~/.m2.
    local stamp="$DIR/build/.built" source_hash
    source_hash="$(cat "$PROJECT/pom.xml" "$PROJECT"/src/main/java/org/sodan/searchnode/*.java | sha256sum | cut -c1-16)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$source_hash" ]; then
        return
    fi
    command -v mvn >/dev/null || { echo "Maven (mvn) is needed: apt-get install maven" >&2; exit 1; }
    echo "Building the search node with Maven (first time: downloads the server's jars)..."
    mkdir -p "$DIR/build"
    mvn -B -q -f "$PROJECT/pom.xml" -DbuildDirectory="$DIR/build/target" package
    rm -rf "$DIR/build/lib" "$DIR/build/search-node.jar"
    cp -r "$DIR/build/target/lib" "$DIR/build/lib"
    cp "$DIR/build/target/search-node.jar" "$DIR/build/search-node.jar"
    echo "$source_hash" >"$stamp"
}

configure() {
    local n=$1 home="$DIR/node$1" seeds="" m
    for m in "${NODES[@]}"; do seeds+="\"127.0.0.1:$(transport_port "$m")\", "; done
    mkdir -p "$home/config" "$home/data" "$home/logs"
    cat >"$home/config/opensearch.yml" <<EOF
cluster.name: sodan-search
node.name: node$n
path.data: $home/data
path.logs: $home/logs
network.host: 127.0.0.1
http.port: $(http_port "$n")
transport.port: $(transport_port "$n")
discovery.seed_hosts: [${seeds%, }]
cluster.initial_cluster_manager_nodes: ["node1", "node2", "node3"]
# Recover a returning node's shards in parallel: green again sooner after a fault.
cluster.routing.allocation.node_concurrent_recoveries: 4
# The test machine's disk may be fuller than the production thresholds allow.
cluster.routing.allocation.disk.threshold_enabled: false
# A cluster for tests: indices are created by Sodan only.
action.auto_create_index: false
EOF
    cat >"$home/config/log4j2.properties" <<'EOF'
status = error
appender.file.type = File
appender.file.name = file
appender.file.fileName = ${sys:opensearch.logs.base_path}${sys:file.separator}${sys:opensearch.logs.cluster_name}.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] %marker%m%n
rootLogger.level = info
rootLogger.appenderRef.file.ref = file
logger.deprecation.name = org.opensearch.deprecation
logger.deprecation.level = error
EOF
}

running() {
    local pid_path
    pid_path="$(pid_file "$1")"
    [ -f "$pid_path" ] && kill -0 "$(cat "$pid_path")" 2>/dev/null
}

start_node() {
    local n=$1 home="$DIR/node$1"
    if running "$n"; then
        return
    fi
    configure "$n"
    # Tiered compilation stops at C1: a quicker start and less CPU on a small machine.
    nohup "$JAVA" -Xms"$HEAP" -Xmx"$HEAP" -XX:+UseG1GC -XX:TieredStopAtLevel=1 \
        -Djava.awt.headless=true -Dfile.encoding=UTF-8 -Dlog4j2.disable.jmx=true \
        -Dopensearch.logs.base_path="$home/logs" -Dopensearch.logs.cluster_name=node \
        -cp "$DIR/build/lib/*:$DIR/build/search-node.jar" \
        org.sodan.searchnode.SearchNode "$home" >"$home/logs/stdout.log" 2>&1 &
    echo $! >"$(pid_file "$n")"
}

stop_node() {
    local n=$1 pid_path pid
    pid_path="$(pid_file "$n")"
    if [ ! -f "$pid_path" ]; then
        refuses "$n"
        return
    fi
    pid="$(cat "$pid_path")"
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid"
        for _ in $(seq 1 60); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.5
        done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    fi
    rm -f "$pid_path"
    refuses "$n"
}

refuses() {
    # A stopped node's port must refuse: a node still answering there belongs to another
    # cluster (another checkout's), and a test that stops this one would test nothing.
    if [ -n "$(health "$1")" ]; then
        echo "Port $(http_port "$1") still answers after node$1 stopped: another search cluster runs there." >&2
        return 1
    fi
}

health() {
    curl -sf "http://127.0.0.1:$(http_port "$1")/_cluster/health" 2>/dev/null || true
}

wait_for() {
    # wait_for STATUS NODES...: until every given node answers with at least STATUS.
    local want=$1 deadline=$((SECONDS + ${SEARCH_CLUSTER_WAIT:-300})) n body ok
    shift
    while [ $SECONDS -lt $deadline ]; do
        ok=1
        for n in "$@"; do
            body="$(health "$n")"
            case "$want:$body" in
                green:*'"status":"green"'*) ;;
                yellow:*'"status":"green"'* | yellow:*'"status":"yellow"'*) ;;
                *) ok=0 ;;
            esac
            case "$body" in *"\"number_of_nodes\":${#NODES[@]},"*) ;; *) [ "$want" = green ] && ok=0 ;; esac
        done
        [ $ok = 1 ] && return 0
        for n in "$@"; do
            if ! running "$n"; then
                echo "node$n exited; its log: $DIR/node$n/logs/" >&2
                tail -20 "$DIR/node$n/logs/stdout.log" >&2 || true
                return 1
            fi
        done
        sleep 1
    done
    echo "The search cluster did not become $want in time." >&2
    return 1
}

case "${1:-}" in
    start)
        build
        for n in "${NODES[@]}"; do start_node "$n"; done
        wait_for green "${NODES[@]}"
        echo "Search cluster up: SEARCH_URLS=$(urls)"
        ;;
    stop)
        for n in "${NODES[@]}"; do stop_node "$n"; done
        ;;
    start-node)
        build
        start_node "${2:?node number}"
        wait_for green "$2"
        ;;
    stop-node)
        stop_node "${2:?node number}"
        ;;
    status)
        for n in "${NODES[@]}"; do
            if running "$n"; then echo "node$n: running on $(http_port "$n")"; else echo "node$n: stopped"; fi
        done
        for n in "${NODES[@]}"; do
            body="$(health "$n")"
            if [ -n "$body" ]; then echo "$body"; exit 0; fi
        done
        echo "cluster: unreachable"
        exit 1
        ;;
    urls)
        urls
        ;;
    reset)
        for n in "${NODES[@]}"; do stop_node "$n"; done
        for n in "${NODES[@]}"; do rm -rf "$DIR/node$n"; done
        ;;
    *)
        sed -n '2,12p' "$0" >&2
        exit 2
        ;;
esac
