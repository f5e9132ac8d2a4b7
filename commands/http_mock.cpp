// serve --routes FILE: the mock API. The routes and their matching live in proto/http_routes;
// this only applies a route's delay on the context's clock (virtual time on the mock network).
#include "commands/http_service.hpp"
#include "proto/http_routes.hpp"

namespace commands {

namespace {

class mock_handler final : public http_handler {
 public:
  mock_handler(net::context& ctx, const http_serve_options& o)
      : ctx_(ctx), api_(proto::load_routes(o.routes_file)) {}

  net::task<http_reply> handle(const proto::request& req, const conn_stats&) override {
    auto m = api_.handle(req, ctx_.calendar_now());
    if (m.delay > core::duration::zero()) co_await ctx_.sleep(m.delay);
    http_reply r;
    r.resp = std::move(m.resp);
    co_return r;
  }

 private:
  net::context& ctx_;
  proto::mock_api api_;
};

}  // namespace

std::unique_ptr<http_handler> make_mock_handler(net::context& ctx, const http_serve_options& o) {
  return std::make_unique<mock_handler>(ctx, o);
}

}  // namespace commands
