// vitnet's entry point: parse, run the chosen command on the real network, map the outcome to an
// exit code. This is the one place where failures become messages.
#include <fmt/format.h>
#include <malloc.h>

#include <cstdlib>

#include "cli/app.hpp"
#include "core/error.hpp"
#include "core/io.hpp"
#include "net/real/context.hpp"

int main(int argc, char** argv) {
  using core::exit_code;
  // Freed memory stays with the process up to a few MiB instead of going back to the kernel at
  // once. glibc's defaults returned it after each burst (and mapped buffers over 128 KiB afresh),
  // and the next burst paid a page fault per 4 KiB: a 16 KiB WebSocket echo server spent five
  // times the CPU on that in some runs. The environment (GLIBC_TUNABLES) still overrides these.
  if (!std::getenv("GLIBC_TUNABLES")) {
    ::mallopt(M_MMAP_THRESHOLD, 1 << 20);
    ::mallopt(M_TRIM_THRESHOLD, 4 << 20);
  }
  cli::parse_state st;
  auto app = cli::build_app(st);
  auto parsed = cli::parse_command_line(*app, std::vector<std::string>(argv + 1, argv + argc));
  if (parsed.exit >= 0) {
    fmt::print("{}", parsed.out);
    fmt::print(stderr, "{}", parsed.err);
    return parsed.exit;
  }
  if (st.local) return st.local();

  core::io io(st.output);
  try {
    const char* env = std::getenv("VITNET_RESOLVER");
    auto run = cli::with_globals(st, env ? env : "");
    net::real_context ctx;
    return ctx.run([&](net::context& c) { return run(c, io); });
  } catch (const vitnet::error& e) {
    io.error("{}", e.what());
    return core::to_int(e.code());
  } catch (const std::system_error& e) {
    // The system refused a resource (descriptors, memory, threads): the machine's limits, not a
    // bug, and said as such.
    io.error("{}", e.what());
    return core::to_int(core::exit_code_for(e.code()));
  } catch (const std::exception& e) {
    io.error("internal error: {}", e.what());
    return core::to_int(exit_code::internal);
  }
}
