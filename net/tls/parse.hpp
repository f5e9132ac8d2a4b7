#pragma once
// The text and wire forms of TLS settings, apart from the connections that use them so that
// they are fuzzed on bytes: certificate pins (--pin) and ALPN protocol lists (--alpn, and the
// list a client's hello offers a server).
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace net {

/// A certificate pin ("sha256:AB:CD:...", with or without the prefix and colons, either case)
/// as 64 uppercase hex digits; nullopt when it is not a SHA-256 fingerprint.
/// Example: parse_pin("sha256:ab:cd:...") == "ABCD...".
std::optional<std::string> parse_pin(std::string_view pin);

/// The protocols of a comma-separated list, in order, empty items left out.
/// Example: split_alpn_list("h2,,http/1.1") == {"h2", "http/1.1"}.
std::vector<std::string> split_alpn_list(std::string_view list);

/// Protocol names in ALPN's wire format (each preceded by its length). Throws vitnet::error 64
/// naming --alpn for a name that is empty or longer than 255 bytes.
/// Example: alpn_wire({"h2"}) == {2, 'h', '2'}.
std::vector<unsigned char> alpn_wire(const std::vector<std::string>& protocols);

/// A server's answer to a client's ALPN offer: the first protocol of `ours` (wire format, in our
/// order of preference) that `offered` (wire format, from the client) lists, as a view into
/// `ours`; nullopt when there is none.
std::optional<std::string_view> select_alpn(std::span<const unsigned char> ours,
                                            std::span<const unsigned char> offered);

}  // namespace net
