// The MQTT implementation of mq's session: not built yet (mqtt:// exits 64 saying so).
#include "commands/mq/session.hpp"
#include "core/error.hpp"

namespace commands::mq {

std::unique_ptr<session> make_mqtt_session(net::context&, const session_options&, core::io&) {
  throw vitnet::error(core::exit_code::usage, "mq: mqtt:// is not supported yet");
}

}  // namespace commands::mq
