// Fuzzes the endpoint URL parser: it must never crash, and what it accepts must read back the same.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "net/endpoint.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  std::string message;
  auto ep = net::try_parse_endpoint(text, message);
  if (!ep) {
    if (message.empty()) std::abort();  // a refusal always says why
    return 0;
  }
  std::string again;
  auto round = net::try_parse_endpoint(ep->to_string(), again);
  if (!round || round->to_string() != ep->to_string()) std::abort();
  return 0;
}
