#pragma once
// TLS 1.2 session ids remembered in memory shared by every worker process of one server, so a
// client that resumes by session id may land on any of them (tickets need no cache: one key,
// made before the fork, seals them for all).
#include <openssl/ssl.h>

namespace net {

/// Maps a cache shared with the processes this one forks later, and has `ctx` store its server
/// sessions there as well as in its own cache. Call before forking. False when the memory could
/// not be had (the server then resumes only sessions it made itself).
bool share_sessions_across_forks(SSL_CTX* ctx);

}  // namespace net
