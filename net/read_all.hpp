#pragma once
// Reading a stream to its end: stdin given as "-" (target lists, batches of names).
#include <cstddef>
#include <limits>
#include <string>

#include "net/stream.hpp"
#include "net/task.hpp"

namespace net {

/// Everything `in` gives until its end (or an error), but at most `max_bytes` + 1 bytes: a
/// caller with a bound compares the size with it and refuses what is over.
task<std::string> read_all(stream& in,
                           std::size_t max_bytes = std::numeric_limits<std::size_t>::max() - 1);

}  // namespace net
