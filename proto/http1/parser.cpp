// HTTP/1.1 request and response parsers: start lines, the checks on a complete head, and how the
// body is delimited (RFC 9112 6.3). Lines, fields and bodies are read by detail::http1_reader.
#include "proto/http1/parser.hpp"

#include <cassert>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace proto {

namespace {

using detail::body_framing;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// "HTTP/1.1" -> 1 (and "HTTP/1.2" too); -1 when malformed, -2 when well formed but not HTTP/1.
int parse_version(std::string_view v) {
  if (v.size() != 8 || v.substr(0, 5) != "HTTP/" || !is_digit(v[5]) || v[6] != '.' ||
      !is_digit(v[7]))
    return -1;
  // RFC 9110 2.5: a later HTTP/1 minor version is answered as the highest one known (1.1).
  if (v[5] != '1') return -2;
  return v[7] >= '1' ? 1 : 0;
}

// Whether the bytes of an unfinished request line can still begin one: empty lines, then token
// characters up to the first space.
bool could_be_method(std::string_view s) {
  while (!s.empty() && (s.front() == '\r' || s.front() == '\n')) s.remove_prefix(1);
  auto method = s.substr(0, s.find(' '));
  return method.empty() || is_token(method);
}

bool is_host_value(std::string_view s) {
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
              std::string_view("-._~!$&'()*+,;=:[]%").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

// Decides how the body is delimited from Content-Length and Transfer-Encoding. Anything a peer
// could read differently is refused rather than resolved (RFC 9112 6.3 allows resolving some).
bool framing_of(const header_list& h, int version_minor, bool response, detail::http1_reader& in,
                body_framing& framing, std::uint64_t& length) {
  std::size_t lengths = 0;
  std::string_view content_length;
  bool has_te = false;
  std::vector<std::string_view> codings;
  for (const auto& [name, value] : h.fields()) {
    if (iequals(name, "Content-Length")) {
      ++lengths;
      content_length = value;
    } else if (iequals(name, "Transfer-Encoding")) {
      has_te = true;
      std::string_view v = value;
      for (;;) {
        auto comma = v.find(',');
        auto item = detail::trim_ows(v.substr(0, comma));
        // RFC 9110 5.6.1: empty list elements are ignored.
        if (!item.empty()) codings.push_back(item);
        if (comma == std::string_view::npos) break;
        v.remove_prefix(comma + 1);
      }
    }
  }
  if (has_te) {
    if (lengths > 0) return in.fail(400, "both content-length and transfer-encoding");
    if (version_minor == 0) return in.fail(400, "transfer-encoding in an http/1.0 message");
    if (codings.empty()) return in.fail(400, "empty transfer-encoding");
    for (auto c : codings)
      if (!iequals(c, "chunked")) return in.fail(501, "unsupported transfer coding");
    if (codings.size() > 1) return in.fail(400, "chunked applied more than once");
    framing = body_framing::chunked;
    return true;
  }
  if (lengths > 1) return in.fail(400, "duplicate content-length");
  if (lengths == 1) {
    if (content_length.empty()) return in.fail(400, "invalid content-length");
    for (char c : content_length)
      if (!is_digit(c)) return in.fail(400, "invalid content-length");
    std::uint64_t n = 0;
    for (char c : content_length) {
      if (n > (UINT64_MAX - 9) / 10) return in.fail(413, "body too large");
      n = n * 10 + static_cast<std::uint64_t>(c - '0');
      if (!in.unbounded() && n > in.limits().max_body) return in.fail(413, "body too large");
    }
    framing = body_framing::length;
    length = n;
    return true;
  }
  framing = response ? body_framing::until_close : body_framing::none;
  return true;
}

}  // namespace

bool is_upgrade(const request& r) {
  return r.version_minor >= 1 && r.headers.contains("Upgrade") &&
         r.headers.has_token("Connection", "upgrade");
}

bool expects_continue(const request& r) {
  auto e = r.headers.get("Expect");
  return r.version_minor >= 1 && e && iequals(detail::trim_ows(*e), "100-continue");
}

// ---- requests ----------------------------------------------------------------------------------

request_parser::request_parser(http_limits limits) : in_(limits, false) {}

void request_parser::feed(std::string_view bytes) {
  in_.feed(bytes);
}

http_event request_parser::poll() {
  auto stalled = [&] {
    if (!in_.failed()) return http_event::need_more;
    phase_ = phase::failed;
    return http_event::error;
  };
  for (;;) {
    switch (phase_) {
      case phase::start: {
        std::string_view line;
        if (!in_.read_line(line, in_.limits().max_start_line, 414, "request line too long")) {
          // A start that cannot become a method is refused now, not when its line ends (or the
          // header timeout passes).
          if (!in_.failed() && !could_be_method(in_.pending()))
            in_.fail(400, "malformed request line");
          return stalled();
        }
        // RFC 9112 2.2: empty lines before a request line are ignored (some clients send a CRLF
        // after a POST body).
        if (line.empty()) continue;
        req_ = request{};
        in_.begin_message();
        if (!parse_request_line(line)) return stalled();
        phase_ = phase::fields;
        continue;
      }
      case phase::fields:
        if (!in_.read_fields(req_.headers) || !check_head()) return stalled();
        phase_ = phase::body;
        return http_event::head;
      case phase::body:
        if (!in_.read_body(req_.body)) return stalled();
        phase_ = phase::done;
        return http_event::message;
      case phase::done:
        return http_event::message;
      case phase::paused:
        return http_event::paused;
      case phase::failed:
        return http_event::error;
    }
  }
}

request request_parser::take() {
  assert(phase_ == phase::done);
  request r = std::move(req_);
  req_ = request{};
  // After an upgrade or CONNECT the next bytes are another protocol's: stop until told.
  phase_ = is_upgrade(r) || r.method == "CONNECT" ? phase::paused : phase::start;
  return r;
}

bool request_parser::has_body() const {
  auto f = in_.framing();
  return f == body_framing::chunked ||
         (f == body_framing::length && in_.declared_length().value_or(0) > 0);
}

void request_parser::resume() {
  if (phase_ == phase::paused) phase_ = phase::start;
}

bool request_parser::parse_request_line(std::string_view line) {
  auto sp1 = line.find(' '), sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp1 == sp2) return in_.fail(400, "malformed request line");
  auto method = line.substr(0, sp1);
  auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  int minor = parse_version(line.substr(sp2 + 1));
  if (minor == -1) return in_.fail(400, "malformed http version");
  if (minor == -2) return in_.fail(505, "unsupported http version");
  if (!is_token(method)) return in_.fail(400, "invalid method");
  req_.method = method;
  req_.target = target;
  req_.version_minor = minor;
  return parse_target();
}

bool request_parser::parse_target() {
  std::string_view t = req_.target;
  if (t.empty()) return in_.fail(400, "empty request target");
  // Raw UTF-8 is let through (browsers encode it, hand-written requests often do not); control
  // characters, spaces and fragments never belong in a request target.
  for (unsigned char c : t)
    if (c <= 0x20 || c == 0x7f || c == '#')
      return in_.fail(400, "invalid character in the request target");
  if (req_.method == "CONNECT") {
    // authority-form: host:port, nothing else.
    auto colon = t.rfind(':');
    bool ok = colon != std::string_view::npos && colon > 0 && colon + 1 < t.size() &&
              t.find_first_of("/?@") == std::string_view::npos;
    for (std::size_t i = colon + 1; ok && i < t.size(); ++i) ok = is_digit(t[i]);
    if (!ok) return in_.fail(400, "malformed connect target");
    return true;
  }
  if (t == "*") {
    if (req_.method != "OPTIONS") return in_.fail(400, "asterisk target outside OPTIONS");
    req_.path = "*";
    return true;
  }
  std::string_view rest = t;
  if (t.front() != '/') {
    // absolute-form, as sent to proxies: scheme "://" authority [path] ["?" query].
    auto sep = t.find("://");
    bool ok = sep != std::string_view::npos && sep > 0;
    for (std::size_t i = 0; ok && i < sep; ++i) {
      char c = t[i];
      ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (i > 0 && (is_digit(c) || c == '+' || c == '-' || c == '.'));
    }
    if (!ok) return in_.fail(400, "malformed request target");
    rest = t.substr(sep + 3);
    auto end = rest.find_first_of("/?");
    if (end == 0) return in_.fail(400, "malformed request target");
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
  }
  auto q = rest.find('?');
  auto raw_path = rest.substr(0, q);
  if (q != std::string_view::npos) req_.query = rest.substr(q + 1);
  auto path = percent_decode(raw_path.empty() ? std::string_view("/") : raw_path);
  if (!path) return in_.fail(400, "malformed percent-escape in the path");
  // A decoded NUL would cut the path short in any C API (files, logs) downstream.
  if (path->find('\0') != std::string::npos) return in_.fail(400, "NUL in the path");
  req_.path = std::move(*path);
  return true;
}

bool request_parser::check_head() {
  std::size_t hosts = 0;
  bool host_ok = true;
  for (const auto& [name, value] : req_.headers.fields()) {
    if (!iequals(name, "Host")) continue;
    ++hosts;
    host_ok = host_ok && is_host_value(value);
  }
  // RFC 9112 3.2: exactly one Host in HTTP/1.1; never two.
  if (hosts > 1) return in_.fail(400, "more than one host field");
  if (hosts == 0 && req_.version_minor == 1) return in_.fail(400, "missing host field");
  if (!host_ok) return in_.fail(400, "invalid host field");
  auto framing = body_framing::none;
  std::uint64_t length = 0;
  if (!framing_of(req_.headers, req_.version_minor, false, in_, framing, length)) return false;
  in_.begin_body(framing, length);
  return true;
}

// ---- responses ---------------------------------------------------------------------------------

response_parser::response_parser(http_limits limits) : in_(limits, true) {}

void response_parser::feed(std::string_view bytes) {
  in_.feed(bytes);
}

http_event response_parser::poll() {
  auto stalled = [&] {
    if (!in_.failed() && in_.eof()) in_.fail(502, "connection closed before the end of a response");
    if (!in_.failed()) return http_event::need_more;
    phase_ = phase::failed;
    return http_event::error;
  };
  for (;;) {
    switch (phase_) {
      case phase::start: {
        if (in_.eof() && in_.buffered() == 0) {
          phase_ = phase::ended;
          return http_event::end;
        }
        std::string_view line;
        if (!in_.read_line(line, in_.limits().max_start_line, 502, "status line too long"))
          return stalled();
        resp_ = response{};
        in_.begin_message();
        if (!parse_status_line(line)) return stalled();
        phase_ = phase::fields;
        continue;
      }
      case phase::fields:
        if (!in_.read_fields(resp_.headers)) return stalled();
        if (resp_.status < 200 && resp_.status != 101) {
          phase_ = phase::start;  // interim (100 Continue, 103 Early Hints): not the answer
          continue;
        }
        if (!check_head()) return stalled();
        phase_ = phase::body;
        return http_event::head;
      case phase::body:
        if (!in_.read_body(resp_.body)) return stalled();
        phase_ = phase::done;
        return http_event::message;
      case phase::done:
        return http_event::message;
      case phase::paused:
        return http_event::paused;
      case phase::ended:
        return http_event::end;
      case phase::failed:
        return http_event::error;
    }
  }
}

response response_parser::take() {
  assert(phase_ == phase::done);
  response r = std::move(resp_);
  resp_ = response{};
  phase_ = pause_after_ ? phase::paused : phase::start;
  pause_after_ = false;
  return r;
}

void response_parser::resume() {
  if (phase_ == phase::paused) phase_ = phase::start;
}

bool response_parser::parse_status_line(std::string_view line) {
  // HTTP-version SP 3DIGIT SP reason; a missing " reason" is tolerated, as most clients do.
  int minor = parse_version(line.substr(0, 8));
  if (minor == -1) return in_.fail(502, "malformed status line");
  if (minor == -2) return in_.fail(502, "unsupported http version");
  if (line.size() < 12 || line[8] != ' ' || !is_digit(line[9]) || !is_digit(line[10]) ||
      !is_digit(line[11]) || (line.size() > 12 && line[12] != ' '))
    return in_.fail(502, "malformed status line");
  int status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  if (status < 100 || status > 599) return in_.fail(502, "status code out of range");
  auto reason = line.size() > 12 ? line.substr(13) : std::string_view{};
  if (!detail::is_field_text(reason)) return in_.fail(502, "invalid character in the reason");
  resp_.status = status;
  resp_.reason = reason;
  version_minor_ = minor;
  return true;
}

bool response_parser::check_head() {
  int s = resp_.status;
  bool tunnel = method_ == "CONNECT" && s >= 200 && s < 300;
  pause_after_ = s == 101 || tunnel;
  auto framing = body_framing::none;
  std::uint64_t length = 0;
  // RFC 9112 6.3: these never have a body, whatever their fields say.
  bool bodyless = method_ == "HEAD" || s == 204 || s == 304 || pause_after_;
  if (!bodyless && !framing_of(resp_.headers, version_minor_, true, in_, framing, length))
    return false;
  in_.begin_body(framing, length);
  const auto& h = resp_.headers;
  keep_alive_ = framing != body_framing::until_close && !pause_after_ &&
                !h.has_token("Connection", "close") &&
                (version_minor_ == 1 || h.has_token("Connection", "keep-alive"));
  return true;
}

}  // namespace proto
