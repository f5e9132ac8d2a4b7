// JSON-RPC 2.0: the cases the specification's examples walk through (calls by position and by
// name, notifications, errors, batches), responses as a client reads them, and both framings.
#include <doctest/doctest.h>

#include "proto/jsonrpc/framing.hpp"
#include "proto/jsonrpc/message.hpp"

namespace rpc = proto::jsonrpc;
using rpc::json;

namespace {

const rpc::request& as_request(const rpc::message& m) {
  REQUIRE(std::holds_alternative<rpc::request>(m));
  return std::get<rpc::request>(m);
}

int refusal_code(const rpc::message& m) {
  REQUIRE(std::holds_alternative<rpc::invalid>(m));
  return std::get<rpc::invalid>(m).reply.failure->code;
}

}  // namespace

TEST_CASE("jsonrpc reads calls with params by position and by name") {
  auto in = rpc::decode(R"({"jsonrpc": "2.0", "method": "subtract", "params": [42, 23], "id": 1})");
  REQUIRE(in.messages.size() == 1);
  CHECK_FALSE(in.batch);
  const auto& r = as_request(in.messages[0]);
  CHECK(r.method == "subtract");
  CHECK(*r.params == json::array({42, 23}));
  CHECK(*r.id == 1);
  CHECK_FALSE(r.is_notification());

  in = rpc::decode(
      R"({"jsonrpc": "2.0", "method": "subtract", "params": {"subtrahend": 23, "minuend": 42}, "id": "x"})");
  const auto& named = as_request(in.messages[0]);
  CHECK((*named.params)["minuend"] == 42);
  CHECK(*named.id == "x");

  in = rpc::decode(R"({"jsonrpc": "2.0", "method": "ping", "id": null})");
  CHECK(as_request(in.messages[0]).id->is_null());  // null is an id (discouraged), not absence
  CHECK_FALSE(as_request(in.messages[0]).params);
}

TEST_CASE("jsonrpc tells notifications by the missing id") {
  auto in = rpc::decode(R"({"jsonrpc": "2.0", "method": "update", "params": [1, 2, 3, 4, 5]})");
  CHECK(as_request(in.messages[0]).is_notification());
}

TEST_CASE("jsonrpc owes -32700 for text that is not JSON, and -32600 for what is not a request") {
  auto in = rpc::decode(R"({"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz])");
  REQUIRE(in.whole);
  CHECK(in.whole->failure->code == rpc::parse_error);
  CHECK(in.whole->id.is_null());
  CHECK(in.messages.empty());

  in = rpc::decode(R"({"jsonrpc": "2.0", "method": 1, "params": "bar"})");
  CHECK(refusal_code(in.messages[0]) == rpc::invalid_request);
  CHECK(std::get<rpc::invalid>(in.messages[0]).reply.id.is_null());

  for (const char* bad :
       {R"({"jsonrpc": "1.0", "method": "a", "id": 1})", R"({"method": "a", "id": 1})",
        R"({"jsonrpc": "2.0", "method": "a", "params": 3, "id": 1})",
        R"({"jsonrpc": "2.0", "method": "a", "id": [1]})", "1", R"("text")"}) {
    INFO(bad);
    CHECK(refusal_code(rpc::decode(bad).messages.at(0)) == rpc::invalid_request);
  }
  // An id that can be read is kept for the answer.
  auto keep = rpc::decode(R"({"jsonrpc": "2.0", "method": 5, "id": 7})");
  CHECK(std::get<rpc::invalid>(keep.messages[0]).reply.id == 7);
}

TEST_CASE("jsonrpc batches: each member alone, an empty one owed a single error") {
  auto in = rpc::decode(R"([
    {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
    {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]},
    {"jsonrpc": "2.0", "method": "subtract", "params": [42,23], "id": "2"},
    {"foo": "boo"},
    {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},
    {"jsonrpc": "2.0", "method": "get_data", "id": "9"}
  ])");
  CHECK(in.batch);
  REQUIRE(in.messages.size() == 6);
  CHECK(as_request(in.messages[1]).is_notification());
  CHECK(refusal_code(in.messages[3]) == rpc::invalid_request);
  CHECK(*as_request(in.messages[5]).id == "9");

  auto empty = rpc::decode("[]");
  REQUIRE(empty.whole);
  CHECK(empty.whole->failure->code == rpc::invalid_request);

  auto ones = rpc::decode("[1,2,3]");
  REQUIRE(ones.messages.size() == 3);
  for (const auto& m : ones.messages) CHECK(refusal_code(m) == rpc::invalid_request);

  auto broken = rpc::decode(
      R"([{"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},{"jsonrpc": "2.0", "method")");
  REQUIRE(broken.whole);
  CHECK(broken.whole->failure->code == rpc::parse_error);
}

TEST_CASE("jsonrpc reads responses, results and error objects") {
  auto in = rpc::decode(R"({"jsonrpc": "2.0", "result": 19, "id": 1})");
  REQUIRE(std::holds_alternative<rpc::response>(in.messages[0]));
  auto r = std::get<rpc::response>(in.messages[0]);
  CHECK(*r.result == 19);
  CHECK_FALSE(r.failure);

  in = rpc::decode(
      R"({"jsonrpc": "2.0", "error": {"code": -32601, "message": "Method not found", "data": "x"}, "id": "1"})");
  r = std::get<rpc::response>(in.messages[0]);
  CHECK(r.failure->code == rpc::method_not_found);
  CHECK(*r.failure->data == "x");
  CHECK_FALSE(r.result);

  in = rpc::decode(R"({"jsonrpc": "2.0", "result": null, "id": 2})");
  CHECK(std::get<rpc::response>(in.messages[0]).result->is_null());  // null is a result

  for (const char* bad :
       {R"({"jsonrpc": "2.0", "result": 1, "error": {"code": 1, "message": "m"}, "id": 1})",
        R"({"jsonrpc": "2.0", "result": 1})",
        R"({"jsonrpc": "2.0", "error": {"code": "x", "message": "m"}, "id": 1})",
        R"({"jsonrpc": "2.0", "id": 1})"}) {
    INFO(bad);
    CHECK(std::holds_alternative<rpc::invalid>(rpc::decode(bad).messages.at(0)));
  }
}

TEST_CASE("jsonrpc writes messages the way it reads them") {
  rpc::request call{"sum", json::array({1, 2}), json(4)};
  auto back = rpc::decode(rpc::dump(rpc::to_json(call)));
  CHECK(as_request(back.messages[0]).method == "sum");
  CHECK(*as_request(back.messages[0]).id == 4);

  rpc::request note{"log", json::object({{"text", "hi"}}), std::nullopt};
  CHECK(rpc::to_json(note).count("id") == 0);

  auto err = rpc::failure(json("a"), rpc::method_not_found, "no method 'x'");
  CHECK(rpc::dump(rpc::to_json(err)) ==
        R"({"error":{"code":-32601,"message":"no method 'x'"},"id":"a","jsonrpc":"2.0"})");
  rpc::response ok;
  ok.id = 1;
  CHECK(rpc::dump(rpc::to_json(ok)) == R"({"id":1,"jsonrpc":"2.0","result":null})");

  // Bytes that are not UTF-8 never make the writer throw.
  rpc::request odd{"echo", json::array({std::string("a\xff")}), json(1)};
  CHECK(rpc::dump(rpc::to_json(odd)).find("a\xEF\xBF\xBD") != std::string::npos);
  CHECK(rpc::reserved_method("rpc.discover"));
  CHECK_FALSE(rpc::reserved_method("rpcdiscover"));
  CHECK(rpc::standard_message(rpc::invalid_params) == "Invalid params");
}

TEST_CASE("jsonrpc refuses JSON nested past the limit as not JSON") {
  std::string deep(200, '[');
  deep += std::string(200, ']');
  auto in = rpc::decode(R"({"jsonrpc":"2.0","method":"a","params":)" + deep + "}");
  REQUIRE(in.whole);
  CHECK(in.whole->failure->code == rpc::parse_error);
}

TEST_CASE("ndjson framing: one message per line, whatever the chunks") {
  rpc::deframer d(rpc::framing::ndjson);
  d.feed("{\"a\":1}\r\n\n{\"b\"");
  CHECK(d.next() == "{\"a\":1}");
  CHECK_FALSE(d.next());
  d.feed(":2}\n");
  CHECK(d.next() == "{\"b\":2}");
  CHECK_FALSE(d.next());
  CHECK(d.pending() == 0);
  CHECK(rpc::frame(rpc::framing::ndjson, "{}") == "{}\n");

  rpc::deframer small(rpc::framing::ndjson, 8);
  small.feed("123456789");
  CHECK_FALSE(small.next());
  CHECK_FALSE(small.error().empty());
}

TEST_CASE("lsp framing: Content-Length headers count bytes") {
  rpc::deframer d(rpc::framing::lsp);
  std::string two =
      rpc::frame(rpc::framing::lsp, R"({"x":"é"})") +
      "content-length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}";
  // Fed a byte at a time, the same two bodies come out.
  std::vector<std::string> got;
  for (char c : two) {
    d.feed(std::string_view(&c, 1));
    while (auto body = d.next()) got.push_back(*body);
  }
  REQUIRE(got.size() == 2);
  CHECK(got[0] == R"({"x":"é"})");
  CHECK(got[1] == "{}");
  CHECK(rpc::frame(rpc::framing::lsp, "{}") == "Content-Length: 2\r\n\r\n{}");

  for (const char* bad :
       {"Content-Type: x\r\n\r\n{}", "Content-Length: -1\r\n\r\n", "Content-Length: 1x\r\n\r\n",
        "no colon here\r\n\r\n", "Content-Length: 99999999999\r\n\r\n"}) {
    rpc::deframer e(rpc::framing::lsp);
    e.feed(bad);
    INFO(bad);
    CHECK_FALSE(e.next());
    CHECK_FALSE(e.error().empty());
  }
  rpc::deframer endless(rpc::framing::lsp);
  endless.feed(std::string(5000, 'a'));
  CHECK_FALSE(endless.next());
  CHECK_FALSE(endless.error().empty());
  CHECK(rpc::parse_framing("lsp") == rpc::framing::lsp);
  CHECK_FALSE(rpc::parse_framing("LSP"));
}

TEST_CASE("jsonrpc encodes responses as text in the conventional order, as to_json means them") {
  rpc::response ok;
  ok.id = 1;
  ok.result = nlohmann::json{{"b", 2}, {"a", "\xff"}};
  CHECK(rpc::encode(ok) ==
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"a\":\"\xEF\xBF\xBD\",\"b\":2}}");
  CHECK(nlohmann::json::parse(rpc::encode(ok)) ==
        nlohmann::json::parse(rpc::dump(rpc::to_json(ok))));
  auto err = rpc::failure("x", rpc::method_not_found, "no", nlohmann::json{1});
  CHECK(rpc::encode(err) ==
        R"({"jsonrpc":"2.0","id":"x","error":{"code":-32601,"data":[1],"message":"no"}})");
  rpc::response none;
  none.id = nullptr;
  CHECK(rpc::encode(none) == R"({"jsonrpc":"2.0","id":null,"result":null})");
}
