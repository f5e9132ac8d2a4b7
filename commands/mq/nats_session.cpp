// The NATS implementation of mq's session, over nats_client.
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
      : c_(ctx, options(o), io) {}

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
    c_.publish(m.subject, m.reply, headers, m.data);
    co_await c_.pace();
  }

  task<void> subscribe(const std::string& subject, const std::string& queue) override {
    if (!nats::valid_subject(subject, true))
      throw vitnet::error(core::exit_code::data,
                          fmt::format("'{}' is not a subject to subscribe to", subject));
    c_.subscribe(subject, queue);
    co_return;
  }

  task<std::optional<message>> next(net::duration timeout) override {
    auto m = co_await c_.next(timeout);
    if (!m) co_return std::nullopt;
    message out;
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
  nats_client c_;
};

}  // namespace

std::unique_ptr<session> make_nats_session(net::context& ctx, const session_options& o,
                                           core::io& io) {
  return std::make_unique<nats_session>(ctx, o, io);
}

}  // namespace commands::mq
