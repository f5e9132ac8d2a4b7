#include "commands/mq/mq.hpp"

#include <csignal>

#include "core/error.hpp"
#include "core/text.hpp"
#include "core/units.hpp"
#include "net/deadline.hpp"

namespace commands::mq {

using core::exit_code;
using net::task;

namespace {

constexpr std::size_t max_line = 64 << 20;  // a stdin line (one message) past this is refused

std::string now_text(net::context& ctx) {
  return core::format_timestamp(ctx.calendar_now(), 3);
}

void print(core::io& io, net::context& ctx, const mq_options& o, const message& m) {
  if (o.json)
    io.out(envelope_json(m, now_text(ctx)) + "\n");
  else
    io.out(m.data + "\n");
}

// Reads stdin a line at a time; nullopt at its end. A last line without "\n" counts.
struct line_reader {
  net::stream& in;
  std::string pending;
  bool eof = false;
  task<std::optional<std::string>> next() {
    std::vector<char> buf(64 * 1024);
    for (;;) {
      if (auto l = core::next_line(pending)) {
        if (l->ends_with('\n')) l->pop_back();
        if (l->ends_with('\r')) l->pop_back();
        co_return l;
      }
      if (eof) {
        if (pending.empty()) co_return std::nullopt;
        co_return std::exchange(pending, {});
      }
      if (pending.size() > max_line)
        throw vitnet::error(exit_code::data, "a line on stdin is over 64M, the largest message");
      auto rd = co_await in.read_some(buf);
      if (rd.ec)
        eof = true;
      else
        pending.append(buf.data(), rd.n);
    }
  }
  task<std::string> all() {
    std::vector<char> buf(64 * 1024);
    for (;;) {
      auto rd = co_await in.read_some(buf);
      if (rd.ec) break;
      pending.append(buf.data(), rd.n);
      if (pending.size() > max_line)
        throw vitnet::error(exit_code::data, "stdin is over 64M, the largest message");
    }
    co_return std::exchange(pending, {});
  }
};

message from_options(const mq_options& o, std::string data) {
  message m;
  m.subject = o.subjects.empty() ? std::string() : o.subjects.front();
  m.data = std::move(data);
  m.headers = o.headers;
  m.reply = o.reply_to;
  return m;
}

task<int> pub(net::context& ctx, const mq_options& o, core::io& io, session& s) {
  std::uint64_t sent = 0;
  auto send = [&](message m) -> task<void> {
    if (m.subject.empty())
      throw vitnet::error(exit_code::data, "the message names no subject: give SUBJECT");
    co_await s.publish(m);
    ++sent;
  };
  if (o.message) {
    const std::uint64_t n = o.count ? o.count : 1;
    for (std::uint64_t i = 0; i < n; ++i) {
      auto m = from_options(o, *o.message);
      co_await send(std::move(m));
    }
  } else {
    line_reader in{ctx.standard_input()};
    std::uint64_t line_no = 0;
    for (;;) {
      auto line = co_await in.next();
      if (!line) break;
      ++line_no;
      message m;
      if (o.json) {
        std::string why;
        auto e = parse_envelope(*line, why);
        if (!e)
          throw vitnet::error(exit_code::data,
                              fmt::format("stdin line {}: {} (an envelope is {{\"subject\": ..., "
                                          "\"data\": ...}})",
                                          line_no, why));
        m = std::move(*e);
        if (m.subject.empty() && !o.subjects.empty()) m.subject = o.subjects.front();
        for (auto& h : o.headers) m.headers.push_back(h);
        if (m.reply.empty()) m.reply = o.reply_to;
      } else {
        m = from_options(o, std::move(*line));
      }
      co_await send(std::move(m));
      if (o.count && sent == o.count) break;
    }
  }
  co_await s.flush(o.timeout.value_or(std::chrono::seconds(10)));
  io.verbose(1, "mq pub: {} message{} published", sent, sent == 1 ? "" : "s");
  co_await s.close();
  co_return 0;
}

task<int> sub(net::context& ctx, const mq_options& o, core::io& io, session& s) {
  for (const auto& subject : o.subjects) co_await s.subscribe(subject, o.queue);
  co_await s.flush(std::chrono::seconds(10));
  io.verbose(1, "mq sub: subscribed to {}", fmt::join(o.subjects, ", "));
  std::uint64_t got = 0;
  const auto wait = o.timeout.value_or(std::chrono::hours(24 * 365));
  while (o.count == 0 || got < o.count) {
    auto m = co_await s.next(wait);
    if (!m && s.at_end()) break;  // --until-end: all there was
    if (!m) {
      if (got == 0)
        throw vitnet::error(exit_code::timeout,
                            fmt::format("no message within {}", core::format_duration(wait)));
      if (o.count)
        throw vitnet::error(exit_code::timeout,
                            fmt::format("{} of {} messages came; none for {}", got, o.count,
                                        core::format_duration(wait)));
      break;
    }
    print(io, ctx, o, *m);
    if (o.session.ack) co_await s.ack(*m);
    ++got;
  }
  co_await s.close();
  co_return 0;
}

task<int> req(net::context& ctx, const mq_options& o, core::io& io, session& s) {
  std::string data;
  if (o.message) {
    data = *o.message;
  } else {
    line_reader in{ctx.standard_input()};
    data = co_await in.all();
  }
  auto inbox = s.new_inbox();
  if (inbox.empty())
    throw vitnet::error(exit_code::usage,
                        fmt::format("{} has no request/reply", o.session.url.text));
  co_await s.subscribe(inbox, "");
  auto m = from_options(o, std::move(data));
  m.reply = inbox;
  const auto wait = o.timeout.value_or(std::chrono::seconds(5));
  co_await s.publish(m);
  co_await s.flush(wait);
  auto answer = co_await s.next(wait);
  if (!answer)
    throw vitnet::error(exit_code::timeout, fmt::format("no reply on {} within {}", m.subject,
                                                        core::format_duration(wait)));
  if (answer->status == 503 && answer->data.empty())
    throw vitnet::error(exit_code::unavailable,
                        fmt::format("no responders: nothing subscribes to {}", m.subject));
  print(io, ctx, o, *answer);
  co_await s.close();
  co_return 0;
}

// --exec: the request on the command's stdin, its stdout the answer; bounded in time and size.
task<std::string> run_exec(net::context& ctx, const mq_options& o, const message& q, core::io& io) {
  net::spawn_options so{o.exec, {{"VITNET_SUBJECT", q.subject}}};
  auto child = ctx.spawn(so);
  std::string output;
  bool timed_out = false, too_big = false;
  net::watchdog limit(ctx, o.exec_timeout, [&] {
    timed_out = true;
    child->kill(SIGTERM);
  });
  auto feed = [](net::child_process& c, const std::string& in) -> task<void> {
    co_await c.stdin_stream().write_all(std::span<const char>(in.data(), in.size()));
    c.stdin_stream().close();
  };
  auto collect = [](net::child_process& c, std::string& out, bool& over) -> task<void> {
    std::vector<char> buf(16 * 1024);
    for (;;) {
      auto rd = co_await c.stdout_stream().read_some(buf);
      if (rd.ec || rd.n == 0) break;
      if (out.size() + rd.n > max_line) {
        over = true;
        c.kill(SIGTERM);
        break;
      }
      out.append(buf.data(), rd.n);
    }
  };
  co_await net::both(ctx, feed(*child, q.data), collect(*child, output, too_big));
  int status = 0;
  {
    net::watchdog grace(ctx, std::chrono::seconds(2), [&] { child->kill(SIGKILL); });
    status = co_await child->wait();
  }
  limit.disarm();
  if (timed_out || too_big || status != 0)
    io.warn("mq reply: '{}' {}", o.exec,
            timed_out ? "timed out after " + core::format_duration(o.exec_timeout)
            : too_big ? std::string("wrote more than 64M")
                      : fmt::format("exited with {}", status));
  co_return output;
}

task<int> reply(net::context& ctx, const mq_options& o, core::io& io, session& s) {
  co_await s.subscribe(o.subjects.front(), o.queue);
  co_await s.flush(std::chrono::seconds(10));
  io.verbose(1, "mq reply: answering {}{}", o.subjects.front(),
             o.queue.empty() ? "" : " in queue group " + o.queue);
  std::uint64_t answered = 0;
  const auto wait = o.timeout.value_or(std::chrono::hours(24 * 365));
  while (o.count == 0 || answered < o.count) {
    auto q = co_await s.next(wait);
    if (!q) {
      if (answered == 0)
        throw vitnet::error(exit_code::timeout,
                            fmt::format("no request within {}", core::format_duration(wait)));
      break;
    }
    if (o.json) print(io, ctx, o, *q);
    if (q->reply.empty()) {
      io.verbose(1, "mq reply: a message on {} without a reply subject: not answered", q->subject);
      continue;
    }
    message a;
    a.subject = q->reply;
    a.headers = o.headers;
    switch (o.answer_with) {
      case mq_options::answer::echo:
        a.data = q->data;
        a.headers.insert(a.headers.begin(), q->headers.begin(), q->headers.end());
        break;
      case mq_options::answer::text:
        a.data = o.answer_text;
        break;
      case mq_options::answer::exec:
        a.data = co_await run_exec(ctx, o, *q, io);
        break;
    }
    co_await s.publish(a);
    co_await s.flush(std::chrono::seconds(10));
    ++answered;
  }
  co_await s.close();
  co_return 0;
}

}  // namespace

task<int> run_mq(net::context& ctx, const mq_options& o, core::io& io) {
  session_options so = o.session;
  if (o.what == mq_options::mode::sub) so.count = o.count;
  auto s = make_session(ctx, so, io);
  co_await s->connect();
  switch (o.what) {
    case mq_options::mode::pub:
      co_return co_await pub(ctx, o, io, *s);
    case mq_options::mode::sub:
      co_return co_await sub(ctx, o, io, *s);
    case mq_options::mode::req:
      co_return co_await req(ctx, o, io, *s);
    case mq_options::mode::reply:
      co_return co_await reply(ctx, o, io, *s);
  }
  co_return 0;
}

}  // namespace commands::mq
