#pragma once
// A file written piece by piece that appears whole or not at all: an unnamed file in the same
// directory takes the writes, and commit() puts it in place. What is not committed disappears, so
// an interrupted or failed download leaves nothing half-written, and nothing planted at a
// predictable temporary name (a symlink) can redirect the writes.
#include <string>
#include <string_view>

namespace core {

class atomic_file {
 public:
  /// Creates the file that will become `path` (`mode` less the umask, as a new file gets).
  /// Throws vitnet::error naming `path`: 77 when the directory cannot be written, 74 otherwise.
  explicit atomic_file(std::string path, unsigned mode = 0666);
  /// Removes the temporary file unless it was committed.
  ~atomic_file();
  atomic_file(const atomic_file&) = delete;
  atomic_file& operator=(const atomic_file&) = delete;

  /// Appends `data`. Throws vitnet::error 74 (disk full, I/O error) naming the path.
  void write(std::string_view data);
  /// Empties the file, to start again (a retried download).
  void truncate();
  /// Flushes to disk and renames the file into place. Throws vitnet::error on failure.
  void commit();

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::string tmp_;  ///< the temporary name, once it has one (at commit, or on old filesystems)
  int fd_ = -1;
  bool committed_ = false;
};

}  // namespace core
