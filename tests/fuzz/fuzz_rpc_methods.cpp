// Fuzzes the methods file of `rpc serve --methods`: the input as TOML, then every template of
// whatever loaded expanded for a few calls; and the input itself as one template. Bad input may
// only throw vitnet::error 65; what loads must keep its promises (names unique, present and not
// rpc., waits and counts in range, no unknown placeholder) and expansions must print as JSON.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "commands/rpc/methods.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "proto/jsonrpc/message.hpp"

namespace {

using commands::rpc_mock::json;
namespace mock = commands::rpc_mock;

// The params of a few calls: none, empty, positional and named, nested.
const std::vector<json>& call_params() {
  static const std::vector<json> shapes = {
      json(),
      json::array(),
      json::array({1, "two", 2.5, json::array({3, 4}), {{"a", {{"b", "c"}}}}, nullptr}),
      {{"a", 1}, {"b", {{"c", json::array({"d"})}}}, {"0", nullptr}, {"name", "ada"}},
      json("text"),
  };
  return shapes;
}

void check_expanded(const json& v) {
  if (!nlohmann::json::accept(proto::jsonrpc::dump(v))) std::abort();
}

// `tmpl` expanded for every call shape, as call `count` of method `m`.
void expand_all(const json& tmpl, const mock::method_spec& m, std::uint64_t count,
                std::uint64_t n) {
  const json id = "fuzz-1";
  for (const auto& params : call_params()) {
    mock::template_scope scope{
        .params = &params, .names = &m.params, .id = &id, .method = m.name, .count = count, .n = n};
    check_expanded(mock::expand(tmpl, scope));
  }
  mock::template_scope bare{};
  check_expanded(mock::expand(tmpl, bare));
}

void check_answer(const mock::answer_spec& a, const mock::method_spec& m, std::uint64_t count) {
  if (a.delay < core::duration::zero() || a.delay > std::chrono::hours(1)) std::abort();
  if (a.result && a.error) std::abort();
  if (a.result) {
    if (!mock::unknown_placeholder(*a.result, false).empty()) std::abort();
    expand_all(*a.result, m, count, 0);
  }
  if (a.error) {
    auto code = a.error->find("code");
    auto message = a.error->find("message");
    if (!a.error->is_object() || code == a.error->end() || !code->is_number_integer() ||
        message == a.error->end() || !message->is_string())
      std::abort();
    if (!mock::unknown_placeholder(*a.error, false).empty()) std::abort();
    expand_all(*a.error, m, count, 0);
  }
}

void fuzz_file(std::string_view text) {
  mock::method_table t;
  try {
    t = mock::parse_methods(text, "fuzz.toml");
  } catch (const vitnet::error& e) {
    if (e.code() != core::exit_code::data || std::string_view(e.what()).empty()) std::abort();
    return;
  }
  if (t.by_name.size() != t.methods.size()) std::abort();
  for (const auto& m : t.methods) {
    if (m.name.empty() || proto::jsonrpc::reserved_method(m.name) || t.find(m.name) != &m)
      std::abort();
    for (const auto& p : m.params)
      if (p.empty()) std::abort();
    if (!m.answer.result && !m.answer.error) std::abort();  // null at least
    check_answer(m.answer, m, 1);
    for (std::size_t i = 0; i < m.sequence.size(); ++i) check_answer(m.sequence[i], m, i + 1);
    for (std::uint64_t count : {0ull, 1ull, 2ull, 3ull, 1000ull, ~0ull}) {
      const auto& a = mock::answer_for(m, count);
      bool inside = &a == &m.answer ||
                    (!m.sequence.empty() && &a >= &m.sequence.front() && &a <= &m.sequence.back());
      if (!inside || (!m.sequence.empty() && &a == &m.answer)) std::abort();
    }
    if (m.stream) {
      const auto& s = *m.stream;
      if (s.count < 1 || s.count > 1'000'000) std::abort();
      if (s.interval <= core::duration::zero() || s.interval > std::chrono::hours(1)) std::abort();
      if (s.params) {
        if (!s.params->is_array() && !s.params->is_object()) std::abort();
        if (!mock::unknown_placeholder(*s.params, true).empty()) std::abort();
        for (std::uint64_t n : {1ull, 2ull}) expand_all(*s.params, m, 1, n);
      }
    }
  }
}

// The input as a template: one string, and as JSON when it is JSON.
void fuzz_template(std::string_view text) {
  mock::method_spec m;
  m.name = "fuzz";
  m.params = {"a", "b", "name"};
  json as_text = std::string(text);
  mock::unknown_placeholder(as_text, true);
  expand_all(as_text, m, 7, 3);
  if (auto j = core::parse_peer_json(text)) {
    mock::unknown_placeholder(*j, false);
    expand_all(*j, m, 7, 3);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzz_file(text);
  fuzz_template(text);
  return 0;
}
