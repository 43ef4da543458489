// SPDX-License-Identifier: LGPL-2.1-or-later
// Diagnostics: the error/warning list every lib/ operation on input documents reports into.
#include <jsontimeline/diagnostics.h>

#include <algorithm>

#include <glib.h>

namespace jtl {

GQuark error_quark()
{
	return g_quark_from_static_string("jsontimeline-error-quark");
}

const char *kind_name(Kind kind)
{
	return kind == Kind::Schema ? "schema" : "semantic";
}

const char *severity_name(Severity severity)
{
	return severity == Severity::Error ? "error" : "warning";
}

Diagnostics::Diagnostics(std::size_t max_errors, std::size_t max_warnings)
        : max_errors_(max_errors), max_warnings_(max_warnings)
{
}

void Diagnostics::add(Diagnostic d)
{
	if (d.severity == Severity::Error) {
		error_count_++;
		if (stored_errors_ >= max_errors_) {
			dropped_++;
			return;
		}
		stored_errors_++;
	} else {
		warning_count_++;
		if (stored_warnings_ >= max_warnings_) {
			dropped_++;
			return;
		}
		stored_warnings_++;
	}
	list_.push_back(std::move(d));
}

void Diagnostics::error(std::string code, std::string path, std::string message, Kind kind)
{
	add({std::move(code), std::move(path), std::move(message), kind, Severity::Error});
}

void Diagnostics::warning(std::string code, std::string path, std::string message, Kind kind)
{
	add({std::move(code), std::move(path), std::move(message), kind, Severity::Warning});
}

void Diagnostics::append(const Diagnostics &other)
{
	for (const Diagnostic &d : other.list_)
		add(d);
	/* What the other list dropped stays counted. */
	dropped_ += other.dropped_;
	error_count_ += other.error_count_ - other.stored_errors_;
	warning_count_ += other.warning_count_ - other.stored_warnings_;
}

std::vector<Diagnostic> Diagnostics::errors() const
{
	std::vector<Diagnostic> out;
	std::copy_if(list_.begin(), list_.end(), std::back_inserter(out),
	             [](const Diagnostic &d) { return d.severity == Severity::Error; });
	return out;
}

std::vector<Diagnostic> Diagnostics::warnings() const
{
	std::vector<Diagnostic> out;
	std::copy_if(list_.begin(), list_.end(), std::back_inserter(out),
	             [](const Diagnostic &d) { return d.severity == Severity::Warning; });
	return out;
}

bool Diagnostics::contains(const std::string &code) const
{
	return std::any_of(list_.begin(), list_.end(),
	                   [&](const Diagnostic &d) { return d.code == code; });
}

bool Diagnostics::contains(const std::string &code, const std::string &path) const
{
	return std::any_of(list_.begin(), list_.end(),
	                   [&](const Diagnostic &d) { return d.code == code && d.path == path; });
}

void Diagnostics::promote_warnings(const std::vector<std::string> &codes)
{
	for (Diagnostic &d : list_) {
		if (d.severity != Severity::Warning ||
		    std::find(codes.begin(), codes.end(), d.code) == codes.end())
			continue;
		d.severity = Severity::Error;
		stored_warnings_--;
		stored_errors_++;
		warning_count_--;
		error_count_++;
	}
}

std::string quote_user_text(const std::string &text, std::size_t max_chars)
{
	const char *begin = text.c_str(), *end = begin + text.size();
	const char *p = begin;
	std::size_t n = 0;
	while (p < end && n < max_chars) {
		const char *next = g_utf8_find_next_char(p, end);
		p = next ? next : end;
		n++;
	}
	if (p >= end)
		return "\"" + text + "\"";
	return "\"" + std::string(begin, p) + "\u2026\" (" + std::to_string(text.size()) +
	       " bytes)";
}

} /* namespace jtl */
