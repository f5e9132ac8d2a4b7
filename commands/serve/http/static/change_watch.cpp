#include "commands/serve/http/static/change_watch.hpp"

#include <linux/magic.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <array>

#include "net/fd_watch.hpp"

namespace commands::http {

namespace {

// File systems whose every change passes through this kernel, so inotify hears of it. Network
// and FUSE file systems (and any not named here) can change behind its back.
bool local_file_system(int fd) {
  struct statfs fs {};
  if (::fstatfs(fd, &fs) != 0) return false;
  constexpr std::array<unsigned long, 9> local = {
      EXT4_SUPER_MAGIC,  // ext2, ext3 and ext4 share it
      0x58465342,        // XFS
      BTRFS_SUPER_MAGIC, TMPFS_MAGIC, RAMFS_MAGIC, OVERLAYFS_SUPER_MAGIC, F2FS_SUPER_MAGIC,
      0x2fc12fc1,  // ZFS
      SQUASHFS_MAGIC,
  };
  for (auto m : local)
    if (static_cast<unsigned long>(fs.f_type) == m) return true;
  return false;
}

// A directory on the way: a new, removed or renamed entry changes where paths lead; its own
// rename or removal, or a chmod, too.
constexpr std::uint32_t dir_events = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO |
                                     IN_DELETE_SELF | IN_MOVE_SELF | IN_ATTRIB | IN_ONLYDIR |
                                     IN_DONT_FOLLOW;
// The file's inode, whichever link it is written through.
constexpr std::uint32_t file_events =
    IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_DELETE_SELF | IN_MOVE_SELF | IN_DONT_FOLLOW;

// Each watch pins its inode in the kernel's memory (about a kilobyte with the watch): past this
// many files, the cache checks the others with a stat, as where inotify cannot see.
constexpr std::size_t max_watched_files = 8192;

}  // namespace

struct change_watch::state : std::enable_shared_from_this<state> {
  net::context& ctx;
  std::function<void()> changed;
  int fd = -1;
  std::unique_ptr<net::fd_watch> watch;
  std::size_t files = 0;  // files watched by this instance

  state(net::context& c, std::function<void()> f) : ctx(c), changed(std::move(f)) {}
  ~state() { reset(); }

  void reset() {
    if (watch) watch->release();
    watch.reset();
    if (fd >= 0) ::close(fd);
    fd = -1;
    files = 0;
  }

  // The instance is made with the first file cached, so in each of serve's worker processes
  // after it forked: one shared across a fork would give each event to one process only.
  bool ready() {
    if (fd >= 0) return true;
    fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) return false;  // out of instances (fs.inotify.max_user_instances): stat instead
    watch = ctx.watch_fd(fd);
    ctx.start(drain(shared_from_this(), watch.get()));
    return true;
  }

  static net::task<void> drain(std::shared_ptr<state> self, net::fd_watch* w) {
    auto ec = co_await w->wait(net::fd_watch::event::readable);
    // Released: a change was reported, or the server is going.
    if (ec || self->watch.get() != w) co_return;
    // What changed does not matter: all cached files are dropped, and every watch with the
    // instance (new ones come with the next files cached).
    self->reset();
    self->changed();
  }
};

change_watch::change_watch(net::context& ctx, std::function<void()> changed)
    : s_(std::make_shared<state>(ctx, std::move(changed))) {}

change_watch::~change_watch() {
  s_->reset();
}

bool change_watch::watch(const std::string& root, const std::string& rel, int fd) {
  if (rel.empty() || !local_file_system(fd) || !s_->ready()) return false;
  // The path must lead straight there: through a symlink, a change where the link points would
  // be in a directory not watched.
  std::string path = root;
  if (::inotify_add_watch(s_->fd, path.c_str(), dir_events) < 0) return false;
  for (std::size_t at = 0;;) {
    auto slash = rel.find('/', at);
    path = root + "/" + rel.substr(0, slash);
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return false;
    if (slash == std::string::npos) {
      struct stat opened {};
      if (!S_ISREG(st.st_mode) || ::fstat(fd, &opened) != 0 || opened.st_dev != st.st_dev ||
          opened.st_ino != st.st_ino)
        return false;
      if (s_->files >= max_watched_files ||
          ::inotify_add_watch(s_->fd, path.c_str(), file_events) < 0)
        return false;
      ++s_->files;
      return true;
    }
    if (!S_ISDIR(st.st_mode) || ::inotify_add_watch(s_->fd, path.c_str(), dir_events) < 0)
      return false;
    at = slash + 1;
  }
}

}  // namespace commands::http
