#include "net/listener.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <map>

#include "net/nothrow.hpp"
#include "net/quic/engine.hpp"
#include "net/socket_impls.hpp"
#include "net/stream_impl.hpp"

namespace net {

ip_address from_asio(const asio::ip::address& a) {
  if (a.is_v4()) return ip_address::v4(a.to_v4().to_uint());
  return ip_address::v6(a.to_v6().to_bytes()).unmap();
}

asio::ip::address to_asio(const ip_address& a) {
  if (a.is_v4()) return asio::ip::address_v4(a.v4_value());
  return asio::ip::address_v6(a.bytes());
}

namespace {
template <typename A>
void close_acceptor(A& a) {
  std::error_code ec;
  if constexpr (std::is_same_v<A, std::unique_ptr<sim::listener_state>>)
    a->close();
  else if constexpr (std::is_same_v<A, std::shared_ptr<quic_listener_state>>)
    quic_listener_close(*a);
  else
    a.close(ec);
}

// The socket files open listeners created, with the identity of each file, so that what is
// removed at the end is that file and not whatever replaced it meanwhile (another server's
// socket, or a file someone put there).
struct file_id {
  dev_t dev;
  ino_t ino;
};
std::map<std::string, file_id>& own_files() {
  static std::map<std::string, file_id> files;
  return files;
}

void remove_if_ours(const std::string& path, const file_id& id) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode) && st.st_dev == id.dev &&
      st.st_ino == id.ino)
    ::unlink(path.c_str());
}

// One descriptor held in reserve for when the process runs out: accept then fails, and the
// waiting client would sit in the backlog until it gives up. The spare is let go, the client
// accepted and closed at once (it sees the close), and the spare taken again.
int& spare_descriptor() {
  static int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  return fd;
}

bool out_of_descriptors(const std::error_code& ec) {
  return ec == std::errc::too_many_files_open || ec == std::errc::too_many_files_open_in_system;
}

void shed_one(int listen_fd) {
  int& spare = spare_descriptor();
  if (spare >= 0) ::close(spare);
  int c = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (c >= 0) ::close(c);
  spare = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
}

}  // namespace

void own_socket_file(listener::impl& i, const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return;
  i.unlink_path = path;
  own_files()[path] = {st.st_dev, st.st_ino};
}

void remove_own_socket_files() {
  for (auto& [path, id] : own_files()) remove_if_ours(path, id);
  own_files().clear();
}

listener::impl::~impl() {
  std::visit([](auto& x) { close_acceptor(x); }, a);
  if (unlink_path.empty()) return;
  auto it = own_files().find(unlink_path);
  if (it == own_files().end()) return;
  remove_if_ours(unlink_path, it->second);
  own_files().erase(it);
}

listener::listener() = default;
listener::listener(std::unique_ptr<impl> i) : impl_(std::move(i)) {
  if (std::holds_alternative<asio::ip::tcp::acceptor>(impl_->a) ||
      std::holds_alternative<asio::local::stream_protocol::acceptor>(impl_->a))
    spare_descriptor();
}
listener::listener(listener&&) noexcept = default;
listener& listener::operator=(listener&&) noexcept = default;
listener::~listener() = default;

const endpoint& listener::local_endpoint() const {
  return impl_->local;
}

void listener::close() {
  std::visit([](auto& x) { close_acceptor(x); }, impl_->a);
}

task<accept_result> listener::accept() {
  if (auto* q = std::get_if<std::shared_ptr<quic_listener_state>>(&impl_->a))
    co_return co_await quic_listener_accept(**q);
  if (auto* l = std::get_if<std::unique_ptr<sim::listener_state>>(&impl_->a)) {
    auto [ec, e] = co_await sim::accept(**l);
    if (ec) co_return accept_result{ec, {}};
    std::string name = e->peer_name;
    auto i = std::make_unique<stream::impl>(std::move(e), std::move(name));
    i->peer = i->sim_end()->peer;
    co_return accept_result{{}, stream(std::move(i))};
  }
  if (auto* tcp = std::get_if<asio::ip::tcp::acceptor>(&impl_->a)) {
    auto [ec, sock] = co_await tcp->async_accept(nothrow);
    if (out_of_descriptors(ec)) shed_one(tcp->native_handle());
    if (ec) co_return accept_result{ec, {}};
    std::error_code ignored;
    sock.set_option(asio::ip::tcp::no_delay(true), ignored);
    sock.non_blocking(true, ignored);
    auto remote = sock.remote_endpoint(ignored);
    socket_address peer{from_asio(remote.address()), remote.port()};
    auto i = std::make_unique<stream::impl>(std::move(sock), peer.to_string());
    i->peer = peer;
    co_return accept_result{{}, stream(std::move(i))};
  }
  auto& unix_acceptor = std::get<asio::local::stream_protocol::acceptor>(impl_->a);
  auto [ec, sock] = co_await unix_acceptor.async_accept(nothrow);
  if (out_of_descriptors(ec)) shed_one(unix_acceptor.native_handle());
  if (ec) co_return accept_result{ec, {}};
  std::error_code ignored;
  sock.non_blocking(true, ignored);
  // A Unix peer has no name of its own; its credentials say who it is.
  std::string name = "unix";
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(sock.native_handle(), SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0)
    name = "unix:pid=" + std::to_string(cred.pid);
  co_return accept_result{{}, stream(std::make_unique<stream::impl>(std::move(sock), name))};
}

datagram_socket::datagram_socket() = default;
datagram_socket::datagram_socket(std::unique_ptr<impl> i) : impl_(std::move(i)) {}
datagram_socket::datagram_socket(datagram_socket&&) noexcept = default;
datagram_socket& datagram_socket::operator=(datagram_socket&&) noexcept = default;
datagram_socket::~datagram_socket() = default;

namespace {

// recvmsg on a socket with UDP_GRO (non-blocking): the datagrams, their sender, and from the
// control message the size they were cut to (none when one came alone).
datagram_result receive_coalesced(asio::ip::udp::socket& s, std::span<char> buf) {
  datagram_result r;
  asio::ip::udp::endpoint from;
  iovec iov{buf.data(), buf.size()};
  msghdr m{};
  m.msg_name = from.data();
  m.msg_namelen = static_cast<socklen_t>(from.capacity());
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  m.msg_control = control;
  m.msg_controllen = sizeof control;
  ssize_t n = 0;
  do n = ::recvmsg(s.native_handle(), &m, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0) {
    r.ec = std::error_code(errno, std::system_category());
    return r;
  }
  r.n = static_cast<std::size_t>(n);
  from.resize(m.msg_namelen);
  r.from = socket_address{from_asio(from.address()), from.port()};
  for (auto* c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
    if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO) {
      int size = 0;
      std::memcpy(&size, CMSG_DATA(c), sizeof size);
      if (size > 0 && static_cast<std::size_t>(size) < r.n) r.segment = size;
    }
  return r;
}

}  // namespace

void datagram_socket::use_for_quic() {
  auto* s = impl_->udp();
  if (!s) return;
  std::error_code ec;
  s->non_blocking(true, ec);
  int fd = s->native_handle(), on = 1;
  if (!ec && ::setsockopt(fd, SOL_UDP, UDP_GRO, &on, sizeof on) == 0) impl_->gro = true;
  // Each family's option on a socket of the other fails harmlessly (a dual-stack socket takes
  // both).
  int probe = IP_PMTUDISC_PROBE, probe6 = IPV6_PMTUDISC_PROBE;
  ::setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &probe, sizeof probe);
  ::setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &probe6, sizeof probe6);
}

task<datagram_result> datagram_socket::receive_from(std::span<char> buf) {
  if (auto* d = impl_->sim()) co_return co_await sim::receive_from(*d, buf);
  if (impl_->gro) {
    auto& s = *impl_->udp();
    for (;;) {
      auto r = receive_coalesced(s, buf);
      if (!is_would_block(r.ec)) co_return r;
      auto [ec] = co_await s.async_wait(asio::socket_base::wait_read, nothrow);
      if (ec) co_return datagram_result{ec, 0, {}};
    }
  }
  asio::ip::udp::endpoint from;
  auto [ec, n] = co_await impl_->udp()->async_receive_from(asio::buffer(buf.data(), buf.size()),
                                                           from, nothrow);
  co_return datagram_result{ec, n, socket_address{from_asio(from.address()), from.port()}};
}

namespace {

asio::ip::udp::endpoint peer_endpoint(datagram_socket::impl& i, const socket_address& to) {
  asio::ip::address addr = to_asio(to.ip);
  if (!i.v6) {
    std::error_code ec;
    i.v6 = i.udp()->local_endpoint(ec).protocol() == asio::ip::udp::v6();
  }
  // A dual-stack socket reaches IPv4 peers through their mapped form.
  if (addr.is_v4() && *i.v6) addr = asio::ip::make_address_v6(asio::ip::v4_mapped, addr.to_v4());
  return asio::ip::udp::endpoint(addr, to.port);
}

}  // namespace

task<std::error_code> datagram_socket::send_to(std::span<const char> data,
                                               const socket_address& to) {
  if (auto* d = impl_->sim()) co_return co_await sim::send_to(*d, data, to);
  auto& s = *impl_->udp();
  auto [ec, n] = co_await s.async_send_to(asio::buffer(data.data(), data.size()),
                                          peer_endpoint(*impl_, to), nothrow);
  co_return ec;
}

datagram_result datagram_socket::try_receive_from(std::span<char> buf) {
  datagram_result r;
  if (impl_->sim()) {
    r.ec = std::make_error_code(std::errc::operation_would_block);
    return r;
  }
  auto& s = *impl_->udp();
  if (impl_->gro) return receive_coalesced(s, buf);
  // non_blocking() reads asio's own flag; setting it is an ioctl, done once.
  if (!s.non_blocking()) s.non_blocking(true, r.ec);
  if (r.ec) return r;
  asio::ip::udp::endpoint from;
  r.n = s.receive_from(asio::buffer(buf.data(), buf.size()), from, 0, r.ec);
  if (!r.ec) r.from = socket_address{from_asio(from.address()), from.port()};
  return r;
}

std::error_code datagram_socket::try_send_to(std::span<const char> data, const socket_address& to) {
  if (impl_->sim()) return std::make_error_code(std::errc::operation_would_block);
  auto& s = *impl_->udp();
  std::error_code ec;
  if (!s.non_blocking()) s.non_blocking(true, ec);
  if (!ec) s.send_to(asio::buffer(data.data(), data.size()), peer_endpoint(*impl_, to), 0, ec);
  return ec;
}

datagram_socket::segments_result datagram_socket::try_send_segments(std::span<const char> data,
                                                                    std::size_t segment,
                                                                    const socket_address* to) {
  segments_result r;
  if (impl_->sim() || segment == 0) {
    r.ec = std::make_error_code(std::errc::operation_would_block);
    return r;
  }
  auto& s = *impl_->udp();
  if (!s.non_blocking()) s.non_blocking(true, r.ec);
  if (r.ec) return r;
  asio::ip::udp::endpoint peer;
  if (to) peer = peer_endpoint(*impl_, *to);
  // UDP_SEGMENT (Linux 4.18): the kernel cuts the buffer into datagrams. A kernel or socket
  // that refuses it once is not asked again.
  static bool gso = true;
  std::size_t count = (data.size() + segment - 1) / segment;
  if (gso && count > 1 && count <= 64) {
    iovec iov{const_cast<char*>(data.data()), data.size()};
    msghdr m{};
    if (to) {
      m.msg_name = peer.data();
      m.msg_namelen = static_cast<socklen_t>(peer.size());
    }
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(std::uint16_t))] = {};
    m.msg_control = control;
    m.msg_controllen = sizeof control;
    cmsghdr* c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_UDP;
    c->cmsg_type = UDP_SEGMENT;
    c->cmsg_len = CMSG_LEN(sizeof(std::uint16_t));
    auto seg16 = static_cast<std::uint16_t>(segment);
    std::memcpy(CMSG_DATA(c), &seg16, sizeof seg16);
    for (;;) {
      ssize_t n = ::sendmsg(s.native_handle(), &m, 0);
      if (n >= 0) {
        r.n = data.size();
        return r;
      }
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        r.ec = std::make_error_code(std::errc::operation_would_block);
        return r;
      }
      if (errno == EIO || errno == EINVAL || errno == ENOPROTOOPT || errno == EOPNOTSUPP) {
        gso = false;  // and on below, one datagram at a time
        break;
      }
      r.ec = std::error_code(errno, std::system_category());
      return r;
    }
  }
  for (std::size_t off = 0; off < data.size(); off += segment) {
    auto piece = asio::buffer(data.data() + off, std::min(segment, data.size() - off));
    std::error_code ec;
    if (to)
      s.send_to(piece, peer, 0, ec);
    else
      s.send(piece, 0, ec);
    if (ec) {
      r.ec = ec;
      return r;
    }
    r.n = off + asio::buffer_size(piece);
  }
  return r;
}

task<std::error_code> datagram_socket::send(std::span<const char> data) {
  if (auto* d = impl_->sim()) co_return co_await sim::send_to(*d, data, *d->peer);
  auto [ec, n] = co_await impl_->udp()->async_send(asio::buffer(data.data(), data.size()), nothrow);
  co_return ec;
}

const endpoint& datagram_socket::local_endpoint() const {
  return impl_->local;
}
void datagram_socket::cancel() {
  if (auto* d = impl_->sim()) {
    ++d->cancel_gen;
    d->wake.notify();
    return;
  }
  std::error_code ec;
  impl_->udp()->cancel(ec);
}
void datagram_socket::close() {
  if (auto* d = impl_->sim()) return d->close();
  std::error_code ec;
  impl_->udp()->close(ec);
}

}  // namespace net
