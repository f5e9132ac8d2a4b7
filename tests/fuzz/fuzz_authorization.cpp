// Fuzzes what an Authorization header's credentials go through: base64 decoding (Basic) and the
// constant-time comparison. No crash; whatever decodes, encoded again, decodes to the same bytes.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/base64.hpp"
#include "core/text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto decoded = core::base64_decode(text);
  if (decoded) {
    auto again = core::base64_decode(core::base64_encode(*decoded));
    if (!again || *again != *decoded) std::abort();
    if (!core::same_secret(*decoded, *decoded)) std::abort();
  }
  auto half = text.substr(0, size / 2);
  if (core::same_secret(half, text.substr(size / 2)) != (half == text.substr(size / 2)))
    std::abort();
  return 0;
}
