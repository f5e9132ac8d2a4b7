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

TEST_CASE("http, https, ws and wss urls carry a target and default ports") {
  auto h = parse_endpoint("http://example.com");
  CHECK(h.transport == transport::tcp);
  CHECK(h.is_http());
  CHECK(!h.tls);
  CHECK(h.port == 80);
  CHECK(h.target == "/");
  CHECK(h.scheme() == "http");

  auto s = parse_endpoint("https://example.com:8443/a/b?x=1&y=%20");
  CHECK(s.is_http());
  CHECK(s.tls);
  CHECK(s.port == 8443);
  CHECK(s.target == "/a/b?x=1&y=%20");
  CHECK(s.display() == "example.com:8443");

  CHECK(parse_endpoint("https://example.com/").port == 443);
  CHECK(parse_endpoint("http://h?q=1").target == "/?q=1");
  CHECK(parse_endpoint("http://h/p#fragment").target == "/p");
  auto v6 = parse_endpoint("http://[::1]/x");
  CHECK(v6.host == "::1");
  CHECK(v6.port == 80);

  auto w = parse_endpoint("wss://chat.example/socket");
  CHECK(w.is_ws());
  CHECK(w.tls);
  CHECK(w.port == 443);
  CHECK(w.scheme() == "wss");
  CHECK(parse_endpoint("ws://h:9000").scheme() == "ws");

  auto listen = parse_endpoint("http://:8080");
  CHECK(listen.host.empty());
  CHECK(listen.port == 8080);
}

TEST_CASE("http urls read back from their string form, default ports left out") {
  for (const char* url : {"http://example.com/", "https://example.com/a?b=1", "ws://h:9000/chat",
                          "wss://[::1]/x", "http://:0/", "http://:80/", "https://h:80/"})
    CHECK(parse_endpoint(url).to_string() == url);
  CHECK(parse_endpoint("http://h:80/x").to_string() == "http://h/x");
  CHECK(parse_endpoint("https://[::1]:443").to_string() == "https://[::1]/");
  CHECK(parse_endpoint("http://h?q").to_string() == "http://h/?q");
}

TEST_CASE("malformed http urls are usage errors naming the problem") {
  struct bad_case {
    const char* url;
    const char* says;
  };
  for (auto [url, says] :
       {bad_case{"http://", "missing host"}, bad_case{"http:///x", "missing host"},
        bad_case{"http://user:pw@h/", "user names and passwords"},
        bad_case{"https://h:99999/", "out of range"}, bad_case{"http://h:/", "missing port"},
        bad_case{"ws://::1/", "brackets"}, bad_case{"http://a b/", "space"},
        bad_case{"http://h_x!/", "not a valid host name"}, bad_case{"htp://h/", "unknown scheme"},
        bad_case{"h:80/path", "unexpected path"}}) {
    try {
      parse_endpoint(url);
      FAIL("accepted " << url);
    } catch (const vitnet::error& e) {
      CHECK(e.code() == core::exit_code::usage);
      CHECK_MESSAGE(std::string(e.what()).find(says) != std::string::npos, url << ": " << e.what());
    }
  }
}
