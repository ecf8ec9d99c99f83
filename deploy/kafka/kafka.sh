#!/usr/bin/env bash
# A real single-node Apache Kafka broker (KRaft, broker+controller in one JVM) run from the
# jars Apache publishes to Maven Central, for local development and integration tests.
# Needs Java 17+ and Maven; no Docker. See README.md beside this script.
#
#   kafka.sh fetch | start | stop | status | logs [-f]
#
# Environment: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_DATA_DIR (<repo>/.run/kafka),
# KAFKA_VERSION (4.1.2), KAFKA_START_TIMEOUT (120 s), KAFKA_STOP_TIMEOUT (30 s),
# KAFKA_HEAP_OPTS (-Xms512m -Xmx1g), JAVA_HOME (optional).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)

KAFKA_VERSION=${KAFKA_VERSION:-4.1.2}
KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
KAFKA_DATA_DIR=${KAFKA_DATA_DIR:-$REPO_ROOT/.run/kafka}
KAFKA_START_TIMEOUT=${KAFKA_START_TIMEOUT:-120}
KAFKA_STOP_TIMEOUT=${KAFKA_STOP_TIMEOUT:-30}
KAFKA_HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xms512m -Xmx1g}

# Loopback only, and an IP rather than "localhost": Node may resolve localhost to ::1.
readonly HOST=127.0.0.1
readonly MAIN_CLASS=kafka.Kafka
readonly READY_LINE='Kafka Server started'

LIB_DIR=$SCRIPT_DIR/target/lib-$KAFKA_VERSION
KAFKA_MAJOR=${KAFKA_VERSION%%.*}

die() {
  echo "kafka.sh: $*" >&2
  exit 1
}

log() { echo "kafka.sh: $*"; }

now_ms() { echo $(($(date +%s%N) / 1000000)); }

format_ms() { printf '%d.%01d s' $(($1 / 1000)) $((($1 % 1000) / 100)); }

# Relative data dirs are taken from the caller's working directory, then made absolute so the
# paths written into the broker's config never depend on where the JVM was started.
resolve_data_dir() {
  mkdir -p "$KAFKA_DATA_DIR"
  DATA_DIR=$(cd "$KAFKA_DATA_DIR" && pwd)
  PROPS_FILE=$DATA_DIR/server.properties
  LOG_CONFIG_DIR=$DATA_DIR
  LOG_DIR=$DATA_DIR/logs
  LOG_FILE=$LOG_DIR/server.log
  OUT_FILE=$LOG_DIR/kafka.out
  PID_FILE=$DATA_DIR/kafka.pid
  STORAGE_DIR=$DATA_DIR/data
}

# Paths only, for commands that must not create anything (status, stop, logs).
data_dir_paths() {
  if [[ -d $KAFKA_DATA_DIR ]]; then
    resolve_data_dir
  else
    DATA_DIR=$KAFKA_DATA_DIR
    PROPS_FILE=$DATA_DIR/server.properties
    LOG_DIR=$DATA_DIR/logs
    LOG_FILE=$LOG_DIR/server.log
    OUT_FILE=$LOG_DIR/kafka.out
    PID_FILE=$DATA_DIR/kafka.pid
  fi
}

java_bin() {
  if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]]; then
    echo "$JAVA_HOME/bin/java"
  elif command -v java >/dev/null 2>&1; then
    command -v java
  else
    die "no java found: install a JDK 17+ (e.g. apt-get install openjdk-17-jre-headless) or set JAVA_HOME"
  fi
}

check_java() {
  JAVA=$(java_bin)
  local version major
  version=$("$JAVA" -version 2>&1 | awk -F'"' '/version/ { print $2; exit }')
  major=${version%%.*}
  [[ $major == 1 ]] && major=$(echo "$version" | cut -d. -f2)
  local required=17
  [[ $KAFKA_MAJOR -lt 4 ]] && required=11
  [[ $major =~ ^[0-9]+$ && $major -ge $required ]] ||
    die "Kafka $KAFKA_VERSION needs Java $required+, found '${version:-unknown}' at $JAVA"
}

# The lib folder is complete when its stamp matches this version and this pom.xml; any other
# state (missing, interrupted copy, changed pom) is rebuilt from scratch so stale jars never mix.
fetch_stamp() {
  echo "kafka $KAFKA_VERSION pom $(sha256sum <"$SCRIPT_DIR/pom.xml" | cut -d' ' -f1)"
}

lib_complete() {
  [[ -f $LIB_DIR/.complete && -f $LIB_DIR/kafka_2.13-$KAFKA_VERSION.jar ]] &&
    [[ $(cat "$LIB_DIR/.complete") == "$(fetch_stamp)" ]]
}

cmd_fetch() {
  if lib_complete; then
    log "Kafka $KAFKA_VERSION jars present in ${LIB_DIR#"$REPO_ROOT"/}"
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "Maven (mvn) is needed to fetch the Kafka jars: apt-get install maven"
  mkdir -p "$SCRIPT_DIR/target"
  # Serialise concurrent fetches (parallel test runners, two terminals).
  if command -v flock >/dev/null 2>&1; then
    exec 8>"$SCRIPT_DIR/target/.fetch.lock"
    flock 8
    if lib_complete; then
      log "Kafka $KAFKA_VERSION jars present in ${LIB_DIR#"$REPO_ROOT"/}"
      return 0
    fi
  fi
  local profile=kafka-4
  [[ $KAFKA_MAJOR -lt 4 ]] && profile=kafka-3
  local partial=$LIB_DIR.partial
  rm -rf "$partial"
  log "fetching Kafka $KAFKA_VERSION from Maven Central into ${LIB_DIR#"$REPO_ROOT"/} ..."
  local started
  started=$(now_ms)
  # Maven's output is kept for failures only (-q still prints stray colour codes on success).
  local mvn_log=$SCRIPT_DIR/target/fetch-$KAFKA_VERSION.log
  if ! mvn -q -B -Dstyle.color=never -f "$SCRIPT_DIR/pom.xml" -P "$profile" \
    -Dkafka.version="$KAFKA_VERSION" -DoutputDirectory="$partial" -DincludeScope=runtime \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies >"$mvn_log" 2>&1; then
    sed 's/\x1b\[[0-9;]*m//g' "$mvn_log" | tail -n 30 >&2
    rm -rf "$partial"
    die "could not resolve org.apache.kafka:kafka_2.13:$KAFKA_VERSION (network? version?); KAFKA_VERSION=3.9.2 is the tested fallback"
  fi
  [[ -f $partial/kafka_2.13-$KAFKA_VERSION.jar ]] || die "Maven finished but kafka_2.13-$KAFKA_VERSION.jar is missing from $partial"
  fetch_stamp >"$partial/.complete"
  rm -rf "$LIB_DIR"
  mv "$partial" "$LIB_DIR"
  log "fetched $(find "$LIB_DIR" -name '*.jar' | wc -l) jars in $(format_ms $(($(now_ms) - started)))"
}

# True when the pid file names a live process that is our broker (guards against pid reuse).
running_pid() {
  [[ -f $PID_FILE ]] || return 1
  local pid
  pid=$(tr -dc '0-9' <"$PID_FILE")
  [[ -n $pid ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r /proc/$pid/cmdline ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$MAIN_CLASS $PROPS_FILE" || return 1
  fi
  echo "$pid"
}

port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null
}

write_server_properties() {
  cat >"$PROPS_FILE" <<EOF
# Written by deploy/kafka/kafka.sh on every start; edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$STORAGE_DIR

# One broker: every internal topic must fit on it (defaults of 3 leave groups and
# transactions waiting forever for a coordinator).
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
default.replication.factor=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0

auto.create.topics.enable=true
num.partitions=3
delete.topic.enable=true
EOF
  if [[ $KAFKA_MAJOR -ge 4 ]]; then
    cat >>"$PROPS_FILE" <<EOF
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
share.coordinator.state.topic.num.partitions=1
EOF
  fi
}

# Log to a file at INFO so a failed start is explainable; rolled by size to bound disk use.
write_log_config() {
  if [[ $KAFKA_MAJOR -ge 4 ]]; then
    LOG_CONFIG=$LOG_CONFIG_DIR/log4j2.properties
    LOG_JVM_OPT=-Dlog4j2.configurationFile=$LOG_CONFIG
    # Without this, log4j2's own shutdown hook closes the log mid-way through Kafka's shutdown.
    LOG_JVM_OPTS_EXTRA=(-Dlog4j2.shutdownHookEnabled=false)
    cat >"$LOG_CONFIG" <<EOF
status = warn
name = harbour-local-kafka
appender.file.type = RollingFile
appender.file.name = file
appender.file.fileName = $LOG_FILE
appender.file.filePattern = $LOG_FILE.%i
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 50MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 5
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
logger.request.name = kafka.request.logger
logger.request.level = WARN
EOF
  else
    LOG_CONFIG=$LOG_CONFIG_DIR/log4j.properties
    LOG_JVM_OPT=-Dlog4j.configuration=file:$LOG_CONFIG
    LOG_JVM_OPTS_EXTRA=()
    cat >"$LOG_CONFIG" <<EOF
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=$LOG_FILE
log4j.appender.file.MaxFileSize=50MB
log4j.appender.file.MaxBackupIndex=5
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
EOF
  fi
}

format_storage() {
  if [[ -f $STORAGE_DIR/meta.properties ]]; then
    local formatted_by
    formatted_by=$(cat "$DATA_DIR/formatted-by" 2>/dev/null || echo unknown)
    [[ $formatted_by == "$KAFKA_VERSION" || $formatted_by == unknown ]] ||
      log "note: storage was formatted by Kafka $formatted_by, starting $KAFKA_VERSION (downgrades fail; delete $DATA_DIR to reset)"
    return 0
  fi
  local cluster_id
  cluster_id=$("$JAVA" "$LOG_JVM_OPT" -cp "$LIB_DIR/*" kafka.tools.StorageTool random-uuid | tail -n 1)
  [[ $cluster_id =~ ^[A-Za-z0-9_-]{22}$ ]] || die "StorageTool random-uuid returned '$cluster_id'"
  log "formatting storage in ${STORAGE_DIR} with cluster id $cluster_id"
  "$JAVA" "$LOG_JVM_OPT" -cp "$LIB_DIR/*" kafka.tools.StorageTool \
    format -t "$cluster_id" -c "$PROPS_FILE" --ignore-formatted >>"$OUT_FILE" 2>&1 ||
    {
      tail -n 20 "$OUT_FILE" >&2
      die "formatting storage failed"
    }
  echo "$KAFKA_VERSION" >"$DATA_DIR/formatted-by"
}

fail_start() {
  local pid=$1 reason=$2
  echo "kafka.sh: $reason" >&2
  echo "---- last lines of $LOG_FILE ----" >&2
  tail -n 40 "$LOG_FILE" >&2 2>/dev/null || true
  echo "---- last lines of $OUT_FILE ----" >&2
  tail -n 20 "$OUT_FILE" >&2 2>/dev/null || true
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    wait_for_exit "$pid" 10 || kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE"
  exit 1
}

# Waits until pid has exited; false when it is still alive after $2 seconds.
wait_for_exit() {
  local pid=$1 deadline=$(($(now_ms) + $2 * 1000))
  while kill -0 "$pid" 2>/dev/null; do
    [[ $(now_ms) -lt $deadline ]] || return 1
    sleep 0.2
  done
}

cmd_start() {
  local started
  started=$(now_ms)
  resolve_data_dir
  local pid
  if pid=$(running_pid); then
    log "already running: bootstrap $HOST:$KAFKA_PORT, pid $pid, log $LOG_FILE"
    return 0
  fi
  rm -f "$PID_FILE"
  cmd_fetch
  check_java
  for port in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    ! port_open "$port" || die "$HOST:$port is already in use by another process (another Kafka?); set KAFKA_PORT / KAFKA_CONTROLLER_PORT"
  done
  mkdir -p "$LOG_DIR" "$STORAGE_DIR"
  write_server_properties
  write_log_config
  # A fresh log per start, so the readiness line found below is this run's, not the last one's.
  [[ -f $LOG_FILE ]] && mv -f "$LOG_FILE" "$LOG_FILE.previous"
  : >"$OUT_FILE"
  format_storage

  local -a jvm_opts
  read -r -a jvm_opts <<<"$KAFKA_HEAP_OPTS"
  jvm_opts+=(
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
    -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true
    "$LOG_JVM_OPT" "${LOG_JVM_OPTS_EXTRA[@]}" "-Dkafka.logs.dir=$LOG_DIR"
  )
  # setsid: the broker leaves the caller's process group, so a test runner or terminal that
  # kills its group on exit does not take the broker with it. It execs (no fork) here, so $! is
  # the JVM's pid.
  local detach=()
  command -v setsid >/dev/null 2>&1 && detach=(setsid)
  nohup "${detach[@]}" "$JAVA" "${jvm_opts[@]}" -cp "$LIB_DIR/*" "$MAIN_CLASS" "$PROPS_FILE" \
    </dev/null >>"$OUT_FILE" 2>&1 &
  pid=$!
  echo "$pid" >"$PID_FILE"

  local deadline=$(($(now_ms) + KAFKA_START_TIMEOUT * 1000))
  until grep -qF "$READY_LINE" "$LOG_FILE" 2>/dev/null && port_open "$KAFKA_PORT"; do
    kill -0 "$pid" 2>/dev/null || fail_start "$pid" "broker exited during start"
    [[ $(now_ms) -lt $deadline ]] || fail_start "$pid" "broker not ready within ${KAFKA_START_TIMEOUT}s"
    sleep 0.25
  done
  log "Kafka $KAFKA_VERSION ready: bootstrap $HOST:$KAFKA_PORT, pid $pid, log $LOG_FILE, started in $(format_ms $(($(now_ms) - started)))"
}

cmd_stop() {
  data_dir_paths
  local pid
  if ! pid=$(running_pid); then
    rm -f "$PID_FILE"
    log "not running"
    return 0
  fi
  log "stopping pid $pid (SIGTERM, up to ${KAFKA_STOP_TIMEOUT}s) ..."
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_for_exit "$pid" "$KAFKA_STOP_TIMEOUT"; then
    log "pid $pid still alive after ${KAFKA_STOP_TIMEOUT}s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_for_exit "$pid" 10 || die "pid $pid survived SIGKILL"
  fi
  rm -f "$PID_FILE"
  log "stopped"
}

cmd_status() {
  data_dir_paths
  local pid
  if pid=$(running_pid); then
    local state="listening"
    port_open "$KAFKA_PORT" || state="NOT accepting connections"
    log "running: pid $pid, bootstrap $HOST:$KAFKA_PORT ($state), version $KAFKA_VERSION, data $DATA_DIR, log $LOG_FILE"
    [[ $state == listening ]] || return 1
  else
    log "not running (data $DATA_DIR)"
    # LSB convention: 3 = program is not running.
    return 3
  fi
}

cmd_logs() {
  data_dir_paths
  [[ -f $LOG_FILE ]] || die "no log yet at $LOG_FILE"
  if [[ ${1:-} == -f ]]; then
    exec tail -n 100 -f "$LOG_FILE"
  fi
  tail -n "${KAFKA_LOG_LINES:-100}" "$LOG_FILE"
}

usage() {
  cat <<EOF
usage: $(basename "$0") <command>
  fetch     resolve the Kafka $KAFKA_VERSION jars from Maven Central (no-op when present)
  start     fetch, format storage if new, start the broker in the background, wait until ready
  stop      stop the broker started by this script (SIGTERM, then SIGKILL after ${KAFKA_STOP_TIMEOUT}s)
  status    say whether it runs (exit 0), is not running (exit 3) or is not accepting connections (1)
  logs [-f] show (or follow) the broker log
EOF
}

case ${1:-} in
  fetch) cmd_fetch ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  logs) cmd_logs "${2:-}" ;;
  -h | --help | help) usage ;;
  *)
    usage >&2
    exit 2
    ;;
esac
