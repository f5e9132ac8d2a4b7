#!/usr/bin/env bash
# --report FILE.html writes one page for the whole run (every scenario, every seed), whose text a
# process printed is escaped — markup, quotes, bytes that are not UTF-8, control characters — and
# which points nowhere outside itself: no URL, no src=, no href= but to its own anchors, no script.
source "$(dirname "$0")/../lib/lib.sh"
need python3

printf '</pre></script><script>alert(1)</script><img src=x onerror="alert(2)"> <svg onload=alert(3)> it'"'"'s \xff\xfe \x1b[31m\x00 &amp;\n' >"$T/hostile.txt"
cat >"$T/hostile.toml" <<'TOML'
name = "<b>markup</b> in a name"
hosts = ["server", "client"]

[[process]]
name = "markup"
host = "server"
run = "serve -k --reply @${hostile} tcp://:7001"

[[process]]
name = "reader"
host = "client"
start = "100ms"
run = "connect --recv-only tcp://server:7001"
expect = { exit = 0, stdout_contains = "never printed" }
TOML

expect_exit 1 "$VITNET" test net --seeds 1..2 --report "$T/report.html" "$T/hostile.toml" \
  "$VITNET_SOURCE/tests/scenarios/udp_echo_mock.toml" --var "hostile=$T/hostile.txt"
[[ -s $T/report.html ]] || fail "no report written"
r=$T/report.html

# The text is there, as text.
expect_contains "$r" '&lt;/pre&gt;&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&quot;alert(2)&quot;&gt;'
expect_contains "$r" 'it&#39;s'
expect_contains "$r" '&lt;svg onload=alert(3)&gt;'
# Bytes that are not UTF-8 are U+FFFD; ESC and NUL their control pictures U+241B and U+2400.
expect_contains "$r" "$(printf '\357\277\275\357\277\275 \342\220\233[31m\342\220\200 &amp;amp;')"
expect_contains "$r" '&lt;b&gt;markup&lt;/b&gt; in a name'
# Every run of the command is in the one page: 2 scenarios x 2 seeds.
[[ $(grep -c '<section class="run ' "$r") == 4 ]] || fail "expected 4 runs in the report"
expect_contains "$r" 'seed 2'

python3 - "$r" <<'PY' || fail "the report is not a self-contained page"
import html.parser, re, sys
raw = open(sys.argv[1], "rb").read()
text = raw.decode("utf-8")  # strict: the page is valid UTF-8 whatever the processes printed
assert "\x00" not in text and "\x1b" not in text, "a control character got through"
for pattern in (r"https?://", r"//[a-z0-9.-]+\.[a-z]{2,}/", r"@import", r"javascript:"):
    m = re.search(pattern, text, re.I)
    assert not m, f"{pattern!r} at {text[max(0, m.start() - 80):m.end() + 80]!r}"

class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = set()
        self.problems = []
    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for k, v in attrs:
            if k in ("src", "srcset", "action", "formaction", "poster", "data", "xlink:href"):
                self.problems.append(f"<{tag} {k}={v!r}>")
            if k == "href" and not (v or "").startswith("#"):
                self.problems.append(f"<{tag} href={v!r}>")
            if k.startswith("on"):
                self.problems.append(f"<{tag} {k}=...>")
            if v and "url(" in v and not re.fullmatch(r"url\(#[\w-]+\)", v):
                self.problems.append(f"<{tag} {k}={v!r}>")

p = Page()
p.feed(text)
assert not p.problems, p.problems
allowed = {"html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "h4", "p",
           "span", "nav", "ol", "ul", "li", "a", "main", "section", "dl", "dt", "dd", "code", "div",
           "svg", "defs", "marker", "path", "g", "rect", "line", "text", "title", "circle",
           "details", "summary", "b", "pre", "table", "tr", "th", "td"}
assert p.tags <= allowed, p.tags - allowed
style = re.search(r"<style>(.*?)</style>", text, re.S).group(1)
assert "url(" not in style, "the style loads something"
PY
