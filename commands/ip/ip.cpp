// vitnet ip: reads the arguments (and "-", stdin), refuses every malformed one at once, then
// describes them or does the arithmetic the mode asks for.
#include "commands/ip/ip.hpp"

#include <nlohmann/json.hpp>

#include "commands/ip/argument.hpp"
#include "commands/ip/describe.hpp"
#include "core/error.hpp"
#include "net/read_all.hpp"

namespace commands {

namespace {

using json = nlohmann::ordered_json;
using core::exit_code;

// Every argument, stdin's lines in the place of "-" (blank lines and '#' comments skipped).
// Every malformed one is reported before the command gives up, so one run shows them all.
net::task<std::vector<ip_argument>> gather(net::context& ctx, const std::vector<std::string>& args,
                                           core::io& io) {
  std::vector<ip_argument> out;
  std::vector<std::string> errors;
  std::string why;
  auto add = [&](std::string_view text, const std::string& where) {
    if (auto a = parse_ip_argument(text, why))
      out.push_back(std::move(*a));
    else
      errors.push_back(fmt::format("ip: {}'{}': {}", where, text, why));
  };
  bool stdin_read = false;
  for (const auto& a : args) {
    if (a != "-") {
      add(a, "");
      continue;
    }
    if (stdin_read) continue;
    stdin_read = true;
    std::string text = co_await net::read_all(ctx.standard_input());
    std::size_t line_no = 0, start = 0;
    while (start < text.size()) {
      auto end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      std::string_view line(text.data() + start, end - start);
      start = end + 1;
      ++line_no;
      line = line.substr(0, line.find('#'));
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
      while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
      while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r'))
        line.remove_suffix(1);
      add(line, fmt::format("stdin line {}: ", line_no));
    }
  }
  if (!errors.empty()) {
    // The last one ends the command through the usual boundary; the others are said before it.
    for (std::size_t i = 0; i + 1 < errors.size(); ++i) io.error("{}", errors[i]);
    throw vitnet::error(exit_code::data, errors.back());
  }
  co_return out;
}

// Output in pieces, so a long list of subnets or hosts never sits whole in memory.
class chunked_out {
 public:
  explicit chunked_out(core::io& io) : io_(io) {}
  ~chunked_out() { flush(); }
  void line(std::string_view s) {
    buf_ += s;
    buf_ += '\n';
    if (buf_.size() >= 1 << 16) flush();
  }
  void flush() {
    if (!buf_.empty()) io_.out(buf_);
    buf_.clear();
  }

 private:
  core::io& io_;
  std::string buf_;
};

// An argument as typed goes into the document; bytes that are not UTF-8 (which JSON cannot
// hold) become U+FFFD rather than failing the whole output.
void print_json(core::io& io, const json& j) {
  io.out(j.dump(2, ' ', false, json::error_handler_t::replace) + "\n");
}

int describe(const std::vector<ip_argument>& args, core::io& io) {
  if (io.json()) {
    json all = json::array();
    for (const auto& a : args) all.push_back(describe_json(a));
    print_json(io, all);
    return 0;
  }
  std::string s;
  for (std::size_t i = 0; i < args.size(); ++i) {
    // Descriptions are separated by a blank line; a range's blocks are a plain list.
    if (i > 0 &&
        (args[i].kind != ip_argument_kind::range || args[i - 1].kind != ip_argument_kind::range))
      s += "\n";
    s += describe_text(args[i]);
  }
  io.out(s);
  return 0;
}

// Whether `outer` holds all of `inner`; an IPv4-mapped IPv6 inner range is compared as the IPv4
// range it maps, as net::cidr::contains does for addresses.
bool holds(const net::ip_range& outer, net::ip_range inner) {
  static const auto mapped = *net::cidr::parse("::ffff:0:0/96");
  if (outer.first.is_v4() && mapped.contains(inner.first) && mapped.contains(inner.last))
    inner = {inner.first.unmap(), inner.last.unmap()};
  if (outer.first.is_v6() != inner.first.is_v6()) return false;
  return !(inner.first < outer.first) && !(outer.last < inner.last);
}

int contains(const std::vector<ip_argument>& args, const std::string& needle_text, core::io& io) {
  std::string why;
  auto needle = parse_ip_argument(needle_text, why);
  if (!needle) vitnet::fail(exit_code::usage, "ip: --contains '{}': {}", needle_text, why);
  bool all = true;
  json j = json::array();
  std::string s;
  for (const auto& a : args) {
    bool yes = holds(a.range, needle->range);
    all = all && yes;
    j.push_back({{"input", a.text}, {"address", needle->text}, {"contains", yes}});
    s += fmt::format("{} {} {}\n", a.text, yes ? "contains" : "does not contain", needle->text);
  }
  if (io.json())
    print_json(io, j);
  else
    io.out(s);
  return all ? 0 : 1;
}

// The blocks of --split; refuses before printing anything when the total passes the limit.
int split(const std::vector<ip_argument>& args, int prefix, std::uint64_t limit, core::io& io) {
  std::uint64_t total = 0;
  for (const auto& a : args) {
    if (a.kind == ip_argument_kind::range)
      vitnet::fail(exit_code::usage, "ip: --split needs blocks, and '{}' is a range", a.text);
    auto block = a.block();
    int bits = block.first().bits();
    if (prefix > bits)
      vitnet::fail(exit_code::usage, "ip: --split /{} is out of range for IPv{} (0-{}): '{}'",
                   prefix, bits == 32 ? 4 : 6, bits, a.text);
    if (prefix < block.prefix())
      vitnet::fail(exit_code::usage, "ip: --split /{} is larger than '{}' itself (/{})", prefix,
                   a.text, block.prefix());
    auto n = net::subnet_count(block, prefix, limit - total);
    if (!n)
      vitnet::fail(exit_code::usage,
                   "ip: --split /{} would print more than {} lines ({} of '{}' alone); raise "
                   "--limit to allow it",
                   prefix, limit, net::to_decimal(net::uint128{1} << (prefix - block.prefix())),
                   a.text);
    total += *n;
  }
  if (io.json()) {
    json all = json::array();
    for (const auto& a : args) {
      auto block = a.block();
      json subnets = json::array();
      auto n = *net::subnet_count(block, prefix, limit);
      for (std::uint64_t i = 0; i < n; ++i)
        subnets.push_back(net::nth_subnet(block, prefix, i).to_string());
      all.push_back({{"input", a.text},
                     {"network", block.to_string()},
                     {"prefix", prefix},
                     {"subnets", std::move(subnets)}});
    }
    print_json(io, all);
    return 0;
  }
  chunked_out out(io);
  for (const auto& a : args) {
    auto block = a.block();
    auto n = *net::subnet_count(block, prefix, limit);
    for (std::uint64_t i = 0; i < n; ++i) out.line(net::nth_subnet(block, prefix, i).to_string());
  }
  return 0;
}

// The addresses --hosts lists: a block's usable hosts, a range's every address.
net::ip_range host_range(const ip_argument& a) {
  if (a.kind == ip_argument_kind::range) return a.range;
  return net::usable_hosts(a.block());
}

int hosts(const std::vector<ip_argument>& args, std::uint64_t limit, core::io& io) {
  std::uint64_t total = 0;
  for (const auto& a : args) {
    auto r = host_range(a);
    auto n = net::range_count(r, limit - total);
    if (!n)
      vitnet::fail(exit_code::usage,
                   "ip: --hosts would print more than {} lines ({} of '{}' alone); raise --limit "
                   "to allow it",
                   limit, net::range_size(r), a.text);
    total += *n;
  }
  if (io.json()) {
    json all = json::array();
    for (const auto& a : args) {
      auto r = host_range(a);
      json list = json::array();
      auto n = *net::range_count(r, limit);
      for (std::uint64_t i = 0; i < n; ++i) list.push_back(net::advance(r.first, i).to_string());
      all.push_back({{"input", a.text}, {"hosts", std::move(list)}});
    }
    print_json(io, all);
    return 0;
  }
  chunked_out out(io);
  for (const auto& a : args) {
    auto r = host_range(a);
    auto n = *net::range_count(r, limit);
    for (std::uint64_t i = 0; i < n; ++i) out.line(net::advance(r.first, i).to_string());
  }
  return 0;
}

int aggregate(const std::vector<ip_argument>& args, core::io& io) {
  std::vector<net::ip_range> ranges;
  ranges.reserve(args.size());
  for (const auto& a : args) ranges.push_back(a.range);
  auto blocks = net::aggregate(std::move(ranges));
  if (io.json()) {
    json all = json::array();
    for (const auto& b : blocks)
      all.push_back({{"network", b.to_string()},
                     {"first", b.first().to_string()},
                     {"last", b.last().to_string()},
                     {"size", net::block_size(b)}});
    print_json(io, all);
    return 0;
  }
  chunked_out out(io);
  for (const auto& b : blocks) out.line(b.to_string());
  return 0;
}

}  // namespace

net::task<int> run_ip(net::context& ctx, const ip_options& o, core::io& io) {
  auto args = co_await gather(ctx, o.arguments, io);
  switch (o.mode) {
    case ip_mode::describe:
      co_return describe(args, io);
    case ip_mode::contains:
      co_return contains(args, o.contains, io);
    case ip_mode::split:
      co_return split(args, o.split_prefix, o.limit, io);
    case ip_mode::hosts:
      co_return hosts(args, o.limit, io);
    case ip_mode::aggregate:
      co_return aggregate(args, io);
  }
  co_return 0;
}

}  // namespace commands
