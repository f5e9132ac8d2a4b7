#!/usr/bin/env bash
# A records file with an error stops serve before it listens: 65, naming FILE:LINE and what is
# wrong; a missing file is 66; a bad --fault rule is 64.
source "$(dirname "$0")/../lib/lib.sh"

printf '$ORIGIN t.test.\nok 60 IN A 127.0.0.1\nbad 60 IN MX mail\n' >"$T/bad.zone"
expect_exit 65 "$VITNET" serve dns://127.0.0.1:0 --records "$T/bad.zone"
expect_contains "$ERR" "$T/bad.zone:3:"
expect_diagnostic "$ERR"
expect_exit 66 "$VITNET" serve dns://127.0.0.1:0 --records "$T/missing.zone"
expect_contains "$ERR" "$T/missing.zone"
expect_exit 64 "$VITNET" serve dns://127.0.0.1:0 --fault 'x.test=explode'
expect_contains "$ERR" "unknown action 'explode'"
expect_exit 64 "$VITNET" serve tcp://127.0.0.1:0 --records "$T/bad.zone"
expect_contains "$ERR" "DNS options need a dns://, tls://, quic:// or https:// URL"
printf '[[record]]\nname = "a.test."\ntype = "A"\n' >"$T/bad.toml"
expect_exit 65 "$VITNET" serve dns://127.0.0.1:0 --records "$T/bad.toml"
expect_contains "$ERR" "give name, type and data"
