// serve http:// for a message service (rpc serve): each POST body is one text for the service,
// its answer the response body (200, application/json), or 204 when nothing is owed (only
// notifications). Other methods get 405.
#include "commands/serve/http/service.hpp"
#include "commands/serve/message_service.hpp"

namespace commands {

namespace {

class service_handler final : public http_handler {
 public:
  service_handler(std::shared_ptr<message_service> s) : service_(std::move(s)) {}

  net::task<http_reply> handle(const proto::request& req, const conn_stats& st) override {
    http_reply r;
    if (req.method != "POST") {
      r.resp.status = 405;
      r.resp.headers.set("Allow", "POST, OPTIONS");
      r.resp.headers.set("Content-Type", "text/plain; charset=utf-8");
      r.resp.body = "JSON-RPC: POST a request (Content-Type: application/json)\n";
      co_return r;
    }
    std::string body = req.body;
    auto answer = co_await service_->answer_http(std::move(body), st);
    if (!answer) {
      r.resp.status = 204;
      co_return r;
    }
    r.resp.headers.set("Content-Type", "application/json");
    r.resp.body = std::move(*answer);
    r.resp.body += "\n";
    co_return r;
  }

  std::string_view methods() const override { return "POST, OPTIONS"; }

 private:
  std::shared_ptr<message_service> service_;
};

}  // namespace

std::unique_ptr<http_handler> make_service_handler(net::context&, const http_serve_options& o) {
  return std::make_unique<service_handler>(o.service);
}

}  // namespace commands
