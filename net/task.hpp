#pragma once
// The coroutine type every network operation returns. Commands co_await these and nothing else.
#include <asio/awaitable.hpp>

namespace net {

template <typename T = void>
using task = asio::awaitable<T>;

}  // namespace net
