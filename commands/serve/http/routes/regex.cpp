// body_matches: POSIX extended regular expressions, guarded against patterns that cost too much.
#include <fmt/format.h>

#include <algorithm>

#include "commands/serve/http/routes/detail.hpp"

namespace commands::http::routes_detail {

namespace {

// The regex compiler builds one state per repetition and recurses per nested group, so a
// pattern like "(a{1000}){1000}" or a thousand nested groups would exhaust memory or stack.
std::optional<std::string> too_costly(std::string_view re) {
  std::uint64_t product = 1;
  int depth = 0;
  bool in_class = false;
  for (std::size_t i = 0; i < re.size(); ++i) {
    char c = re[i];
    if (c == '\\') {
      // A backreference makes glibc's matcher backtrack: a few hundred bytes of body can take
      // minutes, on the event loop. Refused at load time.
      if (!in_class && i + 1 < re.size() && re[i + 1] >= '1' && re[i + 1] <= '9')
        return "uses a backreference (\\" + std::string(1, re[i + 1]) +
               "), which can take exponential time to match; write the pattern without it";
      ++i;
    } else if (in_class) {
      in_class = c != ']';
    } else if (c == '[') {
      in_class = true;
    } else if (c == '(' && ++depth > 32) {
      return "nests groups more than 32 deep";
    } else if (c == ')') {
      --depth;
    } else if (c == '{') {
      // {n}, {n,} or {n,m}: the engine makes up to the largest count of copies.
      std::uint64_t largest = 0, n = 0;
      for (std::size_t j = i + 1; j < re.size() && re[j] != '}'; ++j) {
        if (re[j] == ',') {
          n = 0;
          continue;
        }
        if (re[j] < '0' || re[j] > '9') break;
        n = std::min<std::uint64_t>(n * 10 + static_cast<std::uint64_t>(re[j] - '0'), 1000000);
        largest = std::max(largest, n);
      }
      product *= std::max<std::uint64_t>(largest, 1);
      if (product > 10000) return "repeats too much (counted repetitions multiply past 10000)";
    }
  }
  return std::nullopt;
}

}  // namespace

std::shared_ptr<const body_regex> body_regex::compile(std::string_view pattern,
                                                      std::string& error) {
  if (pattern.find('\0') != std::string_view::npos) {
    error = "holds a NUL byte";
    return nullptr;
  }
  if (auto why = too_costly(pattern)) {
    error = *why;
    return nullptr;
  }
  // \d and \D are not POSIX, but people write them; glibc already knows \s \w \b.
  std::string translated;
  bool in_class = false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (in_class) {
      if (c == '[' && i + 1 < pattern.size() &&
          std::string_view(":.=").find(pattern[i + 1]) != std::string_view::npos) {
        // [:alpha:], [.x.] and [=e=] hold a ']' of their own.
        auto end = pattern.find(std::string{pattern[i + 1], ']'}, i + 2);
        if (end != std::string_view::npos) {
          translated += pattern.substr(i, end + 2 - i);
          i = end + 1;
          continue;
        }
      }
      in_class = c != ']';
      translated += c;
    } else if (c == '\\' && i + 1 < pattern.size()) {
      char d = pattern[++i];
      translated += d == 'd' ? "[0-9]" : d == 'D' ? "[^0-9]" : std::string{c, d};
    } else if (c == '[') {
      in_class = true;
      translated += c;
      // A ']' first in the class (after an optional '^') is a member, not the end.
      if (i + 1 < pattern.size() && pattern[i + 1] == '^') translated += pattern[++i];
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') translated += pattern[++i];
    } else {
      translated += c;
    }
  }
  std::shared_ptr<body_regex> out(new body_regex);
  int rc = regcomp(&out->re_, translated.c_str(), REG_EXTENDED | REG_NOSUB);
  if (rc != 0) {
    char message[256];
    regerror(rc, &out->re_, message, sizeof message);
    error = fmt::format("is not a valid regular expression: {}", message);
    for (auto& ch : error) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    // regcomp failed: nothing to free, so the destructor must not call regfree.
    out->failed_ = true;
    return nullptr;
  }
  return out;
}

bool body_regex::search(std::string_view text, bool cut) const {
  regmatch_t range[1];
  range[0].rm_so = 0;
  range[0].rm_eo = static_cast<regoff_t>(text.size());
  static const char empty = 0;
  return regexec(&re_, text.empty() ? &empty : text.data(), 1, range,
                 REG_STARTEND | (cut ? REG_NOTEOL : 0)) == 0;
}

body_regex::~body_regex() {
  if (!failed_) regfree(&re_);
}

}  // namespace commands::http::routes_detail
