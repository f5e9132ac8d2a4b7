#pragma once
// Who may use `vitnet serve http(s)://... --basic-auth USER:PASS | --bearer TOKEN`: the check of
// a request's Authorization field, apart from the server so that it is fuzzed on bytes.
#include <optional>
#include <string_view>

namespace commands::http {

/// What a server requires; an empty string requires nothing of that scheme.
struct required_credentials {
  std::string_view basic;   ///< "user:password" (--basic-auth)
  std::string_view bearer;  ///< the token (--bearer)
};

/// Whether an Authorization field value (nullopt: the request sent none) meets `need`: the scheme
/// "Basic" (any case) then, after one or more spaces, the canonical base64 of exactly
/// `need.basic`; or "Bearer" then exactly `need.bearer`. True when nothing is required. Secrets
/// are compared in constant time.
/// Example: authorized("Basic dTpw", {.basic = "u:p"}) == true.
bool authorized(std::optional<std::string_view> field, const required_credentials& need);

}  // namespace commands::http
