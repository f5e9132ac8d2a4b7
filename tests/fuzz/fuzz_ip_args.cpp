// Fuzzes the arguments of `vitnet ip` (addresses, blocks, ranges, HOST:PORT): no crash; an
// accepted range's blocks tile it exactly, aggregation gives the same blocks, and describing it
// never throws.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "commands/ip/argument.hpp"
#include "commands/ip/describe.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string why;
  auto a = commands::parse_ip_argument(text, why);
  if (!a) {
    if (why.empty()) std::abort();
    return 0;
  }
  if (a->range.last < a->range.first) std::abort();
  auto blocks = net::range_to_cidrs(a->range);
  if (blocks.empty() || blocks.size() > 256) std::abort();
  if (!(blocks.front().first() == a->range.first) || !(blocks.back().last() == a->range.last))
    std::abort();
  for (std::size_t i = 1; i < blocks.size(); ++i)
    if (!(blocks[i - 1].last().next() == blocks[i].first())) std::abort();
  if (net::aggregate({a->range}) != blocks) std::abort();
  (void)commands::describe_text(*a);
  (void)commands::describe_json(*a).dump(2, ' ', false,
                                         nlohmann::ordered_json::error_handler_t::replace);
  return 0;
}
