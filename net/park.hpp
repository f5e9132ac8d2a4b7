#pragma once
// Waiting for a stream without a coroutine. A server holding many idle connections parks each
// one between bursts: it then costs a pending readiness wait and the state it keeps, not a chain
// of coroutine frames (10,000 idle echo connections: 37 MiB with frames, far less parked).
#include <functional>
#include <system_error>

#include "net/copy.hpp"
#include "net/stream.hpp"
#include "net/task.hpp"

namespace net {

/// Whether `s` can be parked: a TCP or Unix socket. TLS, QUIC, pipes and the mock network's
/// streams cannot; their callers wait in a coroutine instead.
bool parkable(stream& s);

/// Calls `ready` once, when `s` has something to read, has ended, or failed (then with the
/// error; operation_aborted when `s` was closed or cancelled first). Only for parkable streams;
/// `ready` runs from the context's loop, never from inside this call.
void when_readable(stream& s, std::function<void(std::error_code)> ready);

/// Copies what `from` has now to `to` (waiting only for writes). True when copying is over:
/// `r` says why (the end of `from`, or an error); false when `from` has nothing more for now.
/// Counts into `r` and `o`, and half-closes `to` at the end, as copy() does.
task<bool> copy_ready(stream& from, stream& to, copy_result& r, const copy_options& o);

}  // namespace net
