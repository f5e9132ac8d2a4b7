#include "proto/jsonrpc/message.hpp"

#include "core/json.hpp"

namespace proto::jsonrpc {

namespace {

invalid refuse(json id, std::string why) {
  return invalid{failure(std::move(id), invalid_request,
                         std::string(standard_message(invalid_request)), json(std::move(why)))};
}

std::optional<error> read_error(const json& e) {
  if (!e.is_object()) return std::nullopt;
  auto code = e.find("code");
  auto text = e.find("message");
  if (code == e.end() || !code->is_number_integer() || text == e.end() || !text->is_string())
    return std::nullopt;
  error out;
  out.code = code->get<int>();
  out.message = text->get<std::string>();
  if (auto d = e.find("data"); d != e.end()) out.data = *d;
  return out;
}

}  // namespace

bool valid_id(const json& id) {
  return id.is_string() || id.is_number() || id.is_null();
}

std::string_view standard_message(int code) {
  switch (code) {
    case parse_error:
      return "Parse error";
    case invalid_request:
      return "Invalid Request";
    case method_not_found:
      return "Method not found";
    case invalid_params:
      return "Invalid params";
    case internal_error:
      return "Internal error";
  }
  return "Server error";
}

bool reserved_method(std::string_view method) {
  return method.starts_with("rpc.");
}

response failure(json id, int code, std::string message, std::optional<json> data) {
  response r;
  r.id = std::move(id);
  r.failure = error{code, std::move(message), std::move(data)};
  return r;
}

message classify(const json& v) {
  if (!v.is_object()) return refuse(nullptr, "a message is a JSON object");
  // The id to answer with, when there is one that can be read.
  json id = nullptr;
  auto id_it = v.find("id");
  bool has_id = id_it != v.end();
  if (has_id) {
    if (!valid_id(*id_it)) return refuse(nullptr, "\"id\" must be a string, a number or null");
    id = *id_it;
  }
  auto version = v.find("jsonrpc");
  if (version == v.end() || *version != "2.0") return refuse(id, "\"jsonrpc\" must be \"2.0\"");

  if (auto m = v.find("method"); m != v.end()) {
    if (!m->is_string()) return refuse(id, "\"method\" must be a string");
    request r;
    r.method = m->get<std::string>();
    if (auto p = v.find("params"); p != v.end()) {
      if (!p->is_array() && !p->is_object())
        return refuse(id, "\"params\" must be an array or an object");
      r.params = *p;
    }
    if (has_id) r.id = id;
    return r;
  }

  auto result = v.find("result");
  auto err = v.find("error");
  bool has_result = result != v.end(), has_error = err != v.end();
  if (has_result == has_error)
    return refuse(id, "a message needs \"method\", or exactly one of \"result\" and \"error\"");
  if (!has_id) return refuse(nullptr, "a response needs an \"id\"");
  response r;
  r.id = id;
  if (has_result) {
    r.result = *result;
  } else {
    auto e = read_error(*err);
    if (!e) return refuse(id, "\"error\" must have an integer \"code\" and a string \"message\"");
    r.failure = std::move(*e);
  }
  return r;
}

incoming decode(std::string_view text, std::size_t max_depth) {
  incoming in;
  auto parsed = core::parse_peer_json(text, max_depth);
  if (!parsed) {
    in.whole = failure(nullptr, parse_error, std::string(standard_message(parse_error)));
    return in;
  }
  if (parsed->is_array()) {
    in.batch = true;
    if (parsed->empty()) {
      in.whole = refuse(nullptr, "an empty batch").reply;
      return in;
    }
    in.messages.reserve(parsed->size());
    for (const auto& member : *parsed) in.messages.push_back(classify(member));
    return in;
  }
  in.messages.push_back(classify(*parsed));
  return in;
}

json to_json(const error& e) {
  json out = {{"code", e.code}, {"message", e.message}};
  if (e.data) out["data"] = *e.data;
  return out;
}

json to_json(const request& r) {
  json out = {{"jsonrpc", "2.0"}, {"method", r.method}};
  if (r.params) out["params"] = *r.params;
  if (r.id) out["id"] = *r.id;
  return out;
}

json to_json(const response& r) {
  json out = {{"jsonrpc", "2.0"}};
  if (r.failure)
    out["error"] = to_json(*r.failure);
  else
    out["result"] = r.result ? *r.result : json(nullptr);
  out["id"] = r.id;
  return out;
}

std::string encode(const response& r) {
  std::string out = "{\"jsonrpc\":\"2.0\",\"id\":";
  out += dump(r.id);
  if (r.failure) {
    out += ",\"error\":";
    out += dump(to_json(*r.failure));
  } else {
    out += ",\"result\":";
    out += r.result ? dump(*r.result) : std::string("null");
  }
  out += '}';
  return out;
}

std::string dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace proto::jsonrpc
