#pragma once
// Text from the outside world (a process's output, a peer's bytes) made safe for reports that
// must be valid UTF-8 (JSON, XML).
#include <optional>
#include <string>
#include <string_view>

namespace core {

/// `s` with every byte that is not part of a valid UTF-8 sequence replaced by U+FFFD.
/// Example: valid_utf8("a\xff") == "a\uFFFD".
std::string valid_utf8(std::string_view s);

/// At most `max` bytes of `s`, cut at a character boundary, with "..." appended if cut.
std::string truncate_utf8(std::string_view s, std::size_t max);

/// A word quoted for a POSIX shell when it needs it: shell_quote("a b") == "'a b'".
std::string shell_quote(std::string_view word);

/// Levenshtein distance, for "did you mean" suggestions.
/// Example: edit_distance("sevre", "serve") == 2.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// Takes the first complete line (up to and with its "\n") off the front of `pending`; nullopt,
/// leaving `pending` as it is, when no line is complete yet.
/// Example: with pending "a\nb", next_line(pending) == "a\n" and pending becomes "b".
std::optional<std::string> next_line(std::string& pending);

/// `in` with every bare LF turned into CRLF. `last` is the byte before `in` (for text that
/// comes in pieces: a CR at the end of one piece and an LF at the start of the next are a pair)
/// and becomes the last byte of `in`. Example: with last = 0, with_crlf("a\nb\r\n", last) ==
/// "a\r\nb\r\n".
std::string with_crlf(std::string_view in, char& last);

/// Whether `a` and `b` are equal, in a time that depends only on their lengths, so how long a
/// wrong password takes to refuse says nothing of the right one.
bool same_secret(std::string_view a, std::string_view b);

}  // namespace core
