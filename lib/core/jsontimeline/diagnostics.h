// SPDX-License-Identifier: LGPL-2.1-or-later
// Diagnostics: the error/warning list every lib/ operation on input documents reports into.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <glib.h>

namespace jtl {

/* The one GError domain of the project (see docs/errors.md). */
#define JTL_ERROR (jtl::error_quark())
GQuark error_quark();

enum ErrorCode {
	JTL_ERROR_FAILED,   /* anything else */
	JTL_ERROR_IO,       /* a file could not be read or written */
	JTL_ERROR_INVALID,  /* the document is invalid; the diagnostics say why */
	JTL_ERROR_INTERNAL, /* a bug: an embedded resource is missing, ... */
};

enum class Severity { Error, Warning };

/* Schema: the document breaks a rule of the official JSON Schema (or is not JSON).
 * Semantic: the document is schema-valid but breaks a rule of the editor model. */
enum class Kind { Schema, Semantic };

struct Diagnostic {
	std::string code;    /* stable code, listed in docs/errors.md */
	std::string path;    /* JSON pointer (RFC 6901) into the document, "" = root */
	std::string message; /* one readable sentence */
	Kind kind = Kind::Schema;
	Severity severity = Severity::Error;
};

const char *kind_name(Kind kind);
const char *severity_name(Severity severity);

/* An ordered list of diagnostics. It keeps at most max_errors errors and max_warnings
 * warnings so that a document with a million mistakes still costs bounded memory; the
 * counts of what was dropped stay available. */
class Diagnostics
{
public:
	static constexpr std::size_t kDefaultMax = 1000;

	explicit Diagnostics(std::size_t max_errors = kDefaultMax,
	                     std::size_t max_warnings = kDefaultMax);

	void error(std::string code, std::string path, std::string message,
	           Kind kind = Kind::Schema);
	void warning(std::string code, std::string path, std::string message,
	             Kind kind = Kind::Semantic);
	void add(Diagnostic d);
	void append(const Diagnostics &other);

	bool has_errors() const { return error_count_ > 0; }
	std::size_t error_count() const { return error_count_; }
	std::size_t warning_count() const { return warning_count_; }
	/* Errors and warnings that were counted but not stored because of the limits. */
	std::size_t dropped() const { return dropped_; }

	const std::vector<Diagnostic> &all() const { return list_; }
	std::vector<Diagnostic> errors() const;
	std::vector<Diagnostic> warnings() const;

	/* True when a diagnostic with this code exists (tests, callers that branch). */
	bool contains(const std::string &code) const;
	bool contains(const std::string &code, const std::string &path) const;

	/* Turns the warnings with one of these codes into errors (strict mode). */
	void promote_warnings(const std::vector<std::string> &codes);

private:
	std::vector<Diagnostic> list_;
	std::size_t max_errors_;
	std::size_t max_warnings_;
	std::size_t error_count_ = 0;
	std::size_t warning_count_ = 0;
	std::size_t stored_errors_ = 0;
	std::size_t stored_warnings_ = 0;
	std::size_t dropped_ = 0;
};

/* A string from a document quoted for a message: at most max_chars characters (UTF-8),
 * longer ones cut with an ellipsis, so a 50 MB font name is not echoed whole. */
std::string quote_user_text(const std::string &text, std::size_t max_chars = 100);

} /* namespace jtl */
