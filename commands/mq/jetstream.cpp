#include "commands/mq/jetstream.hpp"

#include <charconv>

#include "core/error.hpp"
#include "core/json.hpp"
#include "core/units.hpp"
#include "proto/nats/protocol.hpp"

namespace commands::mq::js {

using core::exit_code;
using json = nlohmann::json;
using net::task;

namespace {

constexpr std::size_t batch = 256;

std::uint64_t nanos(net::duration d) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(d).count());
}

// The tokens of an acknowledgement subject: $JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.
// <cseq>.<ts>.<pending> (nats-server 2.9; newer servers add a domain and a hash in front).
bool ack_numbers(std::string_view reply, std::uint64_t& sseq, std::uint64_t& pending) {
  std::vector<std::string_view> t;
  while (!reply.empty()) {
    auto dot = reply.find('.');
    t.push_back(reply.substr(0, dot));
    if (dot == std::string_view::npos) break;
    reply.remove_prefix(dot + 1);
  }
  if (t.size() < 9 || t[0] != "$JS" || t[1] != "ACK") return false;
  auto num = [](std::string_view s, std::uint64_t& v) {
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    return r.ec == std::errc{} && r.ptr == s.data() + s.size();
  };
  const std::size_t n = t.size();
  return num(t[n - 4], sseq) && num(t[n - 1], pending);
}

}  // namespace

task<json> call(nats_client& c, std::string what, json body, net::duration timeout) {
  const std::string subject = "$JS.API." + what;
  const std::string payload = body.is_null() ? std::string() : body.dump();
  auto failed = std::optional<vitnet::error>();
  nats_message m;
  try {
    m = co_await c.request(subject, "", payload, timeout);
  } catch (const vitnet::error& e) {
    failed = e;
  }
  if (failed) {
    if (failed->code() == exit_code::unavailable)
      throw vitnet::error(exit_code::unavailable,
                          "JetStream is not enabled on this server (nats-server -js)");
    throw *failed;
  }
  auto j = core::parse_peer_json(m.payload, 32);
  if (!j || !j->is_object())
    throw vitnet::error(exit_code::protocol, fmt::format("{}: the answer is not JSON", subject));
  if (auto e = j->find("error"); e != j->end() && e->is_object()) {
    const int code = e->value("code", 0);
    const std::string text = e->value("description", std::string("error"));
    throw vitnet::error(
        code == 404   ? exit_code::no
        : code == 400 ? exit_code::data
                      : exit_code::protocol,
        fmt::format("jetstream: {} (code {}, {})", text, code, e->value("err_code", 0)));
  }
  co_return std::move(*j);
}

task<std::pair<std::string, std::uint64_t>> publish(nats_client& c, std::string subject,
                                                    std::string headers, std::string payload,
                                                    net::duration timeout) {
  nats_message m;
  std::optional<vitnet::error> failed;
  try {
    m = co_await c.request(subject, headers, payload, timeout);
  } catch (const vitnet::error& e) {
    failed = e;
  }
  if (failed) {
    if (failed->code() == exit_code::unavailable)
      throw vitnet::error(
          exit_code::unavailable,
          fmt::format("no stream takes {} (mq stream add NAME --subjects {})", subject, subject));
    throw *failed;
  }
  auto j = core::parse_peer_json(m.payload, 16);
  if (!j || !j->is_object())
    throw vitnet::error(exit_code::protocol, "jetstream: the acknowledgement is not JSON");
  if (auto e = j->find("error"); e != j->end() && e->is_object())
    throw vitnet::error(
        exit_code::protocol,
        fmt::format("jetstream: {}", e->value("description", std::string("error"))));
  co_return std::pair{j->value("stream", std::string()), j->value("seq", std::uint64_t(0))};
}

reader::reader(net::context& ctx, nats_client& c, reader_options o)
    : ctx_(ctx), c_(c), o_(std::move(o)) {}

task<void> reader::start(net::duration timeout) {
  json config{{"ack_policy", std::string(o_.ack ? "explicit" : "none")},
              {"replay_policy", "instant"}};
  const std::string& from = o_.from;
  if (from.empty() || from == "start" || from == "all") {
    config["deliver_policy"] = "all";
  } else if (from == "new") {
    config["deliver_policy"] = "new";
  } else if (from == "last") {
    config["deliver_policy"] = "last";
  } else if (from.starts_with("seq:")) {
    std::uint64_t n = 0;
    auto r = std::from_chars(from.data() + 4, from.data() + from.size(), n);
    if (r.ec != std::errc{} || r.ptr != from.data() + from.size() || n == 0)
      throw vitnet::error(exit_code::usage, fmt::format("--from {}: give seq:N with N >= 1", from));
    config["deliver_policy"] = "by_start_sequence";
    config["opt_start_seq"] = n;
  } else if (from.starts_with("time:")) {
    config["deliver_policy"] = "by_start_time";
    config["opt_start_time"] = from.substr(5);
  } else {
    throw vitnet::error(exit_code::usage,
                        fmt::format("--from {}: give start, new, last, seq:N or time:T", from));
  }
  if (!o_.filter.empty() && o_.filter != ">") config["filter_subject"] = o_.filter;
  std::string what;
  if (!o_.durable.empty()) {
    config["durable_name"] = o_.durable;
    what = "CONSUMER.DURABLE.CREATE." + o_.stream + "." + o_.durable;
  } else {
    config["inactive_threshold"] = nanos(std::chrono::seconds(30));
    what = "CONSUMER.CREATE." + o_.stream;
  }
  json body{{"stream_name", o_.stream}, {"config", config}};
  auto answer = co_await call(c_, what, body, timeout);
  consumer_ = answer.value("name", o_.durable);
  if (consumer_.empty())
    throw vitnet::error(exit_code::protocol, "jetstream: the consumer was made without a name");
  inbox_ = c_.new_inbox();
  sid_ = c_.subscribe(inbox_, "", true);
  co_await c_.flush(timeout);
}

task<std::optional<nats_message>> reader::next(net::duration timeout, std::uint64_t& sequence) {
  const auto deadline = ctx_.now() + timeout;
  for (;;) {
    if (last_was_end_) {
      at_end_ = true;
      co_return std::nullopt;
    }
    if (outstanding_ == 0) {
      // Ask for a batch: to wait at most what is left (nats-server ends the request with a 408
      // then), or with --until-end not to wait at all (a 404 says nothing is there).
      const auto left =
          std::max(deadline - ctx_.now(), net::duration(std::chrono::milliseconds(1)));
      std::size_t n = batch;
      if (o_.limit) {
        if (asked_ >= o_.limit) co_return std::nullopt;
        n = static_cast<std::size_t>(std::min<std::uint64_t>(n, o_.limit - asked_));
      }
      json req{{"batch", n}};
      if (o_.until_end)
        req["no_wait"] = true;
      else
        req["expires"] = nanos(std::min<net::duration>(left, std::chrono::seconds(30)));
      const std::string body = req.dump();
      c_.publish("$JS.API.CONSUMER.MSG.NEXT." + o_.stream + "." + consumer_, inbox_, "", body);
      c_.kick_now();
      outstanding_ = n;
      asked_ += n;
    }
    const auto left = deadline - ctx_.now();
    if (left <= net::duration::zero()) co_return std::nullopt;
    auto m = co_await c_.next_for(sid_, left + std::chrono::milliseconds(200));
    if (!m) co_return std::nullopt;
    if (m->payload.empty() && m->headers.starts_with("NATS/1.0 ")) {
      auto h = proto::nats::parse_headers(m->headers);
      const int status = h ? h->status : 0;
      asked_ -= outstanding_;  // what was asked and will not come
      outstanding_ = 0;
      if (status == 404 || (status == 408 && o_.until_end)) {
        if (o_.until_end) {
          at_end_ = true;
          co_return std::nullopt;
        }
        continue;
      }
      if (status == 408 || status == 100) continue;
      throw vitnet::error(exit_code::protocol,
                          fmt::format("jetstream: the consumer said {} {}", status,
                                      h ? h->description : std::string()));
    }
    if (outstanding_ > 0) --outstanding_;
    std::uint64_t pending = 1;
    if (ack_numbers(m->reply, sequence, pending) && pending == 0 && o_.until_end)
      last_was_end_ = true;
    co_return m;
  }
}

void reader::ack(const std::string& reply) {
  if (!o_.ack || reply.empty()) return;
  c_.publish(reply, "", "", "+ACK");
  c_.kick_now();
}

}  // namespace commands::mq::js
