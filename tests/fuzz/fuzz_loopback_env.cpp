// Fuzzes the readers of the VITNET_* environment variables that `vitnet test net --net loopback`
// gives each process it starts: VITNET_HOSTS (parse_host_names), VITNET_REDIRECT
// (parse_redirects) and VITNET_HOST_ADDR (an address). The input is read as each. No crash; what
// is read, written back the way the scenario runner writes it, reads back the same; the last
// item for a name or an address wins.
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "net/ip.hpp"
#include "net/real/loopback_env.hpp"

namespace {

void host_names(std::string_view text) {
  auto names = net::parse_host_names(text);
  std::string again;
  for (const auto& [name, ip] : names) {
    if (name.find_first_of(",=") != std::string::npos) std::abort();
    again += (again.empty() ? "" : ",") + name + "=" + ip.to_string();
  }
  if (net::parse_host_names(again) != names) std::abort();
  // An item added at the end overrides what came before for its name.
  auto later = net::parse_host_names(std::string(text) + ",server=127.0.0.9");
  auto it = later.find("server");
  if (it == later.end() || it->second.to_string() != "127.0.0.9") std::abort();
}

void redirects(std::string_view text) {
  auto r = net::parse_redirects(text);
  std::string again;
  for (const auto& [from, to] : r)
    again += (again.empty() ? "" : ",") + from.to_string() + "=" + to.to_string();
  if (net::parse_redirects(again) != r) std::abort();
}

void host_address(std::string_view text) {
  auto ip = net::ip_address::parse(text);
  if (ip && net::ip_address::parse(ip->to_string()) != ip) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  host_names(text);
  redirects(text);
  host_address(text);
  return 0;
}
