#pragma once
// The clock and duration of the network library, in a header of their own so that code which
// only speaks of time (fault files, scenarios) needs none of the coroutine machinery.
#include <chrono>

namespace net {

using clock = std::chrono::steady_clock;
using duration = std::chrono::nanoseconds;

}  // namespace net
