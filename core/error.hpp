#pragma once
// The failure that ends a command: an exit code and a message, caught once at the command boundary.
#include <fmt/format.h>

#include <stdexcept>
#include <string>
#include <system_error>

#include "core/exit_code.hpp"

namespace vitnet {

/// Thrown to end a command. The message follows the diagnostics contract: lowercase, no final
/// period, naming the peer, path or line at fault; the boundary prints it as "vitnet: <message>".
class error : public std::runtime_error {
 public:
  error(core::exit_code code, std::string message)
      : std::runtime_error(std::move(message)), code_(code) {}
  core::exit_code code() const { return code_; }

 private:
  core::exit_code code_;
};

/// Throws vitnet::error with a compile-time checked format string.
/// Example: fail(core::exit_code::no_input, "{}: no such file", path);
template <typename... Args>
[[noreturn]] void fail(core::exit_code code, fmt::format_string<Args...> f, Args&&... args) {
  throw error(code, fmt::format(f, std::forward<Args>(args)...));
}

/// Throws for an operating-system error met while acting on `what` (a peer, a path):
/// "connect: 127.0.0.1:9: connection refused", with the exit code that error maps to.
[[noreturn]] void fail_os(std::string_view action, std::string_view what,
                          const std::error_code& ec);

/// The lowercase, period-free text of an error code ("connection refused").
std::string describe(const std::error_code& ec);

}  // namespace vitnet
