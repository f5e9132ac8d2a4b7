#pragma once
// vitnet scan TARGETS: an asynchronous TCP connect scan over net::context (so it runs unchanged on
// the mock network), exact about open, closed and filtered, with table, NDJSON, CSV and grepable
// output. The target and port parsers below are pure (no I/O beyond reading a services file) so
// they are unit-tested and fuzzed on their own.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/units.hpp"
#include "net/ip.hpp"

namespace commands {

/// One target as written: an inclusive range of addresses (a single address, a CIDR block,
/// 10.0.0.1-20), or a host name to resolve when the scan starts.
struct scan_target_spec {
  std::string text;  ///< as written, for messages
  std::string host;  ///< a host name; empty for address ranges
  net::ip_address first, last;
};

/// Parses one target ("10.0.0.0/24", "10.0.0.1-20", "10.0.0.1-10.0.0.9", "::1", "[::1]",
/// "example.com"). Returns nullopt and sets `message` ("invalid target '10.0.0.300'", "empty
/// range '10.0.0.9-1'") when malformed.
std::optional<scan_target_spec> parse_scan_target(std::string_view text, std::string& message);

/// Parses a list of targets separated by commas, spaces or newlines (a -iL file, --exclude);
/// '#' starts a comment. Appends to `out`; returns false with `message` at the first bad one.
bool parse_scan_targets(std::string_view text, std::vector<scan_target_spec>& out,
                        std::string& message);

/// The addresses in [first, last] (same family), or nullopt when there are more than `limit`.
std::optional<std::uint64_t> range_size(const net::ip_address& first, const net::ip_address& last,
                                        std::uint64_t limit);

/// Looks up a TCP service name in the system's services database (/etc/services), or nullopt.
std::optional<std::uint16_t> service_port(std::string_view name);
/// The TCP service name of a port ("ssh"), or "" when the database has none.
std::string_view service_name(std::uint16_t port);

/// Parses a port list: "22,80,8000-8100", "-" (all: 1-65535), "1024-" (to 65535), "-1024" (from
/// 1), service names ("ssh,http"). Returns sorted, unique ports, or nullopt with `message`.
std::optional<std::vector<std::uint16_t>> parse_scan_ports(std::string_view text,
                                                           std::string& message);

/// vitnet's own curated list of common TCP ports, most common first.
const std::vector<std::uint16_t>& top_ports();

/// A seeded permutation of [0, n): an affine map i -> (a*i + b) mod n with gcd(a, n) = 1, so the
/// same seed gives the same order on every machine (--shard, --randomize).
class scan_permutation {
 public:
  scan_permutation(std::uint64_t n, std::uint64_t seed);
  std::uint64_t operator()(std::uint64_t i) const;

 private:
  std::uint64_t n_, a_, b_;
};

/// Parses "I/N" with 1 <= I <= N.
bool parse_shard(std::string_view text, int& index, int& count, std::string& message);

enum class scan_format { table, json, csv, grep };

struct scan_options {
  std::vector<std::string> targets;                  ///< as given; "-" reads stdin
  std::vector<std::string> input_lists;              ///< -iL files ("-": stdin)
  std::vector<std::string> excludes;                 ///< --exclude
  std::vector<std::string> exclude_files;            ///< --exclude-file
  std::vector<std::uint16_t> ports;                  ///< already parsed, minus --exclude-ports
  scan_format format = scan_format::table;           ///< --json comes from the global flag
  bool only_open = false;                            ///< --open
  core::duration timeout = std::chrono::seconds(1);  ///< the first probe's, and the upper bound
  core::duration min_timeout = std::chrono::milliseconds(50);
  bool fixed_timeout = false;  ///< --timeout given: no adaptation below it
  int retries = 1;             ///< further probes of a port that did not answer
  double rate = 0;             ///< probes per second; 0: no cap
  int concurrency = 0;         ///< connections in flight; 0: from the file descriptor limit
  bool randomize = false;
  int shard_index = 1, shard_count = 1;
  std::uint64_t seed = 0x7669746e6574;  ///< --seed; the same on every machine of a --shard
  bool banners = false;
  core::duration banner_wait = std::chrono::milliseconds(500);
  bool tls = false;       ///< --tls: a TLS handshake with each open port
  bool udp = false;       ///< --udp: UDP ports instead of TCP
  bool progress = false;  ///< a progress bar on stderr (set when it is a terminal)
};

}  // namespace commands

#ifndef VITNET_SCAN_PARSERS_ONLY
#include "core/io.hpp"
#include "net/context.hpp"

namespace commands {

/// A target after resolution: the name it was given by (empty for addresses) and its address.
struct scan_host {
  std::string name;
  net::ip_address ip;
};

/// open|filtered: a UDP port that neither answered nor was refused.
enum class port_state : std::uint8_t { unscanned, open, closed, filtered, open_filtered };
std::string_view state_name(port_state s);

struct port_result {
  port_state state = port_state::unscanned;
  net::duration rtt{0};  ///< connect round trip (open, closed)
  std::string banner;    ///< --banners: the first line the service said, made printable
  /// What answered, when the probe tells (UDP: "quic" for a QUIC server's Version Negotiation);
  /// empty: the port's usual service is shown.
  std::string service;
  /// --tls: what the handshake found; tls_version empty when the port does not speak TLS.
  std::string tls_version, tls_subject, tls_issuer, tls_not_after;
  std::int64_t tls_days_left = 0;
};

/// What a scan found: results[h * ports.size() + p] for hosts[h] and ports[p].
struct scan_outcome {
  std::vector<scan_host> hosts;
  std::vector<std::uint16_t> ports;
  std::vector<port_result> results;
  std::uint64_t planned = 0;      ///< probes this shard owns
  std::uint64_t probes_sent = 0;  ///< connects made, retries and confirmations included
  std::uint64_t self_connects = 0;
  std::uint64_t backoffs = 0;  ///< pauses for lack of descriptors or ports
  int concurrency = 0;
  net::duration elapsed{0};
};

/// How many connects to keep in flight: --concurrency, else the descriptor limit less a margin
/// (capped at 4096), no more than --rate nor the number of probes.
int scan_concurrency(const scan_options& o, std::uint64_t probes);

/// --banners and --tls: a second look at each open TCP port of `r`, filling banner and tls_*.
net::task<void> probe_services(net::context& ctx, const scan_options& o, scan_outcome& r);

struct scan_progress;

/// --udp: probes every host x port (this shard's share) with a datagram.
net::task<void> scan_udp(net::context& ctx, const scan_options& o, scan_outcome& r,
                         scan_progress& progress);

/// Scans every host x port (this shard's share) and returns what it found. `progress`, when
/// given, counts finished probes as they end (read by a progress bar, perhaps from elsewhere).
net::task<scan_outcome> scan_all(net::context& ctx, const scan_options& o,
                                 std::vector<scan_host> hosts, std::vector<std::uint16_t> ports,
                                 scan_progress* progress = nullptr);

/// Prints the outcome in the chosen format on stdout, and a summary on stderr (table) or as the
/// last NDJSON object.
void print_scan(const scan_outcome& r, const scan_options& o, core::io& io);

/// Resolves the targets, scans every target x port, prints the results. Returns 0 when the scan
/// ran (whatever it found). Throws vitnet::error: 64 for bad targets, 66 for a missing list file,
/// 68 for an unknown host.
net::task<int> run_scan(net::context& ctx, const scan_options& opts, core::io& io);

}  // namespace commands
#endif
