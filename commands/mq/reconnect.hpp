#pragma once
// What every mq client does after its connection is lost: wait, try again, wait twice as long,
// until a connection is made again, the attempts allowed run out, or the client is closing.
#include <functional>
#include <string>

#include "core/io.hpp"
#include "net/context.hpp"

namespace commands::mq {

struct backoff {
  int attempts = 0;  ///< -1: without end
  net::duration first = std::chrono::milliseconds(250);
  net::duration most = std::chrono::seconds(5);
};

/// Calls `open` after each wait until it returns without throwing: true. False when the attempts
/// run out, `stop` turns true, or a wait is abandoned (the process is ending). Each failed attempt
/// is told with -v, naming `what`.
/// Example (named arguments: gcc 12 mishandles temporaries in a co_await'ed call):
///   const backoff b{-1};
///   std::function<net::task<void>()> again = [s] { return s->open(); };
///   bool back = co_await reconnect(ctx, io, url, b, closing, again);
net::task<bool> reconnect(net::context& ctx, core::io& io, std::string what, backoff b,
                          const bool& stop, std::function<net::task<void>()> open);

}  // namespace commands::mq
