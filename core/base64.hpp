#pragma once
// Base64 (RFC 4648 section 4, the standard alphabet with '=' padding): HTTP Basic credentials,
// WebSocket keys, binary bodies in JSON documents.
#include <optional>
#include <string>
#include <string_view>

namespace core {

/// Example: base64_encode("hi") == "aGk=".
std::string base64_encode(std::string_view bytes);

/// The bytes `text` encodes; nullopt unless it is canonical padded base64 (length a multiple of
/// four, only alphabet characters, '=' only at the end, no bits set past the data).
/// Example: base64_decode("aGk=") == "hi"; base64_decode("aGk") == nullopt.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace core
