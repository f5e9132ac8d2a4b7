#include "proto/nats/protocol.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "proto/buffer.hpp"

namespace proto::nats {

namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

// Splits on runs of spaces and tabs; at most 6 fields are kept (no operation has more than 5
// arguments), the count says how many there were.
struct fields {
  std::array<std::string_view, 6> at;
  std::size_t count = 0;
};

fields split(std::string_view s) {
  fields f;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_blank(s[i])) ++i;
    if (i == s.size()) break;
    std::size_t j = i;
    while (j < s.size() && !is_blank(s[j])) ++j;
    if (f.count < f.at.size()) f.at[f.count] = s.substr(i, j - i);
    ++f.count;
    i = j;
  }
  return f;
}

// A size or count: decimal digits only, and it fits in 64 bits.
std::optional<std::uint64_t> number(std::string_view s) {
  if (s.empty() || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

void line_to(std::string& out, std::initializer_list<std::string_view> parts) {
  bool first = true;
  for (auto p : parts) {
    if (p.empty()) continue;
    if (!first) out += ' ';
    out += p;
    first = false;
  }
  out += "\r\n";
}

std::string dec(std::size_t n) {
  return std::to_string(n);
}

}  // namespace

std::string_view error_text(fault f) {
  switch (f) {
    case fault::none:
      return "";
    case fault::unknown_operation:
      return "Unknown Protocol Operation";
    case fault::parser_error:
      return "Parser Error";
    case fault::max_control_line:
      return "maximum control line exceeded";
    case fault::max_payload:
      return "Maximum Payload Violation";
    case fault::invalid_subject:
      return "Invalid Subject";
  }
  return "";
}

void parser::feed(std::string_view bytes) {
  if (fault_ != fault::none) return;
  append_compacting(buf_, pos_, bytes);
}

void parser::fail(fault f) {
  fault_ = f;
  buf_.clear();
  pos_ = 0;
  need_ = 0;
}

operation operation_view::owned() const {
  operation op;
  op.kind = kind;
  op.subject.assign(subject);
  op.reply.assign(reply);
  op.queue.assign(queue);
  op.sid.assign(sid);
  op.max_msgs = max_msgs;
  op.text.assign(text);
  op.headers.assign(headers);
  op.payload.assign(payload);
  return op;
}

std::optional<operation> parser::next() {
  if (auto v = next_view()) return v->owned();
  return std::nullopt;
}

std::optional<operation_view> parser::next_view() {
  while (fault_ == fault::none) {
    std::string_view in(buf_);
    in.remove_prefix(pos_);
    if (in.size() < need_) return std::nullopt;
    // Look no further than a line at the limit and its CRLF could reach.
    std::string_view window = in.substr(0, limits_.max_control_line + 2);
    std::size_t lf = window.find('\n');
    if (lf == std::string_view::npos) {
      if (in.size() > limits_.max_control_line + 1) fail(fault::max_control_line);
      return std::nullopt;
    }
    std::string_view l = in.substr(0, lf);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (l.size() > limits_.max_control_line) {
      fail(fault::max_control_line);
      return std::nullopt;
    }
    if (l.empty()) {
      pos_ += lf + 1;
      continue;
    }
    operation_view op;
    const bool has_payload = line(l, op);
    if (fault_ != fault::none) return std::nullopt;
    if (!has_payload) {
      pos_ += lf + 1;
      return op;
    }
    // The line stays unread until its payload and CRLF are all there; it is read again then.
    const std::size_t total = total_bytes_, header_bytes = header_bytes_;
    const std::size_t whole = lf + 1 + total + 2;
    if (in.size() < whole) {
      need_ = whole;
      return std::nullopt;
    }
    need_ = 0;
    const std::string_view body = in.substr(lf + 1, total + 2);
    if (body[total] != '\r' || body[total + 1] != '\n') {
      fail(fault::unknown_operation);
      return std::nullopt;
    }
    op.headers = body.substr(0, header_bytes);
    op.payload = body.substr(header_bytes, total - header_bytes);
    pos_ += whole;
    return op;
  }
  return std::nullopt;
}

namespace {

// Operation names, matched on their first letter, then case-insensitively.
bool named(std::string_view name, std::string_view upper) {
  return iequals(name, upper);
}

}  // namespace

// One control line without its line ending, read into `op`. Returns true for an operation whose
// payload follows (its sizes in header_bytes_ and total_bytes_), false for a whole one or a
// failure.
bool parser::line(std::string_view l, operation_view& op) {
  std::size_t name_end = 0;
  while (name_end < l.size() && !is_blank(l[name_end])) ++name_end;
  const std::string_view name = l.substr(0, name_end);
  const std::string_view rest = l.substr(name_end);
  const fields a = split(rest);
  auto bad = [&](fault f) {
    fail(f);
    return false;
  };

  if (named(name, "PING") || named(name, "PONG") || named(name, "+OK")) {
    if (a.count != 0) return bad(fault::parser_error);
    op.kind = named(name, "PING")   ? op_kind::ping
              : named(name, "PONG") ? op_kind::pong
                                    : op_kind::ok;
    return false;
  }
  if (named(name, "INFO") || named(name, "CONNECT")) {
    const std::string_view json = trim(rest);
    if (json.empty()) return bad(fault::parser_error);
    op.kind = named(name, "INFO") ? op_kind::info : op_kind::connect;
    op.text = json;
    return false;
  }
  if (named(name, "-ERR")) {
    std::string_view text = trim(rest);
    if (text.size() >= 2 && text.front() == '\'' && text.back() == '\'')
      text = text.substr(1, text.size() - 2);
    op.kind = op_kind::err;
    op.text = text;
    return false;
  }
  if (named(name, "SUB")) {
    if (a.count != 2 && a.count != 3) return bad(fault::parser_error);
    op.kind = op_kind::sub;
    op.subject = a.at[0];
    if (a.count == 3) op.queue = a.at[1];
    op.sid = a.at[a.count - 1];
    return false;
  }
  if (named(name, "UNSUB")) {
    if (a.count != 1 && a.count != 2) return bad(fault::parser_error);
    op.kind = op_kind::unsub;
    op.sid = a.at[0];
    if (a.count == 2) {
      op.max_msgs = number(a.at[1]);
      if (!op.max_msgs) return bad(fault::parser_error);
    }
    return false;
  }

  // The operations with a payload: which arguments are subject, sid, reply, sizes.
  const bool pub = named(name, "PUB"), hpub = !pub && named(name, "HPUB");
  const bool msg = !pub && !hpub && named(name, "MSG");
  const bool hmsg = !pub && !hpub && !msg && named(name, "HMSG");
  if (!pub && !hpub && !msg && !hmsg) return bad(fault::unknown_operation);
  const std::size_t sizes = (hpub || hmsg) ? 2 : 1;
  const std::size_t fixed = ((msg || hmsg) ? 2 : 1) + sizes;  // subject [sid] sizes
  if (a.count != fixed && a.count != fixed + 1) return bad(fault::parser_error);
  op.kind = pub ? op_kind::pub : hpub ? op_kind::hpub : msg ? op_kind::msg : op_kind::hmsg;
  std::size_t i = 0;
  op.subject = a.at[i++];
  if (msg || hmsg) op.sid = a.at[i++];
  if (a.count == fixed + 1) op.reply = a.at[i++];
  std::optional<std::uint64_t> hdr = 0;
  if (sizes == 2) hdr = number(a.at[i++]);
  const std::optional<std::uint64_t> total = number(a.at[i++]);
  if (!hdr || !total) return bad(fault::parser_error);
  if (*total > limits_.max_payload) return bad(fault::max_payload);
  if (*hdr > *total) return bad(fault::parser_error);
  header_bytes_ = static_cast<std::size_t>(*hdr);
  total_bytes_ = static_cast<std::size_t>(*total);
  return true;
}

std::string write_info(std::string_view json) {
  std::string out;
  line_to(out, {"INFO", json});
  return out;
}

std::string write_connect(std::string_view json) {
  std::string out;
  line_to(out, {"CONNECT", json});
  return out;
}

std::string write_pub(std::string_view subject, std::string_view reply, std::string_view payload) {
  std::string out;
  line_to(out, {"PUB", subject, reply, dec(payload.size())});
  out.append(payload).append("\r\n");
  return out;
}

std::string write_hpub(std::string_view subject, std::string_view reply, std::string_view headers,
                       std::string_view payload) {
  std::string out;
  line_to(out, {"HPUB", subject, reply, dec(headers.size()), dec(headers.size() + payload.size())});
  out.append(headers).append(payload).append("\r\n");
  return out;
}

std::string write_sub(std::string_view subject, std::string_view queue, std::string_view sid) {
  std::string out;
  line_to(out, {"SUB", subject, queue, sid});
  return out;
}

std::string write_unsub(std::string_view sid, std::optional<std::uint64_t> max_msgs) {
  std::string out;
  const std::string max = max_msgs ? std::to_string(*max_msgs) : std::string();
  line_to(out, {"UNSUB", sid, max});
  return out;
}

std::string write_msg(std::string_view subject, std::string_view sid, std::string_view reply,
                      std::string_view payload) {
  std::string out;
  line_to(out, {"MSG", subject, sid, reply, dec(payload.size())});
  out.append(payload).append("\r\n");
  return out;
}

std::string write_hmsg(std::string_view subject, std::string_view sid, std::string_view reply,
                       std::string_view headers, std::string_view payload) {
  std::string out;
  line_to(out,
          {"HMSG", subject, sid, reply, dec(headers.size()), dec(headers.size() + payload.size())});
  out.append(headers).append(payload).append("\r\n");
  return out;
}

std::string write_ping() {
  return "PING\r\n";
}
std::string write_pong() {
  return "PONG\r\n";
}
std::string write_ok() {
  return "+OK\r\n";
}

std::string write_err(std::string_view text) {
  std::string out = "-ERR '";
  out.append(text).append("'\r\n");
  return out;
}

void write(const operation& op, std::string& out) {
  switch (op.kind) {
    case op_kind::info:
      out += write_info(op.text);
      break;
    case op_kind::connect:
      out += write_connect(op.text);
      break;
    case op_kind::pub:
      out += write_pub(op.subject, op.reply, op.payload);
      break;
    case op_kind::hpub:
      out += write_hpub(op.subject, op.reply, op.headers, op.payload);
      break;
    case op_kind::sub:
      out += write_sub(op.subject, op.queue, op.sid);
      break;
    case op_kind::unsub:
      out += write_unsub(op.sid, op.max_msgs);
      break;
    case op_kind::msg:
      out += write_msg(op.subject, op.sid, op.reply, op.payload);
      break;
    case op_kind::hmsg:
      out += write_hmsg(op.subject, op.sid, op.reply, op.headers, op.payload);
      break;
    case op_kind::ping:
      out += write_ping();
      break;
    case op_kind::pong:
      out += write_pong();
      break;
    case op_kind::ok:
      out += write_ok();
      break;
    case op_kind::err:
      out += write_err(op.text);
      break;
  }
}

bool valid_subject(std::string_view subject, bool wildcards_allowed) {
  if (subject.empty()) return false;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = subject.find('.', start);
    const bool last = dot == std::string_view::npos;
    const std::string_view token =
        subject.substr(start, last ? std::string_view::npos : dot - start);
    if (token.empty()) return false;
    if (token == "*" || token == ">") {
      if (!wildcards_allowed || (token == ">" && !last)) return false;
    } else {
      for (char c : token) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f || c == '*' || c == '>') return false;
      }
    }
    if (last) return true;
    start = dot + 1;
  }
}

bool subject_matches(std::string_view pattern, std::string_view subject) {
  while (true) {
    const std::size_t pd = pattern.find('.'), sd = subject.find('.');
    const std::string_view p = pattern.substr(0, pd), s = subject.substr(0, sd);
    if (s.empty()) return false;
    if (p == ">") return true;
    if (p != "*" && p != s) return false;
    const bool p_end = pd == std::string_view::npos, s_end = sd == std::string_view::npos;
    if (p_end || s_end) return p_end && s_end;
    pattern.remove_prefix(pd + 1);
    subject.remove_prefix(sd + 1);
  }
}

std::optional<headers> parse_headers(std::string_view block) {
  constexpr std::string_view version = "NATS/1.0";
  auto take_line = [&](std::string_view& l) {
    const std::size_t end = block.find("\r\n");
    if (end == std::string_view::npos) return false;
    l = block.substr(0, end);
    block.remove_prefix(end + 2);
    return l.find_first_of("\r\n") == std::string_view::npos;
  };
  std::string_view first;
  if (!take_line(first) || !first.starts_with(version)) return std::nullopt;
  headers h;
  first.remove_prefix(version.size());
  if (!first.empty()) {
    if (!is_blank(first.front())) return std::nullopt;
    first = trim(first);
    if (!first.empty()) {
      const std::string_view code = first.substr(0, 3);
      const auto n = number(code);
      if (code.size() != 3 || !n || *n < 100) return std::nullopt;
      h.status = static_cast<int>(*n);
      first.remove_prefix(3);
      if (!first.empty() && !is_blank(first.front())) return std::nullopt;
      h.description.assign(trim(first));
    }
  }
  while (true) {
    std::string_view l;
    if (!take_line(l)) return std::nullopt;
    if (l.empty()) break;
    const std::size_t colon = l.find(':');
    if (colon == 0 || colon == std::string_view::npos) return std::nullopt;
    const std::string_view key = l.substr(0, colon);
    if (key.find_first_of(" \t") != std::string_view::npos) return std::nullopt;
    h.fields.emplace_back(std::string(key), std::string(trim(l.substr(colon + 1))));
  }
  if (!block.empty()) return std::nullopt;
  return h;
}

std::string write_headers(const headers& h) {
  std::string out = "NATS/1.0";
  if (h.status != 0) {
    out += ' ';
    out += std::to_string(h.status);
    if (!h.description.empty()) out.append(" ").append(h.description);
  }
  out += "\r\n";
  for (const auto& [k, v] : h.fields) out.append(k).append(": ").append(v).append("\r\n");
  out += "\r\n";
  return out;
}

}  // namespace proto::nats
