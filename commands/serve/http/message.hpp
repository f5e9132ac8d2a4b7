#pragma once
// The HTTP/1.1 codec's message values, which the server's application logic (routes, static
// files) answers, named in commands::http.
#include "proto/http1/message.hpp"

namespace commands::http {

using proto::header_list;
using proto::iequals;
using proto::parse_query;
using proto::percent_decode;
using proto::percent_encode_path;
using proto::request;
using proto::response;
using proto::status_reason;

}  // namespace commands::http
