#include "commands/ws/session.hpp"

#include <fmt/format.h>

namespace commands {

using net::task;
using namespace std::chrono_literals;

// Queued frames are joined into writes of at most this many bytes.
constexpr std::size_t coalesce_limit = 256 * 1024;

// A closing handshake the peer does not finish within this is cut short.
constexpr net::duration close_wait = 5s;

ws_session::ws_session(net::context& ctx, net::stream& conn, proto::ws::role side,
                       std::size_t max_message)
    : ctx_(ctx),
      conn_(conn),
      side_(side),
      dec_(side, max_message),
      flow_(std::make_shared<ws_flow>(ctx)),
      wake_(ctx),
      done_(ctx.make_timer()) {}

ws_session::~ws_session() {
  flow_->ended = true;
  flow_->progress.notify();
}

task<bool> ws_flow::room() {
  while (!ended && queued > ws_session::high_water) {
    bool woken = co_await progress.wait();
    if (!woken) co_return false;
  }
  co_return !ended;
}

std::optional<proto::ws::mask_key> ws_session::mask() {
  if (side_ == proto::ws::role::server) return std::nullopt;
  // Client frames are masked with unpredictable keys (RFC 6455 10.3): the context's generator.
  proto::ws::mask_key k{};
  ctx_.random(k);
  return k;
}

void ws_session::enqueue(std::string frame) {
  enqueue(std::make_shared<const std::string>(std::move(frame)));
}

void ws_session::enqueue(std::shared_ptr<const std::string> frame) {
  flow_->queued += frame->size();
  queue_.push_back(std::move(frame));
  wake_.notify();
}

bool ws_session::send_frame(std::shared_ptr<const std::string> frame) {
  if (closing_) return false;
  enqueue(std::move(frame));
  return true;
}

bool ws_session::send(proto::ws::opcode op, std::string_view payload) {
  if (closing_) return false;
  // A text frame must hold UTF-8 (RFC 6455 5.6; peers close with 1007 otherwise). Lines that
  // are not go as binary messages, so nothing is lost; the caller says how many.
  if (op == proto::ws::opcode::text && !proto::ws::is_valid_utf8(payload)) {
    op = proto::ws::opcode::binary;
    ++sent_as_binary_;
  }
  enqueue(proto::ws::encode_frame(op, payload, true, mask()));
  return true;
}

void ws_session::ping(std::string_view payload) {
  if (!closing_) enqueue(proto::ws::encode_frame(proto::ws::opcode::ping, payload, true, mask()));
}

void ws_session::close(std::uint16_t code, std::string_view reason) {
  if (close_sent_) return;
  close_sent_ = true;
  closing_ = true;
  flow_->ended = true;
  enqueue(proto::ws::encode_close(code, reason, mask()));
}

void ws_session::warn_sent_as_binary(core::io& io, std::string_view who) const {
  auto n = sent_as_binary_;
  if (n == 0) return;
  io.warn("ws: {}: {} line{} not UTF-8 went as binary message{}", who, n, n == 1 ? "" : "s",
          n == 1 ? "" : "s");
}

task<void> ws_session::writer() {
  for (;;) {
    if (queue_.empty()) {
      if (stop_writer_) break;
      bool woken = co_await wake_.wait();
      if (!woken) break;
      continue;
    }
    // Everything queued goes in one write (up to a bound): one system call for a burst of
    // small messages rather than one each.
    // A frame shared with other sessions (a broadcast) is written from where it is; small ones
    // are joined into one buffer.
    std::shared_ptr<const std::string> frame = std::move(queue_.front());
    queue_.pop_front();
    if (!queue_.empty() && frame->size() + queue_.front()->size() <= coalesce_limit) {
      auto joined = std::make_shared<std::string>(*frame);
      while (!queue_.empty() && joined->size() + queue_.front()->size() <= coalesce_limit) {
        *joined += *queue_.front();
        queue_.pop_front();
      }
      frame = std::move(joined);
    }
    auto w = co_await conn_.write_all(std::span<const char>(frame->data(), frame->size()));
    flow_->queued -= frame->size();  // counted until written: one being written still holds memory
    bytes_out_ += w.n;
    if (activity_ && w.n) activity_->touch();
    flow_->progress.notify();
    if (w.ec) {
      queue_.clear();
      flow_->queued = 0;
      closing_ = true;
      flow_->ended = true;
      conn_.cancel();  // the reader learns the connection is gone
      break;
    }
  }
  writer_done_ = true;
  flow_->progress.notify();
  done_->cancel();
}

task<std::uint16_t> ws_session::run(std::string initial,
                                    std::function<void(proto::ws::event&)> on_message,
                                    std::function<std::size_t()> backlog,
                                    std::function<void()> after_batch) {
  ctx_.start(writer());
  std::uint16_t code = proto::ws::close_code::abnormal;
  std::optional<net::watchdog> closing_deadline;
  bool peer_closed = false;
  dec_.feed(initial);
  std::string buf(64 * 1024, '\0');
  for (bool reading = true; reading;) {
    while (auto ev = dec_.next()) {
      using k = proto::ws::event::kind;
      switch (ev->type) {
        case k::text:
        case k::binary:
          on_message(*ev);
          break;
        case k::ping:
          if (!close_sent_)
            enqueue(proto::ws::encode_frame(proto::ws::opcode::pong, ev->data, true, mask()));
          break;
        case k::pong:
          break;
        case k::close:
          code = ev->code;
          peer_closed = true;
          reason_ = fmt::format("closed {}", code);
          // Answer with the same code (1000 when the peer gave none).
          close(code == proto::ws::close_code::no_status ? proto::ws::close_code::normal : code);
          reading = false;
          break;
        case k::error:
          code = ev->code;
          reason_ = fmt::format("error: {} {}", ev->code, ev->data);
          close(ev->code, ev->data);
          reading = false;
          break;
      }
      if (!reading) break;
    }
    if (after_batch) after_batch();
    if (!reading) break;
    if (close_sent_ && !closing_deadline)
      closing_deadline.emplace(ctx_, close_wait, [this] { conn_.cancel(); });
    // Back-pressure: a peer that sends without reading (or faster than the other end takes)
    // waits in its TCP window, not in our memory. Echoes and pongs count, being queued replies.
    bool paused = false;
    while (!writer_done_ && flow_->queued + (backlog ? backlog() : 0) > pause_at_) {
      bool woken = co_await flow_->progress.wait();
      if (!woken) {
        paused = true;
        break;
      }
    }
    if (paused || writer_done_) {
      if (reason_.empty()) reason_ = "error: the connection failed while writing";
      break;
    }
    auto r = co_await conn_.read_some(std::span<char>(buf.data(), buf.size()));
    if (r.n) {
      bytes_in_ += r.n;
      if (activity_) activity_->touch();
      dec_.feed(std::string_view(buf.data(), r.n));
      continue;
    }
    if (reason_.empty())
      reason_ =
          close_sent_ ? "closed (peer did not answer the close)" : "closed without a close frame";
    break;
  }
  // Flush what is queued (the answering close among it), then end the writer.
  stop_writer_ = true;
  closing_ = true;
  flow_->ended = true;
  flow_->progress.notify();
  wake_.notify();
  while (!writer_done_) {
    done_->expires_after(close_wait);
    // A peer that reads nothing must not hold the session: cut the write short.
    if (co_await done_->wait() && !writer_done_) conn_.cancel();
  }
  // The server closes the TCP connection first; a client waits (briefly) for it to do so.
  if (side_ == proto::ws::role::client && peer_closed) {
    net::watchdog wd(ctx_, 1s, [this] { conn_.cancel(); });
    char b[512];
    for (;;) {
      auto r = co_await conn_.read_some(std::span<char>(b, sizeof b));
      if (!r.n) break;
    }
  }
  co_return code;
}

ordered_writer::ordered_writer(net::context& ctx, net::stream& to, std::function<void()> on_write)
    : ctx_(ctx), to_(to), on_write_(std::move(on_write)), idle_(ctx) {}

void ordered_writer::push(std::string chunk) {
  if (failed_) return;
  queued_ += chunk.size();
  q_.push_back(std::move(chunk));
}

void ordered_writer::flush() {
  if (!busy_ && !q_.empty()) {
    busy_ = true;
    ctx_.start(run());
  }
}

task<void> ordered_writer::drain() {
  flush();
  while (busy_) {
    bool woken = co_await idle_.wait();
    if (!woken) break;
  }
}

task<void> ordered_writer::run() {
  while (!q_.empty()) {
    std::string c = std::move(q_.front());
    q_.pop_front();
    while (!q_.empty() && c.size() + q_.front().size() <= coalesce_limit) {
      c += q_.front();
      q_.pop_front();
    }
    auto w = co_await to_.write_all(std::span<const char>(c.data(), c.size()));
    queued_ -= c.size();
    if (w.ec) {
      failed_ = true;
      q_.clear();
      queued_ = 0;
    }
    if (on_write_) on_write_();
  }
  busy_ = false;
  idle_.notify();
}

}  // namespace commands
