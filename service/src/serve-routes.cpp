// SPDX-License-Identifier: LGPL-2.1-or-later
// The export service's route table: API families register (method, pattern, auth, handler).
#include <string>
#include <vector>

#include "serve-internal.h"

namespace jtl {
namespace serve_detail {

namespace {

bool matches(const std::string &pattern, const std::vector<std::string> &seg,
             std::map<std::string, std::string> *params)
{
	std::vector<std::string> want = split_path(pattern);
	if (want.size() != seg.size())
		return false;
	std::map<std::string, std::string> found;
	for (std::size_t i = 0; i < want.size(); i++) {
		const std::string &w = want[i];
		if (w.size() > 2 && w.front() == '{' && w.back() == '}') {
			if (seg[i].empty())
				return false;
			found[w.substr(1, w.size() - 2)] = seg[i];
		} else if (w != seg[i]) {
			return false;
		}
	}
	if (params)
		*params = std::move(found);
	return true;
}

} /* namespace */

/* The path split at '/': "/v1/projects/X/assets" -> {"v1", "projects", "X", "assets"}. */
std::vector<std::string> split_path(const std::string &path)
{
	std::vector<std::string> out;
	std::size_t i = 1;
	while (i <= path.size()) {
		std::size_t j = path.find('/', i);
		if (j == std::string::npos)
			j = path.size();
		out.push_back(path.substr(i, j - i));
		i = j + 1;
	}
	return out;
}

void RouteTable::add(Route route)
{
	routes_.push_back(std::move(route));
}

RouteMatch RouteTable::find(const std::string &path, const std::string &method,
                            std::map<std::string, std::string> *params) const
{
	RouteMatch m;
	if (path.empty() || path[0] != '/')
		return m;
	std::vector<std::string> seg = split_path(path);
	for (const Route &r : routes_) {
		if (m.path ? r.pattern != m.path->pattern : !matches(r.pattern, seg, params))
			continue;
		if (!m.path)
			m.path = &r;
		if (r.method == "*" || r.method == method) {
			m.route = &r;
			break;
		}
	}
	return m;
}

} /* namespace serve_detail */
} /* namespace jtl */
