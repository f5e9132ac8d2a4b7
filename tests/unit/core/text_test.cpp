// Small text helpers every layer leans on: line handling, secrets, base64, markup escaping,
// UTF-8 repair.
#include "core/text.hpp"

#include <doctest/doctest.h>

#include "core/base64.hpp"
#include "core/json.hpp"
#include "core/markup.hpp"

TEST_CASE("next_line takes complete lines only, leaving the rest for later") {
  std::string pending = "a\nbc\nd";
  CHECK(core::next_line(pending) == "a\n");
  CHECK(core::next_line(pending) == "bc\n");
  CHECK_FALSE(core::next_line(pending));
  CHECK(pending == "d");
  pending += "e\r\n";
  CHECK(core::next_line(pending) == "de\r\n");
  CHECK(pending.empty());
}

TEST_CASE("with_crlf adds a CR only where one is missing, across pieces too") {
  char last = 0;
  CHECK(core::with_crlf("a\nb\r\n", last) == "a\r\nb\r\n");
  CHECK(last == '\n');
  CHECK(core::with_crlf("\n\n", last) == "\r\n\r\n");
  CHECK(core::with_crlf("x\r", last) == "x\r");
  CHECK(last == '\r');
  CHECK(core::with_crlf("\ny", last) == "\ny");  // the CR came in the piece before
  CHECK(core::with_crlf("", last) == "");
  CHECK(last == 'y');
}

TEST_CASE("same_secret compares whole strings") {
  CHECK(core::same_secret("token", "token"));
  CHECK_FALSE(core::same_secret("token", "tokeN"));
  CHECK_FALSE(core::same_secret("token", "token2"));
  CHECK_FALSE(core::same_secret("", "x"));
  CHECK(core::same_secret("", ""));
}

TEST_CASE("base64 round-trips every byte and refuses anything not canonical") {
  CHECK(core::base64_encode("") == "");
  CHECK(core::base64_encode("f") == "Zg==");
  CHECK(core::base64_encode("fo") == "Zm8=");
  CHECK(core::base64_encode("foo") == "Zm9v");
  CHECK(core::base64_encode("foobar") == "Zm9vYmFy");  // RFC 4648 section 10
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  CHECK(core::base64_decode(core::base64_encode(all)) == all);
  CHECK(core::base64_decode("Zm9vYg==") == "foob");
  CHECK_FALSE(core::base64_decode("Zm9vYg"));     // unpadded
  CHECK_FALSE(core::base64_decode("Zm9v Yg=="));  // a space
  CHECK_FALSE(core::base64_decode("Zm=vYg=="));   // padding inside
  CHECK_FALSE(core::base64_decode("Zh=="));       // bits set past the data
  CHECK_FALSE(core::base64_decode("Zm9-"));       // the URL alphabet
}

TEST_CASE("markup escaping differs where HTML and XML differ") {
  using core::markup;
  CHECK(core::escape_markup(R"(a<b>&"c" 'd')", markup::html) ==
        "a&lt;b&gt;&amp;&quot;c&quot; &#39;d&#39;");
  CHECK(core::escape_markup(R"('d')", markup::xml) == "&apos;d&apos;");
  CHECK(core::escape_markup("tab\there\nnl", markup::xml) == "tab\there\nnl");
  CHECK(core::escape_markup(std::string("bell\x07", 5), markup::xml) == "bell\\x07");
  CHECK(core::escape_markup("bad\xff", markup::xml) == "bad\xEF\xBF\xBD");
}

TEST_CASE("xml escaping keeps what a parser would change or refuse") {
  using core::markup;
  // A parser reads a literal CR as LF, and tab or LF in an attribute value as a space.
  CHECK(core::escape_markup("a\r\n", markup::xml) == "a&#13;\n");
  CHECK(core::escape_markup("a\tb\r\nc", markup::xml_attribute) == "a&#9;b&#13;&#10;c");
  CHECK(core::escape_markup("a\r", markup::html) == "a\r");
  // U+FFFE and U+FFFF are valid UTF-8 but not XML characters; U+FFFD and U+10FFFF are both.
  CHECK(core::escape_markup("x\xEF\xBF\xBEy\xEF\xBF\xBF", markup::xml) == "x\\uFFFEy\\uFFFF");
  CHECK(core::escape_markup("\xEF\xBF\xBD\xF4\x8F\xBF\xBF", markup::xml_attribute) ==
        "\xEF\xBF\xBD\xF4\x8F\xBF\xBF");
}

TEST_CASE("untrusted bytes become HTML text that can end no element and no attribute") {
  CHECK(core::escape_untrusted_html("</pre><img src=x onerror='a()'>") ==
        "&lt;/pre&gt;&lt;img src=x onerror=&#39;a()&#39;&gt;");
  CHECK(core::escape_untrusted_html("\"&amp;") == "&quot;&amp;amp;");
  // Not UTF-8: U+FFFD; a C0 control: its picture (U+241B for ESC, U+2400 for NUL, U+2421 for
  // DEL); a C1 control (U+0085): U+FFFD; tab, line feed and carriage return stay.
  CHECK(core::escape_untrusted_html(std::string("\xff\x1b[0m\x00\x7f", 7)) ==
        "\xEF\xBF\xBD\xE2\x90\x9B[0m\xE2\x90\x80\xE2\x90\xA1");
  CHECK(core::escape_untrusted_html("a\xC2\x85"
                                    "b") ==
        "a\xEF\xBF\xBD"
        "b");
  CHECK(core::escape_untrusted_html("\t\r\n\xC3\xA9") == "\t\r\n\xC3\xA9");
}

TEST_CASE("text from outside is made valid UTF-8 and cut at character boundaries") {
  CHECK(core::valid_utf8("a\xff") == "a\xEF\xBF\xBD");
  CHECK(core::valid_utf8("\xC3\xA9t\xC3\xA9") == "\xC3\xA9t\xC3\xA9");
  CHECK(core::truncate_utf8("\xC3\xA9\xC3\xA9\xC3\xA9", 3) == "\xC3\xA9...");
  CHECK(core::truncate_utf8("short", 10) == "short");
  CHECK(core::shell_quote("a b") == "'a b'");
  CHECK(core::shell_quote("it's") == "'it'\\''s'");
  CHECK(core::edit_distance("sevre", "serve") == 2);
}

TEST_CASE("json from a peer is measured before it is parsed") {
  CHECK(core::json_depth("[[1],{}]") == 2);
  CHECK(core::json_depth(R"({"a":"[[[[", "b":[{"c":"\"]"}]})") == 3);
  CHECK(core::json_depth("]]]]") == 0);
  CHECK(core::json_depth(std::string(1000, '['), 10) == 10);  // stops counting early
  CHECK(core::parse_peer_json(R"({"a":[1,2]})")->at("a").size() == 2);
  CHECK_FALSE(core::parse_peer_json("{"));
  std::string deep = std::string(129, '[') + std::string(129, ']');
  CHECK_FALSE(core::parse_peer_json(deep));
  CHECK(core::parse_peer_json(deep.substr(1, 256)));  // 128 levels: allowed
}
