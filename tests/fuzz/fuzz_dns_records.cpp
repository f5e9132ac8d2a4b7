// Fuzzes what `serve dns --records` reads (a zone file, a hosts file or TOML, chosen by the first
// byte here as the file's name would choose it) and the --fault rules. Bad input may only throw
// vitnet::error 65 naming the file; records that load answer any question without crashing, and
// every record they answer with can be written as a message and read back.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "commands/dns/faults.hpp"
#include "commands/dns/records.hpp"
#include "core/error.hpp"

namespace pd = proto::dns;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string name = data[0] % 3 == 0 ? "r.toml" : data[0] % 3 == 1 ? "hosts" : "r.zone";
  {
    std::string err;
    auto f = commands::dns::parse_fault(text, err);
    if (!f && err.empty()) std::abort();
    if (f && (f->probability < 0 || f->probability > 1)) std::abort();
  }
  commands::dns::record_set rs;
  try {
    rs = commands::dns::record_set::from_text(text, name);
  } catch (const vitnet::error& e) {
    if (e.code() != core::exit_code::data) std::abort();
    if (std::string_view(e.what()).rfind(name + ":", 0) != 0) std::abort();
    return 0;
  }
  // Ask for a few names the input itself mentions, and some it does not.
  for (auto q : {"www.example.test.", "a.", ".", "*.x.", "localhost."}) {
    auto qname = pd::name::parse(q);
    if (!qname) continue;
    for (std::uint16_t t : {pd::type::a, pd::type::any, pd::type::cname}) {
      auto a = rs.lookup(*qname, t);
      if (!a) continue;
      pd::message m;
      m.qr = true;
      m.questions.push_back(pd::question{*qname, t, pd::rclass::in});
      m.answers = a->answers;
      m.authority = a->authority;
      std::string wire;
      try {
        wire = pd::write(m);
      } catch (const std::length_error&) {
        continue;
      }
      if (!pd::parse(wire).msg) std::abort();
    }
  }
  return 0;
}
