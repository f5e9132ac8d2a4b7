#include "net/wire_event.hpp"

namespace net {

std::string_view wire_event_name(wire_event::kind k) {
  using enum wire_event::kind;
  switch (k) {
    case listen:
      return "listen";
    case bind:
      return "bind";
    case connect:
      return "connect";
    case accept:
      return "accept";
    case refused:
      return "refused";
    case timed_out:
      return "timed_out";
    case data:
      return "data";
    case fin:
      return "fin";
    case datagram:
      return "datagram";
    case lost:
      return "lost";
    case reset:
      return "reset";
    case closed:
      return "closed";
    case fault:
      return "fault";
    case crash:
      return "crash";
    case restart:
      return "restart";
  }
  return "unknown";
}

}  // namespace net
