// vitnet's entry point: parse, run the chosen command on the real network, map the outcome to an
// exit code. This is the one place where failures become messages.
#include <fmt/format.h>

#include <cctype>

#include "cli/app.hpp"
#include "core/error.hpp"
#include "core/io.hpp"
#include "net/real_context.hpp"

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
    auto d = cli::edit_distance(word, n);
    if (d < best_d) best_d = d, best = n;
  }
  return best;
}

// Finds the command word: the first argument that is neither an option nor an option's value.
std::string command_word(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--color") {
      ++i;
      continue;
    }
    if (a.starts_with("-")) continue;
    return std::string(a);
  }
  return {};
}

int usage_error(std::string_view where, const std::string& message, const std::string& hint) {
  std::string prefix = where.empty() ? "" : std::string(where) + ": ";
  fmt::print(stderr, "vitnet: {}{}{}\n", prefix, lowercase_first(message), hint);
  return core::to_int(exit_code::usage);
}

}  // namespace

int main(int argc, char** argv) {
  cli::parse_state st;
  auto app = cli::build_app(st);

  std::string word = command_word(argc, argv);
  std::vector<std::string> names;
  for (const auto* s : cli::visible_commands(*app)) names.push_back(s->get_name());
  if (!word.empty() && !word.starts_with("__") &&
      std::find(names.begin(), names.end(), word) == names.end()) {
    std::string guess = closest(word, names);
    return usage_error(
        "", fmt::format("unknown command '{}'", word),
        guess.empty() ? " (see 'vitnet --help')" : fmt::format(" (did you mean '{}'?)", guess));
  }

  try {
    app->parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app->exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app->exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app->exit(e);
  } catch (const CLI::ExtrasError& e) {
    // Suggest the option the user probably meant.
    std::string hint = fmt::format(" (see 'vitnet {}--help')", word.empty() ? "" : word + " ");
    const CLI::App* sub = word.empty() ? nullptr : app->get_subcommand(word);
    for (int i = 1; i < argc && sub; ++i) {
      std::string_view a = argv[i];
      if (!a.starts_with("--")) continue;
      std::vector<std::string> opts;
      bool known = false;
      for (const auto* scope : {sub, static_cast<const CLI::App*>(app.get())})
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
    if (e.get_exit_code() == 0) return app->exit(e);
    std::string hint = fmt::format(" (see 'vitnet {}--help')", word.empty() ? "" : word + " ");
    return usage_error(word, e.what(), hint);
  } catch (const vitnet::error& e) {
    fmt::print(stderr, "vitnet: {}\n", e.what());
    return core::to_int(e.code());
  }

  if (st.local) return st.local();

  st.output.color = st.color == "always"  ? core::color_mode::always
                    : st.color == "never" ? core::color_mode::never
                                          : core::color_mode::automatic;
  core::io io(st.output);
  try {
    net::real_context ctx;
    return ctx.run([&](net::context& c) { return st.chosen(c, io); });
  } catch (const vitnet::error& e) {
    io.error("{}", e.what());
    return core::to_int(e.code());
  } catch (const std::exception& e) {
    io.error("internal error: {}", e.what());
    return core::to_int(exit_code::internal);
  }
}
