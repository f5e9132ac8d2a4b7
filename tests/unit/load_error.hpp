#pragma once
// For unit tests of loaders of users' files (methods files, OpenRPC documents): the message a
// load fails with, checked to be exit 65 (malformed data); the test fails if it loads.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "core/error.hpp"

template <typename Load>
std::string load_error(Load&& load, std::string_view text) {
  try {
    load(text);
  } catch (const vitnet::error& e) {
    CHECK(e.code() == core::exit_code::data);
    return e.what();
  }
  FAIL("loaded: ", text);
  return {};
}
