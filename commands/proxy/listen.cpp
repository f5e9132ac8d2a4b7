// The stream proxy's front door: accept connections and start a session for each. While a refuse
// fault turns every connection away, the listener is closed, so clients are refused by the kernel
// (ECONNREFUSED), as by a host where nothing listens; it listens again on the same address when
// the refusal ends. A refusal of only some connections (a probability, a count) is realised in
// the session instead, by closing the connection at once.
#include <algorithm>

#include "commands/proxy/state.hpp"
#include "core/error.hpp"
#include "net/deadline.hpp"
#include "net/quic/quic.hpp"
#include "net/x509/x509.hpp"

namespace commands::proxy {

namespace {

using net::task;
using namespace std::chrono_literals;

class front {
 public:
  explicit front(std::shared_ptr<state> st)
      : st_(std::move(st)), ctx_(st_->ctx), wake_(ctx_.make_timer()) {}
  ~front() {
    st_->faults_changed = nullptr;
    st_->close_listener = nullptr;
  }

  task<int> run(std::optional<net::listener> given) {
    if (given)
      listener_ = std::move(*given);
    else
      listener_ = co_await open(st_->opts.listen);
    open_ = true;
    where_ = listener_.local_endpoint();  // with the real port, to listen again on the same one
    announce(*st_, where_);
    st_->faults_changed = [this] { rearm(); };
    st_->close_listener = [this] {
      shut();
      wake_->cancel();
    };
    for (;;) {
      if (st_->stopped) co_return 0;
      if (auto* f = refusing_all(*st_->faults, st_->elapsed())) {
        co_await refuse(*f);
        continue;
      }
      if (!open_) {
        co_await reopen();
        continue;
      }
      rearm();
      auto [ec, conn] = co_await listener_.accept();
      if (st_->stopped) co_return 0;
      if (ec) {
        if (!open_) continue;  // closed for a refusal
        // Out of descriptors or a transient failure: say so, breathe, go on accepting.
        st_->io.warn("accept: {}: {}", where_.display(), vitnet::describe(ec));
        co_await ctx_.sleep(100ms);
        continue;
      }
      auto id = ++st_->next_id;
      auto draw = fault_draw::choose(*st_->faults, id, st_->elapsed(), st_->random);
      ctx_.start(stream_session(st_, std::move(conn), id, std::move(draw)));
    }
  }

 private:
  // quic:// is a QUIC server whose connections' first streams are accepted as TCP connections
  // are (its TLS ends inside QUIC, with --cert/--key/--client-ca as for tls://). A listener
  // closed for a refusal still answers the QUIC connections it holds, and keeps their UDP port
  // until they end: listening again waits for that (it is retried each second).
  task<net::listener> open(const net::endpoint& where) {
    if (!where.quic) co_return co_await ctx_.listen(where);
    net::quic_server_options q;
    q.tls = st_->opts.listen_tls;
    if (st_->opts.idle_timeout) q.idle_timeout = *st_->opts.idle_timeout;
    // Without --cert, one ephemeral certificate for every listen: clients that pinned it before
    // a refusal still trust the listener after it. (Ed25519, as the QUIC server's own.)
    bool first = ephemeral_.cert_pem.empty();
    if (q.tls.cert_file.empty() && first) {
      std::vector<std::string> names{"localhost", "127.0.0.1", "::1"};
      if (!where.host.empty() && std::find(names.begin(), names.end(), where.host) == names.end())
        names.insert(names.begin(), where.host);
      ephemeral_ = net::x509::self_signed_server(names, net::x509::key_type::ed25519);
    }
    q.cert_pem = ephemeral_.cert_pem;
    q.key_pem = ephemeral_.key_pem;
    auto server = co_await net::quic_server::listen(ctx_, where, q);
    if (server.ephemeral() && first) note_ephemeral(*st_, server.fingerprint());
    co_return net::quic_stream_listener(ctx_, server);
  }

  void shut() {
    if (!open_) return;
    open_ = false;
    listener_.close();
  }

  // After each accept and each reload: close now if a refusal is in force, else be ready to close
  // when the next one begins.
  void rearm() {
    next_.reset();
    wake_->cancel();  // a refusal being waited out is looked at again
    auto t = st_->elapsed();
    if (refusing_all(*st_->faults, t)) {
      shut();
      return;
    }
    if (auto at = next_refusal(*st_->faults, t))
      next_ = std::make_unique<net::watchdog>(ctx_, *at - t, [this] { shut(); });
  }

  task<void> refuse(const net::fault_spec& f) {
    auto t = st_->elapsed();
    if (!refusing_) {
      refusing_ = true;
      shut();
      if (st_->io.json())
        st_->event(
            {{"event", "fault"}, {"kind", "refuse"}, {"origin", f.origin}, {"listening", false}});
      else
        st_->io.verbose(1, "{}: refusing connections: {} is closed ({})", st_->label(),
                        where_.display(), f.origin);
    }
    // Until the refusal ends, or a reload changes the faults.
    if (f.lasts)
      wake_->expires_after(f.at + *f.lasts - t);
    else
      wake_->expires_never();
    co_await wake_->wait();
  }

  task<void> reopen() {
    auto failure = co_await net::failure_of([this]() -> task<void> {
      listener_ = co_await open(where_);
      open_ = true;
    }());
    if (failure) {
      st_->io.warn("{}: listen again: {}; trying again in 1s", st_->label(), *failure);
      co_await ctx_.sleep(1s);
      co_return;
    }
    if (!std::exchange(refusing_, false)) co_return;
    if (st_->io.json())
      st_->event({{"event", "fault_end"}, {"kind", "refuse"}, {"listening", true}});
    else
      st_->io.verbose(1, "{}: listening again on {}", st_->label(), where_.display());
  }

  std::shared_ptr<state> st_;
  net::context& ctx_;
  net::listener listener_;
  bool open_ = false;
  bool refusing_ = false;
  net::x509::issued ephemeral_;  ///< quic:// without --cert: the certificate, made once
  net::endpoint where_;
  std::unique_ptr<net::timer> wake_;
  std::unique_ptr<net::watchdog> next_;  // closes the listener when the next refusal begins
};

}  // namespace

task<int> run_stream(std::shared_ptr<state> st, std::optional<net::listener> listener) {
  front f(std::move(st));
  co_return co_await f.run(std::move(listener));
}

}  // namespace commands::proxy
