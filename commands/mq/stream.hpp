#pragma once
// vitnet mq stream add | ls | info | rm: JetStream streams on a NATS server started with -js.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "commands/mq/session.hpp"
#include "core/io.hpp"
#include "net/context.hpp"

namespace commands::mq {

struct stream_options {
  enum class action { add, ls, info, rm } what = action::ls;
  session_options session;
  std::string name;
  std::vector<std::string> subjects;  ///< add: default NAME.>
  std::string storage = "file";       ///< add: file or memory
  std::optional<std::int64_t> max_msgs, max_bytes;
  std::optional<net::duration> max_age;
  int replicas = 1;
  net::duration timeout = std::chrono::seconds(5);
};

net::task<int> run_stream(net::context& ctx, const stream_options& o, core::io& io);

}  // namespace commands::mq
