#pragma once
// What every codec's input buffer does on feed(): bytes already read are dropped once they are at
// least half the buffer, so each byte is moved a constant number of times on average and a long
// stream of small messages keeps the buffer small.
#include <cstddef>
#include <string>
#include <string_view>

namespace proto {

/// Appends `bytes` to `buf`, whose first `pos` bytes have been read, first dropping those when
/// they are at least half of it (then `pos` becomes 0). Returns how many bytes were dropped, for
/// callers that keep other offsets into the buffer.
/// Example: std::string b = "abcd"; std::size_t p = 3; append_compacting(b, p, "e") == 3, b ==
/// "de".
inline std::size_t append_compacting(std::string& buf, std::size_t& pos, std::string_view bytes) {
  std::size_t dropped = 0;
  if (pos > 0 && pos * 2 >= buf.size()) {
    buf.erase(0, pos);
    dropped = pos;
    pos = 0;
  }
  buf.append(bytes);
  return dropped;
}

}  // namespace proto
