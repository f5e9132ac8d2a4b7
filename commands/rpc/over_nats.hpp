#pragma once
// JSON-RPC through a NATS broker: `rpc serve nats://BROKER --service NAME@VERSION` answers
// requests on the subjects NAME.METHOD in queue group NAME (instances share the load; one that
// dies leaves it to the others) and the NATS micro-service discovery subjects ($SRV.PING,
// $SRV.INFO, $SRV.STATS, also .NAME and .NAME.ID); `rpc call nats://BROKER/NAME METHOD` calls by
// request/reply; `rpc list nats://BROKER[/NAME]` lists the services that answer $SRV.INFO.
//
// A request's payload is a JSON-RPC request (its method is the subject's, whatever it names) or,
// from clients that know nothing of JSON-RPC, the params alone (a JSON array or object, or
// nothing).
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "commands/rpc/rpc.hpp"
#include "commands/serve/message_service.hpp"
#include "core/io.hpp"
#include "net/context.hpp"

namespace commands {

struct rpc_nats_serve_options {
  std::string url;  ///< nats://BROKER
  std::string name, version;
  net::tls_client_options tls;
  int reconnects = -1;  ///< a service keeps trying (without end by default)
  std::size_t max_in_flight = 64;
};

/// Serves `service` (rpc serve's methods) through the broker until the process ends.
net::task<int> run_rpc_nats_serve(net::context& ctx, const rpc_nats_serve_options& o,
                                  std::shared_ptr<message_service> service, core::io& io);

/// rpc call / notify / list with a nats:// URL (opts.nats_url).
net::task<int> run_rpc_nats(net::context& ctx, const rpc_options& opts, core::io& io);

}  // namespace commands
