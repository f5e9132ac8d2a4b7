#include "commands/connect/http/client.hpp"

#include <doctest/doctest.h>

#include "core/progress.hpp"

TEST_CASE("query pairs are percent-encoded and appended in order") {
  using commands::with_query;
  CHECK(with_query("/", {}) == "/");
  CHECK(with_query("/a", {"q=a b"}) == "/a?q=a%20b");
  CHECK(with_query("/a?x=1", {"q=1&2", "r"}) == "/a?x=1&q=1%262&r");
  CHECK(with_query("/a?", {"k=v"}) == "/a?k=v");
  CHECK(with_query("/", {"caf\xc3\xa9=~ok-._"}) == "/?caf%C3%A9=~ok-._");
  CHECK(with_query("/", {"e=", "=v"}) == "/?e=&=v");
}

TEST_CASE("retries are for the statuses curl's --retry counts as transient") {
  for (long s : {408, 429, 500, 502, 503, 504}) CHECK(commands::transient_status(s));
  for (long s : {200, 301, 400, 401, 404, 501, 505}) CHECK(!commands::transient_status(s));
}

TEST_CASE("a progress line shows percent, bar, sizes and rate within its width") {
  auto line = core::progress_line(512, 1024, 512.0, 70);
  CHECK(line.starts_with(" 50% ["));
  CHECK(line.find("512 B / 1.00 KiB") != std::string::npos);
  CHECK(line.find("512 B/s") != std::string::npos);
  CHECK(line.size() <= 70);
  CHECK(core::progress_line(1024, 1024, 0, 70).find("[====") != std::string::npos);
  auto unknown = core::progress_line(2048, std::nullopt, 1024.0, 70);
  CHECK(unknown == "2.00 KiB  1.00 KiB/s");
  CHECK(core::progress_line(10, 100, 1, 12).size() == 12);
}
