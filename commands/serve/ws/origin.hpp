#pragma once
// Which web pages may open a WebSocket to a server. Browsers let any page connect to any
// WebSocket server, localhost included, and send its Origin; the server must decide. The
// default admits clients that send no Origin (command-line tools, libraries: a browser always
// sends one) and pages served by the same host and port; --origin adds more.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace commands {

/// "scheme://host:port", lowercased, with the scheme's default port made explicit; nullopt when
/// `origin` is not a serialized origin (RFC 6454: scheme, host, optional port, nothing else).
/// Example: normal_origin("HTTP://Example.com") == "http://example.com:80".
std::optional<std::string> normal_origin(std::string_view origin);

/// Whether a request with `origin` (empty: none was sent) and Host field `host` may upgrade,
/// given the --origin values `allowed` (normalized, or "*" for any page).
bool origin_allowed(std::string_view origin, std::string_view host,
                    const std::vector<std::string>& allowed);

}  // namespace commands
