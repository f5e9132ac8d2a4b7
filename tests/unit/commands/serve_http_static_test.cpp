#include "commands/serve/http/static/static.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <stdlib.h>

#include <filesystem>
#include <nlohmann/json.hpp>

using namespace std::chrono_literals;
using commands::http::byte_range;
using commands::http::precondition;
using commands::http::range_request;
using sys_time = std::chrono::system_clock::time_point;

namespace {

// Sun, 06 Nov 1994 08:49:37 GMT, plus a fraction that dates ignore.
const sys_time mtime = sys_time{784111777s} + 123456789ns;
const std::string etag = commands::http::make_etag(1000, mtime);

proto::request get(std::vector<std::pair<std::string, std::string>> headers,
                   std::string method = "GET") {
  proto::request r;
  r.method = std::move(method);
  r.path = r.target = "/f";
  for (auto& [k, v] : headers) r.headers.add(k, v);
  return r;
}

precondition check(std::vector<std::pair<std::string, std::string>> headers,
                   std::string method = "GET") {
  return commands::http::evaluate_preconditions(get(std::move(headers), std::move(method)), etag, mtime);
}

std::optional<std::string> decoded_safe(std::string_view target_path) {
  auto decoded = proto::percent_decode(target_path);
  REQUIRE(decoded);
  return commands::http::safe_relative_path(*decoded);
}

}  // namespace

TEST_CASE("static content types follow the extension, with a charset for text") {
  CHECK(commands::http::content_type_for("index.html") == "text/html; charset=utf-8");
  CHECK(commands::http::content_type_for("a/b/INDEX.HTM") == "text/html; charset=utf-8");
  CHECK(commands::http::content_type_for("app.mjs") == "text/javascript; charset=utf-8");
  CHECK(commands::http::content_type_for("style.css") == "text/css; charset=utf-8");
  CHECK(commands::http::content_type_for("data.json") == "application/json");
  CHECK(commands::http::content_type_for("pic.JPEG") == "image/jpeg");
  CHECK(commands::http::content_type_for("icon.svg") == "image/svg+xml");
  CHECK(commands::http::content_type_for("mod.wasm") == "application/wasm");
  CHECK(commands::http::content_type_for("font.woff2") == "font/woff2");
  CHECK(commands::http::content_type_for("x.tar.gz") == "application/gzip");
  CHECK(commands::http::content_type_for("notes.md") == "text/markdown; charset=utf-8");
  CHECK(commands::http::content_type_for("config.yml") == "application/yaml");
  CHECK(commands::http::content_type_for("bundle.js.map") == "application/json");
  CHECK(commands::http::content_type_for("Makefile") == "application/octet-stream");
  CHECK(commands::http::content_type_for("dir.d/file") == "application/octet-stream");
  CHECK(commands::http::content_type_for("archive.unknownext") == "application/octet-stream");
  CHECK(commands::http::content_type_for(".html") == "text/html; charset=utf-8");
}

TEST_CASE("static paths collapse dots and repeated slashes") {
  CHECK(commands::http::safe_relative_path("/") == "");
  CHECK(commands::http::safe_relative_path("/a//./b/") == "a/b");
  CHECK(commands::http::safe_relative_path("/./.hidden/...") == ".hidden/...");
  CHECK(commands::http::safe_relative_path("/a b/%2e") == "a b/%2e");  // decoded already: a name
}

TEST_CASE("static paths refuse traversal, backslashes and NUL") {
  CHECK(!decoded_safe("/../etc/passwd"));
  CHECK(!decoded_safe("/%2e%2e/etc/passwd"));
  CHECK(!decoded_safe("/%2E%2E"));
  CHECK(!decoded_safe("/a/..%2f..%2fetc"));
  CHECK(!decoded_safe("/..\\etc"));
  CHECK(!decoded_safe("/a%5c..%5cb"));
  CHECK(!decoded_safe("/a%00.html"));
  CHECK(!commands::http::safe_relative_path(std::string_view("/a\0b", 4)));
  CHECK(!commands::http::safe_relative_path("relative"));
  CHECK(!commands::http::safe_relative_path(""));
}

TEST_CASE("static paths are normalised before they are judged: /sub/../x is x") {
  CHECK(decoded_safe("/a/b/..") == "a");
  CHECK(decoded_safe("/sub/../x.txt") == "x.txt");
  CHECK(decoded_safe("/a/./b/../../c") == "c");
  CHECK(decoded_safe("/a/%2e%2e/b") == "b");
  CHECK(!decoded_safe("/a/../../b"));
}

TEST_CASE("static files behind a symlink out of the root are refused") {
  auto pattern = (std::filesystem::temp_directory_path() / "vitnet-static-XXXXXX").string();
  REQUIRE(mkdtemp(pattern.data()) != nullptr);
  std::filesystem::path dir(pattern);
  std::filesystem::create_directories(dir / "root" / "sub");
  std::filesystem::create_directories(dir / "outside");
  std::filesystem::create_directory_symlink(dir / "outside", dir / "root" / "escape");
  std::filesystem::create_directory_symlink(dir / "root" / "sub", dir / "root" / "inner");
  auto root = std::filesystem::canonical(dir / "root");
  CHECK(commands::http::inside_root(root, root));
  CHECK(commands::http::inside_root(root, root / "sub" / "file.txt"));
  CHECK(commands::http::inside_root(root, root / "inner" / "file.txt"));
  CHECK(commands::http::inside_root(root, root / "missing"));
  CHECK(!commands::http::inside_root(root, root / "escape" / "file.txt"));
  CHECK(!commands::http::inside_root(root, root / ".." / "outside"));
  CHECK(!commands::http::inside_root(root, dir / "rootx"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("byte ranges come in every form a client sends") {
  auto one = [](std::string_view v, std::uint64_t size) {
    auto r = commands::http::parse_range(v, size);
    REQUIRE(r.k == range_request::kind::satisfiable);
    REQUIRE(r.ranges.size() == 1);
    return r.ranges[0];
  };
  CHECK(one("bytes=0-99", 1000) == byte_range{0, 99});
  CHECK(one("bytes=500-", 1000) == byte_range{500, 999});
  CHECK(one("bytes=-300", 1000) == byte_range{700, 999});
  CHECK(one("bytes=-5000", 1000) == byte_range{0, 999});
  CHECK(one("bytes=900-5000", 1000) == byte_range{900, 999});
  CHECK(one("bytes=0-99999999999999999999999", 10) == byte_range{0, 9});
  CHECK(one(" Bytes=1-1 ", 10).first == 1);
  CHECK(commands::http::parse_range("bytes = 1-1", 10).k == range_request::kind::none);
  auto many = commands::http::parse_range("bytes=0-0, -1,,5-6", 10);
  REQUIRE(many.k == range_request::kind::satisfiable);
  CHECK(many.ranges == std::vector<byte_range>{{0, 0}, {5, 6}, {9, 9}});
  CHECK(commands::http::content_range({0, 99}, 1000) == "bytes 0-99/1000");
}

TEST_CASE("byte ranges past the end are unsatisfiable") {
  auto k = [](std::string_view v, std::uint64_t size) { return commands::http::parse_range(v, size).k; };
  CHECK(k("bytes=1000-", 1000) == range_request::kind::unsatisfiable);
  CHECK(k("bytes=1000-2000, 3000-", 1000) == range_request::kind::unsatisfiable);
  CHECK(k("bytes=-0", 1000) == range_request::kind::unsatisfiable);
  CHECK(k("bytes=0-", 0) == range_request::kind::unsatisfiable);
  CHECK(k("bytes=-5", 0) == range_request::kind::unsatisfiable);
  auto partly = commands::http::parse_range("bytes=2000-3000, 0-1", 1000);
  CHECK(partly.ranges == std::vector<byte_range>{{0, 1}});
  CHECK(commands::http::content_range_unsatisfied(1000) == "bytes */1000");
}

TEST_CASE("malformed or excessive range headers send the whole file") {
  for (const char* v : {"", "bytes", "bytes=", "bytes=,", "items=0-1", "bytes=5-1", "bytes=a-b",
                        "bytes=1", "bytes=--1", "bytes=1-2-3", "bytes=0x1-2", "bytes=-"}) {
    CHECK_MESSAGE(commands::http::parse_range(v, 100).k == range_request::kind::none, v);
  }
  std::string seventeen = "bytes=0-0";
  for (int i = 1; i < 17; ++i) seventeen += fmt::format(",{}-{}", i * 2, i * 2);
  CHECK(commands::http::parse_range(seventeen, 100).k == range_request::kind::none);
  seventeen.resize(seventeen.rfind(','));
  CHECK(commands::http::parse_range(seventeen, 100).ranges.size() == 16);
}

TEST_CASE("overlapping and adjacent byte ranges merge into sorted ranges") {
  auto r = commands::http::parse_range("bytes=50-60, 0-10, 5-20, 21-30, 55-, -10", 100);
  REQUIRE(r.k == range_request::kind::satisfiable);
  CHECK(r.ranges == std::vector<byte_range>{{0, 30}, {50, 99}});
  // The same range sixteen times is sent once.
  std::string same = "bytes=0-99";
  for (int i = 0; i < 15; ++i) same += ",0-99";
  CHECK(commands::http::parse_range(same, 100).ranges == std::vector<byte_range>{{0, 99}});
}

TEST_CASE("a multipart byteranges body frames each range with its Content-Range") {
  std::vector<byte_range> ranges{{0, 1}, {8, 9}};
  auto body = commands::http::multipart_byteranges_body("0123456789", ranges, "text/plain", "XYZ");
  CHECK(body ==
        "--XYZ\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/10\r\n\r\n01"
        "\r\n--XYZ\r\nContent-Type: text/plain\r\nContent-Range: bytes 8-9/10\r\n\r\n89"
        "\r\n--XYZ--\r\n");
  auto layout = commands::http::multipart_byteranges(ranges, 10, "text/plain", "XYZ");
  CHECK(layout.length == body.size());
  CHECK(layout.content_type == "multipart/byteranges; boundary=XYZ");
  CHECK(layout.heads.size() == 2);
}

TEST_CASE("entity tags are strong by default and built from mtime nanoseconds and size") {
  CHECK(etag == "\"ae1b981c3a4d715-3e8\"");
  CHECK(commands::http::make_etag(1000, mtime, true) == "W/" + etag);
  CHECK(commands::http::make_etag(1000, mtime + 1ns) != etag);
}

TEST_CASE("If-Match is evaluated first and fails with 412") {
  CHECK(check({{"If-Match", etag}}) == precondition::proceed);
  CHECK(check({{"If-Match", "\"other\", " + etag}}) == precondition::proceed);
  CHECK(check({{"If-Match", "*"}}) == precondition::proceed);
  CHECK(check({{"If-Match", "\"other\""}}) == precondition::failed);
  CHECK(check({{"If-Match", "W/" + etag}}) == precondition::failed);  // strong comparison
  // If-Match beats a matching If-None-Match, and If-Unmodified-Since is then ignored.
  CHECK(check({{"If-Match", "\"other\""}, {"If-None-Match", etag}}) == precondition::failed);
  CHECK(check({{"If-Match", etag}, {"If-Unmodified-Since", "Sat, 01 Jan 1994 00:00:00 GMT"}}) ==
        precondition::proceed);
}

TEST_CASE("If-Unmodified-Since fails a request for a file changed since") {
  CHECK(check({{"If-Unmodified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"}}) == precondition::proceed);
  CHECK(check({{"If-Unmodified-Since", "Sun, 06 Nov 1994 08:49:36 GMT"}}) == precondition::failed);
  CHECK(check({{"If-Unmodified-Since", "yesterday"}}) == precondition::proceed);
}

TEST_CASE("If-None-Match gives 304 to GET and HEAD and 412 to other methods") {
  CHECK(check({{"If-None-Match", etag}}) == precondition::not_modified);
  CHECK(check({{"If-None-Match", "W/" + etag}}, "HEAD") == precondition::not_modified);
  CHECK(check({{"If-None-Match", "\"a\",\"b\""}, {"If-None-Match", etag}}) ==
        precondition::not_modified);
  CHECK(check({{"If-None-Match", "*"}}, "PUT") == precondition::failed);
  CHECK(check({{"If-None-Match", "\"other\""}}) == precondition::proceed);
  // A failed If-None-Match wins over If-Modified-Since, which is then ignored.
  CHECK(check({{"If-None-Match", "\"other\""},
               {"If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"}}) == precondition::proceed);
}

TEST_CASE("If-Modified-Since counts for GET and HEAD at one-second precision") {
  CHECK(check({{"If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"}}) ==
        precondition::not_modified);
  CHECK(check({{"If-Modified-Since", "Sun, 06 Nov 1994 08:49:36 GMT"}}) == precondition::proceed);
  CHECK(check({{"If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"}}, "POST") ==
        precondition::proceed);
  // RFC 9110 5.6.7: the obsolete RFC 850 and asctime forms are accepted too.
  CHECK(check({{"If-Modified-Since", "Sunday, 06-Nov-94 08:49:37 GMT"}}) ==
        precondition::not_modified);
  CHECK(check({{"If-Modified-Since", "Sun Nov  6 08:49:36 1994"}}) == precondition::proceed);
  CHECK(check({{"If-Modified-Since", "not a date"}}) == precondition::proceed);
  CHECK(check({}) == precondition::proceed);
}

TEST_CASE("If-Range lets a range through only when the validator is current and strong") {
  auto applies = [](std::string v) {
    return commands::http::range_applies(get({{"If-Range", v}}), etag, mtime);
  };
  CHECK(commands::http::range_applies(get({}), etag, mtime));
  CHECK(applies(etag));
  CHECK(!applies("\"old\""));
  CHECK(!applies("W/" + etag));
  CHECK(applies("Sun, 06 Nov 1994 08:49:37 GMT"));
  CHECK(!applies("Sun, 06 Nov 1994 08:49:38 GMT"));
  CHECK(!applies("garbage"));
  CHECK(!commands::http::range_applies(get({{"If-Range", etag}}), "W/" + etag, mtime));
}

TEST_CASE("directory listings escape names, percent-encode links and put directories first") {
  std::vector<commands::http::dir_entry> entries{
      {"b.txt", commands::http::dir_entry::kind::file, 2048, mtime},
      {"<script>&\"'.html", commands::http::dir_entry::kind::file, 1, mtime},
      {"a dir", commands::http::dir_entry::kind::directory, 0, mtime},
      {"A.txt", commands::http::dir_entry::kind::file, 0, mtime},
      {"..", commands::http::dir_entry::kind::directory, 0, mtime},
      {"javascript:alert(1)", commands::http::dir_entry::kind::file, 0, mtime},
  };
  auto html = commands::http::listing_html("/sub/<x>/", entries);
  CHECK(html.find("<title>Index of /sub/&lt;x&gt;/</title>") != std::string::npos);
  CHECK(html.find("<a href=\"../\">../</a>") != std::string::npos);
  CHECK(html.find("<script>") == std::string::npos);
  CHECK(
      html.find("<a href=\"%3Cscript%3E%26%22%27.html\">&lt;script&gt;&amp;&quot;&#39;.html</a>") !=
      std::string::npos);
  CHECK(html.find("href=\"javascript%3Aalert%281%29\"") != std::string::npos);
  CHECK(html.find("<a href=\"a%20dir/\">a dir/</a></td><td class=\"size\">-</td><td>1994-11-06 "
                  "08:49</td>") != std::string::npos);
  CHECK(html.find("2.00 KiB") != std::string::npos);
  auto dir = html.find("a dir/"), a = html.find(">A.txt"), b = html.find(">b.txt");
  CHECK(dir < a);
  CHECK(a < b);
  CHECK(commands::http::listing_html("/", entries).find("../") == std::string::npos);
}

TEST_CASE("directory listings are JSON when the client prefers it") {
  auto h = [](std::string accept) {
    proto::header_list l;
    l.add("Accept", accept);
    return l;
  };
  CHECK(!commands::http::prefers_json({}));
  CHECK(commands::http::prefers_json(h("application/json")));
  CHECK(!commands::http::prefers_json(h("*/*")));
  CHECK(!commands::http::prefers_json(h("text/html,application/xhtml+xml,*/*;q=0.8")));
  CHECK(commands::http::prefers_json(h("text/html;q=0.5, application/json")));
  CHECK(commands::http::prefers_json(h("application/*, text/html;q=0.9")));
  CHECK(!commands::http::prefers_json(h("application/json;q=0.5, text/*")));

  auto r = get({{"Accept", "application/json"}});
  r.path = "/d/";
  auto resp = commands::http::listing_response(r, {{"f\xff", commands::http::dir_entry::kind::file, 3, mtime},
                                          {"d", commands::http::dir_entry::kind::directory, 0, mtime}});
  CHECK(resp.headers.get("Content-Type") == "application/json");
  CHECK(resp.headers.get("Vary") == "Accept");
  auto j = nlohmann::json::parse(resp.body);
  CHECK(j[0] ==
        nlohmann::json{
            {"name", "d"}, {"type", "directory"}, {"size", 0}, {"mtime", "1994-11-06T08:49:37Z"}});
  CHECK(j[1]["name"] == "f\xEF\xBF\xBD");
  CHECK(j[1]["size"] == 3);
  r.headers = {};
  CHECK(commands::http::listing_response(r, {}).headers.get("Content-Type") == "text/html; charset=utf-8");
}
