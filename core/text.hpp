#pragma once
// Text from the outside world (a process's output, a peer's bytes) made safe for reports that
// must be valid UTF-8 (JSON, XML).
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

/// Whether `a` and `b` are equal, in a time that depends only on their lengths, so how long a
/// wrong password takes to refuse says nothing of the right one.
bool same_secret(std::string_view a, std::string_view b);

}  // namespace core
