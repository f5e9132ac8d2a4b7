#pragma once
// A file written piece by piece that appears whole or not at all: a temporary file beside it
// takes the writes, and commit() renames it into place. What is not committed is removed, so an
// interrupted or failed download leaves nothing half-written.
#include <string>
#include <string_view>

namespace core {

class atomic_file {
 public:
  /// Creates the temporary file beside `path` (mode 0666 less the umask, as a new file gets).
  /// Throws vitnet::error naming `path`: 77 when the directory cannot be written, 74 otherwise.
  explicit atomic_file(std::string path);
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
  std::string path_, tmp_;
  int fd_ = -1;
  bool committed_ = false;
};

}  // namespace core
