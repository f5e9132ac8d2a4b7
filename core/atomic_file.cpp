#include "core/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <random>
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

std::string directory_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// A name beside `path` nobody can guess: "<path>.tmp.<pid>.<random>".
std::string unguessable_name(const std::string& path) {
  static std::random_device rd;
  return fmt::format("{}.tmp.{}.{:08x}{:08x}", path, ::getpid(), rd(), rd());
}

}  // namespace

// The data goes to a file with no name (O_TMPFILE) in the target's directory: nothing can be
// planted in its way, and an interrupted write leaves nothing behind. commit() gives it a fresh
// unguessable name (link, which refuses to follow or replace anything) and renames that over the
// target; rename replaces a symlink at the target rather than writing through it. Filesystems
// without O_TMPFILE get a named file created with O_EXCL | O_NOFOLLOW under such a name.
atomic_file::atomic_file(std::string path, unsigned mode) : path_(std::move(path)) {
  fd_ = ::open(directory_of(path_).c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
  if (fd_ >= 0) return;
  if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) fail_write(path_, errno);
  for (int attempt = 0; fd_ < 0 && attempt < 8; ++attempt) {
    tmp_ = unguessable_name(path_);
    fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd_ < 0 && errno != EEXIST) fail_write(path_, errno);
  }
  if (fd_ < 0) fail_write(path_, EEXIST);
}

atomic_file::~atomic_file() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !tmp_.empty()) ::unlink(tmp_.c_str());
}

void atomic_file::write(std::string_view data) {
  if (!write_fd_all(fd_, data)) fail_write(path_, errno);
}

void atomic_file::truncate() {
  if (::ftruncate(fd_, 0) != 0 || ::lseek(fd_, 0, SEEK_SET) != 0) fail_write(path_, errno);
}

void atomic_file::commit() {
  if (::fsync(fd_) != 0) fail_write(path_, errno);
  if (tmp_.empty()) {
    // Name the unnamed file; linkat fails rather than replace something already there.
    std::string self = fmt::format("/proc/self/fd/{}", fd_);
    for (int attempt = 0;; ++attempt) {
      std::string name = unguessable_name(path_);
      if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, name.c_str(), AT_SYMLINK_FOLLOW) == 0) {
        tmp_ = std::move(name);
        break;
      }
      if (errno != EEXIST || attempt == 7) fail_write(path_, errno);
    }
  }
  int rc = ::close(std::exchange(fd_, -1));
  if (rc != 0) fail_write(path_, errno);
  if (::rename(tmp_.c_str(), path_.c_str()) != 0) fail_write(path_, errno);
  committed_ = true;
}

}  // namespace core
