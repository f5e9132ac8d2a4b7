#include "commands/serve/session.hpp"

#include <nlohmann/json.hpp>

#include "core/units.hpp"

namespace commands {

void report_open(core::io& io, const conn_stats& s, bool on_stderr) {
  if (io.json()) {
    io.event(nlohmann::ordered_json{{"event", "open"}, {"id", s.id}, {"peer", s.peer}}.dump(),
             on_stderr);
  } else {
    io.verbose(1, "connection {} from {}", s.id, s.peer);
  }
}

void report_close(core::io& io, net::context& ctx, const conn_stats& s, std::string_view reason,
                  bool on_stderr) {
  auto took = ctx.now() - s.opened;
  if (io.json()) {
    io.event(nlohmann::ordered_json{{"event", "close"},
                                    {"id", s.id},
                                    {"peer", s.peer},
                                    {"bytes_in", s.bytes_in},
                                    {"bytes_out", s.bytes_out},
                                    {"duration_s", core::seconds(took)},
                                    {"reason", reason}}
                 .dump(),
             on_stderr);
  } else {
    io.verbose(1, "connection {} from {} closed ({}): {} in, {} out, {}", s.id, s.peer, reason,
               core::format_size(s.bytes_in), core::format_size(s.bytes_out),
               core::format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(took)));
  }
}

void report_reject(core::io& io, std::string_view peer, std::string_view reason, bool on_stderr) {
  if (io.json()) {
    io.event(nlohmann::ordered_json{{"event", "reject"}, {"peer", peer}, {"reason", reason}}.dump(),
             on_stderr);
  } else {
    io.verbose(1, "rejected connection from {}: {}", peer, reason);
  }
}

}  // namespace commands
