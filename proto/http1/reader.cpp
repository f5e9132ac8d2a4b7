// The part of HTTP/1.1 parsing requests and responses share: buffering, lines, header fields and
// the three ways a body is delimited (Content-Length, chunked, the end of the stream).
//
// Every check depends only on the bytes seen so far and is made in the order they arrive, so
// feeding a message in one piece or byte by byte gives the same result and the same error.
#include <cstdint>
#include <string>
#include <string_view>

#include "proto/buffer.hpp"
#include "proto/http1/parser.hpp"

namespace proto::detail {

namespace {

bool is_tchar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

}  // namespace proto::detail

bool proto::is_token(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s)
    if (!detail::is_tchar(c)) return false;
  return true;
}

namespace proto::detail {

bool is_field_text(std::string_view s) {
  for (unsigned char c : s)
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  return true;
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

http1_reader::http1_reader(const http_limits& limits, bool response)
    : limits_(limits), response_(response) {}

void http1_reader::feed(std::string_view bytes) {
  if (failed()) return;
  scan_ -= append_compacting(buf_, pos_, bytes);
}

std::string http1_reader::take_buffered() {
  std::string rest = buf_.substr(pos_);
  buf_.clear();
  pos_ = scan_ = 0;
  return rest;
}

bool http1_reader::fail(int status, std::string message) {
  if (!failed()) error_ = {response_ ? 502 : status, std::move(message)};
  return false;
}

bool http1_reader::read_line(std::string_view& line, std::size_t limit, int too_long_status,
                             std::string_view too_long_message) {
  if (failed()) return false;
  auto lf = buf_.find('\n', scan_);
  if (lf == std::string::npos) {
    scan_ = buf_.size();
    // One byte of slack: the last byte may be the CR of a line that is exactly at the limit.
    if (buf_.size() - pos_ > limit + 1) return fail(too_long_status, std::string(too_long_message));
    return false;
  }
  std::size_t end = lf;
  bool crlf = end > pos_ && buf_[end - 1] == '\r';
  if (crlf) --end;
  // The length is checked before the content so that the error does not depend on whether the
  // line arrived whole or in pieces (the check above sees only the length).
  if (end - pos_ > limit) return fail(too_long_status, std::string(too_long_message));
  if (!crlf && !response_) return fail(400, "line ends in a bare LF");
  line = std::string_view(buf_).substr(pos_, end - pos_);
  if (line.find('\r') != std::string_view::npos) return fail(400, "bare CR in a line");
  pos_ = scan_ = lf + 1;
  return true;
}

bool http1_reader::read_field_line(std::string_view& line) {
  std::size_t budget =
      header_bytes_ < limits_.max_header_bytes ? limits_.max_header_bytes - header_bytes_ : 0;
  if (!read_line(line, budget, 431, "header section too large")) return false;
  header_bytes_ += line.size() + 2;
  return true;
}

bool http1_reader::flush_field(header_list& into) {
  if (!pending_) return true;
  if (++fields_ > limits_.max_headers) return fail(431, "too many header fields");
  into.add(std::move(pending_->first), std::move(pending_->second));
  pending_.reset();
  return true;
}

bool http1_reader::read_fields(header_list& into) {
  for (;;) {
    std::string_view line;
    if (!read_field_line(line)) return false;
    if (line.empty()) return flush_field(into);
    if (line.front() == ' ' || line.front() == '\t') {
      // obs-fold: a request must be rejected (RFC 9112 5.2); in a response it becomes a space.
      if (!response_ || !pending_) return fail(400, "obsolete line folding");
      auto more = trim_ows(line);
      if (!is_field_text(more)) return fail(400, "invalid character in a header value");
      pending_->second += ' ';
      pending_->second += more;
      continue;
    }
    if (!flush_field(into)) return false;
    auto colon = line.find(':');
    if (colon == std::string_view::npos) return fail(400, "header line without a colon");
    auto name = line.substr(0, colon);
    if (!name.empty() && (name.back() == ' ' || name.back() == '\t'))
      return fail(400, "whitespace before a header colon");
    if (!is_token(name)) return fail(400, "invalid header name");
    auto value = trim_ows(line.substr(colon + 1));
    if (!is_field_text(value)) return fail(400, "invalid character in a header value");
    pending_.emplace(std::string(name), std::string(value));
  }
}

void http1_reader::begin_message() {
  header_bytes_ = fields_ = 0;
  pending_.reset();
  framing_ = body_framing::none;
  remaining_ = 0;
  declared_.reset();
  chunk_ = chunk_state::size;
  trailers_ = {};
}

void http1_reader::begin_body(body_framing framing, std::uint64_t length) {
  framing_ = framing;
  remaining_ = length;
  if (framing == body_framing::length) declared_ = length;
  chunk_ = chunk_state::size;
}

bool http1_reader::read_body(std::string& body) {
  if (failed()) return false;
  switch (framing_) {
    case body_framing::none:
      return true;
    case body_framing::length: {
      auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, buffered()));
      body.append(buf_, pos_, n);
      pos_ += n;
      scan_ = pos_;
      remaining_ -= n;
      if (remaining_ == 0) return true;
      if (eof_) return fail(400, "connection closed before the end of the body");
      return false;
    }
    case body_framing::until_close:
      if (!unbounded_ && buffered() > limits_.max_body - body.size())
        return fail(413, "body too large");
      body.append(buf_, pos_);
      pos_ = scan_ = buf_.size();
      return eof_;
    case body_framing::chunked:
      if (read_chunked(body)) return true;
      if (!failed() && eof_) return fail(400, "connection closed before the end of the body");
      return false;
  }
  return false;
}

bool http1_reader::read_chunked(std::string& body) {
  for (;;) {
    switch (chunk_) {
      case chunk_state::size: {
        std::string_view line;
        if (!read_line(line, limits_.max_chunk_line, 400, "chunk line too long")) return false;
        std::uint64_t size = 0;
        std::size_t i = 0;
        for (; i < line.size() && hex_digit(line[i]) >= 0; ++i) {
          if (size > (UINT64_MAX >> 4)) return fail(413, "chunk too large");
          size = size * 16 + static_cast<std::uint64_t>(hex_digit(line[i]));
        }
        if (i == 0) return fail(400, "malformed chunk size");
        // Extensions (";name=value") are allowed and ignored; only their characters are checked.
        auto ext = trim_ows(line.substr(i));
        if (!ext.empty() && (ext.front() != ';' || !is_field_text(ext)))
          return fail(400, "malformed chunk extension");
        if (size == 0) {
          chunk_ = chunk_state::trailers;
          break;
        }
        if (!unbounded_ && size > limits_.max_body - body.size())
          return fail(413, "body too large");
        remaining_ = size;
        chunk_ = chunk_state::data;
        break;
      }
      case chunk_state::data: {
        auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, buffered()));
        body.append(buf_, pos_, n);
        pos_ += n;
        scan_ = pos_;
        remaining_ -= n;
        if (remaining_ > 0) return false;
        chunk_ = chunk_state::data_end;
        break;
      }
      case chunk_state::data_end: {
        if (buffered() == 0) return false;
        if (buf_[pos_] == '\r') {
          if (buffered() < 2) return false;
          if (buf_[pos_ + 1] != '\n') return fail(400, "missing CRLF after chunk data");
          pos_ += 2;
        } else if (buf_[pos_] == '\n' && response_) {
          pos_ += 1;
        } else {
          return fail(400, "missing CRLF after chunk data");
        }
        scan_ = pos_;
        chunk_ = chunk_state::size;
        break;
      }
      case chunk_state::trailers:
        // Trailer fields are checked like header fields, then dropped: nothing here uses them,
        // and merging them into the headers is only safe for fields that allow it.
        if (!read_fields(trailers_)) return false;
        trailers_ = {};
        return true;
    }
  }
}

}  // namespace proto::detail
