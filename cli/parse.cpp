// Parsing a vitnet command line into what runs, with usage errors worded as vitnet words them.
// Used by main() and by `vitnet test net`, whose scenarios hold vitnet command lines.
#include <fmt/format.h>

#include <cctype>
#include <sstream>

#include "cli/app.hpp"
#include "core/error.hpp"

namespace cli {

namespace {

using core::exit_code;

std::string lowercase_first(std::string s) {
  if (!s.empty() && std::isupper(static_cast<unsigned char>(s[0])) &&
      !(s.size() > 1 && std::isupper(static_cast<unsigned char>(s[1]))))
    s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  while (!s.empty() && (s.back() == '.' || s.back() == '\n')) s.pop_back();
  return s;
}

// The closest name within two edits, for "did you mean".
std::string closest(std::string_view word, const std::vector<std::string>& names) {
  std::string best;
  std::size_t best_d = 3;
  for (const auto& n : names) {
    auto d = edit_distance(word, n);
    if (d < best_d) best_d = d, best = n;
  }
  return best;
}

// Finds the command word: the first argument that is neither an option nor an option's value.
std::string command_word(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    if (a == "--color" || a == "--resolver") {
      ++i;
      continue;
    }
    if (a.starts_with("-")) continue;
    return std::string(a);
  }
  return {};
}

parse_result usage_error(std::string_view where, const std::string& message,
                         const std::string& hint) {
  std::string prefix = where.empty() ? "" : std::string(where) + ": ";
  return {core::to_int(exit_code::usage), "",
          fmt::format("vitnet: {}{}{}\n", prefix, lowercase_first(message), hint)};
}

}  // namespace

parse_result parse_command_line(CLI::App& app, const std::vector<std::string>& args) {
  std::string word = command_word(args);
  std::vector<std::string> names;
  for (const auto* s : visible_commands(app)) names.push_back(s->get_name());
  if (!word.empty() && !word.starts_with("__") &&
      std::find(names.begin(), names.end(), word) == names.end()) {
    std::string guess = closest(word, names);
    return usage_error(
        "", fmt::format("unknown command '{}'", word),
        guess.empty() ? " (see 'vitnet --help')" : fmt::format(" (did you mean '{}'?)", guess));
  }
  std::vector<std::string> storage = {"vitnet"};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : storage) argv.push_back(s.data());
  std::string hint = fmt::format(" (see 'vitnet {}--help')", word.empty() ? "" : word + " ");
  // rpc's call, notify and bench take their words as typed (CLI11 would cut a JSON word like
  // [1,2] apart): the words fall through to this app as extras, and are refused below for any
  // command that does not allow extras itself. Other commands keep CLI11's own checks.
  app.allow_extras(word == "rpc");
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
    // Extra words are the business of a command that takes them as typed (it allows extras);
    // for any other they are an error, as CLI11 would have said.
    const CLI::App* leaf = &app;
    for (bool deeper = true; deeper;) {
      deeper = false;
      for (const auto* s : leaf->get_subcommands())
        if (s->parsed()) {
          leaf = s;
          deeper = true;
          break;
        }
    }
    if (auto extra = app.remaining(); !extra.empty() && !leaf->get_allow_extras())
      throw CLI::ExtrasError(leaf->get_name(), extra);
  } catch (const CLI::ExtrasError& e) {
    // Suggest the option the user probably meant.
    const CLI::App* sub = word.empty() ? nullptr : app.get_subcommand(word);
    for (std::size_t i = 0; i < args.size() && sub; ++i) {
      std::string_view a = args[i];
      if (!a.starts_with("--")) continue;
      std::vector<std::string> opts;
      bool known = false;
      std::vector<const CLI::App*> scopes = {sub, &app};
      for (const auto* s : sub->get_subcommands({})) scopes.push_back(s);
      for (const auto* scope : scopes)
        for (const auto* o : scope->get_options())
          for (auto& l : o->get_lnames()) {
            opts.push_back("--" + l);
            known = known || a.substr(0, a.find('=')) == "--" + l;
          }
      if (known) continue;
      std::string guess = closest(a.substr(0, a.find('=')), opts);
      return usage_error(word, fmt::format("unknown option '{}'", a),
                         guess.empty() ? hint : fmt::format(" (did you mean '{}'?)", guess));
    }
    return usage_error(word, e.what(), hint);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {  // --help, --version
      std::ostringstream out, err;
      int rc = app.exit(e, out, err);
      return {rc, out.str(), err.str()};
    }
    return usage_error(word, e.what(), hint);
  } catch (const vitnet::error& e) {
    return {core::to_int(e.code()), "", fmt::format("vitnet: {}\n", e.what())};
  }
  return {};
}

}  // namespace cli
