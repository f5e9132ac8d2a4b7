// The Redis protocol: every RESP2 and RESP3 type from bytes written by hand (the byte forms
// checked against redis-server 7.0's replies), fed whole and byte by byte; nested aggregates,
// attributes, pushes and pub/sub; the limits and malformed input with the faults they give;
// writers that the parser reads back; and redis-cli's rendering.
#include "proto/resp/resp.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

namespace resp = proto::resp;
using resp::kind;
using namespace std::string_literals;

namespace {

struct outcome {
  std::vector<resp::value> values;
  resp::fault failure = resp::fault::none;
};

// Feeds `in` in pieces of `step` bytes, draining after each.
outcome read(std::string_view in, std::size_t step = std::string::npos, resp::limits l = {}) {
  resp::parser p(l);
  outcome out;
  for (std::size_t at = 0; at < in.size(); at += step) {
    p.feed(in.substr(at, step));
    while (auto v = p.next()) out.values.push_back(std::move(*v));
  }
  out.failure = p.failure();
  return out;
}

// The one value in `in`, checked to be the same whole and byte by byte, and written back as the
// same bytes when `canonical`.
resp::value one(std::string_view in, bool canonical = true) {
  auto whole = read(in);
  auto bytes = read(in, 1);
  REQUIRE(whole.failure == resp::fault::none);
  REQUIRE(whole.values.size() == 1);
  CHECK(bytes.failure == resp::fault::none);
  REQUIRE(bytes.values.size() == 1);
  CHECK(bytes.values[0] == whole.values[0]);
  if (canonical) CHECK(resp::write(whole.values[0]) == in);
  return whole.values[0];
}

resp::fault fails(std::string_view in, resp::limits l = {}) {
  auto whole = read(in, std::string::npos, l);
  auto bytes = read(in, 1, l);
  CHECK(whole.failure == bytes.failure);
  CHECK(whole.values.size() == bytes.values.size());
  return whole.failure;
}

resp::value bulk(std::string s) {
  return {.type = kind::bulk_string, .text = std::move(s)};
}

resp::value number(std::int64_t n) {
  return {.type = kind::integer, .integer = n};
}

}  // namespace

TEST_CASE("resp parser reads simple strings, errors and integers") {
  auto ok = one("+OK\r\n");
  CHECK(ok.type == kind::simple_string);
  CHECK(ok.text == "OK");
  CHECK(one("+\r\n").text.empty());
  auto err = one("-ERR unknown command 'BOGUS', with args beginning with: \r\n");
  CHECK(err.type == kind::error);
  CHECK(err.text == "ERR unknown command 'BOGUS', with args beginning with: ");
  CHECK(one(":12345\r\n").integer == 12345);
  CHECK(one(":-9223372036854775808\r\n").integer == INT64_MIN);
  CHECK(one(":9223372036854775807\r\n").integer == INT64_MAX);
  CHECK(one(":+7\r\n", false).integer == 7);
  CHECK(one(":0\r\n").type == kind::integer);
}

TEST_CASE("resp parser reads bulk strings holding any bytes, and the RESP2 nulls") {
  auto s = one("$11\r\nHello World\r\n");
  CHECK(s.type == kind::bulk_string);
  CHECK(s.text == "Hello World");
  CHECK(one("$0\r\n\r\n").text.empty());
  CHECK(one("$6\r\n\r\n*1\r\n\r\n").text == "\r\n*1\r\n");
  CHECK(one("$3\r\n\0\xff\n\r\n"s).text == "\0\xff\n"s);
  auto nb = one("$-1\r\n");
  CHECK(nb.type == kind::null_bulk_string);
  CHECK(nb.is_null());
  auto na = one("*-1\r\n");
  CHECK(na.type == kind::null_array);
  CHECK(na.is_null());
}

TEST_CASE("resp parser reads the RESP3 scalars") {
  auto n = one("_\r\n");
  CHECK(n.type == kind::null);
  CHECK(n.is_null());
  CHECK(!one("$0\r\n\r\n").is_null());
  auto t = one("#t\r\n");
  CHECK(t.type == kind::boolean);
  CHECK(t.boolean);
  CHECK(!one("#f\r\n").boolean);
  auto d = one(",3.141\r\n");
  CHECK(d.type == kind::double_number);
  CHECK(d.text == "3.141");
  CHECK(d.as_double() == doctest::Approx(3.141));
  CHECK(one(",1.0000000000000001e+300\r\n").as_double() == doctest::Approx(1e300));
  CHECK(one(",10\r\n").as_double() == 10);
  CHECK(one(",-1.5E-3\r\n").as_double() == doctest::Approx(-0.0015));
  CHECK(one(",inf\r\n").as_double() == INFINITY);
  CHECK(one(",-inf\r\n").as_double() == -INFINITY);
  CHECK(std::isnan(one(",nan\r\n").as_double()));
  CHECK(std::isnan(one(",-nan\r\n").as_double()));
  auto big = one("(1234567999999999999999999999999999999\r\n");
  CHECK(big.type == kind::big_number);
  CHECK(big.text == "1234567999999999999999999999999999999");
  CHECK(one("(-12\r\n").text == "-12");
  auto be = one("!21\r\nSYNTAX invalid syntax\r\n");
  CHECK(be.type == kind::bulk_error);
  CHECK(be.text == "SYNTAX invalid syntax");
  auto v = one("=29\r\ntxt:This is a verbatim\nstring\r\n");
  CHECK(v.type == kind::verbatim_string);
  CHECK(v.format == "txt");
  CHECK(v.text == "This is a verbatim\nstring");
  CHECK(one("=4\r\nmkd:\r\n").text.empty());
}

TEST_CASE("resp parser reads arrays, sets and maps, nested") {
  auto a = one("*3\r\n:0\r\n:1\r\n:2\r\n");
  CHECK(a.type == kind::array);
  CHECK(a.children == std::vector{number(0), number(1), number(2)});
  CHECK(one("*0\r\n").children.empty());
  auto s = one("~3\r\n:0\r\n:1\r\n:2\r\n");
  CHECK(s.type == kind::set);
  CHECK(s.children.size() == 3);
  auto m = one("%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n");
  CHECK(m.type == kind::map);
  REQUIRE(m.children.size() == 6);
  CHECK(m.children[2] == number(1));
  CHECK(m.children[3].boolean);
  CHECK(one("%0\r\n").children.empty());
  // The specification's [[1,"hello",2],false].
  auto n = one("*2\r\n*3\r\n:1\r\n$5\r\nhello\r\n:2\r\n#f\r\n");
  REQUIRE(n.children.size() == 2);
  CHECK(n.children[0].children == std::vector{number(1), bulk("hello"), number(2)});
  CHECK(n.children[1].type == kind::boolean);
  // Aggregates closing together, and a null inside.
  auto deep = one("*2\r\n*1\r\n*1\r\n%1\r\n$1\r\nk\r\n_\r\n$-1\r\n");
  CHECK(deep.children[0].children[0].children[0].children[1].type == kind::null);
  CHECK(deep.children[1].type == kind::null_bulk_string);
}

TEST_CASE("resp parser reads XREAD's reply in RESP2 and RESP3") {
  // XREAD STREAMS s 0, as redis 7.0 answers it: streams, then entries of id and fields.
  const std::string entries = "*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n";
  auto r2 = one("*1\r\n*2\r\n$1\r\ns\r\n" + entries);
  REQUIRE(r2.children.size() == 1);
  CHECK(r2.children[0].children[0] == bulk("s"));
  const auto& entry = r2.children[0].children[1].children[0];
  CHECK(entry.children[0] == bulk("1-1"));
  CHECK(entry.children[1].children == std::vector{bulk("f"), bulk("v")});
  auto r3 = one("%1\r\n$1\r\ns\r\n" + entries);
  CHECK(r3.type == kind::map);
  REQUIRE(r3.children.size() == 2);
  CHECK(r3.children[1] == r2.children[0].children[1]);
}

TEST_CASE("resp parser reads a RESP3 push, told from the reply around it") {
  // SUBSCRIBE ch, then a message, then the reply to a GET sent meanwhile.
  auto r = read(
      ">3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n"
      ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nhello\r\n"
      "$9\r\nGet-Reply\r\n",
      1);
  CHECK(r.failure == resp::fault::none);
  REQUIRE(r.values.size() == 3);
  CHECK(r.values[0].type == kind::push);
  CHECK(r.values[0].children == std::vector{bulk("subscribe"), bulk("ch"), number(1)});
  CHECK(r.values[1].type == kind::push);
  CHECK(r.values[1].children == std::vector{bulk("message"), bulk("ch"), bulk("hello")});
  CHECK(r.values[2] == bulk("Get-Reply"));
  CHECK(one(">2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n").children.size() == 2);
}

TEST_CASE("resp parser reads RESP2 pub/sub messages as plain arrays") {
  auto r = read(
      "*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n"
      "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nhello\r\n"
      "*4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\nch\r\n$2\r\nhi\r\n"
      "*2\r\n$4\r\npong\r\n$0\r\n\r\n");
  REQUIRE(r.values.size() == 4);
  for (const auto& v : r.values) CHECK(v.type == kind::array);
  CHECK(r.values[1].children[2] == bulk("hello"));
  CHECK(r.values[2].children.size() == 4);
  CHECK(r.values[3].children == std::vector{bulk("pong"), bulk("")});
}

TEST_CASE("resp attributes go to the value that follows them, at any depth") {
  // DEBUG PROTOCOL attrib, as redis 7.0 sends it.
  auto top =
      one("|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n"
          "$39\r\nSome real reply following the attribute\r\n");
  CHECK(top.type == kind::bulk_string);
  CHECK(top.text == "Some real reply following the attribute");
  REQUIRE(top.attributes.size() == 2);
  CHECK(top.attributes[0] == bulk("key-popularity"));
  CHECK(top.attributes[1].children == std::vector{bulk("key:123"), number(90)});
  // The specification's example: the third element carries {ttl:3600}; it is not counted.
  auto inner = one("*3\r\n:1\r\n:2\r\n|1\r\n+ttl\r\n:3600\r\n:3\r\n");
  REQUIRE(inner.children.size() == 3);
  CHECK(inner.children[1].attributes.empty());
  CHECK(inner.children[2].integer == 3);
  CHECK(inner.children[2].attributes ==
        std::vector<resp::value>{{.type = kind::simple_string, .text = "ttl"}, number(3600)});
  // On an aggregate, on a push, and two in a row joined (written back as one).
  auto agg = one("|1\r\n+a\r\n:1\r\n*1\r\n:2\r\n");
  CHECK(agg.attributes.size() == 2);
  CHECK(agg.children[0].attributes.empty());
  CHECK(one("|1\r\n+a\r\n:1\r\n>1\r\n+x\r\n").type == kind::push);
  auto two = one("|1\r\n+a\r\n:1\r\n|1\r\n+b\r\n:2\r\n_\r\n", false);
  CHECK(two.attributes.size() == 4);
  CHECK(resp::write(two) == "|2\r\n+a\r\n:1\r\n+b\r\n:2\r\n_\r\n");
  // An attribute on an attribute's own key, and an empty one.
  auto nested = one("|1\r\n|1\r\n+m\r\n:0\r\n+k\r\n:1\r\n:5\r\n");
  CHECK(nested.attributes[0].attributes.size() == 2);
  CHECK(one("|0\r\n:5\r\n", false).attributes.empty());
}

TEST_CASE("resp parser reads several values at every split") {
  const std::string in =
      "+OK\r\n$5\r\nhel\rl\r\n*2\r\n%1\r\n+k\r\n~1\r\n,1.5\r\n!3\r\nERR\r\n"
      "|1\r\n+t\r\n:1\r\n>2\r\n$7\r\nmessage\r\n=5\r\ntxt:x\r\n(123\r\n:-4\r\n";
  auto whole = read(in);
  REQUIRE(whole.failure == resp::fault::none);
  REQUIRE(whole.values.size() == 6);
  CHECK(whole.values[1].text == "hel\rl");
  for (std::size_t cut = 0; cut <= in.size(); ++cut) {
    resp::parser p;
    std::vector<resp::value> values;
    p.feed(std::string_view(in).substr(0, cut));
    while (auto v = p.next()) values.push_back(*v);
    p.feed(std::string_view(in).substr(cut));
    while (auto v = p.next()) values.push_back(*v);
    CHECK(values == whole.values);
    CHECK(p.pending() == 0);
  }
}

TEST_CASE("resp parser refuses malformed input") {
  using resp::fault;
  CHECK(fails("?\r\n") == fault::unknown_type);
  CHECK(fails("PING\r\n") == fault::unknown_type);  // inline commands are not read
  CHECK(fails("\r\n") == fault::unknown_type);
  CHECK(fails("GET / HTTP/1.1") == fault::unknown_type);            // without waiting for the line
  CHECK(fails("$?\r\n;4\r\nHell\r\n;0\r\n") == fault::bad_length);  // streamed strings
  CHECK(fails("*?\r\n:1\r\n.\r\n") == fault::bad_length);
  CHECK(fails("$-2\r\n") == fault::bad_length);
  CHECK(fails("$x\r\n") == fault::bad_length);
  CHECK(fails("$\r\n") == fault::bad_length);
  CHECK(fails("$+3\r\nabc\r\n") == fault::bad_length);
  CHECK(fails("$99999999999999999999999\r\n") == fault::bad_length);
  CHECK(fails("*1x\r\n") == fault::bad_length);
  CHECK(fails("%-1\r\n") == fault::bad_length);
  CHECK(fails("~-1\r\n") == fault::bad_length);
  CHECK(fails("!-1\r\n") == fault::bad_length);
  CHECK(fails("+OK\n") == fault::bad_line);
  CHECK(fails("+OK\rX\n") == fault::bad_line);
  CHECK(fails("+O\nK\r\n") == fault::bad_line);
  CHECK(fails("$3\r\nabcd\r\n") == fault::bad_line);
  CHECK(fails("$3\r\nabc\rX") == fault::bad_line);
  CHECK(fails("$3\r\nabc\n") == fault::bad_line);
  CHECK(fails(":\r\n") == fault::bad_value);
  CHECK(fails(":1.5\r\n") == fault::bad_value);
  CHECK(fails(":9223372036854775808\r\n") == fault::bad_value);
  CHECK(fails(":- 1\r\n") == fault::bad_value);
  CHECK(fails("#x\r\n") == fault::bad_value);
  CHECK(fails("#\r\n") == fault::bad_value);
  CHECK(fails("_x\r\n") == fault::bad_value);
  CHECK(fails(",\r\n") == fault::bad_value);
  CHECK(fails(",.5\r\n") == fault::bad_value);
  CHECK(fails(",5.\r\n") == fault::bad_value);
  CHECK(fails(",1e\r\n") == fault::bad_value);
  CHECK(fails(",1.5x\r\n") == fault::bad_value);
  CHECK(fails("(\r\n") == fault::bad_value);
  CHECK(fails("(1.5\r\n") == fault::bad_value);
  CHECK(fails("=3\r\ntxt\r\n") == fault::bad_value);
  CHECK(fails("=5\r\ntxt-x\r\n") == fault::bad_value);
  CHECK(resp::error_text(fault::bad_line) == "missing CRLF");
  CHECK(resp::error_text(fault::none).empty());
}

TEST_CASE("resp parser stops at a fatal error and keeps what came before") {
  resp::parser p;
  p.feed(":1\r\n*2\r\n:2\r\n@\r\n:3\r\n");
  CHECK(p.next()->integer == 1);
  CHECK(!p.next());
  CHECK(p.failure() == resp::fault::unknown_type);
  p.feed(":4\r\n");
  CHECK(!p.next());
  CHECK(p.pending() == 0);
}

TEST_CASE("resp parser refuses a line over max_line as soon as it is too long") {
  const resp::limits l{.max_line = 8};
  // 8 bytes is the limit, type byte included, CRLF not.
  CHECK(fails("+1234567\r\n", l) == resp::fault::none);
  CHECK(fails("+12345678\r\n", l) == resp::fault::line_too_long);
  CHECK(fails("+12345678", l) == resp::fault::line_too_long);
  CHECK(fails("+1234567\r", l) == resp::fault::none);
  CHECK(fails("-" + std::string(70000, 'E') + "\r\n") == resp::fault::line_too_long);
  resp::parser p(l);
  p.feed("+1234567");
  CHECK(!p.next());
  CHECK(p.pending() == 8);
  CHECK(p.failure() == resp::fault::none);
}

TEST_CASE("resp parser refuses a bulk over max_bulk before it arrives") {
  const resp::limits l{.max_bulk = 4};
  CHECK(fails("$4\r\nabcd\r\n", l) == resp::fault::none);
  resp::parser p(l);
  p.feed("$5\r\n");
  CHECK(!p.next());
  CHECK(p.failure() == resp::fault::bulk_too_long);
  CHECK(fails("!5\r\n", l) == resp::fault::bulk_too_long);
  CHECK(fails("=5\r\n", l) == resp::fault::bulk_too_long);
  // redis' own default, 512 MiB.
  CHECK(fails("$536870912\r\n") == resp::fault::none);
  CHECK(fails("$536870913\r\n") == resp::fault::bulk_too_long);
  // A client's smaller limit.
  CHECK(fails("$67108865\r\n", {.max_bulk = 64 << 20}) == resp::fault::bulk_too_long);
}

TEST_CASE("resp parser refuses a count over max_elements without reserving it") {
  const resp::limits l{.max_elements = 4};
  CHECK(fails("*4\r\n:1\r\n:2\r\n:3\r\n:4\r\n", l) == resp::fault::none);
  CHECK(fails("*5\r\n", l) == resp::fault::too_many_elements);
  CHECK(fails("~5\r\n", l) == resp::fault::too_many_elements);
  CHECK(fails(">5\r\n", l) == resp::fault::too_many_elements);
  // Maps and attributes count keys and values.
  CHECK(fails("%2\r\n:1\r\n:2\r\n:3\r\n:4\r\n", l) == resp::fault::none);
  CHECK(fails("%3\r\n", l) == resp::fault::too_many_elements);
  CHECK(fails("|3\r\n", l) == resp::fault::too_many_elements);
  CHECK(fails("*18446744073709551615\r\n") == resp::fault::too_many_elements);
  CHECK(fails("%9223372036854775808\r\n") == resp::fault::too_many_elements);
  // A count within the limit waits for its elements and holds no memory for them in advance.
  resp::parser p;
  p.feed("*1048576\r\n");
  CHECK(!p.next());
  CHECK(p.failure() == resp::fault::none);
}

TEST_CASE("resp parser refuses nesting over max_depth") {
  auto nest = [](std::size_t n, std::string_view open) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += open;
    return s + ":1\r\n";
  };
  CHECK(fails(nest(32, "*1\r\n")) == resp::fault::none);
  CHECK(fails(nest(33, "*1\r\n")) == resp::fault::too_deep);
  CHECK(fails(nest(33, "*1\r\n").substr(0, 33 * 4)) == resp::fault::too_deep);
  CHECK(fails(nest(3, "%1\r\n:0\r\n"), {.max_depth = 3}) == resp::fault::none);
  CHECK(fails(nest(4, "%1\r\n:0\r\n"), {.max_depth = 3}) == resp::fault::too_deep);
  // An attribute is a level while it is read.
  CHECK(fails("*1\r\n*1\r\n|1\r\n:1\r\n:2\r\n:3\r\n", {.max_depth = 2}) == resp::fault::too_deep);
  CHECK(fails("*1\r\n|1\r\n:1\r\n:2\r\n*1\r\n:3\r\n", {.max_depth = 2}) == resp::fault::none);
  // A million levels fail at the 33rd, without recursion.
  std::string million;
  for (int i = 0; i < 1000000; ++i) million += "*1\r\n";
  CHECK(fails(million) == resp::fault::too_deep);
}

TEST_CASE("resp write_command makes what clients send") {
  CHECK(resp::write_command({"PING"}) == "*1\r\n$4\r\nPING\r\n");
  CHECK(resp::write_command({"SET", "k", "v"}) == "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n");
  CHECK(resp::write_command({"SET", "k", ""}) == "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n");
  const std::string binary = "a\r\n\0b"s;
  const std::vector<std::string_view> args{"HELLO", "3", binary};
  const std::string bytes = resp::write_command(args);
  CHECK(bytes == "*3\r\n$5\r\nHELLO\r\n$1\r\n3\r\n$5\r\na\r\n\0b\r\n"s);
  auto back = one(bytes);
  CHECK(back.children == std::vector{bulk("HELLO"), bulk("3"), bulk(binary)});
}

TEST_CASE("resp values written read back the same") {
  const resp::value values[] = {
      {.type = kind::simple_string, .text = "OK"},
      {.type = kind::error, .text = "WRONGTYPE Operation against a key"},
      number(-42),
      bulk("\0\r\n\xff"s),
      {.type = kind::null_bulk_string},
      {.type = kind::null_array},
      {.type = kind::null},
      {.type = kind::boolean, .boolean = true},
      {.type = kind::double_number, .text = "-1.5e+10"},
      {.type = kind::double_number, .text = "nan"},
      {.type = kind::big_number, .text = "-123456789012345678901234567890"},
      {.type = kind::bulk_error, .text = "SYNTAX bad\r\nthing"},
      {.type = kind::verbatim_string, .text = "a\nb", .format = "mkd"},
      {.type = kind::array},
      {.type = kind::map,
       .children = {bulk("k"), {.type = kind::set, .children = {number(1), bulk("x")}}}},
      {.type = kind::push, .children = {bulk("invalidate"), {.type = kind::array}}},
      {.type = kind::integer,
       .integer = 3,
       .attributes = {bulk("ttl"), {.type = kind::map, .children = {number(1), number(2)}}}},
  };
  std::string all;
  for (const auto& v : values) resp::write(v, all);
  CHECK(resp::write(values[2]) == ":-42\r\n");
  CHECK(resp::write(values[12]) == "=7\r\nmkd:a\nb\r\n");
  CHECK(resp::write(values[14]) == "%1\r\n$1\r\nk\r\n~2\r\n:1\r\n$1\r\nx\r\n");
  auto back = read(all);
  CHECK(back.failure == resp::fault::none);
  REQUIRE(back.values.size() == std::size(values));
  for (std::size_t i = 0; i < back.values.size(); ++i) CHECK(back.values[i] == values[i]);
  CHECK(read(all, 1).values == back.values);
  std::string again;
  for (const auto& v : back.values) resp::write(v, again);
  CHECK(again == all);
}

TEST_CASE("resp describe renders values as redis-cli does") {
  auto d = [](std::string_view in) { return resp::describe(one(in, false)); };
  CHECK(d("+OK\r\n") == "OK");
  CHECK(d(":1\r\n") == "(integer) 1");
  CHECK(d("$4\r\ntext\r\n") == "\"text\"");
  CHECK(d("$7\r\na\"b\\c\nd\r\n") == "\"a\\\"b\\\\c\\nd\"");
  CHECK(d("$3\r\n\x01\xff\t\r\n") == "\"\\x01\\xff\\t\"");
  CHECK(d("$-1\r\n") == "(nil)");
  CHECK(d("*-1\r\n") == "(nil)");
  CHECK(d("_\r\n") == "(nil)");
  CHECK(d("-ERR unknown command\r\n") == "(error) ERR unknown command");
  CHECK(d("!10\r\nSYNTAX bad\r\n") == "(error) SYNTAX bad");
  CHECK(d(",3.141\r\n") == "(double) 3.141");
  CHECK(d("#t\r\n") == "(true)");
  CHECK(d("#f\r\n") == "(false)");
  CHECK(d("(12345678901234567890\r\n") == "(big number) 12345678901234567890");
  CHECK(d("=29\r\ntxt:This is a verbatim\nstring\r\n") == "This is a verbatim\nstring");
  CHECK(d("*0\r\n") == "(empty array)");
  CHECK(d("~0\r\n") == "(empty set)");
  CHECK(d("%0\r\n") == "(empty hash)");
  CHECK(d("*3\r\n:0\r\n:1\r\n:2\r\n") == "1) (integer) 0\n2) (integer) 1\n3) (integer) 2");
  CHECK(d("~2\r\n:0\r\n:1\r\n") == "1~ (integer) 0\n2~ (integer) 1");
  CHECK(d("%2\r\n:0\r\n#f\r\n$1\r\nk\r\n*0\r\n") ==
        "1# (integer) 0 => (false)\n2# \"k\" => (empty array)");
  // Nested, as redis-cli prints EVAL "return {1,{2,{3,'x'}},'y',{}}".
  CHECK(d("*4\r\n:1\r\n*2\r\n:2\r\n*2\r\n:3\r\n$1\r\nx\r\n$1\r\ny\r\n*0\r\n") ==
        "1) (integer) 1\n"
        "2) 1) (integer) 2\n"
        "   2) 1) (integer) 3\n"
        "      2) \"x\"\n"
        "3) \"y\"\n"
        "4) (empty array)");
  // XREAD in RESP3: a map value that is an aggregate starts on its own line.
  CHECK(d("%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n") ==
        "1# \"s\" => \n"
        "   1) 1) \"1-1\"\n"
        "      2) 1) \"f\"\n"
        "         2) \"v\"");
  // Ten or more elements: indexes right-aligned.
  std::string eleven = "*11\r\n";
  for (int i = 0; i < 11; ++i) eleven += ":" + std::to_string(i) + "\r\n";
  const std::string shown = resp::describe(one(eleven));
  CHECK(shown.starts_with(" 1) (integer) 0\n 2) (integer) 1\n"));
  CHECK(shown.ends_with("\n10) (integer) 9\n11) (integer) 10"));
  CHECK(d(">2\r\n$7\r\nmessage\r\n:1\r\n") == "1) \"message\"\n2) (integer) 1");
  CHECK(d("*2\r\n:1\r\n|1\r\n+ttl\r\n:3600\r\n:3\r\n") ==
        "1) (integer) 1\n2) 1| ttl => (integer) 3600\n   (integer) 3");
}
