// SPDX-License-Identifier: LGPL-2.1-or-later
// JSON loading with limits (size, depth, UTF-8, number range) and JSON pointer helpers.
#include <jsontimeline/json.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <glib/gstdio.h>
#include <unordered_set>
#include <vector>

namespace jtl {

namespace {

/* One open array or object during the pre-scan. */
struct Frame {
	bool object = false;
	std::size_t index = 0; /* arrays: index of the current element */
	std::string key;       /* objects: the current member name */
	std::unordered_set<std::string> keys;
};

struct BigNumber {
	std::vector<std::string> tokens; /* where, as pointer tokens */
	std::string literal;
};

/* A strict RFC 8259 recogniser that runs before json-glib (which accepts leading zeros,
 * wraps integers beyond 64 bits and recurses without limit). It never recurses itself. */
class PreScanner
{
public:
	PreScanner(std::string_view text, const JsonLimits &limits, Diagnostics &diags)
	        : text_(text), limits_(limits), diags_(diags)
	{
	}

	bool run();
	std::vector<BigNumber> big_numbers;

private:
	bool fail(std::size_t offset, const std::string &what);
	std::string where(std::size_t offset) const;
	std::string path() const;
	std::vector<std::string> tokens() const;
	void skip_ws();
	bool value();
	bool string(std::string *decoded);
	bool number();
	bool literal();
	bool hex4(std::size_t at, unsigned *out);

	std::string_view text_;
	const JsonLimits &limits_;
	Diagnostics &diags_;
	std::size_t pos_ = 0;
	std::vector<Frame> stack_;
};

std::string describe_char(char c)
{
	unsigned char u = static_cast<unsigned char>(c);
	if (u >= 0x20 && u < 0x7f)
		return std::string("'") + c + "'";
	char buf[16];
	g_snprintf(buf, sizeof(buf), "byte 0x%02x", u);
	return buf;
}

std::string PreScanner::where(std::size_t offset) const
{
	std::size_t line = 1, col = 1;
	for (std::size_t i = 0; i < offset && i < text_.size(); i++) {
		if (text_[i] == '\n') {
			line++;
			col = 1;
		} else if ((static_cast<unsigned char>(text_[i]) & 0xc0) != 0x80) {
			col++;
		}
	}
	return "line " + std::to_string(line) + ", column " + std::to_string(col);
}

std::vector<std::string> PreScanner::tokens() const
{
	std::vector<std::string> out;
	for (const Frame &f : stack_)
		out.push_back(f.object ? f.key : std::to_string(f.index));
	return out;
}

std::string PreScanner::path() const
{
	std::string p;
	for (const std::string &t : tokens())
		p = json_pointer_append(p, t);
	return p;
}

bool PreScanner::fail(std::size_t offset, const std::string &what)
{
	diags_.error("EDITOR_JSON_INVALID", path(),
	             "not valid JSON at " + where(offset) + ": " + what);
	return false;
}

void PreScanner::skip_ws()
{
	while (pos_ < text_.size()) {
		char c = text_[pos_];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		pos_++;
	}
}

bool PreScanner::hex4(std::size_t at, unsigned *out)
{
	if (at + 4 > text_.size())
		return false;
	unsigned v = 0;
	for (std::size_t i = at; i < at + 4; i++) {
		int d = g_ascii_xdigit_value(text_[i]);
		if (d < 0)
			return false;
		v = v * 16 + unsigned(d);
	}
	*out = v;
	return true;
}

bool PreScanner::string(std::string *decoded)
{
	std::size_t start = pos_;
	pos_++; /* opening quote */
	while (true) {
		if (pos_ >= text_.size())
			return fail(start, "unterminated string (truncated document?)");
		unsigned char c = static_cast<unsigned char>(text_[pos_]);
		if (c == '"') {
			pos_++;
			return true;
		}
		if (c < 0x20)
			return fail(pos_, "control character " + describe_char(char(c)) +
			                          " inside a string must be escaped");
		if (c != '\\') {
			if (decoded)
				decoded->push_back(char(c));
			pos_++;
			continue;
		}
		if (pos_ + 1 >= text_.size())
			return fail(start, "unterminated string (truncated document?)");
		char e = text_[pos_ + 1];
		const char *simple = strchr("\"\\/bfnrt", e);
		if (e != '\0' && simple) {
			static const char map[] = "\"\\/\b\f\n\r\t";
			if (decoded)
				decoded->push_back(map[simple - "\"\\/bfnrt"]);
			pos_ += 2;
			continue;
		}
		if (e != 'u')
			return fail(pos_, "invalid escape \\" + std::string(1, e) + " in a string");
		unsigned cp;
		if (!hex4(pos_ + 2, &cp))
			return fail(pos_, "\\u must be followed by four hexadecimal digits");
		std::size_t len = 6;
		if (cp == 0)
			return fail(pos_, "\\u0000 (NUL) inside a string is not supported");
		if (cp >= 0xdc00 && cp <= 0xdfff)
			return fail(pos_, "lone low surrogate in a \\u escape");
		if (cp >= 0xd800 && cp <= 0xdbff) {
			unsigned low;
			if (pos_ + 7 >= text_.size() || text_[pos_ + 6] != '\\' ||
			    text_[pos_ + 7] != 'u' || !hex4(pos_ + 8, &low) || low < 0xdc00 ||
			    low > 0xdfff)
				return fail(pos_, "high surrogate in a \\u escape without its low "
				                  "surrogate");
			cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
			len = 12;
		}
		if (decoded) {
			char buf[8];
			int n = g_unichar_to_utf8(gunichar(cp), buf);
			decoded->append(buf, std::size_t(n));
		}
		pos_ += len;
	}
}

bool PreScanner::number()
{
	std::size_t start = pos_;
	bool integral = true;
	if (text_[pos_] == '-')
		pos_++;
	if (pos_ >= text_.size() || !g_ascii_isdigit(text_[pos_]))
		return fail(start, "a number needs digits after '-'");
	if (text_[pos_] == '0') {
		pos_++;
		if (pos_ < text_.size() && g_ascii_isdigit(text_[pos_]))
			return fail(start, "numbers must not have leading zeros");
	} else {
		while (pos_ < text_.size() && g_ascii_isdigit(text_[pos_]))
			pos_++;
	}
	if (pos_ < text_.size() && text_[pos_] == '.') {
		integral = false;
		pos_++;
		if (pos_ >= text_.size() || !g_ascii_isdigit(text_[pos_]))
			return fail(start, "a number needs digits after the decimal point");
		while (pos_ < text_.size() && g_ascii_isdigit(text_[pos_]))
			pos_++;
	}
	if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
		integral = false;
		pos_++;
		if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-'))
			pos_++;
		if (pos_ >= text_.size() || !g_ascii_isdigit(text_[pos_]))
			return fail(start, "a number needs digits in its exponent");
		while (pos_ < text_.size() && g_ascii_isdigit(text_[pos_]))
			pos_++;
	}
	std::string lit(text_.substr(start, pos_ - start));
	double v = g_ascii_strtod(lit.c_str(), nullptr);
	bool out_of_range = !std::isfinite(v);
	if (integral) {
		/* compare digits, not doubles: 2^53 + 1 rounds to 2^53 as a double */
		std::string digits = lit[0] == '-' ? lit.substr(1) : lit;
		static const std::string max = std::to_string(kMaxSafeInteger);
		if (digits.size() > max.size() || (digits.size() == max.size() && digits > max))
			out_of_range = true;
	}
	if (out_of_range) {
		diags_.error(
		        "EDITOR_NUMBER_OUT_OF_RANGE", path(),
		        "the number " + (lit.size() > 40 ? lit.substr(0, 40) + "..." : lit) +
		                " at " + where(start) +
		                (integral ? " is beyond +/-2^53 and cannot be represented exactly"
		                          : " is too large to be represented"),
		        Kind::Semantic);
		if (integral && std::isfinite(v))
			big_numbers.push_back({tokens(), lit});
	}
	return true;
}

bool PreScanner::literal()
{
	static const char *const words[] = {"true", "false", "null"};
	for (const char *w : words) {
		std::size_t n = strlen(w);
		if (text_.compare(pos_, n, w) == 0) {
			pos_ += n;
			if (pos_ < text_.size() && g_ascii_isalnum(text_[pos_]))
				break;
			return true;
		}
	}
	std::size_t end = pos_;
	while (end < text_.size() && (g_ascii_isalnum(text_[end]) || text_[end] == '_'))
		end++;
	std::string word(text_.substr(pos_, std::min<std::size_t>(end - pos_, 20)));
	if (word == "NaN" || word == "Infinity" || word == "nan" || word == "inf")
		return fail(pos_, word + " is not a JSON number (JSON has no NaN or Infinity)");
	if (word.empty())
		return fail(pos_,
		            "unexpected " + describe_char(text_[pos_]) + ", expected a value");
	return fail(pos_, "unexpected word '" + word + "', expected a value");
}

bool PreScanner::value()
{
	if (pos_ >= text_.size())
		return fail(pos_,
		            "unexpected end of input, expected a value (truncated document?)");
	char c = text_[pos_];
	if (c == '{' || c == '[') {
		if (stack_.size() >= limits_.max_depth) {
			diags_.error("EDITOR_JSON_TOO_DEEP", path(),
			             "arrays and objects are nested more than " +
			                     std::to_string(limits_.max_depth) +
			                     " levels deep at " + where(pos_));
			return false;
		}
		Frame f;
		f.object = c == '{';
		stack_.push_back(std::move(f));
		pos_++;
		return true; /* the caller's loop continues inside the container */
	}
	if (c == '"')
		return string(nullptr);
	if (c == '-' || g_ascii_isdigit(c))
		return number();
	return literal();
}

bool PreScanner::run()
{
	if (text_.size() >= 3 && text_.compare(0, 3, "\xef\xbb\xbf") == 0)
		pos_ = 3;
	skip_ws();
	if (pos_ >= text_.size()) {
		diags_.error("EDITOR_JSON_INVALID", "", "the document is empty");
		return false;
	}
	/* Iterative walk: after each value, close containers or move to the next member. */
	bool expect_value = true;
	while (true) {
		if (expect_value) {
			if (!stack_.empty() && stack_.back().object) {
				/* a member: "key" : value */
				skip_ws();
				if (pos_ >= text_.size() || text_[pos_] != '"')
					return fail(pos_,
					            pos_ >= text_.size()
					                    ? "unexpected end of input inside an "
					                      "object (truncated document?)"
					                    : "expected a member name in double "
					                      "quotes, found " +
					                              describe_char(text_[pos_]));
				std::string key;
				std::size_t key_at = pos_;
				if (!string(&key))
					return false;
				Frame &f = stack_.back();
				f.key = key;
				if (!f.keys.insert(key).second)
					diags_.warning("EDITOR_JSON_DUPLICATE_KEY", path(),
					               "the member name \"" + key +
					                       "\" appears more than once in this "
					                       "object (" +
					                       where(key_at) +
					                       "); the last one is used",
					               Kind::Schema);
				skip_ws();
				if (pos_ >= text_.size() || text_[pos_] != ':')
					return fail(pos_, "expected ':' after the member name");
				pos_++;
			}
			skip_ws();
			std::size_t depth = stack_.size();
			if (!value())
				return false;
			if (stack_.size() > depth) {
				/* opened a container: empty? */
				skip_ws();
				char close = stack_.back().object ? '}' : ']';
				if (pos_ < text_.size() && text_[pos_] == close) {
					pos_++;
					stack_.pop_back();
				} else {
					continue; /* read its first element */
				}
			}
		}
		/* after a value */
		skip_ws();
		if (stack_.empty())
			break;
		Frame &f = stack_.back();
		if (pos_ >= text_.size())
			return fail(pos_, std::string("unexpected end of input inside an ") +
			                          (f.object ? "object" : "array") +
			                          " (truncated document?)");
		char c = text_[pos_];
		if (c == ',') {
			pos_++;
			if (!f.object)
				f.index++;
			skip_ws();
			if (pos_ < text_.size() && (text_[pos_] == ']' || text_[pos_] == '}'))
				return fail(pos_,
				            "trailing comma before " + describe_char(text_[pos_]));
			expect_value = true;
			continue;
		}
		if (c == (f.object ? '}' : ']')) {
			pos_++;
			stack_.pop_back();
			expect_value = false;
			continue;
		}
		return fail(pos_, std::string("expected ',' or '") + (f.object ? '}' : ']') +
		                          "', found " + describe_char(c));
	}
	if (pos_ < text_.size())
		return fail(pos_, "unexpected " + describe_char(text_[pos_]) +
		                          " after the end of the document");
	return true;
}

JsonNode *find_node(JsonNode *root, const std::vector<std::string> &tokens)
{
	JsonNode *node = root;
	for (const std::string &t : tokens) {
		if (JSON_NODE_HOLDS_OBJECT(node)) {
			node = json_object_get_member(json_node_get_object(node), t.c_str());
		} else if (JSON_NODE_HOLDS_ARRAY(node)) {
			JsonArray *a = json_node_get_array(node);
			guint64 i = g_ascii_strtoull(t.c_str(), nullptr, 10);
			node = i < json_array_get_length(a) ? json_array_get_element(a, guint(i))
			                                    : nullptr;
		} else {
			node = nullptr;
		}
		if (!node)
			return nullptr;
	}
	return node;
}

} /* namespace */

JsonNodePtr parse_json(std::string_view text, const JsonLimits &limits, Diagnostics &diags)
{
	if (text.size() > limits.max_bytes) {
		diags.error("EDITOR_JSON_TOO_LARGE", "",
		            "the document is " + std::to_string(text.size()) +
		                    " bytes; the limit is " + std::to_string(limits.max_bytes) +
		                    " bytes");
		return nullptr;
	}
	const gchar *bad = nullptr;
	if (!g_utf8_validate_len(text.data(), text.size(), &bad)) {
		std::size_t off = std::size_t(bad - text.data());
		std::size_t line =
		        1 + std::size_t(std::count(text.begin(), text.begin() + off, '\n'));
		diags.error("EDITOR_JSON_ENCODING_INVALID", "",
		            "the document is not valid UTF-8 (first bad byte at offset " +
		                    std::to_string(off) + ", line " + std::to_string(line) + ")");
		return nullptr;
	}
	PreScanner scanner(text, limits, diags);
	if (!scanner.run())
		return nullptr;

	std::string_view body = text;
	if (body.size() >= 3 && body.compare(0, 3, "\xef\xbb\xbf") == 0)
		body.remove_prefix(3);
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error = nullptr;
	if (!json_parser_load_from_data(parser, body.data(), gssize(body.size()), &error)) {
		diags.error("EDITOR_JSON_INVALID", "",
		            std::string("not valid JSON: ") + error->message);
		return nullptr;
	}
	JsonNode *root = json_parser_steal_root(parser);
	if (!root) {
		diags.error("EDITOR_JSON_INVALID", "", "the document is empty");
		return nullptr;
	}
	/* json-glib wraps integers beyond 64 bits; keep their value as a double instead so
	 * that schema checks see the number the author wrote. */
	for (const BigNumber &b : scanner.big_numbers) {
		if (JsonNode *n = find_node(root, b.tokens))
			json_node_set_double(n, g_ascii_strtod(b.literal.c_str(), nullptr));
	}
	return JsonNodePtr(root);
}

std::string json_pointer_escape(std::string_view token)
{
	std::string out;
	out.reserve(token.size());
	for (char c : token) {
		if (c == '~')
			out += "~0";
		else if (c == '/')
			out += "~1";
		else
			out += c;
	}
	return out;
}

std::string json_pointer_append(const std::string &path, std::string_view token)
{
	return path + "/" + json_pointer_escape(token);
}

std::string json_pointer_append(const std::string &path, std::size_t index)
{
	return path + "/" + std::to_string(index);
}

const char *json_type_name(JsonNode *node)
{
	if (!node || JSON_NODE_HOLDS_NULL(node))
		return "null";
	if (JSON_NODE_HOLDS_OBJECT(node))
		return "object";
	if (JSON_NODE_HOLDS_ARRAY(node))
		return "array";
	GType t = json_node_get_value_type(node);
	if (t == G_TYPE_STRING)
		return "string";
	if (t == G_TYPE_BOOLEAN)
		return "boolean";
	if (t == G_TYPE_INT64)
		return "integer";
	return "number";
}

bool json_node_number(JsonNode *node, double *out)
{
	if (!node || !JSON_NODE_HOLDS_VALUE(node))
		return false;
	GType t = json_node_get_value_type(node);
	if (t == G_TYPE_INT64) {
		*out = double(json_node_get_int(node));
		return true;
	}
	if (t == G_TYPE_DOUBLE) {
		*out = json_node_get_double(node);
		return true;
	}
	return false;
}

bool json_node_is_integer(JsonNode *node)
{
	double v;
	if (!json_node_number(node, &v))
		return false;
	if (json_node_get_value_type(node) == G_TYPE_INT64)
		return true;
	return std::isfinite(v) && std::floor(v) == v;
}

std::string json_excerpt(JsonNode *node, std::size_t max_length)
{
	if (!node)
		return "null";
	g_autofree gchar *s = ::json_to_string(node, FALSE);
	std::string out = s ? s : "";
	if (out.size() > max_length) {
		std::size_t cut = max_length;
		while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xc0) == 0x80)
			cut--;
		out = out.substr(0, cut) + "...";
	}
	return out;
}

} /* namespace jtl */

namespace jtl {

bool read_document(const char *path, const JsonLimits &limits, std::string *out, bool *too_large,
                   GError **error)
{
	*too_large = false;
	out->clear();
	bool is_stdin = strcmp(path, "-") == 0;
	int fd = is_stdin ? 0 : g_open(path, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0) {
		int e = errno;
		g_set_error(error, JTL_ERROR, JTL_ERROR_IO, "cannot open %s: %s", path,
		            g_strerror(e));
		return false;
	}
	struct stat st;
	if (fstat(fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			g_set_error(error, JTL_ERROR, JTL_ERROR_IO,
			            "cannot read %s: it is a directory", path);
			if (!is_stdin)
				close(fd);
			return false;
		}
		if (S_ISREG(st.st_mode) && std::size_t(st.st_size) > limits.max_bytes) {
			*too_large = true;
			out->clear();
			if (!is_stdin)
				close(fd);
			return true;
		}
	}
	char buf[65536];
	while (true) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			g_set_error(error, JTL_ERROR, JTL_ERROR_IO, "cannot read %s: %s",
			            is_stdin ? "standard input" : path, g_strerror(e));
			if (!is_stdin)
				close(fd);
			return false;
		}
		if (n == 0)
			break;
		if (out->size() + std::size_t(n) > limits.max_bytes) {
			*too_large = true;
			out->clear();
			break;
		}
		out->append(buf, std::size_t(n));
	}
	if (!is_stdin)
		close(fd);
	return true;
}

} /* namespace jtl */
