// HTTP/1.1 serialisers: heads, whole messages framed with Content-Length, and chunks.
#include <fmt/format.h>

#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

#include "proto/http1/parser.hpp"

namespace proto {

namespace {

// CR, LF and NUL become spaces: a value taken from a client or a config file must not be able
// to end a line early and smuggle in fields or a second message.
void append_clean(std::string& out, std::string_view s) {
  for (char c : s) out.push_back(c == '\r' || c == '\n' || c == '\0' ? ' ' : c);
}

bool is_framing_field(std::string_view name) {
  return iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding");
}

void append_fields(std::string& out, const header_list& h, bool drop_framing,
                   std::optional<std::uint64_t> content_length) {
  for (const auto& [name, value] : h.fields()) {
    if (drop_framing && is_framing_field(name)) continue;
    append_clean(out, name);
    out += ": ";
    append_clean(out, value);
    out += "\r\n";
  }
  if (content_length)
    fmt::format_to(std::back_inserter(out), "Content-Length: {}\r\n", *content_length);
  out += "\r\n";
}

// Spaces and control characters would break the request line: they are percent-encoded.
void append_target(std::string& out, std::string_view s) {
  for (unsigned char c : s) {
    if (c <= 0x20 || c == 0x7f)
      fmt::format_to(std::back_inserter(out), "%{:02X}", c);
    else
      out.push_back(static_cast<char>(c));
  }
}

std::string response_head(const response& r, bool drop_framing,
                          std::optional<std::uint64_t> content_length) {
  std::string out = fmt::format("HTTP/1.1 {} ", r.status);
  append_clean(out, r.reason.empty() ? status_reason(r.status) : std::string_view(r.reason));
  out += "\r\n";
  append_fields(out, r.headers, drop_framing, content_length);
  return out;
}

std::string request_head(const request& r, bool drop_framing,
                         std::optional<std::uint64_t> content_length) {
  std::string out;
  append_clean(out, r.method);
  out += ' ';
  if (!r.target.empty()) {
    append_target(out, r.target);
  } else {
    append_target(out, percent_encode_path(r.path.empty() ? "/" : r.path));
    if (!r.query.empty()) {
      out += '?';
      append_target(out, r.query);
    }
  }
  fmt::format_to(std::back_inserter(out), " HTTP/1.{}\r\n", r.version_minor);
  append_fields(out, r.headers, drop_framing, content_length);
  return out;
}

}  // namespace

std::string serialize_response_head(const response& r,
                                    std::optional<std::uint64_t> content_length) {
  return response_head(r, content_length.has_value(), content_length);
}

std::string serialize_response(const response& r) {
  // RFC 9110 8.6: no Content-Length (and no body) in 1xx and 204; a 304 has no body either.
  if (r.status < 200 || r.status == 204 || r.status == 304)
    return response_head(r, true, std::nullopt);
  return response_head(r, true, r.body.size()) + r.body;
}

std::string serialize_request_head(const request& r, std::optional<std::uint64_t> content_length) {
  return request_head(r, content_length.has_value(), content_length);
}

std::string serialize_request(const request& r) {
  // RFC 9110 8.6: a body-carrying method states its length even when it is zero, so a server
  // need not wait for a body that is not coming.
  bool with_length =
      !r.body.empty() || r.method == "POST" || r.method == "PUT" || r.method == "PATCH";
  auto length = with_length ? std::optional<std::uint64_t>(r.body.size()) : std::nullopt;
  return request_head(r, true, length) + r.body;
}

std::string serialize_chunk(std::string_view data) {
  if (data.empty()) return {};
  std::string out = fmt::format("{:x}\r\n", data.size());
  out += data;
  out += "\r\n";
  return out;
}

std::string serialize_last_chunk(const header_list& trailers) {
  std::string out = "0\r\n";
  append_fields(out, trailers, true, std::nullopt);
  return out;
}

}  // namespace proto
