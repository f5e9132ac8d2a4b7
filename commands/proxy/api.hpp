#pragma once
// `vitnet proxy --api`: toxiproxy's HTTP API, so that test code in any language (through
// toxiproxy's client libraries, unchanged) creates named proxies and adds, changes and removes
// toxics while its tests run. Toxics become the proxy's faults (commands/proxy/toxics.hpp) and
// act on connections already open, as toxiproxy's do.
#include <memory>

#include "commands/proxy/proxy.hpp"

namespace commands::proxy {

/// Starts the proxies of `opts.config_file` and serves the API on `opts.api` (when set); runs
/// until interrupted. Throws vitnet::error: 66/65 for a missing or malformed config file, what
/// listen throws for the API's address.
net::task<int> run_api(net::context& ctx, const proxy_options& opts, core::io& io);

}  // namespace commands::proxy
