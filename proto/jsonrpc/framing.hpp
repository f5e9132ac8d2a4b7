#pragma once
// How JSON-RPC messages follow each other on a byte stream: one per line (ndjson), or each after a
// header block giving its length in bytes (lsp: "Content-Length: 42\r\n\r\n", as the Language
// Server Protocol and its kin frame them). Sans-io: bytes in, whole message bodies out.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace proto::jsonrpc {

enum class framing { ndjson, lsp };

/// "ndjson" or "lsp" to a framing; nullopt for anything else.
std::optional<framing> parse_framing(std::string_view name);

/// `body` framed for the wire: a line, or a Content-Length header block and the bytes.
/// Example: frame(framing::lsp, "{}") == "Content-Length: 2\r\n\r\n{}".
std::string frame(framing f, std::string_view body);

/// Cuts a byte stream into message bodies. A body over `max_body` bytes, a header block over
/// 4 KiB, or a header block without a usable Content-Length is an error: the stream cannot be
/// read further, and error() says why.
class deframer {
 public:
  explicit deframer(framing f, std::size_t max_body = 16 << 20) : f_(f), max_body_(max_body) {}

  void feed(std::string_view bytes) { buf_.append(bytes); }
  /// The next whole body, or nullopt when more bytes are needed (or after an error). Blank lines
  /// between ndjson messages are skipped; a line's CR before its LF is not part of it.
  std::optional<std::string> next();
  /// Bytes held that do not make a whole message yet: at the end of the stream, a partial message.
  std::size_t pending() const { return buf_.size() - start_; }
  const std::string& error() const { return error_; }

 private:
  std::optional<std::string> next_line();
  std::optional<std::string> next_lsp();
  void compact();

  framing f_;
  std::size_t max_body_;
  std::string buf_;
  std::size_t start_ = 0;              ///< where unread bytes begin in buf_
  std::size_t scanned_ = 0;            ///< ndjson: bytes after start_ known to hold no LF
  std::optional<std::size_t> length_;  ///< lsp: the body length once its headers are read
  std::string error_;
};

}  // namespace proto::jsonrpc
