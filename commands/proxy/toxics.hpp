#pragma once
// toxiproxy's toxics as the proxy's faults. The API (commands/proxy/api.cpp) keeps toxics as
// toxiproxy shows them (type, stream, toxicity, attributes) and turns each into the faults that
// act the same way; no I/O here, so all of it is unit-tested on values.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/fault.hpp"

namespace commands::proxy {

struct toxic {
  std::string name;
  std::string type;                   ///< "latency", "bandwidth", ... (toxic_types())
  std::string stream = "downstream";  ///< "upstream": client to server; "downstream": back
  double toxicity = 1.0;              ///< the chance that a connection gets it
  nlohmann::ordered_json attributes;  ///< every attribute of the type, as toxiproxy shows them
};

/// The types the API accepts: toxiproxy's (latency, bandwidth, slow_close, timeout, reset_peer,
/// slicer, limit_data) and vitnet's own (loss, reset_after).
const std::vector<std::string_view>& toxic_types();

/// A type's attributes with their defaults (all 0, as toxiproxy's), or nullopt for an unknown
/// type.
std::optional<nlohmann::ordered_json> toxic_defaults(std::string_view type);

/// Sets `t.attributes` from `given` over what they are (defaults for a new toxic). Returns an
/// error message (toxiproxy's "bad request body: ..." family) when an attribute has the wrong
/// type or range; `t` is then unchanged. Unknown attributes are ignored, as toxiproxy does.
std::optional<std::string> set_attributes(toxic& t, const nlohmann::json& given);

/// The faults that do what `t` does, in force from `at` (since its proxy started).
/// Example: latency {latency: 100, jitter: 10} downstream is a latency fault of 90 ms with
/// 20 ms of uniform jitter (toxiproxy's 100 ± 10 ms) on the direction "down".
std::vector<net::fault_spec> toxic_faults(const toxic& t, net::duration at);

}  // namespace commands::proxy
