#include <doctest/doctest.h>

#include <set>
#include <string>

#include "commands/test_net/scenario.hpp"
#include "core/error.hpp"

using namespace commands;

namespace {

constexpr const char* program_scenario = R"(
hosts = ["app", "client"]

[[process]]
name = "web"
host = "app"
exec = "python3 -m http.server --bind ${addr.app} ${port.web}"
env = { MODE = "test on ${port.web}" }
cwd = "site"
ready = "http://app:${port.web}/health"

[[process]]
name = "get"
host = "client"
run = "connect http://${dial.app:web}/ --header 'X-Db: ${port.db}'"
ready = false

[[fault]]
kind = "latency"
to = "app"
port = "${port.web}"
latency = "10ms"
)";

}  // namespace

TEST_CASE("scenario: ${port.NAME} is one fixed number per name on the mock network") {
  auto sc = parse_scenario(program_scenario, "/s/x.toml");
  REQUIRE(sc.ports.size() == 2);
  CHECK(sc.ports.at("web") == 40000);
  CHECK(sc.ports.at("db") == 40001);
  const auto& web = sc.processes.at(0);
  CHECK(web.program);
  CHECK(web.argv ==
        std::vector<std::string>{"python3", "-m", "http.server", "--bind", "127.0.0.2", "40000"});
  CHECK(web.env.at("MODE") == "test on 40000");
  CHECK(web.cwd == "/s/site");
  REQUIRE(web.ready);
  CHECK(web.ready->scheme == "http");
  CHECK(web.ready->host == "127.0.0.2");
  CHECK(web.ready->port == 40000);
  CHECK(web.ready->path == "/health");
  CHECK(web.ready->status == 200);
  const auto& get = sc.processes.at(1);
  CHECK_FALSE(get.program);
  CHECK(get.ready_off);
  // ${dial...} is left for the backend, with the port's number in it.
  CHECK(get.argv.at(1) == "http://${dial.app:40000}/");
  CHECK(get.argv.at(3) == "X-Db: 40001");
  REQUIRE(sc.faults.size() == 1);
  CHECK(sc.faults[0].port == 40000);
}

TEST_CASE("scenario: free ports are distinct and usable") {
  auto sc = parse_scenario(program_scenario, "x.toml", {}, port_choice::free);
  REQUIRE(sc.ports.size() == 2);
  CHECK(sc.ports.at("web") != sc.ports.at("db"));
  CHECK(sc.ports.at("web") > 0);
  CHECK(sc.faults[0].port == sc.ports.at("web"));
}

TEST_CASE("scenario: expand_dials fills in every ${dial.HOST:PORT}") {
  auto to = [](const std::string& h, std::uint16_t p) { return h + "@" + std::to_string(p); };
  CHECK(expand_dials("a ${dial.db:5432} b ${dial.web:80}", to) == "a db@5432 b web@80");
  CHECK(expand_dials("nothing here ${x}", to) == "nothing here ${x}");
  CHECK(expand_dials("", to).empty());
}

TEST_CASE("scenario: mistakes in programs, ready and ports are named with their line") {
  auto error_of = [](const std::string& text) {
    try {
      parse_scenario(text, "e.toml");
    } catch (const vitnet::error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  std::string head = "hosts = [\"a\"]\n[[process]]\nhost = \"a\"\n";
  CHECK(error_of(head + "run = \"serve :7\"\nexec = \"true\"\n") ==
        "e.toml:2: give one of 'run' or 'args' (a vitnet command) and 'exec' or 'argv' (any "
        "program)");
  CHECK(error_of(head + "exec = \"true\"\nready = \"udp://a:53\"\n") ==
        "e.toml:5: 'ready' must be tcp://HOST:PORT or http://HOST:PORT/PATH, not 'udp://a:53'");
  CHECK(error_of(head + "exec = \"true\"\nready = \"tcp://elsewhere:53\"\n") ==
        "e.toml:5: 'ready' names 'elsewhere', which is neither a host of this scenario nor an "
        "address");
  CHECK(error_of(head + "exec = \"true ${port.a b}\"\n") ==
        "e.toml:4: '${port.a b}': a port's name is letters, digits, '_' and '-'");
  CHECK(error_of(head + "exec = \"x ${dial.nohost:80}\"\n") ==
        "e.toml:4: '${dial.nohost:80}' names no host of this scenario");
  CHECK(error_of(head + "exec = \"\"\n") == "e.toml:4: the command is empty");
}
