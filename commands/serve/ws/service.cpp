#include "commands/serve/ws/service.hpp"

#include <csignal>
#include <list>

#include "commands/serve/message_service.hpp"
#include "commands/serve/ws/origin.hpp"
#include "commands/ws/session.hpp"
#include "core/error.hpp"
#include "net/deadline.hpp"
#include "proto/http1/parser.hpp"
#include "proto/ws/handshake.hpp"

namespace commands {

using net::task;

// A member whose backlog would pass this is too slow for the room and is closed (1008), so one
// stalled reader cannot make the server hold unbounded memory. It is above the largest message,
// so that one message at the limit reaches a member that keeps up; and a message is encoded once
// and shared by every member's queue.
struct ws_room {
  explicit ws_room(std::size_t max_message) : max_backlog(max_message + (8 << 20)) {}
  std::size_t max_backlog;
  std::list<ws_session*> members;
  void publish(ws_session* from, proto::ws::opcode op, const std::string& data) {
    std::shared_ptr<const std::string> frame;
    for (auto* m : members) {
      if (m == from || m->closing()) continue;
      if (!frame)
        frame = std::make_shared<const std::string>(
            proto::ws::encode_frame(op, data, true, std::nullopt));
      if (m->queued() + frame->size() > max_backlog) {
        m->close(proto::ws::close_code::policy_violation, "too slow");
        continue;
      }
      m->send_frame(frame);
    }
  }
};

ws_service::ws_service(net::context& ctx, const ws_options& o, core::io& io)
    : ctx_(ctx), o_(o), io_(io) {}

ws_service::~ws_service() = default;

bool ws_service::admits(const proto::request& req) const {
  return origin_allowed(req.headers.get("Origin").value_or(""),
                        req.headers.get("Host").value_or(""), o_.origins);
}

namespace {

proto::ws::opcode line_opcode(bool binary) {
  return binary ? proto::ws::opcode::binary : proto::ws::opcode::text;
}

// Sends each complete line of `pending` (all of it with `flush`) as a message.
void send_lines(ws_session& s, std::string& pending, bool binary, bool flush) {
  split_lines(pending, flush, [&](std::string_view line) { s.send(line_opcode(binary), line); });
}

}  // namespace

task<void> ws_service::stdin_to_session(ws_session& s, std::shared_ptr<bool> alive) {
  auto& in = ctx_.standard_input();
  std::string pending;
  char buf[16 * 1024];
  auto flow = s.flow();
  for (;;) {
    bool room = co_await flow->room();  // no faster than the peer reads
    if (!room || !*alive) co_return;
    auto r = co_await in.read_some(std::span<char>(buf, sizeof buf));
    if (!*alive) co_return;  // the session ended first
    if (r.n) {
      pending.append(buf, r.n);
      send_lines(s, pending, o_.binary, false);
      continue;
    }
    send_lines(s, pending, o_.binary, true);
    s.close();
    co_return;
  }
}

task<std::string> ws_service::serve(net::stream& conn, const proto::request& req,
                                    std::string buffered, conn_stats& st) {
  auto hs = proto::ws::accept_upgrade(req, o_.protocols);
  auto answer = proto::serialize_response(hs.reply);
  auto w = co_await conn.write_all(std::span<const char>(answer.data(), answer.size()));
  st.bytes_out += w.n;
  if (!hs.ok) co_return fmt::format("rejected upgrade: {}", hs.reply.status);
  if (w.ec) co_return "error: " + vitnet::describe(w.ec);
  io_.verbose(1, "ws: {} opened {}{}", st.peer, req.target,
              hs.protocol.empty() ? "" : " (" + hs.protocol + ")");

  ws_session s(ctx_, conn, proto::ws::role::server, o_.max_message);
  // A server told to stop closes its sessions as "going away" (1001), not by dropping them.
  struct goodbye {
    net::context& ctx;
    std::uint64_t id;
    ~goodbye() { ctx.forget_shutdown(id); }
  } bye{ctx_, ctx_.on_shutdown(
                  [&s] { s.close(proto::ws::close_code::going_away, "server shutting down"); })};
  // Nothing either way for --idle-timeout: the session is closed as "going away".
  std::optional<net::watchdog> idle;
  if (o_.idle_timeout) {
    idle.emplace(ctx_, *o_.idle_timeout,
                 [&s] { s.close(proto::ws::close_code::going_away, "idle timeout"); });
    s.watch(&*idle);
  }
  // Pings at an interval, while the session lives (the flag outlives it).
  auto pinging = std::make_shared<bool>(true);
  struct stop_pings {
    std::shared_ptr<bool> p;
    ~stop_pings() { *p = false; }
  } stop{pinging};
  if (o_.ping_interval)
    ctx_.start([](net::context& ctx, ws_session& s, net::duration every,
                  std::shared_ptr<bool> on) -> task<void> {
      for (;;) {
        co_await ctx.sleep(every);
        if (!*on || s.closing()) co_return;
        s.ping("vitnet");
      }
    }(ctx_, s, *o_.ping_interval, pinging));
  std::uint16_t code = 0;
  if (o_.service) {
    co_await o_.service->serve_ws(s, std::move(buffered), st);
    st.bytes_in += s.bytes_in();
    st.bytes_out += s.bytes_out();
    co_return s.reason();
  }
  switch (o_.mode) {
    case ws_mode::echo:
      code = co_await s.run(std::move(buffered), [&s](proto::ws::event& ev) {
        s.send(ev.type == proto::ws::event::kind::text ? proto::ws::opcode::text
                                                       : proto::ws::opcode::binary,
               ev.data);
      });
      break;
    case ws_mode::broadcast: {
      auto& room = rooms_[req.path];
      if (!room) room = std::make_unique<ws_room>(o_.max_message);
      room->members.push_back(&s);
      ws_room* r = room.get();
      code = co_await s.run(std::move(buffered), [&s, r](proto::ws::event& ev) {
        r->publish(&s,
                   ev.type == proto::ws::event::kind::text ? proto::ws::opcode::text
                                                           : proto::ws::opcode::binary,
                   ev.data);
      });
      r->members.remove(&s);
      break;
    }
    case ws_mode::exec:
      co_return co_await exec_session(s, conn, std::move(buffered), st);
    case ws_mode::stdio: {
      // Messages go to stdout in order, a line each; stdin lines become messages.
      ordered_writer out(ctx_, ctx_.standard_output(), [&s] { s.drained(); });
      auto alive = std::make_shared<bool>(true);
      ctx_.start(stdin_to_session(s, alive));
      code = co_await s.run(
          std::move(buffered), [&](proto::ws::event& ev) { out.push_line(std::move(ev.data)); },
          [&out] { return out.queued(); }, [&out] { out.flush(); });
      *alive = false;
      ctx_.standard_input().cancel();
      co_await out.drain();
      break;
    }
  }
  st.bytes_in += s.bytes_in();
  st.bytes_out += s.bytes_out();
  s.warn_sent_as_binary(io_, st.peer);
  (void)code;
  co_return s.reason();
}

task<std::string> ws_service::exec_session(ws_session& s, net::stream& conn, std::string buffered,
                                           conn_stats& st) {
  net::spawn_options so{o_.exec, {}};
  if (auto a = conn.peer_address()) {
    so.env["VITNET_PEER_ADDR"] = a->ip.to_string();
    so.env["VITNET_PEER_PORT"] = std::to_string(a->port);
  }
  auto child = ctx_.spawn(so);
  // The child's stdout lines become messages; when it ends, the session closes normally.
  auto alive = std::make_shared<bool>(true);
  auto from_child = [](ws_session& s, net::stream& out, bool binary,
                       std::shared_ptr<bool> alive) -> task<void> {
    std::string pending;
    char buf[16 * 1024];
    auto flow = s.flow();
    for (;;) {
      bool room = co_await flow->room();  // the child waits in its pipe, not in our memory
      if (!room || !*alive) co_return;
      auto r = co_await out.read_some(std::span<char>(buf, sizeof buf));
      if (!*alive) co_return;
      if (!r.n) break;
      pending.append(buf, r.n);
      send_lines(s, pending, binary, false);
    }
    send_lines(s, pending, binary, true);
    s.close();
  };
  ctx_.start(from_child(s, child->stdout_stream(), o_.binary, alive));
  // Messages in order to the child's stdin, one line each.
  ordered_writer in(ctx_, child->stdin_stream(), [&s] { s.drained(); });
  co_await s.run(
      std::move(buffered), [&](proto::ws::event& ev) { in.push_line(std::move(ev.data)); },
      [&in] { return in.queued(); }, [&in] { in.flush(); });
  *alive = false;
  child->stdin_stream().close();  // a pending write to a child that reads no more ends too
  co_await in.drain();
  child->kill(SIGTERM);
  int status = co_await child->wait();
  s.warn_sent_as_binary(io_, st.peer);
  st.bytes_in += s.bytes_in();
  st.bytes_out += s.bytes_out();
  if (status != 0 && status != 128 + SIGTERM)
    co_return fmt::format("{} (exit {})", s.reason(), status);
  co_return s.reason();
}

}  // namespace commands
