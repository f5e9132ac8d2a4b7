#include "proto/jsonrpc/framing.hpp"

#include <fmt/format.h>

#include <charconv>

#include "proto/http1/message.hpp"

namespace proto::jsonrpc {

namespace {

constexpr std::size_t max_header_block = 4096;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<framing> parse_framing(std::string_view name) {
  if (name == "ndjson") return framing::ndjson;
  if (name == "lsp") return framing::lsp;
  return std::nullopt;
}

std::string frame(framing f, std::string_view body) {
  if (f == framing::ndjson) {
    std::string out(body);
    out += '\n';
    return out;
  }
  return fmt::format("Content-Length: {}\r\n\r\n{}", body.size(), body);
}

std::optional<std::string> deframer::next() {
  if (!error_.empty()) return std::nullopt;
  auto body = f_ == framing::ndjson ? next_line() : next_lsp();
  compact();
  return body;
}

void deframer::compact() {
  // Consumed bytes are dropped once they are most of the buffer, so it stays near one message.
  if (start_ > 0 && start_ * 2 >= buf_.size()) {
    buf_.erase(0, start_);
    start_ = 0;
  }
}

std::optional<std::string> deframer::next_line() {
  for (;;) {
    auto lf = buf_.find('\n', start_ + scanned_);
    if (lf == std::string::npos) {
      scanned_ = buf_.size() - start_;
      if (scanned_ > max_body_) error_ = fmt::format("a line longer than {} bytes", max_body_);
      return std::nullopt;
    }
    std::string_view line(buf_.data() + start_, lf - start_);
    if (line.ends_with('\r')) line.remove_suffix(1);
    start_ = lf + 1;
    scanned_ = 0;
    if (line.size() > max_body_) {
      error_ = fmt::format("a line longer than {} bytes", max_body_);
      return std::nullopt;
    }
    if (trim(line).empty()) continue;
    return std::string(line);
  }
}

std::optional<std::string> deframer::next_lsp() {
  if (!length_) {
    auto end = buf_.find("\r\n\r\n", start_);
    if (end == std::string::npos) {
      if (buf_.size() - start_ > max_header_block)
        error_ = fmt::format("a header block longer than {} bytes", max_header_block);
      return std::nullopt;
    }
    if (end - start_ > max_header_block) {
      error_ = fmt::format("a header block longer than {} bytes", max_header_block);
      return std::nullopt;
    }
    std::string_view block(buf_.data() + start_, end - start_);
    std::optional<std::size_t> length;
    while (!block.empty()) {
      auto eol = block.find("\r\n");
      auto line = block.substr(0, eol);
      block = eol == std::string_view::npos ? std::string_view{} : block.substr(eol + 2);
      auto colon = line.find(':');
      if (colon == std::string_view::npos) {
        error_ = "a header line without a colon";
        return std::nullopt;
      }
      if (!proto::iequals(trim(line.substr(0, colon)), "Content-Length")) continue;
      auto value = trim(line.substr(colon + 1));
      std::size_t n = 0;
      auto r = std::from_chars(value.data(), value.data() + value.size(), n);
      if (value.empty() || r.ec != std::errc() || r.ptr != value.data() + value.size() ||
          (length && *length != n)) {
        error_ = fmt::format("Content-Length '{}' is not a length", value);
        return std::nullopt;
      }
      length = n;
    }
    if (!length) {
      error_ = "a header block without Content-Length";
      return std::nullopt;
    }
    if (*length > max_body_) {
      error_ = fmt::format("a message of {} bytes (more than {})", *length, max_body_);
      return std::nullopt;
    }
    length_ = length;
    start_ = end + 4;
  }
  if (buf_.size() - start_ < *length_) return std::nullopt;
  std::string body = buf_.substr(start_, *length_);
  start_ += *length_;
  length_.reset();
  return body;
}

}  // namespace proto::jsonrpc
