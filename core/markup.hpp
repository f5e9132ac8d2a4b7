#pragma once
// Text placed inside HTML or XML: directory listings (HTML) and JUnit reports (XML) share one
// escaper. They differ where the two languages do: XML 1.0 cannot carry most control characters
// at all (even escaped), its parsers turn a carriage return into a line feed and, inside an
// attribute value, tabs and line feeds into spaces, and &apos; is not an HTML 4 entity, so HTML
// gets &#39;.
#include <string>
#include <string_view>

namespace core {

/// Where the text goes: HTML, XML element content, or a quoted XML attribute value.
enum class markup { html, xml, xml_attribute };

/// `text` safe in `lang`, read back by a parser as it was given where the language allows: & < > "
/// ' escaped. For XML, bytes that are not valid UTF-8 become U+FFFD; control characters other than
/// tab, line feed and carriage return are shown as \xNN, and the noncharacters U+FFFE and U+FFFF
/// as \uFFFE and \uFFFF (XML 1.0 allows none of them, even escaped); a carriage return is written
/// &#13;, and in an attribute value tab and line feed too (&#9; and &#10;).
/// Example: escape_markup("a<b 'c'", markup::html) == "a&lt;b &#39;c&#39;".
/// Example: escape_markup("x\r\n", markup::xml) == "x&#13;\n".
std::string escape_markup(std::string_view text, markup lang);

/// Bytes nobody vouches for (what a process printed) as HTML element content or a quoted
/// attribute value: bytes that are not valid UTF-8 become U+FFFD; control characters other than
/// tab, line feed and carriage return become their Unicode pictures (ESC is shown as U+241B),
/// C1 controls U+FFFD; & < > " ' are escaped. The result can end no element and no attribute.
/// Example: escape_untrusted_html("</pre>\x1b\xff") == "&lt;/pre&gt;\u241B\uFFFD".
std::string escape_untrusted_html(std::string_view bytes);

}  // namespace core
