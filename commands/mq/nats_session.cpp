// The NATS implementation of mq's session, over nats_client.
#include "commands/mq/jetstream.hpp"
#include "commands/mq/nats_client.hpp"
#include "commands/mq/session.hpp"
#include "core/error.hpp"
#include "proto/nats/protocol.hpp"

namespace commands::mq {

namespace nats = proto::nats;
using net::task;

namespace {

class nats_session final : public session {
 public:
  nats_session(net::context& ctx, const session_options& o, core::io& io)
      : ctx_(ctx), o_(o), io_(io), c_(ctx, options(o), io) {}

  task<void> connect() override { co_await c_.connect(); }

  task<void> publish(const message& m) override {
    std::string headers;
    if (!m.headers.empty() || m.status) {
      nats::headers h;
      h.status = m.status;
      h.description = m.status_text;
      h.fields = m.headers;
      for (auto& [k, v] : h.fields)
        if (k.empty() || k.find_first_of(" \t:\r\n") != std::string::npos ||
            v.find_first_of("\r\n") != std::string::npos)
          throw vitnet::error(core::exit_code::data,
                              fmt::format("header '{}' cannot be carried by NATS", k));
      headers = nats::write_headers(h);
    }
    if (!nats::valid_subject(m.subject, false))
      throw vitnet::error(core::exit_code::data,
                          fmt::format("'{}' is not a subject to publish to (tokens separated by "
                                      "'.', no spaces, no wildcards)",
                                      m.subject));
    if (o_.ack) {
      // JetStream: each message waits for the stream's acknowledgement.
      auto [stream, seq] = co_await js::publish(c_, m.subject, headers, m.data, ack_timeout);
      io_.verbose(1, "mq pub: stored in stream {} as {}", stream, seq);
      co_return;
    }
    c_.publish(m.subject, m.reply, headers, m.data);
    co_await c_.pace();
  }

  task<void> subscribe(const std::string& subject, const std::string& queue) override {
    if (!nats::valid_subject(subject, true))
      throw vitnet::error(core::exit_code::data,
                          fmt::format("'{}' is not a subject to subscribe to", subject));
    if (o_.stream) {
      if (reader_)
        throw vitnet::error(core::exit_code::usage,
                            "a stream is read with one SUBJECT (its filter) at a time");
      if (!queue.empty())
        throw vitnet::error(core::exit_code::usage,
                            "--queue: a JetStream consumer is shared with --durable instead");
      js::reader_options r{o_.stream_name, subject,      o_.durable, o_.from,
                           o_.ack,         o_.until_end, o_.count};
      reader_ = std::make_unique<js::reader>(ctx_, c_, r);
      co_await reader_->start(ack_timeout);
      co_return;
    }
    c_.subscribe(subject, queue);
  }

  task<std::optional<message>> next(net::duration timeout) override {
    std::optional<nats_message> m;
    std::uint64_t seq = 0;
    if (reader_)
      m = co_await reader_->next(timeout, seq);
    else
      m = co_await c_.next(timeout);
    if (!m) co_return std::nullopt;
    message out;
    if (reader_) out.id = std::to_string(seq);
    out.subject = std::move(m->subject);
    out.reply = std::move(m->reply);
    out.data = std::move(m->payload);
    if (!m->headers.empty()) {
      if (auto h = nats::parse_headers(m->headers)) {
        out.headers = std::move(h->fields);
        out.status = h->status;
        out.status_text = std::move(h->description);
      }
    }
    co_return out;
  }

  task<void> flush(net::duration timeout) override { co_await c_.flush(timeout); }
  std::string new_inbox() override { return c_.new_inbox(); }
  task<void> close() override { co_await c_.close(); }
  task<void> ack(const message& m) override {
    if (reader_) reader_->ack(m.reply);
    co_return;
  }
  bool at_end() const override { return reader_ && reader_->at_end(); }

 private:
  static nats_client_options options(const session_options& o) {
    nats_client_options n;
    n.url = o.url;
    n.connect_timeout = o.connect_timeout;
    n.tls = o.tls;
    n.name = o.name;
    n.reconnects = o.reconnects;
    return n;
  }
  static constexpr net::duration ack_timeout = std::chrono::seconds(5);
  net::context& ctx_;
  session_options o_;
  core::io& io_;
  nats_client c_;
  std::unique_ptr<js::reader> reader_;  ///< --stream: JetStream instead of core NATS
};

}  // namespace

std::unique_ptr<session> make_nats_session(net::context& ctx, const session_options& o,
                                           core::io& io) {
  return std::make_unique<nats_session>(ctx, o, io);
}

}  // namespace commands::mq
