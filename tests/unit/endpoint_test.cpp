#include "net/endpoint.hpp"

#include <doctest/doctest.h>

#include "core/error.hpp"

using net::parse_endpoint;
using net::transport;

TEST_CASE("endpoint urls of every transport parse") {
  auto t = parse_endpoint("tcp://127.0.0.1:8080");
  CHECK(t.transport == transport::tcp);
  CHECK(t.host == "127.0.0.1");
  CHECK(t.port == 8080);
  auto u = parse_endpoint("udp://localhost:53");
  CHECK(u.transport == transport::udp);
  CHECK(u.host == "localhost");
  auto x = parse_endpoint("unix:///tmp/s.sock");
  CHECK(x.is_unix());
  CHECK(x.path == "/tmp/s.sock");
  CHECK(!x.abstract);
  auto a = parse_endpoint("unix://@name");
  CHECK(a.abstract);
  CHECK(a.path == "name");
}

TEST_CASE("a bare host and port means tcp, and ipv6 goes in brackets") {
  auto e = parse_endpoint("example.com:80");
  CHECK(e.transport == transport::tcp);
  CHECK(e.port == 80);
  auto v6 = parse_endpoint("[::1]:9000");
  CHECK(v6.host == "::1");
  CHECK(v6.to_string() == "tcp://[::1]:9000");
  auto any = parse_endpoint(":0");
  CHECK(any.host.empty());
  CHECK(any.port == 0);
  CHECK(parse_endpoint("8080").port == 8080);
}

TEST_CASE("endpoint urls read back from their string form") {
  for (const char* url : {"tcp://127.0.0.1:80", "udp://[::1]:53", "unix:///run/x.sock",
                          "unix://@abc", "tcp://localhost:0"})
    CHECK(parse_endpoint(url).to_string() == url);
}

TEST_CASE("malformed endpoint urls are usage errors naming the problem") {
  struct bad_case {
    const char* url;
    const char* says;
  };
  for (auto [url, says] :
       {bad_case{"tcp://h:70000", "out of range"}, bad_case{"foo://h:1", "unknown scheme"},
        bad_case{"tcp://h", "missing port"}, bad_case{"::1:80", "brackets"},
        bad_case{"tcp://h:x", "not a number"}, bad_case{"tcp://a b:1", "space"},
        bad_case{"unix://", "missing socket path"}, bad_case{"tcp://h:1/path", "unexpected path"},
        bad_case{"", "empty"}, bad_case{"tcp://[zz]:1", "not an IPv6"},
        bad_case{"tcp://h:", "missing port"}}) {
    try {
      parse_endpoint(url);
      FAIL("accepted " << url);
    } catch (const vitnet::error& e) {
      CHECK(e.code() == core::exit_code::usage);
      CHECK_MESSAGE(std::string(e.what()).find(says) != std::string::npos, url << ": " << e.what());
    }
  }
}
