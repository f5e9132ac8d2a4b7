// Fuzzes the server's check of an Authorization field (serve --basic-auth / --bearer) and the
// base64 and constant-time comparison under it. The input is tried as the field itself against
// fixed credentials, and as the credentials themselves. No crash; nothing passes where nothing
// was sent; a field passes only under the scheme it names; the field a client builds from the
// right credentials always passes and from wrong ones never; base64 decodes only what it would
// encode.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "commands/serve/http/auth.hpp"
#include "core/base64.hpp"
#include "core/text.hpp"

namespace http = commands::http;

namespace {

bool starts_with_scheme(std::string_view field, std::string_view scheme) {
  if (field.size() <= scheme.size() || field[scheme.size()] != ' ') return false;
  for (std::size_t i = 0; i < scheme.size(); ++i)
    if ((field[i] | 0x20) != (scheme[i] | 0x20)) return false;
  return true;
}

void as_field(std::string_view field) {
  const http::required_credentials basic{.basic = "aladdin:open sesame"};
  const http::required_credentials bearer{.bearer = "mF_9.B5f-4.1JqM"};
  const http::required_credentials both{.basic = basic.basic, .bearer = bearer.bearer};
  bool b = http::authorized(field, basic), t = http::authorized(field, bearer);
  if (http::authorized(field, both) != (b || t)) std::abort();
  if (b && !starts_with_scheme(field, "Basic")) std::abort();
  if (t && !starts_with_scheme(field, "Bearer")) std::abort();
  if (!http::authorized(field, {}) || !http::authorized(std::nullopt, {})) std::abort();
  if (http::authorized(std::nullopt, basic) || http::authorized(std::nullopt, bearer)) std::abort();
}

void as_secret(std::string_view secret) {
  if (secret.empty()) return;
  const http::required_credentials basic{.basic = secret}, bearer{.bearer = secret};
  auto encoded = core::base64_encode(secret);
  if (!http::authorized("Basic " + encoded, basic) ||
      !http::authorized("basic   " + encoded, basic))
    std::abort();
  auto wrong = std::string(secret) + "x";
  if (http::authorized("Basic " + core::base64_encode(wrong), basic)) std::abort();
  if (http::authorized("Bearer " + encoded, basic)) std::abort();
  if (secret.front() != ' ') {
    if (!http::authorized("BEARER " + std::string(secret), bearer)) std::abort();
    if (http::authorized("Bearer " + wrong, bearer)) std::abort();
  }
}

void base64(std::string_view text) {
  auto decoded = core::base64_decode(text);
  if (decoded && core::base64_encode(*decoded) != text) std::abort();  // canonical only
  auto again = core::base64_decode(core::base64_encode(text));
  if (!again || *again != text) std::abort();
  auto half = text.substr(0, text.size() / 2), rest = text.substr(text.size() / 2);
  if (core::same_secret(half, rest) != (half == rest) || !core::same_secret(text, text))
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  as_field(text);
  as_secret(text);
  base64(text);
  return 0;
}
