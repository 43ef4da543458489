// SPDX-License-Identifier: LGPL-2.1-or-later
// JSON loading with limits (size, depth, UTF-8, number range) and JSON pointer helpers.
#include <jsontimeline/json.h>

#include <algorithm>
#include <cerrno>
#include <cfloat>
#include <cmath>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <glib/gstdio.h>
#include <vector>

namespace jtl {

namespace {

/* One open array or object while parsing. The container is already attached to its parent
 * (or is the root), so an early return frees everything through the root. */
struct Frame {
	JsonObject *object = nullptr; /* exactly one of object and array is set */
	JsonArray *array = nullptr;
	std::size_t index = 0;  /* arrays: index of the current element */
	std::string key;        /* objects: the current member name */
	std::size_t key_at = 0; /* and where it starts */
};

/* A strict RFC 8259 parser building json-glib nodes. It replaces json_parser, which accepts
 * leading zeros, wraps integers beyond 64 bits, recurses without limit and spends most of a
 * request's time in its GScanner; this one never recurses and reports errors with a line,
 * a column and the JSON pointer of the enclosing value. */
class Parser
{
public:
	Parser(std::string_view text, const JsonLimits &limits, Diagnostics &diags)
	        : text_(text), limits_(limits), diags_(diags)
	{
	}

	JsonNodePtr run();

private:
	bool fail(std::size_t offset, const std::string &what);
	std::string where(std::size_t offset) const;
	std::string path() const;
	void skip_ws();
	bool value();
	void attach(JsonNode *node);
	bool string(std::string *decoded);
	bool number();
	bool literal();
	bool hex4(std::size_t at, unsigned *out);

	std::string_view text_;
	const JsonLimits &limits_;
	Diagnostics &diags_;
	std::size_t pos_ = 0;
	std::vector<Frame> stack_;
	JsonNodePtr root_;
	std::string scratch_; /* decoded string values */
	std::size_t duplicates_ = 0;
	mutable std::size_t where_offset_ = 0, where_line_ = 1, where_col_ = 1;
};

/* Repeated member names reported one by one up to this many, then counted. */
constexpr std::size_t kMaxDuplicateWarnings = 50;

std::string describe_char(char c)
{
	unsigned char u = static_cast<unsigned char>(c);
	if (u >= 0x20 && u < 0x7f)
		return std::string("'") + c + "'";
	char buf[16];
	g_snprintf(buf, sizeof(buf), "byte 0x%02x", u);
	return buf;
}

/* Line and column of an offset, counted on from the previous answer when the offset did
 * not go back (diagnostics come in document order), so that many never cost O(n^2). */
std::string Parser::where(std::size_t offset) const
{
	if (offset < where_offset_) {
		where_offset_ = 0;
		where_line_ = 1;
		where_col_ = 1;
	}
	for (std::size_t i = where_offset_; i < offset && i < text_.size(); i++) {
		if (text_[i] == '\n') {
			where_line_++;
			where_col_ = 1;
		} else if ((static_cast<unsigned char>(text_[i]) & 0xc0) != 0x80) {
			where_col_++;
		}
	}
	where_offset_ = std::min(offset, text_.size());
	return "line " + std::to_string(where_line_) + ", column " + std::to_string(where_col_);
}

std::string Parser::path() const
{
	std::string p;
	for (const Frame &f : stack_)
		p = f.object ? json_pointer_append(p, f.key) : json_pointer_append(p, f.index);
	return p;
}

bool Parser::fail(std::size_t offset, const std::string &what)
{
	diags_.error("EDITOR_JSON_INVALID", path(),
	             "not valid JSON at " + where(offset) + ": " + what);
	return false;
}

void Parser::skip_ws()
{
	while (pos_ < text_.size()) {
		char c = text_[pos_];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		pos_++;
	}
}

/* Hands a new value to the open container (objects: under the current key; a repeated key
 * keeps the last value, as json-glib does) or makes it the root. */
void Parser::attach(JsonNode *node)
{
	if (stack_.empty()) {
		root_.reset(node);
		return;
	}
	Frame &f = stack_.back();
	if (!f.object) {
		json_array_add_element(f.array, node);
		return;
	}
	guint size = json_object_get_size(f.object);
	json_object_set_member(f.object, f.key.c_str(), node);
	if (json_object_get_size(f.object) != size || ++duplicates_ > kMaxDuplicateWarnings)
		return;
	diags_.warning("EDITOR_JSON_DUPLICATE_KEY", path(),
	               "the member name \"" + f.key + "\" appears more than once in this object (" +
	                       where(f.key_at) + "); the last one is used" +
	                       (duplicates_ == kMaxDuplicateWarnings
	                                ? " (further repeated names are not reported)"
	                                : ""),
	               Kind::Schema);
}

bool Parser::hex4(std::size_t at, unsigned *out)
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

bool Parser::string(std::string *decoded)
{
	std::size_t start = pos_;
	pos_++; /* opening quote */
	decoded->clear();
	while (true) {
		/* a run of plain characters, appended at once */
		std::size_t run = pos_;
		while (run < text_.size()) {
			unsigned char c = static_cast<unsigned char>(text_[run]);
			if (c == '"' || c == '\\' || c < 0x20)
				break;
			run++;
		}
		decoded->append(text_.data() + pos_, run - pos_);
		pos_ = run;
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
		if (pos_ + 1 >= text_.size())
			return fail(start, "unterminated string (truncated document?)");
		char e = text_[pos_ + 1];
		const char *simple = strchr("\"\\/bfnrt", e);
		if (e != '\0' && simple) {
			static const char map[] = "\"\\/\b\f\n\r\t";
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
		char buf[8];
		int n = g_unichar_to_utf8(gunichar(cp), buf);
		decoded->append(buf, std::size_t(n));
		pos_ += len;
	}
}

/* Integers within +/-2^53 become int64 nodes, other numbers doubles: an integer beyond
 * 2^53 keeps its (rounded) value as a double after its error, where json-glib wrapped it. */
bool Parser::number()
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
	JsonNode *node = json_node_alloc();
	if (integral) {
		/* compare digits, not doubles: 2^53 + 1 rounds to 2^53 as a double */
		std::size_t digits = lit.size() - (lit[0] == '-' ? 1 : 0);
		static const std::string max = std::to_string(kMaxSafeInteger);
		bool safe =
		        digits < max.size() || (digits == max.size() &&
		                                lit.compare(lit.size() - digits, digits, max) <= 0);
		if (safe) {
			attach(json_node_init_int(node, g_ascii_strtoll(lit.c_str(), nullptr, 10)));
			return true;
		}
	}
	/* beyond the range of a double: the largest one, never an infinity that would spread
	 * through the arithmetic (and print as "inf") */
	double v = std::clamp(g_ascii_strtod(lit.c_str(), nullptr), -DBL_MAX, DBL_MAX);
	attach(json_node_init_double(node, v));
	/* every number beyond 2^53, however written: 1e30 is an integer to JSON Schema, but
	 * no tick count, size or index of a document is that large, and as an int64 it wraps */
	if (integral || std::fabs(v) > double(kMaxSafeInteger))
		diags_.error(
		        "EDITOR_NUMBER_OUT_OF_RANGE", path(),
		        "the number " + (lit.size() > 40 ? lit.substr(0, 40) + "..." : lit) +
		                " at " + where(start) +
		                (integral ? " is beyond +/-2^53 and cannot be represented exactly"
		                          : " is beyond +/-2^53, larger than any value of a "
		                            "document"),
		        Kind::Semantic);
	return true;
}

bool Parser::literal()
{
	static const char *const words[] = {"true", "false", "null"};
	for (const char *w : words) {
		std::size_t n = strlen(w);
		if (text_.compare(pos_, n, w) == 0) {
			if (pos_ + n < text_.size() && g_ascii_isalnum(text_[pos_ + n]))
				break;
			pos_ += n;
			JsonNode *node = json_node_alloc();
			if (w[0] == 'n')
				attach(json_node_init_null(node));
			else
				attach(json_node_init_boolean(node, w[0] == 't'));
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

bool Parser::value()
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
		JsonNode *node = json_node_alloc();
		if (c == '{') {
			f.object = json_object_new();
			json_node_init_object(node, f.object);
			json_object_unref(f.object); /* the node holds it */
		} else {
			f.array = json_array_new();
			json_node_init_array(node, f.array);
			json_array_unref(f.array);
		}
		attach(node);
		stack_.push_back(std::move(f));
		pos_++;
		return true; /* the caller's loop continues inside the container */
	}
	if (c == '"') {
		if (!string(&scratch_))
			return false;
		attach(json_node_init_string(json_node_alloc(), scratch_.c_str()));
		return true;
	}
	if (c == '-' || g_ascii_isdigit(c))
		return number();
	return literal();
}

JsonNodePtr Parser::run()
{
	if (text_.size() >= 3 && text_.compare(0, 3, "\xef\xbb\xbf") == 0)
		pos_ = 3;
	skip_ws();
	if (pos_ >= text_.size()) {
		diags_.error("EDITOR_JSON_INVALID", "", "the document is empty");
		return nullptr;
	}
	/* Iterative walk: after each value, close containers or move to the next member. */
	bool expect_value = true;
	while (true) {
		if (expect_value) {
			if (!stack_.empty() && stack_.back().object) {
				/* a member: "key" : value */
				skip_ws();
				if (pos_ >= text_.size() || text_[pos_] != '"') {
					fail(pos_, pos_ >= text_.size()
					                   ? "unexpected end of input inside an "
					                     "object (truncated document?)"
					                   : "expected a member name in double "
					                     "quotes, found " +
					                             describe_char(text_[pos_]));
					return nullptr;
				}
				Frame &f = stack_.back();
				f.key_at = pos_;
				if (!string(&f.key))
					return nullptr;
				skip_ws();
				if (pos_ >= text_.size() || text_[pos_] != ':') {
					fail(pos_, "expected ':' after the member name");
					return nullptr;
				}
				pos_++;
			}
			skip_ws();
			std::size_t depth = stack_.size();
			if (!value())
				return nullptr;
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
		if (pos_ >= text_.size()) {
			fail(pos_, std::string("unexpected end of input inside an ") +
			                   (f.object ? "object" : "array") +
			                   " (truncated document?)");
			return nullptr;
		}
		char c = text_[pos_];
		if (c == ',') {
			pos_++;
			if (!f.object)
				f.index++;
			skip_ws();
			if (pos_ < text_.size() && (text_[pos_] == ']' || text_[pos_] == '}')) {
				fail(pos_, "trailing comma before " + describe_char(text_[pos_]));
				return nullptr;
			}
			expect_value = true;
			continue;
		}
		if (c == (f.object ? '}' : ']')) {
			pos_++;
			stack_.pop_back();
			expect_value = false;
			continue;
		}
		fail(pos_, std::string("expected ',' or '") + (f.object ? '}' : ']') + "', found " +
		                   describe_char(c));
		return nullptr;
	}
	if (pos_ < text_.size()) {
		fail(pos_,
		     "unexpected " + describe_char(text_[pos_]) + " after the end of the document");
		return nullptr;
	}
	return std::move(root_);
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
	Parser parser(text, limits, diags);
	return parser.run();
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

namespace {

void write_string(std::string &out, const char *s)
{
	out += '"';
	for (const char *p = s ? s : ""; *p; p++) {
		unsigned char c = static_cast<unsigned char>(*p);
		if (c == '"' || c == '\\') {
			out += '\\';
			out += char(c);
		} else if (c < 0x20) {
			char esc[8];
			g_snprintf(esc, sizeof esc, "\\u%04x", c);
			out += esc;
		} else {
			out += char(c);
		}
	}
	out += '"';
}

/* The shortest of %.15g..%.17g that reads back as v, with ".0" when it would otherwise
 * read back as an integer. */
void write_double(std::string &out, double v)
{
	if (!std::isfinite(v)) {
		out += "null";
		return;
	}
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	for (const char *format : {"%.15g", "%.16g", "%.17g"}) {
		g_ascii_formatd(buf, sizeof buf, format, v);
		if (g_ascii_strtod(buf, nullptr) == v)
			break;
	}
	out += buf;
	if (!strpbrk(buf, ".eE"))
		out += ".0";
}

/* Iterative, as the parser: a document nested to its depth limit writes without
 * recursion. */
struct WriteFrame {
	JsonNode *node;
	GList *members = nullptr, *next = nullptr; /* objects */
	guint index = 0;                           /* arrays */
};

} /* namespace */

std::string json_write(JsonNode *root)
{
	std::string out;
	std::vector<WriteFrame> stack;
	auto scalar = [&out](JsonNode *n) {
		if (!n || JSON_NODE_HOLDS_NULL(n)) {
			out += "null";
			return;
		}
		GType t = json_node_get_value_type(n);
		if (t == G_TYPE_INT64)
			out += std::to_string(json_node_get_int(n));
		else if (t == G_TYPE_DOUBLE)
			write_double(out, json_node_get_double(n));
		else if (t == G_TYPE_BOOLEAN)
			out += json_node_get_boolean(n) ? "true" : "false";
		else if (t == G_TYPE_STRING)
			write_string(out, json_node_get_string(n));
		else
			out += "null";
	};
	auto open = [&](JsonNode *n) {
		if (n && JSON_NODE_HOLDS_OBJECT(n)) {
			out += '{';
			WriteFrame f{n};
			f.members = json_object_get_members(json_node_get_object(n));
			f.next = f.members;
			stack.push_back(f);
		} else if (n && JSON_NODE_HOLDS_ARRAY(n)) {
			out += '[';
			stack.push_back(WriteFrame{n});
		} else {
			scalar(n);
		}
	};
	open(root);
	while (!stack.empty()) {
		WriteFrame &f = stack.back();
		JsonNode *child = nullptr;
		bool first = true;
		if (JSON_NODE_HOLDS_OBJECT(f.node)) {
			if (f.next) {
				first = f.next == f.members;
				const char *name = static_cast<const char *>(f.next->data);
				child = json_object_get_member(json_node_get_object(f.node), name);
				f.next = f.next->next;
				if (!first)
					out += ',';
				write_string(out, name);
				out += ':';
			} else {
				g_list_free(f.members);
				stack.pop_back();
				out += '}';
				continue;
			}
		} else {
			JsonArray *a = json_node_get_array(f.node);
			if (f.index < json_array_get_length(a)) {
				first = f.index == 0;
				child = json_array_get_element(a, f.index++);
				if (!first)
					out += ',';
			} else {
				stack.pop_back();
				out += ']';
				continue;
			}
		}
		open(child); /* may grow the stack: f is not used after this */
	}
	return out;
}

std::string json_excerpt(JsonNode *node, std::size_t max_length)
{
	if (!node)
		return "null";
	std::string out = json_write(node);
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
