#include "commands/dns/lookup.hpp"

#include <fmt/format.h>

#include <array>
#include <cstring>

#include "core/error.hpp"

namespace commands::dns {

namespace pd = proto::dns;

namespace {

// The addresses of one type in `reply` for `qname`, following CNAMEs the answer section holds
// (at most 16 links: a longer chain is a loop or a mistake).
std::vector<net::ip_address> addresses_in(const pd::message& reply, const pd::name& qname,
                                          std::uint16_t qtype) {
  std::vector<net::ip_address> out;
  pd::name current = qname;
  for (int links = 0; links < 16; ++links) {
    const pd::record* cname = nullptr;
    for (auto& r : reply.answers) {
      if (!(r.owner == current)) continue;
      if (r.type == qtype && qtype == pd::type::a && r.data.size() == 4) {
        std::uint32_t v = static_cast<std::uint8_t>(r.data[0]) << 24 |
                          static_cast<std::uint8_t>(r.data[1]) << 16 |
                          static_cast<std::uint8_t>(r.data[2]) << 8 |
                          static_cast<std::uint8_t>(r.data[3]);
        out.push_back(net::ip_address::v4(v));
      } else if (r.type == qtype && qtype == pd::type::aaaa && r.data.size() == 16) {
        std::array<std::uint8_t, 16> b{};
        std::memcpy(b.data(), r.data.data(), 16);
        out.push_back(net::ip_address::v6(b));
      } else if (r.type == pd::type::cname) {
        cname = &r;
      }
    }
    if (!out.empty() || !cname) break;
    auto next = pd::name::from_wire(cname->data);
    if (!next) break;
    current = *next;
  }
  return out;
}

}  // namespace

net::task<std::vector<net::ip_address>> lookup_addresses(std::shared_ptr<client> c,
                                                         std::string host, net::duration deadline) {
  auto qname = pd::name::parse(host);
  if (!qname) vitnet::fail(core::exit_code::no_host, "resolve: {}: not a valid host name", host);
  auto& ctx = c->context();
  exchange_options eo;
  // The deadline covers the whole lookup: tries share it.
  eo.retries = deadline >= std::chrono::seconds(3) ? 2 : 0;
  eo.timeout = deadline / (eo.retries + 1);
  std::optional<exchange_result> four, six;
  std::optional<vitnet::error> failed4, failed6;
  auto ask = [&](std::uint16_t qtype, std::optional<exchange_result>& into,
                 std::optional<vitnet::error>& failed) -> net::task<void> {
    auto q = pd::make_query(random_id(ctx), *qname, qtype);
    try {
      into = co_await c->exchange(q, eo);
    } catch (const vitnet::error& e) {
      failed = e;
    }
  };
  auto t4 = ask(pd::type::a, four, failed4);
  auto t6 = ask(pd::type::aaaa, six, failed6);
  co_await net::both(ctx, std::move(t4), std::move(t6));
  std::vector<net::ip_address> out;
  if (four) out = addresses_in(four->reply, *qname, pd::type::a);
  if (six)
    for (auto& a : addresses_in(six->reply, *qname, pd::type::aaaa)) out.push_back(a);
  if (!out.empty()) co_return out;
  // No address: say why, the worst reason first.
  for (auto* f : {&failed4, &failed6})
    if (*f) throw **f;
  for (auto* r : {&four, &six}) {
    auto rc = (*r)->reply.rcode;
    if (rc != pd::rcode::noerror && rc != pd::rcode::nxdomain)
      vitnet::fail(core::exit_code::protocol, "resolve: {}: {} answered {}", host,
                   c->target().display(), pd::rcode_name(rc));
  }
  if (four->reply.rcode == pd::rcode::nxdomain)
    vitnet::fail(core::exit_code::no_host, "resolve: {}: unknown host (NXDOMAIN from {})", host,
                 c->target().display());
  vitnet::fail(core::exit_code::no_host, "resolve: {}: no address (from {})", host,
               c->target().display());
}

void use_resolver(net::context& ctx, const std::string& url, core::io& io) {
  auto c = std::make_shared<client>(ctx, parse_server(url), &io);
  // The server's own name (a DoH URL's host) is the system's to resolve: asking the server for
  // its own address would go round in a circle.
  ctx.set_resolver(
      [c, &ctx](std::string host, net::duration deadline) {
        if (host == c->target().where.host) return ctx.system_resolve(std::move(host), deadline);
        return lookup_addresses(c, std::move(host), deadline);
      },
      url);
}

}  // namespace commands::dns
