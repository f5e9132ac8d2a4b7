// serve --routes FILE: the mock API. The routes and their matching live in serve/http/routes;
// this applies a route's delay on the context's clock (virtual time on the mock network) and
// reloads the file on SIGHUP (counts and sequences start over; a file that no longer loads
// leaves the previous routes in force).
#include "commands/serve/http/routes/routes.hpp"
#include "commands/serve/http/service.hpp"
#include "core/error.hpp"

namespace commands {

namespace {

class mock_handler final : public http_handler {
 public:
  mock_handler(net::context& ctx, const http_serve_options& o, core::io& io)
      : ctx_(ctx), io_(io), file_(o.routes_file), api_(http::load_routes(o.routes_file)) {
    ctx_.start(reload_loop());
  }

  net::task<http_reply> handle(const proto::request& req, const conn_stats&) override {
    auto m = api_.handle(req, ctx_.calendar_now());
    if (m.delay > core::duration::zero()) co_await ctx_.sleep(m.delay);
    http_reply r;
    r.resp = std::move(m.resp);
    co_return r;
  }

 private:
  net::task<void> reload_loop() {
    while (co_await ctx_.wait_reload()) {
      try {
        api_ = http::mock_api(http::load_routes(file_));
        io_.note("serve: reloaded {} route{} from {}", api_.routes().size(),
                 api_.routes().size() == 1 ? "" : "s", file_);
      } catch (const vitnet::error& e) {
        io_.error("serve: reload: {}; keeping the previous routes", e.what());
      }
    }
  }

  net::context& ctx_;
  core::io& io_;
  std::string file_;
  http::mock_api api_;
};

}  // namespace

std::unique_ptr<http_handler> make_mock_handler(net::context& ctx, const http_serve_options& o,
                                                core::io& io) {
  return std::make_unique<mock_handler>(ctx, o, io);
}

}  // namespace commands
