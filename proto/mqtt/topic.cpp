// MQTT topic names, topic filters and how a filter matches a name (sections 4.7 of 3.1.1 and 5.0).
#include "proto/mqtt/packet.hpp"
#include "proto/ws/frame.hpp"

namespace proto::mqtt {

namespace {

// What every topic name and filter is: 1 to 65535 bytes of UTF-8 without U+0000.
bool valid_topic_string(std::string_view s) {
  return !s.empty() && s.size() <= 0xffff && s.find('\0') == std::string_view::npos &&
         ws::is_valid_utf8(s);
}

// The level of `s` up to the next '/', and whether it is the last one.
std::string_view level(std::string_view s, bool& last) {
  const std::size_t slash = s.find('/');
  last = slash == std::string_view::npos;
  return s.substr(0, slash);
}

}  // namespace

bool valid_topic_name(std::string_view topic) {
  return valid_topic_string(topic) && topic.find_first_of("+#") == std::string_view::npos;
}

bool valid_topic_filter(std::string_view filter) {
  if (!valid_topic_string(filter)) return false;
  while (true) {
    bool last = false;
    const std::string_view l = level(filter, last);
    if (l == "#") return last;
    if (l != "+" && l.find_first_of("+#") != std::string_view::npos) return false;
    if (last) return true;
    filter.remove_prefix(l.size() + 1);
  }
}

bool topic_matches(std::string_view filter, std::string_view topic) {
  if (!topic.empty() && topic.front() == '$' && !filter.empty() &&
      (filter.front() == '+' || filter.front() == '#'))
    return false;
  while (true) {
    bool f_last = false, t_last = false;
    const std::string_view f = level(filter, f_last), t = level(topic, t_last);
    if (f == "#") return true;
    if (f != "+" && f != t) return false;
    if (f_last && t_last) return true;
    if (f_last) return false;
    filter.remove_prefix(f.size() + 1);
    // "a/#" matches "a": the filter's only level left is '#', standing for the parent level.
    if (t_last) return filter == "#";
    topic.remove_prefix(t.size() + 1);
  }
}

}  // namespace proto::mqtt
