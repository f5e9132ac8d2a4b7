#pragma once
// Static files for `vitnet serve http://HOST:PORT --dir DIR`: everything that needs no I/O.
// The server stats and reads files; these functions decide content types, which path is safe,
// which ranges to send, whether a conditional request gets 304 or 412, and render listings.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands/serve/http/message.hpp"

namespace commands::http {

/// The Content-Type for a file name, by its extension (case-insensitive), with
/// "; charset=utf-8" for text types; "application/octet-stream" when unknown.
/// Example: content_type_for("app.mjs") == "text/javascript; charset=utf-8".
std::string_view content_type_for(std::string_view file_name);

/// Turns a percent-decoded request path into a path relative to the served root: "." segments
/// and repeated slashes vanish, "" is the root itself. Refuses (nullopt) a ".." segment, a
/// backslash, a NUL byte or a path not starting with '/'; since the path is already decoded,
/// "/%2e%2e/" arrives here as "/../" and is refused too.
/// Example: safe_relative_path("/a//./b/") == "a/b".
std::optional<std::string> safe_relative_path(std::string_view decoded_path);

/// Whether `candidate`, once symlinks are resolved (std::filesystem::weakly_canonical), lies
/// inside `root_canonical` (itself canonical) or is it. Touches the file system; false on error.
bool inside_root(const std::filesystem::path& root_canonical,
                 const std::filesystem::path& candidate);

/// An inclusive byte range of a representation.
struct byte_range {
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  std::uint64_t length() const { return last - first + 1; }
  friend bool operator==(const byte_range&, const byte_range&) = default;
};

/// What a Range header asks of a representation of a given size.
struct range_request {
  enum class kind {
    none,           ///< send the whole representation (no, malformed or unsupported Range)
    satisfiable,    ///< send `ranges`: 206, one Content-Range, or multipart for several
    unsatisfiable,  ///< 416 with Content-Range: bytes */size
  };
  kind k = kind::none;
  std::vector<byte_range> ranges;  ///< sorted, overlapping and adjacent ones merged
};

/// More ranges than this in one header and the whole representation is sent instead, so that a
/// client cannot make the server assemble thousands of tiny parts.
inline constexpr std::size_t max_ranges = 16;

/// Evaluates a Range header value: "bytes=0-99", "bytes=500-", "bytes=-500" (the last 500),
/// "bytes=0-0,-1". Ranges past the end are dropped (all dropped: unsatisfiable); a last byte past
/// the end is clamped. Malformed values, other units and more than max_ranges ranges give kind
/// none. Overlapping or adjacent ranges merge, and the result is sorted.
/// Example: parse_range("bytes=-5", 100) gives {95, 99}.
range_request parse_range(std::string_view value, std::uint64_t size);

/// "bytes 0-99/1000", for Content-Range.
std::string content_range(const byte_range& r, std::uint64_t size);
/// "bytes */1000", for Content-Range on a 416.
std::string content_range_unsatisfied(std::uint64_t size);

/// How to write a multipart/byteranges body, so the server can stream file bytes between the
/// parts' heads: heads[i], the bytes of ranges[i], ..., then tail.
struct multipart_layout {
  std::string content_type;  ///< "multipart/byteranges; boundary=B", for the response
  std::vector<std::string> heads;
  std::string tail;
  std::uint64_t length = 0;  ///< the whole body, for Content-Length
};

/// Lays out a multipart/byteranges body; `boundary` (1-70 characters, chosen by the caller so it
/// cannot occur in the content, e.g. random hex) and `part_type` (the file's Content-Type).
multipart_layout multipart_byteranges(const std::vector<byte_range>& ranges, std::uint64_t size,
                                      std::string_view part_type, std::string_view boundary);

/// The whole multipart/byteranges body when the content is in memory.
std::string multipart_byteranges_body(std::string_view content,
                                      const std::vector<byte_range>& ranges,
                                      std::string_view part_type, std::string_view boundary);

/// An entity tag from a file's size and modification time: "\"<mtime ns hex>-<size hex>\"",
/// e.g. "\"17b4c1d9e3a5f000-1a2b\"", prefixed "W/" when weak. Strong by default: a file with the
/// same size and nanosecond mtime is taken to have the same bytes.
std::string make_etag(std::uint64_t size, std::chrono::system_clock::time_point mtime,
                      bool weak = false);

/// The outcome of a request's preconditions.
enum class precondition {
  proceed,       ///< serve normally (Range may then apply, see range_applies)
  not_modified,  ///< 304, with ETag and Last-Modified but no body
  failed,        ///< 412 Precondition Failed
};

/// Evaluates If-Match, If-Unmodified-Since, If-None-Match and If-Modified-Since in the order of
/// RFC 9110 section 13.2.2 for a resource that exists. Dates compare at one-second precision;
/// an unparsable date is ignored. If-Modified-Since counts only for GET and HEAD and only
/// without If-None-Match; a matching If-None-Match gives 304 for GET and HEAD, 412 otherwise.
precondition evaluate_preconditions(const request& req, std::string_view etag,
                                    std::chrono::system_clock::time_point last_modified);

/// Whether the Range header of a GET may be honoured: there is no If-Range, or it holds a
/// strong entity tag equal to `etag`, or a date equal to `last_modified` (to the second).
bool range_applies(const request& req, std::string_view etag,
                   std::chrono::system_clock::time_point last_modified);

/// One entry of a directory, as the server read it.
struct dir_entry {
  enum class kind { file, directory, other };
  std::string name;  ///< the file name alone, as bytes from the file system
  kind type = kind::file;
  std::uint64_t size = 0;
  std::chrono::system_clock::time_point mtime{};
};

/// Whether an Accept header prefers application/json to text/html (by q-value; ties and a
/// missing header choose HTML).
bool prefers_json(const header_list& headers);

/// An HTML page listing `entries` of the directory at `url_path` (decoded, ending in '/'):
/// directories first, then by name; names escaped, links percent-encoded and relative; a parent
/// link except at "/".
std::string listing_html(std::string_view url_path, std::vector<dir_entry> entries);

/// A JSON array of {"name", "type" ("file", "directory", "other"), "size", "mtime" (RFC 3339
/// UTC)}, in the order of listing_html. Bytes that are not UTF-8 become U+FFFD.
std::string listing_json(std::vector<dir_entry> entries);

/// A 200 listing in the format the request's Accept prefers, with Content-Type and Vary: Accept.
response listing_response(const request& req, std::vector<dir_entry> entries);

}  // namespace commands::http
