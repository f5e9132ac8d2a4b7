# mosquitto for the MQTT tests of `vitnet mq` (tests/interop/mq_mqtt_*.sh). Source it after lib.sh,
# do not run it. It skips the test unless mosquitto and its clients are installed
# (scripts/deps.sh test installs them).
#
#   start_mosquitto [LINE...]   mosquitto on 127.0.0.1, a free port, anonymous clients allowed
#                               (MOSQ_ANONYMOUS=false to refuse them), every packet logged; each
#                               LINE is added to its configuration (a password_file, a TLS listener).
#                               Sets MQ_PORT, MQ_URL (mqtt://127.0.0.1:PORT), MOSQ_PID, MOSQ_LOG.
#   mosq_saw N TEXT             true when the broker's log has N lines containing TEXT (for
#                               wait_until): "Received SUBSCRIBE from ID" says a client subscribed.

need mosquitto mosquitto_pub mosquitto_sub

_mosq_count=0

start_mosquitto() {
  _mosq_count=$((_mosq_count + 1))
  MQ_PORT=${MQ_PORT_WANTED:-$(free_port)}
  local conf=$T/mosquitto$_mosq_count.conf
  MOSQ_LOG=$T/mosquitto$_mosq_count.log
  {
    echo "per_listener_settings false"
    echo "allow_anonymous ${MOSQ_ANONYMOUS:-true}"
    echo "persistence false"
    echo "user $(id -un)"  # root would otherwise become 'mosquitto', who cannot read $T's keys
    echo "log_dest stderr"
    echo "log_type all"
    echo "listener $MQ_PORT 127.0.0.1"
    local line
    for line in "$@"; do echo "$line"; done
  } >"$conf"
  bg mosquitto -c "$conf" >"$MOSQ_LOG" 2>&1
  MOSQ_PID=$BG_PID
  if ! wait_until 10 tcp_listening "$MQ_PORT"; then
    show "$MOSQ_LOG"
    fail "mosquitto did not start listening on $MQ_PORT"
  fi
  MQ_URL=mqtt://127.0.0.1:$MQ_PORT
}

mosq_saw() { has_lines "$1" "$MOSQ_LOG" "$2"; }
