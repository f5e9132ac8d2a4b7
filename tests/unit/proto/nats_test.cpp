// The NATS client protocol: every operation from bytes written by hand, fed whole and byte by
// byte; case and blanks as nats-server takes them; payloads holding CRLF; the limits and the
// errors they give; subjects and wildcards; header blocks; and writers that the parser reads back.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "proto/buffer.hpp"
#include "proto/nats/protocol.hpp"

namespace nats = proto::nats;
using nats::op_kind;

namespace {

struct outcome {
  std::vector<nats::operation> ops;
  nats::fault failure = nats::fault::none;
};

// Feeds `in` in pieces of `step` bytes, draining after each.
outcome read(std::string_view in, std::size_t step = std::string::npos, nats::limits l = {}) {
  nats::parser p(l);
  outcome out;
  for (std::size_t at = 0; at < in.size(); at += step) {
    p.feed(in.substr(at, step));
    while (auto op = p.next()) out.ops.push_back(std::move(*op));
  }
  out.failure = p.failure();
  return out;
}

// The one operation in `in`, checked to be the same whole and byte by byte.
nats::operation one(std::string_view in) {
  auto whole = read(in);
  auto bytes = read(in, 1);
  REQUIRE(whole.failure == nats::fault::none);
  REQUIRE(whole.ops.size() == 1);
  CHECK(bytes.failure == nats::fault::none);
  REQUIRE(bytes.ops.size() == 1);
  CHECK(bytes.ops[0] == whole.ops[0]);
  return whole.ops[0];
}

nats::fault fails(std::string_view in, nats::limits l = {}) {
  auto whole = read(in, std::string::npos, l);
  auto bytes = read(in, 1, l);
  CHECK(whole.failure == bytes.failure);
  CHECK(whole.ops.size() == bytes.ops.size());
  return whole.failure;
}

}  // namespace

TEST_CASE("nats parser reads INFO and CONNECT with their JSON") {
  auto info = one("INFO {\"server_id\":\"x\",\"max_payload\":1048576,\"headers\":true}\r\n");
  CHECK(info.kind == op_kind::info);
  CHECK(info.text == "{\"server_id\":\"x\",\"max_payload\":1048576,\"headers\":true}");
  auto connect = one("CONNECT {\"verbose\":false, \"pedantic\":false}\r\n");
  CHECK(connect.kind == op_kind::connect);
  CHECK(connect.text == "{\"verbose\":false, \"pedantic\":false}");
}

TEST_CASE("nats parser reads PUB with and without a reply subject") {
  auto p = one("PUB foo.bar 5\r\nhello\r\n");
  CHECK(p.kind == op_kind::pub);
  CHECK(p.subject == "foo.bar");
  CHECK(p.reply.empty());
  CHECK(p.payload == "hello");
  auto r = one("PUB foo _INBOX.1 0\r\n\r\n");
  CHECK(r.subject == "foo");
  CHECK(r.reply == "_INBOX.1");
  CHECK(r.payload.empty());
}

TEST_CASE("nats parser reads HPUB and splits headers from payload") {
  auto h = one("HPUB foo reply 18 22\r\nNATS/1.0\r\nA: b\r\n\r\nbody\r\n");
  CHECK(h.kind == op_kind::hpub);
  CHECK(h.subject == "foo");
  CHECK(h.reply == "reply");
  CHECK(h.headers == "NATS/1.0\r\nA: b\r\n\r\n");
  CHECK(h.payload == "body");
  auto n = one("HPUB foo 12 12\r\nNATS/1.0\r\n\r\n\r\n");
  CHECK(n.reply.empty());
  CHECK(n.payload.empty());
}

TEST_CASE("nats parser reads SUB with and without a queue group, and UNSUB with and without max") {
  auto s = one("SUB foo.* 1\r\n");
  CHECK(s.kind == op_kind::sub);
  CHECK(s.subject == "foo.*");
  CHECK(s.queue.empty());
  CHECK(s.sid == "1");
  auto q = one("SUB foo.> workers 22\r\n");
  CHECK(q.queue == "workers");
  CHECK(q.sid == "22");
  auto u = one("UNSUB 1\r\n");
  CHECK(u.kind == op_kind::unsub);
  CHECK(u.sid == "1");
  CHECK(!u.max_msgs);
  auto m = one("UNSUB 1 5\r\n");
  CHECK(m.max_msgs == 5u);
}

TEST_CASE("nats parser reads MSG and HMSG as a client gets them") {
  auto m = one("MSG foo.bar 9 11\r\nHello World\r\n");
  CHECK(m.kind == op_kind::msg);
  CHECK(m.subject == "foo.bar");
  CHECK(m.sid == "9");
  CHECK(m.reply.empty());
  CHECK(m.payload == "Hello World");
  auto r = one("MSG foo.bar 9 GREETING.34 11\r\nHello World\r\n");
  CHECK(r.reply == "GREETING.34");
  auto h = one("HMSG _INBOX.x 2 16 16\r\nNATS/1.0 503\r\n\r\n\r\n");
  CHECK(h.kind == op_kind::hmsg);
  CHECK(h.sid == "2");
  CHECK(h.headers == "NATS/1.0 503\r\n\r\n");
  CHECK(h.payload.empty());
  auto hr = one("HMSG foo 3 bar 12 14\r\nNATS/1.0\r\n\r\nhi\r\n");
  CHECK(hr.reply == "bar");
  CHECK(hr.payload == "hi");
}

TEST_CASE("nats parser reads PING, PONG, +OK and -ERR") {
  CHECK(one("PING\r\n").kind == op_kind::ping);
  CHECK(one("PONG\r\n").kind == op_kind::pong);
  CHECK(one("+OK\r\n").kind == op_kind::ok);
  auto e = one("-ERR 'Unknown Protocol Operation'\r\n");
  CHECK(e.kind == op_kind::err);
  CHECK(e.text == "Unknown Protocol Operation");
  CHECK(one("-ERR 'Permissions Violation for Publish to foo'\r\n").text ==
        "Permissions Violation for Publish to foo");
}

TEST_CASE("nats parser takes operation names in any case and blanks as runs of spaces and tabs") {
  auto p = one("pub\tfoo  \t bar   3 \r\nabc\r\n");
  CHECK(p.kind == op_kind::pub);
  CHECK(p.subject == "foo");
  CHECK(p.reply == "bar");
  CHECK(p.payload == "abc");
  CHECK(one("PiNg\r\n").kind == op_kind::ping);
  CHECK(one("hpub a 12 12\r\nNATS/1.0\r\n\r\n\r\n").kind == op_kind::hpub);
  CHECK(one("Sub a q 1\r\n").queue == "q");
  CHECK(one("+ok\r\n").kind == op_kind::ok);
  CHECK(one("-err 'x'\r\n").text == "x");
  // Arguments keep their case: subjects are case-sensitive.
  CHECK(one("sub Foo.BAR 1\r\n").subject == "Foo.BAR");
}

TEST_CASE("nats parser ends control lines at a bare LF too, but not a payload") {
  auto r = read("PING\nSUB a 1\nPUB a 2\nhi\r\n");
  REQUIRE(r.failure == nats::fault::none);
  REQUIRE(r.ops.size() == 3);
  CHECK(r.ops[2].payload == "hi");
  CHECK(fails("PUB a 2\nhi\nPING\r\n") == nats::fault::unknown_operation);
}

TEST_CASE("nats parser skips empty lines between operations") {
  auto r = read("\r\nPING\r\n\r\n\nPONG\r\n", 1);
  REQUIRE(r.ops.size() == 2);
  CHECK(r.failure == nats::fault::none);
}

TEST_CASE("nats payloads may hold CRLF and look like operations") {
  const std::string body = "PING\r\nPUB x 1\r\n\r\n";
  auto p = one("PUB foo " + std::to_string(body.size()) + "\r\n" + body + "\r\n");
  CHECK(p.payload == body);
}

TEST_CASE("nats parser reads several operations at every split") {
  const std::string in =
      "CONNECT {}\r\nSUB a.* q 1\r\nPUB a.b r 3\r\nx\r\n\r\n"
      "HPUB a.c 12 14\r\nNATS/1.0\r\n\r\nok\r\nUNSUB 1 10\r\nPING\r\n";
  auto whole = read(in);
  REQUIRE(whole.ops.size() == 6);
  CHECK(whole.ops[2].payload == "x\r\n");
  for (std::size_t cut = 0; cut <= in.size(); ++cut) {
    nats::parser p;
    std::vector<nats::operation> ops;
    p.feed(std::string_view(in).substr(0, cut));
    while (auto op = p.next()) ops.push_back(*op);
    p.feed(std::string_view(in).substr(cut));
    while (auto op = p.next()) ops.push_back(*op);
    CHECK(ops == whole.ops);
    CHECK(p.pending() == 0);
  }
}

TEST_CASE("nats parser refuses a control line over max_control_line") {
  const nats::limits l{.max_control_line = 16, .max_payload = 1024};
  // 16 bytes is the limit, not counting CRLF.
  CHECK(fails("SUB aaaaaaaaaa 1\r\n", l) == nats::fault::none);
  CHECK(fails("SUB aaaaaaaaaaa 1\r\n", l) == nats::fault::max_control_line);
  // Refused without waiting for the line's end.
  CHECK(fails("SUB aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", l) == nats::fault::max_control_line);
  // 4097 bytes could still be 4096 and a CR; the next byte decides.
  CHECK(fails(std::string(4097, 'A')) == nats::fault::none);
  CHECK(fails(std::string(4098, 'A')) == nats::fault::max_control_line);
  CHECK(fails("PUB " + std::string(4090, 'a') + " 0\r\n\r\n") == nats::fault::none);
  CHECK(fails("PUB " + std::string(4091, 'a') + " 0\r\n\r\n") == nats::fault::max_control_line);
  CHECK(nats::error_text(nats::fault::max_control_line) == "maximum control line exceeded");
}

TEST_CASE("nats parser refuses a payload over max_payload before it arrives") {
  const nats::limits l{.max_control_line = 4096, .max_payload = 8};
  CHECK(fails("PUB a 8\r\n12345678\r\n", l) == nats::fault::none);
  nats::parser p(l);
  p.feed("PUB a 9\r\n");
  CHECK(!p.next());
  CHECK(p.failure() == nats::fault::max_payload);
  CHECK(fails("HPUB a 12 9\r\n", l) == nats::fault::max_payload);
  CHECK(fails("MSG a 1 9\r\n", l) == nats::fault::max_payload);
  CHECK(fails("PUB a 1048577\r\n") == nats::fault::max_payload);
  CHECK(fails("PUB a 99999999999999999999999\r\n") == nats::fault::parser_error);
  CHECK(nats::error_text(nats::fault::max_payload) == "Maximum Payload Violation");
}

TEST_CASE("nats parser refuses header bytes over the total") {
  CHECK(fails("HPUB a 13 12\r\nNATS/1.0\r\n\r\n\r\n") == nats::fault::parser_error);
  CHECK(fails("HMSG a 1 13 12\r\nNATS/1.0\r\n\r\n\r\n") == nats::fault::parser_error);
}

TEST_CASE("nats parser refuses unknown operations and malformed arguments") {
  CHECK(fails("FOO bar\r\n") == nats::fault::unknown_operation);
  CHECK(fails("PINGX\r\n") == nats::fault::unknown_operation);
  CHECK(fails(" PING\r\n") == nats::fault::unknown_operation);
  CHECK(fails("GET / HTTP/1.1\r\n") == nats::fault::unknown_operation);
  CHECK(fails("PUB a\r\n") == nats::fault::parser_error);
  CHECK(fails("PUB a b c 1\r\n") == nats::fault::parser_error);
  CHECK(fails("PUB a -1\r\n") == nats::fault::parser_error);
  CHECK(fails("PUB a 1x\r\n") == nats::fault::parser_error);
  CHECK(fails("PUB a 2\r\nhix\r\n") == nats::fault::unknown_operation);
  CHECK(fails("SUB a\r\n") == nats::fault::parser_error);
  CHECK(fails("UNSUB\r\n") == nats::fault::parser_error);
  CHECK(fails("UNSUB 1 x\r\n") == nats::fault::parser_error);
  CHECK(fails("MSG a 1\r\n") == nats::fault::parser_error);
  CHECK(fails("HMSG a 1 2\r\n") == nats::fault::parser_error);
  CHECK(fails("CONNECT\r\n") == nats::fault::parser_error);
  CHECK(fails("PING now\r\n") == nats::fault::parser_error);
  CHECK(nats::error_text(nats::fault::unknown_operation) == "Unknown Protocol Operation");
  CHECK(nats::error_text(nats::fault::parser_error) == "Parser Error");
}

TEST_CASE("nats parser stops at a fatal error and keeps what came before") {
  nats::parser p;
  p.feed("PING\r\nBOGUS\r\nPONG\r\n");
  CHECK(p.next()->kind == op_kind::ping);
  CHECK(!p.next());
  CHECK(p.failure() == nats::fault::unknown_operation);
  p.feed("PONG\r\n");
  CHECK(!p.next());
  CHECK(p.pending() == 0);
}

TEST_CASE("nats subjects: tokens, blanks and wildcards") {
  struct row {
    const char* subject;
    bool literal;  // valid without wildcards
    bool pattern;  // valid with wildcards
  };
  const row rows[] = {
      {"foo", true, true},       {"foo.bar.baz", true, true}, {"FOO.bar-1_x$", true, true},
      {"foo.*", false, true},    {"*", false, true},          {">", false, true},
      {"foo.>", false, true},    {"*.*.>", false, true},      {"foo.>.bar", false, false},
      {"foo>", false, false},    {"f*o", false, false},       {"", false, false},
      {".foo", false, false},    {"foo.", false, false},      {"foo..bar", false, false},
      {"foo bar", false, false}, {"foo\tbar", false, false},  {"foo\r", false, false},
      {"a.\nb", false, false},   {".", false, false},         {"a.**", false, false},
  };
  for (const auto& r : rows) {
    CAPTURE(r.subject);
    CHECK(nats::valid_subject(r.subject, false) == r.literal);
    CHECK(nats::valid_subject(r.subject, true) == r.pattern);
  }
}

TEST_CASE("nats wildcard matching: '*' is one token, '>' one or more at the end") {
  struct row {
    const char* pattern;
    const char* subject;
    bool matches;
  };
  const row rows[] = {
      {"foo", "foo", true},
      {"foo", "bar", false},
      {"foo", "foo.bar", false},
      {"foo.bar", "foo", false},
      {"foo.*", "foo.bar", true},
      {"foo.*", "foo", false},
      {"foo.*", "foo.bar.baz", false},
      {"*.bar", "foo.bar", true},
      {"*.*", "a.b", true},
      {"foo.>", "foo.bar", true},
      {"foo.>", "foo.bar.baz", true},
      {"foo.>", "foo", false},
      {">", "foo", true},
      {">", "a.b.c", true},
      {"*", "a.b", false},
      {"foo.*.baz", "foo.x.baz", true},
      {"foo.*.baz", "foo.x.y", false},
      {"a.*.>", "a.b", false},
      {"a.*.>", "a.b.c.d", true},
      {"Foo", "foo", false},
  };
  for (const auto& r : rows) {
    CAPTURE(r.pattern);
    CAPTURE(r.subject);
    CHECK(nats::subject_matches(r.pattern, r.subject) == r.matches);
  }
}

TEST_CASE("nats headers: a block with fields, with a status, and refused shapes") {
  auto h =
      nats::parse_headers("NATS/1.0\r\nContent-Type: text/plain\r\nX-Id:  7 \r\nX-Id: 8\r\n\r\n");
  REQUIRE(h);
  CHECK(h->status == 0);
  CHECK(h->description.empty());
  REQUIRE(h->fields.size() == 3);
  CHECK(h->fields[0] == std::pair<std::string, std::string>{"Content-Type", "text/plain"});
  CHECK(h->fields[1].second == "7");
  CHECK(h->fields[2].second == "8");

  auto nr = nats::parse_headers("NATS/1.0 503\r\n\r\n");
  REQUIRE(nr);
  CHECK(nr->status == 503);
  CHECK(nr->fields.empty());
  auto st = nats::parse_headers("NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 1\r\n\r\n");
  REQUIRE(st);
  CHECK(st->status == 408);
  CHECK(st->description == "Request Timeout");
  CHECK(st->fields.size() == 1);

  CHECK(!nats::parse_headers(""));
  CHECK(!nats::parse_headers("NATS/1.0\r\n"));
  CHECK(!nats::parse_headers("HTTP/1.1\r\n\r\n"));
  CHECK(!nats::parse_headers("NATS/1.0\r\nno colon\r\n\r\n"));
  CHECK(!nats::parse_headers("NATS/1.0\r\n: v\r\n\r\n"));
  CHECK(!nats::parse_headers("NATS/1.0\r\nA B: v\r\n\r\n"));
  CHECK(!nats::parse_headers("NATS/1.0 50\r\n\r\n"));
  CHECK(!nats::parse_headers("NATS/1.0 5034\r\n\r\n"));
  CHECK(!nats::parse_headers("NATS/1.0X\r\n\r\n"));
  CHECK(!nats::parse_headers("NATS/1.0\r\nA: b\nc\r\n\r\n"));
  CHECK(!nats::parse_headers("NATS/1.0\r\n\r\nextra"));
}

TEST_CASE("nats headers written read back the same") {
  const nats::headers cases[] = {
      {},
      {.status = 503},
      {.status = 408, .description = "Request Timeout"},
      {.fields = {{"a", "1"}, {"B-c", "two words"}, {"a", ""}}},
      {.status = 100, .description = "Idle Heartbeat", .fields = {{"Nats-Last-Consumer", "5"}}},
  };
  CHECK(nats::write_headers({.fields = {{"a", "1"}}}) == "NATS/1.0\r\na: 1\r\n\r\n");
  CHECK(nats::write_headers({.status = 503}) == "NATS/1.0 503\r\n\r\n");
  for (const auto& h : cases) CHECK(nats::parse_headers(nats::write_headers(h)) == h);
}

TEST_CASE("nats writers make the bytes the protocol documents") {
  CHECK(nats::write_pub("foo", "", "hi") == "PUB foo 2\r\nhi\r\n");
  CHECK(nats::write_pub("foo", "r", "") == "PUB foo r 0\r\n\r\n");
  CHECK(nats::write_hpub("foo", "", "NATS/1.0\r\n\r\n", "x") ==
        "HPUB foo 12 13\r\nNATS/1.0\r\n\r\nx\r\n");
  CHECK(nats::write_sub("foo", "", "1") == "SUB foo 1\r\n");
  CHECK(nats::write_sub("foo", "q", "1") == "SUB foo q 1\r\n");
  CHECK(nats::write_unsub("1") == "UNSUB 1\r\n");
  CHECK(nats::write_unsub("1", 5) == "UNSUB 1 5\r\n");
  CHECK(nats::write_msg("foo", "9", "", "Hello") == "MSG foo 9 5\r\nHello\r\n");
  CHECK(nats::write_hmsg("foo", "9", "r", "NATS/1.0 503\r\n\r\n", "") ==
        "HMSG foo 9 r 16 16\r\nNATS/1.0 503\r\n\r\n\r\n");
  CHECK(nats::write_info("{}") == "INFO {}\r\n");
  CHECK(nats::write_connect("{\"verbose\":false}") == "CONNECT {\"verbose\":false}\r\n");
  CHECK(nats::write_ping() == "PING\r\n");
  CHECK(nats::write_pong() == "PONG\r\n");
  CHECK(nats::write_ok() == "+OK\r\n");
  CHECK(nats::write_err("Invalid Subject") == "-ERR 'Invalid Subject'\r\n");
}

TEST_CASE("nats operations written read back the same") {
  const std::string hdr = nats::write_headers({.status = 503, .fields = {{"K", "v"}}});
  const nats::operation ops[] = {
      {.kind = op_kind::info, .text = "{\"max_payload\":1048576}"},
      {.kind = op_kind::connect, .text = "{\"headers\":true,\"no_responders\":true}"},
      {.kind = op_kind::pub, .subject = "a.b", .payload = "x\r\ny"},
      {.kind = op_kind::pub, .subject = "a.b", .reply = "_INBOX.1"},
      {.kind = op_kind::hpub, .subject = "a", .reply = "r", .headers = hdr, .payload = "p"},
      {.kind = op_kind::sub, .subject = "a.>", .sid = "1"},
      {.kind = op_kind::sub, .subject = "a.*", .queue = "g", .sid = "2"},
      {.kind = op_kind::unsub, .sid = "2"},
      {.kind = op_kind::unsub, .sid = "2", .max_msgs = 18446744073709551615u},
      {.kind = op_kind::msg, .subject = "a", .sid = "1", .payload = std::string("\0\xff", 2)},
      {.kind = op_kind::msg, .subject = "a", .reply = "r", .sid = "1"},
      {.kind = op_kind::hmsg, .subject = "a", .sid = "1", .headers = hdr},
      {.kind = op_kind::hmsg,
       .subject = "a",
       .reply = "r",
       .sid = "1",
       .headers = hdr,
       .payload = "q"},
      {.kind = op_kind::ping},
      {.kind = op_kind::pong},
      {.kind = op_kind::ok},
      {.kind = op_kind::err, .text = "Maximum Payload Violation"},
      {.kind = op_kind::err, .text = ""},
      {.kind = op_kind::err, .text = "'quoted'"},
  };
  std::string all;
  for (const auto& op : ops) nats::write(op, all);
  auto back = read(all);
  CHECK(back.failure == nats::fault::none);
  REQUIRE(back.ops.size() == std::size(ops));
  for (std::size_t i = 0; i < back.ops.size(); ++i) CHECK(back.ops[i] == ops[i]);
  CHECK(read(all, 1).ops == back.ops);
}

TEST_CASE("append_compacting drops what was read once it is half the buffer") {
  std::string b = "abcd";
  std::size_t pos = 1;
  CHECK(proto::append_compacting(b, pos, "e") == 0);
  CHECK(b == "abcde");
  pos = 3;
  CHECK(proto::append_compacting(b, pos, "f") == 3);
  CHECK(b == "def");
  CHECK(pos == 0);
}
