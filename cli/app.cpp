#include "cli/app.hpp"

#include <fmt/format.h>

#include "cli/command_table.hpp"
#include "commands/dns/lookup.hpp"

namespace cli {

std::unique_ptr<CLI::App> build_app(parse_state& st) {
  auto app = std::make_unique<CLI::App>(
      "the network toolkit for a developer's day and a CI pipeline", "vitnet");
  app->set_version_flag("--version", "vitnet " VITNET_VERSION);
  app->add_flag("--json", st.output.json,
                "machine-readable output: one JSON document, or NDJSON for streams");
  app->add_flag("-v,--verbose", st.output.verbosity, "say more on stderr (repeat for more)");
  app->add_flag("-q,--quiet", st.output.quiet, "only errors on stderr");
  app->add_option("--color", st.color,
                  "colour on stderr: auto, always or never (NO_COLOR is honoured)")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->type_name("WHEN");
  app->add_option("--resolver", st.resolver,
                  "resolve every name through this DNS server instead of the system's resolver: "
                  "HOST[:PORT], udp://, tcp://, tls://, https://HOST/dns-query (default: "
                  "$VITNET_RESOLVER)")
      ->type_name("URL");
  app->parse_complete_callback([&st] {
    st.output.color = st.color == "always"  ? core::color_mode::always
                      : st.color == "never" ? core::color_mode::never
                                            : core::color_mode::automatic;
  });
  app->require_subcommand(1);
  app->fallthrough();

  for (const auto& c : command_table()) {
    auto* sub = app->add_subcommand(std::string(c.name), std::string(c.summary));
    sub->fallthrough();
    c.define(*sub, st.chosen);
  }

  // Hidden helpers: generators for the committed man pages and completions, and the completer
  // the shell scripts call.
  auto gen_what = std::make_shared<std::string>();
  auto* gen = app->add_subcommand("__generate", "")->group("");
  gen->add_option("what", *gen_what)->required();
  gen->callback([&st, gen_what, a = app.get()] {
    st.local = [gen_what, a] {
      std::string text = generate(*a, *gen_what);
      if (text.empty()) {
        fmt::print(stderr, "vitnet: __generate: unknown target '{}'\n", *gen_what);
        return 64;
      }
      fmt::print("{}", text);
      return 0;
    };
  });
  auto* comp = app->add_subcommand("__complete", "")->group("");
  comp->fallthrough(false);
  comp->prefix_command();
  comp->callback([&st, comp, a = app.get()] {
    st.local = [comp, a] {
      fmt::print("{}", complete(*a, comp->remaining()));
      return 0;
    };
  });
  return app;
}

runner with_globals(const parse_state& st, const std::string& env_resolver) {
  std::string url = st.resolver.empty() ? env_resolver : st.resolver;
  if (url.empty()) return st.chosen;
  // Checked now, so that a bad URL is a usage error before anything runs.
  (void)commands::dns::parse_server(url);
  return [run = st.chosen, url](net::context& ctx, core::io& io) {
    commands::dns::use_resolver(ctx, url, io);
    return run(ctx, io);
  };
}

std::vector<const CLI::App*> visible_commands(const CLI::App& app) {
  std::vector<const CLI::App*> out;
  for (const auto* s :
       app.get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); }))
    out.push_back(s);
  return out;
}

}  // namespace cli
