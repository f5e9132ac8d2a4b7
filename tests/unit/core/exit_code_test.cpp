#include "core/exit_code.hpp"

#include <doctest/doctest.h>

#include <asio/error.hpp>

#include "core/error.hpp"

using core::exit_code;
using core::exit_code_for;

TEST_CASE("operating-system errors map to the sysexits codes of the design") {
  CHECK(exit_code_for({}) == exit_code::ok);
  CHECK(exit_code_for(std::make_error_code(std::errc::connection_refused)) ==
        exit_code::unavailable);
  CHECK(exit_code_for(std::make_error_code(std::errc::timed_out)) == exit_code::timeout);
  CHECK(exit_code_for(std::make_error_code(std::errc::permission_denied)) == exit_code::permission);
  CHECK(exit_code_for(std::make_error_code(std::errc::host_unreachable)) == exit_code::unavailable);
  CHECK(exit_code_for(std::make_error_code(std::errc::io_error)) == exit_code::io);
}

TEST_CASE("asio's own error categories map like the system's") {
  CHECK(exit_code_for(asio::error::connection_refused) == exit_code::unavailable);
  CHECK(exit_code_for(asio::error::timed_out) == exit_code::timeout);
  CHECK(exit_code_for(asio::error::host_not_found) == exit_code::no_host);
  CHECK(exit_code_for(asio::error::access_denied) == exit_code::permission);
}

TEST_CASE("exit codes keep their documented numbers") {
  CHECK(core::to_int(exit_code::usage) == 64);
  CHECK(core::to_int(exit_code::no_input) == 66);
  CHECK(core::to_int(exit_code::no_host) == 68);
  CHECK(core::to_int(exit_code::unavailable) == 69);
  CHECK(core::to_int(exit_code::timeout) == 75);
  CHECK(core::to_int(exit_code::permission) == 77);
  CHECK(core::to_int(exit_code::interrupted) == 130);
  CHECK(core::exit_code_name(exit_code::timeout) == "timeout");
}

TEST_CASE("os failures become messages naming the action and the peer") {
  try {
    vitnet::fail_os("connect", "127.0.0.1:9", std::make_error_code(std::errc::connection_refused));
    FAIL("no throw");
  } catch (const vitnet::error& e) {
    CHECK(std::string(e.what()) == "connect: 127.0.0.1:9: connection refused");
    CHECK(e.code() == exit_code::unavailable);
  }
}
