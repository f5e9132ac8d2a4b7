// Fuzzes what vitnet reads from certificate files and names: inspect (PEM and DER, certificates,
// CSRs, keys, PKCS#12), verify, SAN typing and name constraints. Bad input is a vitnet::error,
// never a crash; a name that is accepted is accepted again in its normalised form.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "net/x509/x509.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  std::string password;
  try {
    (void)net::x509::inspect(text, &password);
  } catch (const vitnet::error&) {
  }
  try {
    net::x509::verify_options o;
    o.trusted_pem = text;  // never the system store: no file system in the loop
    (void)net::x509::verify(text, o);
  } catch (const vitnet::error&) {
  }
  if (size < 512) {
    try {
      auto s = net::x509::classify_name(text);
      auto again = net::x509::classify_name(s.value);
      if (again.type != s.type || again.value != s.value) std::abort();
    } catch (const vitnet::error&) {
    }
    try {
      (void)net::x509::parse_name_constraint(text);
    } catch (const vitnet::error&) {
    }
  }
  return 0;
}
