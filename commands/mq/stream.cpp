#include "commands/mq/stream.hpp"

#include <nlohmann/json.hpp>

#include "commands/mq/jetstream.hpp"
#include "commands/mq/nats_client.hpp"
#include "core/error.hpp"
#include "core/units.hpp"

namespace commands::mq {

using json = nlohmann::json;
using net::task;

namespace {

std::string line_of(const json& s) {
  const auto& c = s.value("config", json::object());
  const auto& st = s.value("state", json::object());
  std::vector<std::string> subjects;
  for (auto& x : c.value("subjects", json::array())) subjects.push_back(x.get<std::string>());
  return fmt::format("{:<20} {:<30} {:>10} msgs {:>12} {:>8} last seq {}", c.value("name", ""),
                     fmt::join(subjects, ","), st.value("messages", std::uint64_t(0)),
                     core::format_size(st.value("bytes", std::uint64_t(0))), c.value("storage", ""),
                     st.value("last_seq", std::uint64_t(0)));
}

}  // namespace

task<int> run_stream(net::context& ctx, const stream_options& o, core::io& io) {
  nats_client_options co;
  co.url = o.session.url;
  co.connect_timeout = o.session.connect_timeout;
  co.tls = o.session.tls;
  co.name = o.session.name;
  nats_client c(ctx, co, io);
  co_await c.connect();
  switch (o.what) {
    case stream_options::action::add: {
      json subjects = json::array();
      for (auto& s : o.subjects) subjects.push_back(s);
      if (subjects.empty()) subjects.push_back(o.name + ".>");
      json config{{"name", o.name},       {"subjects", subjects},       {"retention", "limits"},
                  {"storage", o.storage}, {"num_replicas", o.replicas}, {"discard", "old"}};
      if (o.max_msgs) config["max_msgs"] = *o.max_msgs;
      if (o.max_bytes) config["max_bytes"] = *o.max_bytes;
      if (o.max_age)
        config["max_age"] =
            std::chrono::duration_cast<std::chrono::nanoseconds>(*o.max_age).count();
      auto answer = co_await js::call(c, "STREAM.CREATE." + o.name, config, o.timeout);
      if (io.json())
        io.out(answer.dump() + "\n");
      else
        io.out(line_of(answer) + "\n");
      break;
    }
    case stream_options::action::ls: {
      json all = json::array();
      for (std::uint64_t offset = 0;;) {
        json page{{"offset", offset}};
        auto answer = co_await js::call(c, "STREAM.LIST", page, o.timeout);
        auto streams = answer.value("streams", json::array());
        if (!streams.is_array()) streams = json::array();
        for (auto& s : streams) all.push_back(s);
        offset += streams.size();
        if (streams.empty() || offset >= answer.value("total", std::uint64_t(0))) break;
      }
      if (io.json()) {
        io.out(all.dump() + "\n");
      } else {
        for (auto& s : all) io.out(line_of(s) + "\n");
        if (all.empty()) io.note("no streams");
      }
      break;
    }
    case stream_options::action::info: {
      auto answer = co_await js::call(c, "STREAM.INFO." + o.name, json(), o.timeout);
      io.out((io.json() ? answer.dump() : answer.dump(2)) + "\n");
      break;
    }
    case stream_options::action::rm: {
      co_await js::call(c, "STREAM.DELETE." + o.name, json(), o.timeout);
      io.note("stream {} removed", o.name);
      break;
    }
  }
  co_await c.close();
  co_return 0;
}

}  // namespace commands::mq
