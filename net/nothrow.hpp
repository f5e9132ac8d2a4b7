#pragma once
// Private to net/: the completion token that turns errors into values, so no operation throws
// (and so any of them can be raced against a deadline).
#include <asio/experimental/as_tuple.hpp>
#include <asio/use_awaitable.hpp>

namespace net {
constexpr auto nothrow = asio::experimental::as_tuple(asio::use_awaitable);
}  // namespace net
