#pragma once
// The coroutine type every network operation returns. Commands co_await these and nothing else.
#include <asio/awaitable.hpp>
#include <optional>
#include <string>

#include "core/error.hpp"

namespace net {

template <typename T = void>
using task = asio::awaitable<T>;

/// Runs `t` and gives back the message of the vitnet::error it threw, or nothing when it
/// finished. For failures that are answered with more waiting (a warning, then a retry or a
/// close), since a catch handler cannot co_await.
/// Example: auto failure = co_await failure_of(open()); if (failure) warn(*failure);
inline task<std::optional<std::string>> failure_of(task<void> t) {
  try {
    co_await std::move(t);
  } catch (const vitnet::error& e) {
    co_return std::string(e.what());
  }
  co_return std::nullopt;
}

}  // namespace net
