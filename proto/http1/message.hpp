#pragma once
// HTTP/1.x messages as plain values, shared by the request parser, the mock routes, static files,
// the reverse proxy and the WebSocket handshake. No I/O here.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace proto {

/// Header fields in arrival order; names keep their spelling, look-ups ignore case.
class header_list {
 public:
  void add(std::string name, std::string value) {
    fields_.emplace_back(std::move(name), std::move(value));
  }
  /// Replaces every field of that name with one.
  void set(std::string_view name, std::string value);
  void remove(std::string_view name);
  /// The first value of a field, if present.
  std::optional<std::string_view> get(std::string_view name) const;
  /// Whether a comma-separated field contains `token` (case-insensitive), as in Connection: close.
  bool has_token(std::string_view name, std::string_view token) const;
  bool contains(std::string_view name) const { return get(name).has_value(); }
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }
  bool empty() const { return fields_.empty(); }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

/// Case-insensitive ASCII comparison, for header names and tokens.
bool iequals(std::string_view a, std::string_view b);

struct request {
  std::string method;     ///< "GET", as sent (methods are case-sensitive)
  std::string target;     ///< request-target as sent: "/a%20b?x=1"
  std::string path;       ///< target's path, percent-decoded: "/a b"
  std::string query;      ///< raw query string without '?': "x=1"
  int version_minor = 1;  ///< HTTP/1.<minor>
  header_list headers;
  std::string body;  ///< complete body (chunked bodies already decoded)

  /// Whether the connection stays open after the response (HTTP/1.1 default, Connection header).
  bool keep_alive() const;
};

struct response {
  int status = 200;
  std::string reason;  ///< empty: the standard phrase for `status`
  header_list headers;
  std::string body;
};

/// "Not Found" for 404; "Unknown" for codes without a standard phrase.
std::string_view status_reason(int status);

/// Decodes %XX escapes; nullopt on a malformed escape. `plus_is_space` for query strings.
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space = false);
/// Escapes everything but unreserved characters and '/'.
std::string percent_encode_path(std::string_view s);
/// An origin-form request target with its path's dot segments removed (RFC 3986 5.2.4), dots
/// written as %2E counted as dots: what a proxy may put after a backend's path prefix without
/// the request escaping it. The query is kept as it is; the path always starts with '/'.
/// Example: normal_target("/a/../%2e%2e/b?x=..") == "/b?x=..".
std::string normal_target(std::string_view target);

/// Splits "a=1&b=x%20y" into decoded pairs; malformed escapes are kept as written.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view q);

}  // namespace proto
