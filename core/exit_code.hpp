#pragma once
// Exit codes (sysexits), stable and listed in the manual.
#include <string_view>
#include <system_error>

namespace core {

enum class exit_code : int {
  ok = 0,
  no = 1,             ///< ran fine, but the answer is no (a check or expectation failed)
  usage = 64,         ///< bad command line
  data = 65,          ///< bad input data
  no_input = 66,      ///< an input file is missing
  no_host = 68,       ///< unknown host
  unavailable = 69,   ///< refused or unreachable
  internal = 70,      ///< a bug in vitnet
  io = 74,            ///< an I/O error
  timeout = 75,       ///< a deadline passed
  protocol = 76,      ///< protocol or TLS error
  permission = 77,    ///< permission denied
  config = 78,        ///< configuration error
  interrupted = 130,  ///< SIGINT or SIGTERM
};

constexpr int to_int(exit_code c) {
  return static_cast<int>(c);
}

/// The exit code that best describes an operating-system or asio error.
/// Example: exit_code_for(std::make_error_code(std::errc::connection_refused)) == unavailable.
exit_code exit_code_for(const std::error_code& ec);

/// The errno value behind an error code of the system, generic or asio system categories; 0 for
/// any other category. Example: errno_of(asio::error::connection_refused) == ECONNREFUSED.
int errno_of(const std::error_code& ec);

/// A short stable name, as used in JSON output: "unavailable", "timeout", ...
std::string_view exit_code_name(exit_code c);

}  // namespace core
