// serve --dir: static files. Paths are resolved beneath the root by the kernel (openat2 with
// RESOLVE_BENEATH), so neither "..", nor an encoded one, nor a symlink can lead outside it
// (unless --follow-symlinks). GET and HEAD, index.html, listings in HTML or JSON, ranges
// (multipart for several), ETag / Last-Modified with conditional requests.
#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <unordered_map>

#include "commands/serve/http/service.hpp"
#include "commands/serve/http/static/change_watch.hpp"
#include "commands/serve/http/static/static.hpp"
#include "core/error.hpp"
#include "proto/http1/date.hpp"

namespace commands {

namespace {

using net::task;

std::chrono::system_clock::time_point mtime_of(const timespec& t) {
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::seconds(t.tv_sec) + std::chrono::nanoseconds(t.tv_nsec)));
}
std::chrono::system_clock::time_point mtime_of(const struct stat& st) {
  return mtime_of(st.st_mtim);
}

std::shared_ptr<int> share_fd(int fd) {
  return std::shared_ptr<int>(new int(fd), [](int* p) {
    ::close(*p);
    delete p;
  });
}

class file_handler final : public http_handler {
 public:
  file_handler(net::context& ctx, const http_serve_options& o)
      : o_(o), watch_(ctx, [this] { forget_all(); }) {
    std::error_code ec;
    auto root = std::filesystem::canonical(o.dir, ec);
    if (ec || !std::filesystem::is_directory(root))
      vitnet::fail(core::exit_code::no_input, "serve: --dir {}: {}", o.dir,
                   ec ? ec.message() : "not a directory");
    root_ = root.string();
    root_fd_ = ::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root_fd_ < 0)
      vitnet::fail_os("serve: --dir", o.dir, std::error_code(errno, std::generic_category()));
  }
  ~file_handler() override {
    if (root_fd_ >= 0) ::close(root_fd_);
  }

  task<http_reply> handle(const proto::request& req, const conn_stats&) override {
    co_return answer(req);
  }
  std::string_view methods() const override { return "GET, HEAD, OPTIONS"; }

 private:
  // Opens `rel` beneath the root. -errno on failure (EXDEV: it would leave the root).
  int open_beneath(const std::string& rel, int flags) const {
    const char* path = rel.empty() ? "." : rel.c_str();
    open_how how{};
    how.flags = static_cast<std::uint64_t>(flags | O_CLOEXEC);
    how.resolve =
        o_.follow_symlinks ? RESOLVE_NO_MAGICLINKS : (RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
    long fd = ::syscall(SYS_openat2, root_fd_, path, &how, sizeof how);
    if (fd >= 0) return static_cast<int>(fd);
    if (errno != ENOSYS) return -errno;
    // An old kernel: resolve by hand and check the result stays inside.
    int f = ::openat(root_fd_, path, flags | O_CLOEXEC);
    if (f < 0) return -errno;
    if (!o_.follow_symlinks) {
      auto root = std::filesystem::canonical(o_.dir);
      if (!http::inside_root(root, root / rel)) {
        ::close(f);
        return -EXDEV;
      }
    }
    return f;
  }

  http_reply answer(const proto::request& req) {
    if (req.method != "GET" && req.method != "HEAD") {
      // RFC 9110 9.1: a method the server does not know is 501; one it knows but the resource
      // does not allow, 405.
      for (auto m : {"POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"})
        if (req.method == m) {
          auto r = text_reply(405, "method not allowed: static files answer GET and HEAD\n");
          r.resp.headers.set("Allow", "GET, HEAD");
          return r;
        }
      return text_reply(501, "not implemented: unknown method\n");
    }
    auto rel = http::safe_relative_path(req.path);
    if (!rel) return text_reply(403, "forbidden: the path leaves the served directory\n");
    // Dotfiles (.env, .git/) stay hidden unless --dotfiles: as if they were not there.
    if (!o_.dotfiles && hidden(*rel)) return text_reply(404, "not found\n");
    if (auto hit = from_cache(req, *rel)) return std::move(*hit);
    // Non-blocking: opening a FIFO (or a device) for reading would otherwise wait for a writer,
    // with the whole server. What is not a file or a directory is refused after fstat.
    int fd = open_beneath(*rel, O_RDONLY | O_NONBLOCK);
    if (fd < 0) return failure(-fd);
    auto file = share_fd(fd);
    struct stat st {};
    if (::fstat(fd, &st) != 0) return failure(errno);
    if (S_ISDIR(st.st_mode)) {
      if (req.path.empty() || req.path.back() != '/') {
        // Relative links in the page need the slash.
        // From the normalised path: "//host" must not become "//host/", which a browser reads
        // as another site.
        auto r = text_reply(301, "moved\n");
        std::string to = rel->empty() ? "/" : "/" + *rel + "/";
        r.resp.headers.set("Location", proto::percent_encode_path(to) +
                                           (req.query.empty() ? "" : "?" + req.query));
        return r;
      }
      std::string index = rel->empty() ? "index.html" : *rel + "/index.html";
      int ifd = open_beneath(index, O_RDONLY | O_NONBLOCK);
      if (ifd >= 0) {
        struct stat ist {};
        if (::fstat(ifd, &ist) == 0 && S_ISREG(ist.st_mode))
          return serve_file(req, share_fd(ifd), ist, "index.html");
        ::close(ifd);
      }
      if (!o_.listing) return text_reply(403, "forbidden: directory listing is off\n");
      return list(req, fd, *rel);
    }
    if (!S_ISREG(st.st_mode)) return text_reply(403, "forbidden: not a regular file\n");
    // "/file.txt/" names a directory that is not there.
    if (!req.path.empty() && req.path.back() == '/') return text_reply(404, "not found\n");
    remember(*rel, fd, st);
    return serve_file(req, std::move(file), st, *rel);
  }

  // Small files are kept in memory, keyed by their path: a request for one then costs no open,
  // stat, read or close. An entry is made only from a file opened beneath the root, and used only
  // while the path still leads to that very file: change_watch hears of any change to it or to
  // the directories on its way (then the whole cache goes), and where it cannot, each hit checks
  // the path with a stat (device, inode, size and mtime), so a symlink swapped in later misses.
  struct cached {
    dev_t dev;
    ino_t ino;
    off_t size;
    timespec mtime;
    bool watched;  // change_watch reports changes; otherwise each hit stats the path
    std::string etag, last_modified;
    std::shared_ptr<const std::string> content;
  };
  static constexpr off_t max_cached_file = 64 * 1024;
  static constexpr std::size_t max_cache_bytes = 64 << 20;

  static bool same_file(const cached& c, const struct stat& st) {
    return c.dev == st.st_dev && c.ino == st.st_ino && c.size == st.st_size &&
           c.mtime.tv_sec == st.st_mtim.tv_sec && c.mtime.tv_nsec == st.st_mtim.tv_nsec;
  }

  void forget_all() {
    cache_.clear();
    cache_bytes_ = 0;
  }

  void remember(const std::string& rel, int fd, const struct stat& st) {
    if (rel.empty() || st.st_size > max_cached_file) return;
    // Watched first, read after: a change from here on is reported, and one before it shows in
    // the check below (the path still leads to the file opened, unchanged since its stat).
    bool watched = watch_.watch(root_, rel, fd);
    std::string content(static_cast<std::size_t>(st.st_size), '\0');
    if (::pread(fd, content.data(), content.size(), 0) != st.st_size) return;
    cached c{st.st_dev, st.st_ino, st.st_size, st.st_mtim, watched, {}, {}, nullptr};
    struct stat at_path {};
    if (::fstatat(root_fd_, rel.c_str(), &at_path, 0) != 0 || !same_file(c, at_path)) return;
    if (cache_bytes_ + content.size() > max_cache_bytes) forget_all();
    cache_bytes_ += content.size();
    auto mtime = mtime_of(st);
    c.etag = http::make_etag(static_cast<std::uint64_t>(st.st_size), mtime);
    c.last_modified = proto::format_http_date(mtime);
    c.content = std::make_shared<const std::string>(std::move(content));
    if (auto old = cache_.find(rel); old != cache_.end())
      cache_bytes_ -= old->second.content->size();
    cache_[rel] = std::move(c);
  }

  std::optional<http_reply> from_cache(const proto::request& req, const std::string& rel) {
    if (rel.empty() || req.path.ends_with('/') || req.headers.contains("Range"))
      return std::nullopt;
    auto it = cache_.find(rel);
    if (it == cache_.end()) return std::nullopt;
    auto& c = it->second;
    if (!c.watched) {
      struct stat st {};
      if (::fstatat(root_fd_, rel.c_str(), &st, 0) != 0 || !S_ISREG(st.st_mode) ||
          !same_file(c, st)) {
        cache_bytes_ -= c.content->size();
        cache_.erase(it);
        return std::nullopt;
      }
    }
    http_reply r;
    if (!validators(req, c.etag, c.last_modified, mtime_of(c.mtime), r)) return r;
    r.resp.headers.set("Content-Type", std::string(http::content_type_for(rel)));
    r.shared_body = c.content;
    return r;
  }

  static http_reply failure(int e) {
    if (e == ENOENT || e == ENOTDIR) return text_reply(404, "not found\n");
    if (e == EXDEV || e == ELOOP)
      return text_reply(403, "forbidden: the path leaves the served directory\n");
    if (e == EACCES || e == EPERM) return text_reply(403, "forbidden: permission denied\n");
    return text_reply(500, fmt::format("cannot open: {}\n", std::strerror(e)));
  }

  http_reply serve_file(const proto::request& req, std::shared_ptr<int> fd, const struct stat& st,
                        std::string_view name) {
    auto size = static_cast<std::uint64_t>(st.st_size);
    auto mtime = mtime_of(st);
    auto etag = http::make_etag(size, mtime);
    std::string_view type = http::content_type_for(name);
    http_reply r;
    auto& h = r.resp.headers;
    if (!validators(req, st, r)) return r;
    auto range =
        req.method == "GET" || req.method == "HEAD" ? req.headers.get("Range") : std::nullopt;
    if (range && http::range_applies(req, etag, mtime)) {
      auto rr = http::parse_range(*range, size);
      if (rr.k == http::range_request::kind::unsatisfiable) {
        r.resp.status = 416;
        h.set("Content-Range", http::content_range_unsatisfied(size));
        return r;
      }
      if (rr.k == http::range_request::kind::satisfiable) {
        r.resp.status = 206;
        if (rr.ranges.size() == 1) {
          h.set("Content-Type", std::string(type));
          h.set("Content-Range", http::content_range(rr.ranges[0], size));
          r.parts.push_back({"", {fd, rr.ranges[0].first, rr.ranges[0].length()}});
          return r;
        }
        auto layout = http::multipart_byteranges(rr.ranges, size, type, boundary());
        h.set("Content-Type", layout.content_type);
        for (std::size_t i = 0; i < rr.ranges.size(); ++i)
          r.parts.push_back({layout.heads[i], {fd, rr.ranges[i].first, rr.ranges[i].length()}});
        r.parts.push_back({layout.tail, {}});
        return r;
      }
    }
    h.set("Content-Type", std::string(type));
    r.parts.push_back({"", {std::move(fd), 0, size}});
    return r;
  }

  // ETag, Last-Modified and Accept-Ranges on `r`; false when a precondition already decided
  // the answer (304 or 412, set on `r`).
  static bool validators(const proto::request& req, const struct stat& st, http_reply& r) {
    auto mtime = mtime_of(st);
    return validators(req, http::make_etag(static_cast<std::uint64_t>(st.st_size), mtime),
                      proto::format_http_date(mtime), mtime, r);
  }
  static bool validators(const proto::request& req, const std::string& etag,
                         const std::string& last_modified,
                         std::chrono::system_clock::time_point mtime, http_reply& r) {
    auto& h = r.resp.headers;
    h.set("ETag", etag);
    h.set("Last-Modified", last_modified);
    h.set("Accept-Ranges", "bytes");
    switch (http::evaluate_preconditions(req, etag, mtime)) {
      case http::precondition::not_modified:
        r.resp.status = 304;
        return false;
      case http::precondition::failed:
        r.resp.status = 412;
        return false;
      case http::precondition::proceed:
        break;
    }
    return true;
  }

  static std::string boundary() {
    static std::mt19937_64 rng{std::random_device{}()};
    return fmt::format("vitnet-{:016x}{:016x}", rng(), rng());
  }

  // Whether a segment of the (normalised) path starts with a dot. /.well-known/ (RFC 8615) is
  // meant to be public and stays visible.
  static bool hidden(const std::string& rel) {
    std::string_view p = rel;
    if (p == ".well-known" || p.starts_with(".well-known/")) p.remove_prefix(11);
    return (!p.empty() && p.front() == '.') || p.find("/.") != std::string_view::npos;
  }

  http_reply list(const proto::request& req, int dir_fd, const std::string& rel) {
    int fd = ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return failure(errno);
    DIR* d = ::fdopendir(fd);
    if (!d) {
      ::close(fd);
      return failure(errno);
    }
    std::vector<http::dir_entry> entries;
    while (auto* e = ::readdir(d)) {
      std::string_view n = e->d_name;
      if (n == "." || n == "..") continue;
      if (!o_.dotfiles && n.front() == '.' && !(rel.empty() && n == ".well-known")) continue;
      http::dir_entry de;
      de.name = std::string(n);
      struct stat st {};
      bool seen = ::fstatat(::dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0;
      if (seen && S_ISLNK(st.st_mode)) {
        // A link is described by where it leads only when a request could go there: one that
        // leaves the root (without --follow-symlinks) shows no size or time of the outside file.
        std::string path = rel.empty() ? de.name : rel + "/" + de.name;
        int lfd = open_beneath(path, O_PATH);
        seen = lfd >= 0 && ::fstat(lfd, &st) == 0;
        if (lfd >= 0) ::close(lfd);
      }
      if (seen) {
        de.type = S_ISDIR(st.st_mode)   ? http::dir_entry::kind::directory
                  : S_ISREG(st.st_mode) ? http::dir_entry::kind::file
                                        : http::dir_entry::kind::other;
        de.size = static_cast<std::uint64_t>(st.st_size);
        de.mtime = mtime_of(st);
      } else {
        de.type = http::dir_entry::kind::other;
      }
      entries.push_back(std::move(de));
    }
    ::closedir(d);
    http_reply r;
    r.resp = http::listing_response(req, std::move(entries));
    return r;
  }

  const http_serve_options& o_;
  int root_fd_ = -1;
  std::string root_;  // canonical
  std::unordered_map<std::string, cached> cache_;
  std::size_t cache_bytes_ = 0;
  http::change_watch watch_;
};

}  // namespace

std::unique_ptr<http_handler> make_file_handler(net::context& ctx, const http_serve_options& o) {
  return std::make_unique<file_handler>(ctx, o);
}

}  // namespace commands
