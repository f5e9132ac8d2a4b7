#include "net/tls/session_cache.hpp"

#include <sched.h>
#include <sys/mman.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <new>

namespace net {

namespace {

// A fixed table in anonymous shared memory: each session id hashes to one slot, a newer session
// replaces an older one there. The pages are only touched (and so only cost memory) as slots
// fill.
constexpr std::size_t slot_count = 2048;
constexpr std::size_t max_der = 3000;  // a session with a client certificate may not fit: skipped

struct slot {
  std::atomic<std::uint32_t> busy;  // a spin lock: held for a copy of at most max_der bytes
  std::uint8_t id_len;
  unsigned char id[SSL_MAX_SSL_SESSION_ID_LENGTH];
  std::uint16_t der_len;
  std::int64_t expires;  // unix seconds
  unsigned char der[max_der];
};
static_assert(std::atomic<std::uint32_t>::is_always_lock_free,
              "the lock must work across processes");

slot* table = nullptr;  // one server per process

std::size_t index_of(const unsigned char* id, unsigned len) {
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a
  for (unsigned i = 0; i < len; ++i) h = (h ^ id[i]) * 1099511628211ULL;
  return h % slot_count;
}

class held {
 public:
  explicit held(slot& s) : s_(s) {
    while (s_.busy.exchange(1, std::memory_order_acquire)) sched_yield();
  }
  ~held() { s_.busy.store(0, std::memory_order_release); }
  held(const held&) = delete;
  held& operator=(const held&) = delete;

 private:
  slot& s_;
};

int on_new(SSL*, SSL_SESSION* sess) {
  unsigned len = 0;
  const unsigned char* id = SSL_SESSION_get_id(sess, &len);
  int der_len = i2d_SSL_SESSION(sess, nullptr);
  if (len == 0 || len > SSL_MAX_SSL_SESSION_ID_LENGTH || der_len <= 0 ||
      static_cast<std::size_t>(der_len) > max_der)
    return 0;
  slot& s = table[index_of(id, len)];
  held lock(s);
  unsigned char* out = s.der;
  i2d_SSL_SESSION(sess, &out);
  s.der_len = static_cast<std::uint16_t>(der_len);
  s.id_len = static_cast<std::uint8_t>(len);
  std::memcpy(s.id, id, len);
  s.expires = static_cast<std::int64_t>(SSL_SESSION_get_time(sess)) + SSL_SESSION_get_timeout(sess);
  return 0;  // OpenSSL keeps its own reference
}

SSL_SESSION* on_get(SSL*, const unsigned char* id, int len, int* copy) {
  *copy = 0;  // the session returned is the caller's
  if (len <= 0 || len > SSL_MAX_SSL_SESSION_ID_LENGTH) return nullptr;
  slot& s = table[index_of(id, static_cast<unsigned>(len))];
  unsigned char der[max_der];
  std::size_t der_len = 0;
  {
    held lock(s);
    if (s.id_len != len || std::memcmp(s.id, id, static_cast<std::size_t>(len)) != 0 ||
        s.expires <= static_cast<std::int64_t>(std::time(nullptr)))
      return nullptr;
    der_len = s.der_len;
    std::memcpy(der, s.der, der_len);
  }
  const unsigned char* in = der;
  return d2i_SSL_SESSION(nullptr, &in, static_cast<long>(der_len));
}

void on_remove(SSL_CTX*, SSL_SESSION* sess) {
  unsigned len = 0;
  const unsigned char* id = SSL_SESSION_get_id(sess, &len);
  if (len == 0 || len > SSL_MAX_SSL_SESSION_ID_LENGTH) return;
  slot& s = table[index_of(id, len)];
  held lock(s);
  if (s.id_len == len && std::memcmp(s.id, id, len) == 0) s.id_len = 0;
}

}  // namespace

bool share_sessions_across_forks(SSL_CTX* ctx) {
  if (!table) {
    void* p = ::mmap(nullptr, slot_count * sizeof(slot), PROT_READ | PROT_WRITE,
                     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return false;
    table = static_cast<slot*>(p);  // zero-filled: every slot empty and unlocked
  }
  SSL_CTX_sess_set_new_cb(ctx, on_new);
  SSL_CTX_sess_set_get_cb(ctx, on_get);
  SSL_CTX_sess_set_remove_cb(ctx, on_remove);
  return true;
}

}  // namespace net
