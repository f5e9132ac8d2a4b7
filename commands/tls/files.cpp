// Files and times for the tls commands: all-or-nothing writes that never clobber by accident
// and keep keys private, and the time syntax of --at and --not-after.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <ctime>
#include <filesystem>

#include "commands/tls/tls.hpp"
#include "core/error.hpp"
#include "core/files.hpp"

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

namespace {

bool read_int(std::string_view& s, std::size_t digits, int& out) {
  if (s.size() < digits) return false;
  auto r = std::from_chars(s.data(), s.data() + digits, out);
  if (r.ec != std::errc() || r.ptr != s.data() + digits) return false;
  s.remove_prefix(digits);
  return true;
}

bool eat(std::string_view& s, char c) {
  if (s.empty() || s.front() != c) return false;
  s.remove_prefix(1);
  return true;
}

std::optional<wall_time> relative(std::string_view text, wall_time now) {
  bool minus = text.front() == '-';
  text.remove_prefix(1);
  long long n = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), n);
  if (r.ec != std::errc() || r.ptr == text.data() || n < 0 || n > 100000LL * 86400) return {};
  std::string_view unit(r.ptr, static_cast<std::size_t>(text.data() + text.size() - r.ptr));
  long long scale = unit == "s"   ? 1
                    : unit == "m" ? 60
                    : unit == "h" ? 3600
                    : unit == "d" ? 86400
                                  : 0;
  if (scale == 0) return {};
  auto d = std::chrono::seconds(n * scale);
  return minus ? now - d : now + d;
}

}  // namespace

std::optional<wall_time> parse_time(std::string_view text, wall_time now) {
  if (text.empty()) return {};
  if (text == "now") return now;
  if (text.front() == '+' || text.front() == '-') return relative(text, now);
  if (text.front() == '@') {
    long long secs = 0;
    auto r = std::from_chars(text.data() + 1, text.data() + text.size(), secs);
    if (r.ec != std::errc() || r.ptr != text.data() + text.size() || text.size() == 1) return {};
    return wall_time(std::chrono::seconds(secs));
  }
  std::string_view s = text;
  struct tm tm {};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!read_int(s, 4, year) || !eat(s, '-') || !read_int(s, 2, month) || !eat(s, '-') ||
      !read_int(s, 2, day))
    return {};
  if (!s.empty() && (s.front() == 'T' || s.front() == 't' || s.front() == ' ')) {
    s.remove_prefix(1);
    if (!read_int(s, 2, hour) || !eat(s, ':') || !read_int(s, 2, minute)) return {};
    if (eat(s, ':') && !read_int(s, 2, second)) return {};
  }
  long offset = 0;
  if (eat(s, 'Z') || eat(s, 'z')) {
  } else if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    int sign = s.front() == '-' ? -1 : 1;
    s.remove_prefix(1);
    int oh = 0, om = 0;
    if (!read_int(s, 2, oh)) return {};
    eat(s, ':');
    if (!s.empty() && !read_int(s, 2, om)) return {};
    offset = sign * (oh * 3600L + om * 60L);
  }
  if (!s.empty()) return {};
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
    return {};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  std::time_t t = ::timegm(&tm);
  // timegm normalises 2030-02-31 into March: refuse dates that do not exist.
  if (tm.tm_mday != day || tm.tm_mon != month - 1) return {};
  return wall_time(std::chrono::seconds(static_cast<long long>(t) - offset));
}

}  // namespace commands
