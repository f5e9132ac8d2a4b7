#include "proto/resp/resp.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

#include "proto/buffer.hpp"

namespace proto::resp {

namespace {

constexpr std::string_view crlf = "\r\n";

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

std::string_view unsigned_part(std::string_view s) {
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) s.remove_prefix(1);
  return s;
}

// A signed 64-bit integer with an optional sign.
std::optional<std::int64_t> integer_of(std::string_view s) {
  if (!all_digits(unsigned_part(s))) return std::nullopt;
  if (s.front() == '+') s.remove_prefix(1);
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// A length or count: decimal digits only, and it fits in 64 bits.
std::optional<std::uint64_t> count_of(std::string_view s) {
  if (!all_digits(s)) return std::nullopt;
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// The specification's grammar: digits, optionally '.' and digits, optionally an exponent; with
// a sign; or inf, infinity, nan in any case (older redis wrote "-nan", "NAN").
bool valid_double(std::string_view s) {
  s = unsigned_part(s);
  if (iequals(s, "inf") || iequals(s, "infinity") || iequals(s, "nan")) return true;
  auto digits = [&s] {
    std::size_t n = 0;
    while (n < s.size() && is_digit(s[n])) ++n;
    s.remove_prefix(n);
    return n > 0;
  };
  if (!digits()) return false;
  if (!s.empty() && s.front() == '.') {
    s.remove_prefix(1);
    if (!digits()) return false;
  }
  if (!s.empty() && (s.front() == 'e' || s.front() == 'E')) {
    s = unsigned_part(s.substr(1));
    if (!digits()) return false;
  }
  return s.empty();
}

bool known_type(char c) {
  return std::string_view("+-:$*_#,(!=%~>|").find(c) != std::string_view::npos;
}

bool has_body(char c) {
  return c == '$' || c == '!' || c == '=';
}

kind aggregate_kind(char c) {
  switch (c) {
    case '%':
      return kind::map;
    case '~':
      return kind::set;
    case '>':
      return kind::push;
    default:
      return kind::array;
  }
}

void header(std::string& out, char type, std::size_t n) {
  out += type;
  out += std::to_string(n);
  out += crlf;
}

void quoted(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  for (char c : s) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      default: {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u < 0x7f) {
          out += c;
        } else {
          out += "\\x";
          out += hex[u >> 4];
          out += hex[u & 15];
        }
      }
    }
  }
  out += '"';
}

void render(const value& v, const std::string& prefix, std::string& out);

// Numbered elements as redis-cli numbers them: the index right-aligned to the widest, then the
// separator; nested lines indented past the index. Map values that are aggregates start on a
// line of their own, as redis-cli 7 prints them.
void render_items(const std::vector<value>& items, bool pairs, char sep, const std::string& prefix,
                  std::string& out) {
  const std::size_t n = pairs ? items.size() / 2 : items.size();
  std::size_t width = 1;
  for (std::size_t i = n; i >= 10; i /= 10) ++width;
  const std::string inner = prefix + std::string(width + 2, ' ');
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) out.append("\n").append(prefix);
    const std::string index = std::to_string(i + 1);
    out.append(width - index.size(), ' ').append(index);
    out += sep;
    out += ' ';
    if (!pairs) {
      render(items[i], inner, out);
      continue;
    }
    render(items[2 * i], inner, out);
    const value& val = items[2 * i + 1];
    out += " => ";
    const bool own_lines =
        !val.attributes.empty() || ((val.type == kind::array || val.type == kind::map ||
                                     val.type == kind::set || val.type == kind::push) &&
                                    !val.children.empty());
    if (own_lines) {
      out.append("\n").append(inner);
    }
    render(val, inner, out);
  }
}

void render(const value& v, const std::string& prefix, std::string& out) {
  if (!v.attributes.empty()) {
    render_items(v.attributes, true, '|', prefix, out);
    out.append("\n").append(prefix);
  }
  switch (v.type) {
    case kind::simple_string:
    case kind::verbatim_string:
      out += v.text;
      break;
    case kind::error:
    case kind::bulk_error:
      out.append("(error) ").append(v.text);
      break;
    case kind::integer:
      out.append("(integer) ").append(std::to_string(v.integer));
      break;
    case kind::bulk_string:
      quoted(out, v.text);
      break;
    case kind::null_bulk_string:
    case kind::null_array:
    case kind::null:
      out += "(nil)";
      break;
    case kind::boolean:
      out += v.boolean ? "(true)" : "(false)";
      break;
    case kind::double_number:
      out.append("(double) ").append(v.text);
      break;
    case kind::big_number:
      out.append("(big number) ").append(v.text);
      break;
    case kind::array:
    case kind::push:
      if (v.children.empty()) out += v.type == kind::array ? "(empty array)" : "(empty push)";
      render_items(v.children, false, ')', prefix, out);
      break;
    case kind::set:
      if (v.children.empty()) out += "(empty set)";
      render_items(v.children, false, '~', prefix, out);
      break;
    case kind::map:
      if (v.children.empty()) out += "(empty hash)";
      render_items(v.children, true, '#', prefix, out);
      break;
  }
}

}  // namespace

bool value::is_null() const {
  return type == kind::null || type == kind::null_bulk_string || type == kind::null_array;
}

double value::as_double() const {
  if (type != kind::double_number) return 0;
  std::string_view s = text;
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  const bool negative = !s.empty() && s.front() == '-';
  const std::string_view u = unsigned_part(s);
  if (iequals(u, "inf") || iequals(u, "infinity"))
    return negative ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
  if (iequals(u, "nan")) return std::numeric_limits<double>::quiet_NaN();
  double d = 0;
  std::from_chars(s.data(), s.data() + s.size(), d);
  return d;
}

std::string_view error_text(fault f) {
  switch (f) {
    case fault::none:
      return "";
    case fault::unknown_type:
      return "unknown type byte";
    case fault::bad_length:
      return "invalid length or count";
    case fault::bad_line:
      return "missing CRLF";
    case fault::bad_value:
      return "malformed value";
    case fault::line_too_long:
      return "line over the limit";
    case fault::bulk_too_long:
      return "bulk length over the limit";
    case fault::too_many_elements:
      return "element count over the limit";
    case fault::too_deep:
      return "nesting over the limit";
  }
  return "";
}

void parser::feed(std::string_view bytes) {
  if (fault_ != fault::none) return;
  append_compacting(buf_, pos_, bytes);
}

bool parser::fail(fault f) {
  fault_ = f;
  buf_.clear();
  pos_ = 0;
  stack_.clear();
  pending_attributes_.clear();
  body_.reset();
  done_.reset();
  scanned_ = 0;
  return false;
}

std::optional<value> parser::next() {
  while (fault_ == fault::none && !done_ && step()) {
  }
  std::optional<value> v = std::move(done_);
  done_.reset();
  return v;
}

bool parser::step() {
  std::string_view in(buf_);
  in.remove_prefix(pos_);
  if (body_) {
    // The body and its CRLF; a wrong byte where the CRLF goes fails as soon as it is seen.
    if (in.size() > body_size_ && in[body_size_] != '\r') return fail(fault::bad_line);
    if (in.size() > body_size_ + 1 && in[body_size_ + 1] != '\n') return fail(fault::bad_line);
    if (in.size() < body_size_ + 2) return false;
    value v = std::move(*body_);
    body_.reset();
    std::string_view body = in.substr(0, body_size_);
    pos_ += body_size_ + 2;
    if (v.type == kind::verbatim_string) {
      if (body.size() < 4 || body[3] != ':') return fail(fault::bad_value);
      v.format.assign(body.substr(0, 3));
      body.remove_prefix(4);
    }
    v.text.assign(body);
    complete(std::move(v));
    return true;
  }
  if (in.empty()) return false;
  const char type = in.front();
  if (!known_type(type)) return fail(fault::unknown_type);
  // Look no further than a line at the limit and its CR could reach, and not again at bytes
  // already looked at: a line trickling in byte by byte costs linear time.
  const std::string_view window = in.substr(0, limits_.max_line + 1);
  const std::size_t end = window.find_first_of(crlf, scanned_);
  if (end == std::string_view::npos) {
    scanned_ = window.size();
    if (in.size() > limits_.max_line) fail(fault::line_too_long);
    return false;
  }
  if (in[end] == '\n') return fail(fault::bad_line);
  if (in.size() == end + 1) return false;
  if (in[end + 1] != '\n') return fail(fault::bad_line);
  const std::string_view line = in.substr(1, end - 1);
  pos_ += end + 2;
  scanned_ = 0;
  if (type == '*' || type == '%' || type == '~' || type == '>' || type == '|')
    return open(type, line);
  return scalar(type, line);
}

// A value on one line, or the header of a body.
bool parser::scalar(char type, std::string_view line) {
  value v;
  v.attributes = std::move(pending_attributes_);
  pending_attributes_.clear();
  if (has_body(type)) {
    if (type == '$' && line == "-1") {
      v.type = kind::null_bulk_string;
      complete(std::move(v));
      return true;
    }
    const auto n = count_of(line);
    if (!n) return fail(fault::bad_length);
    if (*n > limits_.max_bulk) return fail(fault::bulk_too_long);
    v.type = type == '$'   ? kind::bulk_string
             : type == '!' ? kind::bulk_error
                           : kind::verbatim_string;
    body_ = std::move(v);
    body_size_ = static_cast<std::size_t>(*n);
    return true;
  }
  switch (type) {
    case '+':
    case '-':
      v.type = type == '+' ? kind::simple_string : kind::error;
      v.text.assign(line);
      break;
    case ':': {
      auto n = integer_of(line);
      if (!n) return fail(fault::bad_value);
      v.type = kind::integer;
      v.integer = *n;
      break;
    }
    case '_':
      if (!line.empty()) return fail(fault::bad_value);
      v.type = kind::null;
      break;
    case '#':
      if (line != "t" && line != "f") return fail(fault::bad_value);
      v.type = kind::boolean;
      v.boolean = line == "t";
      break;
    case ',':
      if (!valid_double(line)) return fail(fault::bad_value);
      v.type = kind::double_number;
      v.text.assign(line);
      break;
    case '(':
      if (!all_digits(unsigned_part(line))) return fail(fault::bad_value);
      v.type = kind::big_number;
      v.text.assign(line);
      break;
  }
  complete(std::move(v));
  return true;
}

// The header of an aggregate or attribute: its frame is opened, or an empty one is complete.
bool parser::open(char type, std::string_view line) {
  if (type == '*' && line == "-1") {
    value v{.type = kind::null_array, .attributes = std::move(pending_attributes_)};
    pending_attributes_.clear();
    complete(std::move(v));
    return true;
  }
  const auto declared = count_of(line);
  if (!declared) return fail(fault::bad_length);
  const std::uint64_t n = *declared;
  const bool pairs = type == '%' || type == '|';
  if (n > (pairs ? limits_.max_elements / 2 : limits_.max_elements))
    return fail(fault::too_many_elements);
  if (stack_.size() >= limits_.max_depth) return fail(fault::too_deep);
  const auto count = static_cast<std::size_t>(pairs ? n * 2 : n);
  frame f;
  if (type == '|') {
    f.attribute = true;
    f.carried = std::move(pending_attributes_);
  } else {
    f.v.type = aggregate_kind(type);
    f.v.attributes = std::move(pending_attributes_);
  }
  pending_attributes_.clear();
  f.remaining = count;
  if (count == 0) {
    if (f.attribute) {
      pending_attributes_ = std::move(f.carried);
    } else {
      complete(std::move(f.v));
    }
    return true;
  }
  // Each element takes at least 3 bytes ("_\r\n"): reserve no more than the bytes at hand hold.
  f.v.children.reserve(std::min(count, pending() / 3));
  stack_.push_back(std::move(f));
  return true;
}

// A value is whole: it goes into the innermost open aggregate, completing it and those around it
// in turn, or out of next() at the top level. An attribute complete waits for the next value.
void parser::complete(value v) {
  while (!stack_.empty()) {
    frame& f = stack_.back();
    f.v.children.push_back(std::move(v));
    if (--f.remaining > 0) return;
    frame whole = std::move(f);
    stack_.pop_back();
    if (whole.attribute) {
      pending_attributes_ = std::move(whole.carried);
      for (auto& c : whole.v.children) pending_attributes_.push_back(std::move(c));
      return;
    }
    v = std::move(whole.v);
  }
  done_ = std::move(v);
}

std::string write_command(std::span<const std::string_view> args) {
  std::string out;
  header(out, '*', args.size());
  for (auto a : args) {
    header(out, '$', a.size());
    out.append(a).append(crlf);
  }
  return out;
}

std::string write_command(std::initializer_list<std::string_view> args) {
  return write_command(std::span<const std::string_view>(args.begin(), args.size()));
}

void write(const value& v, std::string& out) {
  if (!v.attributes.empty()) {
    header(out, '|', v.attributes.size() / 2);
    for (const auto& a : v.attributes) write(a, out);
  }
  auto line = [&out](char type, std::string_view text) {
    out += type;
    out.append(text).append(crlf);
  };
  auto body = [&out](char type, std::string_view head, std::string_view text) {
    header(out, type, head.size() + text.size());
    out.append(head).append(text).append(crlf);
  };
  switch (v.type) {
    case kind::simple_string:
      return line('+', v.text);
    case kind::error:
      return line('-', v.text);
    case kind::integer:
      return line(':', std::to_string(v.integer));
    case kind::bulk_string:
      return body('$', "", v.text);
    case kind::null_bulk_string:
      return line('$', "-1");
    case kind::null_array:
      return line('*', "-1");
    case kind::null:
      return line('_', "");
    case kind::boolean:
      return line('#', v.boolean ? "t" : "f");
    case kind::double_number:
      return line(',', v.text);
    case kind::big_number:
      return line('(', v.text);
    case kind::bulk_error:
      return body('!', "", v.text);
    case kind::verbatim_string:
      return body('=', v.format + ":", v.text);
    case kind::array:
    case kind::set:
    case kind::push:
      header(out, v.type == kind::array ? '*' : v.type == kind::set ? '~' : '>', v.children.size());
      break;
    case kind::map:
      header(out, '%', v.children.size() / 2);
      break;
  }
  for (const auto& c : v.children) write(c, out);
}

std::string write(const value& v) {
  std::string out;
  write(v, out);
  return out;
}

std::string describe(const value& v) {
  std::string out;
  render(v, "", out);
  return out;
}

}  // namespace proto::resp
