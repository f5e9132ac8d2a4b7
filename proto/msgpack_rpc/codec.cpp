#include "proto/msgpack_rpc/codec.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <msgpack.hpp>
#include <stdexcept>
#include <utility>

namespace proto::msgpack_rpc {

namespace {

// Bytes handed to the unpacker at a time: its buffer stays near this size plus one partial value.
constexpr std::size_t hand_over_chunk = 64 * 1024;
constexpr std::size_t max_skipped = 64;
constexpr std::size_t large_value = 1 << 20;
constexpr std::uint64_t max_length = std::numeric_limits<std::uint32_t>::max();

// Strings, binaries and ext values point into the unpacker's buffer rather than being copied: each
// value is turned into JSON before its handle is dropped, and the handle keeps the buffer alive.
bool reference_buffer(msgpack::type::object_type, std::size_t, void*) {
  return true;
}

// The counts msgpack-cxx accepts before it allocates for them (see the header).
msgpack::unpack_limit limits(std::size_t max_message, std::size_t max_depth) {
  return msgpack::unpack_limit(max_message / sizeof(msgpack::object),
                               max_message / sizeof(msgpack::object_kv), max_message, max_message,
                               max_message, max_depth);
}

struct string_sink {
  std::string& out;
  void write(const char* p, std::size_t n) { out.append(p, n); }
};
using packer = msgpack::packer<string_sink>;

std::uint32_t length_of(std::size_t n, const char* what) {
  if (n > max_length)
    throw std::length_error(fmt::format("a {} of {} (MessagePack holds at most 2^32-1)", what, n));
  return static_cast<std::uint32_t>(n);
}

void pack_value(packer& p, const json& v) {
  switch (v.type()) {
    case json::value_t::null:
    case json::value_t::discarded:
      p.pack_nil();
      return;
    case json::value_t::boolean:
      v.get<bool>() ? p.pack_true() : p.pack_false();
      return;
    case json::value_t::number_integer:
      p.pack_int64(v.get<std::int64_t>());
      return;
    case json::value_t::number_unsigned:
      p.pack_uint64(v.get<std::uint64_t>());
      return;
    case json::value_t::number_float:
      p.pack_double(v.get<double>());
      return;
    case json::value_t::string: {
      const auto& s = v.get_ref<const std::string&>();
      p.pack_str(length_of(s.size(), "string"));
      p.pack_str_body(s.data(), static_cast<std::uint32_t>(s.size()));
      return;
    }
    case json::value_t::binary: {
      const auto& b = v.get_binary();
      auto n = length_of(b.size(), "binary");
      const char* bytes = reinterpret_cast<const char*>(b.data());
      if (b.has_subtype() && b.subtype() <= 0xff) {
        p.pack_ext(n, static_cast<std::int8_t>(static_cast<std::uint8_t>(b.subtype())));
        p.pack_ext_body(bytes, n);
      } else {
        p.pack_bin(n);
        p.pack_bin_body(bytes, n);
      }
      return;
    }
    case json::value_t::array:
      p.pack_array(length_of(v.size(), "array"));
      for (const auto& e : v) pack_value(p, e);
      return;
    case json::value_t::object:
      p.pack_map(length_of(v.size(), "object"));
      for (const auto& [key, value] : v.items()) {
        p.pack_str(length_of(key.size(), "key"));
        p.pack_str_body(key.data(), static_cast<std::uint32_t>(key.size()));
        pack_value(p, value);
      }
      return;
  }
}

std::string bytes_of(const char* p, std::uint32_t n) {
  return n == 0 ? std::string() : std::string(p, n);
}

json::binary_t::container_type octets(const char* p, std::uint32_t n) {
  const auto* u = reinterpret_cast<const std::uint8_t*>(p);
  return n == 0 ? json::binary_t::container_type() : json::binary_t::container_type(u, u + n);
}

// A value whose non-string keys would make more JSON text than the budget allows.
struct key_text_overflow : std::runtime_error {
  key_text_overflow() : std::runtime_error("key text overflow") {}
};

// MessagePack as JSON. `depth` is how many more levels of arrays and maps may follow (the unpacker
// has kept to the same limit already; this guards a value that came some other way). A key's JSON
// text is escaped again each time its map is itself a key, so keys nested in keys double at every
// level: `key_budget`, the bytes of key text still allowed, keeps that linear in the input.
class converter {
 public:
  converter(std::size_t depth, std::size_t key_budget) : depth_(depth), key_budget_(key_budget) {}

  json convert(const msgpack::object& o) { return convert(o, depth_); }

 private:
  json convert(const msgpack::object& o, std::size_t depth) {
    switch (o.type) {
      case msgpack::type::NIL:
        return nullptr;
      case msgpack::type::BOOLEAN:
        return o.via.boolean;
      case msgpack::type::POSITIVE_INTEGER:
        return o.via.u64;
      case msgpack::type::NEGATIVE_INTEGER:
        return o.via.i64;
      case msgpack::type::FLOAT32:
      case msgpack::type::FLOAT64:
        return o.via.f64;
      case msgpack::type::STR:
        return bytes_of(o.via.str.ptr, o.via.str.size);
      case msgpack::type::BIN:
        return json::binary(octets(o.via.bin.ptr, o.via.bin.size));
      case msgpack::type::EXT:
        return json::binary(octets(o.via.ext.data(), o.via.ext.size),
                            static_cast<std::uint8_t>(o.via.ext.type()));
      case msgpack::type::ARRAY: {
        if (depth == 0) throw msgpack::depth_size_overflow("depth size overflow");
        json out = json::array();
        out.get_ref<json::array_t&>().reserve(o.via.array.size);
        for (std::uint32_t i = 0; i < o.via.array.size; ++i)
          out.push_back(convert(o.via.array.ptr[i], depth - 1));
        return out;
      }
      case msgpack::type::MAP: {
        if (depth == 0) throw msgpack::depth_size_overflow("depth size overflow");
        json out = json::object();
        for (std::uint32_t i = 0; i < o.via.map.size; ++i) {
          const auto& kv = o.via.map.ptr[i];
          out[key(kv.key, depth - 1)] = convert(kv.val, depth - 1);
        }
        return out;
      }
    }
    return nullptr;
  }

  std::string key(const msgpack::object& k, std::size_t depth) {
    if (k.type == msgpack::type::STR) return bytes_of(k.via.str.ptr, k.via.str.size);
    auto text = convert(k, depth).dump(-1, ' ', false, json::error_handler_t::replace);
    if (text.size() > key_budget_) throw key_text_overflow();
    key_budget_ -= text.size();
    return text;
  }

  std::size_t depth_;
  std::size_t key_budget_;
};

std::string_view kind_of(const msgpack::object& o) {
  switch (o.type) {
    case msgpack::type::NIL:
      return "nil";
    case msgpack::type::BOOLEAN:
      return "a boolean";
    case msgpack::type::POSITIVE_INTEGER:
    case msgpack::type::NEGATIVE_INTEGER:
      return "an integer";
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64:
      return "a float";
    case msgpack::type::STR:
      return "a string";
    case msgpack::type::BIN:
      return "binary";
    case msgpack::type::EXT:
      return "an ext value";
    case msgpack::type::ARRAY:
      return "an array";
    case msgpack::type::MAP:
      return "a map";
  }
  return "an unknown value";
}

// An integer by its value (a type tag or an id that is out of range), anything else by its kind.
std::string describe(const msgpack::object& o) {
  if (o.type == msgpack::type::POSITIVE_INTEGER) return fmt::format("{}", o.via.u64);
  if (o.type == msgpack::type::NEGATIVE_INTEGER) return fmt::format("{}", o.via.i64);
  return std::string(kind_of(o));
}

// A message, or why the value is not one.
struct reading {
  std::optional<message> m;
  std::string why;
};

reading refuse(std::string why) {
  return reading{std::nullopt, std::move(why)};
}

reading read_message(const msgpack::object& o, std::size_t max_depth, std::size_t max_key_text) {
  if (o.type != msgpack::type::ARRAY)
    return refuse(fmt::format("{} where a message (an array) was due", kind_of(o)));
  const auto n = o.via.array.size;
  const msgpack::object* e = o.via.array.ptr;
  if (n == 0) return refuse("an empty array where a message was due");
  if (e[0].type != msgpack::type::POSITIVE_INTEGER || e[0].via.u64 > 2)
    return refuse(fmt::format("an array of {} whose first element is {}, not a type tag (0, 1, 2)",
                              n, describe(e[0])));
  message m;
  m.type = static_cast<kind>(e[0].via.u64);
  static constexpr std::string_view names[] = {"request", "response", "notification"};
  const auto name = names[e[0].via.u64];
  const std::uint32_t want = m.type == kind::notification ? 3 : 4;
  if (n != want) return refuse(fmt::format("a {} of {} elements (it has {})", name, n, want));
  std::size_t at = 1;
  if (m.type != kind::notification) {
    const auto& id = e[at++];
    if (id.type != msgpack::type::POSITIVE_INTEGER || id.via.u64 > max_length)
      return refuse(fmt::format("a {} whose id is {}, not a uint32", name, describe(id)));
    m.id = static_cast<std::uint32_t>(id.via.u64);
  }
  if (m.type != kind::response) {
    const auto& method = e[at++];
    if (method.type != msgpack::type::STR)
      return refuse(fmt::format("a {} whose method is {}, not a string", name, kind_of(method)));
    m.method = bytes_of(method.via.str.ptr, method.via.str.size);
    if (e[at].type != msgpack::type::ARRAY)
      return refuse(fmt::format("a {} of '{}' whose params are {}, not an array", name, m.method,
                                kind_of(e[at])));
  }
  // Values inside the message may nest one level less than the message itself.
  converter values(max_depth == 0 ? 0 : max_depth - 1, max_key_text);
  try {
    if (m.type == kind::response) {
      m.error = values.convert(e[2]);
      m.result = values.convert(e[3]);
    } else {
      m.params = values.convert(e[at]);
    }
  } catch (const key_text_overflow&) {
    return refuse(fmt::format("a {} whose keys other than strings make over {} bytes of JSON text",
                              name, max_key_text));
  }
  return reading{std::move(m), {}};
}

}  // namespace

std::string encode(const message& m) {
  std::string out;
  string_sink sink{out};
  packer p(sink);
  p.pack_array(m.type == kind::notification ? 3 : 4);
  p.pack_uint8(static_cast<std::uint8_t>(m.type));
  if (m.type != kind::notification) p.pack_uint32(m.id);
  if (m.type == kind::response) {
    pack_value(p, m.error);
    pack_value(p, m.result);
    return out;
  }
  p.pack_str(length_of(m.method.size(), "method"));
  p.pack_str_body(m.method.data(), static_cast<std::uint32_t>(m.method.size()));
  if (m.params.is_array()) {
    pack_value(p, m.params);
  } else if (m.params.is_null()) {
    p.pack_array(0);
  } else {
    p.pack_array(1);
    pack_value(p, m.params);
  }
  return out;
}

void pack(const json& v, std::string& out) {
  string_sink sink{out};
  packer p(sink);
  pack_value(p, v);
}

std::optional<json> unpack_one(std::string_view bytes, std::size_t max_message,
                               std::size_t max_depth) {
  if (bytes.size() > max_message) return std::nullopt;
  try {
    std::size_t off = 0;
    auto h = msgpack::unpack(bytes.data(), bytes.size(), off, &reference_buffer, nullptr,
                             limits(max_message, max_depth));
    if (off != bytes.size()) return std::nullopt;
    return converter(max_depth, max_message).convert(h.get());
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

struct decoder::state {
  state(std::size_t max_message, std::size_t max_depth)
      : unpacker(&reference_buffer, nullptr, MSGPACK_UNPACKER_INIT_BUFFER_SIZE,
                 limits(max_message, max_depth)) {}
  msgpack::unpacker unpacker;
};

decoder::decoder(std::size_t max_message, std::size_t max_depth)
    // Lengths on the wire are 32-bit: no value can be longer, and one more than the limit must
    // still be countable.
    : max_message_(std::clamp<std::size_t>(max_message, 1, max_length - 1)), max_depth_(max_depth) {
  state_ = std::make_unique<state>(max_message_, max_depth_);
}

decoder::~decoder() = default;
decoder::decoder(decoder&&) noexcept = default;
decoder& decoder::operator=(decoder&&) noexcept = default;

void decoder::feed(std::string_view bytes) {
  if (fault_ != fault::none || !state_) return;
  in_.append(bytes);
}

std::size_t decoder::pending() const {
  return in_.size() - in_off_ + (state_ ? state_->unpacker.message_size() : 0);
}

void decoder::fail(fault f, std::string why) {
  fault_ = f;
  error_ = std::move(why);
  // Nothing more will be read: what the stream held is let go.
  state_.reset();
  in_ = std::string();
  in_off_ = 0;
}

void decoder::skip(std::string why) {
  if (skipped_.size() < max_skipped)
    skipped_.push_back(std::move(why));
  else
    ++skipped_uncounted_;
}

// Moves fed bytes into the unpacker, never more than would take the value it is reading past
// max_message + 1 bytes: a value too long is refused after that many, whatever was fed at once.
bool decoder::hand_over() {
  auto& u = state_->unpacker;
  const std::size_t left = in_.size() - in_off_;
  if (left == 0) return false;
  const std::size_t room = max_message_ + 1 - u.message_size();
  const std::size_t n = std::min({left, room, hand_over_chunk});
  u.reserve_buffer(n);
  std::memcpy(u.buffer(), in_.data() + in_off_, n);
  u.buffer_consumed(n);
  in_off_ += n;
  if (in_off_ == in_.size()) {
    in_.clear();
    in_off_ = 0;
  } else if (in_off_ * 2 >= in_.size()) {
    in_.erase(0, in_off_);
    in_off_ = 0;
  }
  return true;
}

std::optional<message> decoder::next() {
  if (fault_ != fault::none || !state_) return std::nullopt;
  try {
    for (;;) {
      auto& u = state_->unpacker;
      // message_size() counts the bytes of the value being read and those held after it; once a
      // value is whole the unpacker forgets its bytes, so the difference is the value's length.
      const std::size_t held = u.message_size();
      msgpack::object_handle h;
      if (u.next(h)) {
        const std::size_t length = held - u.message_size();
        if (length > max_message_) {
          fail(fault::too_large,
               fmt::format("a value of {} bytes (more than {})", length, max_message_));
          return std::nullopt;
        }
        auto r = read_message(h.get(), max_depth_, max_message_);
        // The unpacker's buffer never shrinks: after a large value, with nothing else held, a new
        // one lets the old go (the handle keeps what the value still points into).
        if (length > large_value && u.message_size() == 0)
          state_ = std::make_unique<state>(max_message_, max_depth_);
        if (r.m) return std::move(r.m);
        skip(std::move(r.why));
        continue;
      }
      // Not whole yet: what the unpacker holds is all this one value.
      if (u.message_size() > max_message_) {
        fail(fault::too_large, fmt::format("a value longer than {} bytes", max_message_));
        return std::nullopt;
      }
      if (!hand_over()) return std::nullopt;
    }
  } catch (const msgpack::parse_error&) {
    fail(fault::not_msgpack, "bytes that are not MessagePack");
  } catch (const msgpack::depth_size_overflow&) {
    fail(fault::too_deep, fmt::format("values nested deeper than {}", max_depth_));
  } catch (const msgpack::array_size_overflow&) {
    fail(fault::too_large, fmt::format("an array of more than {} elements (for {}-byte messages)",
                                       max_message_ / sizeof(msgpack::object), max_message_));
  } catch (const msgpack::map_size_overflow&) {
    fail(fault::too_large, fmt::format("a map of more than {} pairs (for {}-byte messages)",
                                       max_message_ / sizeof(msgpack::object_kv), max_message_));
  } catch (const msgpack::size_overflow&) {
    fail(fault::too_large, fmt::format("a value longer than {} bytes", max_message_));
  } catch (const std::bad_alloc&) {
    fail(fault::no_memory, "out of memory reading a value");
  } catch (const std::exception& e) {
    fail(fault::not_msgpack, fmt::format("unreadable MessagePack: {}", e.what()));
  }
  return std::nullopt;
}

}  // namespace proto::msgpack_rpc
