#pragma once
// MessagePack-RPC (https://github.com/msgpack-rpc/msgpack-rpc/blob/master/spec.md), the protocol
// Neovim speaks on its --embed pipe and --listen socket. Sans-io: bytes in, messages out; messages
// out as bytes. MessagePack itself is read and written by msgpack-cxx; this codec bounds what a
// peer can make it hold and says what each value means.
//
// Values are carried as JSON (nlohmann::json), mapped both ways like this:
//
//   MessagePack              JSON
//   nil                      null
//   true, false              boolean
//   positive integer         number_unsigned (all of uint64 kept exact)
//   negative integer         number_integer (all of int64 kept exact)
//   float32, float64         number_float (a JSON float is always written as float64)
//   str                      string, its bytes as they came (not checked to be UTF-8)
//   bin                      binary without a subtype
//   ext of type T            binary with subtype T as a byte (T = -1 is subtype 255): Neovim's
//                            Buffer, Window and Tabpage handles (ext 0, 1, 2) come back as they
//                            went
//   array                    array
//   map                      object; a key that is a str stays as it is, any other key becomes its
//                            compact JSON text ({1: "a"} reads as {"1": "a"}); of two equal keys
//                            the later one is kept
//
// A binary whose subtype is over 255 has no ext type to hold it and is written as bin.
//
// Limits, so that a peer cannot make the decoder hold much more than it sends: no value may be
// longer than max_message bytes (a value still arriving is refused once it passes that); an array
// may declare at most max_message / 24 elements and a map max_message / 48 pairs (on 64-bit
// systems msgpack-cxx allocates a 24-byte object per element when it reads the count, before the
// elements arrive; about 700,000 elements at the default 16 MiB); values nest at most max_depth
// deep (so at most max_depth such allocations are open at once, their pages touched only as
// elements arrive). A str, bin or ext is kept only once all its bytes are here, so its declared
// length costs nothing by itself.
// The JSON text of a message's keys that are not strings may come to at most max_message bytes
// (a map used as a key inside a map used as a key is escaped again at each level, doubling each
// time); a message past that is skipped.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace proto::msgpack_rpc {

using json = nlohmann::json;

/// The type tag that is a message's first element.
enum class kind { request = 0, response = 1, notification = 2 };

struct message {
  kind type = kind::request;
  std::uint32_t id = 0;         ///< request and response
  std::string method;           ///< request and notification
  json params = json::array();  ///< request and notification: always an array on the wire
  json error;                   ///< response: null when the call succeeded
  json result;                  ///< response: null when it failed

  friend bool operator==(const message&, const message&) = default;
};

/// The bytes of one message on the wire: [0,id,method,params], [1,id,error,result],
/// [2,method,params]. Params that are not an array are sent as one: null as [], anything else as
/// a one-element array holding it. Throws std::length_error for a string, binary, array or object
/// of 2^32 or more bytes or elements, which MessagePack cannot express.
/// Example: encode({.type = kind::request, .id = 1, .method = "nvim_eval",
///                  .params = json::array({"1+1"})}) == "\x94\x00\x01\xa9nvim_eval\x91\xa3" "1+1"s.
std::string encode(const message& m);

/// One JSON value packed as MessagePack, appended to `out` (the mapping above; each integer in
/// its shortest form).
/// Example: pack(json(-1), out) appends "\xff".
void pack(const json& v, std::string& out);

/// One whole MessagePack value as JSON; nullopt when `bytes` is not exactly one value, or is
/// past the limits a decoder with the same arguments keeps. For tests and tools that hold a
/// value's bytes whole.
/// Example: unpack_one("\x92\x01\xc0") == json::array({1, nullptr}).
std::optional<json> unpack_one(std::string_view bytes, std::size_t max_message = 16 << 20,
                               std::size_t max_depth = 128);

/// Why a stream cannot be read further.
enum class fault {
  none,
  not_msgpack,  ///< a byte that starts no MessagePack value (0xc1, say)
  too_large,    ///< a value over max_message bytes, or an array or map declaring too many elements
  too_deep,     ///< values nested deeper than max_depth
  no_memory,    ///< an allocation failed
};

/// Reads messages from a byte stream, whatever the chunks and whatever the order of responses
/// (Neovim answers nested requests last first: matching ids to calls is the caller's business).
/// After each feed(), call next() until it returns nullopt: bytes wait in the decoder until then.
class decoder {
 public:
  /// max_message is taken as at most 2^32 - 2 (MessagePack lengths are 32-bit) and at least 1.
  explicit decoder(std::size_t max_message = 16 << 20, std::size_t max_depth = 128);
  ~decoder();
  decoder(decoder&&) noexcept;
  decoder& operator=(decoder&&) noexcept;

  /// Bytes from the peer, in order. Ignored after a fatal error.
  void feed(std::string_view bytes);
  /// The next whole message; nullopt when more bytes are needed, or after a fatal error. Never
  /// throws.
  std::optional<message> next();
  /// Values that were whole MessagePack but not a MessagePack-RPC message are skipped; each one
  /// skipped is described here (cleared by the caller); the stream goes on. At most 64
  /// descriptions are held between clears; skipped_uncounted() counts those left out since the
  /// decoder began.
  std::vector<std::string>& skipped() { return skipped_; }
  std::size_t skipped_uncounted() const { return skipped_uncounted_; }
  /// Bytes that are not MessagePack, or one value over max_message bytes, or deeper than
  /// max_depth: fatal; the stream cannot be read further; error() says why (non-empty), failure()
  /// says which.
  const std::string& error() const { return error_; }
  fault failure() const { return fault_; }
  /// Bytes fed that are not yet part of a message returned or a value skipped: once next() has
  /// returned nullopt, those of a value not whole yet (at the end of a stream, a partial message).
  /// 0 after a fatal error, when the decoder lets go of what it held.
  std::size_t pending() const;

 private:
  struct state;
  bool hand_over();
  void fail(fault f, std::string why);
  void skip(std::string why);

  std::unique_ptr<state> state_;
  std::size_t max_message_;
  std::size_t max_depth_;
  std::string in_;          ///< fed and not yet handed to the unpacker
  std::size_t in_off_ = 0;  ///< where those bytes begin in in_
  std::vector<std::string> skipped_;
  std::size_t skipped_uncounted_ = 0;
  std::string error_;
  fault fault_ = fault::none;
};

}  // namespace proto::msgpack_rpc
