// Which pages may open a WebSocket to serve ws://: origins compared in one normal form.
#include <doctest/doctest.h>

#include "commands/serve/ws/origin.hpp"

using commands::normal_origin;
using commands::origin_allowed;

TEST_CASE("origins are compared lowercased, with the scheme's default port made explicit") {
  CHECK(normal_origin("HTTP://Example.COM") == "http://example.com:80");
  CHECK(normal_origin("https://example.com") == "https://example.com:443");
  CHECK(normal_origin("https://example.com:8443/") == "https://example.com:8443");
  CHECK(normal_origin("http://[::1]:3000") == "http://[::1]:3000");
  CHECK_FALSE(normal_origin("null"));
  CHECK_FALSE(normal_origin("http://example.com/path"));
  CHECK_FALSE(normal_origin("http://user@example.com"));
  CHECK_FALSE(normal_origin("http://example.com:80x"));
  CHECK_FALSE(normal_origin("ftp://example.com"));  // no default port known: give one
  CHECK(normal_origin("ftp://example.com:21") == "ftp://example.com:21");
  CHECK_FALSE(normal_origin("http://"));
  // An IPv6 bracket left open, or followed by anything but a port (fuzz_ws_handshake: it gave
  // "http://[:::80", then "http://[:::80:80", and matched a Host of "[::").
  CHECK_FALSE(normal_origin("http://[::"));
  CHECK_FALSE(normal_origin("http://[::1]x"));
  CHECK_FALSE(origin_allowed("http://[::", "[::", {}));
}

TEST_CASE("no Origin and the server's own pages are admitted; other pages only when named") {
  std::vector<std::string> none, named{"http://app.test:3000"}, any{"*"};
  CHECK(origin_allowed("", "127.0.0.1:9000", none));
  CHECK(origin_allowed("http://127.0.0.1:9000", "127.0.0.1:9000", none));
  CHECK(origin_allowed("http://LOCALHOST", "localhost:80", none));
  CHECK(origin_allowed("https://localhost", "localhost", none));
  CHECK_FALSE(origin_allowed("http://127.0.0.1:9001", "127.0.0.1:9000", none));
  CHECK_FALSE(origin_allowed("https://evil.example", "127.0.0.1:9000", none));
  CHECK_FALSE(origin_allowed("null", "127.0.0.1:9000", none));
  CHECK(origin_allowed("http://app.test:3000", "127.0.0.1:9000", named));
  CHECK_FALSE(origin_allowed("https://app.test:3000", "127.0.0.1:9000", named));
  CHECK(origin_allowed("null", "127.0.0.1:9000", any));
}
