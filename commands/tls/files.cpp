// Files for the tls commands: all-or-nothing writes that never clobber by accident and keep
// keys private.
#include "core/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <filesystem>

#include "commands/tls/tls.hpp"
#include "core/error.hpp"

namespace commands {

using core::exit_code;

namespace {

std::error_code last_error() {
  return {errno, std::generic_category()};
}

unsigned current_umask() {
  mode_t m = ::umask(0);
  ::umask(m);
  return m;
}

// A temporary copy of `f` beside its path, written but not yet synced; returns its path.
std::string write_temporary(const output_file& f) {
  auto dir = std::filesystem::path(f.path).parent_path();
  std::error_code ec;
  if (!dir.empty()) std::filesystem::create_directories(dir, ec);
  std::string tmp = f.path + ".tmp-XXXXXX";
  int fd = ::mkstemp(tmp.data());  // O_CREAT|O_EXCL, mode 0600
  if (fd < 0) vitnet::fail_os("write", f.path, last_error());
  unsigned mode = f.secret ? 0600 : (0644 & ~current_umask());
  bool ok = ::fchmod(fd, mode) == 0 && core::write_fd_all(fd, f.data);
  auto e = last_error();
  ok = ::close(fd) == 0 && ok;
  if (!ok) {
    ::unlink(tmp.c_str());
    vitnet::fail_os("write", f.path, e);
  }
  return tmp;
}

void sync_file(const std::string& tmp, const std::string& path) {
  int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
  bool ok = fd >= 0 && ::fsync(fd) == 0;
  auto e = last_error();
  if (fd >= 0) ::close(fd);
  if (!ok) vitnet::fail_os("write", path, e);
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

}  // namespace

void write_outputs(const std::vector<output_file>& files, bool force) {
  for (const auto& f : files)
    if ((!force || f.keep_existing) && exists(f.path))
      vitnet::fail(exit_code::io, "{}: exists; use --force to overwrite it", f.path);
  std::vector<std::string> temps;  // removed on the way out, whatever happens
  std::vector<std::string> done;   // new files in place, removed if a later one fails
  try {
    // Every file is written, then all are synced (the first fsync commits them together), then
    // they go into place: a crash leaves each complete or absent.
    for (const auto& f : files) temps.push_back(write_temporary(f));
    for (std::size_t i = 0; i < files.size(); ++i) sync_file(temps[i], files[i].path);
    for (std::size_t i = 0; i < files.size(); ++i) {
      const auto& f = files[i];
      if (force && !f.keep_existing) {
        if (::rename(temps[i].c_str(), f.path.c_str()) != 0)
          vitnet::fail_os("write", f.path, last_error());
        continue;
      }
      // link() never replaces: the file appears whole, or not at all when it exists. A file
      // system without hard links gets a rename after a last look.
      int rc = ::link(temps[i].c_str(), f.path.c_str());
      if (rc != 0 && (errno == EPERM || errno == EOPNOTSUPP) && !exists(f.path))
        rc = ::rename(temps[i].c_str(), f.path.c_str());
      if (rc != 0) {
        auto e = last_error();
        if (e == std::errc::file_exists)
          vitnet::fail(exit_code::io, "{}: exists; use --force to overwrite it", f.path);
        vitnet::fail_os("write", f.path, e);
      }
      done.push_back(f.path);
    }
  } catch (...) {
    for (const auto& t : temps) ::unlink(t.c_str());
    for (const auto& p : done) ::unlink(p.c_str());
    throw;
  }
  for (const auto& t : temps) ::unlink(t.c_str());
}

std::string read_input(const std::string& path, std::string_view role) {
  try {
    return core::read_file(path);
  } catch (const vitnet::error& e) {
    throw vitnet::error(e.code(), fmt::format("{} {}", role, e.what()));
  }
}

std::string file_base_for(std::string_view name) {
  std::string out;
  if (name.starts_with("*")) {
    out = "_wildcard";
    name.remove_prefix(1);
  }
  for (char c : name) {
    bool plain = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' ||
                 c == '@' || c == ':';
    out.push_back(plain ? c : '_');
  }
  if (out.empty() || out.front() == '.') out.insert(0, "_");
  return out;
}

}  // namespace commands
