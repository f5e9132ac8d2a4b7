#include "commands/connect/connect.hpp"

#include <cerrno>
#include <nlohmann/json.hpp>
#include <vector>

#include "commands/serve/session.hpp"
#include "core/error.hpp"
#include "core/hexdump.hpp"
#include "core/text.hpp"
#include "net/copy.hpp"
#include "net/deadline.hpp"
#include "net/event.hpp"
#include "net/quic/quic.hpp"

namespace commands {

namespace {

using core::exit_code;
using net::task;

class client {
 public:
  client(net::context& ctx, const connect_options& o, core::io& io) : ctx_(ctx), o_(o), io_(io) {}
  ~client() { *alive_ = false; }

  task<int> run() {
    if (o_.where.transport == net::transport::udp && !o_.where.quic) co_return co_await run_udp();
    if (o_.where.port == 0 && !o_.where.is_unix())
      vitnet::fail(exit_code::usage, "connect: {}: port 0 cannot be dialled", o_.where.display());
    net::dial_options d{o_.timeout, o_.retry, o_.retry_delay,
                        [this](int attempt, const std::string& why, net::duration wait) {
                          io_.warn("{} (retry {}/{} in {})", why, attempt, o_.retry,
                                   core::format_duration(wait));
                        }};
    auto started = ctx_.now();
    net::stream conn;
    if (o_.where.quic)
      conn = co_await quic_open();
    else
      conn = co_await dial_stream(d, true);
    if (o_.check) {
      auto took = ctx_.now() - started;
      if (io_.json())
        io_.out(nlohmann::ordered_json{{"url", o_.where.to_string()},
                                       {"open", true},
                                       {"connect_s", core::seconds(took)}}
                    .dump() +
                "\n");
      else
        io_.verbose(1, "{} is open", o_.where.display());
      co_return 0;
    }
    io_.verbose(1, "connected to {}", conn.peer_name());
    if (o_.bench) co_return co_await bench(conn, d);
    // With --json, the connection's events go to stderr: stdout carries the peer's data.
    conn_stats st{1, conn.peer_name(), ctx_.now()};
    if (io_.json()) report_open(io_, st, true);
    std::string reason = "eof";
    try {
      co_return co_await relay(conn, st);
    } catch (const vitnet::error& e) {
      reason = std::string("error: ") + e.what();
      if (io_.json()) report_close(io_, ctx_, st, reason, true);
      throw;
    }
  }

 private:
  net::copy_options hex_options(char direction, std::uint64_t& offset) {
    net::copy_options c;
    c.crlf = direction == '>' && o_.crlf;
    if (o_.hex)
      c.observe = [this, direction, &offset](std::span<const char> chunk) {
        io_.err(core::hexdump({reinterpret_cast<const unsigned char*>(chunk.data()), chunk.size()},
                              offset, direction));
        offset += chunk.size();
      };
    return c;
  }

  // quic://: the handshake (resuming a session, with early data, when asked), then the stream.
  task<net::stream> quic_open() {
    net::quic_client_options q;
    q.tls = net::for_endpoint(o_.tls, o_.where);
    if (q.tls.insecure) io_.warn("tls: certificate verification is off (--insecure)");
    q.qlog_dir = o_.qlog_dir;
    q.session_file = o_.session_file;
    if (o_.idle_timeout) q.idle_timeout = *o_.idle_timeout;
    if (o_.early) {
      q.early_data = true;
      if (o_.send) {
        q.early_payload = *o_.send;
        send_done_ = true;
      } else if (!o_.recv_only) {
        // What stdin has first goes out as early data; the rest follows on the stream.
        std::string buf(16 * 1024, '\0');
        auto r = co_await ctx_.standard_input().read_some(buf);
        buf.resize(r.n);
        q.early_payload = std::move(buf);
      }
    }
    net::quic_info info;
    auto conn = co_await net::quic_connect(ctx_, o_.where, q, o_.timeout, &info);
    for (auto& w : info.warnings) io_.warn("quic: {}", w);
    io_.verbose(1, "quic: {} {}, alpn {}{}{}", info.tls_version, info.cipher, info.alpn,
                info.peer_subject.empty() ? "" : ", peer " + info.peer_subject,
                info.resumed ? ", resumed" : "");
    if (o_.early) {
      auto n = q.early_payload.size();
      if (!info.early_data_accepted)
        io_.note("quic: no 0-RTT: {}; {} bytes sent after the handshake",
                 info.resumed ? "the session allows no early data"
                              : "no session to resume yet (this connection keeps one)",
                 n);
      else if (*info.early_data_accepted)
        io_.note("quic: 0-RTT accepted: the server took {} bytes of early data", n);
      else
        io_.note("quic: 0-RTT rejected by the server; {} bytes sent again after the handshake", n);
      if (io_.json())
        io_.event(nlohmann::ordered_json{{"event", "early_data"},
                                         {"offered", n},
                                         {"resumed", info.resumed},
                                         {"accepted", info.early_data_accepted.value_or(false)}}
                      .dump(),
                  true);
    }
    if (o_.migrate || o_.rebind || o_.key_update)
      ctx_.start(quic_events(net::quic_session::of(conn), alive_));
    co_return conn;
  }

  task<void> quic_events(net::quic_session s, std::shared_ptr<bool> alive) {
    co_await ctx_.sleep(o_.after);
    if (!*alive) co_return;
    auto failed = co_await net::failure_of([&]() -> task<void> {
      if (o_.key_update) {
        s.update_key();
        io_.note("quic: key update started");
      }
      if (o_.migrate) {
        auto from = s.info().local;
        co_await s.migrate();
        if (!*alive) co_return;
        io_.note("quic: migrated from {} to {} (path validated)", from, s.info().local);
      }
      if (o_.rebind) {
        auto from = s.info().local;
        co_await s.rebind();
        if (!*alive) co_return;
        io_.note("quic: rebound from {} to {}", from, s.info().local);
      }
    }());
    if (failed && *alive) io_.warn("{}", *failed);
  }

  task<int> relay(net::stream& conn, conn_stats& st) {
    std::unique_ptr<net::watchdog> idle;
    bool idled = false;
    if (o_.idle_timeout)
      idle = std::make_unique<net::watchdog>(ctx_, *o_.idle_timeout, [&] {
        idled = true;
        conn.close();
        ctx_.standard_input().cancel();
      });
    std::uint64_t up_off = 0, down_off = 0;
    net::copy_result up, down;
    bool peer_done = false;

    auto upload = [&]() -> task<void> {
      if (o_.recv_only) co_return;
      if (send_done_) {
        // --send went out as 0-RTT data already.
      } else if (o_.send) {
        std::string data = *o_.send;
        char before = 0;
        if (o_.crlf) data = core::with_crlf(data, before);
        if (o_.hex)
          io_.err(core::hexdump({reinterpret_cast<const unsigned char*>(data.data()), data.size()},
                                0, '>'));
        auto wr = co_await conn.write_all(data);
        up.bytes = wr.n;
        up.write_ec = wr.ec;
      } else {
        auto opts = hex_options('>', up_off);
        opts.activity = idle.get();
        opts.shutdown_after = false;
        up = co_await net::copy(ctx_.standard_input(), conn, opts);
      }
      if (peer_done) co_return;
      if (o_.close_on_eof || o_.send_only) {
        closed_by_us_ = true;
        conn.close();
      } else if (!up.write_ec) {
        conn.shutdown_send();  // half-close: the peer sees the end, and may still answer
      }
    };
    auto download = [&]() -> task<void> {
      auto opts = hex_options('<', down_off);
      opts.activity = idle.get();
      opts.shutdown_after = false;
      if (o_.send_only) {
        down = co_await net::drain(conn, opts);
      } else {
        down = co_await net::copy(conn, ctx_.standard_output(), opts);
      }
      peer_done = true;
      ctx_.standard_input().cancel();  // the peer is done: stop waiting for stdin
    };
    co_await net::both(ctx_, upload(), download());
    if (idle) idle->disarm();
    st.bytes_out = up.bytes;
    st.bytes_in = down.bytes;

    if (idled)
      vitnet::fail(exit_code::timeout, "connect: {}: idle for {}, closing", conn.peer_name(),
                   core::format_duration(*o_.idle_timeout));
    bool send_failed = up.write_ec && !peer_done && !is_closed_by_us(up.write_ec);
    bool receive_failed =
        down.read_ec && !net::is_eof(down.read_ec) && !is_closed_by_us(down.read_ec);
    if ((send_failed || receive_failed) && o_.where.quic && !conn.failure_detail().empty()) {
      // How the QUIC connection ended: its idle timeout is a timeout (75), not a TLS failure.
      bool timed_out = up.write_ec == std::errc::timed_out || down.read_ec == std::errc::timed_out;
      vitnet::fail(timed_out ? exit_code::timeout : exit_code::protocol, "quic: {}: {}",
                   conn.peer_name(), conn.failure_detail());
    }
    if ((send_failed || receive_failed) && !conn.failure_detail().empty()) {
      // What TLS said beats "protocol error".
      std::string detail = conn.failure_detail();
      std::string advice = detail.find("certificate required") != std::string::npos
                               ? "; the server wants a client certificate: pass --cert and --key"
                               : "";
      vitnet::fail(exit_code::protocol, "tls: {}: {}{}", conn.peer_name(), detail, advice);
    }
    if (send_failed) vitnet::fail_os("send", conn.peer_name(), up.write_ec);
    if (receive_failed) vitnet::fail_os("receive", conn.peer_name(), down.read_ec);
    // A reader of stdout that went away (| head) ends the relay; that is not a failure.
    if (io_.json()) report_close(io_, ctx_, st, "eof", true);
    co_return 0;
  }

  bool is_closed_by_us(const std::error_code& ec) const {
    return net::is_cancelled(ec) || closed_by_us_;
  }

  // A TCP or Unix connection, with TLS for tls:// (`first`: the one that says what it agreed).
  task<net::stream> dial_stream(const net::dial_options& d, bool first) {
    auto conn = co_await net::dial(ctx_, o_.where, d);
    if (!o_.where.tls) co_return conn;
    auto opts = net::for_endpoint(o_.tls, o_.where);
    if (first && opts.insecure) io_.warn("tls: certificate verification is off (--insecure)");
    net::tls_info info;
    conn = co_await net::tls_connect(ctx_, std::move(conn), opts, o_.timeout, &info);
    if (first)
      io_.verbose(1, "tls: {} {}{}{}", info.version, info.cipher,
                  info.alpn.empty() ? "" : ", alpn " + info.alpn,
                  info.peer_subject.empty() ? "" : ", peer " + info.peer_subject);
    co_return conn;
  }

  // --streams N: the other N-1 streams of a --bench run. Over quic:// they are streams of the
  // same connection (what QUIC multiplexes); over the others, connections of their own, each
  // with its handshake (as iperf3 -P).
  task<std::vector<net::stream>> more_streams(net::stream& first, const net::dial_options& d) {
    std::vector<net::stream> all;
    for (int i = 1; i < o_.streams; ++i) {
      if (o_.where.quic) {
        auto session = net::quic_session::of(first);
        auto s = co_await session.open_stream();
        all.push_back(std::move(s));
        continue;
      }
      auto conn = co_await dial_stream(d, false);
      all.push_back(std::move(conn));
    }
    co_return all;
  }

  // What the streams of a --bench run share: the bytes counted, the interval being reported.
  struct bench_run {
    net::clock::time_point start, until, next_report, interval_start;
    std::uint64_t total = 0, interval_bytes = 0;
    nlohmann::ordered_json intervals = nlohmann::ordered_json::array();
    struct lane {
      std::uint64_t bytes = 0;
      net::clock::time_point end;
      std::string failure;  // what ended it early ("send: 127.0.0.1:5000: ...")
    };
    std::vector<lane> lanes;
    int running = 0;
    const char* total_id = "1";  ///< what interval lines are labelled: "SUM" over several
  };

  void bench_report(bench_run& b, net::clock::time_point from, net::clock::time_point to,
                    std::uint64_t bytes, std::string_view id, const char* tail) {
    double a = core::seconds(from - b.start), e = core::seconds(to - b.start);
    double bps = bytes * 8.0 / std::max(1e-9, e - a);
    if (io_.json())
      b.intervals.push_back(
          {{"start_s", a}, {"end_s", e}, {"bytes", bytes}, {"bits_per_second", bps}});
    else
      io_.out(fmt::format("[{:>3}] {:6.2f}-{:<6.2f} sec  {:>10}  {}{}\n", id, a, e,
                          core::format_size(bytes), core::format_bitrate(bps), tail));
  }

  // One stream of a --bench run: send until the deadline, half-close, and wait until the sink
  // has read everything (it closes then).
  task<void> bench_lane(net::stream& conn, bench_run& b, std::size_t k, net::event& finished) {
    constexpr std::size_t chunk = 1 << 20;
    std::vector<char> buf(chunk, 0);
    auto& lane = b.lanes[k];
    try {
      while (ctx_.now() < b.until) {
        auto wr = co_await conn.write_all(buf);
        lane.bytes += wr.n;
        b.total += wr.n;
        b.interval_bytes += wr.n;
        if (wr.ec) vitnet::fail_os("send", conn.peer_name(), wr.ec);
        auto now = ctx_.now();
        if (now >= b.next_report) {
          bench_report(b, b.interval_start, now, b.interval_bytes, b.total_id, "");
          b.interval_start = now;
          b.interval_bytes = 0;
          b.next_report = now + std::chrono::seconds(1);
        }
      }
      conn.shutdown_send();
      // The sink closes once it has read everything: only then is every byte known to have
      // arrived.
      auto rest = co_await net::drain(conn);
      if (!net::is_eof(rest.read_ec)) vitnet::fail_os("receive", conn.peer_name(), rest.read_ec);
    } catch (const std::exception& e) {
      lane.failure = e.what();
    }
    lane.end = ctx_.now();
    --b.running;
    finished.notify();
  }

  // Memory-to-memory throughput, against `serve --sink`: send for a while on each stream,
  // half-close, and count the time until the peer has read everything and closed.
  task<int> bench(net::stream& conn, const net::dial_options& d) {
    auto others = co_await more_streams(conn, d);
    std::vector<net::stream*> streams{&conn};
    for (auto& s : others) streams.push_back(&s);
    bench_run b;
    b.start = b.interval_start = ctx_.now();
    b.until = b.start + *o_.bench;
    b.next_report = b.start + std::chrono::seconds(1);
    b.lanes.resize(streams.size());
    if (streams.size() > 1) b.total_id = "SUM";
    if (!io_.json()) io_.out("[ ID] Interval           Transfer     Bitrate\n");
    net::event finished(ctx_);
    b.running = static_cast<int>(streams.size());
    // The lanes refer to `b`, `finished` and the streams: this frame outlives them, as it waits
    // until every one has ended.
    for (std::size_t k = 1; k < streams.size(); ++k)
      ctx_.start(bench_lane(*streams[k], b, k, finished));
    co_await bench_lane(conn, b, 0, finished);
    while (b.running > 0) {
      bool woken = co_await finished.wait();
      if (!woken) break;
    }
    if (b.interval_bytes > 0)
      bench_report(b, b.interval_start, ctx_.now(), b.interval_bytes, b.total_id, "");
    for (auto& lane : b.lanes)
      if (!lane.failure.empty()) vitnet::fail(exit_code::io, "{}", lane.failure);
    auto end = ctx_.now();
    double secs = core::seconds(end - b.start);
    double bps = b.total * 8.0 / secs;
    if (io_.json()) {
      nlohmann::ordered_json out{{"url", o_.where.to_string()},
                                 {"bytes", b.total},
                                 {"seconds", secs},
                                 {"bits_per_second", bps}};
      if (o_.streams > 1) {
        out["streams"] = o_.streams;
        auto per = nlohmann::ordered_json::array();
        for (auto& lane : b.lanes)
          per.push_back({{"bytes", lane.bytes}, {"seconds", core::seconds(lane.end - b.start)}});
        out["per_stream"] = per;
      }
      out["intervals"] = b.intervals;
      io_.out(out.dump() + "\n");
    } else {
      io_.out("- - - - - - - - - - - - - - - - - - - - - - - - -\n");
      if (o_.streams > 1)
        for (std::size_t k = 0; k < b.lanes.size(); ++k)
          bench_report(b, b.start, b.lanes[k].end, b.lanes[k].bytes, std::to_string(k + 1),
                       "  sender, all received");
      bench_report(b, b.start, end, b.total, b.total_id, "  sender, all received");
    }
    co_return 0;
  }

  // ---- UDP
  // ----------------------------------------------------------------------------------------

  task<int> run_udp() {
    if (o_.where.tls) vitnet::fail(exit_code::usage, "connect: tls runs over tcp, not udp");
    if (o_.where.port == 0)
      vitnet::fail(exit_code::usage, "connect: {}: port 0 cannot be dialled", o_.where.display());
    std::string host = o_.where.host.empty() ? "localhost" : o_.where.host;
    auto addrs = co_await ctx_.resolve(host, o_.timeout);
    net::socket_address peer{addrs.front(), o_.where.port};
    for (auto& a : addrs)  // prefer IPv4, which "localhost" servers most often listen on
      if (a.is_v4()) {
        peer.ip = a;
        break;
      }
    auto sock = co_await ctx_.connect_datagram(peer);
    io_.verbose(1, "sending to {}", peer.to_string());
    // After the last datagram, answers are awaited this long before exiting.
    net::duration linger = o_.idle_timeout.value_or(std::chrono::seconds(1));
    bool sending_done = false, failed = false;
    std::error_code recv_error;
    std::unique_ptr<net::watchdog> quiet;

    auto send = [&](std::span<const char> d) -> task<void> {
      if (o_.hex)
        io_.err(
            core::hexdump({reinterpret_cast<const unsigned char*>(d.data()), d.size()}, 0, '>'));
      if (auto ec = co_await sock.send(d); ec) {
        recv_error = ec;
        failed = true;
      }
    };
    auto sender = [&]() -> task<void> {
      if (o_.check) {
        co_await send({});
      } else if (o_.send) {
        co_await send(*o_.send);
      } else if (!o_.recv_only) {
        auto& in = ctx_.standard_input();
        std::string pending;
        net::pooled_buffer buf;
        while (!failed) {
          auto rd = co_await in.read_some(buf.span());
          if (rd.ec) break;
          if (o_.raw) {
            co_await send({buf.span().data(), rd.n});
            continue;
          }
          pending.append(buf.span().data(), rd.n);
          while (auto line = core::next_line(pending)) co_await send(*line);
        }
        if (!pending.empty() && !failed) co_await send(pending);
      }
      sending_done = true;
      if (!o_.recv_only)
        quiet = std::make_unique<net::watchdog>(ctx_, linger, [&] { sock.cancel(); });
    };
    auto receiver = [&]() -> task<void> {
      std::vector<char> buf(65536);
      auto& out = ctx_.standard_output();
      for (;;) {
        auto r = co_await sock.receive_from(buf);
        if (r.ec) {
          if (!net::is_cancelled(r.ec)) recv_error = r.ec, failed = true;
          break;
        }
        if (quiet) quiet->touch();
        if (o_.hex)
          io_.err(core::hexdump({reinterpret_cast<const unsigned char*>(buf.data()), r.n}, 0, '<'));
        if (o_.check) continue;
        auto wr = co_await out.write_all(std::span<const char>(buf.data(), r.n));
        if (wr.ec) break;
      }
      ctx_.standard_input().cancel();
    };
    co_await net::both(ctx_, sender(), receiver());
    if (quiet) quiet->disarm();
    if (failed) {
      if (core::errno_of(recv_error) == ECONNREFUSED)
        vitnet::fail(exit_code::unavailable,
                     "connect: {}: connection refused (nothing listens on that UDP port)",
                     peer.to_string());
      vitnet::fail_os("connect", peer.to_string(), recv_error);
    }
    co_return 0;
  }

  net::context& ctx_;
  const connect_options& o_;
  core::io& io_;
  bool closed_by_us_ = false;  // errors after our own close are not the peer's doing
  bool send_done_ = false;     // --send went out as QUIC early data
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // for quic_events
};

}  // namespace

task<int> run_connect(net::context& ctx, const connect_options& opts, core::io& io) {
  if (opts.where.is_http()) co_return co_await run_http(ctx, opts.where, opts.http, io);
  if (opts.where.is_ws()) {
    net::dial_options d;
    d.timeout = opts.timeout;
    d.retries = opts.retry;
    d.retry_delay = opts.retry_delay;
    d.on_retry = [&io](int, const std::string& why, net::duration wait) {
      io.warn("{}; retrying in {}", why, core::format_duration(wait));
    };
    co_return co_await run_ws_connect(ctx, opts.where, opts.ws, opts.tls, d, io);
  }
  client c(ctx, opts, io);
  co_return co_await c.run();
}

}  // namespace commands
