// Fuzzes the DNS message reader with a peer's bytes. No crash; a message that reads is written
// back and reads as the same message (or, when the decompressed names no longer fit, as a
// truncated prefix of it), and writing that is stable; written with a UDP limit it stays within
// the limit and still reads; every record's data shown as text reads back as the same bytes.
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include "proto/dns/message.hpp"

namespace dns = proto::dns;

namespace {

// Whether the question section alone, written without compression, passes `limit`: only then
// may write() refuse the message.
bool questions_too_big(const dns::message& m, std::size_t limit) {
  std::size_t n = 12;
  for (const auto& q : m.questions) n += q.qname.wire().size() + 4;
  return n > limit;
}

bool prefix_of(const std::vector<dns::record>& part, const std::vector<dns::record>& whole) {
  if (part.size() > whole.size()) return false;
  for (std::size_t i = 0; i < part.size(); ++i)
    if (!(part[i] == whole[i])) return false;
  return true;
}

void check_written(const dns::message& m, std::size_t limit) {
  std::string bytes;
  try {
    bytes = dns::write(m, limit);
  } catch (const std::length_error&) {
    if (!questions_too_big(m, limit)) std::abort();
    return;
  }
  if (bytes.size() > limit) std::abort();
  auto back = dns::parse(bytes);
  if (!back.msg) std::abort();
  const dns::message& b = *back.msg;
  // Left out for the limit: the TC flag is set and each section is a prefix of the original's.
  const bool cut = b.answers.size() != m.answers.size() ||
                   b.authority.size() != m.authority.size() ||
                   b.additional.size() != m.additional.size() || b.opt != m.opt;
  if (cut) {
    if (!b.tc) std::abort();
    if (!prefix_of(b.answers, m.answers) || !prefix_of(b.authority, m.authority) ||
        !prefix_of(b.additional, m.additional) || !(b.questions == m.questions) ||
        !(b.opt == m.opt || !b.opt))
      std::abort();
    return;
  }
  if (!(b == m)) std::abort();
  if (dns::write(b, limit) != bytes) std::abort();
}

void check_text(const dns::record& r) {
  const std::string text = dns::data_to_string(r.type, r.data);
  std::string error;
  auto data = dns::data_from_string(r.type, text, dns::name(), error);
  if (!data || *data != r.data) std::abort();
  (void)dns::record_to_string(r);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto r =
      dns::parse(std::string_view(reinterpret_cast<const char*>(data), size), {.max_records = 512});
  if (r.has_header != (size >= 12)) std::abort();
  if (!r.msg) {
    if (r.error.empty()) std::abort();
    return 0;
  }
  const dns::message& m = *r.msg;
  check_written(m, 65535);
  check_written(m, 512);
  for (const auto* section : {&m.answers, &m.authority, &m.additional})
    for (const auto& rr : *section) check_text(rr);
  (void)m.extended_errors();
  (void)m.nsid();
  return 0;
}
