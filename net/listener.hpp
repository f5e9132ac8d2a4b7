#pragma once
#include <memory>
#include <system_error>

#include "net/endpoint.hpp"
#include "net/stream.hpp"

namespace net {

struct accept_result {
  std::error_code ec;
  net::stream stream;
};

/// A listening stream socket (TCP or Unix). A Unix socket's file is removed when it closes.
class listener {
 public:
  struct impl;
  listener();
  explicit listener(std::unique_ptr<impl> i);
  listener(listener&&) noexcept;
  listener& operator=(listener&&) noexcept;
  ~listener();

  task<accept_result> accept();
  /// Where it listens, with the real port when 0 was asked for.
  const endpoint& local_endpoint() const;
  void close();

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace net
