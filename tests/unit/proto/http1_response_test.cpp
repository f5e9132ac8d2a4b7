// HTTP/1.1 response parsing (as a client or reverse proxy reads a backend), the serialisers and
// HTTP dates.
#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proto/http1/parser.hpp"
#include "proto/http1/date.hpp"

using proto::http_event;

namespace {

struct parsed {
  std::vector<proto::response> responses;
  std::optional<proto::http_error> error;
  bool ended = false, paused = false;
  std::string rest;
};

// Feeds `bytes` in pieces of `step`, then the end of the stream when `eof`. `methods` are the
// methods of the requests answered, in order.
parsed parse(std::string_view bytes, std::size_t step = std::string_view::npos, bool eof = false,
             std::vector<std::string> methods = {}) {
  proto::response_parser p;
  parsed out;
  auto drain = [&] {
    for (;;) {
      if (out.responses.size() < methods.size())
        p.set_request_method(methods[out.responses.size()]);
      auto ev = p.poll();
      if (ev == http_event::need_more) return true;
      if (ev == http_event::message) {
        out.responses.push_back(p.take());
      } else if (ev == http_event::error) {
        out.error = p.error();
        return false;
      } else if (ev == http_event::end) {
        out.ended = true;
        return false;
      } else if (ev == http_event::paused) {
        out.paused = true;
        out.rest = p.take_buffered();
        return false;
      }
    }
  };
  for (std::size_t at = 0; at < bytes.size(); at += step) {
    p.feed(bytes.substr(at, step));
    if (!drain()) return out;
  }
  if (eof) {
    p.feed_eof();
    drain();
  }
  return out;
}

using namespace std::chrono;

system_clock::time_point at(int y, unsigned m, unsigned d, int hh, int mm, int ss) {
  return sys_days{year{y} / month{m} / day{d}} + hours{hh} + minutes{mm} + seconds{ss};
}

}  // namespace

TEST_CASE("http response parser reads Content-Length and chunked bodies, whole or bytewise") {
  std::string in =
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
      "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
  for (std::size_t step : {std::string_view::npos, std::size_t{1}}) {
    auto r = parse(in, step);
    REQUIRE(r.responses.size() == 2);
    CHECK(r.responses[0].status == 200);
    CHECK(r.responses[0].reason == "OK");
    CHECK(r.responses[0].body == "hello");
    CHECK(r.responses[1].status == 404);
    CHECK(r.responses[1].body == "abc");
    CHECK(!r.error);
  }
}

TEST_CASE("http response parser reads a body delimited by the end of the stream") {
  proto::response_parser p;
  p.feed("HTTP/1.1 200 OK\r\n\r\npart one, ");
  CHECK(p.poll() == http_event::head);
  CHECK(p.poll() == http_event::need_more);
  p.feed("part two");
  p.feed_eof();
  REQUIRE(p.poll() == http_event::message);
  CHECK(!p.keep_alive());
  CHECK(p.take().body == "part one, part two");
  CHECK(p.poll() == http_event::end);
}

TEST_CASE("http response parser knows HEAD, 204 and 304 responses have no body") {
  auto r = parse(
      "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"
      "HTTP/1.1 204 No Content\r\n\r\n"
      "HTTP/1.1 304 Not Modified\r\nContent-Length: 7\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
      std::string_view::npos, false, {"HEAD", "GET", "GET", "GET"});
  REQUIRE(r.responses.size() == 4);
  CHECK(r.responses[0].body.empty());
  CHECK(r.responses[0].headers.get("Content-Length") == "100");
  CHECK(r.responses[3].body == "ok");
}

TEST_CASE("http response parser skips interim responses but stops at 101") {
  auto r = parse(
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n"
      "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
      "\x81\x02hi");
  REQUIRE(r.responses.size() == 2);
  CHECK(r.responses[0].status == 201);
  CHECK(r.responses[1].status == 101);
  CHECK(r.paused);
  CHECK(r.rest == "\x81\x02hi");
}

TEST_CASE("http response parser treats a 2xx answer to CONNECT as the start of a tunnel") {
  auto r = parse("HTTP/1.1 200 Connection Established\r\n\r\ntunnel bytes", std::string_view::npos,
                 false, {"CONNECT"});
  REQUIRE(r.responses.size() == 1);
  CHECK(r.paused);
  CHECK(r.rest == "tunnel bytes");
}

TEST_CASE("http response parser reports the end of the stream between and within responses") {
  auto clean = parse("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx", 1, true);
  CHECK(clean.responses.size() == 1);
  CHECK(clean.ended);
  auto cut_body = parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nx", 1, true);
  REQUIRE(cut_body.error);
  CHECK(cut_body.error->status == 502);
  auto cut_head = parse("HTTP/1.1 200 OK\r\nContent-Le", 1, true);
  REQUIRE(cut_head.error);
  auto cut_chunk = parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", 1, true);
  REQUIRE(cut_chunk.error);
  CHECK(parse("", 1, true).ended);
}

TEST_CASE("http response parser accepts bare LF and unfolds obs-fold from a backend") {
  auto r = parse("HTTP/1.1 200 OK\nX-Long: one\n  two\nContent-Length: 2\n\nok");
  REQUIRE(r.responses.size() == 1);
  CHECK(r.responses[0].headers.get("X-Long") == "one two");
  CHECK(r.responses[0].body == "ok");
}

TEST_CASE("http response parser answers 502 for anything malformed") {
  for (const char* bad :
       {"HTTP/1.1 20 OK\r\n\r\n", "HTTP/1.1 2000 OK\r\n\r\n", "HTTP/1.1 099 Low\r\n\r\n",
        "HTTP/1.1 600 High\r\n\r\n", "HTTP/2.0 200 OK\r\n\r\n", "HTTP/1.1  200 OK\r\n\r\n",
        "ICY 200 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", "HTTP/1.1 200 OK\r\nX : y\r\n\r\n"}) {
    auto r = parse(bad);
    REQUIRE_MESSAGE(r.error, bad);
    CHECK(r.error->status == 502);
  }
  CHECK(parse("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n").responses.at(0).reason.empty());
}

TEST_CASE("http response parser says when the connection can be reused") {
  proto::response_parser p;
  auto reusable = [&](std::string_view bytes) {
    p.feed(bytes);
    CHECK(p.poll() == http_event::head);
    CHECK(p.poll() == http_event::message);
    p.take();
    return p.keep_alive();
  };
  CHECK(!reusable("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"));
  CHECK(reusable("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n"));
  CHECK(reusable("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
  CHECK(!reusable("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"));
}

TEST_CASE("http response serialiser writes the status line, fields and Content-Length") {
  proto::response r;
  r.status = 404;
  r.headers.add("Content-Type", "text/plain");
  r.headers.add("Content-Length", "999");
  r.body = "gone";
  CHECK(proto::serialize_response(r) ==
        "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\ngone");
  CHECK(proto::serialize_response_head(r) ==
        "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 999\r\n\r\n");
  r.reason = "Elsewhere";
  CHECK(proto::serialize_response_head(r, 12) ==
        "HTTP/1.1 404 Elsewhere\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\n");
  proto::response empty;
  empty.status = 204;
  empty.body = "ignored";
  CHECK(proto::serialize_response(empty) == "HTTP/1.1 204 No Content\r\n\r\n");
}

TEST_CASE("http serialisers cannot be made to split a message by CR or LF in a value") {
  proto::response r;
  r.headers.add("X-Evil", "a\r\nSet-Cookie: x=1");
  r.reason = "OK\r\n\r\n";
  CHECK(proto::serialize_response_head(r) ==
        "HTTP/1.1 200 OK    \r\nX-Evil: a  Set-Cookie: x=1\r\n\r\n");
  proto::request q;
  q.method = "GET";
  q.target = "/a b\r\n";
  CHECK(proto::serialize_request_head(q) == "GET /a%20b%0D%0A HTTP/1.1\r\n\r\n");
}

TEST_CASE("http request serialiser output parses back to the same request") {
  proto::request q;
  q.method = "POST";
  q.path = "/a b/c";
  q.query = "x=1";
  q.headers.add("Host", "example.com");
  q.headers.add("Transfer-Encoding", "chunked");
  q.body = "payload";
  auto bytes = proto::serialize_request(q);
  CHECK(bytes ==
        "POST /a%20b/c?x=1 HTTP/1.1\r\nHost: example.com\r\nContent-Length: 7\r\n\r\npayload");
  proto::request_parser p;
  p.feed(bytes);
  CHECK(p.poll() == http_event::head);
  REQUIRE(p.poll() == http_event::message);
  auto back = p.take();
  CHECK(back.path == q.path);
  CHECK(back.query == q.query);
  CHECK(back.body == q.body);
  proto::request get;
  get.method = "GET";
  get.target = "/";
  CHECK(proto::serialize_request(get) == "GET / HTTP/1.1\r\n\r\n");
  get.method = "PUT";
  CHECK(proto::serialize_request(get) == "PUT / HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
}

TEST_CASE("http chunk serialisers produce what the parser reads") {
  CHECK(proto::serialize_chunk("hello world, hello") == "12\r\nhello world, hello\r\n");
  CHECK(proto::serialize_chunk("").empty());
  proto::header_list trailers;
  trailers.add("X-Sum", "9");
  CHECK(proto::serialize_last_chunk() == "0\r\n\r\n");
  CHECK(proto::serialize_last_chunk(trailers) == "0\r\nX-Sum: 9\r\n\r\n");
  std::string in = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" +
                   proto::serialize_chunk(std::string(300, 'z')) + proto::serialize_chunk("!") +
                   proto::serialize_last_chunk(trailers);
  auto r = parse(in, 7);
  REQUIRE(r.responses.size() == 1);
  CHECK(r.responses[0].body == std::string(300, 'z') + "!");
}

TEST_CASE("http dates format as IMF-fixdate") {
  CHECK(proto::format_http_date(at(1994, 11, 6, 8, 49, 37)) == "Sun, 06 Nov 1994 08:49:37 GMT");
  CHECK(proto::format_http_date(at(2024, 2, 29, 23, 59, 59) + 999ms) ==
        "Thu, 29 Feb 2024 23:59:59 GMT");
  CHECK(proto::format_http_date(at(1969, 12, 31, 0, 0, 0)) == "Wed, 31 Dec 1969 00:00:00 GMT");
}

TEST_CASE("http dates parse in all three forms recipients must accept") {
  auto expected = at(1994, 11, 6, 8, 49, 37);
  CHECK(proto::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == expected);
  CHECK(proto::parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT", at(2025, 1, 1, 0, 0, 0)) ==
        expected);
  CHECK(proto::parse_http_date("Sun Nov  6 08:49:37 1994") == expected);
  CHECK(proto::parse_http_date("Sun Nov 16 08:49:37 1994") == expected + days{10});
  auto t = at(2031, 5, 4, 3, 2, 1);
  CHECK(proto::parse_http_date(proto::format_http_date(t)) == t);
}

TEST_CASE("http dates read a two-digit year as at most 50 years ahead") {
  auto now = at(2025, 6, 1, 0, 0, 0);
  CHECK(proto::parse_http_date("Monday, 01-Jan-75 00:00:00 GMT", now) == at(2075, 1, 1, 0, 0, 0));
  CHECK(proto::parse_http_date("Monday, 01-Jan-76 00:00:00 GMT", now) == at(1976, 1, 1, 0, 0, 0));
  CHECK(proto::parse_http_date("Monday, 01-Jan-10 00:00:00 GMT", at(2090, 1, 1, 0, 0, 0)) ==
        at(2110, 1, 1, 0, 0, 0));
}

TEST_CASE("http dates refuse malformed text and impossible dates") {
  for (const char* bad : {"", "Sun, 06 Nov 1994 08:49:37", "Sun, 06 Nov 1994 08:49:37 UTC",
                          "sun, 06 Nov 1994 08:49:37 GMT", "Sun, 6 Nov 1994 08:49:37 GMT",
                          "Sun, 06 nov 1994 08:49:37 GMT", "Sun, 31 Feb 1994 08:49:37 GMT",
                          "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Nov 1994 08:60:00 GMT",
                          "Sun, 06 Nov 1994 08:49:37 GMT ", "Sun, 06-Nov-94 08:49:37 GMT",
                          "Sunday, 06 Nov 1994 08:49:37 GMT", "Sun Nov 6 08:49:37 1994",
                          "Sun, 06 Nov 19x4 08:49:37 GMT"})
    CHECK_MESSAGE(!proto::parse_http_date(bad), bad);
}

TEST_CASE("http dates outside what the clock can hold are refused, not overflowed") {
  CHECK_FALSE(proto::parse_http_date("Sun Nov  6 08:49:37 7994"));
  CHECK_FALSE(proto::parse_http_date("Sat, 01 Jan 9999 00:00:00 GMT"));
  CHECK(proto::parse_http_date("Fri, 31 Dec 2260 23:59:59 GMT"));
}
