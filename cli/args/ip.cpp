#include "commands/ip/ip.hpp"

#include <charconv>
#include <memory>

#include "cli/command_table.hpp"
#include "commands/ip/argument.hpp"

namespace cli {

void define_ip(CLI::App& sub, runner& chosen) {
  auto o = std::make_shared<commands::ip_options>();
  struct texts {
    std::string split, limit;
    bool hosts = false, aggregate = false;
  };
  auto x = std::make_shared<texts>();

  sub.add_option("arguments", o->arguments,
                 "addresses (10.1.2.3, ::1), blocks (10.0.0.0/8, 2001:db8::/32), ranges "
                 "(10.0.0.1-10.0.0.99), HOST:PORT or [V6]:PORT, or - to read them from stdin, one "
                 "a line")
      ->type_name("ADDR|CIDR|RANGE");
  auto* contains = sub.add_option("--contains", o->contains,
                                  "exit 0 when every argument holds ADDR (an address or a whole "
                                  "block), 1 otherwise")
                       ->type_name("ADDR");
  auto* split = sub.add_option("--split", x->split,
                               "list the subnets of this prefix length in each block (26 or /26)")
                    ->type_name("PREFIX");
  auto* hosts = sub.add_flag("--hosts", x->hosts,
                             "list the usable host addresses of each block (every address of a "
                             "range)");
  auto* aggregate = sub.add_flag("--aggregate", x->aggregate,
                                 "merge all arguments into the fewest blocks covering exactly "
                                 "the same addresses");
  sub.add_option("--limit", x->limit,
                 "let --split and --hosts print up to N lines (default 65536; more is refused "
                 "with exit 64)")
      ->type_name("N");
  contains->excludes(split)->excludes(hosts)->excludes(aggregate);
  split->excludes(hosts)->excludes(aggregate);
  hosts->excludes(aggregate);

  sub.callback([o, x, contains, &chosen] {
    if (o->arguments.empty())
      throw CLI::ValidationError("arguments",
                                 "give at least one address, block or range (or - for stdin)");
    std::string why;
    if (contains->count() > 0) {
      if (!commands::parse_ip_argument(o->contains, why))
        throw CLI::ValidationError("--contains", "'" + o->contains + "': " + why);
      o->mode = commands::ip_mode::contains;
    }
    if (!x->split.empty()) {
      std::string_view p = x->split;
      if (p.front() == '/') p.remove_prefix(1);
      auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), o->split_prefix);
      if (p.empty() || ec != std::errc{} || end != p.data() + p.size() || o->split_prefix < 0 ||
          o->split_prefix > 128)
        throw CLI::ValidationError("--split",
                                   "'" + x->split + "' is not a prefix length (0-32 or 0-128)");
      o->mode = commands::ip_mode::split;
    }
    if (x->hosts) o->mode = commands::ip_mode::hosts;
    if (x->aggregate) o->mode = commands::ip_mode::aggregate;
    if (!x->limit.empty()) {
      if (o->mode != commands::ip_mode::split && o->mode != commands::ip_mode::hosts)
        throw CLI::ValidationError("--limit", "bounds --split and --hosts only");
      auto [end, ec] =
          std::from_chars(x->limit.data(), x->limit.data() + x->limit.size(), o->limit);
      if (ec != std::errc{} || end != x->limit.data() + x->limit.size() || o->limit == 0)
        throw CLI::ValidationError("--limit", "'" + x->limit + "' is not a positive number");
    }
    chosen = [o](net::context& ctx, core::io& io) { return commands::run_ip(ctx, *o, io); };
  });
}

}  // namespace cli
