#include "commands/mq/session.hpp"

#include "core/error.hpp"

namespace commands::mq {

std::unique_ptr<session> make_session(net::context& ctx, const session_options& o, core::io& io) {
  switch (o.url.system) {
    case system::nats:
      return make_nats_session(ctx, o, io);
    case system::mqtt:
      return make_mqtt_session(ctx, o, io);
    case system::redis:
      return make_redis_session(ctx, o, io);
  }
  return nullptr;
}

}  // namespace commands::mq
