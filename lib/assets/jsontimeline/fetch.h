// SPDX-License-Identifier: LGPL-2.1-or-later
// Remote assets: http(s) remoteUrls downloaded once into a cache and used from there.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <gio/gio.h>

#include <jsontimeline/model.h>

namespace jtl {

/* The remote asset cache's default bound, bytes (FetchOptions::cache_max_bytes). */
constexpr uint64_t kDefaultCacheMaxBytes = 2ull << 30;
/* A partial download not written to for this long is a dead process's: deleted. */
constexpr int64_t kStalePartSeconds = 3600;

struct FetchOptions {
	std::string cache_dir;           /* "" = g_get_user_cache_dir()/jsontimeline/remote */
	uint64_t max_bytes = 1ull << 30; /* per file */
	/* the whole cache: after each call the files used longest ago are deleted until the
	 * cache holds at most this many bytes (the files of the call itself stay); 0 = no
	 * bound */
	uint64_t cache_max_bytes = kDefaultCacheMaxBytes;
	double timeout_seconds = 120; /* per file, whole transfer; <= 0: no limit */
	int max_redirects = 5;
	/* refuse loopback/private/link-local/metadata addresses, checked at connect time
	 * (after DNS and on every redirect); proxies are not used then */
	bool refuse_private = false;
	/* hosts that refuse_private lets through: names or IP literals, as in the URL */
	std::vector<std::string> allow_hosts;
};

/* Downloads every http(s) remoteUrl (else filename) of the assets the timeline's items use
 * (video, audio, image, gif; lottie without resourceJson; assets no item references are
 * skipped) and of the globalBackground image (its imageAssetId's asset, else imageUrl)
 * into the cache, and records the local file in Asset::local_path (or
 * GlobalBackground::image_local_path), which resolve_asset_path() returns first.
 *
 * The cache is keyed by the URL: the file name is the SHA-256 of the URL in hex, plus the
 * extension of the URL's path. A file already in the cache is not downloaded again (its
 * modification time is set to now: the cache is trimmed least recently used first); a
 * download goes to a temporary name in the cache directory and is renamed when complete.
 * After every call the cache is trimmed to cache_max_bytes (partial downloads of other
 * processes count; those untouched for kStalePartSeconds are deleted).
 * Several assets with one URL are fetched once. Fetches run concurrently (four at a time)
 * on a private GMainContext; the call blocks, so call it from a thread that is not
 * streaming. Redirects are followed (up to max_redirects, http and https only).
 *
 * Returns false for the first failure with *error naming the asset id (or
 * "globalBackground imageUrl"), the URL and what went wrong (HTTP status, timeout, too
 * large, refused address, unsupported scheme, I/O error), and *json_path (when not null)
 * set to the JSON pointer of the URL in the document (/assets/ID/remoteUrl,
 * /assets/ID/filename or /globalBackground/imageUrl). The other transfers are then
 * cancelled, and what this call downloaded is deleted again. file:// URIs and paths are left
 * alone (resolve_asset_path() reads them); other schemes (ftp:, data:, javascript:, ...)
 * are an error. */
bool fetch_remote_assets(Timeline &timeline, const FetchOptions &options, std::string *error,
                         std::string *json_path = nullptr);

/* The lowercase URI scheme of a location ("https", "file", "ftp", ...), or "" when it is a
 * path. */
std::string url_scheme(const std::string &location);

/* Whether a literal IPv4 or IPv6 address is one refuse_private refuses: unspecified,
 * loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7), shared (100.64/10),
 * link-local (169.254/16 with the cloud metadata address, fe80::/10), site-local
 * (fec0::/10), multicast, broadcast, reserved (0/8, 240/4), IPv4-mapped/compatible IPv6
 * forms of those. *reason (when not null) says which. A string that is not an address
 * counts as refused. */
bool address_is_private(const std::string &address, std::string *reason = nullptr);

/* The connect-time guard shared by asset fetching and webhooks. Given the connection of
 * SoupMessage::network-event at G_SOCKET_CLIENT_CONNECTING (the address resolved, about
 * to be connected), returns "" when address_is_private() lets it through, else
 * "ADDRESS (why)" (or "(unknown: not an IP connection)"): the caller then cancels. Connect
 * the signal with SOUP_MESSAGE_NEW_CONNECTION set, since only a message that opens its
 * own connection emits it, and without a proxy resolver on the session. */
std::string connection_refusal(GIOStream *connection);

/* Whether the host of an http(s) URL is one of allow_hosts (names or IP literals as
 * written in URLs, compared case-insensitively). */
bool host_allow_listed(const std::string &url, const std::vector<std::string> &allow_hosts);

} /* namespace jtl */
