// HTTP/1.1 request parsing: framing, pipelining, smuggling defences, limits and their statuses.
#include "proto/http1/parser.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

using proto::http_event;

namespace {

struct parsed {
  std::vector<proto::request> requests;
  std::optional<proto::http_error> error;
  bool paused = false;
  std::string rest;  // bytes after a pause
};

// Feeds `bytes` in pieces of `step` bytes, collecting every request until an error or a pause.
parsed parse(std::string_view bytes, std::size_t step = std::string_view::npos,
             proto::http_limits limits = {}) {
  proto::request_parser p(limits);
  parsed out;
  for (std::size_t at = 0; at < bytes.size(); at += step) {
    p.feed(bytes.substr(at, step));
    for (auto ev = p.poll(); ev != http_event::need_more; ev = p.poll()) {
      if (ev == http_event::message) {
        out.requests.push_back(p.take());
      } else if (ev == http_event::error) {
        out.error = p.error();
        return out;
      } else if (ev == http_event::paused) {
        out.paused = true;
        out.rest = p.take_buffered();
        if (step < bytes.size() - at) out.rest += bytes.substr(at + step);
        return out;
      }
    }
  }
  return out;
}

int status_of(std::string_view bytes, proto::http_limits limits = {}) {
  auto whole = parse(bytes, std::string_view::npos, limits);
  auto bytewise = parse(bytes, 1, limits);
  // Where the input is cut must never change the verdict.
  CHECK(whole.error.has_value() == bytewise.error.has_value());
  if (!whole.error || !bytewise.error) return 0;
  CHECK(whole.error->status == bytewise.error->status);
  return whole.error->status;
}

bool same(const proto::request& a, const proto::request& b) {
  return a.method == b.method && a.target == b.target && a.path == b.path && a.query == b.query &&
         a.version_minor == b.version_minor && a.headers.fields() == b.headers.fields() &&
         a.body == b.body;
}

const std::string post_chunked =
    "POST /upload HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
    "5;name=value;flag\r\nhello\r\n6\r\n world\r\n0\r\nX-Checksum: 1\r\n\r\n";

}  // namespace

TEST_CASE("http request parser reads a GET with its headers, path and query") {
  auto r = parse("GET /a%20b/c?x=1&y=%41 HTTP/1.1\r\nHost: example.com\r\nAccept:  */* \r\n\r\n");
  REQUIRE(r.requests.size() == 1);
  auto& q = r.requests[0];
  CHECK(q.method == "GET");
  CHECK(q.target == "/a%20b/c?x=1&y=%41");
  CHECK(q.path == "/a b/c");
  CHECK(q.query == "x=1&y=%41");
  CHECK(q.version_minor == 1);
  CHECK(q.headers.get("host") == "example.com");
  CHECK(q.headers.get("Accept") == "*/*");
  CHECK(q.body.empty());
}

TEST_CASE("http request parser gives the same requests fed whole or one byte at a time") {
  std::string in = "POST /f HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world" +
                   post_chunked + "GET /g HTTP/1.0\r\n\r\n";
  auto whole = parse(in), bytewise = parse(in, 1), threes = parse(in, 3);
  REQUIRE(whole.requests.size() == 3);
  REQUIRE(bytewise.requests.size() == 3);
  REQUIRE(threes.requests.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(same(whole.requests[i], bytewise.requests[i]));
    CHECK(same(whole.requests[i], threes.requests[i]));
  }
  CHECK(whole.requests[0].body == "hello world");
  CHECK(whole.requests[2].version_minor == 0);
}

TEST_CASE("http request parser reads pipelined requests from one chunk") {
  auto r = parse(
      "GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n"
      "DELETE /3 HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nok");
  REQUIRE(r.requests.size() == 3);
  CHECK(r.requests[0].path == "/1");
  CHECK(r.requests[1].path == "/2");
  CHECK(r.requests[2].method == "DELETE");
  CHECK(r.requests[2].body == "ok");
  CHECK(!r.error);
}

TEST_CASE("http request parser decodes a chunked body with extensions and drops trailers") {
  auto r = parse(post_chunked);
  REQUIRE(r.requests.size() == 1);
  CHECK(r.requests[0].body == "hello world");
  CHECK(!r.requests[0].headers.contains("X-Checksum"));
}

TEST_CASE("http request parser reports the head before the body arrives, for 100-continue") {
  proto::request_parser p;
  p.feed("PUT /big HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
  REQUIRE(p.poll() == http_event::head);
  CHECK(proto::expects_continue(p.current()));
  CHECK(p.current().path == "/big");
  CHECK(p.poll() == http_event::need_more);
  p.feed("da");
  CHECK(p.poll() == http_event::need_more);
  p.feed("ta");
  REQUIRE(p.poll() == http_event::message);
  CHECK(p.poll() == http_event::message);  // until taken
  CHECK(p.take().body == "data");
  CHECK(p.poll() == http_event::need_more);
}

TEST_CASE("http request parser ignores 100-continue from an HTTP/1.0 client") {
  auto r = parse("PUT / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n");
  REQUIRE(r.requests.size() == 1);
  CHECK(!proto::expects_continue(r.requests[0]));
}

TEST_CASE("http request parser skips empty lines before a request line") {
  auto r = parse("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n");
  CHECK(r.requests.size() == 2);
}

TEST_CASE("http request parser refuses framing a proxy could read differently (smuggling)") {
  auto head = [](std::string_view fields) {
    return "POST / HTTP/1.1\r\nHost: h\r\n" + std::string(fields) + "\r\n0\r\n\r\n";
  };
  CHECK(status_of(head("Content-Length: 3\r\nTransfer-Encoding: chunked\r\n")) == 400);
  CHECK(status_of(head("Transfer-Encoding: chunked\r\nContent-Length: 3\r\n")) == 400);
  CHECK(status_of(head("Content-Length: 3\r\nContent-Length: 3\r\n")) == 400);
  CHECK(status_of(head("Content-Length: 3\r\nContent-Length: 4\r\n")) == 400);
  CHECK(status_of(head("Content-Length: 3, 3\r\n")) == 400);
  for (const char* bad : {"+3", "-1", "0x3", "3 3", "", "3a"})
    CHECK_MESSAGE(status_of(head(std::string("Content-Length: ") + bad + "\r\n")) == 400, bad);
  CHECK(status_of(head("Transfer-Encoding: chunked, chunked\r\n")) == 400);
  CHECK(status_of(head("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n")) == 400);
  CHECK(status_of(head("Transfer-Encoding: ,\r\n")) == 400);
  CHECK(status_of("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") == 400);
}

TEST_CASE("http request parser answers 501 to a transfer coding it does not implement") {
  auto te = [](std::string_view v) {
    return "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: " + std::string(v) + "\r\n\r\n";
  };
  CHECK(status_of(te("gzip, chunked")) == 501);
  CHECK(status_of(te("identity")) == 501);
  CHECK(status_of(te("chunked;q=1")) == 501);
  auto ok = parse(te(" Chunked ") + "0\r\n\r\n");
  CHECK(ok.requests.size() == 1);
}

TEST_CASE("http request parser refuses obs-fold, whitespace before a colon and bad fields") {
  auto with = [](std::string_view line) {
    return "GET / HTTP/1.1\r\nHost: h\r\n" + std::string(line) + "\r\n\r\n";
  };
  CHECK(status_of(with("X-A: 1\r\n  folded")) == 400);
  CHECK(status_of(with("X-A: 1\r\n\tfolded")) == 400);
  CHECK(status_of(with("X-A : 1")) == 400);
  CHECK(status_of(with("X-A\t: 1")) == 400);
  CHECK(status_of(with("no colon")) == 400);
  CHECK(status_of(with(": empty name")) == 400);
  CHECK(status_of(with("X(A): 1")) == 400);
  CHECK(status_of(with(std::string("X-A: a\0b", 8))) == 400);
  CHECK(status_of(with("X-A: a\x7f")) == 400);
  CHECK(parse(with("X-A: caf\xc3\xa9\t ok")).requests.at(0).headers.get("X-A") ==
        "caf\xc3\xa9\t ok");
}

TEST_CASE("http request parser refuses bare LF and bare CR line endings") {
  CHECK(status_of("GET / HTTP/1.1\nHost: h\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: h\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: h\r\n\n") == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nX: a\rb\r\nHost: h\r\n\r\n") == 400);
  CHECK(status_of(
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\nx\r\n0\r\n\r\n") ==
        400);
}

TEST_CASE("http request parser refuses malformed request lines") {
  for (const char* line :
       {"GET /", "GET / HTTP/1.1 extra", "GET  / HTTP/1.1", "G(T / HTTP/1.1", "GET / http/1.1",
        "GET / HTTP/1.10", "GET / HTTP/1", "GET a HTTP/1.1", " GET / HTTP/1.1",
        "GET /a#frag HTTP/1.1", "GET * HTTP/1.1", "CONNECT /x HTTP/1.1",
        "CONNECT example.com HTTP/1.1", "GET http:/x HTTP/1.1", "GET ://x/ HTTP/1.1"})
    CHECK_MESSAGE(status_of(std::string(line) + "\r\nHost: h\r\n\r\n") == 400, line);
}

TEST_CASE("http request parser answers 505 to versions other than HTTP/1") {
  for (const char* v : {"HTTP/2.0", "HTTP/0.9", "HTTP/3.1"})
    CHECK_MESSAGE(status_of(std::string("GET / ") + v + "\r\nHost: h\r\n\r\n") == 505, v);
}

TEST_CASE("http request parser reads a later HTTP/1 minor version as HTTP/1.1") {
  auto p = parse("GET / HTTP/1.2\r\nHost: h\r\n\r\n");
  REQUIRE(p.requests.size() == 1);
  CHECK(p.requests[0].version_minor == 1);
}

TEST_CASE("http request parser refuses a start that cannot be a method before its line ends") {
  CHECK(status_of("\x16\x03\x01\x02") == 400);  // a TLS hello sent to plain HTTP
  CHECK(status_of("G{T") == 400);
  CHECK(status_of("\r\nGE") == 0);  // could still become "GET ..."
  CHECK(status_of("GET /a") == 0);
}

TEST_CASE("http request parser refuses malformed percent-escapes and NUL in the path") {
  CHECK(status_of("GET /a%2 HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
  CHECK(status_of("GET /%zz HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
  CHECK(status_of("GET /a%00b HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
  // The query is not decoded here, so a bad escape there is the application's business.
  CHECK(parse("GET /?q=%zz HTTP/1.1\r\nHost: h\r\n\r\n").requests.size() == 1);
}

TEST_CASE("http request parser wants exactly one valid host in HTTP/1.1") {
  CHECK(status_of("GET / HTTP/1.1\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: a b\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n") == 400);
  CHECK(parse("GET / HTTP/1.0\r\n\r\n").requests.size() == 1);
  CHECK(parse("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n").requests.size() == 1);
  CHECK(parse("GET / HTTP/1.1\r\nHost:\r\n\r\n").requests.size() == 1);
}

TEST_CASE("http request parser reads absolute, authority and asterisk targets") {
  auto r = parse(
      "GET http://example.com:8080/a%2Fb?x HTTP/1.1\r\nHost: example.com\r\n\r\n"
      "GET http://example.com HTTP/1.1\r\nHost: example.com\r\n\r\n"
      "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n");
  REQUIRE(r.requests.size() == 3);
  CHECK(r.requests[0].path == "/a/b");
  CHECK(r.requests[0].query == "x");
  CHECK(r.requests[1].path == "/");
  CHECK(r.requests[2].path == "*");
}

TEST_CASE("http request parser enforces its limits with 414, 431 and 413") {
  proto::http_limits small;
  small.max_start_line = 32;
  small.max_header_bytes = 64;
  small.max_headers = 3;
  small.max_body = 10;
  std::string long_target(40, 'a');
  CHECK(status_of("GET /" + long_target + " HTTP/1.1\r\nHost: h\r\n\r\n", small) == 414);
  // Refused before the line ends: a client cannot make the parser buffer without bound.
  CHECK(parse("GET /" + long_target, std::string_view::npos, small).error->status == 414);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: h\r\nX-Long: " + std::string(60, 'x') + "\r\n\r\n",
                  small) == 431);
  CHECK(parse("GET / HTTP/1.1\r\nX: " + std::string(100, 'x'), std::string_view::npos, small)
            .error->status == 431);
  CHECK(status_of("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", small) == 431);
  CHECK(parse("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\n\r\n", 1, small).requests.size() == 1);
  CHECK(status_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n", small) == 413);
  CHECK(
      status_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n") ==
      413);
  CHECK(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "6\r\nabcdef\r\n5\r\nghijk\r\n0\r\n\r\n",
                  small) == 413);
  CHECK(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "fffffffffffffffffff\r\n") == 413);
  CHECK(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789", 1, small)
            .requests.size() == 1);
}

TEST_CASE("http request parser reports an oversized body at the head, before 100 Continue") {
  proto::http_limits small;
  small.max_body = 100;
  proto::request_parser p(small);
  p.feed("PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 101\r\n\r\n");
  CHECK(p.poll() == http_event::error);
  CHECK(p.error().status == 413);
}

TEST_CASE("http request parser refuses malformed chunked framing") {
  auto chunked = [](std::string_view body) {
    return "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" + std::string(body);
  };
  CHECK(status_of(chunked("zz\r\n")) == 400);
  CHECK(status_of(chunked(";ext\r\n")) == 400);
  CHECK(status_of(chunked("3 x\r\nabc\r\n0\r\n\r\n")) == 400);
  CHECK(status_of(chunked("3\r\nabcX\r\n0\r\n\r\n")) == 400);
  CHECK(status_of(chunked("3\r\nabc\rX0\r\n\r\n")) == 400);
  CHECK(status_of(chunked("0\r\nBad Trailer: x\r\n\r\n")) == 400);
  CHECK(parse(chunked("3 ; a=\"b c\"\r\nabc\r\n0\r\n\r\n")).requests.at(0).body == "abc");
}

TEST_CASE("http request parser stays failed after an error") {
  proto::request_parser p;
  p.feed("GET / HTTP/9.9\r\n\r\n");
  CHECK(p.poll() == http_event::error);
  p.feed("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
  CHECK(p.poll() == http_event::error);
  CHECK(p.error().status == 505);
  CHECK(p.error().message == "unsupported http version");
}

TEST_CASE("http request parser pauses after an upgrade and hands over the following bytes") {
  std::string in =
      "GET /chat HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n"
      "\r\n\x81\x85\x37\xfa";
  auto whole = parse(in), bytewise = parse(in, 1);
  for (auto* r : {&whole, &bytewise}) {
    REQUIRE(r->requests.size() == 1);
    CHECK(proto::is_upgrade(r->requests[0]));
    CHECK(r->paused);
    CHECK(r->rest == "\x81\x85\x37\xfa");
  }
}

TEST_CASE("http request parser goes on with HTTP after a declined upgrade") {
  proto::request_parser p;
  p.feed(
      "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n"
      "GET /next HTTP/1.1\r\nHost: h\r\n\r\n");
  CHECK(p.poll() == http_event::head);
  CHECK(p.poll() == http_event::message);
  p.take();
  CHECK(p.poll() == http_event::paused);
  p.resume();
  CHECK(p.poll() == http_event::head);
  CHECK(p.poll() == http_event::message);
  CHECK(p.take().path == "/next");
}

TEST_CASE("http request parser does not treat Upgrade without Connection: upgrade as one") {
  auto r = parse(
      "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n\r\n"
      "GET / HTTP/1.0\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n");
  CHECK(r.requests.size() == 2);
  CHECK(!r.paused);
}

TEST_CASE("http request parser pauses after CONNECT, whose following bytes are a tunnel") {
  auto r = parse("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n\x16\x03\x01");
  REQUIRE(r.requests.size() == 1);
  CHECK(r.requests[0].target == "example.com:443");
  CHECK(r.paused);
  CHECK(r.rest == "\x16\x03\x01");
}
