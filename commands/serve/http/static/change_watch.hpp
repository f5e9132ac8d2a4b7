#pragma once
// Telling the static-file cache when the served tree changes, so a cached file costs no system call
// per request (a stat per hit was a tenth of the server's time under load). inotify watches each
// cached file and every directory on its way from the root; any change there (a write, a rename,
// a new link, a chmod) reports once, and the cache starts afresh.
//
// Freshness: the kernel queues an event when the change happens, before any request made after
// it can arrive, and the event loop takes readiness in the order it occurred; a request arriving
// after a change is answered after the cache heard of it. What inotify cannot see is not trusted:
// files on network or user-space file systems (another machine can change them) and paths
// through symlinks are still checked by a stat on every request, as are the files cached past
// the first 8192 (each watch pins kernel memory).
#include <functional>
#include <memory>
#include <string>

#include "net/context.hpp"

namespace commands::http {

class change_watch {
 public:
  /// `changed` runs from the context's loop after a change to anything watched; every watch is
  /// then gone, and watch() starts new ones.
  change_watch(net::context& ctx, std::function<void()> changed);
  ~change_watch();
  change_watch(const change_watch&) = delete;
  change_watch& operator=(const change_watch&) = delete;

  /// Watches the regular file `rel` (a normalised path beneath `root`, not empty) opened as `fd`,
  /// and the directories from `root` (a canonical path) to it. True when any later change will
  /// be reported; false when it cannot be (see above), and the caller checks the file itself.
  bool watch(const std::string& root, const std::string& rel, int fd);

 private:
  struct state;
  std::shared_ptr<state> s_;
};

}  // namespace commands::http
