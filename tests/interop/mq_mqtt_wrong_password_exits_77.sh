#!/usr/bin/env bash
# A broker that refuses the URL's credentials (mosquitto: CONNACK 5 in 3.1.1, 0x87 in 5) makes vitnet exit 77;
# the right USER:PASS@ gets through.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/mosquitto.sh"
need mosquitto_passwd
touch "$T/passwd"
chmod 600 "$T/passwd"
mosquitto_passwd -b "$T/passwd" alice 's3cret' >/dev/null 2>&1 || fail "mosquitto_passwd failed"
MOSQ_ANONYMOUS=false start_mosquitto "password_file $T/passwd"
URL_OK=mqtt://alice:s3cret@127.0.0.1:$MQ_PORT
URL_BAD=mqtt://alice:wrong@127.0.0.1:$MQ_PORT
expect_exit 0 "$VITNET" mq pub "$URL_OK" t hello --qos 1
expect_exit 77 "$VITNET" mq pub "$URL_BAD" t hello
expect_contains "$ERR" "refused the connection: not authorized"
expect_not_contains "$ERR" "wrong"
expect_diagnostic "$ERR"
expect_exit 77 "$VITNET" mq pub "$URL_BAD" t hello --mqtt 5
expect_contains "$ERR" "not authorized (0x87)"  # mosquitto 2.0 answers 0x87, not 0x86
expect_exit 77 "$VITNET" mq sub "mqtt://127.0.0.1:$MQ_PORT" t --timeout 1s
