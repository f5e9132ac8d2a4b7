#include "commands/dns/resolve.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>

#include "commands/dns/client.hpp"
#include "commands/dns/report.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "net/cidr_math.hpp"
#include "net/event.hpp"
#include "net/read_all.hpp"

namespace commands::dns {

namespace pd = proto::dns;

namespace {

// What /etc/resolv.conf says: the servers the system asks, and its search list.
struct system_config {
  std::vector<std::string> servers;
  std::vector<std::string> search;
  int ndots = 1;
};

system_config read_resolv_conf() {
  system_config c;
  std::string text;
  try {
    text = core::read_file("/etc/resolv.conf");
  } catch (const vitnet::error&) {
    return c;
  }
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    std::string line = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    pos = end == std::string::npos ? text.size() : end + 1;
    std::vector<std::string> f;
    std::size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
      auto j = i;
      while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
      if (j > i) f.push_back(line.substr(i, j - i));
      i = j;
    }
    if (f.empty() || f[0].starts_with('#') || f[0].starts_with(';')) continue;
    if (f[0] == "nameserver" && f.size() > 1) c.servers.push_back(f[1]);
    if ((f[0] == "search" || f[0] == "domain") && f.size() > 1)
      c.search.assign(f.begin() + 1, f.end());
    if (f[0] == "options")
      for (auto& o : f)
        if (o.starts_with("ndots:")) c.ndots = std::clamp(std::atoi(o.c_str() + 6), 0, 15);
  }
  return c;
}

// "192.0.2.1" -> "1.2.0.192.in-addr.arpa.", "2001:db8::1" -> nibbles under ip6.arpa.
std::optional<std::string> reverse_name(std::string_view text) {
  auto ip = net::ip_address::parse(text);
  if (!ip) return std::nullopt;
  return net::reverse_pointer(ip->unmap()) + ".";
}

struct job {
  std::string asked;  // as typed
  // The questions asked for one name's addresses when no type was given (A and AAAA) share a
  // group: the name is answered when either has an answer.
  std::size_t group = 0;
  std::vector<std::string> candidates;  // absolute names to try, in order (the search list)
  std::uint16_t qtype = pd::type::a;
  lookup_report report;
};

struct batch : std::enable_shared_from_this<batch> {
  batch(net::context& ctx, const resolve_options& o, core::io& io)
      : ctx(ctx), o(o), io(io), finished(ctx) {}
  net::context& ctx;
  const resolve_options& o;
  core::io& io;
  std::shared_ptr<client> server;  // null: the system's own lookup for addresses
  std::vector<job> jobs;
  std::size_t next = 0;
  int running = 0;
  net::event finished;

  net::task<void> ask(job& j) {
    auto t0 = ctx.now();
    j.report.server = server ? server->target().display() : "system";
    j.report.transport = server ? std::string(transport_name(server->target().via)) : "system";
    for (std::size_t i = 0; i < j.candidates.size(); ++i) {
      auto qname = pd::name::parse(j.candidates[i]);
      j.report.qname = j.candidates[i];
      j.report.qtype = j.qtype;
      j.report.qclass = o.qclass;
      if (!qname) {
        j.report.failure = fmt::format("resolve: '{}' is not a domain name", j.asked);
        j.report.code = core::exit_code::usage;
        co_return;
      }
      std::string failure;
      core::exit_code code = core::exit_code::ok;
      try {
        if (!server) {
          co_await ask_system(j, *qname);
        } else {
          auto q = pd::make_query(random_id(ctx), *qname, j.qtype, 1232, o.dnssec);
          q.questions[0].qclass = o.qclass;
          q.rd = !o.no_recurse && !o.trace;
          exchange_options eo;
          eo.timeout = o.timeout;
          eo.retries = o.retries;
          auto got = co_await server->exchange(q, eo);
          j.report.reply = std::move(got.reply);
          j.report.transport = std::string(transport_name(got.used));
          j.report.size = got.size;
        }
      } catch (const vitnet::error& e) {
        failure = e.what();
        code = e.code();
      }
      j.report.elapsed = ctx.now() - t0;
      if (!failure.empty()) {
        j.report.failure = failure;
        j.report.code = code;
        co_return;
      }
      // The search list goes on only past NXDOMAIN (as the system's resolver does).
      if (!j.report.reply || j.report.reply->rcode != pd::rcode::nxdomain) co_return;
    }
  }

  // The system's view of addresses: getaddrinfo (or the mock network's hosts), which gives no
  // TTL and no rcode, so a reply is made up from what it says.
  net::task<void> ask_system(job& j, const pd::name& qname) {
    std::string host = qname.to_string();
    if (host.size() > 1) host.pop_back();
    pd::message m;
    m.qr = true;
    m.rd = m.ra = true;
    m.questions.push_back(pd::question{qname, j.qtype, o.qclass});
    std::vector<net::ip_address> addrs;
    bool unknown = false;
    try {
      addrs = co_await ctx.system_resolve(host, o.timeout * (o.retries + 1));
    } catch (const vitnet::error& e) {
      if (e.code() != core::exit_code::no_host) throw;
      unknown = true;
    }
    if (unknown) {
      m.rcode = pd::rcode::nxdomain;
    } else {
      for (auto& a : addrs) {
        auto ip = a.unmap();
        if ((j.qtype == pd::type::a) != ip.is_v4()) continue;
        pd::record r;
        r.owner = qname;
        r.type = j.qtype;
        r.ttl = 0;
        r.data.assign(reinterpret_cast<const char*>(ip.bytes().data()), ip.is_v4() ? 4 : 16);
        m.answers.push_back(std::move(r));
      }
    }
    j.report.reply = std::move(m);
    j.report.system = true;
  }

  net::task<void> worker() {
    auto self = shared_from_this();
    while (next < jobs.size()) {
      auto& j = jobs[next++];
      if (o.trace)
        co_await trace(j);
      else
        co_await ask(j);
    }
    --running;
    finished.notify();
  }

  // --trace: from the server given, without recursion, following each referral to a server
  // the referral names (with the glue it brings), on the same port as the first.
  net::task<void> trace(job& j) {
    auto first = server;
    co_await follow(j);
    server = first;  // the next question starts again from the server given
  }

  net::task<void> follow(job& j) {
    for (int hop = 0; hop < 16; ++hop) {
      co_await ask(j);
      j.report.hops.push_back(j.report.summary_line());
      if (!j.report.reply || j.report.reply->rcode != pd::rcode::noerror ||
          !j.report.reply->answers.empty())
        co_return;
      // A referral: NS records in authority, and their addresses in additional (glue).
      auto& r = *j.report.reply;
      std::optional<std::string> next_host;
      for (auto& ns : r.authority) {
        if (ns.type != pd::type::ns) continue;
        auto target = pd::name::from_wire(ns.data);
        if (!target) continue;
        for (auto& glue : r.additional)
          if (glue.owner == *target && glue.type == pd::type::a && glue.data.size() == 4) {
            next_host = fmt::format("{}.{}.{}.{}", static_cast<std::uint8_t>(glue.data[0]),
                                    static_cast<std::uint8_t>(glue.data[1]),
                                    static_cast<std::uint8_t>(glue.data[2]),
                                    static_cast<std::uint8_t>(glue.data[3]));
            break;
          }
        if (next_host) break;
      }
      if (!next_host) co_return;  // no referral (NODATA), or none with an address: stop here
      auto s = server->target();
      s.where.host = *next_host;
      server = std::make_shared<client>(ctx, s, &io);
    }
  }
};

}  // namespace

net::task<int> run_resolve(net::context& ctx, const resolve_options& o, core::io& io) {
  auto b = std::make_shared<batch>(ctx, o, io);
  // Words: @SERVER, types (A, MX, TYPE65, ...), the rest names (or addresses with -x).
  std::string server_text = o.server;
  std::vector<std::string> names;
  std::vector<std::uint16_t> types;
  auto take_words = [&](const std::vector<std::string>& words, std::vector<std::string>& into,
                        std::vector<std::uint16_t>& types_into) {
    for (auto& w : words) {
      if (w.starts_with('@')) {
        server_text = w.substr(1);
        continue;
      }
      if (auto t = pd::type_from_name(w); t && !into.empty() && w.find('.') == std::string::npos) {
        types_into.push_back(*t);
        continue;
      }
      into.push_back(w);
    }
  };
  take_words(o.words, names, types);
  if (server_text.empty()) server_text = ctx.resolver_url();
  system_config sys;
  if (o.search || server_text.empty()) sys = read_resolv_conf();

  std::size_t groups = 0;
  auto add_jobs = [&](const std::vector<std::string>& ns, const std::vector<std::uint16_t>& ts) {
    for (auto& n : ns) {
      std::vector<std::uint16_t> these = ts;
      std::vector<std::string> candidates;
      if (o.reverse) {
        auto r = reverse_name(n);
        if (!r) vitnet::fail(core::exit_code::usage, "resolve: -x: '{}' is not an address", n);
        candidates.push_back(*r);
        if (these.empty()) these.push_back(pd::type::ptr);
      } else {
        std::string absolute = n.ends_with('.') ? n : n + ".";
        bool dotted = n.ends_with('.');
        auto dots = static_cast<int>(std::count(n.begin(), n.end(), '.'));
        if (o.search && !dotted) {
          if (dots >= sys.ndots) candidates.push_back(absolute);
          for (auto& s : sys.search)
            candidates.push_back(absolute + s + (s.ends_with('.') ? "" : "."));
          if (dots < sys.ndots) candidates.push_back(absolute);
        } else {
          candidates.push_back(absolute);
        }
        if (these.empty()) these = {pd::type::a, pd::type::aaaa};
      }
      ++groups;
      for (auto t : these) {
        job j;
        j.group = ts.empty() && !o.reverse ? groups : 0;
        j.asked = n;
        j.candidates = candidates;
        j.qtype = t;
        b->jobs.push_back(std::move(j));
      }
    }
  };
  add_jobs(names, types);
  if (!o.file.empty()) {
    std::string text;
    if (o.file == "-") {
      // A batch on stdin: bounded, as any input is.
      constexpr std::size_t max_batch = 64u << 20;
      text = co_await net::read_all(ctx.standard_input(), max_batch);
      if (text.size() > max_batch)
        vitnet::fail(core::exit_code::data, "resolve: -f -: more than 64 MiB of names");
    } else {
      text = core::read_file(o.file);
    }
    std::size_t pos = 0;
    while (pos < text.size()) {
      auto end = text.find('\n', pos);
      std::string line = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
      pos = end == std::string::npos ? text.size() : end + 1;
      if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
      std::vector<std::string> words;
      std::size_t i = 0;
      while (i < line.size()) {
        while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
        auto j = i;
        while (j < line.size() && !std::isspace(static_cast<unsigned char>(line[j]))) ++j;
        if (j > i) words.push_back(line.substr(i, j - i));
        i = j;
      }
      if (words.empty()) continue;
      std::vector<std::string> ns;
      std::vector<std::uint16_t> ts;
      take_words(words, ns, ts);
      add_jobs(ns, ts.empty() ? types : ts);
    }
  }
  if (b->jobs.empty()) vitnet::fail(core::exit_code::usage, "resolve: give a NAME (or -f FILE)");

  // The server: the one given, else the system: its own lookup for addresses, its name
  // servers for anything else.
  bool only_addresses = std::all_of(b->jobs.begin(), b->jobs.end(), [](const job& j) {
    return j.qtype == pd::type::a || j.qtype == pd::type::aaaa;
  });
  if (server_text.empty() && (!only_addresses || o.tcp || o.dnssec || o.trace || o.no_recurse ||
                              o.qclass != pd::rclass::in)) {
    if (sys.servers.empty())
      vitnet::fail(core::exit_code::config,
                   "resolve: /etc/resolv.conf names no nameserver; give @SERVER or --server");
    server_text = sys.servers.front();
  }
  if (!server_text.empty()) {
    auto s = parse_server(server_text);
    if (o.tcp && s.via == transport::udp) {
      s.via = transport::tcp;
      s.where.transport = net::transport::tcp;
    }
    s.https_get = o.https_get;
    auto verify_name = s.tls.server_name;
    s.tls = o.tls;
    if (s.tls.server_name.empty()) s.tls.server_name = verify_name;
    b->server = std::make_shared<client>(ctx, s, &io);
  }
  if (o.trace && !b->server)
    vitnet::fail(core::exit_code::usage, "resolve: --trace needs a server to start from");

  // --trace follows one question at a time: each hop changes the server asked.
  int workers = o.trace ? 1 : std::clamp<int>(o.parallel, 1, 256);
  workers = std::min<int>(workers, static_cast<int>(b->jobs.size()));
  b->running = workers;
  for (int i = 0; i < workers; ++i) ctx.start(b->worker());
  while (b->running > 0) {
    bool woken = co_await b->finished.wait();
    if (!woken) break;
  }

  // In the order asked: the worst outcome decides the exit code (an error over a "no").
  core::exit_code rc = core::exit_code::ok;
  bool first = true;
  std::map<std::size_t, bool> group_answered;
  for (auto& j : b->jobs)
    if (j.group) group_answered[j.group] |= j.report.exit() == core::exit_code::ok;
  for (auto& j : b->jobs) {
    // A name with only IPv4 (or only IPv6) addresses is answered: its empty half says nothing.
    bool covered = j.group && group_answered[j.group] && j.report.reply &&
                   j.report.exit() == core::exit_code::no;
    print_report(io, j.report, o.short_output, first, covered);
    first = false;
    auto c = covered ? core::exit_code::ok : j.report.exit();
    if (c != core::exit_code::ok && c != core::exit_code::no) {
      if (rc == core::exit_code::ok || rc == core::exit_code::no) rc = c;
    } else if (c == core::exit_code::no && rc == core::exit_code::ok) {
      rc = c;
    }
  }
  co_return core::to_int(rc);
}

}  // namespace commands::dns
