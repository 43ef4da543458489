// SPDX-License-Identifier: LGPL-2.1-or-later
// The one asset policy: local files against the root, references of a timeline, Lottie images.
#include <jsontimeline/asset-policy.h>

#include <climits>
#include <cstdlib>
#include <cstring>
#include <set>

#include <glib/gstdio.h>
#include <sys/stat.h>

#include <jsontimeline/json.h>

namespace jtl {

namespace {

/* A location as the document writes it, for messages: at most 200 bytes (cut at a
 * character boundary), quoted. */
std::string shown(const std::string &location)
{
	constexpr std::size_t kMax = 200;
	if (location.size() <= kMax)
		return "\"" + location + "\"";
	std::size_t cut = kMax;
	while (cut > 0 && (static_cast<unsigned char>(location[cut]) & 0xc0) == 0x80)
		cut--;
	return "\"" + location.substr(0, cut) + "...\"";
}

/* A path or file:// URI as a path ("" when the URI is not a local file). */
std::string as_path(const std::string &location)
{
	if (url_scheme(location) != "file")
		return location;
	g_autofree gchar *p = g_filename_from_uri(location.c_str(), nullptr, nullptr);
	return p ? p : "";
}

/* Whether the real path `real` is the real directory `root` or below it. */
bool below(const std::string &real, const std::string &root)
{
	if (real.compare(0, root.size(), root) != 0)
		return false;
	return real.size() == root.size() || root == "/" || real[root.size()] == '/';
}

} /* namespace */

std::vector<AssetReference> asset_references(Timeline &timeline)
{
	std::vector<AssetReference> out;
	std::set<std::string> seen;
	auto add_asset = [&](Asset &asset) {
		if (!seen.insert(asset.id).second)
			return;
		if (asset.type == AssetType::Caption ||
		    (asset.type == AssetType::Lottie && !asset.resource_json.empty()))
			return; /* the document carries what is drawn */
		bool remote = asset.remote_url && !asset.remote_url->empty();
		std::string path = json_pointer_append(json_pointer_append("/assets", asset.id),
		                                       remote ? "remoteUrl" : "filename");
		out.push_back({"asset \"" + asset.id + "\"", path,
		               remote ? *asset.remote_url : asset.filename, &asset.local_path});
	};
	for (const auto &entry : timeline.items) {
		const MediaData *media = entry.second.as<MediaData>();
		auto it = media ? timeline.assets.find(media->asset_id) : timeline.assets.end();
		if (it != timeline.assets.end())
			add_asset(it->second);
	}
	GlobalBackground &bg = timeline.background;
	if (bg.type == GlobalBackground::Type::Image) {
		auto it = bg.image_asset_id ? timeline.assets.find(*bg.image_asset_id)
		                            : timeline.assets.end();
		if (it != timeline.assets.end())
			add_asset(it->second);
		else if (!bg.image_url.empty())
			out.push_back({"globalBackground imageUrl", "/globalBackground/imageUrl",
			               bg.image_url, &bg.image_local_path});
	}
	return out;
}

std::string policy_local_file(const AssetPolicy &policy, const std::string &location,
                              std::string *error, bool *missing)
{
	if (missing)
		*missing = false;
	std::string scheme = url_scheme(location);
	if (!scheme.empty() && scheme != "file") {
		*error = "unsupported URL scheme \"" + scheme + "\" in " + shown(location) +
		         " (only http, https and file)";
		return {};
	}
	std::string where = as_path(location);
	if (!where.empty() && !g_path_is_absolute(where.c_str())) {
		std::string dir = as_path(policy.base);
		g_autofree gchar *joined =
		        g_build_filename(dir.empty() ? "." : dir.c_str(), where.c_str(), nullptr);
		where = joined;
	}
	g_autofree char *real = where.empty() ? nullptr : realpath(where.c_str(), nullptr);
	GStatBuf st;
	bool ok = real && g_stat(real, &st) == 0 && S_ISREG(st.st_mode);
	if (ok && !policy.root.empty()) {
		g_autofree char *root = realpath(policy.root.c_str(), nullptr);
		ok = root && below(real, root);
	}
	if (!ok) {
		if (missing)
			*missing = true;
		*error = policy.root.empty()
		                 ? "the file " + shown(location) + " does not exist"
		                 : shown(location) + " is not a file in the asset directory";
		return {};
	}
	return real;
}

std::string resolve_asset_path(const Asset &asset, const AssetPolicy &policy, std::string *error,
                               bool *missing)
{
	if (missing)
		*missing = false;
	std::string where = asset.remote_url.value_or("");
	if (where.empty())
		where = asset.filename;
	if (!asset.local_path.empty()) {
		if (!g_file_test(asset.local_path.c_str(), G_FILE_TEST_IS_REGULAR)) {
			*error = "the downloaded copy of " + shown(where) + " is gone";
			if (missing)
				*missing = true;
			return {};
		}
		return asset.local_path;
	}
	std::string scheme = url_scheme(where);
	if (scheme == "http" || scheme == "https") {
		*error = "remote asset " + shown(where) + " must be fetched before rendering";
		return {};
	}
	return policy_local_file(policy, where, error, missing);
}

std::string asset_error_text(const std::string &error, const std::string &path, const Asset &asset)
{
	if (path.empty())
		return error;
	std::string reference = asset.remote_url.value_or("");
	if (reference.empty())
		reference = asset.filename;
	std::string out = error;
	std::string with = shown(reference);
	for (std::size_t at = out.find(path); at != std::string::npos;
	     at = out.find(path, at + with.size()))
		out.replace(at, path.size(), with);
	return out;
}

bool admit_assets(Timeline &timeline, const AssetPolicy &policy, FetchOptions fetch,
                  std::string *error, std::string *json_path, bool *missing)
{
	if (missing)
		*missing = false;
	fetch.refuse_private = policy.refuse_private;
	fetch.allow_hosts = policy.allow_hosts;
	if (!fetch_remote_assets(timeline, fetch, error, json_path))
		return false;
	if (policy.root.empty())
		return true; /* a missing file is said by the item that uses it */
	for (const AssetReference &ref : asset_references(timeline)) {
		if (!ref.local->empty())
			continue; /* downloaded */
		std::string why;
		if (policy_local_file(policy, ref.location, &why, missing).empty()) {
			*error = ref.who + ": " + why;
			if (json_path)
				*json_path = ref.json_path;
			return false;
		}
	}
	return true;
}

bool confine_lottie_json(const std::string &json, const std::string &dir, const AssetPolicy *policy,
                         std::string *out, std::string *error)
{
	Diagnostics diags;
	JsonNodePtr root = parse_json(json, JsonLimits{}, diags);
	if (!root || !JSON_NODE_HOLDS_OBJECT(root.get())) {
		*error = "cannot read the Lottie JSON";
		return false;
	}
	JsonObject *o = json_node_get_object(root.get());
	JsonNode *assets = json_object_get_member(o, "assets");
	JsonArray *list =
	        assets && JSON_NODE_HOLDS_ARRAY(assets) ? json_node_get_array(assets) : nullptr;
	for (guint i = 0; list && i < json_array_get_length(list); i++) {
		JsonNode *node = json_array_get_element(list, i);
		JsonObject *a = JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node) : nullptr;
		if (!a || !json_object_has_member(a, "p"))
			continue;
		std::string where = "the Lottie image assets/" + std::to_string(i);
		JsonNode *p = json_object_get_member(a, "p");
		JsonNode *u = json_object_get_member(a, "u");
		if (!JSON_NODE_HOLDS_VALUE(p) || json_node_get_value_type(p) != G_TYPE_STRING ||
		    (u && !JSON_NODE_HOLDS_NULL(u) &&
		     (!JSON_NODE_HOLDS_VALUE(u) || json_node_get_value_type(u) != G_TYPE_STRING))) {
			*error = where + " has a \"p\" or \"u\" that is not a string";
			return false;
		}
		std::string name = json_node_get_string(p);
		std::string folder = u && !JSON_NODE_HOLDS_NULL(u) ? json_node_get_string(u) : "";
		if (name.compare(0, 5, "data:") != 0) {
			std::string why;
			std::string file =
			        policy ? policy_local_file(*policy, dir + "/" + folder + name, &why)
			               : std::string();
			gchar *bytes = nullptr;
			gsize length = 0;
			GStatBuf st;
			if (!file.empty() && g_stat(file.c_str(), &st) == 0 &&
			    uint64_t(st.st_size) > kMaxLottieImageBytes) {
				*error = where + " " + shown(folder + name) + " is larger than " +
				         std::to_string(kMaxLottieImageBytes) + " bytes";
				return false;
			}
			if (file.empty() ||
			    !g_file_get_contents(file.c_str(), &bytes, &length, nullptr)) {
				*error = where + " " + shown(folder + name) +
				         (!policy ? " is not embedded (only data: images are "
				                    "allowed in "
				                    "Lottie JSON carried by the document)"
				          : policy->root.empty()
				                  ? " does not exist"
				                  : " is not a file in the asset directory");
				return false;
			}
			g_autofree gchar *b64 =
			        g_base64_encode(reinterpret_cast<const guchar *>(bytes), length);
			g_free(bytes);
			name = std::string("data:;base64,") + b64;
		}
		json_object_set_string_member(a, "p", name.c_str());
		json_object_set_string_member(a, "u", "");
		json_object_set_int_member(a, "e", 1);
	}
	*out = json_write(root.get()); /* iterative: json-glib's writer recurses once a level */
	return true;
}

} /* namespace jtl */
