#pragma once
// Files: whole reads with clear errors, atomic writes, blocking fd writes.
#include <string>
#include <string_view>

namespace core {

/// Reads a whole file. Throws vitnet::error: 66 when missing, 77 when not readable, 74 otherwise.
/// `what` names the option or role for the message ("--reply").
std::string read_file(const std::string& path);

/// Writes `data` to `path` atomically: a temporary file beside it, fsync, rename. A reader sees the
/// old content or the whole new one, never a part. Throws vitnet::error on failure.
void write_file_atomic(const std::string& path, std::string_view data, unsigned mode = 0644);

/// "TEXT" is the text itself; "@FILE" is the file's content; "@-" is not accepted here.
/// Example: data_argument("@reply.txt") reads reply.txt.
std::string data_argument(const std::string& arg);

/// Writes all of `data` to a file descriptor, waiting out EAGAIN and EINTR. Returns false on
/// another error (errno is set), for instance EPIPE when the reader went away.
bool write_fd_all(int fd, std::string_view data);

}  // namespace core
