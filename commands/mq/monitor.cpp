// The broker's monitoring endpoint: nats-server's /varz, /connz and /subsz documents (the fields
// that apply to one node without clustering or JetStream, under nats-server's names), and
// /healthz, over a small HTTP/1.1 server.
#include <fmt/format.h>

#include <charconv>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands/mq/broker_state.hpp"
#include "core/text.hpp"
#include "core/units.hpp"
#include "net/deadline.hpp"
#include "proto/http1/message.hpp"
#include "proto/http1/parser.hpp"

namespace commands::mq {

using net::task;
using json = nlohmann::ordered_json;

namespace {

// "1h2m3s", as nats-server writes durations.
std::string go_duration(net::duration d) {
  auto s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  std::string out;
  if (s >= 86400) out += fmt::format("{}d", s / 86400), s %= 86400;
  if (s >= 3600) out += fmt::format("{}h", s / 3600), s %= 3600;
  if (s >= 60) out += fmt::format("{}m", s / 60), s %= 60;
  out += fmt::format("{}s", s);
  return out;
}

std::string query_value(std::string_view query, std::string_view key) {
  while (!query.empty()) {
    auto amp = query.find('&');
    auto part = query.substr(0, amp);
    auto eq = part.find('=');
    if (part.substr(0, eq) == key)
      return std::string(eq == std::string_view::npos ? "" : part.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return {};
}

std::size_t query_number(std::string_view query, std::string_view key, std::size_t def) {
  auto v = query_value(query, key);
  std::size_t n = 0;
  auto r = std::from_chars(v.data(), v.data() + v.size(), n);
  return r.ec == std::errc{} && r.ptr == v.data() + v.size() && !v.empty() ? n : def;
}

// Resident memory from /proc (0 where there is none).
std::uint64_t resident_bytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return 0;
  unsigned long size = 0, resident = 0;
  int got = std::fscanf(f, "%lu %lu", &size, &resident);
  std::fclose(f);
  return got == 2 ? std::uint64_t(resident) * 4096 : 0;
}

json varz(const broker_view& b, net::context& ctx) {
  const auto& o = b.opts;
  const auto now = ctx.calendar_now();
  return json{{"server_id", b.server_id},
              {"server_name", o.server_name},
              {"version", protocol_version},
              {"proto", 1},
              {"host", o.where.host.empty() ? "0.0.0.0" : o.where.host},
              {"port", b.port},
              {"auth_required", !o.token.empty() || !o.user.empty()},
              {"tls_required", o.tls},
              {"max_connections", o.max_conns},
              {"ping_interval",
               std::chrono::duration_cast<std::chrono::nanoseconds>(o.ping_interval).count()},
              {"ping_max", o.max_pings_out},
              {"max_control_line", o.max_control_line},
              {"max_payload", o.max_payload},
              {"max_pending", o.max_pending},
              {"write_deadline",
               std::chrono::duration_cast<std::chrono::nanoseconds>(o.write_deadline).count()},
              {"start", core::format_timestamp(b.started_calendar, 6)},
              {"now", core::format_timestamp(now, 6)},
              {"uptime", go_duration(ctx.now() - b.started)},
              {"mem", resident_bytes()},
              {"connections", b.clients.size()},
              {"total_connections", b.stats.total_connections},
              {"subscriptions", b.subs.size()},
              {"in_msgs", b.stats.in_msgs},
              {"out_msgs", b.stats.out_msgs},
              {"in_bytes", b.stats.in_bytes},
              {"out_bytes", b.stats.out_bytes},
              {"slow_consumers", b.stats.slow_consumers}};
}

json connz(const broker_view& b, net::context& ctx, std::string_view query) {
  std::vector<const broker_client*> all;
  for (auto& [cid, c] : b.clients) all.push_back(c);
  std::sort(all.begin(), all.end(), [](auto* x, auto* y) { return x->cid < y->cid; });
  const std::size_t offset = query_number(query, "offset", 0);
  const std::size_t limit = query_number(query, "limit", 1024);
  const auto subs = query_value(query, "subs");
  const bool list_subs = subs == "1" || subs == "true" || subs == "detail";
  const auto now = ctx.now();
  const auto cal = ctx.calendar_now();
  json conns = json::array();
  for (std::size_t i = offset; i < all.size() && conns.size() < limit; ++i) {
    const auto& c = *all[i];
    json one{{"cid", c.cid},
             {"ip", c.ip},
             {"port", c.port},
             {"start", core::format_timestamp(cal - (now - c.start), 6)},
             {"last_activity", core::format_timestamp(cal - (now - c.last_activity), 6)},
             {"uptime", go_duration(now - c.start)},
             {"idle", go_duration(now - c.last_activity)},
             {"pending_bytes", c.out.size()},
             {"in_msgs", c.in_msgs},
             {"out_msgs", c.out_msgs},
             {"in_bytes", c.in_bytes},
             {"out_bytes", c.out_bytes},
             {"subscriptions", c.subs.size()}};
    if (!c.name.empty()) one["name"] = c.name;
    if (!c.lang.empty()) one["lang"] = c.lang;
    if (!c.version.empty()) one["version"] = c.version;
    if (list_subs) {
      json l = json::array();
      for (auto& [sid, s] : c.subs) l.push_back(s->subject);
      one["subscriptions_list"] = std::move(l);
    }
    conns.push_back(std::move(one));
  }
  return json{{"server_id", b.server_id},
              {"now", core::format_timestamp(cal, 6)},
              {"num_connections", conns.size()},
              {"total", all.size()},
              {"offset", offset},
              {"limit", limit},
              {"connections", std::move(conns)}};
}

json subsz(const broker_view& b) {
  const double hit_rate =
      b.subs.matches() ? double(b.subs.cache_hits()) / double(b.subs.matches()) : 0.0;
  return json{{"num_subscriptions", b.subs.size()}, {"num_cache", b.subs.cached()},
              {"num_inserts", b.subs.inserts()},    {"num_removes", b.subs.removes()},
              {"num_matches", b.subs.matches()},    {"cache_hit_rate", hit_rate},
              {"max_fanout", b.subs.max_fanout()},  {"avg_fanout", b.subs.avg_fanout()}};
}

task<void> serve_one(
    net::context& ctx, net::stream conn,
    std::function<std::optional<std::string>(std::string_view, std::string_view)> answer) {
  // One request per connection, within 10 s; the document is made when it is asked for.
  net::watchdog deadline(ctx, std::chrono::seconds(10), [&] { conn.close(); });
  proto::request_parser p;
  std::vector<char> buf(8192);
  for (;;) {
    auto ev = p.poll();
    if (ev == proto::http_event::error) break;
    if (ev == proto::http_event::message) {
      auto req = p.take();
      proto::response r;
      std::optional<std::string> body;
      if (req.method != "GET" && req.method != "HEAD") {
        r.status = 405;
        r.body = "GET only\n";
      } else if ((body = answer(req.path, req.query))) {
        r.body = std::move(*body);
        r.body += '\n';
        r.headers.add("Content-Type", "application/json");
      } else {
        r.status = 404;
        r.body = "not found: try /varz, /connz, /subsz or /healthz\n";
      }
      r.headers.add("Connection", "close");
      auto bytes = proto::serialize_response_head(r, r.body.size());
      if (req.method != "HEAD") bytes += r.body;
      co_await conn.write_all(bytes);
      break;
    }
    if (ev == proto::http_event::head) continue;  // the body (if any) follows
    if (ev != proto::http_event::need_more) break;
    auto rd = co_await conn.read_some(buf);
    if (rd.ec) break;
    p.feed({buf.data(), rd.n});
  }
  deadline.disarm();
  conn.close();
}

}  // namespace

std::optional<std::string> monitor_answer(const broker_view& b, net::context& ctx,
                                          std::string_view path, std::string_view query) {
  if (path == "/varz") return varz(b, ctx).dump(2);
  if (path == "/connz") return connz(b, ctx, query).dump(2);
  if (path == "/subsz") return subsz(b).dump(2);
  if (path == "/healthz") return json{{"status", "ok"}}.dump();
  return std::nullopt;
}

task<void> run_monitor(
    net::context& ctx, net::listener listener,
    std::function<std::optional<std::string>(std::string_view, std::string_view)> answer,
    core::io& io) {
  for (;;) {
    auto [ec, conn] = co_await listener.accept();
    if (ec) {
      if (net::is_cancelled(ec)) co_return;
      io.verbose(1, "mq broker: monitor accept: {}", vitnet::describe(ec));
      bool slept = co_await ctx.sleep(std::chrono::milliseconds(50));
      if (!slept) co_return;
      continue;
    }
    ctx.start(serve_one(ctx, std::move(conn), answer));
  }
}

}  // namespace commands::mq
