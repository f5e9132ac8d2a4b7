#pragma once
// What a finished HTTP request says, as the --json document.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "net/http_client/response.hpp"

namespace commands::http {

struct redirect_hop {
  std::string url;
  long status;
  std::string location;
};

/// The --json document: url, method, status, reason, http_version, headers (lowercase names to
/// lists of values), timings, size, then body and body_encoding ("utf-8" or "base64") or, when
/// the body went to a file, download (its path, or null when none was written), then
/// redirects and attempts.
nlohmann::ordered_json document(const net::http_client::response& r,
                                const std::vector<redirect_hop>& hops, int attempts, bool to_file,
                                const std::optional<std::string>& written);

}  // namespace commands::http
