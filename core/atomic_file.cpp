#include "core/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "core/error.hpp"
#include "core/files.hpp"

namespace core {

namespace {
[[noreturn]] void fail_write(const std::string& path, int err) {
  std::error_code ec(err, std::generic_category());
  auto code = err == EACCES || err == EPERM || err == EROFS ? exit_code::permission : exit_code::io;
  throw vitnet::error(code, fmt::format("{}: {}", path, vitnet::describe(ec)));
}
}  // namespace

atomic_file::atomic_file(std::string path)
    : path_(std::move(path)), tmp_(path_ + ".tmp." + std::to_string(::getpid())) {
  fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd_ < 0) fail_write(path_, errno);
}

atomic_file::~atomic_file() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(tmp_.c_str());
}

void atomic_file::write(std::string_view data) {
  if (!write_fd_all(fd_, data)) fail_write(path_, errno);
}

void atomic_file::truncate() {
  if (::ftruncate(fd_, 0) != 0 || ::lseek(fd_, 0, SEEK_SET) != 0) fail_write(path_, errno);
}

void atomic_file::commit() {
  if (::fsync(fd_) != 0) fail_write(path_, errno);
  int rc = ::close(std::exchange(fd_, -1));
  if (rc != 0) fail_write(path_, errno);
  if (::rename(tmp_.c_str(), path_.c_str()) != 0) fail_write(path_, errno);
  committed_ = true;
}

}  // namespace core
