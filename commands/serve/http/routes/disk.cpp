// Routes files on disk: reading the file and the body_files it names.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "core/error.hpp"
#include "commands/serve/http/routes/routes.hpp"

namespace commands::http {

namespace {

// Reads a regular file of at most `max` bytes; sets `ec` on failure.
std::optional<std::string> read_regular(const std::string& path, std::uint64_t max,
                                        std::error_code& ec) {
  // O_NONBLOCK: opening a FIFO named by mistake must not hang; regular files ignore it.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    ec = {errno, std::generic_category()};
    return std::nullopt;
  }
  struct stat st {};
  std::optional<std::string> out;
  if (::fstat(fd, &st) != 0) {
    ec = {errno, std::generic_category()};
  } else if (!S_ISREG(st.st_mode)) {
    ec = std::make_error_code(S_ISDIR(st.st_mode) ? std::errc::is_a_directory
                                                  : std::errc::invalid_argument);
  } else if (static_cast<std::uint64_t>(st.st_size) > max) {
    ec = std::make_error_code(std::errc::file_too_large);
  } else {
    out.emplace();
    char buf[65536];
    for (;;) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        ec = {errno, std::generic_category()};
        out.reset();
        break;
      }
      if (n == 0) break;
      out->append(buf, static_cast<std::size_t>(n));
      if (out->size() > max) {
        ec = std::make_error_code(std::errc::file_too_large);
        out.reset();
        break;
      }
    }
  }
  ::close(fd);
  return out;
}

}  // namespace

file_reader disk_reader(std::uint64_t max_bytes) {
  return [max_bytes](const std::string& path) {
    std::error_code ec;
    return read_regular(path, max_bytes, ec);
  };
}

route_table load_routes(const std::string& path) {
  std::error_code ec;
  auto text = read_regular(path, 64ull << 20, ec);
  if (!text) {
    auto code = core::exit_code::io;
    if (ec == std::errc::no_such_file_or_directory) code = core::exit_code::no_input;
    if (ec == std::errc::permission_denied) code = core::exit_code::permission;
    throw vitnet::error(code, fmt::format("{}: {}", path, vitnet::describe(ec)));
  }
  return parse_routes(*text, path, std::filesystem::path(path).parent_path().string(),
                      disk_reader());
}

}  // namespace commands::http
