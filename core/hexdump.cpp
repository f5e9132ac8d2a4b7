#include "core/hexdump.hpp"

#include <fmt/format.h>

namespace core {

std::string hexdump(std::span<const unsigned char> data, std::uint64_t offset, char direction) {
  std::string out;
  for (std::size_t line = 0; line < data.size(); line += 16) {
    auto row = data.subspan(line, std::min<std::size_t>(16, data.size() - line));
    out += fmt::format("{} {:08x}  ", direction, offset + line);
    for (std::size_t i = 0; i < 16; ++i) {
      if (i < row.size())
        out += fmt::format("{:02x} ", row[i]);
      else
        out += "   ";
      if (i == 7) out.push_back(' ');
    }
    out += " |";
    for (unsigned char c : row) out.push_back(c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '.');
    out += "|\n";
  }
  return out;
}

}  // namespace core
