// serve http:// for a message service (rpc serve, DNS over HTTPS): each POST body is one message
// for the service, its answer the response body (200, in the service's media type), or 204 when
// nothing is owed (JSON-RPC notifications). A service not speaking JSON may also take GETs that
// carry the message in the target (RFC 8484's ?dns=). Other methods get 405.
#include <fmt/format.h>

#include "commands/serve/http/service.hpp"
#include "commands/serve/message_service.hpp"
#include "core/error.hpp"

namespace commands {

net::task<std::optional<std::string>> message_service::answer_http_get(std::string,
                                                                       const conn_stats&) {
  co_return std::nullopt;
}

namespace {

class service_handler final : public http_handler {
 public:
  service_handler(std::shared_ptr<message_service> s) : service_(std::move(s)) {}

  net::task<http_reply> handle(const proto::request& req, const conn_stats& st) override {
    http_reply r;
    std::optional<std::string> answer;
    std::string type(service_->media_type());
    bool json = type == "application/json";
    if (req.method == "GET" && !json) {
      try {
        std::string target = req.target;
        answer = co_await service_->answer_http_get(std::move(target), st);
      } catch (const vitnet::error& e) {
        r.resp.status = 400;
        r.resp.headers.set("Content-Type", "text/plain; charset=utf-8");
        r.resp.body = std::string(e.what()) + "\n";
        co_return r;
      }
      if (!answer) r.resp.status = 405;
    } else if (req.method != "POST") {
      r.resp.status = 405;
    } else if (!json && !req.headers.get("Content-Type").value_or("").starts_with(type)) {
      r.resp.status = 415;
      r.resp.headers.set("Content-Type", "text/plain; charset=utf-8");
      r.resp.body = fmt::format("POST a body of Content-Type: {}\n", type);
      co_return r;
    } else {
      std::string body = req.body;
      answer = co_await service_->answer_http(std::move(body), st);
      if (!answer) {
        r.resp.status = 204;
        co_return r;
      }
    }
    if (r.resp.status == 405) {
      r.resp.headers.set("Allow", std::string(methods()));
      r.resp.headers.set("Content-Type", "text/plain; charset=utf-8");
      r.resp.body = json ? "JSON-RPC: POST a request (Content-Type: application/json)\n"
                         : fmt::format("POST a message (Content-Type: {}) or GET ?dns=\n", type);
      co_return r;
    }
    r.resp.headers.set("Content-Type", type);
    r.resp.body = std::move(*answer);
    if (json) r.resp.body += "\n";
    co_return r;
  }

  std::string_view methods() const override {
    return service_->media_type() == "application/json" ? "POST, OPTIONS" : "GET, POST, OPTIONS";
  }

 private:
  std::shared_ptr<message_service> service_;
};

}  // namespace

std::unique_ptr<http_handler> make_service_handler(net::context&, const http_serve_options& o) {
  return std::make_unique<service_handler>(o.service);
}

}  // namespace commands
