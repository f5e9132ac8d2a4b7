#pragma once
// Inside the mock API: a parsed route table, templates and matchers, shared by file.cpp
// (loading), template.cpp and match.cpp. Not for use outside commands/serve/http/routes/.
#include <regex.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/serve/http/message.hpp"
#include "core/text.hpp"
#include "core/units.hpp"

namespace commands::http::routes_detail {

using string_pairs = std::vector<std::pair<std::string, std::string>>;

/// body_matches looks at no more of the body than this, so that a costly pattern stays cheap.
inline constexpr std::size_t regex_body_limit = 64 * 1024;

/// A compiled POSIX extended regular expression, with \d and \D read as [0-9] and [^0-9].
/// POSIX regex rather than std::regex: libstdc++'s std::regex recurses once per input byte
/// ("(a|b)*" overflows the stack on a 16 KiB body) and goes quadratic on ".*x"; glibc's
/// matcher does neither.
class body_regex {
 public:
  /// Compiles `pattern`; nullptr with `error` set when it is not valid.
  static std::shared_ptr<const body_regex> compile(std::string_view pattern, std::string& error);
  /// Whether it matches somewhere in `text` (which may hold NUL bytes). `cut`: `text` is the
  /// start of something longer, so '$' must not match at its end.
  bool search(std::string_view text, bool cut) const;

  body_regex(const body_regex&) = delete;
  body_regex& operator=(const body_regex&) = delete;
  ~body_regex();

 private:
  body_regex() = default;
  regex_t re_{};
  bool failed_ = false;
};

/// One {{...}} in a template.
struct placeholder {
  enum class source { method, path, body, count, param, query, header, body_field };
  source src = source::method;
  std::string key;                      ///< param, query or header name
  std::vector<std::string> field;       ///< body.FIELD.FIELD
  std::optional<std::string> fallback;  ///< after '|': used when the value is missing or empty
};

/// Text with placeholders: literal and placeholder parts alternate in `parts`.
struct text_template {
  struct part {
    std::string literal;
    std::optional<placeholder> hole;  ///< set: this part is a placeholder
  };
  std::vector<part> parts;
};

/// Compiles "Hello {{params.id}}". On failure returns nullopt and sets `error` to a message
/// naming the bad placeholder, with a suggestion when one is close.
std::optional<text_template> compile_template(std::string_view text, std::string& error);

/// A param name that `t` uses and `params` lacks, if any (checked when the file loads).
std::optional<std::string> missing_param(const text_template& t,
                                         const std::vector<std::string>& params);

/// What templates draw on while one request is answered.
struct render_context {
  const request& req;
  const string_pairs& params;
  const string_pairs& query;
  std::uint64_t count = 0;
  // The request body as JSON, parsed on first use by a {{body.FIELD}}.
  mutable std::optional<nlohmann::json> body_json;
  mutable bool body_parsed = false;
};

std::string render(const text_template& t, const render_context& ctx);
/// Renders `text`, compiled again (it was checked when the file loaded).
std::string render_text(std::string_view text, const render_context& ctx);
/// Renders every string value of `j` (not keys) as a template.
nlohmann::json render_json(const nlohmann::json& j, const render_context& ctx);

/// Whether `have` contains `want`: objects by key subset, arrays element-wise with equal length,
/// numbers by value (1 == 1.0), other values by equality.
bool json_subset(const nlohmann::json& want, const nlohmann::json& have);

/// Levenshtein distance, for "did you mean" and for ranking near-miss routes.
using core::edit_distance;
/// The one of `names` closest to `word` within two edits; empty when none is.
std::string_view closest_name(std::string_view word, std::span<const std::string_view> names);

/// One segment of a path pattern.
struct segment {
  enum class kind { literal, param, any, rest };
  kind k = kind::literal;
  std::string text;  ///< the literal, or the param's name
};

struct response_spec {
  int line = 0;
  int status = 200;
  string_pairs headers;  ///< values are templates unless the route has template = false
  enum class body_kind { none, text, file, json };
  body_kind kind = body_kind::none;
  std::string text;          ///< body template, or the file's bytes
  std::string content_type;  ///< for the body, unless headers set Content-Type
  nlohmann::json json;
  core::duration delay{};
};

struct route {
  int line = 0;
  std::string name;
  std::vector<std::string> methods;  ///< empty: any method
  std::string path;
  std::vector<segment> segments;
  string_pairs query;    ///< value "*": present with any value
  string_pairs headers;  ///< likewise
  std::optional<std::string> body_contains;
  std::optional<nlohmann::json> body_json;
  std::shared_ptr<const body_regex> body_matches;
  std::string body_matches_text;
  std::vector<response_spec> responses;  ///< one, or the sequence
  bool cycle = false;
  bool templates = true;
};

struct table {
  std::string source;
  std::vector<route> routes;
  string_pairs default_headers;  ///< also on 404s
};

/// Splits "/a//b/" into {"a", "", "b", ""}: the leading '/' dropped, everything else kept, so a
/// trailing slash is significant.
std::vector<std::string_view> split_path(std::string_view path);

}  // namespace commands::http::routes_detail
