#pragma once
// vitnet mq pub | sub | req | reply: one client, one set of flags and exit codes, one JSON
// envelope, whichever system the URL names.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "commands/mq/session.hpp"
#include "core/io.hpp"
#include "net/context.hpp"

namespace commands::mq {

struct mq_options {
  enum class mode { pub, sub, req, reply } what = mode::pub;
  session_options session;
  std::vector<std::string> subjects;   ///< pub, req, reply: one; sub: one or more
  std::optional<std::string> message;  ///< pub, req: the message; none: stdin (lines for pub)
  std::uint64_t count = 0;  ///< pub: copies of MESSAGE; sub, reply: stop after N; 0: 1 / no end
  std::string queue;        ///< sub, reply: the queue group
  std::vector<std::pair<std::string, std::string>> headers;  ///< -H K:V
  std::optional<net::duration> timeout;  ///< sub: idle bound; req: the wait for the answer
  bool json = false;                     ///< envelopes in (pub) and out (sub, req)
  std::string reply_to;                  ///< pub --reply SUBJECT
  enum class answer { echo, text, exec } answer_with = answer::echo;  ///< reply
  std::string answer_text;                                            ///< reply --reply TEXT
  std::string exec;                                                   ///< reply --exec CMD
  net::duration exec_timeout = std::chrono::seconds(30);
};

net::task<int> run_mq(net::context& ctx, const mq_options& o, core::io& io);

/// The envelope for `m` (sub --json writes it, pub --json reads it back): subject, id (a stream
/// entry's or a JetStream sequence, when set), data (text, or data_base64 for bytes that are not
/// UTF-8), headers (a value, or an array for a repeated key), reply, status, qos and retain (MQTT)
/// when set, and time (RFC 3339) when given.
std::string envelope_json(const message& m, std::string_view time);
/// The message an envelope line holds; nullopt (with `why`) when it is not one.
std::optional<message> parse_envelope(std::string_view line, std::string& why);

}  // namespace commands::mq
