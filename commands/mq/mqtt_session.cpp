// The MQTT implementation of mq's session, over mqtt_client: a message's subject is the topic,
// its headers MQTT 5 user properties, its reply the response topic; a queue group is a shared
// subscription ($share/G/filter, MQTT 5).
#include <map>

#include "commands/mq/mqtt_client.hpp"
#include "commands/mq/session.hpp"
#include "core/error.hpp"

namespace commands::mq {

namespace mqtt = proto::mqtt;
using core::exit_code;
using net::task;

namespace {

constexpr std::size_t max_correlations = 1024;

class mqtt_session final : public session {
 public:
  mqtt_session(net::context& ctx, const session_options& o, core::io& io) : o_(o), c_(ctx, o, io) {}

  task<void> connect() override { co_await c_.connect(); }

  task<void> publish(const message& m) override {
    const bool v5 = c_.version() == 5;
    if (!mqtt::valid_topic_name(m.subject))
      throw vitnet::error(exit_code::data,
                          fmt::format("'{}' is not a topic to publish to (not empty, no '+' or "
                                      "'#')",
                                      m.subject));
    if (!v5 && !m.headers.empty())
      throw vitnet::error(exit_code::data,
                          "headers need --mqtt 5 (they are user properties there): MQTT 3.1.1 "
                          "has none");
    if (!v5 && !m.reply.empty())
      throw vitnet::error(exit_code::data,
                          "a reply topic needs --mqtt 5 (a response topic): MQTT 3.1.1 has none");
    if (!m.reply.empty() && !mqtt::valid_topic_name(m.reply))
      throw vitnet::error(exit_code::data, fmt::format("'{}' is not a topic to reply to", m.reply));
    mqtt::packet p{.type = mqtt::packet_type::publish};
    p.topic = m.subject;
    p.payload = m.data;
    p.qos = static_cast<std::uint8_t>(o_.qos);
    p.retain = o_.retain || m.retain;
    if (v5) {
      p.props.user_properties = m.headers;
      if (!m.reply.empty()) p.props.response_topic = m.reply;
      // An answer carries the request's correlation data back (mosquitto_rr, paho requesters).
      if (auto it = correlations_.find(m.subject); it != correlations_.end()) {
        p.props.correlation_data = std::move(it->second);
        correlations_.erase(it);
      }
    }
    co_await c_.publish(std::move(p));
  }

  task<void> subscribe(const std::string& subject, const std::string& queue) override {
    if (!mqtt::valid_topic_filter(subject))
      throw vitnet::error(exit_code::data,
                          fmt::format("'{}' is not a topic filter ('+' and '#' stand alone "
                                      "between '/', '#' last)",
                                      subject));
    std::string filter = subject;
    if (!queue.empty()) {
      if (c_.version() != 5)
        throw vitnet::error(exit_code::usage,
                            "--queue needs MQTT 5 shared subscriptions: give --mqtt 5");
      if (queue.find_first_of("/+#") != std::string::npos)
        throw vitnet::error(
            exit_code::usage,
            fmt::format("--queue '{}': a share name has no '/', '+' or '#'", queue));
      filter = "$share/" + queue + "/" + subject;
    }
    co_await c_.subscribe(std::move(filter));
  }

  task<std::optional<message>> next(net::duration timeout) override {
    auto p = co_await c_.next(timeout);
    if (!p) co_return std::nullopt;
    message m;
    m.subject = std::move(p->topic);
    m.data = std::move(p->payload);
    m.qos = p->qos;
    m.retain = p->retain;
    m.headers = std::move(p->props.user_properties);
    if (p->props.response_topic) {
      m.reply = std::move(*p->props.response_topic);
      if (p->props.correlation_data) {
        if (correlations_.size() >= max_correlations) correlations_.clear();
        correlations_[m.reply] = std::move(*p->props.correlation_data);
      }
    }
    co_return m;
  }

  task<void> flush(net::duration timeout) override { co_await c_.flush(timeout); }

  std::string new_inbox() override {
    if (c_.version() != 5) return {};
    return "vitnet/inbox/" + c_.random_text(16);
  }

  task<void> close() override { co_await c_.close(); }

 private:
  session_options o_;
  mqtt_client c_;
  // Response topic -> the correlation data of the last request that named it.
  std::map<std::string, std::string> correlations_;
};

}  // namespace

std::unique_ptr<session> make_mqtt_session(net::context& ctx, const session_options& o,
                                           core::io& io) {
  return std::make_unique<mqtt_session>(ctx, o, io);
}

}  // namespace commands::mq
