#pragma once
// Helpers shared by the DNS codec's unit tests.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "proto/dns/message.hpp"

namespace dns_test {

inline proto::dns::name N(std::string_view text) {
  auto n = proto::dns::name::parse(text);
  REQUIRE_MESSAGE(n, text);
  return *n;
}

// A record from its zone-file fields; the test fails when the data does not parse.
inline proto::dns::record R(std::string_view owner, std::uint16_t type, std::string_view data,
                            std::uint32_t ttl = 300) {
  std::string error;
  auto bytes = proto::dns::data_from_string(type, data, proto::dns::name(), error);
  REQUIRE_MESSAGE(bytes, error);
  return {.owner = N(owner),
          .type = type,
          .rclass = proto::dns::rclass::in,
          .ttl = ttl,
          .data = *bytes};
}

}  // namespace dns_test
