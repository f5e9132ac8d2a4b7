#include "commands/test_net/scenario.hpp"

#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <regex>
#include <set>

#include "core/error.hpp"
#include "core/files.hpp"
#include "core/toml.hpp"
#include "net/endpoint.hpp"
#include "net/ip.hpp"

namespace commands {

bool expectation::empty() const {
  return !exit && !stdout_equals && !stderr_equals && stdout_contains.empty() &&
         stderr_contains.empty() && !stdout_matches && !stderr_matches && !within && !running;
}

std::string scenario::address_of(const std::string& host) const {
  for (std::size_t i = 0; i < hosts.size(); ++i)
    if (hosts[i] == host)
      return net::ip_address::v4(0x7f000001u + static_cast<std::uint32_t>(i + 1)).to_string();
  return {};
}

std::string expand_dials(std::string_view text,
                         const std::function<std::string(const std::string&, std::uint16_t)>& to) {
  // The parser wrote each one as ${dial.HOST:NUMBER}, with a known host.
  std::string out;
  std::size_t i = 0;
  for (;;) {
    auto at = text.find("${dial.", i);
    auto close = at == std::string_view::npos ? at : text.find('}', at);
    auto colon = close == std::string_view::npos ? close : text.rfind(':', close);
    if (colon == std::string_view::npos || colon < at) break;
    out.append(text.substr(i, at - i));
    std::string host(text.substr(at + 7, colon - at - 7));
    std::string port(text.substr(colon + 1, close - colon - 1));
    out += to(host, static_cast<std::uint16_t>(std::strtoul(port.c_str(), nullptr, 10)));
    i = close + 1;
  }
  out.append(text.substr(i));
  return out;
}

std::optional<std::vector<std::string>> split_command_line(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  bool in_word = false;
  char quote = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote == '\'') {
      if (c == '\'')
        quote = 0;
      else
        cur.push_back(c);
      continue;
    }
    if (quote == '"') {
      if (c == '"')
        quote = 0;
      else if (c == '\\' && i + 1 < text.size() &&
               std::string_view("\"\\$`").find(text[i + 1]) != std::string_view::npos)
        cur.push_back(text[++i]);
      else
        cur.push_back(c);
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == '\\' && i + 1 < text.size()) {
      cur.push_back(text[++i]);
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) out.push_back(std::move(cur)), cur.clear(), in_word = false;
    } else {
      cur.push_back(c);
      in_word = true;
    }
  }
  if (quote) return std::nullopt;
  if (in_word) out.push_back(std::move(cur));
  return out;
}

namespace {

// A port free for TCP and UDP on every address, held (its sockets open) until the reader is done
// so that the next name cannot be given the same one.
class port_holder {
 public:
  ~port_holder() {
    for (int fd : held_) ::close(fd);
  }
  std::optional<std::uint16_t> take() {
    for (int attempt = 0; attempt < 20; ++attempt) {
      int t = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (t < 0) return std::nullopt;
      sockaddr_in a{};
      a.sin_family = AF_INET;
      socklen_t len = sizeof a;
      if (::bind(t, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
          ::getsockname(t, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        ::close(t);
        return std::nullopt;
      }
      held_.push_back(t);
      int u = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      if (u >= 0 && ::bind(u, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
        held_.push_back(u);
        return ntohs(a.sin_port);
      }
      if (u >= 0) ::close(u);  // taken for UDP: keep the TCP one held and try another
    }
    return std::nullopt;
  }

 private:
  std::vector<int> held_;
};

class reader {
 public:
  reader(std::string file, std::map<std::string, std::string> vars, port_choice ports)
      : file_(std::move(file)), vars_(std::move(vars)), port_choice_(ports) {
    // ${dir}: the scenario file's directory, for files it names (routes, pages, certificates).
    if (!vars_.contains("dir")) {
      auto slash = file_.rfind('/');
      vars_["dir"] = slash == std::string::npos ? "." : file_.substr(0, slash == 0 ? 1 : slash);
    }
  }

  [[noreturn]] void bad(const toml::node& n, std::string_view message) const {
    throw vitnet::error(core::exit_code::data,
                        fmt::format("{}:{}: {}", file_, n.source().begin.line, message));
  }
  [[noreturn]] void bad_at(const toml::source_region& r, std::string_view message) const {
    throw vitnet::error(core::exit_code::data,
                        fmt::format("{}:{}: {}", file_, r.begin.line, message));
  }

  void only_keys(const toml::table& t, std::string_view what,
                 std::initializer_list<std::string_view> keys) const {
    for (auto&& [k, v] : t) {
      bool known = false;
      for (auto key : keys) known = known || k.str() == key;
      if (!known) {
        std::string list;
        for (auto key : keys) list += (list.empty() ? "" : ", ") + std::string(key);
        bad(v, fmt::format("unknown key '{}' in {} (known: {})", k.str(), what, list));
      }
    }
  }

  // Replaces ${name} with the variable's value; ${addr.HOST} with a host's address.
  std::string expand(const toml::node& n, const std::string& text) const {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '{') {
        auto close = text.find('}', i + 2);
        if (close == std::string::npos) bad(n, "'${' without a closing '}'");
        std::string name = text.substr(i + 2, close - i - 2);
        if (name.starts_with("dial.")) {
          // Kept for the backend to fill in per process: see expand_dials().
          auto colon = name.rfind(':');
          if (colon == std::string::npos || colon < 6)
            bad(n, fmt::format("'${{{}}}' must be ${{dial.HOST:PORT}}", name));
          std::string host = name.substr(5, colon - 5), port = name.substr(colon + 1);
          if (sc_->address_of(host).empty())
            bad(n, fmt::format("'${{{}}}' names no host of this scenario", name));
          std::uint16_t number = 0;
          if (!port.empty() && port.find_first_not_of("0123456789") == std::string::npos &&
              port.size() <= 5 && std::stoul(port) <= 65535)
            number = static_cast<std::uint16_t>(std::stoul(port));
          else
            number = port_named(n, port);
          out += fmt::format("${{dial.{}:{}}}", host, number);
        } else if (name.starts_with("port.")) {
          out += std::to_string(port_named(n, name.substr(5)));
        } else if (name.starts_with("addr.")) {
          auto a = sc_->address_of(name.substr(5));
          if (a.empty()) bad(n, fmt::format("'${{{}}}' names no host of this scenario", name));
          out += a;
        } else if (auto it = vars_.find(name); it != vars_.end()) {
          out += it->second;
        } else {
          bad(n, fmt::format("unknown variable '${{{}}}' (define it under [vars])", name));
        }
        i = close;
      } else {
        out.push_back(text[i]);
      }
    }
    return out;
  }

  std::uint16_t port_named(const toml::node& n, const std::string& name) const {
    if (name.empty() ||
        name.find_first_not_of("abcdefghijklmnopqrstuvwxyz"
                               "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != std::string::npos)
      bad(n, fmt::format("'${{port.{}}}': a port's name is letters, digits, '_' and '-'", name));
    if (auto it = sc_->ports.find(name); it != sc_->ports.end()) return it->second;
    std::uint16_t port = 0;
    if (port_choice_ == port_choice::fixed) {
      port = static_cast<std::uint16_t>(40000 + sc_->ports.size());
    } else {
      auto p = holder_.take();
      if (!p) bad(n, fmt::format("no free port could be found for '${{port.{}}}'", name));
      port = *p;
    }
    sc_->ports.emplace(name, port);
    return port;
  }
  std::string str(const toml::node& n, std::string_view key) const {
    if (auto s = n.value<std::string>()) return expand(n, *s);
    bad(n, fmt::format("'{}' must be a string", key));
  }

  core::duration dur(const toml::node& n, std::string_view key) const {
    auto text = str(n, key);
    auto d = core::parse_duration(text);
    if (!d) bad(n, fmt::format("'{}' is not a duration ('{}'; try 100ms, 2s, 1m)", text, key));
    return *d;
  }

  std::vector<std::string> strings(const toml::node& n, std::string_view key) const {
    if (n.is_string()) return {str(n, key)};
    auto* arr = n.as_array();
    if (!arr) bad(n, fmt::format("'{}' must be a string or a list of strings", key));
    std::vector<std::string> out;
    for (auto& e : *arr) out.push_back(str(e, key));
    return out;
  }

  std::string regex(const toml::node& n, std::string_view key) const {
    auto text = str(n, key);
    try {
      std::regex re(text);
    } catch (const std::regex_error& e) {
      bad(n, fmt::format("'{}' is not a valid regular expression: {}", key, e.what()));
    }
    return text;
  }

  void load(scenario& sc, const toml::table& root) {
    sc_ = &sc;
    only_keys(root, "a scenario",
              {"name", "description", "hosts", "timeout", "wall_timeout", "seed", "vars", "link",
               "process", "fault"});
    if (auto* v = root.get("vars")) {
      auto* t = v->as_table();
      if (!t) bad(*v, "[vars] must be a table of name = \"value\"");
      for (auto&& [k, val] : *t) {
        std::string value;
        if (auto s = val.value<std::string>())
          value = *s;
        else if (auto i = val.value_exact<std::int64_t>())
          value = std::to_string(*i);
        else
          bad(val, fmt::format("variable '{}' must be a string or an integer", k.str()));
        vars_.emplace(std::string(k.str()), value);  // values given on the command line win
      }
    }
    if (auto* v = root.get("name")) sc.name = str(*v, "name");
    if (auto* v = root.get("description")) sc.description = str(*v, "description");
    if (auto* v = root.get("timeout")) sc.time_limit = dur(*v, "timeout");
    if (auto* v = root.get("wall_timeout")) sc.wall_limit = dur(*v, "wall_timeout");
    if (auto* v = root.get("seed")) {
      auto i = v->value_exact<std::int64_t>();
      if (!i || *i < 0) bad(*v, "'seed' must be a non-negative integer");
      sc.seed = static_cast<std::uint64_t>(*i);
    }
    auto* hosts = root.get("hosts");
    if (!hosts)
      throw vitnet::error(
          core::exit_code::data,
          fmt::format("{}:1: a scenario needs 'hosts', a list of host names", file_));
    auto* harr = hosts->as_array();
    if (!harr || harr->empty()) bad(*hosts, "'hosts' must be a non-empty list of host names");
    std::set<std::string> seen;
    for (auto& h : *harr) {
      auto name = str(h, "hosts");
      if (name.empty() || name.find_first_of(" :/[]") != std::string::npos ||
          net::ip_address::parse(name))
        bad(h, fmt::format("'{}' is not a usable host name", name));
      if (name == "localhost") bad(h, "'localhost' is every host's own name; pick another");
      if (!seen.insert(name).second) bad(h, fmt::format("host '{}' is listed twice", name));
      sc.hosts.push_back(name);
    }
    if (sc.hosts.size() > 250) bad(*hosts, "at most 250 hosts fit in 127.0.0.0/24");

    if (auto* v = root.get("link")) {
      auto* t = v->as_table();
      if (!t) bad(*v, "[link] must be a table");
      only_keys(*t, "[link]", {"latency", "jitter", "loss", "bandwidth"});
      if (auto* n = t->get("latency")) sc.link.latency = dur(*n, "latency");
      if (auto* n = t->get("jitter")) sc.link.jitter = dur(*n, "jitter");
      if (auto* n = t->get("loss")) {
        auto f = n->value<double>();
        if (!f || *f < 0 || *f > 1) bad(*n, "'loss' must be a probability from 0 to 1");
        sc.link.loss = *f;
      }
      if (auto* n = t->get("bandwidth")) {
        toml::table fake;
        fake.insert("kind", "bandwidth");
        fake.insert("bandwidth", *n);
        // Same rate syntax as a bandwidth fault; errors name this file and line.
        try {
          sc.link.bandwidth = net::parse_fault(fake, file_).bandwidth;
        } catch (const vitnet::error&) {
          bad(*n, "'bandwidth' must be a rate such as 10Mbit, 1MB or a number of bytes per second");
        }
      }
    }

    if (auto* v = root.get("process")) {
      auto* arr = v->as_array();
      if (!arr) bad(*v, "processes are written [[process]]");
      std::set<std::string> names;
      for (auto& node : *arr) {
        auto* t = node.as_table();
        if (!t) bad(node, "each [[process]] must be a table");
        sc.processes.push_back(process(*t));
        auto& p = sc.processes.back();
        if (p.name.empty()) p.name = fmt::format("{}#{}", p.host, sc.processes.size());
        if (!names.insert(p.name).second)
          bad(*t, fmt::format("two processes are named '{}'", p.name));
      }
    }
    if (sc.processes.empty())
      throw vitnet::error(core::exit_code::data,
                          fmt::format("{}:1: a scenario needs at least one [[process]]", file_));

    if (auto* v = root.get("fault")) {
      auto* arr = v->as_array();
      if (!arr) bad(*v, "faults are written [[fault]]");
      for (auto& node : *arr) {
        auto* t = node.as_table();
        if (!t) bad(node, "each [[fault]] must be a table");
        // Variables in a fault's strings (${port.NAME} in 'port' among them) are filled in
        // before the fault is read; each node keeps its place in the file for messages.
        // (In place: a copied table would not know its lines. The tree is parse_scenario's own,
        // not const where it was made.)
        for (auto&& [k, val] : const_cast<toml::table&>(*t))
          if (auto* text = val.as_string()) *text = str(val, k.str());
        auto f = net::parse_fault(*t, file_);
        for (const char* key : {"from", "to", "host", "between"}) {
          const toml::node* n = t->get(key);
          if (!n) continue;
          std::vector<const toml::node*> names = {n};
          if (auto* arr = n->as_array()) {
            names.clear();
            for (auto& e : *arr) names.push_back(&e);
          }
          for (auto* nn : names) {
            auto name = nn->value<std::string>().value_or("");
            if (std::find(sc.hosts.begin(), sc.hosts.end(), name) == sc.hosts.end())
              bad(*nn, fmt::format("fault names host '{}', which is not in 'hosts'", name));
          }
        }
        if ((f.kind == net::fault_kind::partition) && f.from.empty() && f.host.empty())
          bad(*t, "a partition needs 'between', or 'from' and 'to', or 'host'");
        if (!f.from.empty() && f.to.empty()) bad(*t, "'from' needs a 'to'");
        sc.faults.push_back(std::move(f));
      }
    }
  }

  process_spec process(const toml::table& t) {
    process_spec p;
    p.line = static_cast<int>(t.source().begin.line);
    only_keys(t, "a [[process]]",
              {"name", "host", "run", "args", "exec", "argv", "env", "cwd", "ready", "start",
               "stdin", "expect"});
    if (auto* v = t.get("name")) p.name = str(*v, "name");
    auto* host = t.get("host");
    if (!host) bad_at(t.source(), "a process needs a 'host'");
    p.host = str(*host, "host");
    if (std::find(sc_->hosts.begin(), sc_->hosts.end(), p.host) == sc_->hosts.end())
      bad(*host, fmt::format("unknown host '{}' (hosts: {})", p.host, fmt::join(sc_->hosts, ", ")));
    auto* run = t.get("run");
    auto* args = t.get("args");
    auto* exec = t.get("exec");
    auto* argv = t.get("argv");
    int given = (run != nullptr) + (args != nullptr) + (exec != nullptr) + (argv != nullptr);
    if (given > 1)
      bad_at(t.source(),
             "give one of 'run' or 'args' (a vitnet command) and 'exec' or 'argv' "
             "(any program)");
    if (given == 0)
      bad_at(t.source(),
             "a process needs a command: run = \"serve --echo :7\" (vitnet) or exec = \"...\" "
             "(any program)");
    if (exec || argv) {
      p.program = true;
      if (exec) {
        p.command = str(*exec, "exec");
        auto words = split_command_line(p.command);
        if (!words) bad(*exec, "an unterminated quote in 'exec'");
        p.argv = *words;
      } else {
        p.argv = strings(*argv, "argv");
        p.command = fmt::format("{}", fmt::join(p.argv, " "));
      }
      if (p.argv.empty() || p.argv.front().empty())
        bad(exec ? *exec : *argv, "the command is empty");
    } else if (run) {
      p.command = str(*run, "run");
      auto words = split_command_line(p.command);
      if (!words) bad(*run, "an unterminated quote in 'run'");
      p.argv = *words;
    } else {
      p.argv = strings(*args, "args");
      p.command = fmt::format("{}", fmt::join(p.argv, " "));
    }
    if (!p.program) {
      if (!p.argv.empty() && p.argv.front() == "vitnet") p.argv.erase(p.argv.begin());
      if (p.argv.empty()) bad(run ? *run : *args, "the command is empty");
      if (p.argv.front() == "test") bad(run ? *run : *args, "a scenario cannot run 'vitnet test'");
    }
    if (auto* v = t.get("env")) {
      auto* e = v->as_table();
      if (!e) bad(*v, "'env' must be a table: env = { NAME = \"value\" }");
      for (auto&& [k, val] : *e) {
        std::string key(k.str());
        if (key.empty() || key.find('=') != std::string::npos)
          bad(val, fmt::format("'{}' is not a usable environment variable name", key));
        p.env[key] = str(val, key);
      }
    }
    if (auto* v = t.get("cwd")) {
      p.cwd = str(*v, "cwd");
      // Relative to the scenario file, as the files it names are.
      if (!p.cwd.empty() && p.cwd.front() != '/') p.cwd = vars_.at("dir") + "/" + p.cwd;
    }
    if (auto* v = t.get("ready")) {
      if (auto b = v->value<bool>()) {
        if (*b) bad(*v, "'ready' is a URL (tcp://HOST:PORT or http://HOST:PORT/PATH) or false");
        p.ready_off = true;
      } else {
        p.ready = ready(*v);
      }
    }
    if (auto* v = t.get("start")) p.start = dur(*v, "start");
    if (auto* v = t.get("stdin")) p.stdin_text = str(*v, "stdin");
    if (auto* v = t.get("expect")) {
      auto* e = v->as_table();
      if (!e) bad(*v, "'expect' must be a table");
      p.expect = expect(*e);
    }
    return p;
  }

  // ready = "tcp://HOST:PORT" | "http://HOST:PORT/PATH" | { url = ..., status = N, timeout = D }
  ready_spec ready(const toml::node& n) {
    ready_spec r;
    const toml::node* url = &n;
    if (auto* t = n.as_table()) {
      only_keys(*t, "'ready'", {"url", "status", "timeout"});
      url = t->get("url");
      if (!url) bad(n, "'ready' needs a 'url'");
      if (auto* s = t->get("status")) {
        auto i = s->value_exact<std::int64_t>();
        if (!i || *i < 100 || *i > 599) bad(*s, "'status' must be an HTTP status from 100 to 599");
        r.status = static_cast<int>(*i);
      }
      if (auto* d = t->get("timeout")) r.timeout = dur(*d, "timeout");
    }
    r.text = str(*url, "ready");
    std::string message;
    auto u = net::try_parse_endpoint(r.text, message);
    bool tcp = u && !u->tls && u->transport == net::transport::tcp &&
               u->app == net::app_protocol::none && r.text.starts_with("tcp://");
    bool http = u && !u->tls && u->is_http();
    if (!(tcp || http) || u->host.empty() || !u->port)
      bad(*url, fmt::format("'ready' must be tcp://HOST:PORT or http://HOST:PORT/PATH, not '{}'",
                            r.text));
    r.scheme = tcp ? "tcp" : "http";
    r.port = u->port;
    if (http) r.path = u->target;
    if (auto a = sc_->address_of(u->host); !a.empty())
      r.host = a;
    else if (u->host == "localhost")
      r.host = "127.0.0.1";
    else if (net::ip_address::parse(u->host))
      r.host = u->host;
    else
      bad(*url, fmt::format("'ready' names '{}', which is neither a host of this scenario nor an "
                            "address",
                            u->host));
    return r;
  }
  expectation expect(const toml::table& t) {
    expectation x;
    only_keys(t, "'expect'",
              {"exit", "stdout", "stderr", "stdout_contains", "stderr_contains", "stdout_matches",
               "stderr_matches", "within", "running"});
    if (auto* v = t.get("exit")) {
      auto i = v->value_exact<std::int64_t>();
      if (!i || *i < 0 || *i > 255) bad(*v, "'exit' must be an exit code from 0 to 255");
      x.exit = static_cast<int>(*i);
    }
    if (auto* v = t.get("stdout")) x.stdout_equals = str(*v, "stdout");
    if (auto* v = t.get("stderr")) x.stderr_equals = str(*v, "stderr");
    if (auto* v = t.get("stdout_contains")) x.stdout_contains = strings(*v, "stdout_contains");
    if (auto* v = t.get("stderr_contains")) x.stderr_contains = strings(*v, "stderr_contains");
    if (auto* v = t.get("stdout_matches")) x.stdout_matches = regex(*v, "stdout_matches");
    if (auto* v = t.get("stderr_matches")) x.stderr_matches = regex(*v, "stderr_matches");
    if (auto* v = t.get("within")) x.within = dur(*v, "within");
    if (auto* v = t.get("running")) {
      auto b = v->value<bool>();
      if (!b) bad(*v, "'running' must be true or false");
      x.running = *b;
    }
    if (x.running == true && (x.exit || x.within))
      bad_at(t.source(), "a process expected to be running cannot also have 'exit' or 'within'");
    return x;
  }

 private:
  std::string file_;
  std::map<std::string, std::string> vars_;
  port_choice port_choice_;
  mutable port_holder holder_;
  scenario* sc_ = nullptr;
};

}  // namespace

scenario parse_scenario(std::string_view text, const std::string& path,
                        const std::map<std::string, std::string>& vars, port_choice ports) {
  scenario sc;
  sc.file = path;
  toml::table root = core::parse_toml(text, path);
  auto slash = path.find_last_of('/');
  sc.name = path.substr(slash == std::string::npos ? 0 : slash + 1);
  reader r(path, vars, ports);
  r.load(sc, root);
  return sc;
}

scenario load_scenario(const std::string& path, const std::map<std::string, std::string>& vars,
                       port_choice ports) {
  return parse_scenario(core::read_file(path), path, vars, ports);
}

}  // namespace commands
