#include "core/files.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "core/atomic_file.hpp"
#include "core/error.hpp"

namespace core {

namespace {
std::error_code last_error() {
  return {errno, std::generic_category()};
}

[[noreturn]] void fail_file(std::string_view path, const std::error_code& ec) {
  auto code = exit_code::io;
  if (ec == std::errc::no_such_file_or_directory) code = exit_code::no_input;
  if (ec == std::errc::permission_denied) code = exit_code::permission;
  throw vitnet::error(code, fmt::format("{}: {}", path, vitnet::describe(ec)));
}
}  // namespace

std::string read_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail_file(path, last_error());
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    fail_file(path, std::make_error_code(std::errc::is_a_directory));
  }
  std::string data;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      auto ec = last_error();
      ::close(fd);
      fail_file(path, ec);
    }
    if (n == 0) break;
    data.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return data;
}

void write_file_atomic(const std::string& path, std::string_view data, unsigned mode) {
  atomic_file f(path, mode);
  f.write(data);
  f.commit();
}

std::string data_argument(const std::string& arg) {
  if (arg.size() > 1 && arg[0] == '@') return read_file(arg.substr(1));
  return arg;
}

bool write_fd_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        pollfd p{fd, POLLOUT, 0};
        ::poll(&p, 1, -1);
        continue;
      }
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace core
