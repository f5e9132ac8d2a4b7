#pragma once
// One WebSocket connection after its handshake, for either side: a reader that decodes frames
// and answers pings and closes, and a writer that sends queued frames one at a time, so that any
// number of producers (a broadcast room, a child process, stdin) can send.
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/io.hpp"
#include "net/context.hpp"
#include "net/deadline.hpp"
#include "net/event.hpp"
#include "proto/ws/frame.hpp"

namespace commands {

/// A session's queue, seen by those who feed it.
struct ws_flow {
  explicit ws_flow(net::context& ctx) : progress(ctx) {}
  net::event progress;     ///< a write finished, or the session ended
  std::size_t queued = 0;  ///< bytes queued and not yet written
  bool ended = false;      ///< closing or gone: nothing more will be sent
  /// Waits until fewer than ws_session::high_water bytes are queued; false once ended.
  net::task<bool> room();
};

class ws_session {
 public:
  /// `on_message(kind, data)` sees each text or binary message.
  ws_session(net::context& ctx, net::stream& conn, proto::ws::role side, std::size_t max_message);
  ~ws_session();
  ws_session(const ws_session&) = delete;
  ws_session& operator=(const ws_session&) = delete;

  /// Queues a message (masked when this side is the client); text that is not UTF-8 goes as a
  /// binary message (counted by sent_as_binary()). False once closing.
  bool send(proto::ws::opcode op, std::string_view payload);
  /// Queues a frame already encoded, shared with other sessions (a server's broadcast: frames
  /// from a server are not masked, so every member gets the same bytes). False once closing.
  bool send_frame(std::shared_ptr<const std::string> frame);
  /// Queues a ping.
  void ping(std::string_view payload = {});
  /// Starts the closing handshake with `code` (once).
  void close(std::uint16_t code = proto::ws::close_code::normal, std::string_view reason = {});

  /// Runs until the connection ends: reads (feeding `initial` bytes first), answers pings,
  /// completes a close, calls on_message for each message. Returns the close code seen.
  /// Reading pauses while more than `high_water` bytes wait to be written: this session's queue
  /// plus `backlog()`, what its messages queued elsewhere (a child's stdin, stdout). Whoever
  /// drains that backlog calls drained(). `after_batch` runs once the messages of one read have
  /// all been given to on_message (an ordered_writer's flush(): one write for all of them).
  net::task<std::uint16_t> run(std::string initial,
                               std::function<void(proto::ws::event&)> on_message,
                               std::function<std::size_t()> backlog = {},
                               std::function<void()> after_batch = {});

  /// What a producer (stdin, a child's output) waits on so that it reads no faster than the peer
  /// takes: `co_await flow->room()`. Shared, so it is safe to wait on after the session is gone.
  std::shared_ptr<ws_flow> flow() const { return flow_; }
  /// Something run()'s `backlog` counts has been written: a paused reader may go on.
  void drained() { flow_->progress.notify(); }

  /// Reading pauses once more than `bytes` wait to be written (default high_water). A client
  /// whose own producer (stdin) keeps up to high_water queued sets it higher: pausing at its
  /// producer's level stopped it reading echoes, while a server that stops reading when its
  /// echoes are not read (vitnet's) waited for it — both ends stood still.
  void pause_reading_above(std::size_t bytes) { pause_at_ = bytes; }

  /// Touches `w` whenever bytes move either way (an idle timeout).
  void watch(net::watchdog* w) { activity_ = w; }

  /// Bytes waiting to be written beyond which reading and producing pause (back-pressure).
  static constexpr std::size_t high_water = 1 << 20;

  bool closing() const { return closing_; }
  /// Messages asked for as text that went as binary, not being UTF-8.
  std::uint64_t sent_as_binary() const { return sent_as_binary_; }
  /// Warns on `io` about those messages, if there were any.
  void warn_sent_as_binary(core::io& io, std::string_view who) const;
  std::uint64_t bytes_in() const { return bytes_in_; }
  std::uint64_t bytes_out() const { return bytes_out_; }
  /// How much is queued and not yet written (a slow peer's backlog).
  std::size_t queued() const { return flow_->queued; }
  /// Why the session ended, in words ("closed 1000", "error: 1007 invalid utf-8").
  const std::string& reason() const { return reason_; }

 private:
  void enqueue(std::string frame);
  void enqueue(std::shared_ptr<const std::string> frame);
  net::task<void> writer();
  std::optional<proto::ws::mask_key> mask();

  net::context& ctx_;
  net::stream& conn_;
  proto::ws::role side_;
  proto::ws::decoder dec_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  std::shared_ptr<ws_flow> flow_;
  net::watchdog* activity_ = nullptr;
  net::event wake_;                   ///< the writer waits here for frames
  std::unique_ptr<net::timer> done_;  ///< run() waits here for the writer to finish
  std::size_t pause_at_ = high_water;
  bool closing_ = false, close_sent_ = false, writer_done_ = false, stop_writer_ = false;
  std::uint64_t bytes_in_ = 0, bytes_out_ = 0, sent_as_binary_ = 0;
  std::string reason_;
};

/// Cuts `pending` into lines, calling `each` with every complete one (without its "\n" or
/// "\r\n") and keeping the unfinished rest; with `flush`, the rest goes too, as a last line.
template <typename F>
void split_lines(std::string& pending, bool flush, F&& each) {
  std::size_t start = 0;
  for (auto nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n', start)) {
    std::string_view line(pending.data() + start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    each(line);
    start = nl + 1;
  }
  pending.erase(0, start);
  if (flush && !pending.empty()) {
    each(std::string_view(pending));
    pending.clear();
  }
}

/// Writes chunks to a stream in the order they were pushed, joining what has queued up into one
/// write; drain() waits until everything is written (or writing failed).
class ordered_writer {
 public:
  /// `on_write` runs after each write (a ws_session's drained(), for back-pressure).
  ordered_writer(net::context& ctx, net::stream& to, std::function<void()> on_write = {});
  /// Queues a chunk; it is written after the next flush() (or drain()). Pushing a batch and then
  /// flushing once makes one write of it: writing on each push cost a system call per message.
  void push(std::string chunk);
  /// Queues a message as a line: `text` and a newline. A message from proto::ws::decoder has room
  /// for the newline already, so this copies nothing.
  void push_line(std::string text) {
    text += '\n';
    push(std::move(text));
  }
  /// Starts writing what is queued, unless a write is already under way (which goes on to it).
  void flush();
  net::task<void> drain();
  /// Bytes pushed and not yet written.
  std::size_t queued() const { return queued_; }

 private:
  net::task<void> run();
  net::context& ctx_;
  net::stream& to_;
  std::function<void()> on_write_;
  std::deque<std::string> q_;
  std::size_t queued_ = 0;
  bool busy_ = false, failed_ = false;
  net::event idle_;  ///< drain() waits here for the queue to empty
};

}  // namespace commands
