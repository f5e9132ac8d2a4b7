#include "commands/proxy/proxy.hpp"

#include <chrono>

#include "commands/proxy/api.hpp"
#include "commands/proxy/state.hpp"
#include "core/error.hpp"
#include "core/files.hpp"

namespace commands {

namespace proxy {

void note_ephemeral(const state& st, const std::string& fingerprint) {
  st.io.note(
      "tls: ephemeral self-signed certificate (sha256 {}); clients can trust it with --pin "
      "sha256:{}",
      fingerprint, fingerprint);
}

void announce(const state& st, const net::endpoint& local) {
  net::endpoint shown = local;
  if (!shown.is_unix() && shown.host.empty()) shown.host = "::";
  std::string url = shown.to_string();
  if (st.name.empty())
    st.io.note("listening on {}", url);
  else
    st.io.note("{}: listening on {} -> {}", st.label(), url, st.upstream_url);
  st.event({{"event", "listening"}, {"url", url}, {"upstream", st.upstream_url}});
  if (!st.opts.ready_file.empty()) core::write_file_atomic(st.opts.ready_file, url + "\n");
}

namespace {

struct gathered {
  std::vector<net::fault_spec> all;
  std::size_t from_file = 0;
};

// The flags' faults, then the file's, leaving out (and, when `loud`, naming) those this kind of
// proxy cannot act on.
gathered gather(const proxy_options& o, core::io& io, bool loud) {
  gathered g{faults_from_flags(o), 0};
  if (o.faults_file.empty()) return g;
  for (auto& f : load_fault_file(o.faults_file)) {
    if (auto why = ignored_because(f, relays_stream(o.listen)); !why.empty()) {
      if (loud) io.warn("proxy: {}: {}; ignored", f.origin, why);
      continue;
    }
    g.all.push_back(std::move(f));
    ++g.from_file;
  }
  return g;
}

// SIGHUP re-reads the fault file. Connections keep the faults they drew; new ones draw from the
// new set. A file that no longer reads leaves the previous faults in force.
net::task<void> reload_loop(std::shared_ptr<state> st) {
  const auto& file = st->opts.faults_file;
  while (co_await st->ctx.wait_reload()) {
    if (file.empty()) {
      st->io.note("proxy: no --faults file to reload");
      continue;
    }
    gathered g;
    try {
      g = gather(st->opts, st->io, true);
    } catch (const vitnet::error& e) {
      st->io.error("proxy: reload: {}; keeping the previous faults", e.what());
      st->event({{"event", "reload_failed"}, {"file", file}, {"error", e.what()}});
      continue;
    }
    st->faults = std::make_shared<const std::vector<net::fault_spec>>(std::move(g.all));
    st->io.note("proxy: reloaded {} fault{} from {}", g.from_file, g.from_file == 1 ? "" : "s",
                file);
    st->event({{"event", "reload"}, {"file", file}, {"faults", g.from_file}});
    if (st->faults_changed) st->faults_changed();
  }
}

}  // namespace

}  // namespace proxy

net::task<int> run_proxy(net::context& ctx, const proxy_options& opts, core::io& io) {
  if (opts.api || !opts.config_file.empty()) co_return co_await proxy::run_api(ctx, opts, io);
  for (const auto* e : {&opts.listen, &opts.upstream})
    if (e->app != net::app_protocol::none)
      vitnet::fail(core::exit_code::usage,
                   "proxy: {}: {} URLs are not supported (the proxy relays tcp, tls, udp and unix)",
                   e->to_string(), e->scheme());
  auto st = std::make_shared<proxy::state>(ctx, opts, io);
  st->upstream_url = opts.upstream.to_string();
  std::uint64_t seed = opts.seed.value_or(
      static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()));
  st->random.seed(seed);
  io.verbose(1, "proxy: seed {} (--seed {} repeats the random choices)", seed, seed);
  st->faults =
      std::make_shared<const std::vector<net::fault_spec>>(proxy::gather(opts, io, true).all);
  for (const auto& f : *st->faults)
    io.verbose(1, "proxy: fault {} ({})", proxy::describe(f), f.origin);
  st->started = ctx.now();
  if (opts.listen.tls) {
    st->tls = std::make_unique<net::tls_server>(opts.listen_tls);
    if (st->tls->ephemeral()) proxy::note_ephemeral(*st, st->tls->fingerprint());
  }
  ctx.start(proxy::reload_loop(st));

  if (!relays_stream(opts.listen)) co_return co_await proxy::run_udp(st);
  co_return co_await proxy::run_stream(st);
}

}  // namespace commands
