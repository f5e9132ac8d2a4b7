#include "core/exit_code.hpp"

#include <cerrno>

namespace core {

int errno_of(const std::error_code& ec) {
  if (!ec) return 0;
  if (ec.category() == std::generic_category() || ec.category() == std::system_category() ||
      std::string_view(ec.category().name()) == "asio.system")
    return ec.value();
  return 0;
}

exit_code exit_code_for(const std::error_code& ec) {
  if (!ec) return exit_code::ok;
  // asio reports resolver failures in its own categories; they all mean "this name has no address".
  std::string_view cat = ec.category().name();
  if (cat == "asio.netdb" || cat == "asio.addrinfo") return exit_code::no_host;
  switch (errno_of(ec)) {
    case 0:
      return exit_code::io;
    case ECONNREFUSED:
    case EHOSTUNREACH:
    case ENETUNREACH:
    case EHOSTDOWN:
    case ENETDOWN:
    case ECONNRESET:
    case EADDRNOTAVAIL:
    case ENOENT:  // a unix socket path with nobody behind it
      return exit_code::unavailable;
    case ETIMEDOUT:
      return exit_code::timeout;
    case EACCES:
    case EPERM:
    case EROFS:
      return exit_code::permission;
    case EADDRINUSE:
      return exit_code::unavailable;
    case ECANCELED:
    case EINTR:
      return exit_code::interrupted;
    case EPROTO:
      return exit_code::protocol;
    default:
      return exit_code::io;
  }
}

std::string_view exit_code_name(exit_code c) {
  switch (c) {
    case exit_code::ok:
      return "ok";
    case exit_code::no:
      return "no";
    case exit_code::usage:
      return "usage";
    case exit_code::data:
      return "data";
    case exit_code::no_input:
      return "no_input";
    case exit_code::no_host:
      return "no_host";
    case exit_code::unavailable:
      return "unavailable";
    case exit_code::internal:
      return "internal";
    case exit_code::io:
      return "io";
    case exit_code::timeout:
      return "timeout";
    case exit_code::protocol:
      return "protocol";
    case exit_code::permission:
      return "permission";
    case exit_code::config:
      return "config";
    case exit_code::interrupted:
      return "interrupted";
  }
  return "unknown";
}

}  // namespace core
