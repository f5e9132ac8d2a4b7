#pragma once
// vitnet mq broker nats://HOST:PORT: a NATS-protocol broker in the binary, for development and CI.
// One node, at-most-once delivery, nothing kept on disk.
#include <cstddef>
#include <string>

#include "core/io.hpp"
#include "core/units.hpp"
#include "net/context.hpp"
#include "net/endpoint.hpp"
#include "net/tls/tls.hpp"

namespace commands::mq {

struct broker_options {
  net::endpoint where;  ///< tcp (the nats:// URL's host and port)
  bool tls = false;     ///< tls_required: clients upgrade after INFO
  net::tls_server_options tls_opts;
  std::string monitor;         ///< --monitor URL (http://HOST:PORT); empty: none
  std::string token;           ///< --auth-token
  std::string user, password;  ///< --user, --pass
  core::duration auth_timeout = std::chrono::seconds(2);
  core::duration ping_interval = std::chrono::minutes(2);
  int max_pings_out = 2;
  core::duration write_deadline = std::chrono::seconds(10);
  std::size_t max_pending = 64 << 20;  ///< bytes queued for one client before it is a slow consumer
  std::size_t max_payload = 1 << 20;
  std::size_t max_control_line = 4096;
  std::size_t max_subs = 0;   ///< per connection; 0: no limit
  std::size_t max_conns = 0;  ///< 0: what the descriptor limit allows
  std::string server_name = "vitnet";
  std::string ready_file;
};

net::task<int> run_broker(net::context& ctx, const broker_options& o, core::io& io);

}  // namespace commands::mq
