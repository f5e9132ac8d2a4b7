#!/usr/bin/env bash
# --junit FILE writes JUnit XML that a CI parses: one testsuite per scenario file, one testcase per
# run, counts that add up, and each failure's message and replay line in a <failure>.
source "$(dirname "$0")/../lib/lib.sh"
need python3
src=${VITNET_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$src/tests/scenarios" || fail "no scenarios in $src/tests/scenarios"

expect_exit 1 "$VITNET" test net --junit "$T/report.xml" udp_echo_mock.toml fail/wrong_stdout.toml fail/wrong_exit.toml
[[ -s $T/report.xml ]] || fail "no JUnit file written"
python3 - "$T/report.xml" <<'PY' || { show "$T/report.xml"; fail "the JUnit report is not what CI expects"; }
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites", root.tag
assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("3", "2", "0"), root.attrib
suites = root.findall("testsuite")
assert [s.get("name") for s in suites] == ["udp_echo_mock.toml", "fail/wrong_stdout.toml", "fail/wrong_exit.toml"], [s.get("name") for s in suites]
assert [(s.get("tests"), s.get("failures")) for s in suites] == [("1", "0"), ("1", "1"), ("1", "1")]
cases = root.iter("testcase")
names = [c.get("name") for c in cases]
assert names == ["udp echo [mock seed 1]", "wrong stdout expectation [mock seed 1]", "wrong exit expectation [mock seed 1]"], names
assert suites[0].find("testcase/failure") is None
f = suites[1].find("testcase/failure")
assert f.get("message") == 'typo (fail/wrong_stdout.toml:12): stdout is "hullo\\n", expected "hello\\n"', f.get("message")
assert "replay: vitnet test net fail/wrong_stdout.toml --net mock --seed 1" in f.text, f.text
f = suites[2].find("testcase/failure")
assert f.get("message").startswith("wrong-port (fail/wrong_exit.toml:12): expected exit 0, got 69"), f.get("message")
# What the processes printed goes along, for the CI page.
out = suites[0].find("testcase/system-out").text
assert "one\ntwo\nthree\n" in out, out
for s in suites:
    float(s.get("time"))
PY
