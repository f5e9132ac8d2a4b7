// Where a command's words go: data on stdout, diagnostics on stderr with one prefix, and the
// options (-q, -v, --json, colour) deciding what is printed and how.
#include "core/io.hpp"

#include <doctest/doctest.h>

#include <cstdlib>

namespace {

struct captured {
  std::string out, err;
  core::io make(core::output_options o) {
    return core::io(
        o, [this](std::string_view s) { out += s; }, [this](std::string_view s) { err += s; });
  }
};

}  // namespace

TEST_CASE("diagnostics go to stderr with the vitnet prefix; data goes to stdout as it is") {
  captured c;
  auto io = c.make({});
  io.out("payload");
  io.error("cannot open {}: {}", "x.pem", "no such file");
  io.warn("{} is deprecated", "--old");
  io.note("listening on {}", "127.0.0.1:80");
  CHECK(c.out == "payload");
  CHECK(c.err ==
        "vitnet: cannot open x.pem: no such file\n"
        "vitnet: warning: --old is deprecated\n"
        "vitnet: listening on 127.0.0.1:80\n");
}

TEST_CASE("-q keeps only errors; -v levels add verbose lines") {
  captured quiet;
  auto q = quiet.make({.verbosity = 2, .quiet = true});
  q.warn("w");
  q.note("n");
  q.verbose(1, "v");
  q.error("e");
  CHECK(quiet.err == "vitnet: e\n");

  captured loud;
  auto v = loud.make({.verbosity = 1});
  v.verbose(1, "one");
  v.verbose(2, "two");
  CHECK(loud.err == "vitnet: one\n");
}

TEST_CASE("events are one NDJSON line each, on stdout unless stdout carries data") {
  captured c;
  auto io = c.make({.json = true});
  io.event(R"({"a":1})");
  io.event(R"({"b":2})", true);
  CHECK(c.out == "{\"a\":1}\n");
  CHECK(c.err == "{\"b\":2}\n");
  CHECK(io.json());
}

TEST_CASE("colour changes how a diagnostic looks, never what it says") {
  captured c;
  auto io = c.make({.color = core::color_mode::always});
  io.warn("careful");
  CHECK(io.color_stderr());
  CHECK(c.err.find("\x1b[") != std::string::npos);
  std::string plain;
  for (std::size_t i = 0; i < c.err.size(); ++i) {
    if (c.err[i] == '\x1b') {
      i = c.err.find('m', i);
      continue;
    }
    plain += c.err[i];
  }
  CHECK(plain == "vitnet: warning: careful\n");

  captured j;
  auto json = j.make({.json = true, .color = core::color_mode::always});
  CHECK_FALSE(json.color_stderr());  // machine readers get plain text
}

TEST_CASE("automatic colour follows the terminal and NO_COLOR") {
  const char* saved = std::getenv("NO_COLOR");
  std::string keep = saved ? saved : "";
  ::unsetenv("NO_COLOR");
  CHECK(core::use_color(core::color_mode::automatic, true));
  CHECK_FALSE(core::use_color(core::color_mode::automatic, false));
  ::setenv("NO_COLOR", "1", 1);
  CHECK_FALSE(core::use_color(core::color_mode::automatic, true));
  CHECK(core::use_color(core::color_mode::always, false));
  ::setenv("NO_COLOR", "", 1);  // set but empty: ignored, as no-color.org says
  CHECK(core::use_color(core::color_mode::automatic, true));
  if (saved)
    ::setenv("NO_COLOR", keep.c_str(), 1);
  else
    ::unsetenv("NO_COLOR");
  CHECK_FALSE(core::use_color(core::color_mode::never, true));
}
