#include <doctest/doctest.h>

#include "cli/app.hpp"

namespace {
std::vector<std::string> names(const CLI::App& app) {
  std::vector<std::string> out;
  for (auto* s : cli::visible_commands(app)) out.push_back(s->get_name());
  return out;
}
}  // namespace

TEST_CASE("the cli tree lists every command of the table and no hidden helper") {
  cli::parse_state st;
  auto app = cli::build_app(st);
  auto n = names(*app);
  REQUIRE(n.size() == cli::command_table().size());
  for (std::size_t i = 0; i < n.size(); ++i) CHECK(n[i] == cli::command_table()[i].name);
}

TEST_CASE("every option of every command has a description") {
  cli::parse_state st;
  auto app = cli::build_app(st);
  for (auto* sub : cli::visible_commands(*app))
    for (auto* o : sub->get_options())
      CHECK_MESSAGE(!o->get_description().empty(), sub->get_name() << " " << o->get_name());
}

TEST_CASE("the man page has the sections a reader looks for") {
  cli::parse_state st;
  auto app = cli::build_app(st);
  auto man = cli::generate(*app, "man");
  for (const char* section :
       {".SH NAME", ".SH SYNOPSIS", ".SH DESCRIPTION", ".SH COMMANDS", ".SH EXAMPLES",
        ".SH EXIT STATUS", "\\-\\-keep\\-open", "\\-\\-close\\-on\\-eof"})
    CHECK_MESSAGE(man.find(section) != std::string::npos, section);
  CHECK(cli::generate(*app, "man:serve").find(".SH OPTIONS") != std::string::npos);
  CHECK(cli::generate(*app, "nonsense").empty());
}

TEST_CASE("completion offers commands, then options, then value choices") {
  cli::parse_state st;
  auto app = cli::build_app(st);
  CHECK(cli::complete(*app, {""}).find("serve\t") != std::string::npos);
  CHECK(cli::complete(*app, {""}).find("__complete") == std::string::npos);
  auto opts = cli::complete(*app, {"serve", "--"});
  CHECK(opts.find("--echo\t") != std::string::npos);
  CHECK(opts.find("--json\t") != std::string::npos);
  CHECK(cli::complete(*app, {"--color", ""}) == "auto\nalways\nnever\n");
  CHECK(cli::complete(*app, {"serve", "--ready-file", ""}) == ":files\n");
  CHECK(cli::complete(*app, {"connect", ""}).find("tcp://") != std::string::npos);
}

TEST_CASE("edit distance drives did-you-mean") {
  CHECK(cli::edit_distance("serv", "serve") == 1);
  CHECK(cli::edit_distance("conect", "connect") == 1);
  CHECK(cli::edit_distance("", "abc") == 3);
  CHECK(cli::edit_distance("same", "same") == 0);
}
