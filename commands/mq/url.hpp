#pragma once
// The URLs mq takes: nats://[USER:PASS@|TOKEN@]HOST[:PORT] (tls:// for NATS over TLS), with
// mqtt://, mqtts://, redis:// and rediss:// for the other systems.
#include <cstdint>
#include <string>
#include <string_view>

#include "net/endpoint.hpp"

namespace commands::mq {

enum class system { nats, mqtt, redis };

struct mq_url {
  mq::system system = mq::system::nats;
  net::endpoint where;         ///< tcp, with tls set for tls://, mqtts://, rediss://
  std::string user, password;  ///< from USER:PASS@ (redis: a lone PASS@ too, as redis-cli)
  std::string token;           ///< nats: a lone TOKEN@
  std::string path;            ///< what follows the host ("/calc" in nats://h/calc), without '/'
  std::string text;            ///< as given, with any password shown as "***"
};

/// Parses an mq URL; tcp:// is taken as nats://. Default ports: nats 4222, mqtt 1883, mqtts 8883,
/// redis and rediss 6379. Throws vitnet::error 64 naming what is wrong.
/// Example: parse_mq_url("nats://a:b@127.0.0.1").where.port == 4222.
mq_url parse_mq_url(std::string_view url);

}  // namespace commands::mq
