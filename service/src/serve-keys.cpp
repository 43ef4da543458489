// SPDX-License-Identifier: LGPL-2.1-or-later
// API keys of the export service: the keys file, generated keys, SHA-256 hashes.
#include <jsontimeline/serve.h>

#include <cerrno>
#include <cstdio>

#include <glib.h>
#include <glib/gstdio.h>

#include "serve-error.h"

namespace jtl {

std::string sha256_hex(const std::string &text)
{
	g_autofree char *hex = g_compute_checksum_for_data(
	        G_CHECKSUM_SHA256, reinterpret_cast<const guchar *>(text.data()), text.size());
	return hex;
}

namespace {

ApiKey make_key(const std::string &hash, const std::string &secret)
{
	ApiKey k;
	k.hash = hash;
	k.id = "key_" + hash.substr(0, 16);
	k.webhook_secret = secret;
	return k;
}

} /* namespace */

std::string random_hex(std::size_t bytes)
{
	std::string out;
	FILE *f = fopen("/dev/urandom", "rb");
	if (!f)
		return out;
	for (std::size_t i = 0; i < bytes; i++) {
		int c = fgetc(f);
		if (c == EOF)
			break;
		char hex[3];
		g_snprintf(hex, sizeof hex, "%02x", c);
		out += hex;
	}
	fclose(f);
	return out;
}

bool load_api_keys(const std::string &path, std::vector<ApiKey> *keys, GError **error)
{
	g_autofree char *contents = nullptr;
	g_autoptr(GError) err = nullptr;
	if (!g_file_get_contents(path.c_str(), &contents, nullptr, &err)) {
		set_service_error(error, JTL_ERROR_IO, err->message);
		return false;
	}
	g_auto(GStrv) lines = g_strsplit(contents, "\n", -1);
	for (int i = 0; lines[i]; i++) {
		g_strstrip(lines[i]);
		if (!lines[i][0] || lines[i][0] == '#')
			continue;
		g_auto(GStrv) fields = g_strsplit_set(lines[i], " \t", -1);
		std::vector<std::string> f;
		for (int j = 0; fields[j]; j++)
			if (fields[j][0])
				f.push_back(fields[j]);
		if (f.size() > 2) {
			set_service_error(error, JTL_ERROR_FAILED,
			                  path + ":" + std::to_string(i + 1) +
			                          ": expected '<api-key> [<webhook-secret>]'");
			return false;
		}
		keys->push_back(make_key(sha256_hex(f[0]), f.size() > 1 ? f[1] : ""));
	}
	if (keys->empty()) {
		set_service_error(error, JTL_ERROR_FAILED, path + ": no API key");
		return false;
	}
	return true;
}

bool ensure_generated_key(const std::string &data_dir, std::vector<ApiKey> *keys,
                          std::string *generated, GError **error)
{
	std::string file = data_dir + "/api-key.sha256";
	g_autofree char *contents = nullptr;
	if (g_file_get_contents(file.c_str(), &contents, nullptr, nullptr)) {
		std::string hash = g_strstrip(contents);
		if (hash.size() != 64) {
			set_service_error(error, JTL_ERROR_FAILED, file + ": not a SHA-256");
			return false;
		}
		keys->push_back(make_key(hash, ""));
		return true;
	}
	std::string key = "jtl_" + random_hex(24);
	if (key.size() != 4 + 48) {
		set_service_error(error, JTL_ERROR_IO, "cannot read /dev/urandom");
		return false;
	}
	std::string hash = sha256_hex(key);
	g_autoptr(GError) err = nullptr;
	if (g_mkdir_with_parents(data_dir.c_str(), 0700) != 0 ||
	    !g_file_set_contents_full(file.c_str(), (hash + "\n").c_str(), -1,
	                              G_FILE_SET_CONTENTS_CONSISTENT, 0600, &err)) {
		set_service_error(error, JTL_ERROR_IO,
		                  file + ": " + (err ? err->message : g_strerror(errno)));
		return false;
	}
	keys->push_back(make_key(hash, ""));
	*generated = key;
	return true;
}

} /* namespace jtl */
