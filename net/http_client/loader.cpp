// libcurl, loaded on first use. Linking it outright costs every vitnet process its dependency
// tree at start (gnutls, p11-kit, krb5, ldap...: about 5 ms), though only HTTP requests need it.
// These definitions stand in for the libcurl functions vitnet calls; the first call dlopens
// libcurl.so.4 and each forwards to the real function. The executable does not export them, so
// libcurl's own calls stay inside libcurl.
//
// The variadic setters take exactly one argument after the option (a long, a pointer, a
// curl_off_t or a function pointer, as libcurl documents); it is passed on as one 64-bit value,
// which is how all of those travel through varargs on the 64-bit ABIs vitnet builds for.
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>
#include <dlfcn.h>

#include <cstdarg>
#include <string>

#include "core/error.hpp"
#include "net/http_client/curl.hpp"

static_assert(sizeof(void*) == 8 && sizeof(long) == 8 && sizeof(curl_off_t) == 8,
              "the forwarding of curl's variadic setters assumes a 64-bit ABI");

namespace {

struct loaded {
  void* handle = nullptr;
  std::string why;  // dlerror's message when handle is null
};

const loaded& libcurl() {
  static const loaded l = [] {
    loaded r;
    r.handle = ::dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!r.handle) r.why = ::dlerror();
    return r;
  }();
  return l;
}

// A library never ends the process (that would end a whole `test net` run): a missing libcurl
// or function is a configuration error thrown to the command.
template <typename F>
F real(const char* name) {
  net::http_client::load_libcurl();
  void* p = ::dlsym(libcurl().handle, name);
  if (!p) vitnet::fail(core::exit_code::config, "HTTP needs libcurl, whose library lacks {}", name);
  return reinterpret_cast<F>(p);
}

}  // namespace

void net::http_client::load_libcurl() {
  if (!libcurl().handle)
    vitnet::fail(core::exit_code::config, "HTTP needs libcurl (libcurl.so.4): {}", libcurl().why);
}

#define VITNET_CURL_FORWARD(ret, name, params, args) \
  extern "C" ret name params {                       \
    static auto fn = real<ret(*) params>(#name);     \
    return fn args;                                  \
  }

VITNET_CURL_FORWARD(CURLcode, curl_global_init, (long flags), (flags))
VITNET_CURL_FORWARD(CURL*, curl_easy_init, (void), ())
VITNET_CURL_FORWARD(void, curl_easy_cleanup, (CURL * h), (h))
VITNET_CURL_FORWARD(CURLcode, curl_easy_pause, (CURL * h, int mask), (h, mask))
VITNET_CURL_FORWARD(const char*, curl_easy_strerror, (CURLcode c), (c))
VITNET_CURL_FORWARD(CURLM*, curl_multi_init, (void), ())
VITNET_CURL_FORWARD(CURLMcode, curl_multi_cleanup, (CURLM * m), (m))
VITNET_CURL_FORWARD(CURLMcode, curl_multi_add_handle, (CURLM * m, CURL* h), (m, h))
VITNET_CURL_FORWARD(CURLMcode, curl_multi_remove_handle, (CURLM * m, CURL* h), (m, h))
VITNET_CURL_FORWARD(CURLMcode, curl_multi_socket_action,
                    (CURLM * m, curl_socket_t s, int ev, int* running), (m, s, ev, running))
VITNET_CURL_FORWARD(CURLMsg*, curl_multi_info_read, (CURLM * m, int* left), (m, left))
VITNET_CURL_FORWARD(const char*, curl_multi_strerror, (CURLMcode c), (c))
VITNET_CURL_FORWARD(struct curl_slist*, curl_slist_append, (struct curl_slist * l, const char* s),
                    (l, s))
VITNET_CURL_FORWARD(void, curl_slist_free_all, (struct curl_slist * l), (l))

extern "C" CURLcode curl_easy_setopt(CURL* h, CURLoption option, ...) {
  static auto fn = real<CURLcode (*)(CURL*, CURLoption, ...)>("curl_easy_setopt");
  va_list ap;
  va_start(ap, option);
  void* value = va_arg(ap, void*);
  va_end(ap);
  return fn(h, option, value);
}

extern "C" CURLcode curl_easy_getinfo(CURL* h, CURLINFO info, ...) {
  static auto fn = real<CURLcode (*)(CURL*, CURLINFO, ...)>("curl_easy_getinfo");
  va_list ap;
  va_start(ap, info);
  void* out = va_arg(ap, void*);
  va_end(ap);
  return fn(h, info, out);
}

extern "C" CURLMcode curl_multi_setopt(CURLM* m, CURLMoption option, ...) {
  static auto fn = real<CURLMcode (*)(CURLM*, CURLMoption, ...)>("curl_multi_setopt");
  va_list ap;
  va_start(ap, option);
  void* value = va_arg(ap, void*);
  va_end(ap);
  return fn(m, option, value);
}
