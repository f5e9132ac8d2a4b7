// Request targets made safe to append to a backend's path prefix.
#include <doctest/doctest.h>

#include "proto/http1/message.hpp"

TEST_CASE("dot segments are removed as RFC 3986 says, %2E counting as a dot") {
  using proto::normal_target;
  CHECK(normal_target("/") == "/");
  CHECK(normal_target("/a/b") == "/a/b");
  CHECK(normal_target("/a/b/") == "/a/b/");
  CHECK(normal_target("/../secret.txt") == "/secret.txt");
  CHECK(normal_target("/%2e%2e/secret.txt") == "/secret.txt");
  CHECK(normal_target("/%2E./%2e/x") == "/x");
  CHECK(normal_target("/a/b/../../../c") == "/c");
  CHECK(normal_target("/a/./b/.") == "/a/b/");
  CHECK(normal_target("/a/..") == "/");
  CHECK(normal_target("/a/...") == "/a/...");        // three dots are a name
  CHECK(normal_target("/a/..b/.c") == "/a/..b/.c");  // so are dots with more
  CHECK(normal_target("/a?x=../..") == "/a?x=../..");
  CHECK(normal_target("/a/../?q") == "/?q");
  CHECK(normal_target("..") == "/");
}
