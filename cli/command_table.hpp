#pragma once
// The one table of commands: what each is called, what it says about itself, how its options
// are declared, and what runs when it is chosen.
#include <CLI/CLI.hpp>
#include <functional>
#include <string_view>
#include <vector>

#include "core/io.hpp"
#include "core/units.hpp"
#include "net/context.hpp"
#include "net/tls/tls.hpp"

namespace cli {

/// What runs once parsing has chosen a command.
using runner = std::function<net::task<int>(net::context&, core::io&)>;

struct example {
  std::string_view command;
  std::string_view what;
};

struct command_info {
  std::string_view name;
  std::string_view summary;      ///< one line, for the command list
  std::string_view description;  ///< paragraphs for the man page
  std::vector<example> examples;
  /// Declares the command's options on `sub`; its callback stores the runner in `chosen`.
  std::function<void(CLI::App& sub, runner& chosen)> define;
  /// Further man page sections: (title, text). Blank lines separate paragraphs; lines starting
  /// with two spaces are kept as written.
  std::vector<std::pair<std::string_view, std::string_view>> sections = {};
};

/// Every command vitnet has, in the order help lists them.
const std::vector<command_info>& command_table();

/// Declarations of each command's options (one file per command in cli/).
void define_serve(CLI::App& sub, runner& chosen);
void define_connect(CLI::App& sub, runner& chosen);
void define_proxy(CLI::App& sub, runner& chosen);
void define_test(CLI::App& sub, runner& chosen);
void define_tls(CLI::App& sub, runner& chosen);
void define_scan(CLI::App& sub, runner& chosen);
void define_rpc(CLI::App& sub, runner& chosen);
void define_mq(CLI::App& sub, runner& chosen);
void define_resolve(CLI::App& sub, runner& chosen);
void define_ip(CLI::App& sub, runner& chosen);

/// --ca, --insecure, --pin (and with `identity` --sni, --cert, --key): how a client checks a
/// TLS server and what it presents (rpc, mq).
void add_tls_client_options(CLI::App& a, net::tls_client_options& tls, bool identity);

/// Parses a duration option value or throws CLI::ValidationError naming the option.
core::duration duration_arg(const std::string& option, const std::string& text);

}  // namespace cli
