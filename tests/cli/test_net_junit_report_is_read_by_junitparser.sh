#!/usr/bin/env bash
# The --junit report reads right in junitparser, the Python library that CI reporters such as
# publish-unit-test-result-action parse JUnit with: the counts it states agree with the cases it
# holds, the failing case's message is the expectation that failed, and system-out keeps what the
# processes printed: markup, a CR before a line feed, and characters XML cannot carry (shown as
# escapes) included, none of which may stop the report from parsing.
source "$(dirname "$0")/../lib/lib.sh"
PY=/usr/bin/python3  # Debian's python, which has python3-junitparser
[[ -x $PY ]] && "$PY" -c 'import junitparser' 2>/dev/null ||
  skip "python3-junitparser is not installed (scripts/deps.sh test installs it)"

cd "$T"
cat >echoed.toml <<'TOML'
name = "markup & line ends come back"
hosts = ["server", "client"]
timeout = "10s"

[[process]]
name = "echo"
host = "server"
run = "serve -k --echo tcp://:7000"
expect = { running = true }

[[process]]
name = "client"
host = "client"
start = "100ms"
run = "connect --crlf tcp://server:7000"
stdin = "<b>Tom & \"Jerry\"</b> \u001b[1m \uFFFE\n"
expect = { exit = 0, stdout = "<b>Tom & \"Jerry\"</b> \u001b[1m \uFFFE\r\n" }
TOML
cat >misread.toml <<'TOML'
name = "an expectation that fails"
hosts = ["server", "client"]
timeout = "10s"

[[process]]
name = "echo"
host = "server"
run = "serve -k --echo tcp://:7000"
expect = { running = true }

[[process]]
name = "client"
host = "client"
start = "100ms"
run = "connect tcp://server:7000"
stdin = "<i>a & b</i>\n"
expect = { exit = 0, stdout = "<i>a && b</i>\n" }
TOML

expect_exit 1 "$VITNET" test net --net mock --junit report.xml echoed.toml misread.toml
[[ -s report.xml ]] || fail "no JUnit file written"
"$PY" - report.xml <<'PY' || { show report.xml; fail "junitparser read the JUnit report otherwise"; }
import copy, sys
from junitparser import JUnitXml, Failure

report = JUnitXml.fromfile(sys.argv[1])
assert isinstance(report, JUnitXml), type(report)
stated = (report.tests, report.failures, report.errors)
assert stated == (2, 1, 0), stated
# What a reporter shows when it merges reports: the counts recomputed from the cases.
counted = copy.deepcopy(report)
counted.update_statistics()
assert (counted.tests, counted.failures, counted.errors, counted.skipped) == (2, 1, 0, 0), counted
assert abs(counted.time - report.time) < 0.01, (counted.time, report.time)

suites = list(report)
assert [s.name for s in suites] == ["echoed.toml", "misread.toml"], [s.name for s in suites]
assert [(s.tests, s.failures, s.errors, s.skipped) for s in suites] == [(1, 0, 0, 0), (1, 1, 0, 0)]
passed, = list(suites[0])
failed, = list(suites[1])
assert passed.name == "markup & line ends come back [mock seed 1]", passed.name
assert passed.classname == "echoed.toml", passed.classname
assert passed.is_passed and passed.result == [], passed.result
assert isinstance(passed.time, float), passed.time

assert not failed.is_passed
result, = failed.result
assert isinstance(result, Failure), result
want = 'client (misread.toml:11): stdout is "<i>a & b</i>\\n", expected "<i>a && b</i>\\n"'
assert result.message == want, result.message
assert result.type == "expectation", result.type
assert result.text.startswith(want + "\n"), result.text
assert "replay: vitnet test net misread.toml --net mock --seed 1\n" in result.text, result.text

# system-out: every process, its command and outcome, and what it printed.
out = passed.system_out
assert "--- echo on server: serve -k --echo tcp://:7000 (running)\nstderr:\n" in out, out
assert "vitnet: listening on tcp://" in out, out
assert "--- client on client: connect --crlf tcp://server:7000 (exit 0)\n" in out, out
# The CR arrives; ESC and U+FFFE, which XML cannot carry, arrive as escapes.
assert 'stdout:\n<b>Tom & "Jerry"</b> \\x1b[1m \\uFFFE\r\n' in out, repr(out)
assert "stdout:\n<i>a & b</i>\n" in failed.system_out, failed.system_out
PY
