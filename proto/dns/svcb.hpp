#pragma once
// Internal to proto/dns: SvcParams, the key=value tail of SVCB and HTTPS records (RFC 9460).
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "proto/dns/presentation.hpp"

namespace proto::dns::detail {

/// What is wrong with SvcParams in wire form ("" when nothing): keys must ascend strictly, each
/// known key's value must have its shape, "mandatory" must list present keys, not itself.
std::string check_svc_params(std::string_view wire);
/// The presentation form ("alpn=h2,h3 port=8443"); nullopt unless check_svc_params passes.
std::optional<std::string> svc_params_to_text(std::string_view wire);
/// The wire form of "key=value" tokens, sorted by key; nullopt with `error` set.
std::optional<std::string> svc_params_from_tokens(std::span<const token> tokens,
                                                  std::string& error);

}  // namespace proto::dns::detail
